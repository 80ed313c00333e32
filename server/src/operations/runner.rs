//! The runner: claims operations and carries them out against the provider in named steps,
//! each one safe to repeat because it reads the provider's state before acting (the reconcile
//! model). A step that must wait for the provider gives the operation back to the queue until
//! the next poll; a crashed runner's lease expires and another one resumes at the first step
//! not yet done.
//!
//! Built so far: cluster creation (the provider creates the pools of its body with it; the
//! operation waits for the control plane). Other kinds fail with a clear message until their
//! steps exist; nothing submits them yet.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use model::id::OperationId;
use model::operation::{OperationKind, OperationState, StepState};
use model::status::Status;
use provider::api::ClusterCreation;
use provider::client::{Client, Error as ProviderError};

use super::store::{self, Claimed};
use crate::db::Db;

/// Attempts before a transient provider failure fails the operation.
pub const MAX_ATTEMPTS: i64 = 10;

/// What a step concluded.
enum Outcome {
    /// Done; go on with the next step.
    Done,
    /// The provider is still working; look again later.
    Wait,
}

/// A runner of one provider project.
pub struct Runner {
    pub db: Db,
    pub client: Arc<Client>,
    /// The provider project (`serviceName`).
    pub project: String,
    /// Who holds the leases (unique per runner).
    pub owner: String,
    pub lease: Duration,
    /// How long to wait before looking at the provider again.
    pub poll: Duration,
}

fn after(now: DateTime<Utc>, duration: Duration) -> DateTime<Utc> {
    now + chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::MAX)
}

impl Runner {
    /// Claims one runnable operation and moves it on as far as it can go at `now`; returns its id,
    /// or `None` when nothing was runnable.
    pub async fn run_once(&self, now: DateTime<Utc>) -> Result<Option<OperationId>, sqlx::Error> {
        let Some(op) = store::claim(&self.db, &self.owner, now, after(now, self.lease)).await? else {
            return Ok(None);
        };
        let result = match &op.kind {
            Ok(OperationKind::CreateCluster) => self.create_cluster(&op, now).await,
            other => {
                let name = match other {
                    Ok(kind) => kind.label().to_string(),
                    Err(text) => text.clone(),
                };
                let message = format!("operations of kind {name} are not supported yet");
                store::finish(
                    &self.db,
                    &op.id,
                    OperationState::Failed,
                    Some(("Console::Unsupported", &message, None)),
                    now,
                )
                .await?;
                return Ok(Some(op.id));
            }
        };
        match result {
            Ok(Outcome::Done) => {
                store::finish(&self.db, &op.id, OperationState::Succeeded, None, now).await?
            }
            Ok(Outcome::Wait) => store::defer(&self.db, &op.id, after(now, self.poll), now).await?,
            Err(StepError::Db(e)) => return Err(e),
            Err(StepError::Provider(error)) if error.is_retryable() && op.attempts < MAX_ATTEMPTS => {
                let backoff = self.poll.saturating_mul(1 << op.attempts.min(6));
                store::defer(&self.db, &op.id, after(now, backoff), now).await?;
            }
            Err(StepError::Provider(error)) => {
                let body = error.body();
                let class = body
                    .and_then(|b| b.class.clone().or(b.error_code.clone()))
                    .unwrap_or_else(|| "Transport".into());
                let message = error.to_string();
                store::finish(
                    &self.db,
                    &op.id,
                    OperationState::Failed,
                    Some((&class, &message, error.query_id())),
                    now,
                )
                .await?;
            }
            Err(StepError::Invalid(message)) => {
                store::finish(
                    &self.db,
                    &op.id,
                    OperationState::Failed,
                    Some(("Console::Invalid", &message, None)),
                    now,
                )
                .await?;
            }
        }
        Ok(Some(op.id))
    }

    /// Step 1 `create`: adopt a cluster of that name if a crashed runner already created it,
    /// otherwise create it. Step 2 `wait_for_ready`: until the provider reports READY.
    async fn create_cluster(&self, op: &Claimed, now: DateTime<Utc>) -> Result<Outcome, StepError> {
        let body: ClusterCreation = serde_json::from_value(op.parameters.clone())
            .map_err(|e| StepError::Invalid(format!("unreadable request: {e}")))?;
        let id = match store::target(&self.db, &op.id).await? {
            Some(id) => id,
            None => {
                store::record_step(&self.db, &op.id, 1, "create", StepState::Running, None, now).await?;
                let existing = self.client.list_clusters(&self.project).await?;
                let name = body.name.clone().unwrap_or_default();
                let id = match existing.into_iter().find(|c| !name.is_empty() && c.name == name) {
                    Some(cluster) => cluster.id,
                    None => self.client.create_cluster(&self.project, &body).await?.id,
                };
                store::set_target(&self.db, &op.id, &id).await?;
                store::record_step(&self.db, &op.id, 1, "create", StepState::Succeeded, Some(&id), now)
                    .await?;
                id
            }
        };
        let cluster = self.client.get_cluster(&self.project, &id).await?;
        let detail = format!("cluster is {}", cluster.status.as_wire());
        match cluster.status {
            Status::Ready => {
                store::record_step(
                    &self.db,
                    &op.id,
                    2,
                    "wait_for_ready",
                    StepState::Succeeded,
                    Some(&detail),
                    now,
                )
                .await?;
                Ok(Outcome::Done)
            }
            status if status.is_error() => {
                Err(StepError::Invalid(format!("the provider reports the cluster as {}", status.as_wire())))
            }
            _ => {
                store::record_step(
                    &self.db,
                    &op.id,
                    2,
                    "wait_for_ready",
                    StepState::Running,
                    Some(&detail),
                    now,
                )
                .await?;
                Ok(Outcome::Wait)
            }
        }
    }
}

/// Why a step stopped.
enum StepError {
    Db(sqlx::Error),
    Provider(ProviderError),
    Invalid(String),
}

impl From<sqlx::Error> for StepError {
    fn from(e: sqlx::Error) -> Self {
        StepError::Db(e)
    }
}

impl From<ProviderError> for StepError {
    fn from(e: ProviderError) -> Self {
        StepError::Provider(e)
    }
}
