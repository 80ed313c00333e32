//! Private networks (vRack), their subnets and the managed gateways of a region
//! (docs/provider-networks.md): list and create, with the rules of `model::private_network`.
//!
//! A network exists once per region it is created in, each time with an OpenStack id of its own;
//! it is `BUILDING` for a moment, then `ACTIVE`. A gateway is created through a cloud operation
//! and is `in-progress` until it is built, then `active`.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use model::catalogue;
use model::cidr::Ipv4Cidr;
use model::private_network::check_vlan;
use serde::{Deserialize, Serialize};

mod gateway;
mod subnet;

use super::cluster::{check_project, scaled};
use super::error::EmulatorError;
use super::{Emulator, World};
use provider::api::{Network, NetworkCreation, NetworkRegion};

/// How long a network takes to become `ACTIVE` (provider time).
const NETWORK_BUILD: Duration = Duration::from_secs(30);
/// The vRack every emulated network belongs to.
const VRACK: &str = "pn-1000001";

/// The networks, subnets, gateways and cloud operations of the project.

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Networking {
    networks: BTreeMap<String, NetworkRecord>,
    subnets: BTreeMap<String, SubnetRecord>,
    gateways: BTreeMap<String, GatewayRecord>,
    operations: BTreeMap<String, OperationRecord>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct NetworkRecord {
    id: String,
    name: String,
    vlan_id: u32,
    /// OpenStack id per region.
    regions: BTreeMap<String, String>,
    ready_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct SubnetRecord {
    id: String,
    network_id: String,
    region: String,
    cidr: Ipv4Cidr,
    start: Ipv4Addr,
    end: Ipv4Addr,
    dhcp: bool,
    gateway_ip: Option<Ipv4Addr>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct GatewayRecord {
    id: String,
    name: String,
    model: String,
    region: String,
    subnet_id: String,
    /// The network's OpenStack id in the region.
    network_id: String,
    ip: Ipv4Addr,
    public_ip: Ipv4Addr,
    ready_at: DateTime<Utc>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct OperationRecord {
    id: String,
    action: String,
    region: String,
    resource_id: String,
    created_at: DateTime<Utc>,
    done_at: DateTime<Utc>,
}

pub fn routes() -> Router<Arc<Emulator>> {
    Router::new()
        .route("/cloud/project/{service_name}/network/private", get(list_networks).post(create_network))
        .route("/cloud/project/{service_name}/network/private/{network_id}", delete(delete_network))
        .route(
            "/cloud/project/{service_name}/network/private/{network_id}/subnet",
            get(subnet::list_subnets).post(subnet::create_subnet),
        )
        .route(
            "/cloud/project/{service_name}/network/private/{network_id}/subnet/{subnet_id}",
            delete(subnet::delete_subnet),
        )
        .route("/cloud/project/{service_name}/region/{region}/gateway", get(gateway::list_gateways))
        .route(
            "/cloud/project/{service_name}/region/{region}/gateway/{gateway_id}",
            get(gateway::read_gateway).delete(gateway::delete_gateway),
        )
        .route(
            "/cloud/project/{service_name}/region/{region}/network/{network_id}/subnet/{subnet_id}/gateway",
            post(gateway::create_gateway),
        )
        .route("/cloud/project/{service_name}/operation/{operation_id}", get(gateway::read_operation))
}

impl NetworkRecord {
    fn to_wire(&self, now: DateTime<Utc>) -> Network {
        let status = if now >= self.ready_at { "ACTIVE" } else { "BUILDING" };
        Network {
            id: self.id.clone(),
            name: self.name.clone(),
            vlan_id: self.vlan_id,
            status: status.into(),
            kind: "private".into(),
            regions: self
                .regions
                .iter()
                .map(|(region, openstack_id)| NetworkRegion {
                    region: region.clone(),
                    status: status.into(),
                    openstack_id: openstack_id.clone(),
                })
                .collect(),
        }
    }
}

impl Networking {
    /// Whether a network of the project has OpenStack id `network_id` in `region`.
    pub fn network_in(&self, region: &str, network_id: &str) -> bool {
        self.networks.values().any(|n| n.regions.get(region).map(String::as_str) == Some(network_id))
    }

    /// The subnet with OpenStack id `subnet_id`, in `region`, of the network whose OpenStack id
    /// there is `network_id`: its range, and whether an active gateway serves it at `now`.
    pub fn subnet_in(
        &self,
        region: &str,
        network_id: &str,
        subnet_id: &str,
        now: DateTime<Utc>,
    ) -> Option<(Ipv4Cidr, bool)> {
        let subnet = self.subnets.get(subnet_id).filter(|s| s.region == region)?;
        let network = self.networks.get(&subnet.network_id)?;
        (network.regions.get(region).map(String::as_str) == Some(network_id)).then(|| {
            let served = self.gateways.values().any(|g| g.subnet_id == subnet.id && now >= g.ready_at);
            (subnet.cidr, served)
        })
    }
}

impl World {
    /// The names of the live clusters that `uses` says use a network or subnet.
    fn clusters_using(
        &self,
        now: DateTime<Utc>,
        uses: impl Fn(&super::cluster::ClusterRecord) -> bool,
    ) -> Vec<String> {
        self.clusters.values().filter(|c| !c.is_gone(now) && uses(c)).map(|c| c.name.clone()).collect()
    }
}

/// 409 naming the clusters, unless there are none.
fn refuse_in_use(what: &str, clusters: Vec<String>) -> Result<(), EmulatorError> {
    match clusters.is_empty() {
        true => Ok(()),
        false => Err(EmulatorError::conflict(format!("{what} is used by clusters: {}", clusters.join(", ")))),
    }
}

fn check_region(region: &str) -> Result<(), EmulatorError> {
    match catalogue::regions().iter().any(|r| r.name == region) {
        true => Ok(()),
        false => Err(EmulatorError::bad_request(format!("Invalid region {region}"))),
    }
}

/// The first field error, as the provider's 400.
fn refuse(errors: model::FieldErrors) -> Result<(), EmulatorError> {
    match errors.iter().next() {
        Some(error) => Err(EmulatorError::bad_request(format!("Invalid {}: {}", error.field, error.message))),
        None => Ok(()),
    }
}

async fn list_networks(
    State(emulator): State<Arc<Emulator>>,
    Path(service_name): Path<String>,
) -> Result<Json<Vec<Network>>, EmulatorError> {
    check_project(&emulator, &service_name)?;
    let now = emulator.clock.now();
    let world = emulator.world();
    Ok(Json(world.networking.networks.values().map(|n| n.to_wire(now)).collect()))
}

async fn create_network(
    State(emulator): State<Arc<Emulator>>,
    Path(service_name): Path<String>,
    Json(body): Json<NetworkCreation>,
) -> Result<Json<Network>, EmulatorError> {
    check_project(&emulator, &service_name)?;
    check_vlan(body.vlan_id).map_err(EmulatorError::bad_request)?;
    if body.name.trim().is_empty() {
        return Err(EmulatorError::bad_request("Invalid name: the network needs a name"));
    }
    if body.regions.is_empty() {
        return Err(EmulatorError::bad_request("Invalid regions: give at least one region"));
    }
    for region in &body.regions {
        check_region(region)?;
    }
    let now = emulator.clock.now();
    let mut world = emulator.world();
    let id = format!("{VRACK}_{}", body.vlan_id);
    if world.networking.networks.contains_key(&id) {
        return Err(EmulatorError::conflict(format!(
            "A private network already uses VLAN {} in this project",
            body.vlan_id
        )));
    }
    let record = NetworkRecord {
        id: id.clone(),
        name: body.name.trim().to_string(),
        vlan_id: body.vlan_id,
        regions: body.regions.iter().map(|r| (r.clone(), uuid::Uuid::new_v4().to_string())).collect(),
        ready_at: now + scaled(&emulator, NETWORK_BUILD),
    };
    let wire = record.to_wire(now);
    world.networking.networks.insert(id, record);
    Ok(Json(wire))
}

/// Deletes a network and its subnets; refused while a cluster uses it or a gateway serves one of
/// its subnets.
async fn delete_network(
    State(emulator): State<Arc<Emulator>>,
    Path((service_name, network_id)): Path<(String, String)>,
) -> Result<Json<()>, EmulatorError> {
    check_project(&emulator, &service_name)?;
    let now = emulator.clock.now();
    let mut world = emulator.world();
    let network = world
        .networking
        .networks
        .get(&network_id)
        .cloned()
        .ok_or_else(|| EmulatorError::not_found(format!("This network does not exist: {network_id}")))?;
    let openstack: Vec<&String> = network.regions.values().collect();
    let users = world
        .clusters_using(now, |c| c.private_network_id.as_ref().is_some_and(|id| openstack.contains(&id)));
    refuse_in_use(&format!("The network {network_id}"), users)?;
    let subnets: Vec<String> = world
        .networking
        .subnets
        .values()
        .filter(|s| s.network_id == network_id)
        .map(|s| s.id.clone())
        .collect();
    if world.networking.gateways.values().any(|g| subnets.contains(&g.subnet_id)) {
        return Err(EmulatorError::conflict(format!(
            "The network {network_id} has a gateway on one of its subnets: delete the gateway first"
        )));
    }
    world.networking.subnets.retain(|_, s| s.network_id != network_id);
    world.networking.networks.remove(&network_id);
    Ok(Json(()))
}
