//! HTTP requests by route template, method and status, with their latency.

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{MatchedPath, State};
use axum::http::Request;
use axum::middleware::Next;
use axum::response::Response;

use super::Metrics;

/// The label of requests no route matched (files of the site, pages not found).
const OTHER: &str = "other";

/// The route's template as matched (`/api/projects/{project}/events`), so labels do not grow
/// with ids; the bundle's files are one route.
fn route_label(request: &Request<Body>) -> String {
    match request.extensions().get::<MatchedPath>() {
        Some(path) => {
            let path = path.as_str();
            // A nested service matches as `/pkg/{*__private__axum_nest_tail_param}`.
            match path.split_once("/{*__private__") {
                Some((prefix, _)) => format!("{prefix}/*"),
                None => path.to_string(),
            }
        }
        None => OTHER.to_string(),
    }
}

/// Counts the request and times it to its response's headers (a stream's lifetime is not its
/// latency).
pub async fn record(State(metrics): State<Arc<Metrics>>, request: Request<Body>, next: Next) -> Response {
    let route = route_label(&request);
    let method = request.method().as_str().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics.http_requests.with_label_values(&[&route, &method, &status]).inc();
    metrics.http_duration.with_label_values(&[&route, &method]).observe(started.elapsed().as_secs_f64());
    response
}
