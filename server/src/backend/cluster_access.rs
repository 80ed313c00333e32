//! The Access tab's "Who can do what in this cluster": the mapping of identity-provider groups
//! to roles inside the cluster (everyone reads it; admins change and restore it).

use app::api::port::{Caller, ClusterRbac};
use app::error::AppError;
use async_trait::async_trait;
use model::id::{ClusterId, ProjectId};
use model::operation::OperationKind;
use model::rbac::{AccessMapping, InClusterAccess};

use super::ConsoleBackend;

#[async_trait]
impl ClusterRbac for ConsoleBackend {
    async fn in_cluster_access(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<InClusterAccess, AppError> {
        self.require_viewer(caller, project)?;
        Ok(self.services.in_cluster_access(project, cluster, caller.user.groups.clone()).await?)
    }

    async fn set_in_cluster_access(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        mapping: &AccessMapping,
    ) -> Result<String, AppError> {
        self.change(caller, project, cluster, OperationKind::SetClusterAccess, |actor| async move {
            let config = self.cluster_config(project, cluster).await.map_err(|e| {
                crate::services::ServiceError::Conflict(format!(
                    "The cluster's OIDC settings could not be read: {e}"
                ))
            })?;
            let prefix = config.oidc.and_then(|oidc| oidc.groups_prefix).unwrap_or_default();
            self.services.set_cluster_access(project, &actor, cluster, mapping, &prefix, None).await
        })
        .await
    }

    async fn restore_in_cluster_access(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<String, AppError> {
        self.change(caller, project, cluster, OperationKind::SetClusterAccess, |actor| async move {
            self.services.restore_cluster_access(project, &actor, cluster, None).await
        })
        .await
    }
}
