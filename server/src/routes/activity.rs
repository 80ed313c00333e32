//! `GET /api/activity.csv` and `GET /api/activity.json`: the Activity page's filtered entries as
//! a download (at most 10,000, newest first).

use app::api::port::Caller;
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use model::access::{ClientAddress, User};
use model::activity::{ActivityFilter, AuditEntry, TargetKind};

use super::download;
use crate::backend::ConsoleBackend;
use crate::state::AppState;

const MOST: i64 = 10_000;

/// What both exports take from the request.
#[derive(axum::extract::FromRequestParts)]
#[from_request(state(AppState))]
pub struct Export {
    state: State<AppState>,
    user: Extension<User>,
    address: Option<Extension<ClientAddress>>,
    filter: Query<ActivityFilter>,
}

pub async fn csv(export: Export) -> Response {
    match entries(export).await {
        Ok(entries) => download("activity.csv", "text/csv; charset=utf-8", to_csv(&entries)),
        Err(response) => response,
    }
}

pub async fn json(export: Export) -> Response {
    match entries(export).await {
        Ok(entries) => {
            let body = serde_json::to_string_pretty(&entries).unwrap_or_else(|_| "[]".into());
            download("activity.json", "application/json", body)
        }
        Err(response) => response,
    }
}

async fn entries(export: Export) -> Result<Vec<AuditEntry>, Response> {
    let Export { state: State(state), user: Extension(user), address, filter: Query(filter) } = export;
    let caller = Caller { user, address: address.map(|Extension(a)| a.0) };
    let backend = ConsoleBackend { services: state.services.clone(), db: state.db.clone() };
    let found = backend.audit(&caller, &filter, MOST, 0).await;
    found.map(|(entries, _)| entries).map_err(IntoResponse::into_response)
}

/// RFC 4180: every field quoted, quotes doubled, formulas defused.
fn to_csv(entries: &[AuditEntry]) -> String {
    let mut out = String::from(
        "occurred_at,project_id,actor,actor_address,action,target_kind,target_id,target_name,outcome,operation_id\r\n",
    );
    for e in entries {
        let action = e.action.to_string();
        let fields = [
            Some(e.occurred_at.as_str()),
            e.project_id.as_deref(),
            Some(e.actor.as_str()),
            e.actor_address.as_deref(),
            Some(action.as_str()),
            e.target_kind.as_ref().map(TargetKind::as_wire),
            e.target_id.as_deref(),
            e.target_name.as_deref(),
            Some(e.outcome.as_str()),
            e.operation_id.as_deref(),
        ];
        out.push_str(&model::csv::line(&fields.map(|f| f.unwrap_or(""))));
    }
    out
}

#[cfg(test)]
mod tests {
    use model::activity::{AuditAction, Outcome};

    use super::*;

    #[test]
    fn csv_quotes_every_field() {
        let entry = AuditEntry {
            id: 1,
            occurred_at: "2026-11-27T10:00:00Z".into(),
            project_id: None,
            actor: "al\"ice".into(),
            actor_address: Some("127.0.0.1".into()),
            action: AuditAction::SignIn,
            target_kind: None,
            target_id: None,
            target_name: Some("a, b".into()),
            outcome: Outcome::Failed,
            operation_id: None,
        };
        let text = to_csv(&[entry]);
        assert!(text.lines().nth(1).unwrap().starts_with("\"2026-11-27T10:00:00Z\",\"\",\"al\"\"ice\""));
        assert!(text.contains("\"a, b\""));
    }
}
