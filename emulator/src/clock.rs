//! The emulator's virtual clock: real time scaled by a speed factor, plus explicit jumps that
//! tests make through the admin API. Lifecycle durations are stated at speed 1.0 (the seed's real
//! durations) and pass `speed` times faster.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

/// A clock shared by every request handler.
#[derive(Debug)]
pub struct VirtualClock {
    /// The real instant and virtual time the current speed counts from, and the speed.
    base: Mutex<(Instant, DateTime<Utc>, f64)>,
    jumped: Mutex<Duration>,
}

impl VirtualClock {
    /// A clock starting now, running `speed` times faster than real time (0 stops it: only
    /// admin jumps move it).
    pub fn new(speed: f64) -> Self {
        Self::starting_at(Utc::now(), speed)
    }

    /// The current virtual time.
    pub fn now(&self) -> DateTime<Utc> {
        let (start_real, start_virtual, speed) = *self.base.lock().unwrap_or_else(|e| e.into_inner());
        let jumped = *self.jumped.lock().unwrap_or_else(|e| e.into_inner());
        start_virtual + start_real.elapsed().mul_f64(speed) + jumped
    }

    /// A clock resuming at `virtual_now` (a saved time), running `speed` times faster than real time.
    pub fn starting_at(virtual_now: DateTime<Utc>, speed: f64) -> Self {
        Self {
            base: Mutex::new((Instant::now(), virtual_now, speed.max(0.0))),
            jumped: Mutex::new(Duration::ZERO),
        }
    }

    /// Runs the clock `speed` times faster than real time from now on (0 stops it), so a test
    /// can watch what otherwise passes in an instant.
    pub fn set_speed(&self, speed: f64) {
        let now = self.now() - *self.jumped.lock().unwrap_or_else(|e| e.into_inner());
        *self.base.lock().unwrap_or_else(|e| e.into_inner()) = (Instant::now(), now, speed.max(0.0));
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

    #[test]
    fn a_new_speed_counts_from_the_time_reached() {
        let clock = VirtualClock::new(0.0);
        clock.advance(Duration::from_secs(60));
        let before = clock.now();
        clock.set_speed(1000.0);
        std::thread::sleep(Duration::from_millis(20));
        let moved = (clock.now() - before).num_seconds();
        assert!((10..60).contains(&moved), "{moved}");
        clock.set_speed(0.0);
        let stopped = clock.now();
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(clock.now(), stopped);
    }
}
