//! The Access tab's OIDC section: the cluster's configuration with the console's identity
//! provider, and setting or removing it (admins).

use app::api::port::{Caller, Oidc};
use app::error::AppError;
use async_trait::async_trait;
use model::id::{ClusterId, ProjectId};
use model::oidc::{OidcAccess, OidcConfig};
use model::operation::OperationKind;

use super::ConsoleBackend;

#[async_trait]
impl Oidc for ConsoleBackend {
    async fn cluster_oidc(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<OidcAccess, AppError> {
        self.require_viewer(caller, project)?;
        let config = self.cluster_config(project, cluster).await?;
        Ok(OidcAccess { config: config.oidc, console: self.services.issuers.console.clone() })
    }

    async fn set_cluster_oidc(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        config: &OidcConfig,
    ) -> Result<String, AppError> {
        self.change(caller, project, cluster, OperationKind::SetClusterOidc, |actor| async move {
            self.services.set_cluster_oidc(project, &actor, cluster, config, None).await
        })
        .await
    }

    async fn remove_cluster_oidc(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<String, AppError> {
        self.change(caller, project, cluster, OperationKind::RemoveClusterOidc, |actor| async move {
            self.services.remove_cluster_oidc(project, &actor, cluster, None).await
        })
        .await
    }
}
