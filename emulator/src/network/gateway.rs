//! A region's managed gateways, built and removed through cloud operations, and those operations.

use std::net::Ipv4Addr;
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, Utc};
use model::catalogue;
use provider::api::{
    CloudOperation, ExternalIp, Gateway, GatewayCreation, GatewayExternal, GatewayInterface,
};

use super::super::Emulator;
use super::super::cluster::{check_project, scaled};
use super::super::error::EmulatorError;
use super::{GatewayRecord, OperationRecord, check_region, refuse_in_use};

/// How long a gateway takes to become `active` (provider time).
const GATEWAY_BUILD: Duration = Duration::from_secs(120);

fn rfc3339(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
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

pub(super) async fn list_gateways(
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

pub(super) async fn read_gateway(
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
pub(super) async fn delete_gateway(
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
    let three_zone = |c: &super::super::cluster::ClusterRecord| {
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

pub(super) async fn create_gateway(
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

pub(super) async fn read_operation(
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
