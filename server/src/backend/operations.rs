//! Following a cluster's operations and running a failed one again.

use app::api::port::{Caller, Operations};
use app::error::AppError;
use async_trait::async_trait;
use model::access::Role;
use model::id::{ClusterId, OperationId};
use model::operation::{OperationKind, OperationView};

use super::{ConsoleBackend, actor};

#[async_trait]
impl Operations for ConsoleBackend {
    async fn cluster_operations(
        &self,
        caller: &Caller,
        project: &str,
        cluster: &ClusterId,
    ) -> Result<Vec<OperationView>, AppError> {
        self.require(caller, project, Role::Viewer, "cluster.operations", cluster).await?;
        self.services.cluster_operations(project, cluster).await.map_err(AppError::from)
    }

    async fn operation(&self, caller: &Caller, project: &str, id: &str) -> Result<OperationView, AppError> {
        self.require(caller, project, Role::Viewer, "operation.read", id).await?;
        self.services.operation(project, &OperationId::new(id.to_string())).await.map_err(AppError::from)
    }

    async fn retry_operation(&self, caller: &Caller, project: &str, id: &str) -> Result<String, AppError> {
        self.require(caller, project, Role::Viewer, "operation.read", id).await?;
        let id = OperationId::new(id.to_string());
        let failed = self.services.operation(project, &id).await?;
        let needed = failed.kind.map_or(Role::Admin, OperationKind::required_role);
        let target = failed.cluster_id.as_deref().unwrap_or_default();
        self.require(caller, project, needed, "operation.retry", target).await?;
        let submitted = self.services.retry(project, &actor(caller), &id).await?;
        Ok(submitted.operation_id.as_str().to_string())
    }
}
