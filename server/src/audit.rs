//! The audit trail: who did what, to which target, from where, with which outcome. Operations
//! write their own events with the operation (`operations::store`); this is for the rest
//! (downloads now; sign-in later).

use chrono::{DateTime, Utc};

use crate::db::Db;
use crate::on_db;

/// One event. Never holds a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEvent {
    pub project_id: Option<String>,
    pub actor: String,
    pub actor_address: Option<String>,
    /// `kubeconfig.download`, `session.sign_in`, …
    pub action: String,
    pub target_kind: Option<String>,
    pub target_id: Option<String>,
    pub target_name: Option<String>,
    /// `succeeded`, `failed` or `denied`.
    pub outcome: &'static str,
    pub operation_id: Option<String>,
}

/// Writes `event` at `now`.
pub async fn record(db: &Db, event: &AuditEvent, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    const INSERT: &str = "INSERT INTO audit_events (occurred_at, project_id, actor, actor_address, action, \
        target_kind, target_id, target_name, outcome, operation_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
    on_db!(db, pool => sqlx::query(INSERT)
        .bind(now).bind(&event.project_id).bind(&event.actor).bind(&event.actor_address).bind(&event.action)
        .bind(&event.target_kind).bind(&event.target_id).bind(&event.target_name).bind(event.outcome)
        .bind(&event.operation_id)
        .execute(pool).await.map(|_| ()))
}
