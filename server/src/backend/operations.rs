//! Following a cluster's operations and running a failed one again.

use app::api::port::{Caller, Operations};
use app::error::AppError;
use async_trait::async_trait;
use model::access::Role;
use model::activity::AuditAction;
use model::id::{ClusterId, OperationId, ProjectId};
use model::operation::{OperationKind, OperationView};

use super::{ConsoleBackend, actor};

#[async_trait]
impl Operations for ConsoleBackend {
    async fn cluster_operations(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<Vec<OperationView>, AppError> {
        self.require_viewer(caller, project)?;
        self.services.cluster_operations(project, cluster).await.map_err(AppError::from)
    }

    async fn operation(
        &self,
        caller: &Caller,
        project: &ProjectId,
        id: &OperationId,
    ) -> Result<OperationView, AppError> {
        self.require_viewer(caller, project)?;
        Ok(self.services.operation(project, id).await?)
    }

    async fn retry_operation(
        &self,
        caller: &Caller,
        project: &ProjectId,
        id: &OperationId,
    ) -> Result<String, AppError> {
        self.require_viewer(caller, project)?;
        let failed = self.services.operation(project, id).await?;
        let needed = failed.kind.map_or(Role::Admin, OperationKind::required_role);
        let target = failed.cluster_id.as_deref().unwrap_or_default();
        self.require(caller, project, needed, AuditAction::RetryOperation, target).await?;
        let submitted = self.services.retry(project, &actor(caller), id).await?;
        Ok(submitted.operation_id.as_str().to_string())
    }
}
