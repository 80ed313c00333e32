//! "Which plan fits me": a recommendation from a team's needs, with the reasons.
//!
//! Every threshold comes from [`Plan`]'s facts, so the helper can never disagree with the
//! comparison table next to it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::plan::{Plan, RegionSupport};

/// What a team needs from a cluster.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanNeeds {
    /// Worker nodes, summed over all pools at their largest.
    pub nodes: u32,
    /// Whether nodes must be spread over three availability zones.
    pub three_zones: bool,
    /// Whether the control plane must survive a zone failure, under a contractual SLA.
    pub high_availability: bool,
    /// Whether each node needs its own public floating IP.
    pub floating_ips: bool,
    /// Whether pods and services need address ranges other than the defaults.
    pub custom_ranges: bool,
}

/// Why a plan is needed, or why the cheaper one is enough.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum FitReason {
    /// More nodes than the Free plan allows.
    TooManyNodesForFree { nodes: u32 },
    /// Three zones need a 3-AZ region, which only Standard supports.
    ThreeZones,
    /// A replicated control plane with an SLA is a Standard feature.
    HighAvailability,
    /// Per-node floating IPs are a Standard feature.
    FloatingIps,
    /// Custom pod/service ranges are a Standard feature.
    CustomRanges,
    /// Nothing asked for needs Standard.
    FreeCoversIt { nodes: u32 },
}

/// The helper's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PlanFit {
    /// `plan` is the cheapest plan that meets every need, for these reasons.
    Fits { plan: Plan, reasons: Vec<FitReason> },
    /// No single cluster of any plan holds that many nodes.
    TooLarge { nodes: u32 },
}

/// Why a typed node count is not usable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeCountError {
    /// Empty, or not a whole number.
    NotANumber,
    /// Zero nodes.
    Zero,
}

impl fmt::Display for NodeCountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NodeCountError::NotANumber => "Enter the number of nodes as a whole number, like 3.",
            NodeCountError::Zero => "A cluster needs at least one node.",
        })
    }
}

impl PlanNeeds {
    /// Reads a node count as a user types it.
    pub fn parse_nodes(text: &str) -> Result<u32, NodeCountError> {
        let nodes: u32 = text.trim().parse().map_err(|_| NodeCountError::NotANumber)?;
        if nodes == 0 {
            return Err(NodeCountError::Zero);
        }
        Ok(nodes)
    }

    /// The cheapest plan that meets every need, with the reasons.
    pub fn recommend(&self) -> PlanFit {
        let largest = Plan::ALL.iter().map(|p| p.max_nodes()).max().unwrap_or(0);
        if self.nodes > largest {
            return PlanFit::TooLarge { nodes: self.nodes };
        }
        let free = Plan::Free;
        let mut reasons = Vec::new();
        if self.nodes > free.max_nodes() {
            reasons.push(FitReason::TooManyNodesForFree { nodes: self.nodes });
        }
        if self.three_zones && free.region_support() == RegionSupport::SingleZoneOnly {
            reasons.push(FitReason::ThreeZones);
        }
        if self.high_availability && free.control_plane_zones() == 1 {
            reasons.push(FitReason::HighAvailability);
        }
        if self.floating_ips && !free.floating_ips() {
            reasons.push(FitReason::FloatingIps);
        }
        if self.custom_ranges && !free.cluster_ranges().configurable {
            reasons.push(FitReason::CustomRanges);
        }
        if reasons.is_empty() {
            return PlanFit::Fits {
                plan: Plan::Free,
                reasons: vec![FitReason::FreeCoversIt { nodes: self.nodes }],
            };
        }
        PlanFit::Fits { plan: Plan::Standard, reasons }
    }
}

impl fmt::Display for FitReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (free, standard) = (Plan::Free, Plan::Standard);
        match self {
            FitReason::TooManyNodesForFree { nodes } => write!(
                f,
                "{nodes} nodes is more than the Free plan's limit of {} per cluster; Standard allows {}.",
                free.max_nodes(),
                standard.max_nodes()
            ),
            FitReason::ThreeZones => f.write_str(
                "Spreading nodes over three zones needs a 3-AZ region, and only Standard runs there.",
            ),
            FitReason::HighAvailability => write!(
                f,
                "Only Standard replicates the control plane across {} zones, with a {} {}; Free runs it in one zone ({} {}).",
                standard.control_plane_zones(),
                standard.commitment().availability,
                standard.commitment().kind.abbreviation(),
                free.commitment().availability,
                free.commitment().kind.abbreviation(),
            ),
            FitReason::FloatingIps => f.write_str("Only Standard can give each node its own floating IP."),
            FitReason::CustomRanges => {
                f.write_str("Only Standard lets you choose the pod and service address ranges.")
            }
            FitReason::FreeCoversIt { nodes } => write!(
                f,
                "{nodes} {} in one zone fit the Free plan (up to {} nodes). Choose Standard for a zone-redundant control plane.",
                if *nodes == 1 { "node" } else { "nodes" },
                free.max_nodes()
            ),
        }
    }
}

impl fmt::Display for PlanFit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanFit::Fits { plan, .. } => write!(f, "{plan} fits."),
            PlanFit::TooLarge { nodes } => write!(
                f,
                "No single cluster holds {nodes} nodes: the largest plan, Standard, allows {}. Split the workload over several clusters.",
                Plan::Standard.max_nodes()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needs(nodes: u32) -> PlanNeeds {
        PlanNeeds {
            nodes,
            three_zones: false,
            high_availability: false,
            floating_ips: false,
            custom_ranges: false,
        }
    }

    fn plan_of(fit: PlanFit) -> Option<Plan> {
        match fit {
            PlanFit::Fits { plan, .. } => Some(plan),
            PlanFit::TooLarge { .. } => None,
        }
    }

    #[test]
    fn small_single_zone_needs_fit_free() {
        assert_eq!(plan_of(needs(3).recommend()), Some(Plan::Free));
        assert_eq!(plan_of(needs(100).recommend()), Some(Plan::Free));
    }

    #[test]
    fn node_limits_come_from_the_plans() {
        assert_eq!(plan_of(needs(101).recommend()), Some(Plan::Standard));
        assert_eq!(plan_of(needs(500).recommend()), Some(Plan::Standard));
        assert_eq!(needs(501).recommend(), PlanFit::TooLarge { nodes: 501 });
    }

    #[test]
    fn each_standard_feature_is_named_as_a_reason() {
        let all = PlanNeeds {
            nodes: 120,
            three_zones: true,
            high_availability: true,
            floating_ips: true,
            custom_ranges: true,
        };
        let PlanFit::Fits { plan, reasons } = all.recommend() else { panic!("should fit") };
        assert_eq!(plan, Plan::Standard);
        assert_eq!(
            reasons,
            vec![
                FitReason::TooManyNodesForFree { nodes: 120 },
                FitReason::ThreeZones,
                FitReason::HighAvailability,
                FitReason::FloatingIps,
                FitReason::CustomRanges
            ]
        );
        assert!(reasons[0].to_string().contains("limit of 100"));
    }

    #[test]
    fn node_count_errors_are_plain_words() {
        assert_eq!(PlanNeeds::parse_nodes(" 12 "), Ok(12));
        assert_eq!(PlanNeeds::parse_nodes("0"), Err(NodeCountError::Zero));
        assert_eq!(PlanNeeds::parse_nodes("three"), Err(NodeCountError::NotANumber));
        assert_eq!(PlanNeeds::parse_nodes("-1"), Err(NodeCountError::NotANumber));
    }
}
