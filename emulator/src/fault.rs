//! Fault injection for tests and demonstrations: chosen API calls answer late, or fail with a
//! chosen status some of the time. Set through `PUT /emulator/faults`, cleared by `DELETE`.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::Emulator;
use super::error::EmulatorError;
use provider::api::ApiErrorBody;

/// One rule: which calls it hits and what it does to them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fault {
    /// Calls whose path contains this text (`/nodepool`); every API call when empty.
    #[serde(default)]
    pub path_contains: String,
    /// Only calls with this method (`GET`), when set.
    #[serde(default)]
    pub method: Option<String>,
    /// Share of the matching calls that fail, from 0 to 1.
    #[serde(default = "always")]
    pub rate: f64,
    /// The status the failures answer with (429, 500, 503, …); none to only add latency.
    #[serde(default)]
    pub status: Option<u16>,
    /// Real milliseconds added before answering.
    #[serde(default)]
    pub latency_ms: u64,
}

fn always() -> f64 {
    1.0
}

impl Fault {
    fn matches(&self, method: &str, path: &str) -> bool {
        path.contains(&self.path_contains)
            && self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
    }
}

/// The provider-shaped error a fault (or the rate limit) answers with.
pub(super) fn failure(status: StatusCode) -> EmulatorError {
    let (class, message) = match status.as_u16() {
        429 => ("Client::TooManyRequests", "Too many requests"),
        503 => ("Server::ServiceUnavailable", "Service unavailable"),
        500..=599 => ("Server::InternalServerError", "Internal server error"),
        _ => ("Client::BadRequest", "Injected failure"),
    };
    EmulatorError { status, body: Box::new(ApiErrorBody::class(class, message)) }
}

/// A number from 0 (inclusive) to 1 (exclusive), from the system's random source.
fn chance() -> f64 {
    (uuid::Uuid::new_v4().as_u128() % 1_000_000) as f64 / 1_000_000.0
}

/// Applies the first fault matching an API call.
pub async fn inject(State(emulator): State<Arc<Emulator>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let is_api = path.starts_with("/1.0/") || path.starts_with("/v1/");
    let fault = is_api
        .then(|| emulator.faults().into_iter().find(|f| f.matches(request.method().as_str(), path)))
        .flatten();
    let Some(fault) = fault else { return next.run(request).await };
    if fault.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.latency_ms)).await;
    }
    match fault.status.and_then(|s| StatusCode::from_u16(s).ok()) {
        Some(status) if chance() < fault.rate => failure(status).into_response(),
        _ => next.run(request).await,
    }
}
