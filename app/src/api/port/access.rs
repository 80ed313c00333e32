//! Who reaches a cluster and what they may do there: the allow-list, the admin kubeconfig,
//! the OIDC configuration, and the roles identity-provider groups get inside it.

use async_trait::async_trait;

use model::id::{ClusterId, ProjectId};
use model::ip_restriction::AllowList;
use model::oidc::{OidcAccess, OidcConfig};
use model::rbac::{AccessMapping, InClusterAccess};

use super::Caller;
use crate::error::AppError;

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

/// Who can do what inside a cluster: identity-provider groups mapped to Kubernetes roles.
#[async_trait]
pub trait ClusterRbac: Send + Sync {
    /// The saved mapping, the default one, the cluster's drift from it and the caller's groups.
    async fn in_cluster_access(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<InClusterAccess, AppError>;
    /// Saves the mapping and applies its bindings (admins); returns the operation id.
    async fn set_in_cluster_access(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        mapping: &AccessMapping,
    ) -> Result<String, AppError>;
    /// Applies the saved mapping again, undoing drift (admins); returns the operation id.
    async fn restore_in_cluster_access(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<String, AppError>;
}
