//! What a user asks for when creating a cluster, and every rule it must satisfy.
//!
//! Sources: provider-api.md §4.1 (creation body), §4.4 (private network configuration) and §7
//! (3-AZ regions need a private network, a subnet with a gateway, and one zone per pool; the
//! load-balancer subnet needs the nodes subnet); domain.md "Plans", "Node pools", "Networking".

use serde::{Deserialize, Serialize};

use crate::cidr::Ipv4Cidr;
use crate::name::check_name;
use crate::network::{self, IpAllocationPolicy};
use crate::node_pool::{NodePoolSpec, check_node_limit};
use crate::plan::Plan;
use crate::region::{Region, RegionKind};
use crate::validation::FieldErrors;
use crate::version::{self, KubeProxyMode, KubeVersion, UpdatePolicy};

/// The private network (vRack) the nodes attach to.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PrivateNetwork {
    pub private_network_id: String,
    /// The nodes' subnet; chosen by the provider when absent.
    #[serde(default)]
    pub nodes_subnet_id: Option<String>,
    /// The nodes subnet's range, when known, to check it against the cluster's ranges.
    #[serde(default)]
    pub nodes_subnet_cidr: Option<Ipv4Cidr>,
    /// A separate subnet for load balancers; needs `nodesSubnetId`.
    #[serde(default)]
    pub load_balancers_subnet_id: Option<String>,
    /// Whether the nodes subnet has a gateway (router): needed in 3-AZ regions and for floating IPs.
    #[serde(default)]
    pub subnet_has_gateway: bool,
    /// All egress goes through this address when set; empty means disabled.
    #[serde(default)]
    pub default_vrack_gateway: String,
    /// Route through the private interface by default instead of the public one.
    #[serde(default)]
    pub private_network_routing_as_default: bool,
}

/// A cluster to create.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ClusterSpec {
    pub name: String,
    pub region: String,
    pub plan: Plan,
    /// A minor (`1.35`).
    pub version: KubeVersion,
    pub update_policy: UpdatePolicy,
    pub kube_proxy_mode: KubeProxyMode,
    /// `None` for the public network.
    pub private_network: Option<PrivateNetwork>,
    /// Custom pod and service ranges (Standard only); the plan's defaults when `None`.
    pub ip_allocation_policy: Option<IpAllocationPolicy>,
    /// Addresses allowed to reach the API server; empty means everyone.
    pub api_allow_list: Vec<Ipv4Cidr>,
    pub node_pools: Vec<NodePoolSpec>,
}

impl ClusterSpec {
    /// Every problem with the spec in `region` (the region named by `self.region`, as the
    /// provider's capabilities describe it), each at its field.
    pub fn validate(&self, region: &Region) -> FieldErrors {
        let mut errors = FieldErrors::new();
        errors.check("name", check_name(&self.name));
        if let Some(reason) = region.refuses(self.plan) {
            errors.add("region", reason);
        }
        if !version::is_offered(self.version) {
            errors.add("version", format!("Kubernetes {} is not offered for new clusters.", self.version));
        }
        self.validate_network(region, &mut errors);
        if let Some(policy) = &self.ip_allocation_policy {
            errors.append(policy.validate(self.plan));
        }
        self.validate_node_pools(region, &mut errors);
        errors
    }

    fn validate_network(&self, region: &Region, errors: &mut FieldErrors) {
        let three_zone = region.kind() == RegionKind::ThreeZone;
        let Some(net) = &self.private_network else {
            if three_zone {
                errors.add("privateNetwork", "A 3-AZ region needs a private network with a gateway.");
            }
            return;
        };
        if net.private_network_id.trim().is_empty() {
            errors.add("privateNetwork.privateNetworkId", "Choose a private network.");
        }
        if net.load_balancers_subnet_id.is_some() && net.nodes_subnet_id.is_none() {
            errors.add(
                "privateNetwork.loadBalancersSubnetId",
                "Choose the nodes subnet first: a load-balancer subnet needs one.",
            );
        }
        if three_zone && !net.subnet_has_gateway {
            errors.add(
                "privateNetwork.nodesSubnetId",
                "In a 3-AZ region the nodes subnet needs a gateway (an OpenStack router).",
            );
        }
        if let Some(subnet) = net.nodes_subnet_cidr
            && let Err(overlap) = network::check_subnet(self.plan, self.ip_allocation_policy.as_ref(), subnet)
        {
            errors.add("privateNetwork.nodesSubnetId", overlap);
            // A range the user chose is at fault as much as the subnet: said at its field too.
            let chosen = self.plan.cluster_ranges().configurable && self.ip_allocation_policy.is_some();
            let field = match overlap.range.purpose {
                "pods" => Some("ipAllocationPolicy.podsIpv4Cidr"),
                "services" => Some("ipAllocationPolicy.servicesIpv4Cidr"),
                _ => None,
            };
            if let Some(field) = field.filter(|_| chosen) {
                errors.add(
                    field,
                    format!("Overlaps the nodes subnet {}: the two must be separate.", overlap.subnet),
                );
            }
        }
    }

