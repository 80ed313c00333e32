//! What a cluster costs: hourly and monthly, as a range when pools autoscale.
//!
//! Prices come from a [`PriceList`]: from configuration or the provider in production. The
//! [`example_prices`] list is made-up example data and says so (`is_example`), so every screen that
//! shows a figure from it can label it.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::node_pool::NodePoolSpec;

/// Hours in a billing month, as cloud providers count them (365 × 24 / 12).
pub const HOURS_PER_MONTH: u32 = 730;

/// An amount of money in ten-thousandths of the currency unit (prices like 0.1023 per hour).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct Money(i64);

impl Money {
    /// From ten-thousandths of the unit.
    pub const fn from_ten_thousandths(value: i64) -> Self {
        Self(value)
    }

    const fn times(self, n: i64) -> Self {
        Self(self.0 * n)
    }
}

impl fmt::Display for Money {
    /// Two decimals, rounded half up: "73.42".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cents = (self.0 + 50).div_euclid(100);
        write!(f, "{}.{:02}", cents.div_euclid(100), cents.rem_euclid(100))
    }
}

/// The price of one flavor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlavorPrice {
    /// Per node and hour.
    pub hourly: Money,
    /// Per node and month, for flavors that offer monthly billing.
    pub monthly: Option<Money>,
}

/// Prices per flavor, in one currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PriceList {
    /// ISO 4217 code ("EUR").
    pub currency: String,
    /// Whether these are made-up figures to show how estimates work.
    pub is_example: bool,
    /// The provider's price book they come from (`FR`), when read from its catalog.
    #[serde(default)]
    pub subsidiary: Option<String>,
    pub flavors: BTreeMap<String, FlavorPrice>,
}

impl FlavorPrice {
    /// A month of hourly billing.
    pub fn hourly_month(&self) -> Money {
        self.hourly.times(i64::from(HOURS_PER_MONTH))
    }

    /// What monthly billing saves over a month of hourly billing, in whole percent, when it
    /// saves anything.
    pub fn monthly_saving_percent(&self) -> Option<u32> {
        let by_hour = self.hourly_month().0;
        let monthly = self.monthly?.0;
        (monthly < by_hour && by_hour > 0).then(|| ((by_hour - monthly) * 100 / by_hour) as u32)
    }
}

impl PriceList {
    /// Where the figures come from, for a label beside them.
    pub fn origin(&self) -> String {
        match (&self.subsidiary, self.is_example) {
            (_, true) => "Example prices, not the provider's: check its price list.".to_string(),
            (Some(book), false) => {
                format!("The provider's {book} price list, in {}, without tax.", self.currency)
            }
            (None, false) => format!("Configured prices, in {}.", self.currency),
        }
    }

    /// The cost of several estimates together.
    pub fn total<'a>(estimates: impl IntoIterator<Item = &'a CostEstimate>) -> CostEstimate {
        let mut total = CostEstimate::default();
        for estimate in estimates {
            total.hourly.low.0 += estimate.hourly.low.0;
            total.hourly.high.0 += estimate.hourly.high.0;
            total.monthly.low.0 += estimate.monthly.low.0;
            total.monthly.high.0 += estimate.monthly.high.0;
            for flavor in &estimate.unpriced_flavors {
                if !total.unpriced_flavors.contains(flavor) {
                    total.unpriced_flavors.push(flavor.clone());
                }
            }
        }
        total
    }
}

/// The least and the most something can cost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CostRange {
    pub low: Money,
    pub high: Money,
}

impl CostRange {
    /// "73.00 EUR", or "36.50 – 182.50 EUR" for a range.
    pub fn describe(&self, currency: &str) -> String {
        if self.low == self.high {
            format!("{} {currency}", self.low)
        } else {
            format!("{} – {} {currency}", self.low, self.high)
        }
    }
}

/// The estimate for a set of node pools.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CostEstimate {
    pub hourly: CostRange,
    pub monthly: CostRange,
    /// Flavors the price list has no price for: left out of the figures.
    pub unpriced_flavors: Vec<String>,
}

/// An estimate with its currency and where its prices come from, to show on its own.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PricedEstimate {
    pub estimate: CostEstimate,
    pub currency: String,
    /// Where the prices come from, as a sentence ([`PriceList::origin`]).
    pub origin: String,
}

impl PricedEstimate {
    pub fn new(prices: &PriceList, pools: &[NodePoolSpec]) -> Self {
        Self { estimate: prices.estimate(pools), currency: prices.currency.clone(), origin: prices.origin() }
    }
}

impl CostEstimate {
    /// "73.00 EUR per month (0.10 EUR per hour)".
    pub fn describe(&self, currency: &str) -> String {
        format!("{} per month ({} per hour)", self.monthly.describe(currency), self.hourly.describe(currency))
    }

    /// The flavors left out, as a sentence, when there are any.
    pub fn unpriced_note(&self) -> Option<String> {
        (!self.unpriced_flavors.is_empty())
            .then(|| format!("No price known for {}; left out.", self.unpriced_flavors.join(", ")))
    }
}

