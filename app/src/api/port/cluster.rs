//! What the cluster pages ask of the server: the clusters, their operations, node pools,
//! settings, customization, workloads and clusters as code.

use async_trait::async_trait;

use model::capabilities::{ApiRequest, Capabilities};
use model::cluster_spec::ClusterSpec;
use model::cluster_view::{ClusterOverview, ClustersView, EtcdUsage};
use model::customization::CustomizationView;
use model::flavor::Flavor;
use model::id::{ClusterId, NodeId, NodePoolId, OperationId, ProjectId};
use model::node_pool::NodePoolSpec;
use model::operation::OperationView;
use model::pool_view::PoolView;
use model::reset::WorkerNodesPolicy;
use model::version::{UpdatePolicy, UpdateStrategy};
use model::workload_view::{Preflight, WorkloadsView};

use super::Caller;
use crate::error::AppError;

/// The clusters of a project: the list, one cluster's page, creation and deletion.
#[async_trait]
pub trait Clusters: Send + Sync {
    /// The clusters list as the catalog last read it.
    async fn clusters(&self, caller: &Caller, project: &ProjectId) -> Result<ClustersView, AppError>;
    async fn cluster_overview(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<ClusterOverview, AppError>;
    /// How much of its etcd quota the cluster uses: asked of the provider (not kept in the
    /// catalog), with a deadline.
    async fn etcd_usage(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<EtcdUsage, AppError>;
    /// What the project can create: regions, versions, prices.
    async fn capabilities(&self, caller: &Caller, project: &ProjectId) -> Result<Capabilities, AppError>;
    /// The flavors offered in a region of the project.
    async fn flavors(
        &self,
        caller: &Caller,
        project: &ProjectId,
        region: &str,
    ) -> Result<Vec<Flavor>, AppError>;
    /// The provider request that creating `spec` sends.
    async fn creation_request(
        &self,
        caller: &Caller,
        project: &ProjectId,
        spec: &ClusterSpec,
    ) -> Result<ApiRequest, AppError>;
    /// Checks `spec` and queues its creation, once per `key`; returns the operation once the
    /// provider has the cluster (or it failed, or a few seconds passed).
    async fn create_cluster(
        &self,
        caller: &Caller,
        project: &ProjectId,
        spec: &ClusterSpec,
        key: &str,
    ) -> Result<OperationView, AppError>;
    /// Queues the deletion after checking the role and that `confirm` is the cluster's name;
    /// returns the operation id.
    async fn delete_cluster(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        confirm: &str,
    ) -> Result<String, AppError>;
}

/// A cluster's operations: what runs, what ran, and running a failed one again.
#[async_trait]
pub trait Operations: Send + Sync {
    /// The running and recent operations of a cluster, newest first.
    async fn cluster_operations(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<Vec<OperationView>, AppError>;
    async fn operation(
        &self,
        caller: &Caller,
        project: &ProjectId,
        operation: &OperationId,
    ) -> Result<OperationView, AppError>;
    /// Queues a failed operation again, as it was asked; returns the new operation id.
    async fn retry_operation(
        &self,
        caller: &Caller,
        project: &ProjectId,
        operation: &OperationId,
    ) -> Result<String, AppError>;
}

/// A cluster's node pools and nodes.
#[async_trait]
pub trait Pools: Send + Sync {
    /// The cluster's pools with their nodes.
    async fn node_pools(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<Vec<PoolView>, AppError>;
    /// Checks and queues a new pool of `cluster` (operators and admins); returns the operation id.
    async fn create_node_pool(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        spec: &NodePoolSpec,
        key: &str,
    ) -> Result<String, AppError>;
    /// Queues a pool's edit (the mutable fields of `spec`); returns the operation id.
    async fn update_node_pool(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        pool: &NodePoolId,
        spec: &NodePoolSpec,
        key: &str,
    ) -> Result<String, AppError>;
    /// Queues a pool's deletion (admins); returns the operation id.
    async fn delete_node_pool(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        pool: &NodePoolId,
    ) -> Result<String, AppError>;
    /// Queues the removal of one node (its pool shrinks by one); returns the operation id.
    async fn remove_node(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        pool: &NodePoolId,
        node: &NodeId,
    ) -> Result<String, AppError>;
}

/// A cluster's name, security-patch policy and version.
#[async_trait]
pub trait Settings: Send + Sync {
    /// Queues a rename; returns the operation id.
    async fn rename_cluster(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        name: &str,
    ) -> Result<String, AppError>;
    /// Queues a change of the security-patch policy; returns the operation id.
    async fn update_cluster_policy(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        policy: &UpdatePolicy,
    ) -> Result<String, AppError>;
    /// Queues an upgrade: the next minor or the latest patch; returns the operation id.
    async fn upgrade_cluster(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        strategy: UpdateStrategy,
    ) -> Result<String, AppError>;
}

/// A cluster's admission plugins and kube-proxy periods, and its reset.
#[async_trait]
pub trait Customization: Send + Sync {
    /// The cluster's admission plugins and kube-proxy periods.
    async fn customization(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<CustomizationView, AppError>;
    /// Checks and queues new admission plugins and kube-proxy periods (operators and admins).
    async fn customize_cluster(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        view: &CustomizationView,
    ) -> Result<String, AppError>;
    /// Resets the cluster (admins) once `confirm` repeats its name; `nodes`: delete or reinstall.
    async fn reset_cluster(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        nodes: &WorkerNodesPolicy,
        confirm: &str,
    ) -> Result<String, AppError>;
}

/// What runs inside a cluster, read with its admin credentials on the server, and the
/// pre-flight of whatever drains its nodes.
#[async_trait]
pub trait Workloads: Send + Sync {
    /// The workloads of `cluster` in the namespaces the caller's role shows.
    async fn workloads(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<WorkloadsView, AppError>;
    /// What upgrading `cluster` in its plan's way would run into.
    async fn upgrade_preflight(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<Preflight, AppError>;
    /// What removing nodes of `pool` would run into: the node `node`, else the newest ones down
    /// to `desired`.
    async fn removal_preflight(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        pool: &NodePoolId,
        node: Option<&str>,
        desired: Option<u32>,
    ) -> Result<Preflight, AppError>;
}

/// Clusters as code: a cluster as a template and as the provider's Terraform resources.
#[async_trait]
pub trait Code: Send + Sync {
    /// Cluster `cluster` as a template and as Terraform.
    async fn cluster_code(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<model::terraform::AsCode, AppError>;
    /// The Terraform that makes `spec` (the wizard's review).
    async fn spec_terraform(
        &self,
        caller: &Caller,
        project: &ProjectId,
        spec: &ClusterSpec,
    ) -> Result<String, AppError>;
}
