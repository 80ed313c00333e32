//! Clusters: create, list (ids, or objects with `X-Pagination-Mode: CachedObjectList-Pages`), get,
//! rename or change the update policy, delete. Status follows the virtual clock: `INSTALLING`
//! until installed, then `READY`; `DELETING` after a delete, then 404.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use model::catalogue;
use model::name::check_name;
use model::plan::Plan;
use model::region::RegionKind;
use model::status::Status;
use model::version::{self, KubeProxyMode, KubeVersion, UpdatePolicy};
use serde::{Deserialize, Serialize};

use super::error::EmulatorError;
use super::node_pool::create_pool;
use super::{Emulator, LATEST_PATCH, World};
use provider::api::{
    Cluster, ClusterCreation, ClusterUpdate, Customization, IpAllocationPolicy, PrivateNetworkConfiguration,
};

/// How long a control plane takes to install at speed 1.0.
pub const INSTALL: Duration = Duration::from_secs(6 * 60);
/// How long a cluster stays `DELETING` at speed 1.0.
pub const DELETE: Duration = Duration::from_secs(60);

/// A cluster as the emulator keeps it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ClusterRecord {
    pub id: String,
    pub name: String,
    pub region: String,
    pub plan: Plan,
    pub version: String,
    pub update_policy: UpdatePolicy,
    pub kube_proxy_mode: KubeProxyMode,
    pub customization: Option<Customization>,
    #[serde(default)]
    pub ip_allocation_policy: Option<IpAllocationPolicy>,
    #[serde(default)]
    pub private_network_id: Option<String>,
    #[serde(default)]
    pub nodes_subnet_id: Option<String>,
    #[serde(default)]
    pub load_balancers_subnet_id: Option<String>,
    #[serde(default)]
    pub private_network_configuration: Option<PrivateNetworkConfiguration>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// `INSTALLING` until this time.
    pub ready_at: DateTime<Utc>,
    /// Set by a delete: `DELETING` until this time, gone after.
    pub deleted_at: Option<DateTime<Utc>>,
    /// A status the cluster passes through after a change (`REDEPLOYING`, `UPDATING`), and until when.
    #[serde(default)]
    pub busy: Option<(Status, DateTime<Utc>)>,
    /// The API server allow-list; empty means open.
    #[serde(default)]
    pub ip_restrictions: Vec<String>,
    /// The cluster's OIDC configuration, if any.
    #[serde(default)]
    pub oidc: Option<provider::api::OpenIdConnect>,
    /// Certificate authority and admin certificate, issued with the first kubeconfig.
    #[serde(default)]
    pub credentials: Option<super::kubeconfig::ClusterCredentials>,
}

impl ClusterRecord {
    pub fn status(&self, now: DateTime<Utc>) -> Status {
        match (&self.deleted_at, &self.busy) {
            (Some(_), _) => Status::Deleting,
            _ if now < self.ready_at => Status::Installing,
            (None, Some((status, until))) if now < *until => status.clone(),
            _ => Status::Ready,
        }
    }

    /// Shows `status` for `duration` (already scaled), as the provider does after a change.
    pub fn pass_through(&mut self, status: Status, now: DateTime<Utc>, duration: chrono::Duration) {
        self.busy = Some((status, now + duration));
        self.updated_at = now;
    }

    pub(super) fn is_gone(&self, now: DateTime<Utc>) -> bool {
        self.deleted_at.is_some_and(|at| now >= at)
    }

    /// The API server's host name (`url` in the provider's answers).
    pub fn api_host(&self) -> String {
        format!("{}.c1.{}.k8s.emulator.invalid", &self.id[..8], self.region.to_lowercase())
    }

