//! A cluster's node pools and nodes.

use app::error::AppError;
use axum::Router;
use axum::extract::Path;
use axum::routing::{delete, get};
use model::id::{NodeId, NodePoolId};
use model::node_pool::NodePoolSpec;

use super::clusters::ids;
use super::{Answer, Api, Body, accepted, id, ok};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects/{project}/clusters/{cluster}/node-pools", get(list).post(create))
        .route(
            "/projects/{project}/clusters/{cluster}/node-pools/{pool}",
            get(read).put(update).delete(remove),
        )
        .route("/projects/{project}/clusters/{cluster}/nodes", get(nodes))
        .route("/projects/{project}/clusters/{cluster}/node-pools/{pool}/nodes/{node}", delete(remove_node))
}

async fn list(api: Api, Path((p, c)): Path<(String, String)>) -> Answer {
    let (project, cluster) = ids(&p, &c)?;
    Ok(ok(api.backend.node_pools(&api.caller, &project, &cluster).await?))
}

async fn create(api: Api, Path((p, c)): Path<(String, String)>, Body(spec): Body<NodePoolSpec>) -> Answer {
    let (project, cluster) = ids(&p, &c)?;
    let key = api.key.clone().unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let operation =
        api.backend.create_node_pool(&api.caller, &project, &cluster, &spec, &format!("api-{key}")).await?;
    accepted(&api, &project, &operation).await
}

async fn read(api: Api, Path((p, c, pool)): Path<(String, String, String)>) -> Answer {
    let (project, cluster) = ids(&p, &c)?;
    let pools = api.backend.node_pools(&api.caller, &project, &cluster).await?;
    let found = pools.into_iter().find(|view| view.id == pool);
    found
        .map(ok)
        .ok_or_else(|| AppError::NotFound { message: format!("The node pool {pool} does not exist.") })
}

async fn update(
    api: Api,
    Path((p, c, pool)): Path<(String, String, String)>,
    Body(spec): Body<NodePoolSpec>,
) -> Answer {
    let (project, cluster) = ids(&p, &c)?;
    let pool = id(NodePoolId::parse(&pool))?;
    let key = api.key.clone().unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let operation = api
        .backend
        .update_node_pool(&api.caller, &project, &cluster, &pool, &spec, &format!("api-{key}"))
        .await?;
    accepted(&api, &project, &operation).await
}

async fn remove(api: Api, Path((p, c, pool)): Path<(String, String, String)>) -> Answer {
    let (project, cluster) = ids(&p, &c)?;
    let pool = id(NodePoolId::parse(&pool))?;
    let operation = api.backend.delete_node_pool(&api.caller, &project, &cluster, &pool).await?;
    accepted(&api, &project, &operation).await
}

/// Every node of the cluster, with its pool.
async fn nodes(api: Api, Path((p, c)): Path<(String, String)>) -> Answer {
    let (project, cluster) = ids(&p, &c)?;
    let pools = api.backend.node_pools(&api.caller, &project, &cluster).await?;
    let nodes: Vec<serde_json::Value> = pools
        .into_iter()
        .flat_map(|pool| {
            pool.nodes.into_iter().map(move |node| {
                let mut value = serde_json::to_value(node).unwrap_or_default();
                value["nodePoolId"] = serde_json::Value::String(pool.id.clone());
                value
            })
        })
        .collect();
    Ok(ok(nodes))
}

async fn remove_node(api: Api, Path((p, c, pool, node)): Path<(String, String, String, String)>) -> Answer {
    let (project, cluster) = ids(&p, &c)?;
    let pool = id(NodePoolId::parse(&pool))?;
    let node = id(NodeId::parse(&node))?;
    let operation = api.backend.remove_node(&api.caller, &project, &cluster, &pool, &node).await?;
    accepted(&api, &project, &operation).await
}
