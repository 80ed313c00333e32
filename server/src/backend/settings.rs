//! The Settings and Upgrades tabs' changes: rename, security-patch policy, upgrades.

use app::api::port::{Caller, Settings};
use app::error::AppError;
use async_trait::async_trait;
use model::id::{ClusterId, ProjectId};
use model::operation::OperationKind;
use model::version::{UpdatePolicy, UpdateStrategy};

use super::ConsoleBackend;

#[async_trait]
impl Settings for ConsoleBackend {
    async fn rename_cluster(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        name: &str,
    ) -> Result<String, AppError> {
        self.change(caller, project, cluster, OperationKind::RenameCluster, |actor| async move {
            self.services.rename_cluster(project, &actor, cluster, name, None).await
        })
        .await
    }

    async fn update_cluster_policy(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        policy: &UpdatePolicy,
    ) -> Result<String, AppError> {
        self.change(caller, project, cluster, OperationKind::UpdateClusterPolicy, |actor| async move {
            self.services.update_cluster_policy(project, &actor, cluster, policy.clone(), None).await
        })
        .await
    }

    async fn upgrade_cluster(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        strategy: UpdateStrategy,
    ) -> Result<String, AppError> {
        self.change(caller, project, cluster, OperationKind::UpgradeCluster, |actor| async move {
            self.services.upgrade_cluster(project, &actor, cluster, strategy, None).await
        })
        .await
    }
}
