//! Rules of a project's private networks and their subnets, shared by the emulator (which
//! enforces them as the provider does) and the pages (which check them as the user types).
//!
//! Sources: docs/provider-networks.md (VLAN ids 0–4000; a subnet's range is private address
//! space, its DHCP range inside it; subnets of one network in a region do not overlap).

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use crate::cidr::Ipv4Cidr;
use crate::validation::FieldErrors;

/// The highest VLAN id a private network may use.
pub const MAX_VLAN_ID: u32 = 4000;

/// Why a VLAN id is refused, if it is.
pub fn check_vlan(vlan_id: u32) -> Result<(), String> {
    match vlan_id <= MAX_VLAN_ID {
        true => Ok(()),
        false => Err(format!("The VLAN id must be from 0 to {MAX_VLAN_ID}.")),
    }
}

/// A subnet as asked for: its range and its DHCP range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SubnetRequest {
    pub cidr: Ipv4Cidr,
    pub start: Ipv4Addr,
    pub end: Ipv4Addr,
}

impl SubnetRequest {
    /// Every problem with the subnet beside `neighbours`, the other subnets of its network in
    /// the same region; fields are `network`, `start` and `end` as the provider names them.
    pub fn validate(&self, neighbours: &[Ipv4Cidr]) -> FieldErrors {
        let mut errors = FieldErrors::new();
        let cidr = self.cidr;
        if !cidr.is_private() {
            errors.add(
                "network",
                format!("{cidr} is not private: use 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16 space."),
            );
        }
        if cidr.prefix() > 29 {
            errors.add("network", format!("{cidr} is too small for a subnet: use a /29 or larger."));
        }
        if let Some(other) = neighbours.iter().find(|other| other.overlaps(&cidr)) {
            errors.add("network", format!("{cidr} overlaps {other}, another subnet of this network."));
        }
        for (field, address) in [("start", self.start), ("end", self.end)] {
            if !cidr.contains(address) {
                errors.add(field, format!("{address} is outside {cidr}."));
            }
        }
        if u32::from(self.start) > u32::from(self.end) {
            errors
                .add("end", format!("The DHCP range ends ({}) before it starts ({}).", self.end, self.start));
        }
        errors
    }

    /// The address the subnet advertises as its router: its first host address.
    pub fn gateway_ip(&self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.cidr.network()) + 1)
    }
}

/// A project's private networks as the network page and the wizard show them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworksView {
    pub networks: Vec<NetworkView>,
}

/// One network, region by region.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkView {
    /// `pn-…`: the network across its regions.
    pub id: String,
    pub name: String,
    pub vlan_id: u32,
    /// `ACTIVE` once built.
    pub status: String,
    pub regions: Vec<NetworkInRegion>,
    /// Names of the clusters on this network, in any region.
    pub used_by: Vec<String>,
}

/// The network in one region: the id clusters name it by, and its subnets there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkInRegion {
    pub region: String,
    /// What a cluster's `privateNetworkId` is set to.
    pub openstack_id: String,
    pub subnets: Vec<SubnetView>,
}

/// A subnet and the gateway that serves it, if any.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubnetView {
    pub id: String,
    pub cidr: String,
    /// The DHCP range, when the provider reports one.
    pub dhcp_start: Option<String>,
    pub dhcp_end: Option<String>,
    /// The router address the subnet advertises.
    pub gateway_ip: Option<String>,
    pub gateway: Option<GatewayView>,
    /// Names of the clusters whose nodes or load balancers are on this subnet.
    pub used_by: Vec<String>,
}

/// A managed gateway on a subnet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewayView {
    pub id: String,
    pub name: String,
    /// `s`, `m` or `l`.
    pub model: String,
    /// `in-progress` while built, then `active`.
    pub status: String,
    /// Its address on the subnet.
    pub ip: Option<String>,
}

impl GatewayView {
    /// Whether it routes traffic now.
    pub fn is_active(&self) -> bool {
        self.status == "active"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(cidr: &str, start: &str, end: &str) -> SubnetRequest {
        SubnetRequest {
            cidr: cidr.parse().unwrap(),
            start: start.parse().unwrap(),
            end: end.parse().unwrap(),
        }
    }

    fn fields(errors: &FieldErrors) -> Vec<String> {
        errors.iter().map(|e| e.field.clone()).collect()
    }

    #[test]
    fn a_private_subnet_with_its_dhcp_range_inside_is_accepted() {
        let subnet = request("192.168.168.0/24", "192.168.168.2", "192.168.168.254");
        assert!(subnet.validate(&[]).is_empty());
        assert_eq!(subnet.gateway_ip(), "192.168.168.1".parse::<Ipv4Addr>().unwrap());
    }

    #[test]
    fn public_ranges_stray_dhcp_ranges_and_overlaps_are_refused_at_their_field() {
        assert_eq!(fields(&request("8.8.8.0/24", "8.8.8.2", "8.8.8.9").validate(&[])), ["network"]);
        assert_eq!(fields(&request("10.0.0.0/24", "10.0.1.2", "10.0.0.9").validate(&[])), ["start", "end"]);
        let neighbour: Ipv4Cidr = "10.0.0.0/16".parse().unwrap();
        assert_eq!(
            fields(&request("10.0.5.0/24", "10.0.5.2", "10.0.5.9").validate(&[neighbour])),
            ["network"]
        );
        assert_eq!(fields(&request("10.1.0.0/30", "10.1.0.1", "10.1.0.2").validate(&[])), ["network"]);
    }

    #[test]
    fn vlan_ids_stop_at_4000() {
        assert!(check_vlan(0).is_ok() && check_vlan(4000).is_ok());
        assert!(check_vlan(4001).is_err());
    }
}
