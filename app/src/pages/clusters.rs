//! The clusters of the user's project: one row each, rendered on the server; admins can delete a
//! cluster after typing its name.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use model::access::{Role, User};
use model::cluster_view::{ClusterRow, ClustersView};
use model::freshness::Freshness;
use model::operation::OperationKind;
use model::status::DisplayState;
use serde::{Deserialize, Serialize};

use crate::api::{delete_cluster, list_clusters};
use crate::components::freshness::FreshnessLine;
use crate::components::live::follow_clusters;
use crate::components::outcome::caught;
use crate::components::user_menu::current_user;
use crate::error::AppError;

/// The project the page shows: the one asked for (`?project=`) if the user has a role in it,
/// else the first they have.
pub fn project_of(user: &User, wanted: Option<&str>) -> Option<(String, String, Role)> {
    let chosen = wanted.and_then(|id| user.memberships.iter().find(|m| m.project_id == id));
    chosen.or(user.memberships.first()).map(|m| (m.project_id.clone(), m.project_name.clone(), m.role))
}

#[component]
pub fn ClustersPage() -> impl IntoView {
    let user = current_user().0;
    let query = use_query_map();
    let wanted = move || query.read().get("project");
    view! {
        <Title text="Clusters" />
        <section class="page">
            <h1>"Clusters"</h1>
            <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
                {move || {
                    user.get()
                        .map(|user| match user.as_ref().ok().and_then(|u| project_of(u, wanted().as_deref())) {
                            Some((project, name, role)) => {
                                view! { <ProjectClusters project name role /> }.into_any()
                            }
                            None => view! { <p>"You have no project."</p> }.into_any(),
                        })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn ProjectClusters(project: String, name: String, role: Role) -> impl IntoView {
    let project_for_list = project.clone();
    let clusters = Resource::new(move || project_for_list.clone(), list_clusters);
    let may_delete = role.allows(OperationKind::DeleteCluster.required_role());
    let may_create = role.allows(OperationKind::CreateCluster.required_role());
    let wizard = StoredValue::new(format!("/clusters/new/plan?project={project}"));
    let new_cluster =
        may_create.then(|| view! { <a class="button" href=wizard.get_value()>"New cluster"</a> });
    let query = use_query_map();
    let wanted = StoredValue::new(query.with_untracked(|query| {
        let get = |name: &str| query.get(name).unwrap_or_default();
        Wanted { text: get("q"), state: get("status"), plan: get("plan"), region: get("region") }
    }));
    view! {
        <div class="page-head">
            <p class="lead">"Project " <strong>{name}</strong> " · your role: " {role.label()}</p>
            {new_cluster}
        </div>
        <Suspense fallback=|| view! { <p class="muted">"Loading clusters…"</p> }>
            <ErrorBoundary fallback=caught>
                {move || {
                    let project = project.clone();
                    let wanted = wanted.get_value();
                    Suspend::new(async move {
                        let ClustersView { rows, freshness } = clusters.await?;
                        let wizard = may_create.then(|| wizard.get_value());
                        Ok::<_, AppError>(view! { <FilteredClusters project rows freshness may_delete wizard wanted /> })
                    })
                }}
            </ErrorBoundary>
        </Suspense>
    }
}

/// The filters the address asks for (`?q=&status=&plan=&region=`), the list's first ones.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
struct Wanted {
    text: String,
    state: String,
    plan: String,
    region: String,
}

/// The filters of the list.
#[derive(Clone, Copy)]
struct Filters {
    text: RwSignal<String>,
    state: RwSignal<String>,
    plan: RwSignal<String>,
    region: RwSignal<String>,
}

impl Filters {
    fn keeps(&self, row: &ClusterRow) -> bool {
        let text = self.text.read().trim().to_lowercase();
        let state = self.state.read();
        let plan = self.plan.read();
        let region = self.region.read();
        (text.is_empty() || row.name.to_lowercase().contains(&text) || row.id.starts_with(&text))
            && (state.is_empty() || *state == row.status.display_state().name())
            && (plan.is_empty() || *plan == row.plan.api_value())
            && (region.is_empty() || *region == row.region)
    }
}

/// A `<select>` of `choices` (as they are now) bound to `value`, "All" first.
fn choice(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    choices: impl Fn() -> Vec<(String, String)> + Send + Sync + 'static,
) -> impl IntoView {
    let options = move || {
        choices()
            .into_iter()
            .map(|(key, text)| {
                let selected = value.get_untracked() == key;
                view! { <option value=key selected=selected>{text}</option> }
            })
            .collect_view()
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id on:change=move |event| value.set(event_target_value(&event))>
                <option value="">"All"</option>
                {options}
            </select>
        </div>
    }
}

/// What an empty project shows: where to create the first cluster (`wizard`, for those who
/// may), or who can.
fn no_clusters_yet(wizard: Option<String>) -> impl IntoView {
    let hint = match wizard {
        Some(wizard) => view! {
            " "
            <a href=wizard>"Create the first one"</a>
            ": the wizard checks every choice as you go and shows the cost before anything is created."
        }
        .into_any(),
        None => " Clusters appear here once an operator or admin creates one.".into_any(),
    };
    view! { <p class="empty">"This project has no clusters yet." {hint}</p> }
}

/// The list with search and filters, applied as the user types; kept in step with the provider
/// by the live updates, an empty project's included.
#[cfg_attr(island = "FilteredClusters", island)]
#[cfg_attr(not(island = "FilteredClusters"), component)]
fn FilteredClusters(
    project: String,
    rows: Vec<ClusterRow>,
    freshness: Freshness,
    may_delete: bool,
    /// The wizard's address, for users who may create a cluster.
    wizard: Option<String>,
    wanted: Wanted,
) -> impl IntoView {
    let filters = Filters {
        text: RwSignal::new(wanted.text),
        state: RwSignal::new(wanted.state),
        plan: RwSignal::new(wanted.plan),
        region: RwSignal::new(wanted.region),
    };
    // The server-rendered rows, then kept in step with the provider by the live updates.
    let all = RwSignal::new(rows);
    let distinct = move |pick: fn(&ClusterRow) -> String| {
        move || {
            let mut values: Vec<String> = all.with(|rows| rows.iter().map(pick).collect());
            values.sort();
            values.dedup();
            values.into_iter().map(|v| (v.clone(), v)).collect::<Vec<_>>()
        }
    };
    let states = || {
        [DisplayState::Ready, DisplayState::Installing, DisplayState::Draining, DisplayState::NotReady]
            .into_iter()
            .map(|s| (s.name().to_string(), s.label().to_string()))
            .collect()
    };
    let freshness = RwSignal::new(freshness);
    // The cluster whose deletion is being confirmed: one dialog for the whole list.
    let deleting = RwSignal::new(None::<(String, String)>);
    follow_clusters(project.clone(), all, freshness);
    let shown = Memo::new(move |_| {
        all.with(|rows| rows.iter().filter(|r| filters.keeps(r)).map(|r| r.id.clone()).collect::<Vec<_>>())
    });
    let empty = Memo::new(move |_| all.with(Vec::is_empty));
    let wizard = StoredValue::new(wizard);
    let table_project = StoredValue::new(project.clone());
    view! {
        {may_delete.then(|| view! { <DeleteDialog project=project.clone() target=deleting /> })}
        <Show
            when=move || !empty.get()
            fallback=move || {
                view! {
                    <FreshnessLine freshness />
                    {no_clusters_yet(wizard.get_value())}
                }
            }
        >
        <form class="filters" role="search" on:submit=|event| event.prevent_default()>
            <div class="field">
                <label for="cluster-search">"Search"</label>
                <input
                    id="cluster-search"
                    type="text"
                    placeholder="name or id"
                    prop:value=move || filters.text.get()
                    on:input=move |event| filters.text.set(event_target_value(&event))
                />
            </div>
            {choice("cluster-status", "Status", filters.state, states)}
            {choice("cluster-plan", "Plan", filters.plan, distinct(|r| r.plan.api_value().to_string()))}
            {choice("cluster-region", "Region", filters.region, distinct(|r| r.region.clone()))}
        </form>
        <p class="muted" data-testid="cluster-count">
            {move || format!("{} of {} clusters", shown.with(Vec::len), all.with(Vec::len))}
        </p>
        <FreshnessLine freshness />
        <Show
            when=move || shown.with(|ids| !ids.is_empty())
            fallback=|| view! { <p class="empty">"No cluster matches these filters."</p> }
        >
            <ClusterTable project=table_project.get_value() all shown may_delete deleting />
        </Show>
        </Show>
    }
}

/// The rows shown, one per id in `shown`, keyed by id: a live update re-renders only the row of
/// the cluster it changed.
#[component]
fn ClusterTable(
    project: String,
    all: RwSignal<Vec<ClusterRow>>,
    shown: Memo<Vec<String>>,
    may_delete: bool,
    deleting: RwSignal<Option<(String, String)>>,
) -> impl IntoView {
    let project = StoredValue::new(project);
    let row_of =
        move |id: String| Memo::new(move |_| all.with(|rows| rows.iter().find(|r| r.id == id).cloned()));
    view! {
        <div class="table-scroll">
            <table class="list">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Region"</th>
                        <th scope="col">"Plan"</th>
                        <th scope="col">"Version"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Nodes ready"</th>
                        <th scope="col">"Upgrade"</th>
                        <th scope="col">"Created"</th>
                        <th scope="col">
                            <span class="visually-hidden">"Actions"</span>
                        </th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || shown.get() key=String::clone let:id>
                        <Row project=project.get_value() row=row_of(id) may_delete deleting />
                    </For>
                </tbody>
            </table>
        </div>
    }
}

/// One cluster's row, following its live state.
#[component]
fn Row(
    project: String,
    row: Memo<Option<ClusterRow>>,
    may_delete: bool,
    deleting: RwSignal<Option<(String, String)>>,
) -> impl IntoView {
    let cell =
        move |text: fn(&ClusterRow) -> String| move || row.with(|r| r.as_ref().map(text).unwrap_or_default());
    let (id, name) =
        row.with_untracked(|r| r.as_ref().map(|r| (r.id.clone(), r.name.clone())).unwrap_or_default());
    let link = format!("/clusters/{id}?project={project}");
    let state = move || row.with(|r| r.as_ref().map(|r| r.status.display_state().name()).unwrap_or_default());
    let delete = may_delete.then(|| {
        view! {
            <button type="button" class="button danger" on:click=move |_| deleting.set(Some((id.clone(), name.clone())))>
                "Delete…"
            </button>
        }
    });
    view! {
        <tr data-cluster=cell(|r| r.name.clone())>
            <th scope="row">
                <a href=link>{cell(|r| r.name.clone())}</a>
            </th>
            <td>{cell(|r| r.region.clone())}</td>
            <td>{cell(|r| r.plan.api_value().to_string())}</td>
            <td>{cell(|r| r.version.clone())}</td>
            <td>
                <span class=move || format!("status {}", state())>{cell(|r| r.status.as_wire().to_string())}</span>
            </td>
            <td>
                {cell(|r| match r.nodes {
                    Some(nodes) => format!("{} / {}", nodes.ready, nodes.total),
                    None => "—".to_string(),
                })}
            </td>
            <td>{cell(|r| if r.upgrade_available { "Available" } else { "Up to date" }.to_string())}</td>
            <td>{cell(|r| r.created_at.get(..10).unwrap_or(&r.created_at).to_string())}</td>
            <td class="actions">{delete}</td>
        </tr>
    }
}

/// "Delete…", then the cluster's name typed to confirm (a page with one cluster).
#[component]
pub fn DeleteCluster(project: String, id: String, name: String) -> impl IntoView {
    let target = RwSignal::new(None::<(String, String)>);
    let chosen = (id, name);
    view! {
        <Show
            when=move || target.with(Option::is_some)
            fallback=move || {
                let chosen = chosen.clone();
                view! {
                    <button type="button" class="button danger" on:click=move |_| target.set(Some(chosen.clone()))>
                        "Delete…"
                    </button>
                }
            }
        >
            <DeleteDialog project=project.clone() target />
        </Show>
    }
}

/// The confirmation of a deletion: the name of `target` (id, name) typed, then "Delete cluster";
/// Cancel clears `target`. A list renders one for all its rows.
#[component]
pub fn DeleteDialog(project: String, target: RwSignal<Option<(String, String)>>) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let delete = Action::new(|(project, id, confirm): &(String, String, String)| {
        let (project, id, confirm) = (project.clone(), id.clone(), confirm.clone());
        async move { delete_cluster(project, id, confirm).await }
    });
    let input = NodeRef::<leptos::html::Input>::new();
    // The dialog opens where the user clicked "Delete…": take them to the field.
    Effect::new(move |_| {
        if target.with(Option::is_some)
            && let Some(field) = input.get()
        {
            let _ = field.focus();
        }
    });
    let matches = move || target.with(|t| t.as_ref().is_some_and(|(_, name)| *typed.read() == *name));
    let outcome = move || {
        delete.value().get().map(|result: Result<String, AppError>| match result {
            Ok(_) => view! { <p class="notice" role="status">"Deletion requested."</p> }.into_any(),
            Err(error) => view! { <p class="field-error" role="alert">{error.message()}</p> }.into_any(),
        })
    };
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if let Some((id, _)) = target.get_untracked() {
            delete.dispatch((project.clone(), id, typed.get_untracked()));
        }
    };
    let cancel = move |_| {
        target.set(None);
        typed.set(String::new());
        delete.value().set(None);
    };
    move || {
        target.get().map(|(id, name)| {
            let field = format!("confirm-{id}");
            view! {
                <form class="confirm" on:submit=submit.clone()>
                    <label for=field.clone()>"Type " <strong>{name}</strong> " to delete it and all its nodes"</label>
                    <input id=field type="text" autocomplete="off" node_ref=input bind:value=typed />
                    <div class="confirm-buttons">
                        <button type="submit" class="button danger" disabled=move || !matches()>
                            "Delete cluster"
                        </button>
                        <button type="button" class="button secondary" on:click=cancel>
                            "Cancel"
                        </button>
                    </div>
                    {outcome}
                </form>
            }
        })
    }
}
