//! Server functions of who can do what inside a cluster.

use leptos::prelude::*;
use leptos::server_fn;
#[cfg(feature = "ssr")]
use model::id::{ClusterId, ProjectId};
use model::rbac::{AccessMapping, InClusterAccess};

#[cfg(feature = "ssr")]
use super::port;
use crate::error::AppError;

/// The mapping of identity-provider groups to roles inside the cluster, and its drift.
#[server(endpoint = "cluster_access_mapping")]
pub async fn cluster_access_mapping(project: String, cluster: String) -> Result<InClusterAccess, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    port::respond(port::backend()?.in_cluster_access(&caller, &project, &cluster).await)
}

/// Saves the mapping and applies its role bindings (admins); the operation's id.
#[server(endpoint = "set_cluster_access_mapping", input = server_fn::codec::Json)]
pub async fn set_cluster_access_mapping(
    project: String,
    cluster: String,
    mapping: AccessMapping,
) -> Result<String, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    port::respond(port::backend()?.set_in_cluster_access(&caller, &project, &cluster, &mapping).await)
}

/// Applies the saved mapping again, bringing back bindings changed or deleted (admins).
#[server(endpoint = "restore_cluster_access_mapping")]
pub async fn restore_cluster_access_mapping(project: String, cluster: String) -> Result<String, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    port::respond(port::backend()?.restore_in_cluster_access(&caller, &project, &cluster).await)
}
