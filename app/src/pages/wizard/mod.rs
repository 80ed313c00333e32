//! The create-cluster wizard: six steps, each at its own address
//! (`/clusters/new/{plan,location,version,network,pools,review}`), over one draft kept in this
//! browser's storage so that Back, Next, a reload or a sign-in round trip lose nothing. The
//! model's rules judge the draft as the user types; Next waits only for the step's own errors.

mod as_code;
mod draft;
mod fields;
mod network;
mod pool_draft;
mod pools;
mod review;
mod steps;
mod template;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use model::access::User;
use model::capabilities::Capabilities;
use model::flavor::Flavor;
use model::operation::OperationKind;
use model::region::Region;
use model::validation::FieldErrors;
use reactive_stores::Store;

use crate::api::{flavors, get_capabilities};
use crate::components::browser;
use crate::components::outcome::caught;
use crate::components::user_menu::with_user;
use crate::error::AppError;
use crate::pages::project_of;
pub use draft::{Draft, DraftStoreFields, STEPS, step_of};
pub use fields::{Bound, Checkbox, TextField, message_at};
pub use pool_draft::{PoolDraft, PoolDraftStoreFields};
pub use pools::PoolEditor;

/// What every step works with.
#[derive(Clone, Copy)]
pub struct Wizard {
    pub project: StoredValue<String>,
    pub draft: Store<Draft>,
    /// What the provider offers the project, once read.
    pub capabilities: Signal<Option<Capabilities>>,
    pub flavors: Resource<Result<Vec<Flavor>, AppError>>,
    pub errors: Memo<FieldErrors>,
}

impl Wizard {
    /// The chosen region, as the provider describes it.
    pub fn region(&self) -> Option<Region> {
        let name = self.draft.region().get();
        self.capabilities.with(|caps| caps.as_ref()?.regions.iter().find(|r| r.name == name).cloned())
    }

    /// The address of step `index`.
    pub fn href(&self, index: usize) -> String {
        step_href(self.project, index)
    }
}

/// The `localStorage` key of a project's draft.
fn storage_key(project: &str) -> String {
    format!("pilothouse-draft-{project}")
}

/// Forgets the project's draft (after it became a cluster).
pub fn forget_draft(project: &str) {
    browser::save(&storage_key(project), None);
}

#[component]
pub fn WizardPage() -> impl IntoView {
    let query = use_query_map();
    let params = use_params_map();
    let shown = move |user: User| {
        let wanted = query.read_untracked().get("project");
        match project_of(&user, wanted.as_deref()) {
            Some((project, _, role)) if role.allows(OperationKind::CreateCluster.required_role()) => {
                let step = step_at(&params.read_untracked().get("step").unwrap_or_default());
                if step == 0 {
                    return view! { <WizardFirstStep project /> }.into_any();
                }
                view! { <WizardSteps project step /> }.into_any()
            }
            Some((_, name, role)) => view! {
                <p class="empty" role="alert">
                    "Creating clusters needs the operator role in " {name} "; yours is "
                    {role.label().to_lowercase()} "."
                </p>
            }
            .into_any(),
            None => view! { <p>"You have no project."</p> }.into_any(),
        }
    };
    view! {
        <Title text="New cluster" />
        <section class="page">
            <h1>"New cluster"</h1>
            {with_user(shown)}
        </section>
    }
}

/// The step at the address's `slug` (the first for one it does not know).
pub fn step_at(slug: &str) -> usize {
    STEPS.iter().position(|(s, _)| *s == slug).unwrap_or(0)
}

/// The project's draft in this browser: brought back after hydration, then saved on every change.
fn kept_draft(project: &str) -> Store<Draft> {
    let draft = Store::new(Draft::default());
    let key = storage_key(project);
    let loaded = RwSignal::new(false);
    {
        let key = key.clone();
        Effect::new(move |_| {
            let saved = browser::load(&key).and_then(|text| serde_json::from_str::<Draft>(&text).ok());
            let mut restored = saved.unwrap_or_default();
            if restored.key.is_empty() {
                restored.key = browser::random_key();
            }
            restored.number_pools();
            draft.set(restored);
            draft.pools().update_keys();
            loaded.set(true);
        });
    }
    Effect::new(move |_| {
        let text = draft.with(|d| serde_json::to_string(d).unwrap_or_default());
        if loaded.get_untracked() {
            browser::save(&key, Some(&text));
        }
    });
    draft
}

