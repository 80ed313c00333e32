//! Address ranges of a cluster's network: pod and service ranges (`ipAllocationPolicy`) and the
//! private network's subnet, which must stay clear of the ranges the cluster uses.
//!
//! Sources: domain.md "Plans" and "Networking"; provider-api.md §4.5 (Standard only; each range
//! private and at least /16; the two must not overlap each other or the private network) and §8.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::cidr::Ipv4Cidr;
use crate::plan::Plan;
use crate::validation::FieldErrors;

/// The largest prefix length allowed for pod and service ranges (at least a /16).
pub const MAX_ALLOCATION_PREFIX: u8 = 16;

/// Pod and service ranges chosen at creation (Standard plan only).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct IpAllocationPolicy {
    pub pods_ipv4_cidr: Ipv4Cidr,
    pub services_ipv4_cidr: Ipv4Cidr,
}

/// A range the cluster itself uses, which a private network must not overlap.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClusterRange {
    /// What the range is for ("pods").
    pub purpose: &'static str,
    pub cidr: Ipv4Cidr,
}

impl IpAllocationPolicy {
    /// Every problem with the chosen ranges on a cluster of `plan`.
    pub fn validate(&self, plan: Plan) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if !plan.cluster_ranges().configurable {
            errors.add("ipAllocationPolicy", "Choosing pod and service ranges needs the Standard plan.");
            return errors;
        }
        for (field, cidr) in
            [("podsIpv4Cidr", self.pods_ipv4_cidr), ("servicesIpv4Cidr", self.services_ipv4_cidr)]
        {
            let field = format!("ipAllocationPolicy.{field}");
            if !cidr.is_private() {
                errors.add(
                    &field,
                    format!("{cidr} is not private: use 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 space."),
                );
            }
            if cidr.prefix() > MAX_ALLOCATION_PREFIX {
                errors.add(
                    &field,
                    format!("{cidr} is too small: use a /16 or larger (a smaller prefix number)."),
                );
            }
        }
        if self.pods_ipv4_cidr.overlaps(&self.services_ipv4_cidr) {
            errors.add(
                "ipAllocationPolicy.servicesIpv4Cidr",
                format!("Overlaps the pod range {}: the two must be separate.", self.pods_ipv4_cidr),
            );
        }
        errors
    }

    /// Most nodes the pod range can serve: each node takes a /24 from it (provider-api.md §4.5).
    pub fn max_nodes_for_pods(&self) -> u64 {
        if self.pods_ipv4_cidr.prefix() > 24 { 0 } else { 1 << (24 - self.pods_ipv4_cidr.prefix()) }
    }
}

/// The ranges a cluster of `plan` uses, with custom pod/service ranges where given.
pub fn cluster_ranges(plan: Plan, custom: Option<&IpAllocationPolicy>) -> Vec<ClusterRange> {
    let defaults = plan.cluster_ranges();
    let (pods, services) = match custom {
        Some(policy) if defaults.configurable => (policy.pods_ipv4_cidr, policy.services_ipv4_cidr),
        _ => (defaults.pods, defaults.services),
    };
    let mut ranges = vec![
        ClusterRange { purpose: "pods", cidr: pods },
        ClusterRange { purpose: "services", cidr: services },
    ];
    if let Some(docker) = defaults.docker {
        ranges.push(ClusterRange { purpose: "the Docker bridge", cidr: docker });
    }
    ranges
}

/// A private network subnet collides with a range the cluster uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubnetOverlap {
    pub subnet: Ipv4Cidr,
    pub range: ClusterRange,
}

impl fmt::Display for SubnetOverlap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} overlaps {}, which the cluster uses for {}: pick a subnet outside it.",
            self.subnet, self.range.cidr, self.range.purpose
        )
    }
}

impl std::error::Error for SubnetOverlap {}

/// Checks a private network subnet against the ranges the cluster will use.
pub fn check_subnet(
    plan: Plan,
    custom: Option<&IpAllocationPolicy>,
    subnet: Ipv4Cidr,
) -> Result<(), SubnetOverlap> {
    match cluster_ranges(plan, custom).into_iter().find(|range| range.cidr.overlaps(&subnet)) {
        Some(range) => Err(SubnetOverlap { subnet, range }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cidr(text: &str) -> Ipv4Cidr {
        text.parse().unwrap()
    }

    fn policy(pods: &str, services: &str) -> IpAllocationPolicy {
        IpAllocationPolicy { pods_ipv4_cidr: cidr(pods), services_ipv4_cidr: cidr(services) }
    }

    #[test]
    fn defaults_pass_on_standard() {
        assert!(policy("10.240.0.0/13", "10.3.0.0/16").validate(Plan::Standard).is_empty());
    }

    #[test]
    fn only_standard_chooses_ranges() {
        let errors = policy("10.240.0.0/13", "10.3.0.0/16").validate(Plan::Free);
        assert!(errors.message_for("ipAllocationPolicy").is_some());
    }

    #[test]
    fn ranges_must_be_private_large_and_apart() {
        let errors = policy("100.64.0.0/16", "10.240.0.0/24").validate(Plan::Standard);
        assert!(errors.message_for("ipAllocationPolicy.podsIpv4Cidr").unwrap().contains("not private"));
        assert!(errors.message_for("ipAllocationPolicy.servicesIpv4Cidr").unwrap().contains("too small"));
        let overlapping = policy("10.240.0.0/13", "10.244.0.0/16").validate(Plan::Standard);
        assert_eq!(
            overlapping.message_for("ipAllocationPolicy.servicesIpv4Cidr"),
            Some("Overlaps the pod range 10.240.0.0/13: the two must be separate.")
        );
    }

    #[test]
    fn a_slash_16_pod_range_serves_256_nodes() {
        assert_eq!(policy("10.100.0.0/16", "10.3.0.0/16").max_nodes_for_pods(), 256);
    }

    #[test]
    fn subnets_must_avoid_the_clusters_ranges() {
        let err = check_subnet(Plan::Free, None, cidr("172.17.5.0/24")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "172.17.5.0/24 overlaps 172.17.0.0/16, which the cluster uses for the Docker bridge: pick a subnet outside it."
        );
        assert!(check_subnet(Plan::Free, None, cidr("192.168.0.0/24")).is_ok());
        assert!(check_subnet(Plan::Standard, None, cidr("10.241.0.0/24")).is_err());
        let custom = policy("10.100.0.0/16", "10.101.0.0/16");
        assert!(check_subnet(Plan::Standard, Some(&custom), cidr("10.241.0.0/24")).is_ok());
        assert!(check_subnet(Plan::Standard, Some(&custom), cidr("10.101.7.0/24")).is_err());
    }
}
