//! The cluster page's tabs, one nested route each under `/clusters/{id}`: the page around them
//! (heading, status, tab bar, live stream) stays while a tab changes (a page load in islands
//! mode), and each tab loads only what it shows.

use std::future::Future;
use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use model::access::Role;
use model::activity::ActivityFilter;
use model::cluster_view::ClusterOverview;
use model::customization::CustomizationView;
use model::ip_restriction::AllowList;
use model::oidc::OidcAccess;
use model::operation::{OperationKind, OperationView};
use model::pool_view::PoolView;
use model::rbac::InClusterAccess;
use model::workload_view::WorkloadsView;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::allow_list::AllowListEditor;
use super::in_cluster::{InClusterAccessCard, YourRights};
use super::oidc::{OidcEditor, UserKubeconfig};
use super::pools::PoolsTab;
use super::settings::{AccessTab, SettingsTab};
use super::tab::ClusterTab;
use super::upgrades::UpgradesTab;
use super::workloads::WorkloadsTab;
use super::{Live, Overview};
use crate::api::{
    activity, cluster_access_mapping, cluster_oidc, customization, get_allow_list, node_pools, workloads,
};
use crate::components::outcome::caught;
use crate::components::timeline::Timeline;
use crate::error::AppError;
use crate::pages::activity::Entries;

/// What every tab of one cluster's page may use.
#[derive(Clone)]
pub(super) struct OnPage {
    pub project: String,
    pub id: String,
    pub role: Role,
    pub username: String,
    /// The cluster as last read, kept current by the live stream.
    pub current: Memo<ClusterOverview>,
    pub operations: Signal<Vec<OperationView>>,
    /// Counts the provider's updates of the cluster: tabs that load more refresh on each.
    pub changes: Memo<u64>,
}

impl OnPage {
    /// The page around the calling tab.
    fn here() -> Self {
        let live = Live::here();
        let (project, role, username) =
            live.first.with_value(|first| (first.project.clone(), first.role, first.username.clone()));
        OnPage {
            project,
            id: live.id.get_value(),
            role,
            username,
            current: live.overview(),
            operations: live.operations().into(),
            changes: live.heard.changes,
        }
    }
}

/// A tab that loads `T` for its cluster, then shows it with `show` (an island, which takes the
/// rest from the page around it).
fn loaded<T, Fut, V>(
    load: impl Fn(String, String) -> Fut + Send + Sync + 'static,
    show: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
    V: IntoView + 'static,
{
    let live = Live::here();
    let (project, id) = (live.first.with_value(|first| first.project.clone()), live.id.get_value());
    let data = Resource::new(|| (), move |_| load(project.clone(), id.clone()));
    let show = Arc::new(show);
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            <ErrorBoundary fallback=caught>
                {move || {
                    let show = show.clone();
                    Suspend::new(async move { Ok::<_, AppError>(show(data.await?)) })
                }}
            </ErrorBoundary>
        </Suspense>
    }
}

/// The Overview tab: the cluster's facts and its operations.
#[component]
pub fn OverviewRoute() -> impl IntoView {
    view! { <OverviewTab /> }
}

#[cfg_attr(island = "OverviewTab", island)]
#[cfg_attr(not(island = "OverviewTab"), component)]
fn OverviewTab() -> impl IntoView {
    let OnPage { project, role, current, operations, .. } = OnPage::here();
    view! {
        <Overview project=project.clone() cluster=current />
        <Timeline project operations role empty="No operation on this cluster from this console yet." />
    }
}

/// The Node pools tab.
#[component]
pub fn PoolsRoute() -> impl IntoView {
    loaded(node_pools, |pools| view! { <PoolsOfCluster pools /> })
}

#[cfg_attr(island = "PoolsOfCluster", island)]
#[cfg_attr(not(island = "PoolsOfCluster"), component)]
fn PoolsOfCluster(pools: Vec<PoolView>) -> impl IntoView {
    let OnPage { project, id, role, current, changes, .. } = OnPage::here();
    let (plan, region) = current.with_untracked(|c| (c.plan, c.region.clone()));
    view! { <PoolsTab project cluster=id plan region role pools changes /> }
}

/// The Workloads tab.
#[component]
pub fn WorkloadsRoute() -> impl IntoView {
    loaded(workloads, |view| view! { <WorkloadsOfCluster view /> })
}

#[cfg_attr(island = "WorkloadsOfCluster", island)]
#[cfg_attr(not(island = "WorkloadsOfCluster"), component)]
fn WorkloadsOfCluster(view: WorkloadsView) -> impl IntoView {
    let OnPage { project, id, .. } = OnPage::here();
    view! { <WorkloadsTab project cluster=id view /> }
}

