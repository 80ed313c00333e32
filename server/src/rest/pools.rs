//! A cluster's node pools and nodes.

use app::error::AppError;
use axum::extract::Path;
use model::id::{NodeId, NodePoolId};
use model::node_pool::NodePoolSpec;
use model::operation::OperationView;
use model::pool_view::{NodeView, PoolView};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::clusters::ids;
use super::doc::{ClusterPath, NodePath, PoolPath, Refusals};
use super::{Answer, Api, Body, accepted, id, ok};
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(read, update, remove))
        .routes(routes!(nodes))
        .routes(routes!(remove_node))
}

fn cluster_of(path: &PoolPath) -> ClusterPath {
    ClusterPath { project: path.project.clone(), cluster: path.cluster.clone() }
}

/// The cluster's node pools with their nodes.
#[utoipa::path(get, path = "/projects/{project}/clusters/{cluster}/node-pools", tag = "node pools",
    params(ClusterPath), responses((status = 200, body = Vec<PoolView>), Refusals))]
async fn list(api: Api, Path(path): Path<ClusterPath>) -> Answer {
    let (project, cluster) = ids(&path)?;
    Ok(ok(api.backend.node_pools(&api.caller, &project, &cluster).await?))
}

/// Adds a node pool (operators).
#[utoipa::path(post, path = "/projects/{project}/clusters/{cluster}/node-pools", tag = "node pools",
    params(ClusterPath), request_body = NodePoolSpec, responses((status = 202, body = OperationView), Refusals))]
async fn create(api: Api, Path(path): Path<ClusterPath>, Body(spec): Body<NodePoolSpec>) -> Answer {
    let (project, cluster) = ids(&path)?;
    let key = api.key.clone().unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let operation =
        api.backend.create_node_pool(&api.caller, &project, &cluster, &spec, &format!("api-{key}")).await?;
    accepted(&api, &project, &operation).await
}

/// One node pool with its nodes; its `spec` is the base of an edit.
#[utoipa::path(get, path = "/projects/{project}/clusters/{cluster}/node-pools/{pool}", tag = "node pools",
    params(PoolPath), responses((status = 200, body = PoolView), Refusals))]
async fn read(api: Api, Path(path): Path<PoolPath>) -> Answer {
    let (project, cluster) = ids(&cluster_of(&path))?;
    let pools = api.backend.node_pools(&api.caller, &project, &cluster).await?;
    let found = pools.into_iter().find(|view| view.id == path.pool);
    found
        .map(ok)
        .ok_or_else(|| AppError::NotFound { message: format!("The node pool {} does not exist.", path.pool) })
}

/// Edits a node pool (operators): its size, autoscaling and template; the name, flavor and
/// zones cannot change.
#[utoipa::path(put, path = "/projects/{project}/clusters/{cluster}/node-pools/{pool}", tag = "node pools",
    params(PoolPath), request_body = NodePoolSpec, responses((status = 202, body = OperationView), Refusals))]
async fn update(api: Api, Path(path): Path<PoolPath>, Body(spec): Body<NodePoolSpec>) -> Answer {
    let (project, cluster) = ids(&cluster_of(&path))?;
    let pool = id(NodePoolId::parse(&path.pool))?;
    let key = api.key.clone().unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let operation = api
        .backend
        .update_node_pool(&api.caller, &project, &cluster, &pool, &spec, &format!("api-{key}"))
        .await?;
    accepted(&api, &project, &operation).await
}

/// Deletes a node pool with its nodes (admins).
#[utoipa::path(delete, path = "/projects/{project}/clusters/{cluster}/node-pools/{pool}", tag = "node pools",
    params(PoolPath), responses((status = 202, body = OperationView), Refusals))]
async fn remove(api: Api, Path(path): Path<PoolPath>) -> Answer {
    let (project, cluster) = ids(&cluster_of(&path))?;
    let pool = id(NodePoolId::parse(&path.pool))?;
    let operation = api.backend.delete_node_pool(&api.caller, &project, &cluster, &pool).await?;
    accepted(&api, &project, &operation).await
}

/// A node, with the pool it belongs to.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ClusterNode {
    #[serde(flatten)]
    pub node: NodeView,
    pub node_pool_id: String,
}

/// Every node of the cluster.
#[utoipa::path(get, path = "/projects/{project}/clusters/{cluster}/nodes", tag = "node pools",
    params(ClusterPath), responses((status = 200, body = Vec<ClusterNode>), Refusals))]
async fn nodes(api: Api, Path(path): Path<ClusterPath>) -> Answer {
    let (project, cluster) = ids(&path)?;
    let pools = api.backend.node_pools(&api.caller, &project, &cluster).await?;
    let nodes: Vec<ClusterNode> = pools
        .into_iter()
        .flat_map(|pool| {
            pool.nodes.into_iter().map(move |node| ClusterNode { node, node_pool_id: pool.id.clone() })
        })
        .collect();
    Ok(ok(nodes))
}

/// Removes one node; its pool shrinks by one (operators).
#[utoipa::path(delete, path = "/projects/{project}/clusters/{cluster}/node-pools/{pool}/nodes/{node}",
    tag = "node pools", params(NodePath), responses((status = 202, body = OperationView), Refusals))]
async fn remove_node(api: Api, Path(path): Path<NodePath>) -> Answer {
    let cluster_path = ClusterPath { project: path.project.clone(), cluster: path.cluster.clone() };
    let (project, cluster) = ids(&cluster_path)?;
    let pool = id(NodePoolId::parse(&path.pool))?;
    let node = id(NodeId::parse(&path.node))?;
    let operation = api.backend.remove_node(&api.caller, &project, &cluster, &pool, &node).await?;
    accepted(&api, &project, &operation).await
}
