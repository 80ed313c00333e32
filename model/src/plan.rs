//! The two plans of the managed Kubernetes service and what each one guarantees.
//!
//! Source: the seed's "Free vs Standard plan" table and domain.md "Plans", which adds the rows the
//! seed spreads over other sections (upgrade strategy, auto-healing, reserved ranges, quotas).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::availability::Availability;
use crate::cidr::Ipv4Cidr;
use crate::size::ByteSize;

/// A cluster's plan; serialised as the API's `plan` value (`free`, `standard`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Plan {
    Free,
    Standard,
}

/// Whether an availability figure is an objective or a contractual agreement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CommitmentKind {
    /// Service level objective: a target, with no compensation when missed.
    Slo,
    /// Service level agreement: contractual, with credits when missed.
    Sla,
}

/// The control plane's availability commitment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Commitment {
    pub kind: CommitmentKind,
    /// The commitment in multi-zone (or, for Free, all) regions.
    pub availability: Availability,
    /// A lower commitment in single-zone regions, where the plan states one.
    /// Source: domain.md, citing the 2026 plans guide (99.9 % for Standard in 1-AZ regions).
    pub single_zone_availability: Option<Availability>,
}

/// The regions a plan can be created in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RegionSupport {
    /// Single-zone (1-AZ) regions only.
    SingleZoneOnly,
    /// 1-AZ and 3-AZ regions; 3-AZ needs a private network with a gateway, and every node pool
    /// names exactly one zone.
    SingleAndThreeZone,
}

/// The container network interface installed on the nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Cni {
    /// Canal: Flannel for the network, Calico for network policies.
    Canal,
    /// Cilium, eBPF-based.
    Cilium,
}

/// How worker nodes are replaced during a Kubernetes upgrade.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum UpgradeStrategy {
    /// Each node is drained and upgraded in place, strictly one at a time: capacity drops by one
    /// node while it drains.
    InPlace,
    /// A new node is created first, then an old one is drained and deleted, across all pools at
    /// once: capacity never drops.
    Rolling,
}

/// What auto-healing does with a node that stays NotReady for [`AUTO_HEALING_DELAY_MINUTES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AutoHealing {
    /// The same node is reinstalled in place.
    ReinstallInPlace,
    /// The node is deleted and a new one is created.
    Replace,
}

/// Minutes a node may stay NotReady before auto-healing starts (seed, "Auto-healing").
pub const AUTO_HEALING_DELAY_MINUTES: u32 = 10;

/// The pod and service ranges of a plan's clusters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClusterRanges {
    /// Pod addresses (fixed on Free, the default on Standard).
    pub pods: Ipv4Cidr,
    /// Service addresses (fixed on Free, the default on Standard).
    pub services: Ipv4Cidr,
    /// A further range the nodes use (Docker's bridge on Free), if any.
    pub docker: Option<Ipv4Cidr>,
    /// Whether pods and services can be given other ranges at creation (`ipAllocationPolicy`).
    pub configurable: bool,
}

const fn cidr(address: [u8; 4], prefix: u8) -> Ipv4Cidr {
    match Ipv4Cidr::new(address, prefix) {
        Some(cidr) => cidr,
        None => panic!("invalid constant range"),
    }
}

const fn availability(basis_points: u16) -> Availability {
    match Availability::from_basis_points(basis_points) {
        Some(a) => a,
        None => panic!("invalid constant availability"),
    }
}

impl Plan {
    /// Both plans, cheapest first.
    pub const ALL: [Plan; 2] = [Plan::Free, Plan::Standard];

    /// The plan the API's `plan` value names.
    pub fn from_api(value: &str) -> Option<Plan> {
        Plan::ALL.into_iter().find(|p| p.api_value() == value)
    }

