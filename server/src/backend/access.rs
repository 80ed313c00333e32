//! The Access tab: the API server's allow-list and the admin kubeconfig's reset.

use app::api::port::{Access, Caller};
use app::error::AppError;
use async_trait::async_trait;
use model::id::{ClusterId, ProjectId};
use model::ip_restriction::AllowList;
use model::operation::OperationKind;

use super::ConsoleBackend;

#[async_trait]
impl Access for ConsoleBackend {
    async fn allow_list(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<AllowList, AppError> {
        self.require_viewer(caller, project)?;
        let config = self.cluster_config(project, cluster).await?;
        Ok(AllowList { entries: config.ip_restrictions, your_address: caller.address.clone() })
    }

    async fn set_allow_list(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        entries: &[String],
    ) -> Result<String, AppError> {
        self.change(caller, project, cluster, OperationKind::SetIpRestrictions, |actor| async move {
            self.services.set_ip_restrictions(project, &actor, cluster, entries, None).await
        })
        .await
    }

    async fn reset_kubeconfig(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<String, AppError> {
        self.change(caller, project, cluster, OperationKind::ResetKubeconfig, |actor| async move {
            self.services.reset_kubeconfig(project, &actor, cluster, None).await
        })
        .await
    }
}
