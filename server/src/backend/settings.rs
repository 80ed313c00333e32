//! The Settings, Access and Upgrades tabs' changes: rename, security-patch policy, kubeconfig
//! reset, upgrades, the API server allow-list.

use app::api::port::Caller;
use app::error::AppError;
use model::access::Role;
use model::id::ClusterId;
use model::ip_restriction::AllowList;
use model::operation::OperationKind;
use model::version::{UpdatePolicy, UpdateStrategy};

use super::{ConsoleBackend, actor, app_error};

impl ConsoleBackend {
    pub(super) async fn rename_cluster(
        &self,
        caller: &Caller,
        project: &str,
        cluster: &ClusterId,
        name: &str,
    ) -> Result<String, AppError> {
        let needed = OperationKind::RenameCluster.required_role();
        self.require(caller, project, needed, "operation.rename_cluster", cluster).await?;
        let submitted = self
            .services
            .rename_cluster(project, &actor(caller), cluster, name, None)
            .await
            .map_err(app_error)?;
        Ok(submitted.operation_id.as_str().to_string())
    }

    pub(super) async fn update_cluster_policy(
        &self,
        caller: &Caller,
        project: &str,
        cluster: &ClusterId,
        policy: &str,
    ) -> Result<String, AppError> {
        let needed = OperationKind::UpdateClusterPolicy.required_role();
        self.require(caller, project, needed, "operation.update_cluster_policy", cluster).await?;
        let submitted = self
            .services
            .update_cluster_policy(project, &actor(caller), cluster, UpdatePolicy::from_wire(policy), None)
            .await
            .map_err(app_error)?;
        Ok(submitted.operation_id.as_str().to_string())
    }

    pub(super) async fn reset_kubeconfig(
        &self,
        caller: &Caller,
        project: &str,
        cluster: &ClusterId,
    ) -> Result<String, AppError> {
        let needed = OperationKind::ResetKubeconfig.required_role();
        self.require(caller, project, needed, "operation.reset_kubeconfig", cluster).await?;
        let submitted = self
            .services
            .reset_kubeconfig(project, &actor(caller), cluster, None)
            .await
            .map_err(app_error)?;
        Ok(submitted.operation_id.as_str().to_string())
    }

    pub(super) async fn upgrade_cluster(
        &self,
        caller: &Caller,
        project: &str,
        cluster: &ClusterId,
        strategy: UpdateStrategy,
    ) -> Result<String, AppError> {
        let needed = OperationKind::UpgradeCluster.required_role();
        self.require(caller, project, needed, "operation.upgrade_cluster", cluster).await?;
        let submitted = self
            .services
            .upgrade_cluster(project, &actor(caller), cluster, strategy, None)
            .await
            .map_err(app_error)?;
        Ok(submitted.operation_id.as_str().to_string())
    }

    pub(super) async fn allow_list(
        &self,
        caller: &Caller,
        project: &str,
        cluster: &ClusterId,
    ) -> Result<AllowList, AppError> {
        self.require(caller, project, Role::Viewer, "cluster.ip_restrictions", cluster).await?;
        let config = self.cluster_config(project, cluster).await?;
        Ok(AllowList { entries: config.ip_restrictions, your_address: caller.address.clone() })
    }

    pub(super) async fn set_allow_list(
        &self,
        caller: &Caller,
        project: &str,
        cluster: &ClusterId,
        entries: &[String],
    ) -> Result<String, AppError> {
        let needed = OperationKind::SetIpRestrictions.required_role();
        self.require(caller, project, needed, "operation.set_ip_restrictions", cluster).await?;
        let submitted = self
            .services
            .set_ip_restrictions(project, &actor(caller), cluster, entries, None)
            .await
            .map_err(app_error)?;
        Ok(submitted.operation_id.as_str().to_string())
    }
}