    /// The provider's view of the record alone; see `World::cluster_to_wire` for `isUpToDate`.
    pub fn to_wire(&self, now: DateTime<Utc>) -> Cluster {
        let minor: Option<KubeVersion> = self.version.parse().ok().map(KubeVersion::minor_version);
        let next = minor.map(KubeVersion::next_minor).filter(|v| version::is_offered(*v));
        let short = &self.id[..8];
        let region = self.region.to_lowercase();
        Cluster {
            id: self.id.clone(),
            name: self.name.clone(),
            region: self.region.clone(),
            plan: self.plan.api_value().to_string(),
            version: self.version.clone(),
            next_upgrade_versions: Some(next.map(|v| v.to_string()).into_iter().collect()),
            status: self.status(now),
            update_policy: self.update_policy.clone(),
            is_up_to_date: true,
            control_plane_is_up_to_date: true,
            url: self.api_host(),
            nodes_url: format!("{short}.nodes.c1.{region}.k8s.emulator.invalid"),
            kube_proxy_mode: self.kube_proxy_mode.clone(),
            customization: self.customization.clone(),
            ip_allocation_policy: self.ip_allocation_policy.clone(),
            private_network_id: self.private_network_id.clone(),
            nodes_subnet_id: self.nodes_subnet_id.clone(),
            load_balancers_subnet_id: self.load_balancers_subnet_id.clone(),
            private_network_configuration: self.private_network_configuration.clone(),
            created_at: self.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            updated_at: self.updated_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            ..Cluster::default()
        }
    }
}

pub fn routes() -> Router<Arc<Emulator>> {
    Router::new()
        .route("/cloud/project/{service_name}/kube", get(list).post(create))
        .route("/cloud/project/{service_name}/kube/{kube_id}", get(read).put(update).delete(delete))
}

/// 404 unless `service_name` is the emulator's project.
pub fn check_project(emulator: &Emulator, service_name: &str) -> Result<(), EmulatorError> {
    if service_name == emulator.config.project {
        Ok(())
    } else {
        Err(EmulatorError::not_found(format!("This service does not exist: {service_name}")))
    }
}

/// `duration` (stated at speed 1.0) on the emulator's clock.
pub fn scaled(emulator: &Emulator, duration: Duration) -> chrono::Duration {
    let speed = if emulator.config.speed > 0.0 { emulator.config.speed } else { 1.0 };
    chrono::Duration::from_std(duration.div_f64(speed)).unwrap_or(chrono::Duration::MAX)
}

async fn list(
    State(emulator): State<Arc<Emulator>>,
    Path(service_name): Path<String>,
    headers: HeaderMap,
) -> Result<Response, EmulatorError> {
    check_project(&emulator, &service_name)?;
    let now = emulator.clock.now();
    let world = emulator.world();
    let alive = world.clusters.values().filter(|c| !c.is_gone(now));
    let expanded = headers.get("X-Pagination-Mode").is_some_and(|v| v == "CachedObjectList-Pages");
    Ok(if expanded {
        Json(alive.map(|c| world.cluster_to_wire(c, now)).collect::<Vec<_>>()).into_response()
    } else {
        Json(alive.map(|c| c.id.clone()).collect::<Vec<_>>()).into_response()
    })
}

async fn create(
    State(emulator): State<Arc<Emulator>>,
    Path(service_name): Path<String>,
    Json(body): Json<ClusterCreation>,
) -> Result<Json<Cluster>, EmulatorError> {
    check_project(&emulator, &service_name)?;
    let region = catalogue::regions()
        .into_iter()
        .find(|r| r.name == body.region)
        .ok_or_else(|| EmulatorError::bad_request(format!("Invalid region {}", body.region)))?;
    let plan = match body.plan.as_deref() {
        None | Some("free") => Plan::Free,
        Some("standard") => Plan::Standard,
        Some(other) => return Err(EmulatorError::bad_request(format!("Invalid plan {other}"))),
    };
    if let Some(reason) = region.refuses(plan) {
        return Err(EmulatorError::bad_request(reason));
    }
    let minor = match body.version.as_deref() {
        None => version::DEFAULT_MINOR,
        Some(text) => text
            .parse::<KubeVersion>()
            .ok()
            .filter(|v| version::is_offered(*v) && v.patch().is_none())
            .ok_or_else(|| EmulatorError::bad_request(format!("Version {text} is not available")))?,
    };
    check_network(&body, plan, region.kind())?;
    check_gateway(&emulator, &body, &region.name, region.kind())?;
    let id = uuid::Uuid::new_v4().to_string();
    let name = body.name.unwrap_or_else(|| format!("kube-{}", &id[..8]));
    check_name(&name).map_err(|e| EmulatorError::bad_request(format!("Invalid name: {e}")))?;
    let now = emulator.clock.now();
    let record = ClusterRecord {
        id: id.clone(),
        name,
        region: region.name,
        plan,
        version: format!("{minor}.{LATEST_PATCH}-1"),
        update_policy: body.update_policy.unwrap_or_default(),
        kube_proxy_mode: body.kube_proxy_mode.unwrap_or_default(),
        customization: body.customization,
        ip_allocation_policy: body.ip_allocation_policy,
        private_network_id: body.private_network_id,
        nodes_subnet_id: body.nodes_subnet_id,
        load_balancers_subnet_id: body.load_balancers_subnet_id,
        private_network_configuration: body.private_network_configuration,
        created_at: now,
        updated_at: now,
        ready_at: now + scaled(&emulator, INSTALL),
        deleted_at: None,
        busy: None,
        ip_restrictions: Vec::new(),
        oidc: None,
        credentials: None,
    };
    let wire = record.to_wire(now);
    // Pools are checked one by one against those before them; any refusal creates nothing.
    let mut world = emulator.world();
    let free_clusters = world.clusters.values().filter(|c| c.plan == Plan::Free && !c.is_gone(now)).count();
    if plan == Plan::Free && free_clusters >= world.free_cluster_quota as usize {
        return Err(EmulatorError::forbidden(format!(
            "Quota exceeded: this project may have at most {} Free clusters",
            world.free_cluster_quota
        )));
    }
    let mut draft = world.clone();
    draft.clusters.insert(id, record.clone());
    for pool in body.nodepools.iter().flatten().chain(body.nodepool.as_ref()) {
        create_pool(&emulator, &mut draft, &record, pool, record.ready_at)?;
    }
    draft.tally.entry(record.name.clone()).or_default().created += 1;
    *world = draft;
    Ok(Json(wire))
}

