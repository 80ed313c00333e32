//! A node pool's spec, its rules, and which of its fields can change after creation.
//!
//! Sources: domain.md "Node pools"; provider-api.md §4.7 (fields and defaults) and §7 (rules and
//! immutability). Field names serialise as the provider spells them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::metadata::{self, Taint};
use crate::name::check_name;
use crate::plan::Plan;
use crate::region::{Region, RegionKind};
use crate::validation::FieldErrors;

/// Most nodes in a pool whose nodes must sit on different hypervisors (provider-api.md §7).
pub const ANTI_AFFINITY_MAX_NODES: u32 = 5;

/// The cluster autoscaler's three tunable values (provider-api.md §4.7, defaults from D-ca).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AutoscalingTuning {
    /// How long a node must be unneeded before it is removed.
    pub scale_down_unneeded_time_seconds: u32,
    /// How long an unready node waits before it is removed.
    pub scale_down_unready_time_seconds: u32,
    /// Below this share of requested resources, a node counts as unneeded (0–1).
    pub scale_down_utilization_threshold: f64,
}

impl Default for AutoscalingTuning {
    fn default() -> Self {
        Self {
            scale_down_unneeded_time_seconds: 600,
            scale_down_unready_time_seconds: 1200,
            scale_down_utilization_threshold: 0.5,
        }
    }
}

/// Labels, annotations, finalizers, taints and schedulability given to every node of the pool.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", default)]
pub struct NodeTemplate {
    pub labels: BTreeMap<String, String>,
    pub annotations: BTreeMap<String, String>,
    pub finalizers: Vec<String>,
    pub taints: Vec<Taint>,
    pub unschedulable: bool,
}

/// What a user asks for when creating (or, for the mutable part, editing) a node pool.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NodePoolSpec {
    pub name: String,
    pub flavor_name: String,
    pub desired_nodes: u32,
    pub min_nodes: u32,
    pub max_nodes: u32,
    pub autoscale: bool,
    pub autoscaling: AutoscalingTuning,
    pub anti_affinity: bool,
    pub monthly_billed: bool,
    /// At most one zone; required in 3-AZ regions.
    pub availability_zones: Vec<String>,
    /// One public floating IP per node (Standard plan only).
    pub attach_floating_ips: bool,
    pub template: NodeTemplate,
}

impl Default for NodePoolSpec {
    /// The provider's defaults: one node, 0–100, no autoscaling.
    fn default() -> Self {
        Self {
            name: String::new(),
            flavor_name: String::new(),
            desired_nodes: 1,
            min_nodes: 0,
            max_nodes: 100,
            autoscale: false,
            autoscaling: AutoscalingTuning::default(),
            anti_affinity: false,
            monthly_billed: false,
            availability_zones: Vec::new(),
            attach_floating_ips: false,
            template: NodeTemplate::default(),
        }
    }
}

impl NodePoolSpec {
    /// The most nodes this pool can hold: `maxNodes` when autoscaled, `desiredNodes` otherwise.
    /// This is what counts against the plan's node limit.
    pub fn peak_nodes(&self) -> u32 {
        if self.autoscale { self.max_nodes } else { self.desired_nodes }
    }

