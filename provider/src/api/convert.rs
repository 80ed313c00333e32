//! The border between the wire format and the console's domain types: every conversion in one
//! place, so the client, the server and the emulator read the provider's bodies the same way.

use model::cluster_spec::{ClusterSpec, PrivateNetwork};
use model::live::{LiveCluster, PoolCounts};
use model::node_pool::{AutoscalingTuning, NodePoolSpec, NodeTemplate};
use model::oidc::{OidcConfig, SigningAlgorithm};
use model::plan::Plan;

use super::cluster::{Cluster, ClusterCreation, IpAllocationPolicy, PrivateNetworkConfiguration};
use super::node_pool::{
    AutoscalingSettings, FloatingIps, NodePool, NodePoolCreation, NodePoolSizing, NodePoolTemplate,
    TemplateMetadata, TemplateSpec,
};
use super::small::OpenIdConnect;

impl From<&Cluster> for LiveCluster {
    fn from(cluster: &Cluster) -> Self {
        LiveCluster {
            id: cluster.id.clone(),
            name: cluster.name.clone(),
            region: cluster.region.clone(),
            plan: cluster.known_plan(),
            version: cluster.version.clone(),
            status: cluster.status.clone(),
            next_versions: cluster.next_upgrade_versions.clone().unwrap_or_default(),
            patch_pending: !cluster.is_up_to_date,
            created_at: cluster.created_at.clone(),
            nodes: None,
        }
    }
}

impl From<&NodePool> for PoolCounts {
    fn from(pool: &NodePool) -> Self {
        PoolCounts { current_nodes: pool.current_nodes, available_nodes: pool.available_nodes }
    }
}

impl From<&ClusterSpec> for ClusterCreation {
    /// The creation body for a validated spec: every pool in `nodepools`, the API allow-list left
    /// to its own call (the body has no field for it).
    fn from(spec: &ClusterSpec) -> Self {
        let network = spec.private_network.as_ref();
        Self {
            region: spec.region.clone(),
            name: Some(spec.name.clone()),
            version: Some(spec.version.minor_version().to_string()),
            plan: Some(spec.plan.api_value().to_string()),
            update_policy: Some(spec.update_policy.clone()),
            kube_proxy_mode: Some(spec.kube_proxy_mode.clone()),
            customization: None,
            ip_allocation_policy: spec.ip_allocation_policy.as_ref().map(|p| IpAllocationPolicy {
                pods_ipv4_cidr: Some(p.pods_ipv4_cidr.to_string()),
                services_ipv4_cidr: Some(p.services_ipv4_cidr.to_string()),
            }),
            private_network_id: network.map(|n| n.private_network_id.clone()),
            nodes_subnet_id: network.and_then(|n| n.nodes_subnet_id.clone()),
            load_balancers_subnet_id: network.and_then(|n| n.load_balancers_subnet_id.clone()),
            private_network_configuration: network.map(|n| PrivateNetworkConfiguration {
                default_vrack_gateway: n.default_vrack_gateway.clone(),
                private_network_routing_as_default: Some(n.private_network_routing_as_default),
            }),
            nodepools: Some(spec.node_pools.iter().map(NodePoolCreation::from).collect()),
            nodepool: None,
        }
    }
}

/// The spec that creates a cluster like `cluster`, with `pools` and the API server allow-list
/// `allow_list`: the cluster as a template (ids, states and dates left out). The private
/// network is named by its id; the nodes subnet's range and gateway are for the console to
/// fill in when it knows them.
pub fn template(cluster: &Cluster, pools: &[NodePool], allow_list: &[String]) -> Result<ClusterSpec, String> {
    let version: model::KubeVersion =
        cluster.version.parse().map_err(|e| format!("the cluster's version cannot be read: {e}"))?;
    let plan = cluster.known_plan();
    let private_network = cluster.private_network_id.as_ref().map(|id| {
        let configuration = cluster.private_network_configuration.clone().unwrap_or_default();
        PrivateNetwork {
            private_network_id: id.clone(),
            nodes_subnet_id: cluster.nodes_subnet_id.clone(),
            nodes_subnet_cidr: None,
            load_balancers_subnet_id: cluster.load_balancers_subnet_id.clone(),
            subnet_has_gateway: false,
            default_vrack_gateway: configuration.default_vrack_gateway,
            private_network_routing_as_default: configuration
                .private_network_routing_as_default
                .unwrap_or(false),
        }
    });
    // Custom ranges are a Standard setting; a Free cluster's reported ranges are its defaults.
    let ip_allocation_policy = match (&cluster.ip_allocation_policy, plan) {
        (Some(policy), Plan::Standard) => match (&policy.pods_ipv4_cidr, &policy.services_ipv4_cidr) {
            (Some(pods), Some(services)) => Some(model::network::IpAllocationPolicy {
                pods_ipv4_cidr: pods.parse().map_err(|e| format!("the pods range cannot be read: {e}"))?,
                services_ipv4_cidr: services
                    .parse()
                    .map_err(|e| format!("the services range cannot be read: {e}"))?,
            }),
            _ => None,
        },
        _ => None,
    };
    let api_allow_list = allow_list
        .iter()
        .map(|entry| entry.parse().map_err(|e| format!("the allow-list entry {entry} cannot be read: {e}")))
        .collect::<Result<_, String>>()?;
    // Pools by name: their order in the provider's answers means nothing.
    let mut node_pools: Vec<NodePoolSpec> = pools.iter().map(NodePoolSpec::from).collect();
    node_pools.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(ClusterSpec {
        name: cluster.name.clone(),
        region: cluster.region.clone(),
        plan,
        version: version.minor_version(),
        update_policy: cluster.update_policy.clone(),
        kube_proxy_mode: cluster.kube_proxy_mode.clone(),
        private_network,
        ip_allocation_policy,
        api_allow_list,
        node_pools,
    })
}

