//! Regions and their availability zones.
//!
//! Sources: domain.md "Plans" (Free runs in single-zone regions; Standard in 1-AZ and 3-AZ
//! regions, where a private network with a gateway is needed and each pool names one zone) and
//! provider-api.md §7 (3-AZ regions such as `EU-WEST-PAR`, zones like `eu-west-par-a`).

use serde::{Deserialize, Serialize};

use crate::plan::{Plan, RegionSupport};

/// A region as the console knows it: its name and its availability zones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Region {
    /// The API's region name (`GRA11`, `EU-WEST-PAR`).
    pub name: String,
    /// Zone names; three for a 3-AZ region, none or one otherwise.
    pub zones: Vec<String>,
}

/// Whether a region spreads over three availability zones.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RegionKind {
    SingleZone,
    ThreeZone,
}

impl Region {
    /// 1-AZ or 3-AZ.
    pub fn kind(&self) -> RegionKind {
        if self.zones.len() >= 3 { RegionKind::ThreeZone } else { RegionKind::SingleZone }
    }

    /// Why `plan` cannot be created here, if it cannot.
    pub fn refuses(&self, plan: Plan) -> Option<String> {
        match (plan.region_support(), self.kind()) {
            (RegionSupport::SingleZoneOnly, RegionKind::ThreeZone) => Some(format!(
                "{} is a 3-AZ region; the {plan} plan runs only in single-zone regions.",
                self.name
            )),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn par() -> Region {
        Region {
            name: "EU-WEST-PAR".into(),
            zones: vec!["eu-west-par-a".into(), "eu-west-par-b".into(), "eu-west-par-c".into()],
        }
    }

    #[test]
    fn free_is_refused_in_3_az_regions_only() {
        let gra = Region { name: "GRA11".into(), zones: vec![] };
        assert_eq!(gra.kind(), RegionKind::SingleZone);
        assert_eq!(par().kind(), RegionKind::ThreeZone);
        assert_eq!(gra.refuses(Plan::Free), None);
        assert_eq!(par().refuses(Plan::Standard), None);
        assert_eq!(
            par().refuses(Plan::Free).as_deref(),
            Some("EU-WEST-PAR is a 3-AZ region; the Free plan runs only in single-zone regions.")
        );
    }
}
