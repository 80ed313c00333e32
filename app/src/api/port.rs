//! What the server implements for the pages, and how server functions reach it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use model::access::{ClientAddress, User};
use model::activity::{ActivityFilter, ActivityPage};
use model::capabilities::{ApiRequest, Capabilities};
use model::cluster_spec::ClusterSpec;
use model::cluster_view::{ClusterOverview, ClustersView, EtcdUsage};
use model::customization::CustomizationView;
use model::flavor::Flavor;
use model::id::{ClusterId, NodeId, NodePoolId};
use model::ip_restriction::AllowList;
use model::node_pool::NodePoolSpec;
use model::oidc::{OidcAccess, OidcConfig};
use model::operation::OperationView;
use model::pool_view::PoolView;
use model::version::UpdateStrategy;

use crate::error::AppError;

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Who asks: the signed-in user and their address.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user: User,
    pub address: Option<String>,
}

/// The backend's side of every server function.
pub trait Backend: Send + Sync + 'static {
    /// The clusters list as the catalog last read it.
    fn clusters<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
    ) -> BoxFuture<'a, Result<ClustersView, AppError>>;
    /// Queues the deletion after checking the role and that `confirm` is the cluster's name;
    /// returns the operation id.
    fn delete_cluster<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
        confirm: &'a str,
    ) -> BoxFuture<'a, Result<String, AppError>>;
    /// What the project can create: regions, versions, prices.
    fn capabilities<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
    ) -> BoxFuture<'a, Result<Capabilities, AppError>>;
    /// The flavors offered in a region of the project.
    fn flavors<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        region: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Flavor>, AppError>>;
    /// The provider request that creating `spec` sends.
    fn creation_request<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        spec: &'a ClusterSpec,
    ) -> BoxFuture<'a, Result<ApiRequest, AppError>>;
    /// Checks `spec` and queues its creation, once per `key`; returns the operation once the
    /// provider has the cluster (or it failed, or a few seconds passed).
    fn create_cluster<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        spec: &'a ClusterSpec,
        key: &'a str,
    ) -> BoxFuture<'a, Result<OperationView, AppError>>;
    fn cluster_overview<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
    ) -> BoxFuture<'a, Result<ClusterOverview, AppError>>;
    /// How much of its etcd quota the cluster uses: asked of the provider (not kept in the
    /// catalog), with a deadline.
    fn etcd_usage<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
    ) -> BoxFuture<'a, Result<EtcdUsage, AppError>>;
    /// The running and recent operations of a cluster, newest first.
    fn cluster_operations<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
    ) -> BoxFuture<'a, Result<Vec<OperationView>, AppError>>;
    fn operation<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        operation: &'a str,
    ) -> BoxFuture<'a, Result<OperationView, AppError>>;
    /// Queues a failed operation again, as it was asked; returns the new operation id.
    fn retry_operation<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        operation: &'a str,
    ) -> BoxFuture<'a, Result<String, AppError>>;
    /// The cluster's pools with their nodes.
    fn node_pools<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
    ) -> BoxFuture<'a, Result<Vec<PoolView>, AppError>>;
    /// Queues a pool's edit (the mutable fields of `spec`); returns the operation id.
    fn update_node_pool<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
        pool: &'a NodePoolId,
        spec: &'a NodePoolSpec,
        key: &'a str,
    ) -> BoxFuture<'a, Result<String, AppError>>;
    /// Queues a pool's deletion (admins); returns the operation id.
    fn delete_node_pool<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
        pool: &'a NodePoolId,
    ) -> BoxFuture<'a, Result<String, AppError>>;
    /// Queues the removal of one node (its pool shrinks by one); returns the operation id.
    fn remove_node<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
        pool: &'a NodePoolId,
        node: &'a NodeId,
    ) -> BoxFuture<'a, Result<String, AppError>>;
    /// Queues a rename; returns the operation id.
    fn rename_cluster<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
        name: &'a str,
    ) -> BoxFuture<'a, Result<String, AppError>>;
    /// Queues a change of the security-patch policy; returns the operation id.
    fn update_cluster_policy<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
        policy: &'a str,
    ) -> BoxFuture<'a, Result<String, AppError>>;
    /// Queues a kubeconfig reset (admins); returns the operation id.
    fn reset_kubeconfig<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
    ) -> BoxFuture<'a, Result<String, AppError>>;
    /// Queues an upgrade: the next minor or the latest patch; returns the operation id.
    fn upgrade_cluster<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
        strategy: UpdateStrategy,
    ) -> BoxFuture<'a, Result<String, AppError>>;
    /// The cluster's API server allow-list, with the caller's address.
    fn allow_list<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
    ) -> BoxFuture<'a, Result<AllowList, AppError>>;
    /// Replaces the allow-list (admins); returns the operation id.
    fn set_allow_list<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
        entries: &'a [String],
    ) -> BoxFuture<'a, Result<String, AppError>>;
    /// Checks and queues a new pool of `cluster` (operators and admins); returns the operation id.
    fn create_node_pool<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
        spec: &'a NodePoolSpec,
        key: &'a str,
    ) -> BoxFuture<'a, Result<String, AppError>>;
    /// The cluster's admission plugins and kube-proxy periods.
    fn customization<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
    ) -> BoxFuture<'a, Result<CustomizationView, AppError>>;
    /// Checks and queues new admission plugins and kube-proxy periods (operators and admins).
    fn customize_cluster<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
        view: &'a CustomizationView,
    ) -> BoxFuture<'a, Result<String, AppError>>;
    /// Resets the cluster (admins) once `confirm` repeats its name; `nodes`: delete or reinstall.
    fn reset_cluster<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
        nodes: &'a str,
        confirm: &'a str,
    ) -> BoxFuture<'a, Result<String, AppError>>;
    /// The cluster's OIDC configuration and the console's identity provider.
    fn cluster_oidc<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
    ) -> BoxFuture<'a, Result<OidcAccess, AppError>>;
    /// Checks the issuer and queues the cluster's OIDC configuration (admins).
    fn set_cluster_oidc<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
        config: &'a OidcConfig,
    ) -> BoxFuture<'a, Result<String, AppError>>;
    /// Queues the removal of the cluster's OIDC configuration (admins).
    fn remove_cluster_oidc<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
    ) -> BoxFuture<'a, Result<String, AppError>>;
    fn activity<'a>(
        &'a self,
        caller: &'a Caller,
        filter: ActivityFilter,
    ) -> BoxFuture<'a, Result<ActivityPage, AppError>>;
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
