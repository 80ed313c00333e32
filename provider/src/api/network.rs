//! A project's private networks (vRack), their subnets, the managed gateways of a region, and
//! the cloud operations the provider answers some creations with (docs/provider-networks.md).

use serde::{Deserialize, Serialize};

/// `POST /cloud/project/{serviceName}/network/private`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkCreation {
    pub name: String,
    /// The VLAN in the vRack (0 unless given).
    #[serde(default)]
    pub vlan_id: u32,
    /// Regions to create the network in.
    pub regions: Vec<String>,
}

/// A private network, once per region it exists in.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Network {
    /// `pn-<vrack>_<vlanId>`: the network across its regions.
    pub id: String,
    pub name: String,
    pub vlan_id: u32,
    pub status: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub regions: Vec<NetworkRegion>,
}

impl Network {
    /// The network's OpenStack id in `region`: what a cluster's `privateNetworkId` and a
    /// gateway's `networkId` name.
    pub fn openstack_id(&self, region: &str) -> Option<&str> {
        self.regions.iter().find(|r| r.region == region).map(|r| r.openstack_id.as_str())
    }
}

/// The network in one region.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct NetworkRegion {
    pub region: String,
    pub status: String,
    pub openstack_id: String,
}

/// `POST /cloud/project/{serviceName}/network/private/{networkId}/subnet`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubnetCreation {
    pub region: String,
    /// The subnet's range, CIDR.
    pub network: String,
    /// The DHCP range's first and last address.
    pub start: String,
    pub end: String,
    #[serde(default)]
    pub dhcp: bool,
    /// No gateway address advertised.
    #[serde(default)]
    pub no_gateway: bool,
}

/// A subnet of a private network.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Subnet {
    /// The OpenStack subnet id (what `nodesSubnetId` names).
    pub id: String,
    pub cidr: String,
    /// The router address the subnet advertises, if any.
    pub gateway_ip: Option<String>,
    pub ip_pools: Vec<IpPool>,
}

/// A subnet's addresses in one region.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IpPool {
    pub region: String,
    pub network: String,
    pub start: String,
    pub end: String,
    pub dhcp: bool,
}

/// `POST /cloud/project/{serviceName}/region/{regionName}/network/{networkId}/subnet/{subnetId}/gateway`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewayCreation {
    pub name: String,
    /// `s`, `m` or `l`.
    pub model: String,
}

/// A managed gateway (an OpenStack router with its public address).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Gateway {
    pub id: String,
    pub name: String,
    pub model: String,
    /// `in-progress` while built, then `active`.
    pub status: String,
    pub region: String,
    pub interfaces: Vec<GatewayInterface>,
    pub external_information: Option<GatewayExternal>,
}

/// The gateway's address on a private subnet.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GatewayInterface {
    pub id: String,
    pub ip: String,
    /// OpenStack ids.
    pub network_id: String,
    pub subnet_id: String,
}

/// The gateway's public side.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct GatewayExternal {
    pub network_id: String,
    pub ips: Vec<ExternalIp>,
}

/// One public address of a gateway.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ExternalIp {
    pub ip: String,
    pub subnet_id: String,
}

/// `GET /cloud/project/{serviceName}/operation/{operationId}`: a creation the provider carries
/// out in the background.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CloudOperation {
    pub id: String,
    pub action: String,
    /// `in-progress`, then `completed` (other values when it fails).
    pub status: String,
    pub created_at: String,
    pub started_at: Option<String>,
    pub completed_at: Option<String>,
    pub progress: u32,
    pub regions: Vec<String>,
    /// What the operation made, once known (a gateway's id).
    pub resource_id: Option<String>,
}
