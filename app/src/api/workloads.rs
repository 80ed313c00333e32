//! Server functions of what runs inside a cluster and the pre-flight of drains.

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use model::id::{ClusterId, NodePoolId, ProjectId};
use model::workload_view::{Preflight, WorkloadsView};

#[cfg(feature = "ssr")]
use super::port;
use crate::error::AppError;

/// The cluster's namespaces, Deployments, pods per node, Pending pods and budgets, in the
/// namespaces the caller's role shows.
#[server(endpoint = "workloads")]
pub async fn workloads(project: String, cluster: String) -> Result<WorkloadsView, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    port::respond(port::backend()?.workloads(&caller, &project, &cluster).await)
}

/// What upgrading the cluster in its plan's way would run into.
#[server(endpoint = "upgrade_preflight")]
pub async fn upgrade_preflight(project: String, cluster: String) -> Result<Preflight, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    port::respond(port::backend()?.upgrade_preflight(&caller, &project, &cluster).await)
}

/// What removing nodes of `pool` would run into: the node `node`, else the newest ones down to
/// `desired`.
#[server(endpoint = "removal_preflight")]
pub async fn removal_preflight(
    project: String,
    cluster: String,
    pool: String,
    node: Option<String>,
    desired: Option<u32>,
) -> Result<Preflight, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    let pool = port::id(NodePoolId::parse(&pool))?;
    let backend = port::backend()?;
    port::respond(
        backend.removal_preflight(&caller, &project, &cluster, &pool, node.as_deref(), desired).await,
    )
}
