//! Subnets of a private network: list, create (the rules of `model::private_network`), delete;
//! and the addresses nodes take from a subnet's DHCP range.

use std::net::Ipv4Addr;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use model::cidr::Ipv4Cidr;
use model::private_network::SubnetRequest;
use provider::api::{IpPool, Subnet, SubnetCreation};

use super::super::cluster::check_project;
use super::super::error::EmulatorError;
use super::super::{Emulator, World};
use super::{SubnetRecord, refuse, refuse_in_use};

impl SubnetRecord {
    fn to_wire(&self) -> Subnet {
        Subnet {
            id: self.id.clone(),
            cidr: self.cidr.to_string(),
            gateway_ip: self.gateway_ip.map(|ip| ip.to_string()),
            ip_pools: vec![IpPool {
                region: self.region.clone(),
                network: self.cidr.to_string(),
                start: self.start.to_string(),
                end: self.end.to_string(),
                dhcp: self.dhcp,
            }],
        }
    }
}

impl World {
    /// The next address a new node of cluster `cluster_id` takes: the lowest of its nodes
    /// subnet's DHCP range that no node has had and that is not the subnet's gateway. None on the
    /// public network, on an unknown subnet, or when the range is used up.
    pub(crate) fn free_address(&self, cluster_id: &str) -> Option<Ipv4Addr> {
        let cluster = self.clusters.get(cluster_id)?;
        let subnet = self.networking.subnets.get(cluster.nodes_subnet_id.as_deref()?)?;
        let taken: std::collections::BTreeSet<Ipv4Addr> =
            self.nodes.values().filter_map(|n| n.address).collect();
        (u32::from(subnet.start)..=u32::from(subnet.end))
            .map(Ipv4Addr::from)
            .find(|a| !taken.contains(a) && Some(*a) != subnet.gateway_ip)
    }
}

/// Deletes a subnet; refused while a cluster uses it (for its nodes or load balancers) or a
/// gateway serves it.
pub(super) async fn delete_subnet(
    State(emulator): State<Arc<Emulator>>,
    Path((service_name, network_id, subnet_id)): Path<(String, String, String)>,
) -> Result<Json<()>, EmulatorError> {
    check_project(&emulator, &service_name)?;
    let now = emulator.clock.now();
    let mut world = emulator.world();
    if world.networking.subnets.get(&subnet_id).is_none_or(|s| s.network_id != network_id) {
        return Err(EmulatorError::not_found(format!("This subnet does not exist: {subnet_id}")));
    }
    let named = |id: &Option<String>| id.as_deref() == Some(subnet_id.as_str());
    let users =
        world.clusters_using(now, |c| named(&c.nodes_subnet_id) || named(&c.load_balancers_subnet_id));
    refuse_in_use(&format!("The subnet {subnet_id}"), users)?;
    if world.networking.gateways.values().any(|g| g.subnet_id == subnet_id) {
        return Err(EmulatorError::conflict(format!(
            "The subnet {subnet_id} has a gateway: delete the gateway first"
        )));
    }
    world.networking.subnets.remove(&subnet_id);
    Ok(Json(()))
}

pub(super) async fn list_subnets(
    State(emulator): State<Arc<Emulator>>,
    Path((service_name, network_id)): Path<(String, String)>,
) -> Result<Json<Vec<Subnet>>, EmulatorError> {
    check_project(&emulator, &service_name)?;
    let world = emulator.world();
    if !world.networking.networks.contains_key(&network_id) {
        return Err(EmulatorError::not_found(format!("This network does not exist: {network_id}")));
    }
    let subnets = world.networking.subnets.values().filter(|s| s.network_id == network_id);
    Ok(Json(subnets.map(SubnetRecord::to_wire).collect()))
}

pub(super) async fn create_subnet(
    State(emulator): State<Arc<Emulator>>,
    Path((service_name, network_id)): Path<(String, String)>,
    Json(body): Json<SubnetCreation>,
) -> Result<Json<Subnet>, EmulatorError> {
    check_project(&emulator, &service_name)?;
    let parse = |field: &str, text: &str| {
        text.parse::<Ipv4Addr>().map_err(|_| EmulatorError::bad_request(format!("Invalid {field}: {text}")))
    };
    let cidr: Ipv4Cidr =
        body.network.parse().map_err(|e| EmulatorError::bad_request(format!("Invalid network: {e}")))?;
    let request = SubnetRequest { cidr, start: parse("start", &body.start)?, end: parse("end", &body.end)? };
    let mut world = emulator.world();
    let network = world
        .networking
        .networks
        .get(&network_id)
        .ok_or_else(|| EmulatorError::not_found(format!("This network does not exist: {network_id}")))?;
    if !network.regions.contains_key(&body.region) {
        return Err(EmulatorError::bad_request(format!(
            "Invalid region: the network {network_id} is not in {}",
            body.region
        )));
    }
    let neighbours: Vec<Ipv4Cidr> = world
        .networking
        .subnets
        .values()
        .filter(|s| s.network_id == network_id && s.region == body.region)
        .map(|s| s.cidr)
        .collect();
    refuse(request.validate(&neighbours))?;
    let record = SubnetRecord {
        id: uuid::Uuid::new_v4().to_string(),
        network_id,
        region: body.region,
        cidr,
        start: request.start,
        end: request.end,
        dhcp: body.dhcp,
        gateway_ip: (!body.no_gateway).then(|| request.gateway_ip()),
    };
    let wire = record.to_wire();
    world.networking.subnets.insert(record.id.clone(), record);
    Ok(Json(wire))
}
