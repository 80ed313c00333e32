//! The Node pools tab's calls: pools with their nodes (from the catalog), edits, deletion,
//! removing one node.

use app::api::port::{Caller, Pools};
use app::error::AppError;
use async_trait::async_trait;
use model::id::{ClusterId, NodeId, NodePoolId, ProjectId};
use model::node_pool::NodePoolSpec;
use model::operation::OperationKind;
use model::pool_view::{NodeView, PoolView};

use super::{ConsoleBackend, not_read};
use crate::catalog::{Entry, Lookup, Unavailable};
use crate::services::ServiceError;

#[async_trait]
impl Pools for ConsoleBackend {
    async fn create_node_pool(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        spec: &NodePoolSpec,
        key: &str,
    ) -> Result<String, AppError> {
        let key = Some(format!("create-pool-{key}"));
        self.change(caller, project, cluster, OperationKind::CreateNodePool, |actor| async move {
            self.services.create_node_pool(project, &actor, cluster, spec, key).await
        })
        .await
    }

    async fn node_pools(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<Vec<PoolView>, AppError> {
        self.require_viewer(caller, project)?;
        let snapshot = self.cluster_snapshot(project, cluster).await?;
        let (pools, nodes) = match snapshot.find(cluster.as_str()) {
            Lookup::Found(Entry { detail: Some(detail), .. }) => (&detail.pools, &detail.nodes),
            Lookup::Found(_) => return Err(not_read(Unavailable::NotReadYet)),
            Lookup::Missing | Lookup::Unknown => {
                return Err(AppError::from(ServiceError::NotFound(format!("cluster {cluster}"))));
            }
        };
        let mut views: Vec<PoolView> = pools
            .iter()
            .map(|pool| PoolView {
                id: pool.id.clone(),
                status: pool.status.clone(),
                size_status: pool.size_status.clone(),
                current_nodes: pool.current_nodes,
                available_nodes: pool.available_nodes,
                up_to_date_nodes: pool.up_to_date_nodes,
                spec: NodePoolSpec::from(pool),
                nodes: nodes
                    .iter()
                    .filter(|n| n.node_pool_id == pool.id)
                    .map(|n| NodeView {
                        id: n.id.clone(),
                        name: n.name.clone(),
                        status: n.status.clone(),
                        version: n.version.clone(),
                        is_up_to_date: n.is_up_to_date,
                        created_at: n.created_at.clone(),
                    })
                    .collect(),
            })
            .collect();
        views.sort_by(|a, b| a.spec.name.cmp(&b.spec.name));
        Ok(views)
    }

    async fn update_node_pool(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        pool: &NodePoolId,
        spec: &NodePoolSpec,
        key: &str,
    ) -> Result<String, AppError> {
        self.change(caller, project, cluster, OperationKind::UpdateNodePool, move |actor| async move {
            let key = (!key.is_empty()).then(|| format!("update-pool-{pool}-{key}"));
            self.services.update_node_pool(project, &actor, cluster, pool, spec, key).await
        })
        .await
    }

    async fn delete_node_pool(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        pool: &NodePoolId,
    ) -> Result<String, AppError> {
        self.change(caller, project, cluster, OperationKind::DeleteNodePool, move |actor| async move {
            // One deletion per pool and user, however often it is clicked.
            let key = Some(format!("delete-pool-{pool}"));
            self.services.delete_node_pool(project, &actor, cluster, pool, key).await
        })
        .await
    }

    async fn remove_node(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        pool: &NodePoolId,
        node: &NodeId,
    ) -> Result<String, AppError> {
        self.change(caller, project, cluster, OperationKind::RemoveNode, move |actor| async move {
            let key = self.services.key_after_ended(project, cluster, &format!("remove-node-{node}")).await?;
            self.services.remove_node(project, &actor, cluster, pool, node, Some(key)).await
        })
        .await
    }
}
