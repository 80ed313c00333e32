//! A provider-side rate limit, off unless configured: API calls beyond it answer 429 with the
//! provider's error body (`Client::TooManyRequests`), as a rate-limited provider would, so the
//! console's own limiting and retries can be seen working against it.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::Emulator;
use super::fault::failure;

/// A token bucket answering at once: a call is let through or refused, never kept waiting.
#[derive(Debug)]
pub struct Limiter {
    /// Calls per second; 0 is no limit.
    rate: f64,
    state: Mutex<(f64, Instant)>,
}

impl Limiter {
    /// `rate` calls per second, up to a second's worth at once; `rate` ≤ 0 lets everything through.
    pub fn new(rate: f64) -> Self {
        Self { rate, state: Mutex::new((rate.max(1.0), Instant::now())) }
    }

    /// Whether one more call may go through now (and takes its token).
    pub fn admit(&self) -> bool {
        if self.rate <= 0.0 {
            return true;
        }
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (tokens, last) = *state;
        let now = Instant::now();
        let tokens = (tokens + now.duration_since(last).as_secs_f64() * self.rate).min(self.rate.max(1.0));
        let admitted = tokens >= 1.0;
        *state = (if admitted { tokens - 1.0 } else { tokens }, now);
        admitted
    }
}

/// Refuses API calls beyond the limit (`/auth/time` and the admin API are never limited).
pub async fn limit(State(emulator): State<Arc<Emulator>>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let is_api = (path.starts_with("/1.0/") || path.starts_with("/v1/")) && !path.ends_with("/auth/time");
    if is_api && !emulator.limiter.admit() {
        return failure(axum::http::StatusCode::TOO_MANY_REQUESTS).into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seconds_worth_then_the_rate() {
        let limiter = Limiter::new(3.0);
        assert!((0..3).all(|_| limiter.admit()));
        assert!(!limiter.admit());
        std::thread::sleep(std::time::Duration::from_millis(400));
        assert!(limiter.admit(), "a token earned in a third of a second");
        assert!((0..1000).all(|_| Limiter::new(0.0).admit()), "no limit when off");
    }
}