/// The network rules of a creation (provider-api.md §4.1, §4.5, §7): subnets need the private
/// network, the load-balancer subnet needs the nodes subnet, 3-AZ regions need a private network
/// and subnet (whose gateway the emulator cannot see), and custom pod/service ranges follow the
/// model's rules.
fn check_network(body: &ClusterCreation, plan: Plan, kind: RegionKind) -> Result<(), EmulatorError> {
    if body.nodes_subnet_id.is_some() && body.private_network_id.is_none() {
        return Err(EmulatorError::bad_request("nodesSubnetId needs privateNetworkId"));
    }
    if body.load_balancers_subnet_id.is_some() && body.nodes_subnet_id.is_none() {
        return Err(EmulatorError::bad_request(
            "loadBalancersSubnetId needs privateNetworkId and nodesSubnetId",
        ));
    }
    if kind == RegionKind::ThreeZone && (body.private_network_id.is_none() || body.nodes_subnet_id.is_none())
    {
        return Err(EmulatorError::bad_request(
            "A 3-AZ region needs a private network and a nodes subnet with a gateway (privateNetworkId, nodesSubnetId)",
        ));
    }
    if let Some(policy) = &body.ip_allocation_policy {
        let defaults = Plan::Standard.cluster_ranges();
        let parse = |text: &Option<String>, default: model::cidr::Ipv4Cidr| match text {
            Some(text) => text.parse().map_err(|e| EmulatorError::bad_request(format!("{text}: {e}"))),
            None => Ok(default),
        };
        let policy = model::network::IpAllocationPolicy {
            pods_ipv4_cidr: parse(&policy.pods_ipv4_cidr, defaults.pods)?,
            services_ipv4_cidr: parse(&policy.services_ipv4_cidr, defaults.services)?,
        };
        if let Some(error) = policy.validate(plan).iter().next() {
            return Err(EmulatorError::bad_request(format!("{}: {}", error.field, error.message)));
        }
    }
    Ok(())
}

