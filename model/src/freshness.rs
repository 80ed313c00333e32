//! How fresh what a page shows is: pages render the console's copy of the provider's state (the
//! catalog), so they say when it was last read and whether the provider has stopped answering.

use serde::{Deserialize, Serialize};

/// After this long without an answer, a page warns that what it shows may be out of date.
pub const STALE_AFTER_SECONDS: i64 = 30;

fn stale_after_default() -> i64 {
    STALE_AFTER_SECONDS
}

/// When the data on a page was read from the provider; times in Unix seconds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Freshness {
    /// The last successful read; `None` before the first.
    pub read_at: Option<i64>,
    /// Since when every read has failed; `None` while the provider answers.
    pub failing_since: Option<i64>,
    /// The last failure, in words safe to show.
    pub problem: Option<String>,
    /// Seconds of failure before pages warn ([`STALE_AFTER_SECONDS`] unless configured).
    #[serde(default = "stale_after_default")]
    pub stale_after: i64,
}

impl Default for Freshness {
    fn default() -> Self {
        Self { read_at: None, failing_since: None, problem: None, stale_after: STALE_AFTER_SECONDS }
    }
}

impl Freshness {
    /// "Updated 4 s ago", "Updated 3 min ago", "Not read from the provider yet".
    pub fn describe(&self, now: i64) -> String {
        match self.read_at {
            None => "Not read from the provider yet".into(),
            Some(at) => format!("Updated {}", ago(now.saturating_sub(at))),
        }
    }

    /// Whether the provider has not answered for [`Self::stale_after`] seconds: pages show their
    /// last copy with a warning.
    pub fn is_stale(&self, now: i64) -> bool {
        self.failing_since.is_some_and(|since| now.saturating_sub(since) >= self.stale_after)
    }

    /// The warning a stale page shows.
    pub fn banner(&self, now: i64) -> Option<String> {
        if !self.is_stale(now) {
            return None;
        }
        let shown = match self.read_at {
            Some(at) => format!("This is what it said {}.", ago(now.saturating_sub(at))),
            None => "Nothing could be read yet.".into(),
        };
        Some(format!("The cloud provider is not answering. {shown} The console keeps trying."))
    }
}

/// "just now", "4 s ago", "3 min ago", "2 h ago", "5 days ago".
fn ago(seconds: i64) -> String {
    match seconds {
        ..=1 => "just now".into(),
        2..=59 => format!("{seconds} s ago"),
        60..=3599 => format!("{} min ago", seconds / 60),
        3600..=86_399 => format!("{} h ago", seconds / 3600),
        _ => format!("{} days ago", seconds / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_how_long_ago_in_the_largest_whole_unit() {
        let read = |at| Freshness { read_at: Some(at), ..Freshness::default() };
        assert_eq!(read(100).describe(100), "Updated just now");
        assert_eq!(read(100).describe(104), "Updated 4 s ago");
        assert_eq!(read(100).describe(100 + 180), "Updated 3 min ago");
        assert_eq!(read(0).describe(7300), "Updated 2 h ago");
        assert_eq!(read(0).describe(3 * 86_400), "Updated 3 days ago");
        assert_eq!(Freshness::default().describe(5), "Not read from the provider yet");
    }

    #[test]
    fn warns_only_once_the_provider_has_failed_for_a_while() {
        let mut freshness =
            Freshness { read_at: Some(1000), failing_since: Some(1010), ..Freshness::default() };
        assert!(!freshness.is_stale(1010 + STALE_AFTER_SECONDS - 1));
        assert_eq!(freshness.banner(1039), None);
        let banner = freshness.banner(1000 + 120).unwrap();
        assert!(banner.contains("not answering") && banner.contains("2 min ago"), "{banner}");
        freshness.failing_since = None;
        assert!(!freshness.is_stale(100_000));
    }
}
