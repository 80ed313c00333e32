//! `GET /order/catalog/public/cloud?ovhSubsidiary=FR`: the provider's public-cloud price catalog,
//! with the prices it publishes for the flavors the emulator offers. Public: no signature needed.
//!
//! Prices: the FR price book, in euros without tax, as the provider's Public Cloud pages showed
//! them (rounded to the cent there) in the copy dated 2025-01-27, and `t1-45` from the FR
//! catalog as read on 2026-08-22. Sources and the flavors with no published figure at hand
//! (`t1-90`, `t1-180`, `t2-*`: left out, so they show as unpriced) are in
//! `docs/provider-prices.md`.

use std::sync::Arc;

use axum::extract::Query;
use axum::routing::get;
use axum::{Json, Router};
use provider::api::{
    CatalogAddon, CatalogLocale, CatalogPricing, HOURLY_SUFFIX, MONTHLY_SUFFIX, PriceCatalog,
};
use serde::Deserialize;

use super::Emulator;
use super::error::EmulatorError;

/// The date of the prices, as the documentation gives it.
pub const PRICES_AS_OF: &str = "2025-01-27";

/// Flavor, hourly price and monthly price, in cents of a euro.
const PRICES: &[(&str, i64, Option<i64>)] = &[
    ("b2-7", 7, Some(2_420)),
    ("b2-15", 13, Some(4_620)),
    ("b2-30", 26, Some(9_350)),
    ("b2-60", 51, Some(18_200)),
    ("b2-120", 99, Some(35_800)),
    ("b3-8", 5, None),
    ("b3-16", 9, None),
    ("b3-32", 19, None),
    ("b3-64", 37, None),
    ("b3-128", 74, None),
    ("b3-256", 149, None),
    ("c2-7", 10, Some(3_520)),
    ("c2-15", 19, Some(6_820)),
    ("c2-30", 38, Some(13_800)),
    ("c2-60", 75, Some(27_000)),
    ("c2-120", 148, Some(53_400)),
    ("c3-4", 4, None),
    ("c3-8", 8, None),
    ("c3-16", 17, None),
    ("c3-32", 33, None),
    ("c3-64", 66, None),
    ("c3-128", 133, None),
    ("r2-15", 10, Some(3_520)),
    ("r2-30", 11, Some(4_070)),
    ("r2-60", 22, Some(7_920)),
    ("r2-120", 44, Some(16_000)),
    ("r2-240", 87, Some(31_400)),
    ("r3-16", 6, None),
    ("r3-32", 12, None),
    ("r3-64", 24, None),
    ("r3-128", 48, None),
    ("r3-256", 96, None),
    ("r3-512", 193, None),
    ("d2-4", 2, Some(1_100)),
    ("d2-8", 4, Some(1_980)),
    ("t1-45", 70, None),
    ("l4-90", 75, Some(54_000)),
    ("l4-180", 150, Some(108_000)),
    ("l4-360", 300, Some(216_000)),
    ("l40s-90", 140, Some(100_800)),
    ("l40s-180", 280, Some(201_600)),
    ("l40s-360", 560, Some(403_200)),
];

/// Cents to the catalog's 10⁻⁸ units.
const CENT: i64 = 1_000_000;

pub fn routes() -> Router<Arc<Emulator>> {
    Router::new().route("/order/catalog/public/cloud", get(catalog))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CatalogQuery {
    ovh_subsidiary: Option<String>,
}

/// The catalog of the FR subsidiary; other subsidiaries' books are not held.
async fn catalog(Query(query): Query<CatalogQuery>) -> Result<Json<PriceCatalog>, EmulatorError> {
    match query.ovh_subsidiary.as_deref() {
        None => Err(EmulatorError::bad_request("Missing parameter(s): ovhSubsidiary")),
        Some("FR") => Ok(Json(book())),
        Some(other) => {
            Err(EmulatorError::bad_request(format!("The emulator holds the FR price book only, not {other}")))
        }
    }
}

fn pricing(unit: &str, cents: i64) -> CatalogPricing {
    CatalogPricing {
        capacities: vec!["consumption".to_string()],
        description: if unit == "hour" { "Hourly consumption" } else { "Monthly postpaid" }.to_string(),
        interval: 1,
        interval_unit: unit.to_string(),
        mode: "consumption".to_string(),
        phase: 1,
        price: cents * CENT,
        kind: "consumption".to_string(),
        ..CatalogPricing::default()
    }
}

fn addon(flavor: &str, suffix: &str, pricing: CatalogPricing) -> CatalogAddon {
    CatalogAddon {
        plan_code: format!("{flavor}{suffix}"),
        invoice_name: flavor.to_string(),
        product: format!("publiccloud-instance-{flavor}"),
        pricing_type: "consumption".to_string(),
        pricings: vec![pricing],
    }
}

/// The FR book.
pub fn book() -> PriceCatalog {
    let mut addons = Vec::new();
    for &(flavor, hourly, monthly) in PRICES {
        addons.push(addon(flavor, HOURLY_SUFFIX, pricing("hour", hourly)));
        if let Some(monthly) = monthly {
            addons.push(addon(flavor, MONTHLY_SUFFIX, pricing("month", monthly)));
        }
    }
    PriceCatalog {
        catalog_id: 1,
        locale: CatalogLocale { currency_code: "EUR".into(), subsidiary: "FR".into(), tax_rate: 20.0 },
        addons,
    }
}

#[cfg(test)]
mod tests {
    use model::catalogue;

    use super::*;

    #[test]
    fn every_priced_flavor_is_offered_and_reads_back() {
        let list = book().price_list();
        assert_eq!(list.flavors.len(), PRICES.len());
        for (flavor, price) in &list.flavors {
            assert!(catalogue::flavor(flavor).is_some(), "{flavor} is not in the catalogue");
            if let Some(saving) = price.monthly_saving_percent() {
                assert!((1..=60).contains(&saving), "{flavor}: monthly saves {saving} %");
            }
        }
        assert_eq!(list.flavors["b2-7"].monthly.unwrap().to_string(), "24.20");
    }
}
