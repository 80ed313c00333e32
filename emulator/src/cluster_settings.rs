//! A cluster's settings: update policy, API server allow-list, OIDC configuration, and the
//! read-only etcd usage and flavors.
//!
//! Choices where provider-api.md is silent: a replaced allow-list or a changed OIDC
//! configuration shows `REDEPLOYING` for [`REDEPLOY`] (§6); a bad CIDR is 400 with the message
//! "<ip> is not a valid ip restriction" (§7, after the provider's database API); a second OIDC
//! configuration is 409 (§4.6); etcd usage is 2 MB plus 64 KB per pool and node.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::routing::{delete, get, put};
use axum::{Json, Router};
use model::cidr::Ipv4Cidr;
use model::flavor::Flavor;
use model::oidc::OidcConfig;
use model::status::Status;

use super::Emulator;
use super::cluster::{check_project, live_cluster, require_ready, scaled, with_cluster};
use super::error::EmulatorError;
use provider::api::{EtcdUsage, IpRestrictionUpsert, OpenIdConnect, UpdatePolicyUpdate};

/// How long a cluster stays `REDEPLOYING` after a settings change, at speed 1.0.
pub const REDEPLOY: Duration = Duration::from_secs(2 * 60);

pub fn routes() -> Router<Arc<Emulator>> {
    let base = "/cloud/project/{service_name}/kube/{kube_id}";
    Router::new()
        .route(&format!("{base}/updatePolicy"), put(update_policy))
        .route(&format!("{base}/flavors"), get(flavors))
        .route(&format!("{base}/metrics/etcdUsage"), get(etcd_usage))
        .route(&format!("{base}/ipRestrictions"), get(ips).post(add_ips).put(replace_ips))
        .route(&format!("{base}/ipRestrictions/{{ip}}"), delete(remove_ip))
        .route(
            &format!("{base}/openIdConnect"),
            get(oidc).post(create_oidc).put(update_oidc).delete(remove_oidc),
        )
}

type Ids = Path<(String, String)>;

async fn update_policy(
    State(emulator): State<Arc<Emulator>>,
    Path((service, id)): Ids,
    Json(body): Json<UpdatePolicyUpdate>,
) -> Result<Json<()>, EmulatorError> {
    with_cluster(&emulator, &service, &id, |cluster, now| {
        require_ready(cluster, now)?;
        cluster.update_policy = body.update_policy;
        cluster.updated_at = now;
        Ok(Json(()))
    })
}

async fn flavors(
    State(emulator): State<Arc<Emulator>>,
    Path((service, id)): Ids,
) -> Result<Json<Vec<Flavor>>, EmulatorError> {
    let region = with_cluster(&emulator, &service, &id, |cluster, _| Ok(cluster.region.clone()))?;
    Ok(Json(emulator.flavors_in(&region)))
}

async fn etcd_usage(
    State(emulator): State<Arc<Emulator>>,
    Path((service, id)): Ids,
) -> Result<Json<EtcdUsage>, EmulatorError> {
    check_project(&emulator, &service)?;
    let now = emulator.clock.now();
    let world = emulator.world();
    let cluster = live_cluster(&world, &id, now)?;
    let pools: Vec<&str> =
        world.pools.values().filter(|p| p.cluster_id == id).map(|p| p.id.as_str()).collect();
    let nodes = world.nodes.values().filter(|n| pools.contains(&n.pool_id.as_str())).count();
    let usage = world
        .etcd_usage
        .get(&id)
        .copied()
        .unwrap_or(2 * 1024 * 1024 + 64 * 1024 * (pools.len() + nodes) as u64);
    Ok(Json(EtcdUsage { quota: cluster.plan.etcd_quota().bytes(), usage }))
}

/// Sets what cluster `id`'s etcd holds, in bytes (the admin API: `PUT
/// /emulator/clusters/{id}/etcd-usage`), as if its workloads had written that much.
pub fn set_etcd_usage(emulator: &Emulator, id: &str, bytes: u64) -> Result<(), EmulatorError> {
    let mut world = emulator.world();
    if !world.clusters.contains_key(id) {
        return Err(EmulatorError::not_found(format!("This cluster does not exist: {id}")));
    }
    world.etcd_usage.insert(id.to_string(), bytes);
    Ok(())
}

/// Every entry as a CIDR, or the provider's message for the first that is not.
fn parse_ips(ips: &[String]) -> Result<Vec<String>, EmulatorError> {
    ips.iter()
        .map(|ip| {
            ip.parse::<Ipv4Cidr>()
                .map(|cidr| cidr.to_string())
                .map_err(|_| EmulatorError::bad_request(format!("{ip} is not a valid ip restriction")))
        })
        .collect()
}

async fn ips(
    State(emulator): State<Arc<Emulator>>,
    Path((service, id)): Ids,
) -> Result<Json<Vec<String>>, EmulatorError> {
    with_cluster(&emulator, &service, &id, |cluster, _| Ok(Json(cluster.ip_restrictions.clone())))
}

