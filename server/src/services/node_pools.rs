//! Node pools and their nodes: list, read, create, edit, delete, remove one node.

use model::activity::TargetKind;
use model::id::{ClusterId, NodeId, NodePoolId};
use model::node_pool::{NodePoolSpec, check_pool_in_cluster};
use model::operation::OperationKind;
use provider::api::{FloatingIps, Node, NodePool, NodePoolCreation, NodePoolSizing, NodePoolUpdate};

use super::{Actor, Change, ServiceError, Services, Submitted, provider_error};
use crate::operations::params::{self, OperationRequest};
use crate::operations::store;
use crate::projects::Project;
use model::flavor::check_pool_flavors;

impl Services {
    pub async fn list_node_pools(
        &self,
        project: &str,
        cluster: &ClusterId,
    ) -> Result<Vec<NodePool>, ServiceError> {
        let project = self.project(project)?;
        pools(project, cluster).await
    }

    pub async fn get_node_pool(
        &self,
        project: &str,
        cluster: &ClusterId,
        pool: &NodePoolId,
    ) -> Result<NodePool, ServiceError> {
        let project = self.project(project)?;
        project
            .client
            .get_node_pool(&project.service_name, cluster, pool)
            .await
            .map_err(provider_error(|| format!("node pool {pool}")))
    }

    /// Every node of the cluster.
    pub async fn list_nodes(&self, project: &str, cluster: &ClusterId) -> Result<Vec<Node>, ServiceError> {
        let project = self.project(project)?;
        project
            .client
            .list_nodes(&project.service_name, cluster)
            .await
            .map_err(provider_error(|| format!("cluster {cluster}")))
    }

    /// Checks `spec` (the pool's own rules for the cluster's plan, its zone and flavor in the
    /// cluster's region, a free name, the plan's node limit with the other pools) and queues it.
    pub async fn create_node_pool(
        &self,
        project: &str,
        actor: &Actor,
        cluster_id: &ClusterId,
        spec: &NodePoolSpec,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        let project_ref = self.project(project)?.clone();
        let cluster = self.cluster(&project_ref, cluster_id).await?;
        let plan = cluster.known_plan();
        let mut errors = spec.validate(plan);
        if let Some(region) = self.region(project, &cluster.region).await? {
            errors.check("availabilityZones", spec.check_zone(&region));
        }
        let flavors = self.flavors(project, &cluster.region).await?;
        for error in check_pool_flavors(std::slice::from_ref(spec), &flavors, &cluster.region).iter() {
            errors.add("flavorName", &error.message);
        }
        let existing = pools(&project_ref, cluster_id).await?;
        let queued = store::creating(
            &self.db,
            project,
            OperationKind::CreateNodePool,
            Some(cluster_id.as_str()),
            &spec.name,
        )
        .await?;
        let mut others: Vec<NodePoolSpec> = existing.iter().map(NodePoolSpec::from).collect();
        if queued {
            // A creation of that name not carried out yet holds the name as a pool would.
            others.push(NodePoolSpec { desired_nodes: 0, autoscale: false, ..spec.clone() });
        }
        errors.append(check_pool_in_cluster(plan, spec, &others));
        errors.into_result()?;
        let change = Change {
            request: OperationRequest::CreateNodePool(NodePoolCreation::from(spec)),
            cluster_id: Some(cluster.id.clone()),
            target_kind: TargetKind::NodePool,
            target_id: None,
            target_name: Some(spec.name.clone()),
        };
        self.submit(&project_ref, actor, idempotency_key, change).await
    }

