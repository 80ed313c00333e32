//! The emulator's virtual clock: real time scaled by a speed factor, plus explicit jumps that
//! tests make through the admin API. Lifecycle durations are stated at speed 1.0 (the seed's real
//! durations) and pass `speed` times faster.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

/// A clock shared by every request handler.
#[derive(Debug)]
pub struct VirtualClock {
    start_real: Instant,
    start_virtual: DateTime<Utc>,
    speed: f64,
    jumped: Mutex<Duration>,
}

impl VirtualClock {
    /// A clock starting now, running `speed` times faster than real time (0 stops it: only
    /// admin jumps move it).
    pub fn new(speed: f64) -> Self {
        Self {
            start_real: Instant::now(),
            start_virtual: Utc::now(),
            speed: speed.max(0.0),
            jumped: Mutex::new(Duration::ZERO),
        }
    }

    /// The current virtual time.
    pub fn now(&self) -> DateTime<Utc> {
        let elapsed = self.start_real.elapsed().mul_f64(self.speed);
        let jumped = *self.jumped.lock().unwrap_or_else(|e| e.into_inner());
        self.start_virtual + elapsed + jumped
    }

    /// A clock resuming at `virtual_now` (a saved time), running `speed` times faster than real time.
    pub fn starting_at(virtual_now: DateTime<Utc>, speed: f64) -> Self {
        Self { start_virtual: virtual_now, ..Self::new(speed) }
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        *self.jumped.lock().unwrap_or_else(|e| e.into_inner()) += by;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stopped_clock_moves_only_when_advanced() {
        let clock = VirtualClock::new(0.0);
        let before = clock.now();
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(clock.now(), before);
        clock.advance(Duration::from_secs(600));
        assert_eq!((clock.now() - before).num_seconds(), 600);
    }
}
