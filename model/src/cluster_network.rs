//! A cluster's place on its private network, as its Network card shows it, and the changes the
//! card asks for: the load balancers' subnet and how the nodes route their traffic.
//!
//! Sources: spec/provider-api.md (`privateNetworkConfiguration`: `defaultVrackGateway` must lie
//! in the private network, `""` disables it; the subnet's DHCP gateway is used with `""` and
//! `privateNetworkRoutingAsDefault: true`; `loadBalancersSubnetId` needs the nodes subnet; both
//! PUTs redeploy the cluster: `REDEPLOYING` → `READY`).

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use crate::cidr::Ipv4Cidr;
use crate::private_network::SubnetView;
use crate::validation::FieldErrors;

/// How the nodes send traffic that leaves the private network.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", tag = "mode", content = "address")]
pub enum Routing {
    /// Through each node's public interface (the provider's default).
    #[default]
    Public,
    /// Through the gateway the nodes subnet's DHCP advertises.
    SubnetGateway,
    /// Through this address on the private network.
    Gateway(String),
}

impl Routing {
    /// The routing a cluster's `defaultVrackGateway` and `privateNetworkRoutingAsDefault` say.
    pub fn from_provider(default_vrack_gateway: &str, routing_as_default: bool) -> Self {
        match (default_vrack_gateway.trim(), routing_as_default) {
            ("", false) => Routing::Public,
            ("", true) => Routing::SubnetGateway,
            (address, _) => Routing::Gateway(address.to_string()),
        }
    }

    /// The provider's `defaultVrackGateway` and `privateNetworkRoutingAsDefault` for it.
    pub fn to_provider(&self) -> (String, bool) {
        match self {
            Routing::Public => (String::new(), false),
            Routing::SubnetGateway => (String::new(), true),
            Routing::Gateway(address) => (address.trim().to_string(), true),
        }
    }

    /// In words, for the card.
    pub fn describe(&self) -> String {
        match self {
            Routing::Public => "Through each node's public interface".into(),
            Routing::SubnetGateway => "Through the subnet's gateway (advertised by its DHCP)".into(),
            Routing::Gateway(address) => format!("Through {address} on the private network"),
        }
    }

    /// Why the provider would refuse it for a cluster whose nodes subnet is `nodes` (when
    /// known), at the field `defaultVrackGateway`.
    pub fn validate(&self, nodes: Option<&Ipv4Cidr>) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if let Routing::Gateway(text) = self {
            match text.trim().parse::<Ipv4Addr>() {
                Err(_) => {
                    errors.add("defaultVrackGateway", format!("{} is not an IPv4 address.", text.trim()))
                }
                Ok(address) => {
                    if let Some(subnet) = nodes.filter(|s| !s.contains(address)) {
                        errors.add(
                            "defaultVrackGateway",
                            format!("{address} is outside the nodes subnet {subnet}: the gateway must be on the private network."),
                        );
                    }
                }
            }
        }
        errors
    }
}

/// What a cluster's Network card shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ClusterNetwork {
    pub region: String,
    /// The network's id in the region (`privateNetworkId`); `None` on the public network.
    pub private_network_id: Option<String>,
    /// The network's name and `pn-…` id, when the project's networks list it.
    pub network_name: Option<String>,
    pub network_id: Option<String>,
    pub nodes_subnet: Option<SubnetView>,
    pub load_balancers_subnet: Option<SubnetView>,
    /// The network's subnets in the region: the choices for the load balancers.
    pub subnets: Vec<SubnetView>,
    pub routing: Routing,
}

/// What a change on the Network card redeploys, said before confirming.
pub const REDEPLOY_NOTICE: &str = "Saving redeploys the cluster: it shows REDEPLOYING for a few minutes, \
     then READY. Workloads keep running; the API server may be briefly unreachable.";

/// Why the load balancers cannot move to subnet `wanted` (`None`: back to the nodes subnet),
/// at the field `loadBalancersSubnetId`.
pub fn check_load_balancers_subnet(network: &ClusterNetwork, wanted: Option<&str>) -> FieldErrors {
    let mut errors = FieldErrors::new();
    let Some(wanted) = wanted else { return errors };
    if network.nodes_subnet.is_none() {
        errors.add("loadBalancersSubnetId", "A load-balancer subnet needs the nodes subnet to be chosen.");
    } else if !network.subnets.iter().any(|s| s.id == wanted) {
        errors.add(
            "loadBalancersSubnetId",
            format!("The network has no subnet {wanted} in {}.", network.region),
        );
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routing_reads_and_writes_the_providers_two_fields() {
        for routing in [Routing::Public, Routing::SubnetGateway, Routing::Gateway("10.0.0.1".into())] {
            let (gateway, default) = routing.to_provider();
            assert_eq!(Routing::from_provider(&gateway, default), routing);
        }
    }

    #[test]
    fn an_own_gateway_is_an_address_in_the_nodes_subnet() {
        let nodes: Ipv4Cidr = "10.0.0.0/24".parse().unwrap();
        assert!(Routing::Gateway("10.0.0.1".into()).validate(Some(&nodes)).is_empty());
        let outside = Routing::Gateway("10.9.0.1".into()).validate(Some(&nodes));
        assert!(outside.message_for("defaultVrackGateway").unwrap().contains("outside"));
        assert!(!Routing::Gateway("ten".into()).validate(None).is_empty());
    }

    #[test]
    fn a_load_balancer_subnet_is_one_of_the_networks_in_the_region() {
        let subnet = SubnetView {
            id: "s1".into(),
            cidr: "10.0.0.0/24".into(),
            dhcp_start: None,
            dhcp_end: None,
            gateway_ip: None,
            gateway: None,
            used_by: Vec::new(),
        };
        let mut network = ClusterNetwork { subnets: vec![subnet.clone()], ..ClusterNetwork::default() };
        assert!(!check_load_balancers_subnet(&network, Some("s1")).is_empty(), "no nodes subnet");
        network.nodes_subnet = Some(subnet);
        assert!(check_load_balancers_subnet(&network, Some("s1")).is_empty());
        assert!(!check_load_balancers_subnet(&network, Some("s2")).is_empty());
        assert!(check_load_balancers_subnet(&network, None).is_empty());
    }
}