    fn validate_node_pools(&self, region: &Region, errors: &mut FieldErrors) {
        if self.node_pools.is_empty() {
            errors.add("nodePools", "Add at least one node pool.");
        }
        let gateway = self.private_network.as_ref().is_some_and(|n| n.subnet_has_gateway);
        for (i, pool) in self.node_pools.iter().enumerate() {
            let at = |field: &str| format!("nodePools.{i}.{field}");
            errors.extend_under(&format!("nodePools.{i}"), pool.validate(self.plan));
            if self.node_pools[..i].iter().any(|earlier| earlier.name == pool.name) {
                errors.add(at("name"), "Another pool already has this name.");
            }
            errors.check(at("availabilityZones"), pool.check_zone(region));
            if pool.attach_floating_ips && self.plan.floating_ips() && !gateway {
                errors.add(
                    at("attachFloatingIps"),
                    "Floating IPs need a private network whose nodes subnet has a gateway.",
                );
            }
        }
        errors.check("nodePools", check_node_limit(self.plan, &self.node_pools));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::DEFAULT_MINOR;

    fn gra() -> Region {
        Region { name: "GRA11".into(), zones: vec![] }
    }

    fn par() -> Region {
        Region {
            name: "EU-WEST-PAR".into(),
            zones: vec!["eu-west-par-a".into(), "eu-west-par-b".into(), "eu-west-par-c".into()],
        }
    }

    fn pool(name: &str) -> NodePoolSpec {
        NodePoolSpec {
            name: name.into(),
            flavor_name: "b3-16".into(),
            desired_nodes: 3,
            ..Default::default()
        }
    }

    fn spec() -> ClusterSpec {
        ClusterSpec {
            name: "prod".into(),
            region: "GRA11".into(),
            plan: Plan::Free,
            version: DEFAULT_MINOR,
            update_policy: UpdatePolicy::default(),
            kube_proxy_mode: KubeProxyMode::Iptables,
            private_network: None,
            ip_allocation_policy: None,
            api_allow_list: vec![],
            node_pools: vec![pool("general")],
        }
    }

    fn three_zone_spec() -> ClusterSpec {
        let mut spec = ClusterSpec { plan: Plan::Standard, region: "EU-WEST-PAR".into(), ..spec() };
        spec.private_network = Some(PrivateNetwork {
            private_network_id: "pn-1".into(),
            nodes_subnet_id: Some("subnet-1".into()),
            nodes_subnet_cidr: Some("192.168.0.0/24".parse().unwrap()),
            subnet_has_gateway: true,
            ..Default::default()
        });
        spec.node_pools = vec![pool("zone-a"), pool("zone-b")];
        spec.node_pools[0].availability_zones = vec!["eu-west-par-a".into()];
        spec.node_pools[1].availability_zones = vec!["eu-west-par-b".into()];
        spec
    }

    #[test]
    fn a_simple_free_cluster_is_valid() {
        assert_eq!(spec().validate(&gra()), FieldErrors::new());
    }

    #[test]
    fn a_complete_3_az_standard_cluster_is_valid() {
        assert_eq!(three_zone_spec().validate(&par()), FieldErrors::new());
    }

    #[test]
    fn three_zone_rules() {
        let free = ClusterSpec { plan: Plan::Free, ..three_zone_spec() };
        assert!(free.validate(&par()).message_for("region").is_some());

        let public = ClusterSpec { private_network: None, ..three_zone_spec() };
        assert!(public.validate(&par()).message_for("privateNetwork").is_some());

        let mut no_gateway = three_zone_spec();
        no_gateway.private_network.as_mut().unwrap().subnet_has_gateway = false;
        assert!(
            no_gateway
                .validate(&par())
                .message_for("privateNetwork.nodesSubnetId")
                .unwrap()
                .contains("gateway")
        );

        let mut zoneless = three_zone_spec();
        zoneless.node_pools[1].availability_zones.clear();
        assert!(zoneless.validate(&par()).message_for("nodePools.1.availabilityZones").is_some());

        let mut wrong_zone = three_zone_spec();
        wrong_zone.node_pools[0].availability_zones = vec!["gra-a".into()];
        assert_eq!(
            wrong_zone.validate(&par()).message_for("nodePools.0.availabilityZones"),
            Some("gra-a is not a zone of EU-WEST-PAR.")
        );
    }

    #[test]
    fn pools_are_checked_together_and_one_by_one() {
        let mut spec = spec();
        spec.node_pools = vec![pool("general"), pool("general")];
        spec.node_pools[1].min_nodes = 9;
        let errors = spec.validate(&gra());
        assert_eq!(errors.message_for("nodePools.1.name"), Some("Another pool already has this name."));
        assert!(errors.message_for("nodePools.1.minNodes").is_some());

        let big = ClusterSpec {
            node_pools: vec![pool("small"), NodePoolSpec { desired_nodes: 98, ..pool("large") }],
            ..spec.clone()
        };
        assert!(big.validate(&gra()).message_for("nodePools").unwrap().contains("101 nodes"));

        let none = ClusterSpec { node_pools: vec![], ..spec };
        assert_eq!(none.validate(&gra()).message_for("nodePools"), Some("Add at least one node pool."));
    }

    #[test]
    fn network_rules() {
        let mut overlapping = three_zone_spec();
        overlapping.private_network.as_mut().unwrap().nodes_subnet_cidr =
            Some("10.3.1.0/24".parse().unwrap());
        assert!(
            overlapping
                .validate(&par())
                .message_for("privateNetwork.nodesSubnetId")
                .unwrap()
                .contains("services")
        );
        assert_eq!(overlapping.validate(&par()).message_for("ipAllocationPolicy.servicesIpv4Cidr"), None);
        let services: Ipv4Cidr = "10.3.0.0/16".parse().unwrap();
        overlapping.ip_allocation_policy = Some(IpAllocationPolicy {
            pods_ipv4_cidr: "10.240.0.0/13".parse().unwrap(),
            services_ipv4_cidr: services,
        });
        assert!(
            overlapping
                .validate(&par())
                .message_for("ipAllocationPolicy.servicesIpv4Cidr")
                .unwrap()
                .contains("10.3.1.0/24"),
            "a chosen services range is named at its field"
        );

        let mut lb = three_zone_spec();
        let net = lb.private_network.as_mut().unwrap();
        net.nodes_subnet_id = None;
        net.load_balancers_subnet_id = Some("subnet-2".into());
        assert!(lb.validate(&par()).message_for("privateNetwork.loadBalancersSubnetId").is_some());

        let mut fip = spec();
        fip.plan = Plan::Standard;
        fip.node_pools[0].attach_floating_ips = true;
        assert!(
            fip.validate(&gra()).message_for("nodePools.0.attachFloatingIps").unwrap().contains("gateway")
        );

        let custom = ClusterSpec {
            ip_allocation_policy: Some(IpAllocationPolicy {
                pods_ipv4_cidr: "10.100.0.0/16".parse().unwrap(),
                services_ipv4_cidr: "10.100.0.0/16".parse().unwrap(),
            }),
            ..three_zone_spec()
        };
        assert!(custom.validate(&par()).message_for("ipAllocationPolicy.servicesIpv4Cidr").is_some());
    }

    #[test]
    fn old_versions_are_not_offered() {
        let old = ClusterSpec { version: "1.29".parse().unwrap(), ..spec() };
        assert_eq!(
            old.validate(&gra()).message_for("version"),
            Some("Kubernetes 1.29 is not offered for new clusters.")
        );
    }

    proptest::proptest! {
        #[test]
        fn serialise_round_trip_keeps_the_verdict(
            name in "[a-z][a-z0-9-]{0,20}", minor in 29u16..37, standard: bool, desired in 0u32..120,
        ) {
            let mut spec = ClusterSpec {
                name,
                version: KubeVersion::minor(1, minor),
                plan: if standard { Plan::Standard } else { Plan::Free },
                ..spec()
            };
            spec.node_pools[0].desired_nodes = desired;
            let json = serde_json::to_string(&spec).unwrap();
            let back: ClusterSpec = serde_json::from_str(&json).unwrap();
            proptest::prop_assert_eq!(&back, &spec);
            proptest::prop_assert_eq!(back.validate(&gra()), spec.validate(&gra()));
        }
    }
}
