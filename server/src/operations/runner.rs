//! The runner: a loop in every replica that claims operations and carries them out against the
//! provider in named steps (see [`super::steps`]). A step that must wait for the provider gives
//! the operation back to the queue until the next poll; the lease is renewed while a step runs,
//! and a crashed runner's lease expires so another one resumes at the first step not yet done.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use model::id::OperationId;
use model::operation::OperationState;
use tokio::sync::Notify;

use super::steps::{self, Outcome, StepContext, StepError};
use super::store;
use crate::db::Db;
use crate::metrics::Metrics;
use crate::projects::Projects;

/// Tries in a row without progress before a transient provider failure fails the operation.
pub const MAX_ATTEMPTS: i64 = 10;

/// A pass holding an operation longer than this is logged: pages show it as running meanwhile.
const SLOW_PASS: Duration = Duration::from_secs(10);

/// A runner of one replica.
pub struct Runner {
    pub db: Db,
    pub projects: Projects,
    /// Who holds the leases (unique per runner).
    pub owner: String,
    pub lease: Duration,
    /// How long to wait before looking at the provider again.
    pub poll: Duration,
    /// Signalled when an operation is submitted, so the loop need not wait for its next look.
    pub wake: Arc<Notify>,
    /// Signalled after each change the runner records, for the live-update feed.
    pub changed: Arc<Notify>,
    /// The latest time this runner stamped: a later pass never stamps an earlier time, even when
    /// its caller gives two passes the same time (the tests' clock).
    pub stamped: std::sync::Mutex<DateTime<Utc>>,
    /// Where finished operations are counted.
    pub metrics: Option<Arc<Metrics>>,
}

fn after(now: DateTime<Utc>, duration: Duration) -> DateTime<Utc> {
    now + chrono::Duration::from_std(duration).unwrap_or(chrono::Duration::MAX)
}

impl Runner {
    /// A runner with a unique owner name, 30 s leases and `poll` between looks at the provider.
    pub fn new(db: Db, projects: Projects, poll: Duration) -> Self {
        Self {
            db,
            projects,
            owner: format!("runner-{}", uuid::Uuid::new_v4().simple()),
            lease: Duration::from_secs(30),
            poll,
            wake: Arc::new(Notify::new()),
            changed: Arc::new(Notify::new()),
            stamped: std::sync::Mutex::new(DateTime::<Utc>::MIN_UTC),
            metrics: None,
        }
    }

    /// Runs operations until the task is dropped; idle, it looks for work every `poll` or when
    /// woken. Stopping between two database writes is safe: the lease expires and a runner
    /// resumes the operation.
    pub async fn run(self) {
        tracing::info!(owner = %self.owner, "operations runner started");
        loop {
            match self.run_once(Utc::now()).await {
                Ok(Some(_)) => continue,
                Ok(None) => {
                    let _ = tokio::time::timeout(self.poll, self.wake.notified()).await;
                }
                Err(error) => {
                    tracing::warn!(%error, "operations runner: database error");
                    tokio::time::sleep(self.poll).await;
                }
            }
        }
    }

    /// Claims one runnable operation and moves it on as far as it can go at `now`; returns its id,
    /// or `None` when nothing was runnable.
    pub async fn run_once(&self, now: DateTime<Utc>) -> Result<Option<OperationId>, sqlx::Error> {
        // The same moment on both clocks: steps are stamped `now` plus the time since, so the
        // claim's own database work does not make them lag the time they happened at (pages
        // compare these stamps with the times the provider was read at).
        let began = std::time::Instant::now();
        let now = self.stamped.lock().map_or(now, |stamped| now.max(*stamped));
        let Some(op) = store::claim(&self.db, &self.owner, now, after(now, self.lease)).await? else {
            return Ok(None);
        };
        self.changed.notify_waiters();
        let Some(project) = self.projects.get(&op.project_id).cloned() else {
            let message = format!("project `{}` is no longer configured", op.project_id);
            store::finish(
                &self.db,
                &op.id,
                OperationState::Failed,
                Some(("Console::Invalid", &message, None)),
                now,
            )
            .await?;
            return Ok(Some(op.id));
        };
        let log = store::steps(&self.db, &op.id).await?;
        let mut ctx = StepContext {
            db: &self.db,
            client: &project.client,
            service: &project.service_name,
            op: &op,
            log,
            now,
            began,
        };
        let result = tokio::select! {
            result = steps::run(&mut ctx) => result,
            () = self.keep_lease(&op.id) => {
                tracing::warn!(operation = %op.id.as_str(), "lease lost to another runner; leaving the operation to it");
                return Ok(Some(op.id));
            }
        };
        let ended = ctx.clock();
        let took = began.elapsed();
        if took > SLOW_PASS {
            let step = ctx.log.iter().max_by_key(|s| s.seq).map_or("", |s| s.name.as_str());
            tracing::warn!(operation = %op.id.as_str(), kind = %op.kind, step, ?took,
                "a pass over an operation took long: the provider, the cluster or the database answered slowly");
        }
        if let Ok(mut stamped) = self.stamped.lock() {
            *stamped = (*stamped).max(ended);
        }
        let ended_as = self.conclude(&op, result, ended).await?;
        if let (Some(state), Some(metrics)) = (ended_as, &self.metrics) {
            let took = (ended - op.created_at).to_std().unwrap_or_default();
            metrics.operation_finished(&op.kind, state, took);
        }
        self.changed.notify_waiters();
        Ok(Some(op.id))
    }

