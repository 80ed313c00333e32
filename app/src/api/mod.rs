//! The server functions pages call, and (on the server) the port they reach the backend through.
//! Each function: find the signed-in user, call one backend method, return its result — rules and
//! role checks live in the backend.

use leptos::prelude::*;
use leptos::server_fn;
use model::access::User;
use model::activity::{ActivityFilter, ActivityPage};
use model::capabilities::{ApiRequest, Capabilities};
use model::cluster_spec::ClusterSpec;
use model::cluster_view::{ClusterOverview, ClustersView, EtcdUsage};
use model::flavor::Flavor;
#[cfg(feature = "ssr")]
use model::id::{ClusterId, NodeId, NodePoolId, OperationId, ProjectId};
use model::ip_restriction::AllowList;
use model::node_pool::NodePoolSpec;
use model::operation::OperationView;
use model::pool_view::PoolView;
use model::version::{UpdatePolicy, UpdateStrategy};

use crate::error::AppError;

mod cluster_access;
mod code;
mod fleet;
mod networks;
mod notifications;
mod oidc;
/// What the server implements for the pages (server build only).
#[cfg(feature = "ssr")]
pub mod port;
mod settings;
mod tokens;
mod workloads;

pub use cluster_access::{
    cluster_access_mapping, restore_cluster_access_mapping, set_cluster_access_mapping,
};
pub use code::{cluster_code, spec_terraform};
pub use fleet::fleet;
pub use networks::{
    cluster_network_settings, create_gateway, create_network, create_subnet, delete_network, networks,
    set_cluster_routing, set_load_balancers_subnet,
};
pub use notifications::{
    create_subscription, delete_subscription, mark_notifications_read, notifications, test_subscription,
    unread_notifications,
};
pub use oidc::{cluster_oidc, remove_cluster_oidc, set_cluster_oidc};
pub use settings::{customization, customize_cluster, reset_cluster};
pub use tokens::{create_token, revoke_token, tokens};
pub use workloads::{removal_preflight, upgrade_preflight, workloads};

/// The signed-in user.
#[server(endpoint = "current_user")]
pub async fn current_user() -> Result<User, AppError> {
    port::respond(port::caller().map(|caller| caller.user))
}

/// The clusters of `project`, as the list shows them, and how fresh they are.
#[server(endpoint = "list_clusters")]
pub async fn list_clusters(project: String) -> Result<ClustersView, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    port::respond(port::backend()?.clusters(&caller, &project).await)
}

/// Deletes a cluster (admins only) once `confirm` repeats its name; returns the operation id.
#[server(endpoint = "delete_cluster")]
pub async fn delete_cluster(project: String, cluster: String, confirm: String) -> Result<String, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    port::respond(port::backend()?.delete_cluster(&caller, &project, &cluster, &confirm).await)
}

/// One page of the audit trail the user may see.
#[server(endpoint = "activity")]
pub async fn activity(filter: ActivityFilter) -> Result<ActivityPage, AppError> {
    let caller = port::caller()?;
    port::respond(port::backend()?.activity(&caller, filter).await)
}

/// Regions, versions and prices for the creation wizard.
#[server(endpoint = "capabilities")]
pub async fn get_capabilities(project: String) -> Result<Capabilities, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    port::respond(port::backend()?.capabilities(&caller, &project).await)
}

/// The flavors of one region.
#[server(endpoint = "flavors")]
pub async fn flavors(project: String, region: String) -> Result<Vec<Flavor>, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    port::respond(port::backend()?.flavors(&caller, &project, &region).await)
}

/// The provider request creating `spec` would send.
#[server(endpoint = "creation_request", input = server_fn::codec::Json)]
pub async fn creation_request(project: String, spec: ClusterSpec) -> Result<ApiRequest, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    port::respond(port::backend()?.creation_request(&caller, &project, &spec).await)
}

/// Creates a cluster (operators and admins); `key` makes a repeated click the same request.
#[server(endpoint = "create_cluster", input = server_fn::codec::Json)]
pub async fn create_cluster(
    project: String,
    spec: ClusterSpec,
    key: String,
) -> Result<OperationView, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    port::respond(port::backend()?.create_cluster(&caller, &project, &spec, &key).await)
}

/// One cluster, as its Overview tab shows it.
#[server(endpoint = "cluster_overview")]
pub async fn get_cluster_overview(project: String, cluster: String) -> Result<ClusterOverview, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    port::respond(port::backend()?.cluster_overview(&caller, &project, &cluster).await)
}

/// How much of its etcd quota a cluster uses (asked of the provider, with a deadline).
#[server(endpoint = "etcd_usage")]
pub async fn get_etcd_usage(project: String, cluster: String) -> Result<EtcdUsage, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    port::respond(port::backend()?.etcd_usage(&caller, &project, &cluster).await)
}

