//! Node flavors: the machine shapes a node pool can use, and what follows from a flavor's family.
//!
//! Sources: provider-api.md §5.5 (`cloud.kube.Flavor`: name, category, state, vCPUs, ram in GB,
//! gpus; category `t` is the GPU family) and domain.md "Node pools" (hourly billing, monthly for
//! generation-2 flavors, saving plans from generation 3; GPU flavors may take over an hour to
//! become Ready). The API does not give the local disk size, so it is optional here.

use serde::{Deserialize, Serialize};

use crate::node_pool::NodePoolSpec;
use crate::open_enum::open_enum;
use crate::resources::NodeShape;
use crate::validation::FieldErrors;

/// Shown before a user commits to a GPU pool (seed: "GPU worker nodes … may take more than one
/// hour to reach a ready state").
pub const GPU_READY_WARNING: &str =
    "GPU nodes can take more than an hour to become Ready after they are created.";

open_enum! {
    /// A flavor's family letter (`cloud.kube.FlavorCategoryEnum`).
    pub enum FlavorCategory {
        A = "a",
        /// General purpose (b2, b3).
        B = "b",
        /// CPU-optimised (c2, c3).
        C = "c",
        /// Discovery (d2).
        D = "d",
        G = "g",
        H = "h",
        /// IOPS-optimised (i1).
        I = "i",
        L = "l",
        /// Memory-optimised (r2, r3).
        R = "r",
        /// GPU (t1, t2).
        T = "t",
    }
}

open_enum! {
    /// Whether a flavor can be ordered now (`cloud.kube.FlavorStateEnum`).
    pub enum FlavorState {
        Available = "available",
        Unavailable = "unavailable",
    }
}

/// How a flavor can be billed (domain.md "Node pools").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillingOptions {
    /// Always: per hour of use.
    pub hourly: bool,
    /// A fixed monthly price (generation-2 flavors).
    pub monthly: bool,
    /// Commitment discounts (generation 3 and later; shown, not ordered here).
    pub saving_plans: bool,
}

/// A flavor as the provider lists it for a region.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Flavor {
    pub name: String,
    pub category: FlavorCategory,
    pub state: FlavorState,
    #[serde(rename = "vCPUs")]
    pub vcpus: u32,
    /// Memory in GB.
    #[serde(rename = "ram")]
    pub ram_gb: u32,
    pub gpus: u32,
    /// Local disk in GB, where known (not part of the provider's answer).
    #[serde(default, rename = "diskGb", skip_serializing_if = "Option::is_none")]
    pub disk_gb: Option<u32>,
}

impl Flavor {
    /// The family's generation: the digits after the leading letters of the name (`b3-16` → 3,
    /// `l40s-90` → 40); `None` when the name has none.
    pub fn generation(&self) -> Option<u32> {
        let family = self.name.split('-').next().unwrap_or_default();
        let digits: String = family
            .chars()
            .skip_while(|c| c.is_ascii_alphabetic())
            .take_while(|c| c.is_ascii_digit())
            .collect();
        digits.parse().ok()
    }

    /// Whether nodes of this flavor carry GPUs.
    pub fn is_gpu(&self) -> bool {
        self.gpus > 0 || self.category == FlavorCategory::T
    }

    /// Whether the flavor can be ordered now.
    pub fn is_available(&self) -> bool {
        self.state == FlavorState::Available
    }

    /// The billing options the flavor's generation offers.
    pub fn billing(&self) -> BillingOptions {
        let generation = self.generation();
        BillingOptions {
            hourly: true,
            monthly: generation == Some(2),
            saving_plans: generation.is_some_and(|g| g >= 3),
        }
    }

    /// The machine, for reserved and allocatable resources (disk 0 when unknown).
    pub fn shape(&self) -> NodeShape {
        NodeShape { vcpus: self.vcpus, ram_gb: self.ram_gb, disk_gb: self.disk_gb.unwrap_or(0) }
    }
}