/// The wizard at `step`, over the project's draft, once what the provider offers is read. Its
/// resources are made before anything is awaited, so the page carries their answers.
#[cfg_attr(island = "WizardSteps", island)]
#[cfg_attr(not(island = "WizardSteps"), component)]
fn WizardSteps(project: String, step: usize) -> impl IntoView {
    let draft = kept_draft(&project);
    let project = StoredValue::new(project);
    let offers = Resource::new(move || project.get_value(), get_capabilities);
    let capabilities = Signal::derive(move || offers.get().and_then(Result::ok));
    let flavors = Resource::new(
        move || (project.get_value(), draft.region().get()),
        |(project, region)| async move {
            if region.is_empty() { Ok(Vec::new()) } else { flavors(project, region).await }
        },
    );
    let errors = Memo::new(move |_| {
        let region = draft.region().get();
        let offered = flavors.get().and_then(Result::ok);
        capabilities.with(|caps| {
            let region = caps.as_ref().and_then(|caps| caps.regions.iter().find(|r| r.name == region));
            draft.with(|d| d.errors(region, offered.as_deref().filter(|f| !f.is_empty())))
        })
    });
    let wizard = Wizard { project, draft, capabilities, flavors, errors };
    // Each step is a page load (there is no router in the browser).
    let step = Memo::new(move |_| step);
    let body = move || {
        let Some(Capabilities { regions, versions, prices }) = wizard.capabilities.get() else {
            return ().into_any();
        };
        // Step 0 is `WizardFirstStep`'s.
        match step.get() {
            1 => view! { <steps::LocationStep wizard regions /> }.into_any(),
            2 => view! { <steps::VersionStep wizard versions /> }.into_any(),
            3 => view! { <steps::NetworkStep wizard /> }.into_any(),
            4 => view! { <pools::PoolsStep wizard prices /> }.into_any(),
            _ => view! { <review::ReviewStep wizard prices /> }.into_any(),
        }
    };
    // The server renders the page only once the provider's answers are in.
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading what the provider offers…"</p> }>
            <ErrorBoundary fallback=caught>
                {move || Suspend::new(async move {
                    offers.await?;
                    Ok::<_, AppError>(view! {
                        <StepNav project step errors />
                        <StepForm project step errors>{body}</StepForm>
                    })
                })}
            </ErrorBoundary>
        </Suspense>
    }
}

/// The first step, an island of its own: its fields (name and plan) need neither what the
/// provider offers nor the later steps' rules, so the wizard's first page loads neither.
#[cfg_attr(island = "WizardFirstStep", island)]
#[cfg_attr(not(island = "WizardFirstStep"), component)]
fn WizardFirstStep(project: String) -> impl IntoView {
    let draft = kept_draft(&project);
    let project = StoredValue::new(project);
    let errors = Memo::new(move |_| draft.with(Draft::first_step_errors));
    let step = Memo::new(|_| 0);
    view! {
        <StepNav project step errors />
        <StepForm project step errors>
            <steps::PlanStep draft errors />
        </StepForm>
    }
}

/// The address of step `index` of the project's wizard.
fn step_href(project: StoredValue<String>, index: usize) -> String {
    format!("/clusters/new/{}?project={}", STEPS[index].0, project.get_value())
}

/// The list of steps: where the user is, which are done, which have problems.
#[component]
fn StepNav(project: StoredValue<String>, step: Memo<usize>, errors: Memo<FieldErrors>) -> impl IntoView {
    let items = STEPS
        .iter()
        .enumerate()
        .map(|(i, (_, title))| {
            let problems = move || errors.with(|e| e.iter().filter(|e| step_of(&e.field) == i).count());
            let class = move || {
                let mut class = String::from("step");
                if step.get() == i {
                    class.push_str(" current");
                }
                if i < 5 && problems() > 0 && step.get() > i {
                    class.push_str(" invalid");
                }
                class
            };
            view! {
                <li class=class>
                    <a href=step_href(project, i)>
                        <span class="step-number">{i + 1}</span>
                        <span>{*title}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav aria-label="Wizard steps">
            <ol class="steps">{items}</ol>
        </nav>
    }
}

/// The step's form: its title, its fields, and Back and Next (which waits for the step's
/// problems to be fixed).
#[component]
fn StepForm(
    project: StoredValue<String>,
    step: Memo<usize>,
    errors: Memo<FieldErrors>,
    children: Children,
) -> impl IntoView {
    let problems = move || errors.with(|e| e.iter().filter(|e| step_of(&e.field) == step.get()).count());
    let footer = move || {
        let index = step.get();
        let back = (index > 0).then(|| {
            view! {
                <a href=step_href(project, index - 1) class="button secondary">
                    "Back"
                </a>
            }
        });
        let next = (index < STEPS.len() - 1).then(|| {
            if problems() == 0 {
                view! {
                    <a href=step_href(project, index + 1) class="button">
                        "Next: "
                        {STEPS[index + 1].1}
                    </a>
                }
                .into_any()
            } else {
                let count = problems();
                let text = if count == 1 {
                    "Fix the problem above to continue.".to_string()
                } else {
                    format!("Fix the {count} problems above to continue.")
                };
                view! {
                    <button type="button" class="button" disabled=true>
                        "Next: "
                        {STEPS[index + 1].1}
                    </button>
                    <span class="muted">{text}</span>
                }
                .into_any()
            }
        });
        view! { <div class="wizard-buttons">{back} {next}</div> }
    };
    view! {
        <form class="wizard card" on:submit=|event| event.prevent_default() novalidate=true>
            <h2>{move || STEPS[step.get()].1}</h2>
            {children()}
            {footer}
        </form>
    }
}
