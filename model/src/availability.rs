//! Availability commitments and the downtime budget they allow.
//!
//! Source: domain.md "Plans" — compute the budget from the percentage, never copy a number
//! (the seed's "about 43 minutes" for the Free plan matches 99.9 %, not the 99.5 % it states).

use std::fmt;

use serde::{Deserialize, Serialize};

/// An availability percentage, held exactly in hundredths of a percent (99.99 % is 9999).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Availability(u16);

/// The window a downtime budget is measured over.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Period {
    /// A 30-day month, the period service-level commitments are usually stated over.
    Month,
    /// A 365-day year.
    Year,
}

impl Period {
    /// Length of the period in seconds.
    pub const fn seconds(self) -> u64 {
        match self {
            Period::Month => 30 * 24 * 3600,
            Period::Year => 365 * 24 * 3600,
        }
    }

    /// How the period is named next to a figure ("per month").
    pub const fn label(self) -> &'static str {
        match self {
            Period::Month => "per 30-day month",
            Period::Year => "per year",
        }
    }
}

impl Availability {
    /// Builds an availability from hundredths of a percent; `None` above 100 %.
    pub const fn from_basis_points(basis_points: u16) -> Option<Self> {
        if basis_points <= 10_000 { Some(Self(basis_points)) } else { None }
    }

    /// The percentage in hundredths (99.5 % is 9950).
    pub const fn basis_points(self) -> u16 {
        self.0
    }

    /// The longest total downtime the commitment allows over `period`, rounded down to the
    /// millisecond.
    pub const fn downtime_budget(self, period: Period) -> Downtime {
        let unavailable = (10_000 - self.0) as u64;
        Downtime { millis: unavailable * period.seconds() * 1000 / 10_000 }
    }
}

impl fmt::Display for Availability {
    /// "99.99 %", "99.5 %", "100 %": no trailing zeros, a narrow gap before the sign.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, hundredths) = (self.0 / 100, self.0 % 100);
        match hundredths {
            0 => write!(f, "{whole} %"),
            h if h.is_multiple_of(10) => write!(f, "{whole}.{} %", h / 10),
            h => write!(f, "{whole}.{h:02} %"),
        }
    }
}

/// A length of time during which a service may be unavailable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Downtime {
    millis: u64,
}

impl Downtime {
    /// The budget in whole seconds (rounded down).
    pub const fn whole_seconds(self) -> u64 {
        self.millis / 1000
    }
}

impl fmt::Display for Downtime {
    /// The non-zero units among days, hours, minutes and seconds: "3 h 36 min", "4 min 19 s".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self.whole_seconds();
        let units = [
            (total / 86_400, "d"),
            (total % 86_400 / 3600, "h"),
            (total % 3600 / 60, "min"),
            (total % 60, "s"),
        ];
        let mut parts = units.iter().filter(|(n, _)| *n > 0).peekable();
        if parts.peek().is_none() {
            return f.write_str("0 s");
        }
        let text: Vec<String> = parts.map(|(n, unit)| format!("{n} {unit}")).collect();
        f.write_str(&text.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn availability(bp: u16) -> Availability {
        Availability::from_basis_points(bp).unwrap()
    }

    #[test]
    fn monthly_budgets_match_domain_md() {
        assert_eq!(availability(9950).downtime_budget(Period::Month).to_string(), "3 h 36 min");
        assert_eq!(availability(9990).downtime_budget(Period::Month).to_string(), "43 min 12 s");
        assert_eq!(availability(9999).downtime_budget(Period::Month).to_string(), "4 min 19 s");
    }

    #[test]
    fn yearly_budgets_carry_days() {
        assert_eq!(availability(9950).downtime_budget(Period::Year).to_string(), "1 d 19 h 48 min");
        assert_eq!(availability(9999).downtime_budget(Period::Year).to_string(), "52 min 33 s");
    }

    #[test]
    fn full_availability_allows_nothing() {
        assert_eq!(availability(10_000).downtime_budget(Period::Month).to_string(), "0 s");
    }

    #[test]
    fn rejects_more_than_one_hundred_percent() {
        assert_eq!(Availability::from_basis_points(10_001), None);
    }

    #[test]
    fn percent_label_drops_trailing_zeros() {
        assert_eq!(availability(9950).to_string(), "99.5 %");
        assert_eq!(availability(9999).to_string(), "99.99 %");
        assert_eq!(availability(9905).to_string(), "99.05 %");
        assert_eq!(availability(10_000).to_string(), "100 %");
    }

    proptest::proptest! {
        #[test]
        fn higher_availability_never_allows_more_downtime(a in 0u16..=10_000, b in 0u16..=10_000) {
            let (low, high) = (availability(a.min(b)), availability(a.max(b)));
            proptest::prop_assert!(
                high.downtime_budget(Period::Month) <= low.downtime_budget(Period::Month)
            );
        }
    }
}
