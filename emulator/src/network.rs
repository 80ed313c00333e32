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
use model::private_network::{SubnetRequest, check_vlan};
use serde::{Deserialize, Serialize};

use super::cluster::{check_project, scaled};
use super::error::EmulatorError;
use super::{Emulator, World};
use provider::api::{
    CloudOperation, ExternalIp, Gateway, GatewayCreation, GatewayExternal, GatewayInterface, IpPool, Network,
    NetworkCreation, NetworkRegion, Subnet, SubnetCreation,
};

/// How long a network takes to become `ACTIVE` (provider time).
const NETWORK_BUILD: Duration = Duration::from_secs(30);
/// How long a gateway takes to become `active` (provider time).
const GATEWAY_BUILD: Duration = Duration::from_secs(120);
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
            get(list_subnets).post(create_subnet),
        )
        .route(
            "/cloud/project/{service_name}/network/private/{network_id}/subnet/{subnet_id}",
            delete(delete_subnet),
        )
        .route("/cloud/project/{service_name}/region/{region}/gateway", get(list_gateways))
        .route(
            "/cloud/project/{service_name}/region/{region}/gateway/{gateway_id}",
            get(read_gateway).delete(delete_gateway),
        )
        .route(
            "/cloud/project/{service_name}/region/{region}/network/{network_id}/subnet/{subnet_id}/gateway",
            post(create_gateway),
        )
        .route("/cloud/project/{service_name}/operation/{operation_id}", get(read_operation))
}

