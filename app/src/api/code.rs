//! Server functions of clusters as code: a cluster's template and Terraform, and the
//! Terraform of the wizard's draft.

use leptos::prelude::*;
use leptos::server_fn;
use model::cluster_spec::ClusterSpec;
#[cfg(feature = "ssr")]
use model::id::{ClusterId, ProjectId};
use model::terraform::AsCode;

#[cfg(feature = "ssr")]
use super::port;
use crate::error::AppError;

/// Cluster `cluster` as a template and as Terraform.
#[server(endpoint = "cluster_code")]
pub async fn cluster_code(project: String, cluster: String) -> Result<AsCode, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    port::respond(port::backend()?.cluster_code(&caller, &project, &cluster).await)
}

/// The Terraform that makes `spec`.
#[server(endpoint = "spec_terraform", input = server_fn::codec::Json)]
pub async fn spec_terraform(project: String, spec: ClusterSpec) -> Result<String, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    port::respond(port::backend()?.spec_terraform(&caller, &project, &spec).await)
}
