//! Server functions of a cluster's customization and reset.

use leptos::prelude::*;
use leptos::server_fn;
use model::customization::CustomizationView;
#[cfg(feature = "ssr")]
use model::id::{ClusterId, ProjectId};
use model::reset::WorkerNodesPolicy;

#[cfg(feature = "ssr")]
use super::port;
use crate::error::AppError;

/// The cluster's admission plugins and kube-proxy periods.
#[server(endpoint = "customization")]
pub async fn customization(project: String, cluster: String) -> Result<CustomizationView, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    port::respond(port::backend()?.customization(&caller, &project, &cluster).await)
}

/// Changes the admission plugins and kube-proxy periods (operators and admins).
#[server(endpoint = "customize_cluster", input = server_fn::codec::Json)]
pub async fn customize_cluster(
    project: String,
    cluster: String,
    view: CustomizationView,
) -> Result<String, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    port::respond(port::backend()?.customize_cluster(&caller, &project, &cluster, &view).await)
}

/// Resets the cluster (admins) once `confirm` repeats its name, its nodes deleted or reinstalled.
#[server(endpoint = "reset_cluster")]
pub async fn reset_cluster(
    project: String,
    cluster: String,
    nodes: WorkerNodesPolicy,
    confirm: String,
) -> Result<String, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    port::respond(port::backend()?.reset_cluster(&caller, &project, &cluster, &nodes, &confirm).await)
}
