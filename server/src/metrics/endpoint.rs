//! `GET /metrics`: on its own listener (`PILOTHOUSE_METRICS_LISTEN`, for the cluster's network
//! only) or on the console's, where it answers only to `Authorization: Bearer <token>`
//! (`PILOTHOUSE_METRICS_TOKEN`).

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use sha2::{Digest, Sha256};

use super::Reading;
use crate::auth::store::DbSessionStore;
use crate::operations::store;
use crate::state::AppState;

/// The content type of the text exposition format.
const TEXT_FORMAT: &str = "text/plain; version=0.0.4; charset=utf-8";

/// What a scrape reads now; a database that does not answer leaves its figures at zero (the
/// HTTP and operation metrics still tell what happens).
pub async fn read(state: &AppState) -> Reading {
    let mut reading = Reading::default();
    match store::backlog(&state.db).await {
        Ok((pending, running, oldest)) => {
            reading.pending = pending;
            reading.running = running;
            reading.oldest_pending_age = oldest.map(|at| (Utc::now() - at).to_std().unwrap_or_default());
        }
        Err(error) => tracing::warn!(%error, "metrics: could not read the operations"),
    }
    match DbSessionStore::count_live(&state.db).await {
        Ok(count) => reading.sessions = count,
        Err(error) => tracing::warn!(%error, "metrics: could not count the sessions"),
    }
    let now = Utc::now().timestamp();
    for project in state.services.projects.iter() {
        if let Some(catalog) = state.services.catalog.project(&project.id) {
            let freshness = catalog.current().freshness();
            let age = freshness.read_at.map(|at| (now - at).max(0) as f64);
            reading.catalogs.push((project.id.clone(), age, freshness.failing_since.is_some()));
        }
    }
    reading.live_streams = state.live.open_streams();
    let (open, idle, max) = state.db.connections();
    reading.connections_in_use = open.saturating_sub(idle);
    reading.connections_idle = idle;
    reading.connections_max = max;
    reading
}

async fn exposition(state: &AppState) -> Response {
    let text = state.metrics.render(&read(state).await);
    ([(header::CONTENT_TYPE, HeaderValue::from_static(TEXT_FORMAT))], text).into_response()
}

/// The metrics listener's routes: `/metrics` only, unauthenticated.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(|State(state): State<AppState>| async move { exposition(&state).await }))
        .with_state(state)
}

/// `/metrics` on the console's listener: only with the configured bearer token; without one
/// configured, it is not there.
pub async fn with_token(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(expected) = &state.metrics_token else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    // Comparing digests takes the same time wherever the strings differ.
    if Sha256::digest(given.as_bytes()) != Sha256::digest(expected.expose().as_bytes()) {
        let challenge = [(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))];
        return (StatusCode::UNAUTHORIZED, challenge).into_response();
    }
    exposition(&state).await
}
