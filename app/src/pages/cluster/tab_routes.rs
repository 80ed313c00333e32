//! The cluster page's tabs, one nested route each under `/clusters/{id}`: the page around them
//! (heading, status, tab bar, live stream) stays while a tab changes, and each tab loads only
//! what it shows.

use std::future::Future;
use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use model::access::Role;
use model::activity::ActivityFilter;
use model::cluster_view::ClusterOverview;
use model::operation::{OperationKind, OperationView};
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
use super::{ClusterContext, Loaded, Overview};
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
    fn new(page: ClusterContext, loaded: Loaded) -> Self {
        let Loaded { project, role, username, cluster, operations } = loaded;
        OnPage {
            project,
            id: page.id.get_value(),
            role,
            username,
            current: page.overview(cluster),
            operations: page.operations(operations).into(),
            changes: page.changes,
        }
    }
}

/// A tab that shows what the page read with `show`. When the page could not read the cluster,
/// the heading says why and the tab shows nothing.
fn on_page<V: IntoView + 'static>(show: impl Fn(OnPage) -> V + Send + Sync + 'static) -> impl IntoView {
    let page = expect_context::<ClusterContext>();
    let show = Arc::new(show);
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let show = show.clone();
                Suspend::new(async move { page.ready().await.ok().map(|loaded| show(OnPage::new(page, loaded))) })
            }}
        </Suspense>
    }
}

/// A tab that loads `T` for its cluster once the page knows the cluster's project, then shows it
/// with `show`.
fn loaded<T, Fut, V>(
    load: impl Fn(String, String) -> Fut + Clone + Send + Sync + 'static,
    show: impl Fn(OnPage, T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
    V: IntoView + 'static,
{
    let page = expect_context::<ClusterContext>();
    let data = Resource::new(
        || (),
        move |_| {
            let load = load.clone();
            async move {
                let project = page.ready().await?.project;
                load(project, page.id.get_value()).await
            }
        },
    );
    let show = Arc::new(show);
    view! {
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            <ErrorBoundary fallback=caught>
                {move || {
                    let show = show.clone();
                    Suspend::new(async move {
                        let Ok(loaded) = page.ready().await else { return Ok(None) };
                        let data = data.await?;
                        Ok::<_, AppError>(Some(show(OnPage::new(page, loaded), data)))
                    })
                }}
            </ErrorBoundary>
        </Suspense>
    }
}

/// The Overview tab: the cluster's facts and its operations.
#[component]
pub fn OverviewRoute() -> impl IntoView {
    on_page(|on_page| {
        let OnPage { project, role, current, operations, .. } = on_page;
        view! {
            <Overview project=project.clone() cluster=current />
            <Timeline project operations role empty="No operation on this cluster from this console yet." />
        }
    })
}

/// The Node pools tab.
#[component]
pub fn PoolsRoute() -> impl IntoView {
    loaded(node_pools, |on_page, pools| {
        let OnPage { project, id, role, current, changes, .. } = on_page;
        let (plan, region) = current.with_untracked(|c| (c.plan, c.region.clone()));
        view! { <PoolsTab project cluster=id plan region role pools changes /> }
    })
}

/// The Workloads tab.
#[component]
pub fn WorkloadsRoute() -> impl IntoView {
    loaded(workloads, |on_page, view| {
        let OnPage { project, id, .. } = on_page;
        view! { <WorkloadsTab project cluster=id view /> }
    })
}

/// The Upgrades tab.
#[component]
pub fn UpgradesRoute() -> impl IntoView {
    loaded(node_pools, |on_page, pools| {
        let OnPage { project, id, role, current, changes, .. } = on_page;
        view! { <UpgradesTab project cluster=id overview=current pools role changes /> }
    })
}

/// The Access tab: the caller's kubeconfig and rights inside, who can do what inside, the admin
/// kubeconfig, the allow-list and OIDC.
#[component]
pub fn AccessRoute() -> impl IntoView {
    let load = |project: String, id: String| async move {
        let list = get_allow_list(project.clone(), id.clone()).await?;
        let inside = cluster_access_mapping(project.clone(), id.clone()).await?;
        Ok((list, cluster_oidc(project, id).await?, inside))
    };
    loaded(load, |on_page, (list, access, inside)| {
        let OnPage { project, id, role, username, current, .. } = on_page;
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
    })
}

/// The Settings tab.
#[component]
pub fn SettingsRoute() -> impl IntoView {
    loaded(customization, |on_page, customization| {
        let OnPage { project, id, role, current, .. } = on_page;
        let (name, policy) = current.with_untracked(|c| (c.name.clone(), c.update_policy.clone()));
        view! { <SettingsTab project cluster=id name policy role customization /> }
    })
}

/// The Activity tab: the operations' timeline and the cluster's audit trail.
#[component]
pub fn ActivityRoute() -> impl IntoView {
    let load = |_project: String, id: String| activity(cluster_filter(id));
    loaded(load, |on_page, page| {
        let OnPage { project, id, role, operations, .. } = on_page;
        view! {
            <Timeline project operations role empty="No operation on this cluster from this console yet." />
            <section aria-labelledby="audit-title">
                <h2 id="audit-title">"Audit trail"</h2>
                <Entries page filter=cluster_filter(id) />
            </section>
        }
    })
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
