//! The operations queue in the database (tables from `migrations/*/0001_operations_and_audit.sql`).

use chrono::{DateTime, Utc};
use model::activity::{AuditAction, TargetKind};
use model::id::OperationId;
use model::operation::{OperationKind, OperationState};
use serde_json::Value;
use sqlx::Row;

use super::params::OperationRequest;
use crate::db::Db;
use crate::on_db;

/// What a user asked for.
#[derive(Clone, Debug)]
pub struct NewOperation {
    pub project_id: String,
    pub request: OperationRequest,
    /// The cluster it changes; operations on the same cluster run one at a time, oldest first.
    pub cluster_id: Option<String>,
    pub target_kind: TargetKind,
    pub target_id: Option<String>,
    pub target_name: Option<String>,
    pub actor: String,
    /// The client's address, for the audit trail.
    pub actor_address: Option<String>,
    /// A repeated submission with the same key returns the first operation.
    pub idempotency_key: Option<String>,
}

/// Why a submission was not recorded.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// The idempotency key already made an operation of another kind or on another target.
    #[error("the idempotency key was already used for another change")]
    KeyReused,
    /// The request's parameters do not serialise.
    #[error("the request cannot be stored: {0}")]
    Unstorable(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Records `new` (or finds the operation its idempotency key already made, when that is the
/// same change) and its audit event, in one transaction; returns the operation's id and whether
/// it is new.
pub async fn submit(
    db: &Db,
    new: &NewOperation,
    now: DateTime<Utc>,
) -> Result<(OperationId, bool), SubmitError> {
    if let Some(key) = &new.idempotency_key
        && let Some(found) = find_by_key(db, &new.project_id, &new.actor, key).await?
    {
        return found.answers(new).then_some((found.id, false)).ok_or(SubmitError::KeyReused);
    }
    let id = uuid::Uuid::new_v4().to_string();
    let kind = new.request.kind();
    let parameters = new.request.parameters().map_err(|e| SubmitError::Unstorable(e.to_string()))?;
    const INSERT: &str = "INSERT INTO operations (id, project_id, kind, cluster_id, target_kind, target_id, \
        target_name, parameters, actor, idempotency_key, state, next_attempt_at, created_at, updated_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'pending', $11, $11, $11)";
    const AUDIT: &str = "INSERT INTO audit_events (occurred_at, project_id, actor, actor_address, action, \
        target_kind, target_id, target_name, outcome, operation_id) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'requested', $9)";
    let inserted = on_db!(db, pool => {
        let mut tx = pool.begin().await?;
        let insert = sqlx::query(INSERT)
            .bind(&id).bind(&new.project_id).bind(kind.as_str()).bind(&new.cluster_id).bind(new.target_kind.as_wire())
            .bind(&new.target_id).bind(&new.target_name).bind(parameters.to_string()).bind(&new.actor)
            .bind(&new.idempotency_key).bind(now)
            .execute(&mut *tx).await;
        match insert {
            Ok(_) => {
                sqlx::query(AUDIT)
                    .bind(now).bind(&new.project_id).bind(&new.actor).bind(&new.actor_address)
                    .bind(AuditAction::Operation(kind).to_string()).bind(new.target_kind.as_wire()).bind(&new.target_id)
                    .bind(&new.target_name).bind(&id)
                    .execute(&mut *tx).await?;
                tx.commit().await?;
                Ok(true)
            }
            // The same key submitted at the same moment by another request: that one won.
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(false),
            Err(e) => Err(e),
        }
    })?;
    if inserted {
        return Ok((OperationId::new(id), true));
    }
    let key = new.idempotency_key.as_deref().unwrap_or_default();
    let found = find_by_key(db, &new.project_id, &new.actor, key).await?.ok_or(sqlx::Error::RowNotFound)?;
    found.answers(new).then_some((found.id, false)).ok_or(SubmitError::KeyReused)
}

/// An operation found by its idempotency key: what it does, to what.
#[derive(Debug)]
pub struct Keyed {
    pub id: OperationId,
    pub kind: String,
    pub cluster_id: Option<String>,
    pub target_id: Option<String>,
}

impl Keyed {
    /// Whether this operation is the one `new` asks for again: the same kind, on the cluster and
    /// target `new` names (a creation names none; the runner fills them in later).
    pub fn answers(&self, new: &NewOperation) -> bool {
        let same = |named: &Option<String>, kept: &Option<String>| named.is_none() || named == kept;
        self.kind == new.request.kind().as_str()
            && same(&new.cluster_id, &self.cluster_id)
            && same(&new.target_id, &self.target_id)
    }
}

/// The operation `actor` submitted in `project` with idempotency key `key`, if any.
pub async fn find_by_key(
    db: &Db,
    project_id: &str,
    actor: &str,
    key: &str,
) -> Result<Option<Keyed>, sqlx::Error> {
    const EXISTING: &str = "SELECT id, kind, cluster_id, target_id FROM operations \
        WHERE project_id = $1 AND actor = $2 AND idempotency_key = $3";
    let found: Option<(String, String, Option<String>, Option<String>)> = on_db!(db, pool => sqlx::query_as(EXISTING)
        .bind(project_id).bind(actor).bind(key).fetch_optional(pool).await)?;
    Ok(found.map(|(id, kind, cluster_id, target_id)| Keyed {
        id: OperationId::new(id),
        kind,
        cluster_id,
        target_id,
    }))
}

/// How many operations on `cluster_id` have ended (succeeded, failed or were cancelled). Changes
/// that may be asked again after a failure put it in their idempotency key: a double click
/// before the first one ends is the same request, asking again after it failed is a new one.
/// A count, unlike a time, does not depend on the clocks of the replicas that ended them.
pub async fn ended_count(db: &Db, project_id: &str, cluster_id: &str) -> Result<i64, sqlx::Error> {
    const ENDED: &str = "SELECT COUNT(*) FROM operations WHERE project_id = $1 AND cluster_id = $2 \
        AND state IN ('succeeded', 'failed', 'cancelled')";
    on_db!(db, pool => sqlx::query_scalar(ENDED).bind(project_id).bind(cluster_id).fetch_one(pool).await)
}

/// How many operations failed per cluster of `project_id` since `since`.
pub async fn failed_since(
    db: &Db,
    project_id: &str,
    since: DateTime<Utc>,
) -> Result<std::collections::HashMap<String, u32>, sqlx::Error> {
    const FAILED: &str = "SELECT cluster_id, COUNT(*) FROM operations WHERE project_id = $1 \
        AND state = 'failed' AND finished_at >= $2 AND cluster_id IS NOT NULL GROUP BY cluster_id";
    let rows: Vec<(String, i64)> =
        on_db!(db, pool => sqlx::query_as(FAILED).bind(project_id).bind(since).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(|(cluster, count)| (cluster, u32::try_from(count).unwrap_or(u32::MAX))).collect())
}

/// An operation that ended, as notifications tell of it.
#[derive(Clone, Debug)]
pub struct Ended {
    pub id: String,
    pub project_id: String,
    pub kind: String,
    pub cluster_id: Option<String>,
    pub target_name: Option<String>,
    pub succeeded: bool,
    pub error_message: Option<String>,
    pub actor: String,
    pub finished_at: DateTime<Utc>,
}

/// Operations that succeeded or failed since `since`, oldest first.
pub async fn ended_since(db: &Db, since: DateTime<Utc>) -> Result<Vec<Ended>, sqlx::Error> {
    const ENDED: &str = "SELECT id, project_id, kind, cluster_id, target_name, state, error_message, actor, \
        finished_at FROM operations WHERE state IN ('succeeded', 'failed') AND finished_at >= $1 \
        ORDER BY finished_at, id";
    on_db!(db, pool => sqlx::query(ENDED).bind(since).fetch_all(pool).await.map(|rows| rows
        .into_iter()
        .map(|r| Ended {
            id: r.get(0),
            project_id: r.get(1),
            kind: r.get(2),
            cluster_id: r.get(3),
            target_name: r.get(4),
            succeeded: r.get::<String, _>(5) == "succeeded",
            error_message: r.get(6),
            actor: r.get(7),
            finished_at: r.get(8),
        })
        .collect()))
}

/// Whether an unfinished operation of `kind` in `project` (on `cluster_id`, when given) is
/// creating something named `name`: the name is taken even before the provider has it.
pub async fn creating(
    db: &Db,
    project_id: &str,
    kind: OperationKind,
    cluster_id: Option<&str>,
    name: &str,
) -> Result<bool, sqlx::Error> {
    const CREATING: &str = "SELECT COUNT(*) FROM operations WHERE project_id = $1 AND kind = $2 \
        AND state IN ('pending', 'running') AND target_name = $3 AND ($4 IS NULL OR cluster_id = $4)";
    let kind = kind.as_str();
    let count: i64 = on_db!(db, pool => sqlx::query_scalar(CREATING)
        .bind(project_id).bind(kind).bind(name).bind(cluster_id).fetch_one(pool).await)?;
    Ok(count > 0)
}

/// Operations not yet finished: how many wait, how many run, and when the oldest waiting one
/// was submitted.
pub async fn backlog(db: &Db) -> Result<(i64, i64, Option<DateTime<Utc>>), sqlx::Error> {
    const COUNTS: &str = "SELECT \
        COALESCE(SUM(CASE WHEN state = 'pending' THEN 1 ELSE 0 END), 0), \
        COALESCE(SUM(CASE WHEN state = 'running' THEN 1 ELSE 0 END), 0) \
        FROM operations WHERE state IN ('pending', 'running')";
    const OLDEST: &str =
        "SELECT created_at FROM operations WHERE state = 'pending' ORDER BY created_at LIMIT 1";
    on_db!(db, pool => {
        let (pending, running): (i64, i64) = sqlx::query_as(COUNTS).fetch_one(pool).await?;
        let oldest: Option<DateTime<Utc>> = sqlx::query_scalar(OLDEST).fetch_optional(pool).await?;
        Ok((pending, running, oldest))
    })
}

/// The state of an operation.
pub async fn state(db: &Db, id: &OperationId) -> Result<Option<String>, sqlx::Error> {
    const STATE: &str = "SELECT state FROM operations WHERE id = $1";
    on_db!(db, pool => sqlx::query_scalar(STATE).bind(id.as_str()).fetch_optional(pool).await)
}

/// What an operation asked for, or why this version cannot read it.
pub async fn request(
    db: &Db,
    id: &OperationId,
) -> Result<Option<Result<OperationRequest, String>>, sqlx::Error> {
    const REQUEST: &str = "SELECT kind, parameters FROM operations WHERE id = $1";
    let row: Option<(String, String)> =
        on_db!(db, pool => sqlx::query_as(REQUEST).bind(id.as_str()).fetch_optional(pool).await)?;
    Ok(row.map(|(kind, parameters)| {
        OperationRequest::from_stored(&kind, serde_json::from_str(&parameters).unwrap_or(Value::Null))
    }))
}

/// The error recorded on a failed operation: class, message, query id.
pub async fn error(
    db: &Db,
    id: &OperationId,
) -> Result<(Option<String>, Option<String>, Option<String>), sqlx::Error> {
    const ERROR: &str = "SELECT error_class, error_message, error_query_id FROM operations WHERE id = $1";
    on_db!(db, pool => sqlx::query(ERROR).bind(id.as_str()).fetch_one(pool).await
        .map(|r| (r.get(0), r.get(1), r.get(2))))
}

/// What a cancellation request came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cancelled {
    /// Stopped before anything was sent to the provider.
    Yes,
    /// The provider already has the request and cannot take it back.
    TooLate,
    /// It had already ended.
    AlreadyFinished,
    NotFound,
}

/// Cancels an operation that has not yet reached the provider (the provider has no way to stop
/// one it has received): pending, with no step recorded. Audited with the cancelling actor.
pub async fn cancel(
    db: &Db,
    id: &OperationId,
    actor: &str,
    actor_address: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Cancelled, sqlx::Error> {
    const CANCEL: &str = "UPDATE operations SET state = 'cancelled', finished_at = $1, updated_at = $1, \
        cancel_requested = $3 WHERE id = $2 AND state = 'pending' \
        AND NOT EXISTS (SELECT 1 FROM operation_steps WHERE operation_id = $2)";
    const AUDIT: &str = "INSERT INTO audit_events (occurred_at, project_id, actor, actor_address, action, target_kind, \
        target_id, target_name, outcome, operation_id) SELECT $1, project_id, $2, $3, 'operation.cancel', \
        target_kind, target_id, target_name, 'succeeded', id FROM operations WHERE id = $4";
    let done = on_db!(db, pool => {
        let mut tx = pool.begin().await?;
        let changed = sqlx::query(CANCEL).bind(now).bind(id.as_str()).bind(true).execute(&mut *tx).await?.rows_affected();
        if changed == 1 {
            sqlx::query(AUDIT).bind(now).bind(actor).bind(actor_address).bind(id.as_str())
                .execute(&mut *tx).await?;
        }
        tx.commit().await.map(|_| changed == 1)
    })?;
    if done {
        return Ok(Cancelled::Yes);
    }
    Ok(match state(db, id).await?.as_deref().and_then(OperationState::from_stored) {
        None => Cancelled::NotFound,
        Some(state) if state.is_finished() => Cancelled::AlreadyFinished,
        Some(_) => Cancelled::TooLate,
    })
}

pub use super::claims::{Claimed, Step, claim, defer, finish, record_step, renew, set_target, steps, target};
pub use super::views::{changed_in, changed_since, network_operations, recent, view};