/// The Upgrades tab.
#[component]
pub fn UpgradesRoute() -> impl IntoView {
    loaded(node_pools, |pools| view! { <UpgradesOfCluster pools /> })
}

#[cfg_attr(island = "UpgradesOfCluster", island)]
#[cfg_attr(not(island = "UpgradesOfCluster"), component)]
fn UpgradesOfCluster(pools: Vec<PoolView>) -> impl IntoView {
    let OnPage { project, id, role, current, changes, .. } = OnPage::here();
    view! { <UpgradesTab project cluster=id overview=current pools role changes /> }
}

/// The Access tab: the caller's kubeconfig and rights inside, who can do what inside, the admin
/// kubeconfig, the allow-list and OIDC.
#[component]
pub fn AccessRoute() -> impl IntoView {
    // Asked at once: reading the cluster's own bindings can wait on its kubeconfig.
    let load = |project: String, id: String| async move {
        futures::try_join!(
            get_allow_list(project.clone(), id.clone()),
            cluster_oidc(project.clone(), id.clone()),
            cluster_access_mapping(project, id),
        )
    };
    loaded(load, |(list, access, inside)| view! { <AccessOfCluster list access inside /> })
}

#[cfg_attr(island = "AccessOfCluster", island)]
#[cfg_attr(not(island = "AccessOfCluster"), component)]
fn AccessOfCluster(list: AllowList, access: OidcAccess, inside: InClusterAccess) -> impl IntoView {
    let OnPage { project, id, role, username, current, .. } = OnPage::here();
    let name = current.with_untracked(|c| c.name.clone());
    let may_edit = role.allows(OperationKind::SetIpRestrictions.required_role());
    let may_set_oidc = role.allows(OperationKind::SetClusterOidc.required_role());
    let may_map = role.allows(OperationKind::SetClusterAccess.required_role());
    let rights = inside.clone();
    view! {
        <UserKubeconfig project=project.clone() cluster=id.clone() access=access.clone() username>
            <YourRights access=rights.clone() />
        </UserKubeconfig>
        <InClusterAccessCard project=project.clone() cluster=id.clone() access=inside may_edit=may_map />
        <AccessTab project=project.clone() cluster=id.clone() name role />
        <AllowListEditor project=project.clone() cluster=id.clone() list may_edit />
        <OidcEditor project cluster=id access may_edit=may_set_oidc />
    }
}

/// The Settings tab.
#[component]
pub fn SettingsRoute() -> impl IntoView {
    loaded(customization, |customization| view! { <SettingsOfCluster customization /> })
}

#[cfg_attr(island = "SettingsOfCluster", island)]
#[cfg_attr(not(island = "SettingsOfCluster"), component)]
fn SettingsOfCluster(customization: CustomizationView) -> impl IntoView {
    let OnPage { project, id, role, current, .. } = OnPage::here();
    let (name, policy) = current.with_untracked(|c| (c.name.clone(), c.update_policy.clone()));
    view! { <SettingsTab project cluster=id name policy role customization /> }
}

/// The Activity tab: the operations' timeline and the cluster's audit trail.
#[component]
pub fn ActivityRoute() -> impl IntoView {
    let load = |_project: String, id: String| async move {
        let page = activity(cluster_filter(id.clone())).await?;
        Ok((id, page))
    };
    loaded(load, move |(id, page)| {
        view! {
            <OperationsOfCluster />
            <section aria-labelledby="audit-title">
                <h2 id="audit-title">"Audit trail"</h2>
                <Entries page filter=cluster_filter(id) />
            </section>
        }
    })
}

#[cfg_attr(island = "OperationsOfCluster", island)]
#[cfg_attr(not(island = "OperationsOfCluster"), component)]
fn OperationsOfCluster() -> impl IntoView {
    let OnPage { project, role, operations, .. } = OnPage::here();
    view! { <Timeline project operations role empty="No operation on this cluster from this console yet." /> }
}

fn cluster_filter(id: String) -> ActivityFilter {
    ActivityFilter { cluster: Some(id), ..ActivityFilter::default() }
}

/// The cluster page's tab bar; the tab at the current address is marked as the page.
#[component]
pub(super) fn Tabs(project: String, id: String) -> impl IntoView {
    let location = use_location();
    let prefix = format!("/clusters/{id}");
    let shown = Memo::new(move |_| location.pathname.with(|path| ClusterTab::under(&prefix, path)));
    let links = ClusterTab::ALL
        .into_iter()
        .map(|each| {
            let current = move || if shown.get() == Some(each) { "page" } else { "false" };
            view! { <a href=each.href(&project, &id) aria-current=current>{each.title()}</a> }
        })
        .collect_view();
    view! { <nav class="tabs" aria-label="Cluster">{links}</nav> }
}
