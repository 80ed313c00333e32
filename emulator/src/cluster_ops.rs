//! Operations on a whole cluster: restart, reset, customization, and the private network's
//! settings that can change after creation.
//!
//! Choices where provider-api.md is silent (UNCONFIRMED): a restart shows `REDEPLOYING` for
//! [`RESTART`]; a reset shows `RESETTING` as long as an install, issues new certificates, and with
//! `workerNodesPolicy` `delete` (the default) replaces every node once the control plane is back,
//! with `reinstall` reinstalls them in place; a customization answers
//! `{"message": "Customization updated"}` and is refused for Cilium on Free clusters; only
//! `AlwaysPullImages` can be disabled (§4.3).

use model::customization::{ADMISSION_PLUGINS, seconds};
use model::reset::WorkerNodesPolicy;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use model::plan::Plan;
use model::status::Status;
use model::version::{self, KubeVersion};

use super::cluster::{INSTALL, check_project, live_cluster, require_ready, scaled, with_cluster};
use super::cluster_settings::REDEPLOY;
use super::error::EmulatorError;
use super::node::{self, Redeploy};
use super::{Emulator, LATEST_PATCH};
use provider::api::{
    AdmissionPlugins, ApiServerCustomization, Customization, LoadBalancersSubnet,
    PrivateNetworkConfiguration, ResetCreation, ResponseMessage, Restart,
};

/// How long a restarted control plane shows `REDEPLOYING`, at speed 1.0.
pub const RESTART: Duration = Duration::from_secs(60);

pub fn routes() -> Router<Arc<Emulator>> {
    let base = "/cloud/project/{service_name}/kube/{kube_id}";
    Router::new()
        .route(&format!("{base}/restart"), post(restart))
        .route(&format!("{base}/reset"), post(reset))
        .route(&format!("{base}/customization"), get(customization).put(customize))
        .route(&format!("{base}/privateNetworkConfiguration"), put(private_network_configuration))
        .route(&format!("{base}/updateLoadBalancersSubnetId"), put(load_balancers_subnet))
}

type Ids = Path<(String, String)>;

async fn restart(
    State(emulator): State<Arc<Emulator>>,
    Path((service, id)): Ids,
    Json(_body): Json<Restart>,
) -> Result<Json<()>, EmulatorError> {
    let dwell = scaled(&emulator, RESTART);
    with_cluster(&emulator, &service, &id, |cluster, now| {
        require_ready(cluster, now)?;
        cluster.pass_through(Status::Redeploying, now, dwell);
        Ok(Json(()))
    })
}

/// What the provider answers for a cluster that was never customized.
fn default_customization() -> Customization {
    Customization {
        api_server: Some(ApiServerCustomization {
            admission_plugins: Some(AdmissionPlugins {
                enabled: Some(ADMISSION_PLUGINS.iter().map(|p| p.name.to_string()).collect()),
                disabled: Some(Vec::new()),
            }),
        }),
        ..Customization::default()
    }
}

async fn customization(
    State(emulator): State<Arc<Emulator>>,
    Path((service, id)): Ids,
) -> Result<Json<Customization>, EmulatorError> {
    with_cluster(&emulator, &service, &id, |cluster, _| {
        Ok(Json(cluster.customization.clone().unwrap_or_else(default_customization)))
    })
}

/// Checks a customization against the provider's rules.
fn check_customization(body: &Customization, plan: Plan) -> Result<(), EmulatorError> {
    let plugins = body.api_server.as_ref().and_then(|a| a.admission_plugins.as_ref());
    for name in plugins.iter().flat_map(|p| p.enabled.iter().chain(p.disabled.iter()).flatten()) {
        if !ADMISSION_PLUGINS.iter().any(|p| p.name == name) {
            return Err(EmulatorError::bad_request(format!("Unknown admission plugin {name}")));
        }
    }
    let required = |name: &String| ADMISSION_PLUGINS.iter().any(|p| p.name == name && !p.optional);
    if let Some(name) = plugins.and_then(|p| p.disabled.as_ref()).and_then(|d| d.iter().find(|n| required(n)))
    {
        return Err(EmulatorError::bad_request(format!("{name} cannot be disabled")));
    }
    let periods = body.kube_proxy.as_ref().and_then(|k| k.iptables.as_ref());
    let zero = |p: &Option<String>| p.as_deref().is_some_and(|d| seconds(d) == Ok(0));
    if periods.is_some_and(|p| zero(&p.sync_period)) {
        return Err(EmulatorError::bad_request("syncPeriod must be greater than 0"));
    }
    if body.cilium.is_some() && plan == Plan::Free {
        return Err(EmulatorError::bad_request("Cilium settings are available on the Standard plan only"));
    }
    Ok(())
}

