//! `GET /order/catalog/public/cloud?ovhSubsidiary=…`: the provider's public-cloud price catalog
//! (`order.catalog.public.Catalog`), as far as node prices need it. Sources and the format are in
//! `docs/provider-prices.md`.
//!
//! Each instance flavor is an addon with two plan codes: `<flavor>.consumption` (billed by the
//! hour) and, for flavors offering monthly billing, `<flavor>.monthly.postpaid`. Prices are
//! integers in 10⁻⁸ of the currency, without tax.

use std::collections::BTreeMap;

use model::cost::{FlavorPrice, Money, PriceList};
use serde::{Deserialize, Serialize};

/// The suffix of an hourly plan code.
pub const HOURLY_SUFFIX: &str = ".consumption";
/// The suffix of a monthly plan code.
pub const MONTHLY_SUFFIX: &str = ".monthly.postpaid";

/// The catalog: its locale and its addons (the other fields are left unread).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PriceCatalog {
    pub catalog_id: u64,
    pub locale: CatalogLocale,
    pub addons: Vec<CatalogAddon>,
}

/// `order.catalog.public.Locale`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CatalogLocale {
    /// ISO 4217 (`EUR`).
    pub currency_code: String,
    /// `FR`, `GB`, `US`, …
    pub subsidiary: String,
    /// VAT in percent, not included in the prices.
    pub tax_rate: f64,
}

/// `order.catalog.public.Plan` as an addon: one plan code and its prices.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CatalogAddon {
    pub plan_code: String,
    pub invoice_name: String,
    pub product: String,
    pub pricing_type: String,
    pub pricings: Vec<CatalogPricing>,
}

/// `order.catalog.public.Pricing`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CatalogPricing {
    pub capacities: Vec<String>,
    pub commitment: u32,
    pub description: String,
    pub interval: u32,
    /// `hour`, `month`, or `none` (some books write it on hourly plans).
    pub interval_unit: String,
    pub mode: String,
    pub phase: u32,
    /// In 10⁻⁸ of the currency.
    pub price: i64,
    pub tax: i64,
    #[serde(rename = "type")]
    pub kind: String,
}

/// 10⁻⁸ of the currency to [`Money`]'s 10⁻⁴, rounded half up.
fn money(price: i64) -> Money {
    Money::from_ten_thousandths((price + 5_000).div_euclid(10_000))
}

impl CatalogAddon {
    /// The price a node pays: the first pricing that is consumed rather than a setup fee.
    fn price(&self) -> Option<i64> {
        self.pricings
            .iter()
            .find(|p| p.capacities.iter().any(|c| c == "consumption") || p.capacities.is_empty())
            .or(self.pricings.first())
            .map(|p| p.price)
    }
}

impl PriceCatalog {
    /// Node prices per flavor: hourly from `<flavor>.consumption`, monthly from
    /// `<flavor>.monthly.postpaid`. A flavor with only a monthly plan is left out (a pool bills
    /// by the hour unless asked otherwise).
    pub fn price_list(&self) -> PriceList {
        let mut hourly = BTreeMap::new();
        let mut monthly = BTreeMap::new();
        for addon in &self.addons {
            let Some(price) = addon.price() else { continue };
            if let Some(flavor) = addon.plan_code.strip_suffix(HOURLY_SUFFIX) {
                hourly.insert(flavor.to_string(), money(price));
            } else if let Some(flavor) = addon.plan_code.strip_suffix(MONTHLY_SUFFIX) {
                monthly.insert(flavor.to_string(), money(price));
            }
        }
        let flavors = hourly
            .into_iter()
            .map(|(flavor, hourly)| {
                let monthly = monthly.get(&flavor).copied();
                (flavor, FlavorPrice { hourly, monthly })
            })
            .collect();
        PriceList {
            currency: self.locale.currency_code.clone(),
            is_example: false,
            subsidiary: Some(self.locale.subsidiary.clone()),
            flavors,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two addons as the provider's FR book writes them (fields trimmed to those read).
    const BOOK: &str = r#"{
        "catalogId": 1,
        "locale": {"currencyCode": "EUR", "subsidiary": "FR", "taxRate": 20},
        "plans": [{"planCode": "project"}],
        "addons": [
            {"planCode": "b2-7.consumption", "invoiceName": "b2-7", "product": "publiccloud-instance-b2-7",
             "pricingType": "consumption",
             "pricings": [{"capacities": ["consumption"], "commitment": 0, "description": "Hourly",
                           "interval": 1, "intervalUnit": "hour", "mode": "consumption", "phase": 1,
                           "price": 7000000, "tax": 0, "type": "consumption"}]},
            {"planCode": "b2-7.monthly.postpaid", "pricings": [{"capacities": ["renew"],
             "intervalUnit": "month", "price": 2420000000}]},
            {"planCode": "a10-45.monthly.postpaid", "pricings": [{"price": 1}]},
            {"planCode": "snapshot.consumption.GRA11", "pricings": [{"price": 1}]},
            {"planCode": "c3-4.consumption", "pricings": [{"intervalUnit": "none", "price": 4093000}]}
        ]
    }"#;

    #[test]
    fn reads_hourly_and_monthly_prices_per_flavor() {
        let catalog: PriceCatalog = serde_json::from_str(BOOK).unwrap();
        let list = catalog.price_list();
        assert_eq!(list.currency, "EUR");
        assert_eq!(list.subsidiary.as_deref(), Some("FR"));
        assert!(!list.is_example);
        let b2 = list.flavors["b2-7"];
        assert_eq!(
            (b2.hourly.to_string(), b2.monthly.map(|m| m.to_string())),
            ("0.07".into(), Some("24.20".into()))
        );
        assert_eq!(list.flavors["c3-4"].hourly, Money::from_ten_thousandths(409));
        assert_eq!(list.flavors["c3-4"].monthly, None);
        assert!(!list.flavors.contains_key("a10-45"), "monthly-only plans are not hourly prices");
        assert!(!list.flavors.keys().any(|k| k.starts_with("snapshot")));
    }

    #[test]
    fn rounds_to_ten_thousandths() {
        assert_eq!(money(4_586_301), Money::from_ten_thousandths(459));
        assert_eq!(money(4_584_999), Money::from_ten_thousandths(458));
    }
}
