//! What the server implements for the pages, and how server functions reach it.

use std::sync::Arc;

use async_trait::async_trait;

use model::access::{ClientAddress, User};
use model::activity::{ActivityFilter, ActivityPage};
use model::capabilities::{ApiRequest, Capabilities};
use model::cluster_network::{ClusterNetwork, Routing};
use model::cluster_spec::ClusterSpec;
use model::cluster_view::{ClusterOverview, ClustersView, EtcdUsage};
use model::customization::CustomizationView;
use model::flavor::Flavor;
use model::fleet::FleetView;
use model::id::{ClusterId, NetworkId, NodeId, NodePoolId, OperationId, ProjectId, SubnetId};
use model::ip_restriction::AllowList;
use model::node_pool::NodePoolSpec;
use model::notification::{CreatedSubscription, NotificationsView, SubscriptionForm};
use model::oidc::{OidcAccess, OidcConfig};
use model::operation::OperationView;
use model::pool_view::PoolView;
use model::private_network::{NetworkForm, NetworksView, SubnetForm};
use model::reset::WorkerNodesPolicy;
use model::token::{CreatedToken, TokenRequest, TokenView, TokensView};
use model::version::{UpdatePolicy, UpdateStrategy};
use model::workload_view::{Preflight, WorkloadsView};

use crate::error::AppError;

/// Who asks: the signed-in user and their address.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user: User,
    pub address: Option<String>,
}

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

