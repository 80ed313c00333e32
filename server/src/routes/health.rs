//! Liveness (`/healthz`) and readiness (`/readyz`) for load balancers and orchestrators.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::db::Db;

/// The process is up and answering.
pub async fn healthz() -> impl IntoResponse {
    Json(json!({ "status": "ok" }))
}

/// The database answers and its schema is up to date; 503 otherwise, with a reason that names no
/// internals.
pub async fn readyz(State(db): State<Db>) -> Response {
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