/// A cluster's running and recent operations.
#[server(endpoint = "cluster_operations")]
pub async fn cluster_operations(project: String, cluster: String) -> Result<Vec<OperationView>, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    port::respond(port::backend()?.cluster_operations(&caller, &project, &cluster).await)
}

/// One operation of the project.
#[server(endpoint = "operation")]
pub async fn operation(project: String, operation: String) -> Result<OperationView, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let operation = port::id(OperationId::parse(&operation))?;
    port::respond(port::backend()?.operation(&caller, &project, &operation).await)
}

/// Tries a failed operation again; returns the new operation's id.
#[server(endpoint = "retry_operation")]
pub async fn retry_operation(project: String, operation: String) -> Result<String, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let operation = port::id(OperationId::parse(&operation))?;
    port::respond(port::backend()?.retry_operation(&caller, &project, &operation).await)
}

/// A cluster's node pools with their nodes.
#[server(endpoint = "node_pools")]
pub async fn node_pools(project: String, cluster: String) -> Result<Vec<PoolView>, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    port::respond(port::backend()?.node_pools(&caller, &project, &cluster).await)
}

/// Adds a pool to a cluster (operators and admins); `key` makes a repeated click the same request.
#[server(endpoint = "create_node_pool", input = server_fn::codec::Json)]
pub async fn create_node_pool(
    project: String,
    cluster: String,
    spec: NodePoolSpec,
    key: String,
) -> Result<String, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    port::respond(port::backend()?.create_node_pool(&caller, &project, &cluster, &spec, &key).await)
}

/// Edits a pool (operators and admins); `key` makes a repeated click the same request.
#[server(endpoint = "update_node_pool", input = server_fn::codec::Json)]
pub async fn update_node_pool(
    project: String,
    cluster: String,
    pool: String,
    spec: NodePoolSpec,
    key: String,
) -> Result<String, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    let pool = port::id(NodePoolId::parse(&pool))?;
    port::respond(port::backend()?.update_node_pool(&caller, &project, &cluster, &pool, &spec, &key).await)
}

/// Deletes a pool (admins); its nodes are drained first.
#[server(endpoint = "delete_node_pool")]
pub async fn delete_node_pool(project: String, cluster: String, pool: String) -> Result<String, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    let pool = port::id(NodePoolId::parse(&pool))?;
    port::respond(port::backend()?.delete_node_pool(&caller, &project, &cluster, &pool).await)
}

/// Removes one node; its pool shrinks by one.
#[server(endpoint = "remove_node")]
pub async fn remove_node(
    project: String,
    cluster: String,
    pool: String,
    node: String,
) -> Result<String, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    let pool = port::id(NodePoolId::parse(&pool))?;
    let node = port::id(NodeId::parse(&node))?;
    port::respond(port::backend()?.remove_node(&caller, &project, &cluster, &pool, &node).await)
}

/// Renames a cluster (operators and admins).
#[server(endpoint = "rename_cluster")]
pub async fn rename_cluster(project: String, cluster: String, name: String) -> Result<String, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    port::respond(port::backend()?.rename_cluster(&caller, &project, &cluster, &name).await)
}

/// Changes when the provider may apply security patches (operators and admins).
#[server(endpoint = "update_cluster_policy")]
pub async fn update_cluster_policy(
    project: String,
    cluster: String,
    policy: UpdatePolicy,
) -> Result<String, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    port::respond(port::backend()?.update_cluster_policy(&caller, &project, &cluster, &policy).await)
}

/// Resets the cluster's kubeconfig (admins): every admin kubeconfig issued so far stops working.
#[server(endpoint = "reset_kubeconfig")]
pub async fn reset_kubeconfig(project: String, cluster: String) -> Result<String, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    port::respond(port::backend()?.reset_kubeconfig(&caller, &project, &cluster).await)
}

/// Starts an upgrade (operators and admins): the next minor or the latest patch.
#[server(endpoint = "upgrade_cluster")]
pub async fn upgrade_cluster(
    project: String,
    cluster: String,
    strategy: UpdateStrategy,
) -> Result<String, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    port::respond(port::backend()?.upgrade_cluster(&caller, &project, &cluster, strategy).await)
}

/// The cluster's API server allow-list and the caller's address.
#[server(endpoint = "allow_list")]
pub async fn get_allow_list(project: String, cluster: String) -> Result<AllowList, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    port::respond(port::backend()?.allow_list(&caller, &project, &cluster).await)
}

/// Replaces the allow-list (admins); an empty list lets every address in.
#[server(endpoint = "set_allow_list", input = server_fn::codec::Json)]
pub async fn set_allow_list(
    project: String,
    cluster: String,
    entries: Vec<String>,
) -> Result<String, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    port::respond(port::backend()?.set_allow_list(&caller, &project, &cluster, &entries).await)
}
