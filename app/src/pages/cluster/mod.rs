//! A cluster's page: its heading, status and tab bar, first rendered on the server and then kept
//! current by the cluster's live-update stream, around the tab at the address (see [`tab_routes`]).

mod allow_list;
mod as_code;
mod customize;
mod edit_pool;
mod in_cluster;
mod network_card;
mod new_pool;
mod nodes;
mod oidc;
mod pools;
mod settings;
mod tab;
mod tab_routes;
mod upgrades;
mod workloads;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_params_map, use_query_map};
use model::access::Role;
use model::cluster_view::{ClusterOverview, EtcdUsage};
use model::operation::OperationView;
use model::status::Status;
use serde::{Deserialize, Serialize};

use crate::api::{cluster_operations, get_cluster_overview, get_etcd_usage};
use crate::components::freshness::FreshnessLine;
use crate::components::live::{ClusterState, follow_cluster, merge_operation};
use crate::components::outcome::caught;
use crate::components::user_menu::current_user;
use crate::error::AppError;
use crate::pages::project_of;
use tab_routes::Tabs;
pub use tab_routes::{
    AccessRoute, ActivityRoute, OverviewRoute, PoolsRoute, SettingsRoute, UpgradesRoute, WorkloadsRoute,
};

/// What the page reads once, for the user looking at it: the tabs start from it too.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Loaded {
    project: String,
    role: Role,
    username: String,
    cluster: ClusterOverview,
    operations: Vec<OperationView>,
}

/// Reads the cluster `id` for the user looking at it, in the project they asked for (`wanted`)
/// if they have a role there.
fn load(id: String, wanted: Option<String>) -> Resource<Result<Loaded, AppError>> {
    let user = current_user().0;
    Resource::new(
        || (),
        move |_| {
            let (id, wanted) = (id.clone(), wanted.clone());
            async move {
                let user = user.await?;
                let Some((project, _, role)) = project_of(&user, wanted.as_deref()) else {
                    return Err(AppError::Forbidden { message: "You have no project.".to_string() });
                };
                let (cluster, operations) = futures::future::join(
                    get_cluster_overview(project.clone(), id.clone()),
                    cluster_operations(project.clone(), id),
                )
                .await;
                Ok(Loaded {
                    project,
                    role,
                    username: user.username,
                    cluster: cluster?,
                    operations: operations?,
                })
            }
        },
    )
}

/// What the cluster's live-update stream has said since the page read the cluster.
#[derive(Clone, Copy)]
struct Heard {
    /// Operations the stream told of.
    received: RwSignal<Vec<OperationView>>,
    /// The cluster and its pools as the stream last told, or its deletion.
    state: RwSignal<Option<ClusterState>>,
    /// Counts the provider's updates of the cluster: tabs that load more refresh on each.
    changes: Memo<u64>,
    gone: Memo<bool>,
}

impl Heard {
    /// Nothing heard yet.
    fn new() -> Self {
        let received = RwSignal::new(Vec::<OperationView>::new());
        let state = RwSignal::new(None::<ClusterState>);
        let changes = Memo::new(move |previous: Option<&u64>| {
            state.track();
            previous.map_or(0, |n| n + 1)
        });
        let gone = Memo::new(move |_| state.with(|s| matches!(s, Some(ClusterState::Gone))));
        Self { received, state, changes, gone }
    }

    /// Opens the stream of cluster `id` in `project` (in the browser; nothing on the server).
    fn follow(self, project: &str, id: &str) {
        follow_cluster(project, id, self.received, self.state);
    }
}

/// The page's state, shared by its heading and the tab below it (provided by [`ClusterLive`]):
/// what was read, and what the cluster's live-update stream has said since.
#[derive(Clone, Copy)]
struct Live {
    id: StoredValue<String>,
    first: StoredValue<Loaded>,
    heard: Heard,
}

impl Live {
    /// Follows the cluster `id` from what the page read, `first` (the stream opens in the
    /// browser, once the page is hydrated).
    fn follow(id: String, first: Loaded) -> Self {
        let heard = Heard::new();
        heard.follow(&first.project, &id);
        Self { id: StoredValue::new(id), first: StoredValue::new(first), heard }
    }

