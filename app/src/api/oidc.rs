//! Server functions of a cluster's OIDC configuration.

use leptos::prelude::*;
use leptos::server_fn;
#[cfg(feature = "ssr")]
use model::id::{ClusterId, ProjectId};
use model::oidc::{OidcAccess, OidcConfig};

#[cfg(feature = "ssr")]
use super::port;
use crate::error::AppError;

/// The cluster's OIDC configuration and the console's identity provider.
#[server(endpoint = "cluster_oidc")]
pub async fn cluster_oidc(project: String, cluster: String) -> Result<OidcAccess, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    port::respond(port::backend()?.cluster_oidc(&caller, &project, &cluster).await)
}

/// Checks the issuer's discovery document, then sets the cluster's OIDC configuration (admins).
#[server(endpoint = "set_cluster_oidc", input = server_fn::codec::Json)]
pub async fn set_cluster_oidc(
    project: String,
    cluster: String,
    config: OidcConfig,
) -> Result<String, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    port::respond(port::backend()?.set_cluster_oidc(&caller, &project, &cluster, &config).await)
}

/// Removes the cluster's OIDC configuration (admins).
#[server(endpoint = "remove_cluster_oidc")]
pub async fn remove_cluster_oidc(project: String, cluster: String) -> Result<String, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    port::respond(port::backend()?.remove_cluster_oidc(&caller, &project, &cluster).await)
}
