//! The border between the wire format and the console's domain types: every conversion in one
//! place, so the client, the server and the emulator read the provider's bodies the same way.

use model::node_pool::{AutoscalingTuning, NodePoolSpec, NodeTemplate};
use model::oidc::{OidcConfig, SigningAlgorithm};

use super::node_pool::{
    AutoscalingSettings, NodePoolCreation, NodePoolTemplate, TemplateMetadata, TemplateSpec,
};
use super::small::OpenIdConnect;

impl From<&OpenIdConnect> for OidcConfig {
    fn from(o: &OpenIdConnect) -> Self {
        Self {
            client_id: o.client_id.clone(),
            issuer_url: o.issuer_url.clone(),
            username_claim: o.username_claim.clone(),
            username_prefix: o.username_prefix.clone(),
            groups_claim: o.groups_claim.clone().unwrap_or_default(),
            groups_prefix: o.groups_prefix.clone(),
            required_claim: o.required_claim.clone().unwrap_or_default(),
            signing_algorithms: o
                .signing_algorithms
                .iter()
                .flatten()
                .map(|a| SigningAlgorithm::from_wire(a))
                .collect(),
            ca_content: o.ca_content.clone(),
        }
    }
}

impl From<AutoscalingSettings> for AutoscalingTuning {
    fn from(s: AutoscalingSettings) -> Self {
        Self {
            scale_down_unneeded_time_seconds: s.scale_down_unneeded_time_seconds,
            scale_down_unready_time_seconds: s.scale_down_unready_time_seconds,
            scale_down_utilization_threshold: s.scale_down_utilization_threshold,
        }
    }
}

impl From<AutoscalingTuning> for AutoscalingSettings {
    fn from(t: AutoscalingTuning) -> Self {
        Self {
            scale_down_unneeded_time_seconds: t.scale_down_unneeded_time_seconds,
            scale_down_unready_time_seconds: t.scale_down_unready_time_seconds,
            scale_down_utilization_threshold: t.scale_down_utilization_threshold,
        }
    }
}

impl From<&NodePoolTemplate> for NodeTemplate {
    fn from(t: &NodePoolTemplate) -> Self {
        Self {
            labels: t.metadata.labels.clone(),
            annotations: t.metadata.annotations.clone(),
            finalizers: t.metadata.finalizers.clone(),
            taints: t.spec.taints.clone(),
            unschedulable: t.spec.unschedulable,
        }
    }
}

impl From<&NodeTemplate> for NodePoolTemplate {
    fn from(t: &NodeTemplate) -> Self {
        Self {
            metadata: TemplateMetadata {
                labels: t.labels.clone(),
                annotations: t.annotations.clone(),
                finalizers: t.finalizers.clone(),
            },
            spec: TemplateSpec { taints: t.taints.clone(), unschedulable: t.unschedulable },
        }
    }
}

impl NodePoolCreation {
    /// The domain spec this body asks for, with the provider's defaults for absent fields and
    /// `default_name` when no name is given.
    pub fn to_spec(&self, default_name: &str) -> NodePoolSpec {
        let defaults = NodePoolSpec::default();
        let sizing = &self.sizing;
        NodePoolSpec {
            name: self.name.clone().unwrap_or_else(|| default_name.to_string()),
            flavor_name: self.flavor_name.clone(),
            desired_nodes: sizing.desired_nodes.unwrap_or(defaults.desired_nodes),
            min_nodes: sizing.min_nodes.unwrap_or(defaults.min_nodes),
            max_nodes: sizing.max_nodes.unwrap_or(defaults.max_nodes),
            autoscale: sizing.autoscale.unwrap_or(defaults.autoscale),
            autoscaling: sizing.autoscaling.map(Into::into).unwrap_or(defaults.autoscaling),
            anti_affinity: self.anti_affinity.unwrap_or(defaults.anti_affinity),
            monthly_billed: self.monthly_billed.unwrap_or(defaults.monthly_billed),
            availability_zones: self.availability_zones.clone().unwrap_or_default(),
            attach_floating_ips: self.attach_floating_ips.is_some_and(|f| f.enabled),
            template: self.template.as_ref().map(Into::into).unwrap_or_default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_fields_take_the_providers_defaults() {
        let creation: NodePoolCreation = serde_json::from_str(r#"{"flavorName":"b3-8"}"#).unwrap();
        let spec = creation.to_spec("nodepool-1");
        assert_eq!(
            spec,
            NodePoolSpec { name: "nodepool-1".into(), flavor_name: "b3-8".into(), ..Default::default() }
        );
    }

    #[test]
    fn templates_survive_the_round_trip() {
        let wire: NodePoolTemplate = serde_json::from_str(
            r#"{"metadata":{"labels":{"a":"b"},"annotations":{"c":"d"},"finalizers":["x.io/y"]},
                "spec":{"taints":[{"key":"k","value":"v","effect":"NoExecute"}],"unschedulable":true}}"#,
        )
        .unwrap();
        let domain = NodeTemplate::from(&wire);
        assert_eq!(NodePoolTemplate::from(&domain), wire);
    }
}
