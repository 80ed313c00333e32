//! Keeps the audit trail from being flooded: refused actions and failed sign-ins are stored only
//! while their client address and their user stay within a token bucket each; the excess is
//! counted and stored as one summary row when the next event gets through.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Events stored at once before the rate applies.
const BURST: f64 = 20.0;
/// Events stored per minute and key after a burst.
const PER_MINUTE: f64 = 10.0;
/// Keys kept at most; an idle full bucket is forgotten first.
const MOST_KEYS: usize = 10_000;

/// One token bucket per key (`address:…`, `user:…`).
#[derive(Debug)]
pub struct Throttle {
    buckets: Mutex<HashMap<String, Bucket>>,
    burst: f64,
    per_second: f64,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
    /// Events left out since the last one stored.
    suppressed: u64,
}

impl Default for Throttle {
    fn default() -> Self {
        Self::new(BURST, PER_MINUTE)
    }
}

impl Throttle {
    /// `burst` events at once, then `per_minute`.
    pub fn new(burst: f64, per_minute: f64) -> Self {
        Self { buckets: Mutex::default(), burst, per_second: per_minute / 60.0 }
    }

    /// Whether an event of all `keys` may be stored now: `Some(n)` with the number left out for
    /// these keys since the last one stored, or `None` (then it is counted as left out).
    pub fn admit(&self, keys: &[String]) -> Option<u64> {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() > MOST_KEYS {
            let full = Duration::from_secs_f64(self.burst / self.per_second.max(f64::EPSILON));
            buckets.retain(|_, b| now.duration_since(b.at) < full);
        }
        let mut allowed = true;
        for key in keys {
            let bucket =
                buckets.entry(key.clone()).or_insert(Bucket { tokens: self.burst, at: now, suppressed: 0 });
            let earned = now.duration_since(bucket.at).as_secs_f64() * self.per_second;
            bucket.tokens = (bucket.tokens + earned).min(self.burst);
            bucket.at = now;
            allowed &= bucket.tokens >= 1.0;
        }
        let mut left_out = 0;
        for key in keys {
            let Some(bucket) = buckets.get_mut(key) else { continue };
            if allowed {
                bucket.tokens -= 1.0;
                left_out = left_out.max(std::mem::take(&mut bucket.suppressed));
            } else {
                bucket.suppressed += 1;
            }
        }
        allowed.then_some(left_out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_stored_then_the_excess_is_counted() {
        let throttle = Throttle::new(3.0, 0.0);
        let keys = ["address:203.0.113.9".to_string()];
        assert_eq!(throttle.admit(&keys), Some(0));
        assert_eq!(throttle.admit(&keys), Some(0));
        assert_eq!(throttle.admit(&keys), Some(0));
        assert_eq!(throttle.admit(&keys), None);
        assert_eq!(throttle.admit(&keys), None);
        assert_eq!(throttle.admit(&["address:198.51.100.1".to_string()]), Some(0), "another address");
    }

    #[test]
    fn the_count_of_left_out_events_comes_with_the_next_stored_one() {
        let throttle = Throttle::new(1.0, 6000.0);
        let keys = ["user:mallory".to_string(), "address:203.0.113.9".to_string()];
        assert_eq!(throttle.admit(&keys), Some(0));
        assert_eq!(throttle.admit(&keys), None);
        std::thread::sleep(Duration::from_millis(20));
        assert_eq!(throttle.admit(&keys), Some(1));
    }

    #[test]
    fn either_key_out_of_tokens_holds_the_event_back() {
        let throttle = Throttle::new(1.0, 0.0);
        assert_eq!(throttle.admit(&["user:mallory".to_string()]), Some(0));
        let both = ["user:mallory".to_string(), "address:203.0.113.9".to_string()];
        assert_eq!(throttle.admit(&both), None, "the user's bucket is empty");
    }
}