impl PriceList {
    /// Cost of `pools`: autoscaled pools range from `minNodes` to `maxNodes`, fixed pools cost
    /// `desiredNodes`. Monthly-billed pools use the monthly price where there is one; a pool
    /// whose flavor is not chosen yet costs nothing and is not named as unpriced.
    pub fn estimate(&self, pools: &[NodePoolSpec]) -> CostEstimate {
        let mut estimate = CostEstimate::default();
        for pool in pools.iter().filter(|pool| !pool.flavor_name.is_empty()) {
            let Some(price) = self.flavors.get(&pool.flavor_name) else {
                if !estimate.unpriced_flavors.contains(&pool.flavor_name) {
                    estimate.unpriced_flavors.push(pool.flavor_name.clone());
                }
                continue;
            };
            let (low, high) = if pool.autoscale {
                (pool.min_nodes, pool.max_nodes)
            } else {
                (pool.desired_nodes, pool.desired_nodes)
            };
            let per_month = match (pool.monthly_billed, price.monthly) {
                (true, Some(monthly)) => monthly,
                _ => price.hourly.times(i64::from(HOURS_PER_MONTH)),
            };
            let per_hour = match (pool.monthly_billed, price.monthly) {
                (true, Some(monthly)) => Money(monthly.0 / i64::from(HOURS_PER_MONTH)),
                _ => price.hourly,
            };
            estimate.hourly.low.0 += per_hour.times(i64::from(low)).0;
            estimate.hourly.high.0 += per_hour.times(i64::from(high)).0;
            estimate.monthly.low.0 += per_month.times(i64::from(low)).0;
            estimate.monthly.high.0 += per_month.times(i64::from(high)).0;
        }
        estimate
    }
}

/// A small made-up price list for demonstrations and tests. Not the provider's prices.
pub fn example_prices() -> PriceList {
    let price = |hourly: i64, monthly: Option<i64>| FlavorPrice {
        hourly: Money(hourly),
        monthly: monthly.map(Money),
    };
    PriceList {
        currency: "EUR".to_string(),
        is_example: true,
        subsidiary: None,
        flavors: BTreeMap::from([
            ("b3-8".to_string(), price(500, None)),
            ("b3-16".to_string(), price(1000, None)),
            ("b3-32".to_string(), price(2000, None)),
            ("b2-7".to_string(), price(700, Some(260_000))),
            ("t1-45".to_string(), price(20_000, None)),
        ]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(flavor: &str) -> NodePoolSpec {
        NodePoolSpec {
            name: "pool".into(),
            flavor_name: flavor.into(),
            desired_nodes: 3,
            ..Default::default()
        }
    }

    #[test]
    fn fixed_pools_cost_a_single_figure() {
        let estimate = example_prices().estimate(&[pool("b3-16")]);
        assert_eq!(estimate.hourly.low.to_string(), "0.30");
        assert_eq!(estimate.hourly, CostRange { low: estimate.hourly.low, high: estimate.hourly.low });
        assert_eq!(estimate.monthly.low.to_string(), "219.00");
    }

    #[test]
    fn autoscaled_pools_cost_a_range() {
        let scaled = NodePoolSpec { autoscale: true, min_nodes: 1, max_nodes: 5, ..pool("b3-8") };
        let estimate = example_prices().estimate(&[scaled, pool("b3-16")]);
        assert_eq!(
            (estimate.hourly.low.to_string(), estimate.hourly.high.to_string()),
            ("0.35".into(), "0.55".into())
        );
        assert_eq!(estimate.monthly.high.to_string(), "401.50");
    }

    #[test]
    fn monthly_billing_uses_the_monthly_price() {
        let monthly = NodePoolSpec { monthly_billed: true, desired_nodes: 2, ..pool("b2-7") };
        assert_eq!(example_prices().estimate(&[monthly]).monthly.low.to_string(), "52.00");
    }

    #[test]
    fn monthly_billing_saving_in_percent() {
        let b2 = example_prices().flavors["b2-7"];
        assert_eq!(b2.hourly_month().to_string(), "51.10");
        assert_eq!(b2.monthly_saving_percent(), Some(49));
        assert_eq!(example_prices().flavors["b3-8"].monthly_saving_percent(), None);
    }

    #[test]
    fn estimates_read_as_sentences() {
        let scaled = NodePoolSpec { autoscale: true, min_nodes: 1, max_nodes: 2, ..pool("b3-8") };
        let estimate = example_prices().estimate(&[scaled, pool("x9-1")]);
        assert_eq!(estimate.describe("EUR"), "36.50 – 73.00 EUR per month (0.05 – 0.10 EUR per hour)");
        assert_eq!(estimate.unpriced_note().as_deref(), Some("No price known for x9-1; left out."));
        assert_eq!(example_prices().estimate(&[]).unpriced_note(), None);
        assert_eq!(example_prices().estimate(&[pool("")]).unpriced_note(), None, "no flavor chosen yet");
    }

    #[test]
    fn estimates_add_up() {
        let prices = example_prices();
        let one = prices.estimate(&[pool("b3-8")]);
        let two = prices.estimate(&[pool("b3-16"), pool("x9-1")]);
        let total = PriceList::total([&one, &two]);
        assert_eq!(total.monthly.low.to_string(), "328.50");
        assert_eq!(total.unpriced_flavors, vec!["x9-1".to_string()]);
    }

    #[test]
    fn unknown_flavors_are_named_not_guessed() {
        let estimate = example_prices().estimate(&[pool("x9-1"), pool("x9-1"), pool("b3-8")]);
        assert_eq!(estimate.unpriced_flavors, vec!["x9-1".to_string()]);
        assert_eq!(estimate.hourly.low.to_string(), "0.15");
        assert!(example_prices().is_example);
    }
}