    /// Renews the lease while the steps run; returns only when it could not be renewed.
    async fn keep_lease(&self, id: &OperationId) {
        loop {
            tokio::time::sleep(self.lease / 3).await;
            match store::renew(&self.db, id, &self.owner, after(Utc::now(), self.lease)).await {
                Ok(true) => {}
                Ok(false) => return,
                Err(error) => tracing::warn!(%error, "could not renew a lease"),
            }
        }
    }

    /// Records the pass's result; returns the state the operation ended in, if it ended.
    async fn conclude(
        &self,
        op: &store::Claimed,
        result: Result<Outcome, StepError>,
        now: DateTime<Utc>,
    ) -> Result<Option<OperationState>, sqlx::Error> {
        let fail = |class: String, message: String, query_id: Option<String>| async move {
            store::finish(
                &self.db,
                &op.id,
                OperationState::Failed,
                Some((&class, &message, query_id.as_deref())),
                now,
            )
            .await
            .map(|()| Some(OperationState::Failed))
        };
        let wait = |retry: bool, delay: Duration| async move {
            store::defer(&self.db, &op.id, after(now, delay), retry, now).await.map(|()| None)
        };
        match result {
            Ok(Outcome::Done) => store::finish(&self.db, &op.id, OperationState::Succeeded, None, now)
                .await
                .map(|()| Some(OperationState::Succeeded)),
            Ok(Outcome::Wait) => wait(false, self.poll).await,
            Err(StepError::Db(e)) => Err(e),
            // The provider is busy with the cluster (an operation it started itself): wait.
            Err(StepError::Provider(error)) if error.status() == Some(409) => wait(false, self.poll).await,
            Err(StepError::Provider(error)) if error.is_retryable() && op.attempts < MAX_ATTEMPTS => {
                let backoff = self.poll.saturating_mul(1 << op.attempts.clamp(0, 6));
                let jitter = backoff.mul_f64((uuid::Uuid::new_v4().as_u128() % 500) as f64 / 1000.0);
                tracing::debug!(operation = %op.id.as_str(), %error, attempt = op.attempts, "will try again");
                wait(true, backoff + jitter).await
            }
            Err(StepError::Provider(error)) => {
                let body = error.body();
                let class = body
                    .and_then(|b| b.class.clone().or(b.error_code.clone()))
                    .unwrap_or_else(|| "Transport".into());
                tracing::warn!(operation = %op.id.as_str(), %error, "operation failed at the provider");
                fail(class, error.user_message(), error.query_id().map(str::to_string)).await
            }
            Err(StepError::Cluster(error)) if error.is_retryable() && op.attempts < MAX_ATTEMPTS => {
                let backoff = self.poll.saturating_mul(1 << op.attempts.clamp(0, 6));
                tracing::debug!(operation = %op.id.as_str(), %error, attempt = op.attempts, "will try again");
                wait(true, backoff).await
            }
            Err(StepError::Cluster(error)) => {
                tracing::warn!(operation = %op.id.as_str(), %error, "operation failed at the cluster's API server");
                let message = format!("The cluster's API server refused the change: {error}.");
                fail("Kubernetes".into(), message, None).await
            }
            Err(StepError::Invalid(message)) => fail("Console::Invalid".into(), message, None).await,
        }
    }
}