impl From<&NodePoolSpec> for NodePoolCreation {
    /// Every field stated, so the pool is what the user saw rather than the provider's defaults.
    fn from(spec: &NodePoolSpec) -> Self {
        Self {
            flavor_name: spec.flavor_name.clone(),
            name: Some(spec.name.clone()),
            sizing: NodePoolSizing {
                desired_nodes: Some(spec.desired_nodes),
                min_nodes: Some(spec.min_nodes),
                max_nodes: Some(spec.max_nodes),
                autoscale: Some(spec.autoscale),
                autoscaling: Some(spec.autoscaling.into()),
            },
            anti_affinity: Some(spec.anti_affinity),
            monthly_billed: Some(spec.monthly_billed),
            availability_zones: (!spec.availability_zones.is_empty())
                .then(|| spec.availability_zones.clone()),
            attach_floating_ips: spec.attach_floating_ips.then_some(FloatingIps { enabled: true }),
            template: Some((&spec.template).into()),
        }
    }
}

impl From<&NodePool> for NodePoolSpec {
    /// The spec a pool now has, as the provider reports it.
    fn from(pool: &NodePool) -> Self {
        Self {
            name: pool.name.clone(),
            flavor_name: pool.flavor.clone(),
            desired_nodes: pool.desired_nodes,
            min_nodes: pool.min_nodes,
            max_nodes: pool.max_nodes,
            autoscale: pool.autoscale,
            autoscaling: pool.autoscaling.map(Into::into).unwrap_or_default(),
            anti_affinity: pool.anti_affinity,
            monthly_billed: pool.monthly_billed,
            availability_zones: pool.availability_zones.clone().unwrap_or_default(),
            attach_floating_ips: pool.attach_floating_ips.is_some_and(|f| f.enabled),
            template: (&pool.template).into(),
        }
    }
}

impl From<&OidcConfig> for OpenIdConnect {
    fn from(c: &OidcConfig) -> Self {
        let some = |v: &Vec<String>| (!v.is_empty()).then(|| v.clone());
        Self {
            client_id: c.client_id.clone(),
            issuer_url: c.issuer_url.clone(),
            username_claim: c.username_claim.clone(),
            username_prefix: c.username_prefix.clone(),
            groups_claim: some(&c.groups_claim),
            groups_prefix: c.groups_prefix.clone(),
            required_claim: some(&c.required_claim),
            signing_algorithms: (!c.signing_algorithms.is_empty())
                .then(|| c.signing_algorithms.iter().map(|a| a.as_wire().to_string()).collect()),
            ca_content: c.ca_content.clone(),
        }
    }
}

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
    fn a_pool_spec_survives_the_creation_body() {
        let spec = NodePoolSpec {
            name: "gpu".into(),
            flavor_name: "t1-45".into(),
            desired_nodes: 2,
            autoscale: true,
            min_nodes: 1,
            max_nodes: 4,
            availability_zones: vec!["eu-west-par-a".into()],
            attach_floating_ips: true,
            ..Default::default()
        };
        assert_eq!(NodePoolCreation::from(&spec).to_spec("other"), spec);
    }

    #[test]
    fn oidc_settings_survive_the_wire_body() {
        let config = OidcConfig {
            client_id: "kube".into(),
            issuer_url: "https://id.example".into(),
            groups_claim: vec!["groups".into()],
            signing_algorithms: vec![SigningAlgorithm::Es256],
            ..Default::default()
        };
        assert_eq!(OidcConfig::from(&OpenIdConnect::from(&config)), config);
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