/// The private network and subnets a cluster names must be the project's, in the cluster's
/// region; a 3-AZ region routes the nodes' traffic through a gateway on the nodes subnet, so a
/// subnet without an active one is refused. The provider's wording of these refusals is not
/// documented.
fn check_gateway(
    emulator: &Emulator,
    body: &ClusterCreation,
    region: &str,
    kind: RegionKind,
) -> Result<(), EmulatorError> {
    let Some(network) = &body.private_network_id else { return Ok(()) };
    let now = emulator.clock.now();
    let world = emulator.world();
    let networking = &world.networking;
    if !networking.network_in(region, network) {
        return Err(EmulatorError::bad_request(format!(
            "Invalid privateNetworkId: the project has no private network {network} in {region}"
        )));
    }
    for (field, subnet) in
        [("nodesSubnetId", &body.nodes_subnet_id), ("loadBalancersSubnetId", &body.load_balancers_subnet_id)]
    {
        if let Some(subnet) = subnet
            && networking.subnet_in(region, network, subnet, now).is_none()
        {
            return Err(EmulatorError::bad_request(format!(
                "Invalid {field}: {subnet} is not a subnet of {network} in {region}"
            )));
        }
    }
    let known =
        body.nodes_subnet_id.as_ref().and_then(|subnet| networking.subnet_in(region, network, subnet, now));
    match known {
        Some((cidr, false)) if kind == RegionKind::ThreeZone => Err(EmulatorError::bad_request(format!(
            "The nodes subnet {} ({cidr}) has no active gateway: a cluster in a 3-AZ region needs one",
            body.nodes_subnet_id.as_deref().unwrap_or_default()
        ))),
        _ => Ok(()),
    }
}

/// The cluster `kube_id`, unless it does not exist or is deleted.
pub fn live_cluster<'a>(
    world: &'a World,
    kube_id: &str,
    now: DateTime<Utc>,
) -> Result<&'a ClusterRecord, EmulatorError> {
    world
        .clusters
        .get(kube_id)
        .filter(|c| !c.is_gone(now))
        .ok_or_else(|| EmulatorError::not_found(format!("This cluster does not exist: {kube_id}")))
}

/// Runs `f` on the cluster if it exists (and is not deleted).
pub fn with_cluster<T>(
    emulator: &Emulator,
    service_name: &str,
    kube_id: &str,
    f: impl FnOnce(&mut ClusterRecord, DateTime<Utc>) -> Result<T, EmulatorError>,
) -> Result<T, EmulatorError> {
    check_project(emulator, service_name)?;
    let now = emulator.clock.now();
    let mut world = emulator.world();
    live_cluster(&world, kube_id, now)?;
    match world.clusters.get_mut(kube_id) {
        Some(cluster) => f(cluster, now),
        None => Err(EmulatorError::not_found(format!("This cluster does not exist: {kube_id}"))),
    }
}

/// 409 unless the cluster is `READY`.
pub fn require_ready(cluster: &ClusterRecord, now: DateTime<Utc>) -> Result<(), EmulatorError> {
    match cluster.status(now) {
        Status::Ready => Ok(()),
        status => Err(EmulatorError::conflict(format!(
            "Cluster is not in state READY (it is {})",
            status.as_wire()
        ))),
    }
}

async fn read(
    State(emulator): State<Arc<Emulator>>,
    Path((service_name, kube_id)): Path<(String, String)>,
) -> Result<Json<Cluster>, EmulatorError> {
    check_project(&emulator, &service_name)?;
    let now = emulator.clock.now();
    let world = emulator.world();
    Ok(Json(world.cluster_to_wire(live_cluster(&world, &kube_id, now)?, now)))
}

async fn update(
    State(emulator): State<Arc<Emulator>>,
    Path((service_name, kube_id)): Path<(String, String)>,
    Json(body): Json<ClusterUpdate>,
) -> Result<Json<()>, EmulatorError> {
    with_cluster(&emulator, &service_name, &kube_id, |cluster, now| {
        require_ready(cluster, now)?;
        if let Some(name) = body.name {
            check_name(&name).map_err(|e| EmulatorError::bad_request(format!("Invalid name: {e}")))?;
            cluster.name = name;
        }
        if let Some(policy) = body.update_policy {
            cluster.update_policy = policy;
        }
        cluster.updated_at = now;
        Ok(Json(()))
    })
}

async fn delete(
    State(emulator): State<Arc<Emulator>>,
    Path((service_name, kube_id)): Path<(String, String)>,
) -> Result<Json<()>, EmulatorError> {
    let until = scaled(&emulator, DELETE);
    let deleted = with_cluster(&emulator, &service_name, &kube_id, |cluster, now| {
        if cluster.deleted_at.is_some() {
            return Ok(None);
        }
        require_ready(cluster, now)?;
        cluster.deleted_at = Some(now + until);
        cluster.updated_at = now;
        Ok(Some(cluster.name.clone()))
    })?;
    if let Some(name) = deleted {
        emulator.world().tally.entry(name).or_default().deleted += 1;
    }
    Ok(Json(()))
}
