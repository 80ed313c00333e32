//! The Settings tab's customization (admission plugins, kube-proxy) and reset.

use app::api::port::{Caller, Customization};
use app::error::AppError;
use async_trait::async_trait;
use model::access::Role;
use model::customization::CustomizationView;
use model::id::ClusterId;
use model::operation::OperationKind;

use super::ConsoleBackend;

#[async_trait]
impl Customization for ConsoleBackend {
    async fn customization(
        &self,
        caller: &Caller,
        project: &str,
        cluster: &ClusterId,
    ) -> Result<CustomizationView, AppError> {
        self.require(caller, project, Role::Viewer, "cluster.customization", cluster).await?;
        let config = self.cluster_config(project, cluster).await?;
        Ok(crate::services::settings::view_of(config.customization))
    }

    async fn customize_cluster(
        &self,
        caller: &Caller,
        project: &str,
        cluster: &ClusterId,
        view: &CustomizationView,
    ) -> Result<String, AppError> {
        self.change(caller, project, cluster, OperationKind::CustomizeCluster, |actor| async move {
            self.services.apply_customization(project, &actor, cluster, view, None).await
        })
        .await
    }

    /// Resets the cluster once `confirm` repeats its name; `nodes` is `delete` or `reinstall`.
    async fn reset_cluster(
        &self,
        caller: &Caller,
        project: &str,
        cluster: &ClusterId,
        nodes: &str,
        confirm: &str,
    ) -> Result<String, AppError> {
        self.change(caller, project, cluster, OperationKind::ResetCluster, |actor| async move {
            self.services.confirm_name(project, cluster, confirm).await?;
            self.services.reset_keeping_settings(project, &actor, cluster, nodes, None).await
        })
        .await
    }
}
