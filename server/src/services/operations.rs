//! Operations as users follow them: one or a cluster's recent ones, cancelling one that has not
//! reached the provider, and trying a failed one again.

use chrono::Utc;
use model::id::{ClusterId, OperationId};
use model::operation::OperationView;

use super::{Actor, ServiceError, Services, Submitted};
use crate::operations::store::{self, NewOperation};

/// How many of a cluster's operations its timeline shows.
pub const TIMELINE_LENGTH: i64 = 20;

impl Services {
    /// The operation `id` of `project`.
    pub async fn operation(&self, project: &str, id: &OperationId) -> Result<OperationView, ServiceError> {
        let project = self.project(project)?;
        store::view(&self.db, id)
            .await?
            .filter(|op| op.project_id == project.id)
            .ok_or_else(|| ServiceError::NotFound(format!("operation {}", id.as_str())))
    }

    /// The latest operations on cluster `cluster`, newest first.
    pub async fn cluster_operations(
        &self,
        project: &str,
        cluster: &ClusterId,
    ) -> Result<Vec<OperationView>, ServiceError> {
        let project = self.project(project)?;
        Ok(store::recent(&self.db, &project.id, Some(cluster.as_str()), TIMELINE_LENGTH).await?)
    }

    /// Cancels an operation of `project` that has not reached the provider yet.
    pub async fn cancel(&self, project: &str, actor: &Actor, id: &OperationId) -> Result<(), ServiceError> {
        let project = self.project(project)?;
        let found = store::view(&self.db, id).await?.filter(|op| op.project_id == project.id);
        if found.is_none() {
            return Err(ServiceError::NotFound(format!("operation {}", id.as_str())));
        }
        match store::cancel(&self.db, id, &actor.name(), actor.address.as_deref(), Utc::now()).await? {
            store::Cancelled::Yes => Ok(()),
            store::Cancelled::NotFound => Err(ServiceError::NotFound(format!("operation {}", id.as_str()))),
            store::Cancelled::AlreadyFinished => {
                Err(ServiceError::Conflict("The operation has already ended.".into()))
            }
            store::Cancelled::TooLate => Err(ServiceError::Conflict(
                "The provider has already received this request and cannot stop it; it will run to the end."
                    .into(),
            )),
        }
    }

    /// Queues a failed operation again with the same target and parameters, as `actor`; the
    /// same actor retrying the same operation twice gets one new operation.
    pub async fn retry(
        &self,
        project: &str,
        actor: &Actor,
        id: &OperationId,
    ) -> Result<Submitted, ServiceError> {
        let failed = self.operation(project, id).await?;
        let not_retryable = || {
            ServiceError::Conflict(
                "Only a failed operation that another try could mend can be retried.".into(),
            )
        };
        if !failed.retryable() {
            return Err(not_retryable());
        }
        let request = store::request(&self.db, id).await?.and_then(Result::ok).ok_or_else(not_retryable)?;
        let new = NewOperation {
            project_id: failed.project_id,
            request,
            cluster_id: failed.cluster_id,
            target_kind: failed.target_kind,
            target_id: failed.target_id,
            target_name: failed.target_name,
            actor: actor.name(),
            actor_address: actor.address.clone(),
            idempotency_key: Some(format!("retry-{}", id.as_str())),
        };
        let (operation_id, new) =
            store::submit(&self.db, &new, Utc::now()).await.map_err(super::submit_error)?;
        self.wake.notify_one();
        Ok(Submitted { operation_id, new })
    }
}
