//! A cluster's page: its Overview (facts, etcd usage, upgrades) and the live timeline of its
//! operations, both first rendered on the server and then kept current by the cluster's
//! live-update stream.

mod allow_list;
mod customize;
mod edit_pool;
mod new_pool;
mod nodes;
mod oidc;
mod pools;
mod settings;
mod tab;
mod timeline;
mod upgrades;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use model::access::Role;
use model::activity::{ActivityFilter, ActivityPage};
use model::cluster_view::{ClusterOverview, EtcdUsage};
use model::customization::CustomizationView;
use model::ip_restriction::AllowList;
use model::oidc::OidcAccess;
use model::operation::{OperationKind, OperationView};
use model::pool_view::PoolView;
use model::status::Status;
use serde::{Deserialize, Serialize};

use crate::api::{
    activity, cluster_oidc, cluster_operations, customization, get_allow_list, get_cluster_overview,
    get_etcd_usage, node_pools,
};
use crate::components::freshness::FreshnessLine;
use crate::components::live::{ClusterState, follow_cluster};
use crate::components::outcome::caught;
use crate::components::user_menu::current_user;
use crate::error::AppError;
use crate::pages::activity::Entries;
use crate::pages::project_of;
use allow_list::AllowListEditor;
use oidc::{OidcEditor, UserKubeconfig};
use pools::PoolsTab;
use settings::{AccessTab, SettingsTab};
use tab::ClusterTab;
use timeline::Timeline;
use upgrades::UpgradesTab;

#[component]
pub fn ClusterPage() -> impl IntoView {
    let user = current_user().0;
    let query = use_query_map();
    let params = use_params_map();
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                user.get()
                    .map(|user| {
                        let wanted = query.read_untracked().get("project");
                        let id = params.read_untracked().get("id").unwrap_or_default();
                        // Each tab is its own address: a new tab renders the page anew.
                        let tab = ClusterTab::from_slug(&params.read().get("tab").unwrap_or_default());
                        let username = user.as_ref().map(|u| u.username.clone()).unwrap_or_default();
                        match user.as_ref().ok().and_then(|u| project_of(u, wanted.as_deref())) {
                            Some((project, _, role)) => view! { <ClusterView project id role tab username /> }.into_any(),
                            None => view! { <p>"You have no project."</p> }.into_any(),
                        }
                    })
            }}
        </Suspense>
    }
}

#[component]
fn ClusterView(project: String, id: String, role: Role, tab: ClusterTab, username: String) -> impl IntoView {
    let key = (project.clone(), id.clone());
    let overview = Resource::new(move || key.clone(), |(p, c)| get_cluster_overview(p, c));
    let key = (project.clone(), id.clone());
    let history = Resource::new(move || key.clone(), |(p, c)| cluster_operations(p, c));
    // What the tab needs besides, loaded with the rest so the page renders in one piece.
    let key = (project.clone(), id.clone());
    let pools = Resource::new(
        move || key.clone(),
        move |(p, c)| async move { if tab.shows_pools() { node_pools(p, c).await.map(Some) } else { Ok(None) } },
    );
    let key = (project.clone(), id.clone());
    let audit = Resource::new(
        move || key.clone(),
        move |(_, c)| async move {
            if tab == ClusterTab::Activity {
                let filter = ActivityFilter { cluster: Some(c), ..ActivityFilter::default() };
                activity(filter).await.map(Some)
            } else {
                Ok(None)
            }
        },
    );
    let key = (project.clone(), id.clone());
    let data = Resource::new(
        move || key.clone(),
        move |(p, c)| async move {
            Ok(match tab {
                ClusterTab::Access => {
                    let list = get_allow_list(p.clone(), c.clone()).await?;
                    TabData::Access(list, Box::new(cluster_oidc(p, c).await?))
                }
                ClusterTab::Settings => TabData::Settings(customization(p, c).await?),
                _ => TabData::Nothing,
            })
        },
    );
    let (project, username) = (StoredValue::new(project), StoredValue::new(username));
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading the cluster…"</p> }>
            <ErrorBoundary fallback=|errors| {
                view! {
                    <Title text="Cluster" />
                    <section class="page">
                        <h1>"Cluster"</h1>
                        {caught(errors)}
                    </section>
                }
            }>
                {move || {
                    let id = id.clone();
                    Suspend::new(async move {
                        let (cluster, operations) = (overview.await?, history.await?);
                        let extra = Extra { pools: pools.await?, audit: audit.await?, data: data.await? };
                        let (project, username) = (project.get_value(), username.get_value());
                        Ok::<_, AppError>(view! { <Live project id cluster operations extra role tab username /> })
                    })
                }}
            </ErrorBoundary>
        </Suspense>
    }
}

/// What one tab needs besides the overview and the operations (loaded only for that tab).
struct Extra {
    pools: Option<Vec<PoolView>>,
    audit: Option<ActivityPage>,
    data: TabData,
}

/// The Access and Settings tabs' own data.
#[derive(Clone, Debug, Serialize, Deserialize)]
enum TabData {
    Nothing,
    Access(AllowList, Box<OidcAccess>),
    Settings(CustomizationView),
}

