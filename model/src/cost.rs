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
    pub flavors: BTreeMap<String, FlavorPrice>,
}

/// The least and the most something can cost.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CostRange {
    pub low: Money,
    pub high: Money,
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

impl PriceList {
    /// Cost of `pools`: autoscaled pools range from `minNodes` to `maxNodes`, fixed pools cost
    /// `desiredNodes`. Monthly-billed pools use the monthly price where there is one.
    pub fn estimate(&self, pools: &[NodePoolSpec]) -> CostEstimate {
        let mut estimate = CostEstimate::default();
        for pool in pools {
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
    fn unknown_flavors_are_named_not_guessed() {
        let estimate = example_prices().estimate(&[pool("x9-1"), pool("x9-1"), pool("b3-8")]);
        assert_eq!(estimate.unpriced_flavors, vec!["x9-1".to_string()]);
        assert_eq!(estimate.hourly.low.to_string(), "0.15");
        assert!(example_prices().is_example);
    }
}
