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

/// The managed gateway's sizes: the provider's model code and what pages call it.
pub const GATEWAY_SIZES: [(&str, &str); 3] = [("s", "Small"), ("m", "Medium"), ("l", "Large")];

/// A subnet as the console's forms ask for it, as typed, with a gateway when one is wanted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SubnetForm {
    pub cidr: String,
    pub dhcp_start: String,
    pub dhcp_end: String,
    /// The gateway's size (`s`, `m`, `l`); `None` for no gateway.
    pub gateway: Option<String>,
}

impl SubnetForm {
    /// The subnet asked for, or every problem under the form's field names (`cidr`, `dhcpStart`,
    /// `dhcpEnd`, `gateway`); `neighbours` are the network's other subnets in the region.
    pub fn parse(&self, neighbours: &[Ipv4Cidr]) -> Result<SubnetRequest, FieldErrors> {
        let mut errors = FieldErrors::new();
        let cidr = self.cidr.trim().parse::<Ipv4Cidr>();
        if let Err(e) = &cidr {
            errors.add("cidr", e);
        }
        let address =
            |field: &str, text: &str, errors: &mut FieldErrors| match text.trim().parse::<Ipv4Addr>() {
                Ok(address) => Some(address),
                Err(_) => {
                    errors.add(field, format!("{} is not an IPv4 address.", text.trim()));
                    None
                }
            };
        let start = address("dhcpStart", &self.dhcp_start, &mut errors);
        let end = address("dhcpEnd", &self.dhcp_end, &mut errors);
        if let Some(size) = &self.gateway
            && !GATEWAY_SIZES.iter().any(|(code, _)| code == size)
        {
            errors.add("gateway", format!("{size} is not a gateway size: choose s, m or l."));
        }
        let (Ok(cidr), Some(start), Some(end)) = (cidr, start, end) else { return Err(errors) };
        let request = SubnetRequest { cidr, start, end };
        for error in request.validate(neighbours).iter() {
            let field = match error.field.as_str() {
                "start" => "dhcpStart",
                "end" => "dhcpEnd",
                _ => "cidr",
            };
            errors.add(field, &error.message);
        }
        errors.into_result().map(|()| request)
    }

    /// The DHCP range pages suggest for `cidr`: from the address after the router to the last
    /// host address.
    pub fn suggested_range(cidr: &Ipv4Cidr) -> (Ipv4Addr, Ipv4Addr) {
        let first = u32::from(cidr.network());
        let last = first | (u32::MAX.checked_shr(u32::from(cidr.prefix())).unwrap_or(0));
        (Ipv4Addr::from(first + 2), Ipv4Addr::from(last.saturating_sub(1)))
    }
}

/// A new private network as the console's forms ask for it: in one region, with its first
/// subnet.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NetworkForm {
    pub name: String,
    pub vlan_id: u32,
    pub region: String,
    pub subnet: SubnetForm,
}

impl NetworkForm {
    /// Every problem with the network itself (`name`, `vlanId`) beside the project's networks'
    /// `taken` VLAN ids; the subnet is checked by [`SubnetForm::parse`].
    pub fn validate(&self, taken: &[u32]) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if self.name.trim().is_empty() {
            errors.add("name", "Give the network a name.");
        }
        errors.check("vlanId", check_vlan(self.vlan_id));
        if taken.contains(&self.vlan_id) {
            errors.add("vlanId", format!("VLAN {} is already used by another network.", self.vlan_id));
        }
        if self.region.trim().is_empty() {
            errors.add("region", "Choose a region.");
        }
        errors
    }
}

/// A project's private networks as the network page and the wizard show them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NetworksView {
    pub networks: Vec<NetworkView>,
    /// The latest operations on the project's networks, newest first.
    #[serde(default)]
    pub operations: Vec<crate::operation::OperationView>,
    /// The networks were read before the last operation on them changed something (the catalog
    /// has not read them again yet): pages say so and read them again shortly.
    #[serde(default)]
    pub behind: bool,
}

/// One network, region by region.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NetworkInRegion {
    pub region: String,
    /// What a cluster's `privateNetworkId` is set to.
    pub openstack_id: String,
    pub subnets: Vec<SubnetView>,
}

/// A subnet and the gateway that serves it, if any.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

    /// In words: `edge-gateway (size s, active) at 10.0.0.1`.
    pub fn describe(&self) -> String {
        let at = self.ip.as_ref().map(|ip| format!(" at {ip}")).unwrap_or_default();
        format!("{} (size {}, {}){at}", self.name, self.model, self.status)
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
    fn forms_name_the_field_at_fault() {
        let form = |cidr: &str, start: &str, end: &str| SubnetForm {
            cidr: cidr.into(),
            dhcp_start: start.into(),
            dhcp_end: end.into(),
            gateway: Some("m".into()),
        };
        assert!(form("10.2.0.0/24", "10.2.0.2", "10.2.0.254").parse(&[]).is_ok());
        let errors = form("10.2.0.0/24", "10.3.0.2", "nonsense").parse(&[]).unwrap_err();
        assert_eq!(fields(&errors), ["dhcpEnd"]);
        let errors = form("10.2.0.0/24", "10.1.0.2", "10.2.0.9").parse(&[]).unwrap_err();
        assert_eq!(fields(&errors), ["dhcpStart"]);
        let errors = form("8.8.8.0/24", "8.8.8.2", "8.8.8.9").parse(&[]).unwrap_err();
        assert_eq!(fields(&errors), ["cidr"]);
        let network =
            NetworkForm { name: " ".into(), vlan_id: 12, region: "GRA11".into(), ..Default::default() };
        assert_eq!(fields(&network.validate(&[12])), ["name", "vlanId"]);
    }

    #[test]
    fn the_suggested_dhcp_range_skips_the_router_and_the_broadcast_address() {
        let cidr: Ipv4Cidr = "192.168.10.0/24".parse().unwrap();
        let (start, end) = SubnetForm::suggested_range(&cidr);
        assert_eq!((start.to_string(), end.to_string()), ("192.168.10.2".into(), "192.168.10.254".into()));
    }

    #[test]
    fn vlan_ids_stop_at_4000() {
        assert!(check_vlan(0).is_ok() && check_vlan(4000).is_ok());
        assert!(check_vlan(4001).is_err());
    }
}
