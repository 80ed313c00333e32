//! Adding a node pool to a running cluster: the wizard's pool form and rules on a one-pool draft
//! with the cluster's plan and region, the cluster's other pools counted against the plan's
//! limits and names.

use leptos::prelude::*;
use model::capabilities::Capabilities;
use model::node_pool::{NodePoolSpec, check_pool_in_cluster};
use model::plan::Plan;
use model::pool_view::PoolView;
use model::validation::FieldErrors;
use reactive_stores::Store;

use crate::api::{create_node_pool, flavors, get_capabilities};
use crate::components::browser;
use crate::components::outcome::{ErrorMessage, caught};
use crate::error::AppError;
use crate::pages::wizard::{Draft, DraftStoreFields, PoolDraft, PoolEditor, Wizard};

const AT: &str = "nodePools.0";

/// Where a pool's problem lies: the model's cluster-wide rules name the one pool of the draft.
fn pool_errors(all: &FieldErrors) -> FieldErrors {
    let under = format!("{AT}.");
    let mut kept = FieldErrors::new();
    for error in all.iter().filter(|e| e.field.starts_with(&under)) {
        kept.add(error.field.clone(), &error.message);
    }
    kept
}

/// The wizard's pool form over `draft` (one pool, `spec` as read), with the region's offer, and
/// the rules of the wizard and of the cluster (`in_cluster`, for the pool as read); and the
/// provider's offer it reads.
fn one_pool_wizard(
    project: StoredValue<String>,
    draft: Store<Draft>,
    spec: Memo<NodePoolSpec>,
    in_cluster: impl Fn(&NodePoolSpec) -> FieldErrors + Send + Sync + 'static,
) -> (Wizard, Resource<Result<Capabilities, AppError>>) {
    let region = draft.region().get_untracked();
    let capabilities = Resource::new(move || project.get_value(), get_capabilities);
    let flavors = Resource::new(move || (project.get_value(), region.clone()), |(p, r)| flavors(p, r));
    let offer = Signal::derive(move || capabilities.get().and_then(Result::ok));
    let errors = Memo::new(move |_| {
        let caps = offer.get();
        let region = draft.region().get();
        let region = caps.as_ref().and_then(|c| c.regions.iter().find(|r| r.name == region));
        let offered = flavors.get().and_then(Result::ok);
        let mut errors = pool_errors(&draft.with(|d| d.errors(region, offered.as_deref())));
        spec.with(|spec| errors.extend_under(AT, in_cluster(spec)));
        errors
    });
    (Wizard { project, draft, capabilities: offer, flavors, errors }, capabilities)
}

#[component]
pub fn NewPool(
    project: StoredValue<String>,
    cluster: StoredValue<String>,
    plan: Plan,
    region: String,
    pools: RwSignal<Vec<PoolView>>,
    start: PoolDraft,
    /// Closed (set to `None`) by Cancel or once the pool is requested.
    open: RwSignal<Option<PoolDraft>>,
    /// The name of the pool requested last.
    requested: RwSignal<Option<String>>,
) -> impl IntoView {
    let start = PoolDraft { id: 0, ..start };
    let draft = Store::new(Draft { plan, region, pools: vec![start], ..Draft::default() });
    let spec =
        Memo::new(move |_| draft.with(|d| d.to_spec().0.node_pools.into_iter().next().unwrap_or_default()));
    let key = StoredValue::new(browser::random_key());
    let create = Action::new(move |spec: &NodePoolSpec| {
        create_node_pool(project.get_value(), cluster.get_value(), spec.clone(), key.get_value())
    });
    let sent = RwSignal::new(None::<NodePoolSpec>);
    let in_cluster = move |spec: &NodePoolSpec| {
        let others: Vec<NodePoolSpec> = pools.with(|all| all.iter().map(|p| p.spec.clone()).collect());
        let mut found = check_pool_in_cluster(plan, spec, &others);
        // The server's verdict holds for what was sent, not for what has been typed since.
        if let Some(Err(AppError::Invalid { errors: server })) = create.value().get()
            && sent.with(|sent| sent.as_ref() == Some(spec))
        {
            found.append(server);
        }
        found
    };
    let (wizard, capabilities) = one_pool_wizard(project, draft, spec, in_cluster);
    Effect::new(move |_| {
        if let Some(Ok(_)) = create.value().get() {
            requested.set(Some(spec.with_untracked(|s| s.name.clone())));
            open.set(None);
        }
    });
    // Opened from a pool further down too: the focus moves to the form once it shows.
    let title = NodeRef::<leptos::html::H3>::new();
    Effect::new(move |_| {
        let loaded = capabilities.get().is_some() && wizard.flavors.get().is_some();
        if let Some(heading) = title.get().filter(|_| loaded) {
            // After the Suspense around the form has shown it for good.
            let _ = set_timeout(move || drop(heading.focus()), std::time::Duration::ZERO);
        }
    });
    let (flavors, errors) = (wizard.flavors, wizard.errors);
    let blocked = move || create.pending().get() || errors.with(|e| !e.is_empty());
    let failure = move || match create.value().get() {
        Some(Err(error)) if !matches!(error, AppError::Invalid { .. }) => {
            Some(view! { <ErrorMessage error /> })
        }
        _ => None,
    };
    view! {
        <form class="card new-pool" aria-labelledby="new-pool-title" on:submit=move |ev| {
            ev.prevent_default();
            if !blocked() {
                sent.set(Some(spec.get()));
                create.dispatch(spec.get());
            }
        }>
            <h3 id="new-pool-title" tabindex="-1" node_ref=title>"New node pool"</h3>
            <Suspense fallback=|| view! { <p class="muted">"Loading the region's flavors…"</p> }>
                <ErrorBoundary fallback=caught>
                    {move || Suspend::new(async move {
                        let prices = StoredValue::new(capabilities.await?.prices);
                        let flavors = StoredValue::new(flavors.await?);
                        Ok::<_, AppError>(view! { <PoolEditor wizard index=0 pool=0 flavors prices /> })
                    })}
                </ErrorBoundary>
            </Suspense>
            <div class="confirm-buttons">
                <button type="submit" class="button" disabled=blocked>"Create the pool"</button>
                <button type="button" class="button secondary" on:click=move |_| open.set(None)>"Cancel"</button>
            </div>
            {failure}
        </form>
    }
    .into_any()
}