async fn add_ips(
    State(emulator): State<Arc<Emulator>>,
    Path((service, id)): Ids,
    Json(body): Json<IpRestrictionUpsert>,
) -> Result<Json<Vec<String>>, EmulatorError> {
    let added = parse_ips(&body.ips)?;
    let dwell = scaled(&emulator, REDEPLOY);
    with_cluster(&emulator, &service, &id, |cluster, now| {
        require_ready(cluster, now)?;
        for ip in added {
            if !cluster.ip_restrictions.contains(&ip) {
                cluster.ip_restrictions.push(ip);
            }
        }
        cluster.pass_through(Status::Redeploying, now, dwell);
        Ok(Json(cluster.ip_restrictions.clone()))
    })
}

async fn replace_ips(
    State(emulator): State<Arc<Emulator>>,
    Path((service, id)): Ids,
    Json(body): Json<IpRestrictionUpsert>,
) -> Result<Json<Vec<String>>, EmulatorError> {
    let list = parse_ips(&body.ips)?;
    let dwell = scaled(&emulator, REDEPLOY);
    with_cluster(&emulator, &service, &id, |cluster, now| {
        require_ready(cluster, now)?;
        cluster.ip_restrictions = list;
        cluster.pass_through(Status::Redeploying, now, dwell);
        Ok(Json(cluster.ip_restrictions.clone()))
    })
}

async fn remove_ip(
    State(emulator): State<Arc<Emulator>>,
    Path((service, id, ip)): Path<(String, String, String)>,
) -> Result<Json<()>, EmulatorError> {
    let dwell = scaled(&emulator, REDEPLOY);
    with_cluster(&emulator, &service, &id, |cluster, now| {
        require_ready(cluster, now)?;
        let before = cluster.ip_restrictions.len();
        cluster.ip_restrictions.retain(|entry| *entry != ip);
        if cluster.ip_restrictions.len() == before {
            return Err(EmulatorError::not_found(format!("{ip} is not in the list")));
        }
        cluster.pass_through(Status::Redeploying, now, dwell);
        Ok(Json(()))
    })
}

/// Checks an OIDC body with the model's rules.
fn check_oidc(body: &OpenIdConnect) -> Result<(), EmulatorError> {
    let config = OidcConfig::from(body);
    match config.validate().iter().next() {
        Some(error) => Err(EmulatorError::bad_request(format!("{}: {}", error.field, error.message))),
        None => Ok(()),
    }
}

async fn oidc(
    State(emulator): State<Arc<Emulator>>,
    Path((service, id)): Ids,
) -> Result<Json<OpenIdConnect>, EmulatorError> {
    with_cluster(&emulator, &service, &id, |cluster, _| {
        cluster
            .oidc
            .clone()
            .map(Json)
            .ok_or_else(|| EmulatorError::not_found("No OIDC configuration on this cluster"))
    })
}

async fn create_oidc(
    State(emulator): State<Arc<Emulator>>,
    Path((service, id)): Ids,
    Json(body): Json<OpenIdConnect>,
) -> Result<Json<OpenIdConnect>, EmulatorError> {
    check_oidc(&body)?;
    let dwell = scaled(&emulator, REDEPLOY);
    with_cluster(&emulator, &service, &id, |cluster, now| {
        require_ready(cluster, now)?;
        if cluster.oidc.is_some() {
            return Err(EmulatorError::conflict("An OIDC configuration already exists on this cluster"));
        }
        cluster.oidc = Some(body.clone());
        cluster.pass_through(Status::Redeploying, now, dwell);
        Ok(Json(body))
    })
}

async fn update_oidc(
    State(emulator): State<Arc<Emulator>>,
    Path((service, id)): Ids,
    Json(body): Json<OpenIdConnect>,
) -> Result<Json<()>, EmulatorError> {
    check_oidc(&body)?;
    let dwell = scaled(&emulator, REDEPLOY);
    with_cluster(&emulator, &service, &id, |cluster, now| {
        require_ready(cluster, now)?;
        if cluster.oidc.is_none() {
            return Err(EmulatorError::not_found("No OIDC configuration on this cluster"));
        }
        cluster.oidc = Some(body);
        cluster.pass_through(Status::Redeploying, now, dwell);
        Ok(Json(()))
    })
}

async fn remove_oidc(
    State(emulator): State<Arc<Emulator>>,
    Path((service, id)): Ids,
) -> Result<Json<()>, EmulatorError> {
    let dwell = scaled(&emulator, REDEPLOY);
    with_cluster(&emulator, &service, &id, |cluster, now| {
        require_ready(cluster, now)?;
        if cluster.oidc.take().is_none() {
            return Err(EmulatorError::not_found("No OIDC configuration on this cluster"));
        }
        cluster.pass_through(Status::Redeploying, now, dwell);
        Ok(Json(()))
    })
}