/// The page once loaded: server-rendered facts, then the live stream's.
#[component]
fn Live(
    project: String,
    id: String,
    cluster: ClusterOverview,
    operations: Vec<OperationView>,
    extra: Extra,
    role: Role,
    tab: ClusterTab,
    username: String,
) -> impl IntoView {
    let operations = RwSignal::new(operations);
    let state = RwSignal::new(None::<ClusterState>);
    follow_cluster(&project, &id, operations, state);
    // Counts the provider's updates of this cluster: tabs that load more refresh on each.
    let changes = Memo::new(move |previous: Option<&u64>| {
        state.track();
        previous.map_or(0, |n| n + 1)
    });
    let base = StoredValue::new(cluster);
    let current = Memo::new(move |_| {
        let mut shown = base.get_value();
        if let Some(ClusterState::Live { cluster, pools, freshness }) = state.get() {
            cluster.apply_to(&mut shown, &pools);
            shown.freshness = freshness;
        }
        shown
    });
    let gone = move || state.with(|s| matches!(s, Some(ClusterState::Gone)));
    let list = format!("/clusters?project={project}");
    let on_page =
        OnPage { project: project.clone(), id: id.clone(), role, username, current, operations, changes };
    let name = move || current.with(|c| c.name.clone());
    view! {
        <Title text=name />
        <section class="page">
            <p class="breadcrumb">
                <a href=format!("/clusters?project={project}")>"Clusters"</a>
                " / "
            </p>
            <h1>
                {name} " " <StatusBadge status=Signal::derive(move || current.with(|c| c.status.clone())) />
            </h1>
            <FreshnessLine freshness=Signal::derive(move || current.with(|c| c.freshness.clone())) />
            <Show when=gone>
                <p class="warning" role="status">
                    "This cluster no longer exists: it was deleted. "
                    <a href=list.clone()>"Back to the clusters"</a>
                </p>
            </Show>
            <Tabs project=project.clone() id=id.clone() tab />
            {tab_body(tab, &on_page, extra)}
        </section>
    }
}

/// What every tab of one cluster's page may use.
struct OnPage {
    project: String,
    id: String,
    role: Role,
    username: String,
    current: Memo<ClusterOverview>,
    operations: RwSignal<Vec<OperationView>>,
    changes: Memo<u64>,
}

/// The body of `tab`, from what was loaded for it.
fn tab_body(tab: ClusterTab, on_page: &OnPage, extra: Extra) -> AnyView {
    let OnPage { project, id, role, username, current, operations, changes } = on_page;
    let (project, id, role, username, current, operations, changes) =
        (project.clone(), id.clone(), *role, username.clone(), *current, *operations, *changes);
    let Extra { pools, audit, data } = extra;
    match (tab, pools) {
        (ClusterTab::Upgrades, Some(pools)) => {
            view! { <UpgradesTab project cluster=id overview=current pools role changes /> }.into_any()
        }
        (ClusterTab::Activity, _) => {
            let filter = ActivityFilter { cluster: Some(id), ..ActivityFilter::default() };
            view! {
                <Timeline project operations role />
                <section aria-labelledby="audit-title">
                    <h2 id="audit-title">"Audit trail"</h2>
                    {audit.map(|page| view! { <Entries page filter /> })}
                </section>
            }
            .into_any()
        }
        (ClusterTab::Access, _) => match data {
            TabData::Access(list, access) => {
                let name = current.with_untracked(|c| c.name.clone());
                let access = *access;
                view! { <AccessSections project cluster=id name role username list access /> }.into_any()
            }
            _ => ().into_any(),
        },
        (ClusterTab::Settings, _) => {
            let (name, policy) = current.with_untracked(|c| (c.name.clone(), c.update_policy.clone()));
            let customization = match data {
                TabData::Settings(view) => view,
                _ => CustomizationView::default(),
            };
            view! { <SettingsTab project cluster=id name policy role customization /> }.into_any()
        }
        (ClusterTab::Pools, Some(pools)) => {
            let (plan, region) = current.with_untracked(|c| (c.plan, c.region.clone()));
            view! { <PoolsTab project cluster=id plan region role pools changes /> }.into_any()
        }
        _ => view! {
            <Overview project=project.clone() cluster=current />
            <Timeline project operations role />
        }
        .into_any(),
    }
}

/// The Access tab: the caller's kubeconfig, the admin kubeconfig, the allow-list and OIDC.
#[component]
fn AccessSections(
    project: String,
    cluster: String,
    name: String,
    role: Role,
    username: String,
    list: AllowList,
    access: OidcAccess,
) -> impl IntoView {
    let may_edit = role.allows(OperationKind::SetIpRestrictions.required_role());
    let may_set_oidc = role.allows(OperationKind::SetClusterOidc.required_role());
    view! {
        <UserKubeconfig project=project.clone() cluster=cluster.clone() access=access.clone() username />
        <AccessTab project=project.clone() cluster=cluster.clone() name role />
        <AllowListEditor project=project.clone() cluster=cluster.clone() list may_edit />
        <OidcEditor project cluster access may_edit=may_set_oidc />
    }
}

/// The cluster page's tab bar.
#[component]
fn Tabs(project: String, id: String, tab: ClusterTab) -> impl IntoView {
    let links = ClusterTab::ALL
        .into_iter()
        .map(|each| {
            view! {
                <a href=each.href(&project, &id) aria-current=if each == tab { "page" } else { "false" }>
                    {each.title()}
                </a>
            }
        })
        .collect_view();
    view! { <nav class="tabs" aria-label="Cluster">{links}</nav> }
}

#[component]
fn StatusBadge(status: Signal<Status>) -> impl IntoView {
    let class = move || format!("status {}", format!("{:?}", status.get().display_state()).to_lowercase());
    view! { <span class=class data-testid="cluster-status">{move || status.get().as_wire().to_string()}</span> }
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
    // etcd's figures are not kept in the catalog: asked for once the page runs in the browser
    // (and again when the cluster's status changes), so the page never waits on them.
    let usage = RwSignal::new(None::<Result<EtcdUsage, AppError>>);
    let id = cluster.with_untracked(|c| c.id.clone());
    let status = Memo::new(move |_| cluster.with(|c| c.status.clone()));
    Effect::new(move |_| {
        status.track();
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
