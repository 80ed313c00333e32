//! Operations: a cluster's, one by id (to poll after a 202), and running a failed one again.

use axum::extract::Path;
use model::id::OperationId;
use model::operation::OperationView;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::clusters::ids;
use super::doc::{ClusterPath, OperationPath, Refusals};
use super::{Answer, Api, accepted, id, ok, project};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(of_cluster)).routes(routes!(read)).routes(routes!(retry))
}

/// The cluster's running and recent operations, newest first.
#[utoipa::path(get, path = "/projects/{project}/clusters/{cluster}/operations", tag = "operations",
    params(ClusterPath), responses((status = 200, body = Vec<OperationView>), Refusals))]
async fn of_cluster(api: Api, Path(path): Path<ClusterPath>) -> Answer {
    let (project, cluster) = ids(&path)?;
    Ok(ok(api.backend.cluster_operations(&api.caller, &project, &cluster).await?))
}

/// One operation with its steps: what a 202's `Location` points at.
#[utoipa::path(get, path = "/projects/{project}/operations/{operation}", tag = "operations",
    params(OperationPath), responses((status = 200, body = OperationView), Refusals))]
async fn read(api: Api, Path(path): Path<OperationPath>) -> Answer {
    let project = project(&path.project)?;
    let operation = id(OperationId::parse(&path.operation))?;
    Ok(ok(api.backend.operation(&api.caller, &project, &operation).await?))
}

/// Runs a failed operation again, as it was asked; 409 unless it failed.
#[utoipa::path(post, path = "/projects/{project}/operations/{operation}/retry", tag = "operations",
    params(OperationPath), responses((status = 202, body = OperationView), Refusals))]
async fn retry(api: Api, Path(path): Path<OperationPath>) -> Answer {
    let project = project(&path.project)?;
    let operation = id(OperationId::parse(&path.operation))?;
    let again = api.backend.retry_operation(&api.caller, &project, &operation).await?;
    accepted(&api, &project, &again).await
}
