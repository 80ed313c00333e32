//! Logging: readable lines by default, JSON on request, filtered by `PILOTHOUSE_LOG`.

use axum::http::Request;
use tracing::Span;
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

/// Installs the global subscriber.
pub fn init(format: LogFormat, filter: &str) -> anyhow::Result<()> {
    let filter = EnvFilter::try_new(filter).map_err(|e| anyhow::anyhow!("PILOTHOUSE_LOG: {e}"))?;
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let result = match format {
        LogFormat::Human => builder.try_init(),
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
    };
    result.map_err(|e| anyhow::anyhow!("installing the logger: {e}"))
}

/// The span of one request: its id, method and path only. The query string and other headers
/// stay out of the logs, as they can carry authorisation codes, tokens and cookies.
pub fn request_span<B>(request: &Request<B>) -> Span {
    let request_id =
        request.headers().get(crate::request_id::HEADER).and_then(|v| v.to_str().ok()).unwrap_or("-");
    tracing::info_span!("request", request_id, method = %request.method(), path = %request.uri().path())
}