    /// The API's `plan` value.
    pub const fn api_value(self) -> &'static str {
        match self {
            Plan::Free => "free",
            Plan::Standard => "standard",
        }
    }

    /// The plan's name as users see it.
    pub const fn name(self) -> &'static str {
        match self {
            Plan::Free => "Free",
            Plan::Standard => "Standard",
        }
    }

    /// Availability zones the control plane runs in (seed: single-zone vs cross-AZ resilient).
    pub const fn control_plane_zones(self) -> u8 {
        match self {
            Plan::Free => 1,
            Plan::Standard => 3,
        }
    }

    /// Whether the control plane and etcd are shared with other customers' clusters.
    pub const fn control_plane_shared(self) -> bool {
        matches!(self, Plan::Free)
    }

    /// The control plane's availability commitment (seed table; domain.md for 1-AZ Standard).
    pub const fn commitment(self) -> Commitment {
        match self {
            Plan::Free => Commitment {
                kind: CommitmentKind::Slo,
                availability: availability(9950),
                single_zone_availability: None,
            },
            Plan::Standard => Commitment {
                kind: CommitmentKind::Sla,
                availability: availability(9999),
                single_zone_availability: Some(availability(9990)),
            },
        }
    }

    /// The etcd storage quota: 400 MB shared (Free), 8 GB dedicated (Standard).
    pub const fn etcd_quota(self) -> ByteSize {
        match self {
            Plan::Free => ByteSize::mebibytes(400),
            Plan::Standard => ByteSize::gibibytes(8),
        }
    }

    /// Most nodes a cluster may have, summed over its node pools.
    pub const fn max_nodes(self) -> u32 {
        match self {
            Plan::Free => 100,
            Plan::Standard => 500,
        }
    }

    /// The regions the plan can be created in.
    pub const fn region_support(self) -> RegionSupport {
        match self {
            Plan::Free => RegionSupport::SingleZoneOnly,
            Plan::Standard => RegionSupport::SingleAndThreeZone,
        }
    }

    /// The network plugin on the nodes.
    pub const fn cni(self) -> Cni {
        match self {
            Plan::Free => Cni::Canal,
            Plan::Standard => Cni::Cilium,
        }
    }

    /// How worker nodes are upgraded.
    pub const fn upgrade_strategy(self) -> UpgradeStrategy {
        match self {
            Plan::Free => UpgradeStrategy::InPlace,
            Plan::Standard => UpgradeStrategy::Rolling,
        }
    }

    /// What auto-healing does with an unhealthy node.
    pub const fn auto_healing(self) -> AutoHealing {
        match self {
            Plan::Free => AutoHealing::ReinstallInPlace,
            Plan::Standard => AutoHealing::Replace,
        }
    }

    /// Pod and service ranges (domain.md; provider-api.md §4.5).
    pub const fn cluster_ranges(self) -> ClusterRanges {
        match self {
            Plan::Free => ClusterRanges {
                pods: cidr([10, 2, 0, 0], 16),
                services: cidr([10, 3, 0, 0], 16),
                docker: Some(cidr([172, 17, 0, 0], 16)),
                configurable: false,
            },
            Plan::Standard => ClusterRanges {
                pods: cidr([10, 240, 0, 0], 13),
                services: cidr([10, 3, 0, 0], 16),
                docker: None,
                configurable: true,
            },
        }
    }

    /// Whether nodes can get a public floating IP each (`attachFloatingIps`).
    pub const fn floating_ips(self) -> bool {
        matches!(self, Plan::Standard)
    }

    /// Clusters of this plan a project may have by default, where a quota is stated.
    pub const fn default_cluster_quota(self) -> Option<u32> {
        match self {
            Plan::Free => Some(20),
            Plan::Standard => None,
        }
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Cni {
    /// The plugin's name with its parts.
    pub const fn label(self) -> &'static str {
        match self {
            Cni::Canal => "Canal (Flannel + Calico)",
            Cni::Cilium => "Cilium (eBPF)",
        }
    }
}

impl CommitmentKind {
    /// The abbreviation shown after the percentage.
    pub const fn abbreviation(self) -> &'static str {
        match self {
            CommitmentKind::Slo => "SLO",
            CommitmentKind::Sla => "SLA",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::availability::Period;

    #[test]
    fn plans_are_read_from_the_api_value() {
        for plan in Plan::ALL {
            assert_eq!(Plan::from_api(plan.api_value()), Some(plan));
        }
        assert_eq!(Plan::from_api("premium"), None);
    }

    #[test]
    fn api_values_round_trip_through_json() {
        for plan in Plan::ALL {
            let json = serde_json::to_string(&plan).unwrap();
            assert_eq!(json, format!("\"{}\"", plan.api_value()));
            assert_eq!(serde_json::from_str::<Plan>(&json).unwrap(), plan);
        }
    }

    #[test]
    fn free_quota_is_400_mebibytes_as_etcd_usage_reports_it() {
        assert_eq!(Plan::Free.etcd_quota().bytes(), 400 * 1024 * 1024);
    }

    #[test]
    fn downtime_budgets_follow_from_the_commitments() {
        let free = Plan::Free.commitment().availability.downtime_budget(Period::Month);
        let standard = Plan::Standard.commitment();
        assert_eq!(free.to_string(), "3 h 36 min");
        assert_eq!(standard.availability.downtime_budget(Period::Month).to_string(), "4 min 19 s");
        let one_az = standard.single_zone_availability.unwrap().downtime_budget(Period::Month);
        assert_eq!(one_az.to_string(), "43 min 12 s");
    }

    #[test]
    fn only_standard_offers_its_extras() {
        assert!(!Plan::Free.floating_ips() && Plan::Standard.floating_ips());
        assert!(!Plan::Free.cluster_ranges().configurable);
        assert!(Plan::Standard.cluster_ranges().configurable);
        assert!(Plan::Free.max_nodes() < Plan::Standard.max_nodes());
    }
}