    /// The field that sets [`Self::peak_nodes`], where a node-limit error belongs.
    pub fn peak_field(&self) -> &'static str {
        if self.autoscale { "maxNodes" } else { "desiredNodes" }
    }

    /// Every problem with this spec on a cluster of `plan`, each at its field.
    pub fn validate(&self, plan: Plan) -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.check("name", check_name(&self.name));
        if self.flavor_name.trim().is_empty() {
            errors.add("flavorName", "Choose a flavor.");
        }
        if self.min_nodes > self.desired_nodes {
            errors.add(
                "minNodes",
                format!(
                    "The minimum ({}) cannot exceed the desired size ({}).",
                    self.min_nodes, self.desired_nodes
                ),
            );
        }
        if self.desired_nodes > self.max_nodes {
            errors.add(
                "maxNodes",
                format!(
                    "The maximum ({}) cannot be below the desired size ({}).",
                    self.max_nodes, self.desired_nodes
                ),
            );
        }
        if self.peak_nodes() > plan.max_nodes() {
            let field = if self.autoscale { "maxNodes" } else { "desiredNodes" };
            errors.add(field, format!("A {plan} cluster holds at most {} nodes.", plan.max_nodes()));
        }
        if self.anti_affinity && self.peak_nodes() > ANTI_AFFINITY_MAX_NODES {
            let field = if self.autoscale { "maxNodes" } else { "desiredNodes" };
            errors.add(
                field,
                format!(
                    "With anti-affinity, a pool holds at most {ANTI_AFFINITY_MAX_NODES} nodes, each on a different hypervisor."
                ),
            );
        }
        if self.availability_zones.len() > 1 {
            errors.add("availabilityZones", "A node pool lives in exactly one zone.");
        }
        if self.attach_floating_ips && !plan.floating_ips() {
            errors.add("attachFloatingIps", "Floating IPs per node need the Standard plan.");
        }
        self.validate_autoscaling(&mut errors);
        self.template.validate_into(&mut errors);
        errors
    }

    fn validate_autoscaling(&self, errors: &mut FieldErrors) {
        let tuning = &self.autoscaling;
        if !(0.0..=1.0).contains(&tuning.scale_down_utilization_threshold) {
            errors.add(
                "autoscaling.scaleDownUtilizationThreshold",
                "Give a share between 0 and 1, like 0.5 for 50 %.",
            );
        }
        if tuning.scale_down_unneeded_time_seconds == 0 {
            errors.add("autoscaling.scaleDownUnneededTimeSeconds", "Give a time of at least 1 second.");
        }
        if tuning.scale_down_unready_time_seconds == 0 {
            errors.add("autoscaling.scaleDownUnreadyTimeSeconds", "Give a time of at least 1 second.");
        }
    }

    /// Whether the pool's zone suits `region`: one of its zones, and named in a 3-AZ region.
    pub fn check_zone(&self, region: &Region) -> Result<(), String> {
        match (region.kind(), self.availability_zones.first()) {
            (RegionKind::ThreeZone, None) => Err("In a 3-AZ region, choose the zone of this pool.".into()),
            (_, Some(zone)) if !region.zones.contains(zone) => {
                Err(format!("{zone} is not a zone of {}.", region.name))
            }
            _ => Ok(()),
        }
    }

    /// The changes from `self` (as created) to `edited` that the provider refuses, each with the
    /// reason. Such fields are fixed at creation; the way out is a new pool with the new settings.
    pub fn immutable_changes(&self, edited: &NodePoolSpec) -> FieldErrors {
        let mut errors = FieldErrors::new();
        let fixed = |what: &str| {
            format!(
                "The {what} is fixed when a pool is created; create a new pool with the new {what} instead."
            )
        };
        if self.name != edited.name {
            errors.add("name", fixed("name"));
        }
        if self.flavor_name != edited.flavor_name {
            errors.add("flavorName", fixed("flavor"));
        }
        if self.anti_affinity != edited.anti_affinity {
            errors.add("antiAffinity", fixed("anti-affinity setting"));
        }
        if self.monthly_billed != edited.monthly_billed {
            errors.add("monthlyBilled", fixed("billing period"));
        }
        if self.availability_zones != edited.availability_zones {
            errors.add("availabilityZones", fixed("zone"));
        }
        errors
    }
}

impl NodeTemplate {
    fn validate_into(&self, errors: &mut FieldErrors) {
        for (key, value) in &self.labels {
            errors.check(format!("template.labels.{key}"), metadata::check_key(key));
            errors.check(format!("template.labels.{key}"), metadata::check_value(value));
        }
        for key in self.annotations.keys() {
            errors.check(format!("template.annotations.{key}"), metadata::check_key(key));
        }
        errors.check("template.annotations", metadata::check_annotations_size(&self.annotations));
        for (i, finalizer) in self.finalizers.iter().enumerate() {
            errors.check(format!("template.finalizers.{i}"), metadata::check_finalizer(finalizer));
        }
        for (i, taint) in self.taints.iter().enumerate() {
            errors.check(format!("template.taints.{i}.key"), metadata::check_key(&taint.key));
            errors.check(format!("template.taints.{i}.value"), metadata::check_value(&taint.value));
        }
    }
}

/// All pools together can grow past the plan's node limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NodeLimitError {
    pub plan: Plan,
    pub total: u32,
}

impl std::fmt::Display for NodeLimitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "These pools can grow to {} nodes, more than the {} a {} cluster holds.",
            self.total,
            self.plan.max_nodes(),
            self.plan
        )
    }
}

