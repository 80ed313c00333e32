//! An operation in a runner's hands: claiming it under a lease, renewing the lease, its step
//! log, giving it back to the queue, and ending it (with its audit event).

use chrono::{DateTime, Utc};
use model::id::OperationId;
use model::operation::{OperationState, StepState};
use serde_json::Value;
use sqlx::Row;

use super::params::OperationRequest;
use crate::db::Db;
use crate::on_db;

/// An operation a runner holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Claimed {
    pub id: OperationId,
    /// The console project.
    pub project_id: String,
    /// What it asks for, or why this version cannot read it.
    pub request: Result<OperationRequest, String>,
    pub cluster_id: Option<String>,
    pub attempts: i64,
    /// The stored kind (`create_cluster`, …), as metrics label it.
    pub kind: String,
    pub created_at: DateTime<Utc>,
}

/// One entry of an operation's step log.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub seq: i64,
    pub name: String,
    pub state: StepState,
    pub detail: Option<String>,
    pub started_at: DateTime<Utc>,
}

/// Takes the next runnable operation for `owner` until `lease_until`: pending or with an expired
/// lease, due, and the oldest unfinished one of its cluster.
pub async fn claim(
    db: &Db,
    owner: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<Option<Claimed>, sqlx::Error> {
    const RUNNABLE: &str = "SELECT o.id FROM operations o \
        WHERE (o.state = 'pending' OR (o.state = 'running' AND o.lease_expires_at <= $1)) \
          AND o.next_attempt_at <= $1 \
          AND NOT EXISTS (SELECT 1 FROM operations b WHERE b.cluster_id = o.cluster_id AND b.id <> o.id \
                AND b.state IN ('pending', 'running') AND b.created_at < o.created_at) \
        ORDER BY o.created_at LIMIT 1";
    let claim = |lock: &str| {
        format!(
            "UPDATE operations SET state = 'running', lease_owner = $2, lease_expires_at = $3, \
             attempts = attempts + 1, updated_at = $1 WHERE id = ({RUNNABLE}{lock}) \
             RETURNING id, kind, cluster_id, parameters, attempts, project_id, created_at"
        )
    };
    // SQLite has one writer at a time, so its UPDATE is atomic as it is; on PostgreSQL concurrent
    // runners skip the row another one is claiming instead of waiting for it.
    let sql = match db {
        Db::Sqlite(_) => claim(""),
        Db::Postgres(_) => claim(" FOR UPDATE SKIP LOCKED"),
    };
    let row = on_db!(db, pool => sqlx::query(&sql).bind(now).bind(owner).bind(lease_until).fetch_optional(pool).await
    .map(|row| row.map(|r| (
        r.get::<String, _>(0),
        r.get::<String, _>(1),
        r.get::<Option<String>, _>(2),
        r.get::<String, _>(3),
        i64::from(r.get::<i32, _>(4)),
        r.get::<String, _>(5),
        r.get::<DateTime<Utc>, _>(6),
    ))))?;
    Ok(row.map(|(id, kind, cluster_id, parameters, attempts, project_id, created_at)| Claimed {
        id: OperationId::new(id),
        project_id,
        request: OperationRequest::from_stored(
            &kind,
            serde_json::from_str(&parameters).unwrap_or(Value::Null),
        ),
        cluster_id,
        attempts,
        kind,
        created_at,
    }))
}

/// Extends the lease `owner` holds; false when another runner has taken the operation over.
pub async fn renew(
    db: &Db,
    id: &OperationId,
    owner: &str,
    lease_until: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    const RENEW: &str = "UPDATE operations SET lease_expires_at = $1 WHERE id = $2 AND lease_owner = $3 AND state = 'running'";
    let renewed = on_db!(db, pool => sqlx::query(RENEW).bind(lease_until).bind(id.as_str()).bind(owner)
        .execute(pool).await.map(|done| done.rows_affected() == 1))?;
    Ok(renewed)
}

/// Appends or updates step `seq` of the log (and marks the operation as changed, for live pages).
pub async fn record_step(
    db: &Db,
    id: &OperationId,
    seq: i64,
    name: &str,
    state: StepState,
    detail: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const UPSERT: &str = "INSERT INTO operation_steps (operation_id, seq, name, state, detail, started_at, finished_at) \
        VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $4 = 'running' THEN NULL ELSE $6 END) \
        ON CONFLICT (operation_id, seq) DO UPDATE SET state = excluded.state, detail = excluded.detail, \
        finished_at = excluded.finished_at";
    const TOUCH: &str = "UPDATE operations SET updated_at = $1 WHERE id = $2";
    on_db!(db, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query(UPSERT)
            .bind(id.as_str()).bind(seq as i32).bind(name).bind(state.as_str()).bind(detail).bind(now)
            .execute(&mut *tx).await?;
        sqlx::query(TOUCH).bind(now).bind(id.as_str()).execute(&mut *tx).await?;
        tx.commit().await
    })
}

