//! Steps of the operations on a project's private networks, subnets and gateways. A network is
//! found again by its VLAN (unique in a project), a subnet by its range in its network, a gateway
//! by the subnet it serves: a step repeated after a crash adopts what the first try made.

use model::operation::StepState;
use provider::api::{Gateway, GatewayCreation, Network, Subnet, SubnetCreation};
use provider::client::Error as ProviderError;

use super::{Check, Outcome, StepContext, StepError};
use crate::operations::params;

/// The provider's refusal of a change that its rules rule out (a VLAN taken, a network in use):
/// final, unlike the 409 of a busy cluster, which the runner waits out.
fn refused(error: ProviderError) -> StepError {
    match error.status() {
        Some(409) => StepError::Invalid(error.user_message()),
        _ => StepError::Provider(error),
    }
}

fn done(finished: bool) -> Outcome {
    match finished {
        true => Outcome::Done,
        false => Outcome::Wait,
    }
}

async fn network_by_vlan(ctx: &StepContext<'_>, vlan_id: u32) -> Result<Option<Network>, StepError> {
    let networks = ctx.client.list_networks(ctx.service).await?;
    Ok(networks.into_iter().find(|n| n.vlan_id == vlan_id))
}

async fn network_by_id(ctx: &StepContext<'_>, id: &str) -> Result<Network, StepError> {
    let networks = ctx.client.list_networks(ctx.service).await?;
    networks
        .into_iter()
        .find(|n| n.id == id)
        .ok_or_else(|| StepError::Invalid(format!("the private network {id} no longer exists")))
}

async fn subnet_by_cidr(
    ctx: &StepContext<'_>,
    network: &str,
    cidr: &str,
) -> Result<Option<Subnet>, StepError> {
    let subnets = ctx.client.list_subnets(ctx.service, network).await?;
    Ok(subnets.into_iter().find(|s| s.cidr == cidr))
}

async fn gateway_of(ctx: &StepContext<'_>, region: &str, subnet: &str) -> Result<Option<Gateway>, StepError> {
    let gateways = ctx.client.list_gateways(ctx.service, region).await?;
    Ok(gateways.into_iter().find(|g| g.interfaces.iter().any(|i| i.subnet_id == subnet)))
}

/// 1 `create_network` (adopted when the VLAN already has it), 2 `wait_for_network`, then the
/// subnet's and gateway's steps from 3.
pub async fn create(ctx: &mut StepContext<'_>, p: params::CreateNetwork) -> Result<Outcome, StepError> {
    let vlan = p.network.vlan_id;
    if !ctx.is_done(1) {
        let found = network_by_vlan(ctx, vlan).await?;
        let (client, service, body) = (ctx.client, ctx.service, &p.network);
        ctx.once(1, "create_network", async move {
            match found {
                Some(n) if n.name == body.name => {
                    Ok((StepState::Skipped, format!("{} already exists", n.id)))
                }
                Some(n) => Err(StepError::Invalid(format!(
                    "VLAN {vlan} is already used by the private network {} ({})",
                    n.name, n.id
                ))),
                None => {
                    let made = client.create_network(service, body).await.map_err(refused)?;
                    Ok((StepState::Succeeded, format!("{} created", made.id)))
                }
            }
        })
        .await?;
    }
    let region = p.subnet.region.clone();
    let network = network_by_vlan(ctx, vlan)
        .await?
        .ok_or_else(|| StepError::Invalid(format!("the private network on VLAN {vlan} no longer exists")))?;
    crate::operations::store::set_target(ctx.db, &ctx.op.id, &network.id).await?;
    let active = network.regions.iter().any(|r| r.region == region && r.status == "ACTIVE");
    let check = async {
        let detail = format!("{} is {} in {region}", network.id, network.status);
        Ok(match active {
            true => Check::Reached(detail),
            false => Check::NotYet(detail),
        })
    };
    if !ctx.wait(2, "wait_for_network", check).await? {
        return Ok(Outcome::Wait);
    }
    subnet_then_gateway(ctx, 3, &network, &p.subnet, p.gateway.as_ref()).await
}

/// 1 `create_subnet` (adopted when the network has the range), then 2 `create_gateway` and 3
/// `wait_for_gateway` when a gateway is asked for.
pub async fn create_subnet(ctx: &mut StepContext<'_>, p: params::CreateSubnet) -> Result<Outcome, StepError> {
    let network = network_by_id(ctx, &p.network_id).await?;
    subnet_then_gateway(ctx, 1, &network, &p.subnet, p.gateway.as_ref()).await
}

async fn subnet_then_gateway(
    ctx: &mut StepContext<'_>,
    first: i64,
    network: &Network,
    body: &SubnetCreation,
    gateway: Option<&GatewayCreation>,
) -> Result<Outcome, StepError> {
    let found = subnet_by_cidr(ctx, &network.id, &body.network).await?;
    let (client, service, network_id) = (ctx.client, ctx.service, network.id.as_str());
    ctx.once(first, "create_subnet", async move {
        match found {
            Some(s) => Ok((StepState::Skipped, format!("{} ({}) already exists", s.cidr, s.id))),
            None => {
                let made = client.create_subnet(service, network_id, body).await.map_err(refused)?;
                Ok((StepState::Succeeded, format!("{} created ({})", made.cidr, made.id)))
            }
        }
    })
    .await?;
    let Some(gateway) = gateway else { return Ok(Outcome::Done) };
    let subnet = subnet_by_cidr(ctx, &network.id, &body.network)
        .await?
        .ok_or_else(|| StepError::Invalid(format!("the subnet {} no longer exists", body.network)))?;
    let openstack_id = network.openstack_id(&body.region).ok_or_else(|| {
        StepError::Invalid(format!("the private network {} is not in {}", network.id, body.region))
    })?;
    gateway_steps(ctx, first + 1, &body.region, openstack_id, &subnet.id, gateway).await
}

