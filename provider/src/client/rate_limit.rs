//! A token bucket: at most `rate` calls per second on average, `burst` at once.

use std::time::{Duration, Instant};

use tokio::sync::Mutex;

/// Limits how fast the client calls the provider (provider-api.md §2.3: the provider asks for
/// fair use; about one call per second per consumer key is safe).
#[derive(Debug)]
pub struct TokenBucket {
    rate: f64,
    burst: f64,
    state: Mutex<(f64, Instant)>,
}

impl TokenBucket {
    /// A full bucket; `rate` ≤ 0 means no limit.
    pub fn new(rate: f64, burst: u32) -> Self {
        let burst = f64::from(burst.max(1));
        Self { rate, burst, state: Mutex::new((burst, Instant::now())) }
    }

    /// Waits until a call may go out, then takes its token; returns how long it waited.
    pub async fn acquire(&self) -> Duration {
        let started = Instant::now();
        if self.rate <= 0.0 {
            return Duration::ZERO;
        }
        loop {
            let wait = {
                let mut state = self.state.lock().await;
                let (tokens, last) = *state;
                let now = Instant::now();
                let tokens = (tokens + now.duration_since(last).as_secs_f64() * self.rate).min(self.burst);
                if tokens >= 1.0 {
                    *state = (tokens - 1.0, now);
                    return started.elapsed();
                }
                *state = (tokens, now);
                Duration::from_secs_f64((1.0 - tokens) / self.rate)
            };
            tokio::time::sleep(wait).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bursts_then_paces() {
        let bucket = TokenBucket::new(20.0, 2);
        let start = Instant::now();
        for _ in 0..4 {
            bucket.acquire().await;
        }
        // Two from the burst, then two at 20/s: about 100 ms.
        let elapsed = start.elapsed();
        assert!(elapsed >= Duration::from_millis(90), "{elapsed:?}");
        assert!(elapsed < Duration::from_millis(500), "{elapsed:?}");
    }

    #[tokio::test]
    async fn no_rate_means_no_wait() {
        let bucket = TokenBucket::new(0.0, 1);
        let start = Instant::now();
        for _ in 0..100 {
            bucket.acquire().await;
        }
        assert!(start.elapsed() < Duration::from_millis(50));
    }
}
