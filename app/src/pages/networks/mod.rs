//! The project's private networks: each with its subnets, their gateways and the clusters on
//! them; new networks and gateways (operators), deletion (admins, refused up front while a
//! cluster uses the network), and the operations that carry them out as they progress.

mod card;
mod form;

use std::time::Duration;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use model::access::{Role, User};
use model::operation::{OperationKind, OperationView};
use model::private_network::NetworksView;

use crate::api::{get_capabilities, networks, operation};
use crate::components::live::merge_operation;
use crate::components::outcome::caught;
use crate::components::timeline::Timeline;
use crate::components::user_menu::with_user;
use crate::error::AppError;
use crate::pages::clusters::project_of;
use card::NetworkCard;
pub use form::NewNetwork;

/// How often the page looks again at what is under way.
const POLL: Duration = Duration::from_secs(2);

#[component]
pub fn NetworksPage() -> impl IntoView {
    let query = use_query_map();
    let shown = move |user: User| match project_of(&user, query.read().get("project").as_deref()) {
        Some((project, name, role)) => view! { <ProjectNetworks project name role /> }.into_any(),
        None => view! { <p>"You have no project."</p> }.into_any(),
    };
    view! {
        <Title text="Private networks" />
        <section class="page">
            <h1>"Private networks"</h1>
            {with_user(shown)}
        </section>
    }
}

/// The `<option>`s of a gateway size `<select>`.
pub fn gateway_sizes() -> impl IntoView {
    model::private_network::GATEWAY_SIZES
        .iter()
        .map(|(code, label)| view! { <option value=*code>{*label}</option> })
        .collect_view()
}

/// Adds operation `id` (just queued) to `operations`, to be followed by [`follow_operations`];
/// `version` goes up at once if it has already ended.
pub fn track_operation(
    project: StoredValue<String>,
    id: String,
    operations: RwSignal<Vec<OperationView>>,
    version: RwSignal<u32>,
) {
    leptos::task::spawn_local(async move {
        if let Ok(op) = operation(project.get_value(), id).await {
            let ended = op.state.is_finished();
            operations.update(|ops| merge_operation(ops, op));
            if ended {
                version.update(|v| *v += 1);
            }
        }
    });
}

/// Reads every unfinished operation of `operations` again every two seconds, while the calling
/// component lives (browser only); `version` goes up when one ends, so the networks are read
/// again. One interval of the component's: a timer set inside an effect would end with the
/// effect's next run, which any change to `operations` starts.
pub fn follow_operations(
    project: StoredValue<String>,
    operations: RwSignal<Vec<OperationView>>,
    version: RwSignal<u32>,
) {
    #[cfg(feature = "hydrate")]
    crate::hydration::when_hydrated(move || {
        let polling = StoredValue::new(false);
        let poll = move || {
            let unfinished: Vec<String> = operations.with_untracked(|ops| {
                ops.iter().filter(|o| !o.state.is_finished()).map(|o| o.id.clone()).collect()
            });
            if unfinished.is_empty() || polling.get_value() {
                return;
            }
            polling.set_value(true);
            let project = project.get_value();
            leptos::task::spawn_local(async move {
                let mut read = Vec::new();
                for id in unfinished {
                    if let Ok(op) = operation(project.clone(), id).await {
                        read.push(op);
                    }
                }
                polling.set_value(false);
                let ended = read.iter().any(|op| op.state.is_finished());
                operations.update(|ops| read.into_iter().for_each(|op| merge_operation(ops, op)));
                if ended {
                    version.update(|v| *v += 1);
                }
            });
        };
        if let Ok(handle) = set_interval(poll, POLL) {
            on_cleanup(move || handle.clear());
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (project, operations, version);
}

/// The project's networks, the new-network form and the operations under way.
#[cfg_attr(island = "ProjectNetworks", island)]
#[cfg_attr(not(island = "ProjectNetworks"), component)]
fn ProjectNetworks(project: String, name: String, role: Role) -> impl IntoView {
    let project = StoredValue::new(project);
    let version = RwSignal::new(0_u32);
    let data = Resource::new(move || (project.get_value(), version.get()), |(p, _)| networks(p));
    let capabilities = Resource::new(move || project.get_value(), get_capabilities);
    let operations = RwSignal::new(Vec::<OperationView>::new());
    Effect::new(move |_| {
        if let Some(Ok(view)) = data.get() {
            if view.behind {
                let _ = set_timeout(move || version.update(|v| *v += 1), POLL);
            }
            operations.set(view.operations);
        }
    });
    follow_operations(project, operations, version);
    let may_create = role.allows(OperationKind::CreateNetwork.required_role());
    let may_delete = role.allows(OperationKind::DeleteNetwork.required_role());
    let open = RwSignal::new(false);
    let queued = Callback::new(move |id: String| {
        track_operation(project, id, operations, version);
        version.update(|v| *v += 1);
    });
    let new_button = may_create.then(|| {
        view! {
            <button type="button" class="button" on:click=move |_| open.set(true) disabled=move || open.get()>
                "New network"
            </button>
        }
    });
    view! {
        <div class="page-head">
            <p class="lead">"Project " <strong>{name}</strong> " · your role: " {role.label()}</p>
            {new_button}
        </div>
        <Suspense fallback=|| view! { <p class="muted">"Loading networks…"</p> }>
            <ErrorBoundary fallback=caught>
                {move || Suspend::new(async move {
                    let NetworksView { networks, behind, .. } = data.await?;
                    let behind = behind.then(|| {
                        view! { <p class="muted" role="status">"Reading the networks again after the last change…"</p> }
                    });
                    let regions = capabilities.await?.regions;
                    let taken: Vec<u32> = networks.iter().map(|n| n.vlan_id).collect();
                    let form = move || {
                        open.get().then(|| {
                            let (regions, taken) = (regions.clone(), taken.clone());
                            view! { <NewNetwork project regions taken open queued /> }
                        })
                    };
                    let list = match networks.is_empty() {
                        true => view! {
                            <p class="empty">
                                "No private network yet. A private network (vRack) keeps the nodes' traffic off the public internet; clusters choose one when they are created."
                            </p>
                        }
                        .into_any(),
                        false => networks
                            .into_iter()
                            .map(|network| view! { <NetworkCard project network may_create may_delete version /> })
                            .collect_view()
                            .into_any(),
                    };
                    Ok::<_, AppError>(view! { {behind} {form} {list} })
                })}
            </ErrorBoundary>
        </Suspense>
        <Timeline
            project=project.get_value()
            operations=operations.into()
            role
            empty="No operation on the project's networks from this console yet."
        />
    }
}