    /// The live state of the page around the calling component.
    fn here() -> Self {
        expect_context::<Self>()
    }

    /// The cluster as last read: first what the page read, then the stream's.
    fn overview(self) -> Memo<ClusterOverview> {
        let first = self.first.with_value(|first| first.cluster.clone());
        Memo::new(move |_| {
            let mut shown = first.clone();
            if let Some(ClusterState::Live { cluster, pools, freshness }) = self.heard.state.get() {
                cluster.apply_to(&mut shown, &pools);
                shown.freshness = freshness;
            }
            shown
        })
    }

    /// The cluster's operations, newest first: first what the page read, then the stream's.
    fn operations(self) -> Memo<Vec<OperationView>> {
        let first = self.first.with_value(|first| first.operations.clone());
        Memo::new(move |_| {
            let mut shown = first.clone();
            self.heard
                .received
                .with(|received| received.iter().for_each(|op| merge_operation(&mut shown, op.clone())));
            shown
        })
    }
}

/// The cluster page: its heading and tab bar, and the tab at the address in the outlet, all
/// inside [`ClusterLive`], once the cluster is read.
#[component]
pub fn ClusterPage() -> impl IntoView {
    let id = use_params_map().read_untracked().get("id").unwrap_or_default();
    let wanted = use_query_map().read_untracked().get("project");
    let loaded = load(id.clone(), wanted);
    view! {
        <section class="page">
            <Suspense fallback=|| view! { <p class="muted">"Loading the cluster…"</p> }>
                <ErrorBoundary fallback=|errors| {
                    view! {
                        <Title text="Cluster" />
                        <h1>"Cluster"</h1>
                        {caught(errors)}
                    }
                }>
                    {move || {
                        let id = id.clone();
                        Suspend::new(async move {
                            let loaded = loaded.await?;
                            let name = loaded.cluster.name.clone();
                            Ok::<_, AppError>(view! {
                                <Title text=name />
                                {framed(id, loaded)}
                            })
                        })
                    }}
                </ErrorBoundary>
            </Suspense>
        </section>
    }
}

/// The heading's island, around the tab bar and the tab.
fn framed(id: String, loaded: Loaded) -> impl IntoView {
    let project = loaded.project.clone();
    view! {
        <ClusterLive id=id.clone() loaded>
            <Tabs project id />
            <Outlet />
        </ClusterLive>
    }
}

/// Follows the cluster live for the heading it shows and the tab bar and tab in `children`.
#[cfg_attr(island = "ClusterLive", island)]
#[cfg_attr(not(island = "ClusterLive"), component)]
fn ClusterLive(id: String, loaded: Loaded, children: Children) -> impl IntoView {
    let live = Live::follow(id, loaded);
    provide_context(live);
    view! {
        <Heading live />
        {children()}
    }
}

/// The page's heading: the cluster's name and status, how fresh they are, and whether it is
/// gone.
#[component]
fn Heading(live: Live) -> impl IntoView {
    let current = live.overview();
    let list = live.first.with_value(|first| format!("/clusters?project={}", first.project));
    view! {
        <p class="breadcrumb">
            <a href=list.clone()>"Clusters"</a>
            " / "
        </p>
        <h1>
            {move || current.with(|c| c.name.clone())} " "
            <StatusBadge status=Signal::derive(move || current.with(|c| c.status.clone())) />
        </h1>
        <FreshnessLine freshness=Signal::derive(move || current.with(|c| c.freshness.clone())) />
        <Show when=move || live.heard.gone.get()>
            <p class="warning" role="status">
                "This cluster no longer exists: it was deleted. "
                <a href=list.clone()>"Back to the clusters"</a>
            </p>
        </Show>
    }
}

#[component]
fn StatusBadge(status: Signal<Status>) -> impl IntoView {
    let class = move || format!("status {}", status.get().display_state().name());
    view! { <span class=class data-testid="cluster-status">{move || status.get().as_wire().to_string()}</span> }
}