/// Present blocks replace the current ones; absent blocks are kept (provider-api.md §4.3).
async fn customize(
    State(emulator): State<Arc<Emulator>>,
    Path((service, id)): Ids,
    Json(body): Json<Customization>,
) -> Result<Json<ResponseMessage>, EmulatorError> {
    let dwell = scaled(&emulator, REDEPLOY);
    with_cluster(&emulator, &service, &id, |cluster, now| {
        require_ready(cluster, now)?;
        check_customization(&body, cluster.plan)?;
        let mut current = cluster.customization.clone().unwrap_or_else(default_customization);
        if body.api_server.is_some() {
            current.api_server = body.api_server;
        }
        if body.kube_proxy.is_some() {
            current.kube_proxy = body.kube_proxy;
        }
        if body.cilium.is_some() {
            current.cilium = body.cilium;
        }
        cluster.customization = Some(current);
        cluster.pass_through(Status::Redeploying, now, dwell);
        Ok(Json(ResponseMessage { message: "Customization updated".to_string() }))
    })
}

async fn private_network_configuration(
    State(emulator): State<Arc<Emulator>>,
    Path((service, id)): Ids,
    Json(body): Json<PrivateNetworkConfiguration>,
) -> Result<Json<()>, EmulatorError> {
    let dwell = scaled(&emulator, REDEPLOY);
    with_cluster(&emulator, &service, &id, |cluster, now| {
        require_ready(cluster, now)?;
        if cluster.private_network_id.is_none() {
            return Err(EmulatorError::bad_request("This cluster is not attached to a private network"));
        }
        cluster.private_network_configuration = Some(body);
        cluster.pass_through(Status::Redeploying, now, dwell);
        Ok(Json(()))
    })
}

async fn load_balancers_subnet(
    State(emulator): State<Arc<Emulator>>,
    Path((service, id)): Ids,
    Json(body): Json<LoadBalancersSubnet>,
) -> Result<Json<()>, EmulatorError> {
    let dwell = scaled(&emulator, REDEPLOY);
    check_project(&emulator, &service)?;
    if let Some(wanted) = &body.load_balancers_subnet_id {
        let now = emulator.clock.now();
        let world = emulator.world();
        let cluster = live_cluster(&world, &id, now)?;
        let known = cluster
            .private_network_id
            .as_ref()
            .and_then(|network| world.networking.subnet_in(&cluster.region, network, wanted, now));
        if cluster.nodes_subnet_id.is_some() && known.is_none() {
            return Err(EmulatorError::bad_request(format!(
                "Invalid loadBalancersSubnetId: {wanted} is not a subnet of the cluster's private network in {}",
                cluster.region
            )));
        }
    }
    with_cluster(&emulator, &service, &id, |cluster, now| {
        require_ready(cluster, now)?;
        if cluster.nodes_subnet_id.is_none() {
            return Err(EmulatorError::bad_request(
                "loadBalancersSubnetId needs privateNetworkId and nodesSubnetId",
            ));
        }
        cluster.load_balancers_subnet_id = body.load_balancers_subnet_id;
        cluster.pass_through(Status::Redeploying, now, dwell);
        Ok(Json(()))
    })
}

async fn reset(
    State(emulator): State<Arc<Emulator>>,
    Path((service, id)): Ids,
    Json(body): Json<ResetCreation>,
) -> Result<Json<()>, EmulatorError> {
    check_project(&emulator, &service)?;
    let now = emulator.clock.now();
    let mut world = emulator.world();
    let cluster = live_cluster(&world, &id, now)?.clone();
    require_ready(&cluster, now)?;
    let version = match body.version.as_deref() {
        None => cluster.version.clone(),
        Some(text) => {
            let minor = text
                .parse::<KubeVersion>()
                .ok()
                .filter(|v| version::is_offered(*v) && v.patch().is_none())
                .ok_or_else(|| EmulatorError::bad_request(format!("Version {text} is not available")))?;
            format!("{minor}.{LATEST_PATCH}-1")
        }
    };
    let reinstall = match body.worker_nodes_policy.unwrap_or_default() {
        WorkerNodesPolicy::Delete => false,
        WorkerNodesPolicy::Reinstall => true,
        WorkerNodesPolicy::Other(other) => {
            return Err(EmulatorError::bad_request(format!("Invalid workerNodesPolicy {other}")));
        }
    };
    if let Some(name) = &body.name {
        model::name::check_name(name)
            .map_err(|e| EmulatorError::bad_request(format!("Invalid name: {e}")))?;
    }
    let back = now + scaled(&emulator, INSTALL);
    let (install, drain) = (scaled(&emulator, node::INSTALL), scaled(&emulator, node::DRAIN));
    let pools: Vec<_> = world.live_pools(&id, now).into_iter().cloned().collect();
    for pool in &pools {
        let nodes: Vec<String> =
            world.pool_nodes(&pool.id, now).filter(|n| !n.is_leaving()).map(|n| n.id.clone()).collect();
        for node_id in &nodes {
            let Some(node) = world.nodes.get_mut(node_id) else { continue };
            if reinstall {
                node.redeploy =
                    Some(Redeploy { from: back, until: back + install, version: version.clone() });
            } else {
                node.drain_from = Some(back);
                node.gone_at = Some(back + drain);
            }
        }
        if !reinstall {
            world.add_nodes(&emulator, pool, &version, nodes.len() as u32, back);
        }
    }
    if let Some(record) = world.clusters.get_mut(&id) {
        record.version = version;
        record.name = body.name.unwrap_or(record.name.clone());
        record.update_policy = body.update_policy.unwrap_or(record.update_policy.clone());
        record.credentials = None;
        record.pass_through(Status::Resetting, now, back - now);
    }
    Ok(Json(()))
}
