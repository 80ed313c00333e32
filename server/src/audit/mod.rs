//! The audit trail: who did what, to which target, from where, with which outcome. Operations
//! write their own events with the operation (`operations::store`); this is for the rest
//! (downloads, sign-in and sign-out), and the queries of the Activity page. Every stored text is
//! capped ([`MOST_CHARS`]); events anyone can cause without a role (refused actions, failed
//! sign-ins) go through a [`Throttle`].

pub mod throttle;

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use model::activity::{ActivityFilter, AuditAction, AuditEntry, Outcome, TargetKind};
use sqlx::Row;

use crate::db::Db;
use crate::on_db;
pub use throttle::Throttle;

/// The longest text stored in one field of an event, in characters; longer text is cut and ends
/// with [`CUT`].
pub const MOST_CHARS: usize = 256;
/// Marks a field that was cut.
pub const CUT: &str = "…[cut]";

/// `text` as stored: at most [`MOST_CHARS`] characters, the cut marked.
pub fn capped(text: &str) -> Cow<'_, str> {
    if text.chars().count() <= MOST_CHARS {
        return text.into();
    }
    let kept: String = text.chars().take(MOST_CHARS - CUT.chars().count()).collect();
    format!("{kept}{CUT}").into()
}

fn capped_opt(text: &Option<String>) -> Option<Cow<'_, str>> {
    text.as_deref().map(capped)
}

/// One event. Never holds a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEvent {
    pub project_id: Option<String>,
    pub actor: String,
    pub actor_address: Option<String>,
    pub action: AuditAction,
    pub target_kind: Option<TargetKind>,
    pub target_id: Option<String>,
    pub target_name: Option<String>,
    pub outcome: Outcome,
    pub operation_id: Option<String>,
}

/// Writes `event` at `now`.
pub async fn record(db: &Db, event: &AuditEvent, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    const INSERT: &str = "INSERT INTO audit_events (occurred_at, project_id, actor, actor_address, action, \
        target_kind, target_id, target_name, outcome, operation_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";
    on_db!(db, pool => sqlx::query(INSERT)
        .bind(now).bind(capped_opt(&event.project_id)).bind(capped(&event.actor))
        .bind(capped_opt(&event.actor_address)).bind(capped(&event.action.to_string()).into_owned())
        .bind(event.target_kind.as_ref().map(TargetKind::as_wire)).bind(capped_opt(&event.target_id))
        .bind(capped_opt(&event.target_name)).bind(event.outcome.as_str()).bind(capped_opt(&event.operation_id))
        .execute(pool).await.map(|_| ()))
}

/// Writes `event` if `throttle` lets its client address and actor through; otherwise it is only
/// counted, and the count is written as one `audit.suppressed` event before the next that gets
/// through.
pub async fn record_throttled(
    db: &Db,
    throttle: &Throttle,
    event: &AuditEvent,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut keys = vec![format!("address:{}", event.actor_address.as_deref().unwrap_or("unknown"))];
    if event.actor != UNKNOWN_ACTOR {
        keys.push(format!("user:{}", event.actor));
    }
    match throttle.admit(&keys) {
        None => {
            tracing::debug!(action = %event.action, "audit event left out: too many from this client");
            Ok(())
        }
        Some(left_out) => {
            if left_out > 0 {
                let summary = AuditEvent {
                    action: AuditAction::Suppressed,
                    target_kind: None,
                    target_id: None,
                    target_name: Some(format!(
                        "{left_out} more events like {} from this client were not stored",
                        event.action
                    )),
                    operation_id: None,
                    ..event.clone()
                };
                record(db, &summary, now).await?;
            }
            record(db, event, now).await
        }
    }
}

/// The actor of events whose user is not known (a failed sign-in).
pub const UNKNOWN_ACTOR: &str = "unknown";

/// A value bound to a query built at run time.
enum Bind {
    Text(String),
    Time(DateTime<Utc>),
}

/// Which events a user may see: those of `projects`, and console-wide ones (sign-ins) when
/// `console_wide`.
pub struct Visibility {
    pub projects: Vec<String>,
    pub console_wide: bool,
}

/// Why a filter cannot be used: the field and the message.
#[derive(Debug)]
pub struct BadFilter {
    pub field: &'static str,
    pub message: String,
}

/// `text` as a time: a date (`2026-11-27`, its start, or with `end_of_day` the next day's start)
/// or RFC 3339.
fn parse_time(field: &'static str, text: &str, end_of_day: bool) -> Result<DateTime<Utc>, BadFilter> {
    if let Ok(date) = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        let date = if end_of_day { date.succ_opt().unwrap_or(date) } else { date };
        return Ok(date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc());
    }
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).map_err(|_| BadFilter {
        field,
        message: format!("{text} is not a date: write it like 2026-11-27 or 2026-11-27T14:30:00Z."),
    })
}