/// Problems with the pools' flavors among those `region` offers: unknown there, or out of stock.
pub fn check_pool_flavors(pools: &[NodePoolSpec], flavors: &[Flavor], region: &str) -> FieldErrors {
    let mut errors = FieldErrors::new();
    for (i, pool) in pools.iter().enumerate() {
        let field = format!("nodePools.{i}.flavorName");
        match flavors.iter().find(|f| f.name == pool.flavor_name) {
            None if pool.flavor_name.is_empty() => {}
            None => errors.add(field, format!("{} is not offered in {region}.", pool.flavor_name)),
            Some(f) if !f.is_available() => errors.add(
                field,
                format!("{} is out of stock in {region} at the moment; choose another flavor.", f.name),
            ),
            Some(_) => {}
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flavor(name: &str, category: &str, vcpus: u32, ram_gb: u32, gpus: u32) -> Flavor {
        Flavor {
            name: name.into(),
            category: FlavorCategory::from_wire(category),
            state: FlavorState::Available,
            vcpus,
            ram_gb,
            gpus,
            disk_gb: None,
        }
    }

    #[test]
    fn reads_the_providers_answer() {
        let json = r#"{"name":"b3-16","category":"b","state":"available","vCPUs":4,"ram":16,"gpus":0}"#;
        let parsed: Flavor = serde_json::from_str(json).unwrap();
        assert_eq!(parsed, flavor("b3-16", "b", 4, 16, 0));
        assert_eq!(serde_json::to_string(&parsed).unwrap(), json);
        let future: Flavor = serde_json::from_str(
            r#"{"name":"z9-1","category":"z","state":"retired","vCPUs":1,"ram":1,"gpus":0}"#,
        )
        .unwrap();
        assert_eq!(future.category, FlavorCategory::Other("z".into()));
        assert!(!future.is_available());
    }

    #[test]
    fn billing_follows_the_generation() {
        let b2 = flavor("b2-7", "b", 2, 7, 0);
        assert_eq!(b2.billing(), BillingOptions { hourly: true, monthly: true, saving_plans: false });
        let b3 = flavor("b3-16", "b", 4, 16, 0);
        assert_eq!(b3.billing(), BillingOptions { hourly: true, monthly: false, saving_plans: true });
        assert_eq!(flavor("l40s-90", "l", 15, 90, 1).generation(), Some(40));
        assert_eq!(flavor("custom", "b", 1, 1, 0).generation(), None);
    }

    #[test]
    fn gpu_flavors_are_recognised() {
        assert!(flavor("t1-45", "t", 8, 45, 1).is_gpu());
        assert!(flavor("l4-90", "l", 22, 90, 1).is_gpu());
        assert!(!flavor("c3-8", "c", 4, 8, 0).is_gpu());
    }

    #[test]
    fn shape_feeds_the_reserved_resources_formula() {
        let b3_16 = Flavor { disk_gb: Some(100), ..flavor("b3-16", "b", 4, 16, 0) };
        assert_eq!(b3_16.shape().reserved().cpu_millicores, 170);
        assert!((b3_16.shape().reserved().storage_gb - 30.0).abs() < 1e-9);
    }

    #[test]
    fn pool_flavors_must_be_offered_and_in_stock() {
        let pool = |flavor: &str| NodePoolSpec {
            name: "p".into(),
            flavor_name: flavor.into(),
            ..Default::default()
        };
        let sold_out = Flavor { state: FlavorState::Unavailable, ..flavor("b3-32", "b", 8, 32, 0) };
        let offered = [flavor("b3-16", "b", 4, 16, 0), sold_out];
        let errors =
            check_pool_flavors(&[pool("b3-16"), pool("x1-1"), pool("b3-32"), pool("")], &offered, "GRA11");
        assert_eq!(errors.message_for("nodePools.1.flavorName"), Some("x1-1 is not offered in GRA11."));
        assert!(errors.message_for("nodePools.2.flavorName").unwrap().contains("out of stock"));
        assert_eq!(errors.iter().count(), 2);
    }
}