/// "73.00 EUR per month (0.10 EUR per hour) — the provider's FR price list, …".
fn cost_fact(cluster: &ClusterOverview) -> String {
    match &cluster.cost {
        Some(cost) => {
            let mut text =
                format!("{} — nodes only. {}", cost.estimate.describe(&cost.currency), cost.origin);
            if let Some(note) = cost.estimate.unpriced_note() {
                text = format!("{text} {note}");
            }
            text
        }
        None => "Not known until the node pools were read".to_string(),
    }
}

#[component]
fn Overview(project: String, cluster: Memo<ClusterOverview>) -> impl IntoView {
    let fact = move |pick: fn(&ClusterOverview) -> String| move || cluster.with(pick);
    let upgrade = move || {
        cluster.with(|c| match (c.next_versions.first(), c.patch_pending) {
            (Some(next), _) => format!("Kubernetes {next} is available"),
            (None, true) => "A patch of this version is available".to_string(),
            (None, false) => "Up to date".to_string(),
        })
    };
    // etcd's figures are not kept in the catalog: asked for once the page is hydrated in the
    // browser (and again when the cluster's status changes), so the page never waits on them.
    let usage = RwSignal::new(None::<Result<EtcdUsage, AppError>>);
    let id = cluster.with_untracked(|c| c.id.clone());
    let status = Memo::new(move |_| cluster.with(|c| c.status.clone()));
    Effect::new(move |_| {
        status.track();
        if !crate::hydration::is_hydrated() {
            return;
        }
        let (project, id) = (project.clone(), id.clone());
        leptos::task::spawn_local(async move { usage.set(Some(get_etcd_usage(project, id).await)) });
    });
    let etcd = move || {
        usage.with(|read| match read {
            None => view! { <span class="muted">"Reading…"</span> }.into_any(),
            Some(Err(error)) => view! { <span class="muted">"Not known: " {error.message()}</span> }.into_any(),
            Some(Ok(usage)) => {
                let usage = *usage;
                let percent = usage.percent();
                let text = format!(
                    "{} of {} ({percent} %)",
                    model::ByteSize::from_bytes(usage.usage),
                    model::ByteSize::from_bytes(usage.quota)
                );
                view! {
                    <meter min="0" max=usage.quota.to_string() value=usage.usage.to_string() high=(usage.quota / 10 * 8).to_string()>
                        {text.clone()}
                    </meter>
                    " "
                    <span>{text}</span>
                }
                    .into_any()
            }
        })
    };
    view! {
        <dl class="facts overview">
            <dt>"Status"</dt>
            <dd>{fact(|c| c.status.as_wire().to_string())}</dd>
            <dt>"Version"</dt>
            <dd>{fact(|c| c.version.clone())}</dd>
            <dt>"Plan"</dt>
            <dd>{fact(|c| c.plan.api_value().to_string())}</dd>
            <dt>"Region"</dt>
            <dd>{fact(|c| c.region.clone())}</dd>
            <dt>"API server"</dt>
            <dd>
                <code>{fact(|c| c.api_url.clone())}</code>
            </dd>
            <dt>"Nodes ready"</dt>
            <dd data-testid="nodes">
                {fact(|c| match c.nodes {
                    Some(nodes) => format!("{} / {} in {} pool{}", nodes.ready, nodes.total, c.node_pools, if c.node_pools == 1 { "" } else { "s" }),
                    None => "Not read yet".to_string(),
                })}
            </dd>
            <dt>"etcd usage"</dt>
            <dd data-testid="etcd">{etcd}</dd>
            <dt>"Estimated cost"</dt>
            <dd data-testid="cluster-cost">{fact(cost_fact)}</dd>
            <dt>"Security patches"</dt>
            <dd>{fact(|c| c.update_policy.label())}</dd>
            <dt>"Upgrade"</dt>
            <dd>{upgrade}</dd>
            <dt>"ID"</dt>
            <dd>
                <code>{fact(|c| c.id.clone())}</code>
            </dd>
            <dt>"Created"</dt>
            <dd>{fact(|c| c.created_at.replace('T', " ").chars().take(19).collect())}</dd>
        </dl>
    }
}