/// 1 `create_gateway` (adopted when the subnet has one), 2 `wait_for_gateway`.
pub async fn create_gateway(
    ctx: &mut StepContext<'_>,
    p: params::CreateGateway,
) -> Result<Outcome, StepError> {
    let network = network_by_id(ctx, &p.network_id).await?;
    let openstack_id = network.openstack_id(&p.region).ok_or_else(|| {
        StepError::Invalid(format!("the private network {} is not in {}", network.id, p.region))
    })?;
    gateway_steps(ctx, 1, &p.region, openstack_id, &p.subnet_id, &p.gateway).await
}

async fn gateway_steps(
    ctx: &mut StepContext<'_>,
    first: i64,
    region: &str,
    openstack_id: &str,
    subnet: &str,
    body: &GatewayCreation,
) -> Result<Outcome, StepError> {
    if !ctx.is_done(first) {
        let found = gateway_of(ctx, region, subnet).await?;
        let (client, service) = (ctx.client, ctx.service);
        ctx.once(first, "create_gateway", async move {
            match found {
                Some(g) => Ok((StepState::Skipped, format!("the subnet already has gateway {}", g.name))),
                None => {
                    client
                        .create_gateway(service, region, openstack_id, subnet, body)
                        .await
                        .map_err(refused)?;
                    Ok((StepState::Succeeded, format!("gateway {} (size {}) ordered", body.name, body.model)))
                }
            }
        })
        .await?;
    }
    let found = gateway_of(ctx, region, subnet).await?;
    let check = async {
        match found {
            Some(g) if g.status == "active" => Ok(Check::Reached(format!("gateway {} is active", g.name))),
            Some(g) if g.status == "in-progress" || g.status.is_empty() => {
                Ok(Check::NotYet(format!("gateway {} is {}", g.name, g.status)))
            }
            Some(g) => {
                Err(StepError::Invalid(format!("the provider reports gateway {} as {}", g.name, g.status)))
            }
            // Ordered, not listed yet.
            None => Ok(Check::NotYet("gateway ordered".to_string())),
        }
    };
    Ok(done(ctx.wait(first + 1, "wait_for_gateway", check).await?))
}

/// 1 `check_unused` (no cluster on the network), 2 `delete_gateways` of its subnets, 3
/// `wait_for_gateways`, 4 `delete_network` (with its subnets; skipped when already gone).
pub async fn delete(ctx: &mut StepContext<'_>, p: params::DeleteNetwork) -> Result<Outcome, StepError> {
    let id = p.network_id.as_str();
    let network = match ctx.client.list_networks(ctx.service).await?.into_iter().find(|n| n.id == id) {
        Some(network) => network,
        None => {
            let gone = async { Ok((StepState::Skipped, format!("{id} no longer exists"))) };
            ctx.once(4, "delete_network", gone).await?;
            return Ok(Outcome::Done);
        }
    };
    let openstack_ids: Vec<&str> = network.regions.iter().map(|r| r.openstack_id.as_str()).collect();
    if !ctx.is_done(1) {
        let clusters = ctx.client.list_clusters(ctx.service).await?;
        let users: Vec<String> = clusters
            .into_iter()
            .filter(|c| c.private_network_id.as_deref().is_some_and(|n| openstack_ids.contains(&n)))
            .map(|c| c.name)
            .collect();
        ctx.once(1, "check_unused", async move {
            match users.is_empty() {
                true => Ok((StepState::Succeeded, "no cluster uses it".to_string())),
                false => Err(StepError::Invalid(format!("clusters use this network: {}", users.join(", ")))),
            }
        })
        .await?;
    }
    let subnets = ctx.client.list_subnets(ctx.service, id).await?;
    let mut gateways = Vec::new();
    for region in &network.regions {
        for gateway in ctx.client.list_gateways(ctx.service, &region.region).await? {
            if gateway.interfaces.iter().any(|i| subnets.iter().any(|s| s.id == i.subnet_id)) {
                gateways.push(gateway);
            }
        }
    }
    if !ctx.is_done(2) {
        let (client, service, found) = (ctx.client, ctx.service, gateways.clone());
        ctx.once(2, "delete_gateways", async move {
            if found.is_empty() {
                return Ok((StepState::Skipped, "no gateway on its subnets".to_string()));
            }
            for gateway in &found {
                match client.delete_gateway(service, &gateway.region, &gateway.id).await {
                    Ok(_) => {}
                    Err(e) if e.is_not_found() => {}
                    Err(e) => return Err(refused(e)),
                }
            }
            let names: Vec<&str> = found.iter().map(|g| g.name.as_str()).collect();
            Ok((StepState::Succeeded, format!("deleting {}", names.join(", "))))
        })
        .await?;
    }
    let left = gateways.len();
    let check = async move {
        Ok(match left {
            0 => Check::Reached("no gateway left".to_string()),
            n => Check::NotYet(format!("{n} gateway(s) still being removed")),
        })
    };
    if !ctx.wait(3, "wait_for_gateways", check).await? {
        return Ok(Outcome::Wait);
    }
    let (client, service) = (ctx.client, ctx.service);
    ctx.once(4, "delete_network", async move {
        match client.delete_network(service, id).await {
            Ok(()) => Ok((StepState::Succeeded, format!("{id} and its subnets deleted"))),
            Err(e) if e.is_not_found() => Ok((StepState::Skipped, format!("{id} no longer exists"))),
            Err(e) => Err(refused(e)),
        }
    })
    .await?;
    Ok(Outcome::Done)
}
