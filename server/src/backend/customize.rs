//! The Settings tab's customization (admission plugins, kube-proxy) and reset.

use app::api::port::{Caller, Customization};
use app::error::AppError;
use async_trait::async_trait;
use model::customization::CustomizationView;
use model::id::{ClusterId, ProjectId};
use model::operation::OperationKind;
use model::reset::WorkerNodesPolicy;

use super::ConsoleBackend;

#[async_trait]
impl Customization for ConsoleBackend {
    async fn customization(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<CustomizationView, AppError> {
        self.require_viewer(caller, project)?;
        let config = self.cluster_config(project, cluster).await?;
        Ok(crate::services::settings::view_of(config.customization))
    }

    async fn customize_cluster(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        view: &CustomizationView,
    ) -> Result<String, AppError> {
        self.change(caller, project, cluster, OperationKind::CustomizeCluster, |actor| async move {
            self.services.apply_customization(project, &actor, cluster, view, None).await
        })
        .await
    }

    /// Resets the cluster once `confirm` repeats its name, its nodes deleted or reinstalled.
    async fn reset_cluster(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        nodes: &WorkerNodesPolicy,
        confirm: &str,
    ) -> Result<String, AppError> {
        self.change(caller, project, cluster, OperationKind::ResetCluster, |actor| async move {
            self.services.confirm_name(project, cluster, confirm).await?;
            self.services.reset_keeping_settings(project, &actor, cluster, nodes.clone(), None).await
        })
        .await
    }
}
