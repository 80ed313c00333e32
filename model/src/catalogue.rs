//! The provider's catalogue as the emulator serves it by default: regions with their zones, and
//! the node flavors with their real shapes.
//!
//! Sources:
//! - flavor shapes (vCPUs, RAM, local disk, GPUs): the provider's public instance catalogue
//!   (Public Cloud prices page, 2026 copy); prices are deliberately not taken from it (see
//!   `cost::example_prices`);
//! - which families run in which 1-AZ region: the provider's guide "Available datacenters, worker
//!   nodes and persistent storage flavors" (2024-08-14);
//! - 3-AZ regions and zone names: provider-api.md §7 (`EU-WEST-PAR`, `eu-west-par-a`). Which
//!   families the 3-AZ regions offer is not documented; the current generation (b3, c3, r3) is
//!   assumed.

use crate::flavor::{Flavor, FlavorCategory, FlavorState};
use crate::region::Region;

/// One flavor of the catalogue: name, vCPUs, RAM (GB), local disk (GB), GPUs.
type Shape = (&'static str, u32, u32, u32, u32);

/// Every flavor of the families the managed service supports.
const FLAVORS: &[Shape] = &[
    // General purpose.
    ("b3-8", 2, 8, 50, 0),
    ("b3-16", 4, 16, 100, 0),
    ("b3-32", 8, 32, 200, 0),
    ("b3-64", 16, 64, 400, 0),
    ("b3-128", 32, 128, 400, 0),
    ("b3-256", 64, 256, 400, 0),
    ("b2-7", 2, 7, 50, 0),
    ("b2-15", 4, 15, 100, 0),
    ("b2-30", 8, 30, 200, 0),
    ("b2-60", 16, 60, 400, 0),
    ("b2-120", 32, 120, 400, 0),
    // CPU-optimised.
    ("c3-4", 2, 4, 50, 0),
    ("c3-8", 4, 8, 100, 0),
    ("c3-16", 8, 16, 200, 0),
    ("c3-32", 16, 32, 400, 0),
    ("c3-64", 32, 64, 400, 0),
    ("c3-128", 64, 128, 400, 0),
    ("c2-7", 2, 7, 50, 0),
    ("c2-15", 4, 15, 100, 0),
    ("c2-30", 8, 30, 200, 0),
    ("c2-60", 16, 60, 400, 0),
    ("c2-120", 32, 120, 400, 0),
    // Memory-optimised.
    ("r3-16", 2, 16, 50, 0),
    ("r3-32", 4, 32, 100, 0),
    ("r3-64", 8, 64, 200, 0),
    ("r3-128", 16, 128, 400, 0),
    ("r3-256", 32, 256, 400, 0),
    ("r3-512", 64, 512, 400, 0),
    ("r2-15", 2, 15, 50, 0),
    ("r2-30", 2, 30, 50, 0),
    ("r2-60", 4, 60, 100, 0),
    ("r2-120", 8, 120, 200, 0),
    ("r2-240", 16, 240, 400, 0),
    // Discovery.
    ("d2-4", 2, 4, 50, 0),
    ("d2-8", 4, 8, 50, 0),
    // GPU: Tesla V100 (t1), V100S (t2), L4, L40S.
    ("t1-45", 8, 45, 400, 1),
    ("t1-90", 18, 90, 800, 2),
    ("t1-180", 36, 180, 800, 4),
    ("t2-45", 15, 45, 400, 1),
    ("t2-90", 30, 90, 800, 2),
    ("t2-180", 60, 180, 50, 4),
    ("l4-90", 22, 90, 400, 1),
    ("l4-180", 45, 180, 400, 2),
    ("l4-360", 90, 360, 400, 4),
    ("l40s-90", 15, 90, 400, 1),
    ("l40s-180", 30, 180, 400, 2),
    ("l40s-360", 60, 360, 400, 4),
];

/// Regions where a family runs; `None` means every region.
const FAMILY_REGIONS: &[(&str, Option<&[&str]>)] = &[
    ("b2", None),
    ("c2", None),
    ("r2", None),
    ("d2", None),
    ("b3", Some(&["DE1", "GRA11", "UK1", "WAW1", "EU-WEST-PAR"])),
    ("c3", Some(&["DE1", "GRA11", "UK1", "WAW1", "EU-WEST-PAR"])),
    ("r3", Some(&["DE1", "GRA11", "UK1", "WAW1", "EU-WEST-PAR"])),
    ("t1", Some(&["BHS5", "GRA5", "GRA7", "GRA11"])),
    ("t2", Some(&["BHS5", "DE1", "GRA5", "GRA7", "GRA9", "GRA11", "UK1", "WAW1"])),
    ("l4", Some(&["GRA11"])),
    ("l40s", Some(&["GRA11"])),
];

/// Regions and their zones (3-AZ regions list three).
const REGIONS: &[(&str, &[&str])] = &[
    ("BHS5", &[]),
    ("DE1", &[]),
    ("GRA5", &[]),
    ("GRA7", &[]),
    ("GRA9", &[]),
    ("GRA11", &[]),
    ("SBG5", &[]),
    ("UK1", &[]),
    ("WAW1", &[]),
    ("EU-WEST-PAR", &["eu-west-par-a", "eu-west-par-b", "eu-west-par-c"]),
];

fn family(name: &str) -> &str {
    name.split('-').next().unwrap_or(name)
}

fn runs_in(flavor: &str, region: &str) -> bool {
    let wanted = family(flavor);
    FAMILY_REGIONS
        .iter()
        .find(|(family, _)| *family == wanted)
        .is_some_and(|(_, regions)| regions.is_none_or(|list| list.contains(&region)))
}

/// A catalogue entry as the provider lists it.
fn to_flavor(&(name, vcpus, ram_gb, disk_gb, gpus): &Shape) -> Flavor {
    Flavor {
        name: name.to_string(),
        category: FlavorCategory::from_wire(&name[..1]),
        state: FlavorState::Available,
        vcpus,
        ram_gb,
        gpus,
        disk_gb: Some(disk_gb),
    }
}

/// The flavor called `name`, wherever it runs.
pub fn flavor(name: &str) -> Option<Flavor> {
    FLAVORS.iter().find(|(n, ..)| *n == name).map(to_flavor)
}

/// Every region of the catalogue.
pub fn regions() -> Vec<Region> {
    REGIONS
        .iter()
        .map(|(name, zones)| Region {
            name: name.to_string(),
            zones: zones.iter().map(|z| z.to_string()).collect(),
        })
        .collect()
}

/// The flavors offered in `region`, as the provider lists them (`GET …/capabilities/kube/flavors`).
pub fn flavors_in(region: &str) -> Vec<Flavor> {
    FLAVORS.iter().filter(|(name, ..)| runs_in(name, region)).map(to_flavor).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::region::RegionKind;

    #[test]
    fn b3_16_has_the_shape_domain_md_checks_against() {
        let gra11 = flavors_in("GRA11");
        let b3_16 = gra11.iter().find(|f| f.name == "b3-16").unwrap();
        assert_eq!((b3_16.vcpus, b3_16.ram_gb, b3_16.disk_gb, b3_16.gpus), (4, 16, Some(100), 0));
        assert_eq!(b3_16.shape().reserved().cpu_millicores, 170);
    }

    #[test]
    fn families_follow_the_region_table() {
        let names = |region: &str| flavors_in(region).into_iter().map(|f| f.name).collect::<Vec<_>>();
        assert!(names("GRA11").contains(&"l4-90".to_string()));
        assert!(!names("SBG5").contains(&"b3-8".to_string()));
        assert!(names("SBG5").contains(&"b2-7".to_string()));
        assert!(names("EU-WEST-PAR").iter().all(|n| !n.starts_with('t')));
        assert!(flavors_in("NOWHERE").iter().all(|f| family(&f.name).ends_with('2')));
    }

    #[test]
    fn gpu_flavors_are_in_the_gpu_family_or_carry_gpus() {
        for flavor in flavors_in("GRA11") {
            assert_eq!(flavor.is_gpu(), flavor.gpus > 0, "{}", flavor.name);
        }
        assert_eq!(
            flavors_in("GRA11").iter().find(|f| f.name == "t1-45").unwrap().category,
            FlavorCategory::T
        );
    }

    #[test]
    fn paris_is_the_3_az_region() {
        let kinds: Vec<_> =
            regions().into_iter().filter(|r| r.kind() == RegionKind::ThreeZone).map(|r| r.name).collect();
        assert_eq!(kinds, vec!["EU-WEST-PAR".to_string()]);
    }

    #[test]
    fn every_flavor_family_has_a_region_rule() {
        for (name, ..) in FLAVORS {
            assert!(FAMILY_REGIONS.iter().any(|(f, _)| *f == family(name)), "{name}");
        }
    }
}