fn rfc3339(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
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

impl GatewayRecord {
    fn to_wire(&self, now: DateTime<Utc>) -> Gateway {
        Gateway {
            id: self.id.clone(),
            name: self.name.clone(),
            model: self.model.clone(),
            status: if now >= self.ready_at { "active" } else { "in-progress" }.into(),
            region: self.region.clone(),
            interfaces: vec![GatewayInterface {
                id: format!("{}-if", self.id),
                ip: self.ip.to_string(),
                network_id: self.network_id.clone(),
                subnet_id: self.subnet_id.clone(),
            }],
            external_information: Some(GatewayExternal {
                network_id: "ext-net".into(),
                ips: vec![ExternalIp { ip: self.public_ip.to_string(), subnet_id: "ext-subnet".into() }],
            }),
        }
    }
}

impl Networking {
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
    /// The next address a new node of cluster `cluster_id` takes: the lowest of its nodes
    /// subnet's DHCP range that no node has had and that is not the subnet's gateway. None on the
    /// public network, on an unknown subnet, or when the range is used up.
    pub(super) fn free_address(&self, cluster_id: &str) -> Option<Ipv4Addr> {
        let cluster = self.clusters.get(cluster_id)?;
        let subnet = self.networking.subnets.get(cluster.nodes_subnet_id.as_deref()?)?;
        let taken: std::collections::BTreeSet<Ipv4Addr> =
            self.nodes.values().filter_map(|n| n.address).collect();
        (u32::from(subnet.start)..=u32::from(subnet.end))
            .map(Ipv4Addr::from)
            .find(|a| !taken.contains(a) && Some(*a) != subnet.gateway_ip)
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

/// Deletes a subnet; refused while a cluster uses it (for its nodes or load balancers) or a
/// gateway serves it.
async fn delete_subnet(
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

async fn list_subnets(
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

async fn create_subnet(
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

async fn list_gateways(
    State(emulator): State<Arc<Emulator>>,
    Path((service_name, region)): Path<(String, String)>,
) -> Result<Json<Vec<Gateway>>, EmulatorError> {
    check_project(&emulator, &service_name)?;
    check_region(&region)?;
    let now = emulator.clock.now();
    let world = emulator.world();
    let gateways = world.networking.gateways.values().filter(|g| g.region == region);
    Ok(Json(gateways.map(|g| g.to_wire(now)).collect()))
}

async fn read_gateway(
    State(emulator): State<Arc<Emulator>>,
    Path((service_name, region, gateway_id)): Path<(String, String, String)>,
) -> Result<Json<Gateway>, EmulatorError> {
    check_project(&emulator, &service_name)?;
    let now = emulator.clock.now();
    let world = emulator.world();
    match world.networking.gateways.get(&gateway_id).filter(|g| g.region == region) {
        Some(gateway) => Ok(Json(gateway.to_wire(now))),
        None => Err(EmulatorError::not_found(format!("This gateway does not exist: {gateway_id}"))),
    }
}

/// Deletes a gateway through a cloud operation; refused while a 3-AZ cluster's nodes subnet
/// depends on it.
async fn delete_gateway(
    State(emulator): State<Arc<Emulator>>,
    Path((service_name, region, gateway_id)): Path<(String, String, String)>,
) -> Result<Json<CloudOperation>, EmulatorError> {
    check_project(&emulator, &service_name)?;
    let now = emulator.clock.now();
    let mut world = emulator.world();
    let gateway = world
        .networking
        .gateways
        .get(&gateway_id)
        .filter(|g| g.region == region)
        .cloned()
        .ok_or_else(|| EmulatorError::not_found(format!("This gateway does not exist: {gateway_id}")))?;
    let three_zone = |c: &super::cluster::ClusterRecord| {
        catalogue::regions()
            .iter()
            .any(|r| r.name == c.region && r.kind() == model::region::RegionKind::ThreeZone)
    };
    let users = world.clusters_using(now, |c| {
        three_zone(c) && c.nodes_subnet_id.as_deref() == Some(gateway.subnet_id.as_str())
    });
    refuse_in_use(&format!("The gateway {gateway_id}"), users)?;
    world.networking.gateways.remove(&gateway_id);
    let operation = OperationRecord {
        id: uuid::Uuid::new_v4().to_string(),
        action: "gateway#delete".into(),
        region,
        resource_id: gateway_id,
        created_at: now,
        done_at: now,
    };
    let wire = operation.to_wire(now);
    world.networking.operations.insert(operation.id.clone(), operation);
    Ok(Json(wire))
}

async fn create_gateway(
    State(emulator): State<Arc<Emulator>>,
    Path((service_name, region, network_id, subnet_id)): Path<(String, String, String, String)>,
    Json(body): Json<GatewayCreation>,
) -> Result<Json<CloudOperation>, EmulatorError> {
    check_project(&emulator, &service_name)?;
    check_region(&region)?;
    if !matches!(body.model.as_str(), "s" | "m" | "l") {
        return Err(EmulatorError::bad_request(format!("Invalid model {}: s, m or l", body.model)));
    }
    let now = emulator.clock.now();
    let mut world = emulator.world();
    let subnet =
        world.networking.subnets.get(&subnet_id).filter(|s| s.region == region).cloned().ok_or_else(
            || EmulatorError::not_found(format!("This subnet does not exist in {region}: {subnet_id}")),
        )?;
    let network = &world.networking.networks[&subnet.network_id];
    if network.regions.get(&region) != Some(&network_id) {
        return Err(EmulatorError::bad_request(format!(
            "Invalid networkId: the subnet {subnet_id} belongs to another network"
        )));
    }
    if world.networking.gateways.values().any(|g| g.subnet_id == subnet_id) {
        return Err(EmulatorError::conflict(format!("The subnet {subnet_id} already has a gateway")));
    }
    let count = world.networking.gateways.len() as u32;
    let gateway = GatewayRecord {
        id: uuid::Uuid::new_v4().to_string(),
        name: body.name,
        model: body.model,
        region: region.clone(),
        subnet_id,
        network_id,
        ip: subnet.gateway_ip.unwrap_or_else(|| Ipv4Addr::from(u32::from(subnet.cidr.network()) + 1)),
        public_ip: Ipv4Addr::new(203, 0, 113, (10 + count % 240) as u8),
        ready_at: now + scaled(&emulator, GATEWAY_BUILD),
    };
    let operation = OperationRecord {
        id: uuid::Uuid::new_v4().to_string(),
        action: "gateway#create".into(),
        region,
        resource_id: gateway.id.clone(),
        created_at: now,
        done_at: gateway.ready_at,
    };
    let wire = operation.to_wire(now);
    world.networking.gateways.insert(gateway.id.clone(), gateway);
    world.networking.operations.insert(operation.id.clone(), operation);
    Ok(Json(wire))
}

impl OperationRecord {
    fn to_wire(&self, now: DateTime<Utc>) -> CloudOperation {
        let done = now >= self.done_at;
        let total = (self.done_at - self.created_at).num_milliseconds().max(1);
        let elapsed = (now - self.created_at).num_milliseconds().clamp(0, total);
        CloudOperation {
            id: self.id.clone(),
            action: self.action.clone(),
            status: if done { "completed" } else { "in-progress" }.into(),
            created_at: rfc3339(self.created_at),
            started_at: Some(rfc3339(self.created_at)),
            completed_at: done.then(|| rfc3339(self.done_at)),
            progress: (elapsed * 100 / total) as u32,
            regions: vec![self.region.clone()],
            resource_id: Some(self.resource_id.clone()),
        }
    }
}

async fn read_operation(
    State(emulator): State<Arc<Emulator>>,
    Path((service_name, operation_id)): Path<(String, String)>,
) -> Result<Json<CloudOperation>, EmulatorError> {
    check_project(&emulator, &service_name)?;
    let now = emulator.clock.now();
    let world = emulator.world();
    match world.networking.operations.get(&operation_id) {
        Some(operation) => Ok(Json(operation.to_wire(now))),
        None => Err(EmulatorError::not_found(format!("This operation does not exist: {operation_id}"))),
    }
}