impl std::error::Error for NodeLimitError {}

/// Checks that all pools together fit the plan's node limit (domain.md: the sum over pools of
/// `maxNodes` when autoscaled, or `desiredNodes`).
pub fn check_node_limit(plan: Plan, pools: &[NodePoolSpec]) -> Result<(), NodeLimitError> {
    let total: u32 = pools.iter().map(NodePoolSpec::peak_nodes).sum();
    if total > plan.max_nodes() { Err(NodeLimitError { plan, total }) } else { Ok(()) }
}

/// Checks `pool` against the other pools of an existing cluster of `plan`: its name not taken by
/// one of them, and all of them with it within the plan's node limit. The errors are at the
/// pool's fields (`name`, and `desiredNodes` or `maxNodes`, whichever sets its peak). Used by the
/// new-pool form, the pool editor and the services alike.
pub fn check_pool_in_cluster(plan: Plan, pool: &NodePoolSpec, others: &[NodePoolSpec]) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if others.iter().any(|other| other.name == pool.name) {
        errors.add("name", format!("This cluster already has a pool named {}.", pool.name));
    }
    let all: Vec<NodePoolSpec> = others.iter().chain(std::iter::once(pool)).cloned().collect();
    if let Err(limit) = check_node_limit(plan, &all) {
        errors.add(pool.peak_field(), limit);
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metadata::TaintEffect;

    #[test]
    fn a_pool_in_a_cluster_has_its_own_name_and_fits_the_plan_with_the_others() {
        let others = vec![NodePoolSpec { desired_nodes: 90, ..pool() }];
        let twin = NodePoolSpec { desired_nodes: 5, ..pool() };
        let errors = check_pool_in_cluster(Plan::Free, &twin, &others);
        assert_eq!(errors.message_for("name"), Some("This cluster already has a pool named general."));
        assert!(errors.message_for("desiredNodes").is_none(), "95 nodes fit the Free plan");
        let big =
            NodePoolSpec { name: "batch".into(), autoscale: true, min_nodes: 1, max_nodes: 20, ..pool() };
        let errors = check_pool_in_cluster(Plan::Free, &big, &others);
        assert!(errors.message_for("name").is_none());
        assert!(errors.message_for("maxNodes").is_some_and(|m| m.contains("110 nodes")), "{errors:?}");
        assert!(check_pool_in_cluster(Plan::Standard, &big, &others).is_empty());
    }

    fn pool() -> NodePoolSpec {
        NodePoolSpec {
            name: "general".into(),
            flavor_name: "b3-16".into(),
            desired_nodes: 3,
            ..Default::default()
        }
    }

    #[test]
    fn defaults_are_the_providers() {
        let spec = NodePoolSpec::default();
        assert_eq!((spec.desired_nodes, spec.min_nodes, spec.max_nodes, spec.autoscale), (1, 0, 100, false));
        assert_eq!(
            spec.autoscaling,
            AutoscalingTuning {
                scale_down_unneeded_time_seconds: 600,
                scale_down_unready_time_seconds: 1200,
                scale_down_utilization_threshold: 0.5,
            }
        );
        assert!(pool().validate(Plan::Free).is_empty());
    }

    #[test]
    fn sizes_must_be_ordered() {
        let spec = NodePoolSpec { min_nodes: 4, desired_nodes: 3, max_nodes: 2, ..pool() };
        let errors = spec.validate(Plan::Free);
        assert_eq!(
            errors.message_for("minNodes"),
            Some("The minimum (4) cannot exceed the desired size (3).")
        );
        assert_eq!(
            errors.message_for("maxNodes"),
            Some("The maximum (2) cannot be below the desired size (3).")
        );
    }

    #[test]
    fn anti_affinity_caps_the_pool_at_five() {
        let fixed = NodePoolSpec { anti_affinity: true, desired_nodes: 6, ..pool() };
        assert!(fixed.validate(Plan::Free).message_for("desiredNodes").unwrap().contains("at most 5 nodes"));
        let autoscaled = NodePoolSpec { anti_affinity: true, autoscale: true, max_nodes: 6, ..pool() };
        assert!(autoscaled.validate(Plan::Free).message_for("maxNodes").is_some());
        let ok = NodePoolSpec { anti_affinity: true, autoscale: true, max_nodes: 5, ..pool() };
        assert!(ok.validate(Plan::Free).is_empty());
    }

    #[test]
    fn plan_limits_apply() {
        let big = NodePoolSpec { desired_nodes: 101, max_nodes: 200, ..pool() };
        assert_eq!(
            big.validate(Plan::Free).message_for("desiredNodes"),
            Some("A Free cluster holds at most 100 nodes.")
        );
        assert!(big.validate(Plan::Standard).is_empty());
        let fip = NodePoolSpec { attach_floating_ips: true, ..pool() };
        assert!(fip.validate(Plan::Free).message_for("attachFloatingIps").is_some());
        assert!(fip.validate(Plan::Standard).is_empty());
    }

    #[test]
    fn node_limit_counts_the_peak_of_every_pool() {
        let fixed = NodePoolSpec { desired_nodes: 60, ..pool() };
        let autoscaled = NodePoolSpec { autoscale: true, desired_nodes: 2, max_nodes: 50, ..pool() };
        assert!(check_node_limit(Plan::Free, &[fixed.clone(), autoscaled.clone()]).is_err());
        assert!(check_node_limit(Plan::Standard, &[fixed, autoscaled]).is_ok());
    }

    #[test]
    fn template_errors_point_at_the_entry() {
        let mut spec = pool();
        spec.template.labels.insert("team".into(), "a/b".into());
        spec.template.taints.push(Taint {
            key: "-gpu".into(),
            value: String::new(),
            effect: TaintEffect::NoSchedule,
        });
        spec.template.finalizers.push("cleanup".into());
        spec.autoscaling.scale_down_utilization_threshold = 1.5;
        let errors = spec.validate(Plan::Free);
        assert!(errors.message_for("template.labels.team").is_some());
        assert!(errors.message_for("template.taints.0.key").is_some());
        assert!(errors.message_for("template.finalizers.0").is_some());
        assert!(errors.message_for("autoscaling.scaleDownUtilizationThreshold").is_some());
    }

    #[test]
    fn immutable_fields_are_named_with_the_way_out() {
        let created = NodePoolSpec { availability_zones: vec!["eu-west-par-a".into()], ..pool() };
        let mut edited = created.clone();
        edited.desired_nodes = 5;
        edited.template.unschedulable = true;
        assert!(created.immutable_changes(&edited).is_empty());
        edited.flavor_name = "b3-32".into();
        edited.availability_zones = vec!["eu-west-par-b".into()];
        let errors = created.immutable_changes(&edited);
        assert_eq!(
            errors.message_for("flavorName"),
            Some(
                "The flavor is fixed when a pool is created; create a new pool with the new flavor instead."
            )
        );
        assert!(errors.message_for("availabilityZones").is_some());
        assert_eq!(errors.iter().count(), 2);
    }

    #[test]
    fn serialises_with_the_providers_field_names() {
        let json = serde_json::to_value(pool()).unwrap();
        assert_eq!(json["flavorName"], "b3-16");
        assert_eq!(json["desiredNodes"], 3);
        assert_eq!(json["autoscaling"]["scaleDownUnreadyTimeSeconds"], 1200);
    }

    proptest::proptest! {
        #[test]
        fn validate_and_serialise_round_trip(
            desired in 0u32..600, min in 0u32..600, max in 0u32..600, autoscale: bool, anti: bool,
            label in "[a-z]{1,10}", value in "[a-zA-Z0-9]{0,10}",
        ) {
            let mut spec = NodePoolSpec {
                desired_nodes: desired, min_nodes: min, max_nodes: max, autoscale, anti_affinity: anti, ..pool()
            };
            spec.template.labels.insert(label, value);
            let json = serde_json::to_string(&spec).unwrap();
            let back: NodePoolSpec = serde_json::from_str(&json).unwrap();
            proptest::prop_assert_eq!(&back, &spec);
            proptest::prop_assert_eq!(back.validate(Plan::Standard), spec.validate(Plan::Standard));
            // A spec that passes always satisfies the size invariants.
            if spec.validate(Plan::Standard).is_empty() {
                proptest::prop_assert!(min <= desired && desired <= max);
                proptest::prop_assert!(!anti || spec.peak_nodes() <= ANTI_AFFINITY_MAX_NODES);
            }
        }
    }
}
