//! Request ids: each request gets one (or keeps the one a load balancer gave it), which every log
//! line of the request carries, the response returns in `X-Request-Id`, and error pages show.
//!
//! The provider's API takes no request id of its clients (provider-api.md documents none); its
//! calls are logged in the request's span with the provider's own `X-Ovh-QueryId`, which links
//! the two.

use axum::body::Body;
use axum::http::{HeaderName, HeaderValue, Request};
use axum::middleware::Next;
use axum::response::Response;

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    static CURRENT: String;
}

/// An id from outside is kept when it is short and plain; anything else is replaced.
fn acceptable(value: &HeaderValue) -> Option<String> {
    let text = value.to_str().ok()?;
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':');
    (!text.is_empty() && text.len() <= 128 && text.chars().all(plain)).then(|| text.to_string())
}

/// Gives the request its id, runs it with the id current, and returns the id in the response.
pub async fn assign(mut request: Request<Body>, next: Next) -> Response {
    let id = request
        .headers()
        .get(&HEADER)
        .and_then(acceptable)
        .unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    let value = HeaderValue::from_str(&id).expect("request ids are visible ASCII");
    request.headers_mut().insert(HEADER, value.clone());
    let mut response = CURRENT.scope(id, next.run(request)).await;
    response.headers_mut().insert(HEADER, value);
    response
}

/// The id of the request this task serves, if any.
pub fn current() -> Option<String> {
    CURRENT.try_with(String::clone).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_ids_are_kept_and_others_replaced() {
        assert_eq!(acceptable(&HeaderValue::from_static("lb-7f3a.2")), Some("lb-7f3a.2".into()));
        assert_eq!(acceptable(&HeaderValue::from_static("a b")), None);
        assert_eq!(acceptable(&HeaderValue::from_static("<script>")), None);
        assert_eq!(acceptable(&HeaderValue::from_str(&"x".repeat(129)).unwrap()), None);
    }
}
