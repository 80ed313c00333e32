//! Liveness (`/healthz`) and readiness (`/readyz`) for load balancers and orchestrators.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::db::Db;
use crate::shutdown::Draining;

/// The process is up and answering.
pub async fn healthz() -> impl IntoResponse {
    Json(json!({ "status": "ok" }))
}

/// The database answers and its schema is up to date; 503 otherwise, with a reason that names no
/// internals. Also 503 once the server is shutting down, so load balancers send requests
/// elsewhere while the open ones finish.
pub async fn readyz(State(db): State<Db>, State(draining): State<Draining>) -> Response {
    if draining.is_on() {
        let body = json!({ "status": "unavailable", "reason": "the server is shutting down" });
        return (StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response();
    }
    match db.check_ready().await {
        Ok(()) => Json(json!({ "status": "ready" })).into_response(),
        Err(error) => {
            tracing::warn!(error = %error, cause = ?std::error::Error::source(&error), "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "reason": error.to_string() })),
            )
                .into_response()
        }
    }
}

/// `pilothouse probe`: succeeds when `url` answers with a 2xx status within 5 seconds.
pub async fn probe(url: &str) -> anyhow::Result<()> {
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(5)).build()?;
    let response = client.get(url).send().await.map_err(|e| anyhow::anyhow!("{url}: {e}"))?;
    match response.status().is_success() {
        true => Ok(()),
        false => anyhow::bail!("{url} answered {}", response.status()),
    }
}
