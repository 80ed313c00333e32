//! When each Kubernetes minor was released and when it reaches its end of life.
//!
//! Sources: the Kubernetes project's release pages, `https://kubernetes.io/releases/1.NN/`
//! ("End Of Life Date"; 1.30's is the date it reached it), read 2026-12. The provider supports the
//! minors the Kubernetes project maintains and force-upgrades the oldest after notice
//! (provider-api.md §9, D-eol), so the upstream end of life is when a cluster's support ends.
//! Dates are `YYYY-MM-DD` (UTC); days are counted with [`days_from_civil`].

use crate::version::KubeVersion;

/// A minor's dates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Support {
    pub minor: KubeVersion,
    /// The upstream release of `.0`.
    pub released: &'static str,
    /// The upstream end of life: no patches after it.
    pub end_of_life: &'static str,
}

/// Every minor the provider offered since 1.30, oldest first.
pub const CALENDAR: [Support; 6] = [
    Support { minor: KubeVersion::minor(1, 30), released: "2024-04-17", end_of_life: "2025-07-15" },
    Support { minor: KubeVersion::minor(1, 31), released: "2024-08-13", end_of_life: "2025-10-28" },
    Support { minor: KubeVersion::minor(1, 32), released: "2024-12-11", end_of_life: "2026-02-28" },
    Support { minor: KubeVersion::minor(1, 33), released: "2025-04-23", end_of_life: "2026-06-28" },
    Support { minor: KubeVersion::minor(1, 34), released: "2025-08-27", end_of_life: "2026-10-27" },
    Support { minor: KubeVersion::minor(1, 35), released: "2025-12-17", end_of_life: "2027-02-28" },
];

/// A version is "near" its end of life this many days before it.
pub const NEAR_END_OF_LIFE_DAYS: i64 = 90;

/// Where a version stands on `today`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lifecycle {
    Supported,
    /// Ends in `days` (0 = today).
    EndsSoon {
        date: &'static str,
        days: i64,
    },
    /// Ended `days` ago.
    Ended {
        date: &'static str,
        days: i64,
    },
    /// A minor the calendar does not know.
    Unknown,
}

impl Lifecycle {
    /// "End of life on 2027-02-28 (in 89 days)", "End of life since 2025-10-28".
    pub fn describe(&self) -> Option<String> {
        match self {
            Lifecycle::Supported | Lifecycle::Unknown => None,
            Lifecycle::EndsSoon { date, days: 0 } => Some(format!("End of life today ({date})")),
            Lifecycle::EndsSoon { date, days: 1 } => Some(format!("End of life on {date} (tomorrow)")),
            Lifecycle::EndsSoon { date, days } => Some(format!("End of life on {date} (in {days} days)")),
            Lifecycle::Ended { date, .. } => Some(format!("End of life since {date}")),
        }
    }

    /// Whether the version is at or near its end of life.
    pub fn needs_attention(&self) -> bool {
        matches!(self, Lifecycle::EndsSoon { .. } | Lifecycle::Ended { .. })
    }

    /// Days until the end of life (negative once passed), when known.
    pub fn days_left(&self) -> Option<i64> {
        match self {
            Lifecycle::EndsSoon { days, .. } => Some(*days),
            Lifecycle::Ended { days, .. } => Some(-days),
            _ => None,
        }
    }
}

/// The calendar's entry for `version`'s minor.
pub fn support(version: KubeVersion) -> Option<Support> {
    CALENDAR.iter().copied().find(|s| s.minor == version.minor_version())
}

/// Where `version` stands on `today` (`YYYY-MM-DD`), "near" meaning within `near_days`.
pub fn lifecycle(version: KubeVersion, today: &str, near_days: i64) -> Lifecycle {
    let (Some(support), Some(today)) = (support(version), parse_date(today)) else {
        return Lifecycle::Unknown;
    };
    let Some(end) = parse_date(support.end_of_life) else { return Lifecycle::Unknown };
    let days = end - today;
    if days < 0 {
        Lifecycle::Ended { date: support.end_of_life, days: -days }
    } else if days <= near_days {
        Lifecycle::EndsSoon { date: support.end_of_life, days }
    } else {
        Lifecycle::Supported
    }
}

/// `YYYY-MM-DD` (or the date of an RFC 3339 time) as days since 1970-01-01.
pub fn parse_date(text: &str) -> Option<i64> {
    let date = text.get(..10)?;
    let mut parts = date.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    ((1..=12).contains(&month) && (1..=31).contains(&day)).then(|| days_from_civil(year, month, day))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> KubeVersion {
        text.parse().unwrap()
    }

    #[test]
    fn counts_days_like_the_calendar() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(parse_date("2027-02-28").unwrap() - parse_date("2026-12-01").unwrap(), 89);
        assert_eq!(parse_date("2026-12-01T10:00:00Z"), parse_date("2026-12-01"));
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("soon"), None);
    }

    #[test]
    fn a_version_is_supported_then_near_then_past_its_end() {
        assert_eq!(lifecycle(v("1.35.2-1"), "2026-06-01", 90), Lifecycle::Supported);
        let soon = lifecycle(v("1.35"), "2026-12-01", 90);
        assert_eq!(soon, Lifecycle::EndsSoon { date: "2027-02-28", days: 89 });
        assert_eq!(soon.describe().unwrap(), "End of life on 2027-02-28 (in 89 days)");
        let ended = lifecycle(v("1.31.9"), "2026-12-01", 90);
        assert!(ended.needs_attention());
        assert_eq!(ended.describe().unwrap(), "End of life since 2025-10-28");
        assert_eq!(ended.days_left(), Some(-399));
        assert_eq!(lifecycle(v("1.29"), "2026-12-01", 90), Lifecycle::Unknown);
        assert_eq!(
            lifecycle(v("1.35"), "2027-02-28", 90).describe().unwrap(),
            "End of life today (2027-02-28)"
        );
    }

    #[test]
    fn every_offered_minor_has_dates_in_order() {
        for minor in crate::version::OFFERED_MINORS {
            assert!(support(minor).is_some(), "{minor} has no dates");
        }
        for pair in CALENDAR.windows(2) {
            assert!(pair[0].minor < pair[1].minor);
            assert!(parse_date(pair[0].end_of_life) < parse_date(pair[1].end_of_life));
            assert!(parse_date(pair[0].released) < parse_date(pair[1].end_of_life));
        }
    }
}