/// Events matching `filter` that `visibility` allows, newest first: `limit` from `offset`, and
/// how many match in all.
pub async fn query(
    db: &Db,
    filter: &ActivityFilter,
    visibility: &Visibility,
    limit: i64,
    offset: i64,
) -> Result<Result<(Vec<AuditEntry>, u64), BadFilter>, sqlx::Error> {
    let mut conditions = Vec::new();
    let mut binds = Vec::new();
    let next = |bind: Bind, binds: &mut Vec<Bind>| {
        binds.push(bind);
        format!("${}", binds.len())
    };
    let mut scope: Vec<String> =
        visibility.projects.iter().map(|p| next(Bind::Text(p.clone()), &mut binds)).collect();
    if scope.is_empty() {
        scope.push("NULL".into());
    }
    let wide = if visibility.console_wide { " OR project_id IS NULL" } else { "" };
    conditions.push(format!("(project_id IN ({}){wide})", scope.join(", ")));
    if let Some(actor) = &filter.actor {
        conditions.push(format!("actor = {}", next(Bind::Text(actor.clone()), &mut binds)));
    }
    if let Some(action) = &filter.action {
        conditions.push(format!(
            "action LIKE {}",
            next(Bind::Text(format!("{}%", action.replace('%', ""))), &mut binds)
        ));
    }
    if let Some(cluster) = &filter.cluster {
        let id = next(Bind::Text(cluster.clone()), &mut binds);
        conditions.push(format!(
            "(target_id = {id} OR (target_kind = 'cluster' AND target_name = {id}) \
             OR operation_id IN (SELECT id FROM operations WHERE cluster_id = {id}))"
        ));
    }
    if let Some(since) = &filter.since {
        match parse_time("since", since, false) {
            Ok(time) => conditions.push(format!("occurred_at >= {}", next(Bind::Time(time), &mut binds))),
            Err(bad) => return Ok(Err(bad)),
        }
    }
    if let Some(until) = &filter.until {
        let end_of_day = !until.contains('T');
        match parse_time("until", until, end_of_day) {
            Ok(time) => conditions.push(format!("occurred_at < {}", next(Bind::Time(time), &mut binds))),
            Err(bad) => return Ok(Err(bad)),
        }
    }
    if let Some(outcome) = &filter.outcome {
        conditions.push(format!("outcome = {}", next(Bind::Text(outcome.clone()), &mut binds)));
    }
    let filter_sql = conditions.join(" AND ");
    let count_sql = format!("SELECT COUNT(*) FROM audit_events WHERE {filter_sql}");
    let list_sql = format!(
        "SELECT id, occurred_at, project_id, actor, actor_address, action, target_kind, target_id, target_name, \
         outcome, operation_id FROM audit_events WHERE {filter_sql} ORDER BY occurred_at DESC, id DESC \
         LIMIT {limit} OFFSET {offset}"
    );
    let (total, entries) = on_db!(db, pool => {
        let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
        let mut list = sqlx::query(&list_sql);
        for bind in &binds {
            match bind {
                Bind::Text(text) => {
                    count = count.bind(text.clone());
                    list = list.bind(text.clone());
                }
                Bind::Time(time) => {
                    count = count.bind(*time);
                    list = list.bind(*time);
                }
            }
        }
        let total = count.fetch_one(pool).await?;
        let rows = list.fetch_all(pool).await?;
        let entries: Vec<AuditEntry> = rows.iter().map(|r| AuditEntry {
            id: r.get(0),
            occurred_at: r.get::<DateTime<Utc>, _>(1).to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            project_id: r.get(2),
            actor: r.get(3),
            actor_address: r.get(4),
            action: AuditAction::from_stored(&r.get::<String, _>(5)),
            target_kind: r.get::<Option<String>, _>(6).as_deref().map(TargetKind::from_wire),
            target_id: r.get(7),
            target_name: r.get(8),
            outcome: Outcome::from_stored(&r.get::<String, _>(9)).unwrap_or(Outcome::Failed),
            operation_id: r.get(10),
        }).collect();
        Ok::<_, sqlx::Error>((total, entries))
    })?;
    Ok(Ok((entries, total.max(0) as u64)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_fields_are_cut_and_marked() {
        assert_eq!(capped("alice"), "alice");
        let exact = "x".repeat(MOST_CHARS);
        assert_eq!(capped(&exact), exact);
        let long = "é".repeat(400_000);
        let stored = capped(&long);
        assert_eq!(stored.chars().count(), MOST_CHARS);
        assert!(stored.ends_with(CUT));
    }
}