/// Who reaches a cluster's API server: its allow-list and its admin kubeconfig.
#[async_trait]
pub trait Access: Send + Sync {
    /// The cluster's API server allow-list, with the caller's address.
    async fn allow_list(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<AllowList, AppError>;
    /// Replaces the allow-list (admins); returns the operation id.
    async fn set_allow_list(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        entries: &[String],
    ) -> Result<String, AppError>;
    /// Queues a kubeconfig reset (admins); returns the operation id.
    async fn reset_kubeconfig(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<String, AppError>;
}

/// The OpenID Connect provider a cluster's API server trusts.
#[async_trait]
pub trait Oidc: Send + Sync {
    /// The cluster's OIDC configuration and the console's identity provider.
    async fn cluster_oidc(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<OidcAccess, AppError>;
    /// Checks the issuer and queues the cluster's OIDC configuration (admins).
    async fn set_cluster_oidc(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        config: &OidcConfig,
    ) -> Result<String, AppError>;
    /// Queues the removal of the cluster's OIDC configuration (admins).
    async fn remove_cluster_oidc(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<String, AppError>;
}

/// The audit trail.
#[async_trait]
pub trait Activity: Send + Sync {
    async fn activity(&self, caller: &Caller, filter: ActivityFilter) -> Result<ActivityPage, AppError>;
}

/// The project's private networks, subnets and gateways.
#[async_trait]
pub trait Networks: Send + Sync {
    /// The networks, their subnets and gateways, and the clusters on each.
    async fn networks(&self, caller: &Caller, project: &ProjectId) -> Result<NetworksView, AppError>;
    /// Checks and queues a network with its first subnet (operators); the operation id.
    async fn create_network(
        &self,
        caller: &Caller,
        project: &ProjectId,
        form: &NetworkForm,
    ) -> Result<String, AppError>;
    /// Checks and queues a subnet of `network` in `region` (operators); the operation id.
    async fn create_subnet(
        &self,
        caller: &Caller,
        project: &ProjectId,
        network: &NetworkId,
        region: &str,
        form: &SubnetForm,
    ) -> Result<String, AppError>;
    /// Checks and queues a gateway of `size` on `subnet` (operators); the operation id.
    async fn create_gateway(
        &self,
        caller: &Caller,
        project: &ProjectId,
        network: &NetworkId,
        subnet: &SubnetId,
        size: &str,
    ) -> Result<String, AppError>;
    /// Queues the deletion of `network` (admins), refused while a cluster uses it.
    async fn delete_network(
        &self,
        caller: &Caller,
        project: &ProjectId,
        network: &NetworkId,
    ) -> Result<String, AppError>;
    /// Cluster `cluster`'s network, subnets and routing.
    async fn cluster_network(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<ClusterNetwork, AppError>;
    /// Checks and queues a new load-balancer subnet (`None`: the nodes subnet) (operators).
    async fn set_load_balancers_subnet(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        subnet: Option<&SubnetId>,
    ) -> Result<String, AppError>;
    /// Checks and queues new routing for the cluster's nodes (operators).
    async fn set_cluster_routing(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        routing: &Routing,
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

/// Personal API tokens. Managed with a signed-in session only: a token cannot make or revoke
/// tokens.
#[async_trait]
pub trait Tokens: Send + Sync {
    /// The caller's tokens, and those of the projects they administer.
    async fn tokens(&self, caller: &Caller) -> Result<TokensView, AppError>;
    /// Creates a token; the answer holds its secret, shown this once.
    async fn create_token(&self, caller: &Caller, request: &TokenRequest) -> Result<CreatedToken, AppError>;
    /// Revokes one of the caller's tokens, or (admins) any token of their projects.
    async fn revoke_token(&self, caller: &Caller, id: &str) -> Result<TokenView, AppError>;
}

#[async_trait]
pub trait Fleet: Send + Sync {
    /// Every cluster the caller can see, across their projects, with what needs attention and
    /// each project's estimated cost.
    async fn fleet(&self, caller: &Caller) -> Result<FleetView, AppError>;
}

#[async_trait]
pub trait Notifications: Send + Sync {
    /// The caller's inbox, and the subscriptions of their projects.
    async fn notifications(&self, caller: &Caller) -> Result<NotificationsView, AppError>;
    /// How many notifications the caller has not read.
    async fn unread_notifications(&self, caller: &Caller) -> Result<u32, AppError>;
    /// Marks the caller's inbox read.
    async fn mark_notifications_read(&self, caller: &Caller) -> Result<(), AppError>;
    /// Adds a subscription (admins); the answer holds a webhook's signing key, shown this once.
    async fn create_subscription(
        &self,
        caller: &Caller,
        project: &ProjectId,
        form: &SubscriptionForm,
    ) -> Result<CreatedSubscription, AppError>;
    /// Deletes a subscription (admins).
    async fn delete_subscription(
        &self,
        caller: &Caller,
        project: &ProjectId,
        id: &str,
    ) -> Result<(), AppError>;
    /// Queues a test message to a subscription (admins); its delivery's id.
    async fn test_subscription(
        &self,
        caller: &Caller,
        project: &ProjectId,
        id: &str,
    ) -> Result<String, AppError>;
}

/// Everything the pages ask of the server: one trait per resource, each implemented by the
/// server's backend module of that name.
pub trait Backend:
    Clusters
    + Operations
    + Pools
    + Settings
    + Customization
    + Access
    + Oidc
    + Networks
    + Activity
    + Workloads
    + Tokens
    + Code
    + Fleet
    + Notifications
    + 'static
{
}

impl<
    T: Clusters
        + Operations
        + Pools
        + Settings
        + Customization
        + Access
        + Oidc
        + Networks
        + Activity
        + Workloads
        + Tokens
        + Code
        + Fleet
        + Notifications
        + 'static,
> Backend for T
{
}

/// The backend, as the server provides it.
pub fn backend() -> Result<Arc<dyn Backend>, AppError> {
    leptos::prelude::use_context::<Arc<dyn Backend>>()
        .ok_or_else(|| AppError::Internal { reference: "no backend in context".into() })
}

/// The caller of this request (the server's sign-in gate put the user in the request).
pub fn caller() -> Result<Caller, AppError> {
    let parts = leptos::prelude::use_context::<http::request::Parts>().ok_or(AppError::SignedOut)?;
    let user = parts.extensions.get::<User>().cloned().ok_or(AppError::SignedOut)?;
    let address = parts.extensions.get::<ClientAddress>().map(|a| a.0.clone());
    Ok(Caller { user, address })
}

/// An id parsed from a request, or a 400 saying what an id of its kind looks like.
pub fn id<T>(parsed: Result<T, model::id::IdError>) -> Result<T, AppError> {
    respond(parsed.map_err(|error| AppError::BadRequest { message: error.to_string() }))
}

/// `result`, with the HTTP status its error deserves.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result {
        let status = error.status();
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(status);
        }
    }
    result
}