/// The step log, in order.
pub async fn steps(db: &Db, id: &OperationId) -> Result<Vec<Step>, sqlx::Error> {
    const STEPS: &str = "SELECT seq, name, state, detail, started_at FROM operation_steps WHERE operation_id = $1 ORDER BY seq";
    let rows = on_db!(db, pool => sqlx::query(STEPS).bind(id.as_str()).fetch_all(pool).await.map(|rows| rows
        .into_iter()
        .map(|r| Step {
            seq: r.get::<i32, _>(0) as i64,
            name: r.get(1),
            state: StepState::from_stored(&r.get::<String, _>(2)).unwrap_or(StepState::Failed),
            detail: r.get(3),
            started_at: r.get(4),
        })
        .collect::<Vec<_>>()))?;
    Ok(rows)
}

/// Ends an operation and audits the outcome, in one transaction.
pub async fn finish(
    db: &Db,
    id: &OperationId,
    state: OperationState,
    error: Option<(&str, &str, Option<&str>)>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const FINISH: &str = "UPDATE operations SET state = $1, finished_at = $2, updated_at = $2, lease_owner = NULL, \
        lease_expires_at = NULL, error_class = $3, error_message = $4, error_query_id = $5 WHERE id = $6";
    const AUDIT: &str = "INSERT INTO audit_events (occurred_at, project_id, actor, action, target_kind, target_id, \
        target_name, outcome, operation_id) SELECT $1, project_id, actor, 'operation.' || kind, target_kind, target_id, \
        target_name, $2, id FROM operations WHERE id = $3";
    let outcome = if state == OperationState::Succeeded { "succeeded" } else { "failed" };
    let (class, message, query_id) = error.map_or((None, None, None), |(c, m, q)| (Some(c), Some(m), q));
    on_db!(db, pool => {
        let mut tx = pool.begin().await?;
        sqlx::query(FINISH).bind(state.as_str()).bind(now).bind(class).bind(message).bind(query_id).bind(id.as_str())
            .execute(&mut *tx).await?;
        sqlx::query(AUDIT).bind(now).bind(outcome).bind(id.as_str()).execute(&mut *tx).await?;
        tx.commit().await
    })
}

/// Gives the operation back to the queue until `next_attempt_at`, keeping its place in its
/// cluster's line: after a failed try (`failed`), or to wait for the provider — which counts as
/// progress, so `attempts` (tries since the last progress) starts again from zero.
pub async fn defer(
    db: &Db,
    id: &OperationId,
    next_attempt_at: DateTime<Utc>,
    failed: bool,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const DEFER: &str = "UPDATE operations SET state = 'pending', lease_owner = NULL, lease_expires_at = NULL, \
        next_attempt_at = $1, updated_at = $2, attempts = CASE WHEN $3 THEN attempts ELSE 0 END WHERE id = $4";
    on_db!(db, pool => sqlx::query(DEFER).bind(next_attempt_at).bind(now).bind(failed).bind(id.as_str())
        .execute(pool).await.map(|_| ()))
}

/// Records the provider's id of what the operation created; a created cluster also becomes the
/// cluster the operation holds, so later operations on it queue behind.
pub async fn set_target(db: &Db, id: &OperationId, target_id: &str) -> Result<(), sqlx::Error> {
    const TARGET: &str = "UPDATE operations SET target_id = $1, \
        cluster_id = CASE WHEN target_kind = 'cluster' THEN COALESCE(cluster_id, $1) ELSE cluster_id END WHERE id = $2";
    on_db!(db, pool => sqlx::query(TARGET).bind(target_id).bind(id.as_str()).execute(pool).await.map(|_| ()))
}

/// The provider's id of what the operation targets, once known.
pub async fn target(db: &Db, id: &OperationId) -> Result<Option<String>, sqlx::Error> {
    const TARGET: &str = "SELECT target_id FROM operations WHERE id = $1";
    on_db!(db, pool => sqlx::query_scalar(TARGET).bind(id.as_str()).fetch_one(pool).await)
}
