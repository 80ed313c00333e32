//! One node pool of the wizard's draft, as typed, and the pool spec it asks for.

use model::node_pool::{NodePoolSpec, NodeTemplate};
use model::plan::Plan;
use model::validation::FieldErrors;
use reactive_stores::Store;
use serde::{Deserialize, Serialize};

use crate::components::metadata_text::{number, pairs, pairs_text, taints, taints_text};

/// One node pool as typed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Store)]
#[serde(default)]
pub struct PoolDraft {
    /// Tells the pool apart in the draft while its name is being typed (see [`Draft::add_pool`]).
    pub id: u32,
    pub name: String,
    pub flavor: String,
    pub desired: String,
    pub min: String,
    pub max: String,
    pub autoscale: bool,
    pub anti_affinity: bool,
    pub monthly_billed: bool,
    pub zone: String,
    pub floating_ips: bool,
    /// `key=value` per line.
    pub labels: String,
    /// `key=value:Effect` per line (`key:Effect` for an empty value).
    pub taints: String,
    /// `key=value` per line.
    pub annotations: String,
}

impl Default for PoolDraft {
    fn default() -> Self {
        let defaults = NodePoolSpec::default();
        Self {
            id: 0,
            name: String::new(),
            flavor: String::new(),
            desired: "3".into(),
            min: defaults.min_nodes.to_string(),
            max: defaults.max_nodes.to_string(),
            autoscale: false,
            anti_affinity: false,
            monthly_billed: false,
            zone: String::new(),
            floating_ips: false,
            labels: String::new(),
            taints: String::new(),
            annotations: String::new(),
        }
    }
}

/// `text` trimmed, unless empty.
pub(super) fn optional(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

impl PoolDraft {
    /// A draft with `spec`'s settings, named `name` ("new pool with these settings").
    pub fn like(spec: &NodePoolSpec, name: String) -> Self {
        Self {
            id: 0,
            name,
            flavor: spec.flavor_name.clone(),
            desired: spec.desired_nodes.to_string(),
            min: spec.min_nodes.to_string(),
            max: spec.max_nodes.to_string(),
            autoscale: spec.autoscale,
            anti_affinity: spec.anti_affinity,
            monthly_billed: spec.monthly_billed,
            zone: spec.availability_zones.first().cloned().unwrap_or_default(),
            floating_ips: spec.attach_floating_ips,
            labels: pairs_text(&spec.template.labels),
            taints: taints_text(&spec.template.taints),
            annotations: pairs_text(&spec.template.annotations),
        }
    }

    pub(super) fn to_spec(&self, at: &str, plan: Plan, errors: &mut FieldErrors) -> NodePoolSpec {
        let field = |name: &str| format!("{at}.{name}");
        let desired_nodes = number(&self.desired, field("desiredNodes"), errors);
        NodePoolSpec {
            name: self.name.trim().to_string(),
            flavor_name: self.flavor.clone(),
            desired_nodes,
            min_nodes: if self.autoscale { number(&self.min, field("minNodes"), errors) } else { 0 },
            // A fixed pool keeps the provider's default bounds around its size.
            max_nodes: if self.autoscale {
                number(&self.max, field("maxNodes"), errors)
            } else {
                desired_nodes.max(NodePoolSpec::default().max_nodes)
            },
            autoscale: self.autoscale,
            autoscaling: Default::default(),
            anti_affinity: self.anti_affinity,
            monthly_billed: self.monthly_billed,
            availability_zones: optional(&self.zone).into_iter().collect(),
            attach_floating_ips: self.floating_ips && plan.floating_ips(),
            template: NodeTemplate {
                labels: pairs(&self.labels, field("template.labels"), errors),
                annotations: pairs(&self.annotations, field("template.annotations"), errors),
                taints: taints(&self.taints, field("template.taints"), errors),
                ..Default::default()
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pool_like_another_keeps_its_settings() {
        let mut spec = NodePoolSpec {
            name: "web".into(),
            flavor_name: "b3-16".into(),
            desired_nodes: 2,
            min_nodes: 1,
            max_nodes: 5,
            autoscale: true,
            anti_affinity: true,
            monthly_billed: true,
            availability_zones: vec!["eu-west-par-a".into()],
            attach_floating_ips: true,
            ..NodePoolSpec::default()
        };
        spec.template.labels.insert("team".into(), "web".into());
        spec.template.annotations.insert("owner".into(), "ops".into());
        let mut errors = FieldErrors::new();
        let copy = PoolDraft::like(&spec, "web-2".into()).to_spec("nodePools.0", Plan::Standard, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(copy, NodePoolSpec { name: "web-2".into(), ..spec });
    }
}