    /// Checks `edited` against the pool as it is (fields fixed at creation refused with the
    /// reason, the pool's rules, the plan's node limit) and queues the change. The body sends the
    /// whole template as edited; `edited` is expected to carry the pool's template with the
    /// user's changes applied, so nothing the form does not show is lost.
    pub async fn update_node_pool(
        &self,
        project: &str,
        actor: &Actor,
        cluster_id: &ClusterId,
        pool_id: &NodePoolId,
        edited: &NodePoolSpec,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        let project_ref = self.project(project)?.clone();
        let cluster = self.cluster(&project_ref, cluster_id).await?;
        let plan = cluster.known_plan();
        let existing = pools(&project_ref, cluster_id).await?;
        let Some(current) = existing.iter().find(|p| p.id == pool_id) else {
            return Err(ServiceError::NotFound(format!("node pool {pool_id}")));
        };
        let mut errors = NodePoolSpec::from(current).immutable_changes(edited);
        errors.append(edited.validate(plan));
        let others: Vec<NodePoolSpec> =
            existing.iter().filter(|p| p.id != pool_id).map(NodePoolSpec::from).collect();
        errors.append(check_pool_in_cluster(plan, edited, &others));
        errors.into_result()?;
        let update = NodePoolUpdate {
            sizing: NodePoolSizing {
                desired_nodes: Some(edited.desired_nodes),
                min_nodes: Some(edited.min_nodes),
                max_nodes: Some(edited.max_nodes),
                autoscale: Some(edited.autoscale),
                autoscaling: Some(edited.autoscaling.into()),
            },
            template: Some((&edited.template).into()),
            attach_floating_ips: Some(FloatingIps { enabled: edited.attach_floating_ips }),
            nodes_to_remove: None,
        };
        let request =
            OperationRequest::UpdateNodePool(params::UpdatePool { node_pool_id: pool_id.into(), update });
        let change = pool_change(request, cluster_id, current);
        self.submit(&project_ref, actor, idempotency_key, change).await
    }

    /// Queues the deletion of a pool (its nodes are drained first).
    pub async fn delete_node_pool(
        &self,
        project: &str,
        actor: &Actor,
        cluster_id: &ClusterId,
        pool_id: &NodePoolId,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        let pool = self.get_node_pool(project, cluster_id, pool_id).await?;
        let project = self.project(project)?;
        let parameters = params::Pool { node_pool_id: pool.id.clone() };
        let change = pool_change(OperationRequest::DeleteNodePool(parameters), cluster_id, &pool);
        self.submit(project, actor, idempotency_key, change).await
    }

    /// Queues the removal of one chosen node: the pool shrinks by one, and that node goes (an
    /// autoscaled pool at its minimum has its minimum lowered by one too, or the autoscaler would
    /// add a node back).
    pub async fn remove_node(
        &self,
        project: &str,
        actor: &Actor,
        cluster_id: &ClusterId,
        pool_id: &NodePoolId,
        node_id: &NodeId,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        let pool = self.get_node_pool(project, cluster_id, pool_id).await?;
        let nodes = self.list_nodes(project, cluster_id).await?;
        let Some(node) = nodes.iter().find(|n| n.id == node_id && n.node_pool_id == pool_id) else {
            return Err(ServiceError::NotFound(format!("node {node_id} in pool {}", pool.name)));
        };
        let project = self.project(project)?;
        let change = Change {
            request: OperationRequest::RemoveNode(params::RemoveNode {
                node_pool_id: pool.id.clone(),
                node_id: node.id.clone(),
            }),
            cluster_id: Some(cluster_id.to_string()),
            target_kind: TargetKind::Node,
            target_id: Some(node.id.clone()),
            target_name: Some(node.name.clone()),
        };
        self.submit(project, actor, idempotency_key, change).await
    }
}

async fn pools(project: &Project, cluster: &ClusterId) -> Result<Vec<NodePool>, ServiceError> {
    project
        .client
        .list_node_pools(&project.service_name, cluster)
        .await
        .map_err(provider_error(|| format!("cluster {cluster}")))
}

fn pool_change(request: OperationRequest, cluster_id: &ClusterId, pool: &NodePool) -> Change {
    Change {
        request,
        cluster_id: Some(cluster_id.to_string()),
        target_kind: TargetKind::NodePool,
        target_id: Some(pool.id.clone()),
        target_name: Some(pool.name.clone()),
    }
}
