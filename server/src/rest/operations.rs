//! Operations: a cluster's, one by id (to poll after a 202), and running a failed one again.

use axum::Router;
use axum::extract::Path;
use axum::routing::{get, post};
use model::id::OperationId;

use super::clusters::ids;
use super::{Answer, Api, accepted, id, ok, project};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects/{project}/clusters/{cluster}/operations", get(of_cluster))
        .route("/projects/{project}/operations/{operation}", get(read))
        .route("/projects/{project}/operations/{operation}/retry", post(retry))
}

async fn of_cluster(api: Api, Path((p, c)): Path<(String, String)>) -> Answer {
    let (project, cluster) = ids(&p, &c)?;
    Ok(ok(api.backend.cluster_operations(&api.caller, &project, &cluster).await?))
}

async fn read(api: Api, Path((p, operation)): Path<(String, String)>) -> Answer {
    let project = project(&p)?;
    let operation = id(OperationId::parse(&operation))?;
    Ok(ok(api.backend.operation(&api.caller, &project, &operation).await?))
}

async fn retry(api: Api, Path((p, operation)): Path<(String, String)>) -> Answer {
    let project = project(&p)?;
    let operation = id(OperationId::parse(&operation))?;
    let again = api.backend.retry_operation(&api.caller, &project, &operation).await?;
    accepted(&api, &project, &again).await
}
