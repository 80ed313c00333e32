//! Node pools: create, list, get, resize (with `nodesToRemove`), edit, delete, and their nodes.
//!
//! A new pool is `INSTALLING` until its first nodes are ready; adding nodes makes it `UPSCALING`,
//! removing them `DOWNSCALING`. Without `nodesToRemove`, a downscale removes the most recently
//! created nodes (provider-api.md §6). Rules come from the model crate; the provider's one
//! verbatim message, "availabilityZones is mandatory", is kept for 3-AZ regions (§7).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use model::catalogue;
use model::node_pool::{NodePoolSpec, check_node_limit};
use model::region::RegionKind;
use model::status::{SizeStatus, Status};
use serde::{Deserialize, Serialize};

use super::cluster::{ClusterRecord, check_project, live_cluster, require_ready, scaled};
use super::error::EmulatorError;
use super::node::{self, NodeRecord};
use super::{Emulator, World};
use provider::api::{FloatingIps, NodePool, NodePoolCreation, NodePoolUpdate};

/// A node pool as the emulator keeps it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PoolRecord {
    pub id: String,
    pub cluster_id: String,
    pub spec: NodePoolSpec,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// `INSTALLING` until this time.
    pub ready_at: DateTime<Utc>,
    pub deleting: bool,
    /// Since when the autoscaler has found nodes of this pool unneeded.
    #[serde(default)]
    pub unneeded_since: Option<DateTime<Utc>>,
}

pub fn routes() -> Router<Arc<Emulator>> {
    Router::new()
        .route("/cloud/project/{service_name}/kube/{kube_id}/nodepool", get(list).post(create))
        .route(
            "/cloud/project/{service_name}/kube/{kube_id}/nodepool/{pool_id}",
            get(read).put(update).delete(delete),
        )
}

impl World {
    pub(super) fn pool_nodes(&self, pool_id: &str, now: DateTime<Utc>) -> impl Iterator<Item = &NodeRecord> {
        self.nodes.values().filter(move |n| n.pool_id == pool_id && !n.is_gone(now))
    }

    fn pool_is_gone(&self, pool: &PoolRecord, now: DateTime<Utc>) -> bool {
        pool.deleting && self.pool_nodes(&pool.id, now).next().is_none()
    }

    pub(super) fn live_pools(&self, cluster_id: &str, now: DateTime<Utc>) -> Vec<&PoolRecord> {
        self.pools.values().filter(|p| p.cluster_id == cluster_id && !self.pool_is_gone(p, now)).collect()
    }

    /// The cluster as the provider shows it, with `isUpToDate` from its nodes' versions.
    pub fn cluster_to_wire(&self, cluster: &ClusterRecord, now: DateTime<Utc>) -> provider::api::Cluster {
        let mut wire = cluster.to_wire(now);
        wire.is_up_to_date = self
            .live_pools(&cluster.id, now)
            .into_iter()
            .flat_map(|p| self.pool_nodes(&p.id, now))
            .all(|n| n.version_at(now) == cluster.version);
        wire
    }

    fn pool_to_wire(&self, pool: &PoolRecord, project: &str, now: DateTime<Utc>) -> NodePool {
        let nodes: Vec<&NodeRecord> = self.pool_nodes(&pool.id, now).collect();
        let count = |status: Status| nodes.iter().filter(|n| n.status(now) == status).count() as u32;
        let (installing, ready, deleting) =
            (count(Status::Installing), count(Status::Ready), count(Status::Deleting));
        let cluster = self.clusters.get(&pool.cluster_id);
        let cluster_version = cluster.map_or("", |c| c.version.as_str());
        let upgrading = cluster.is_some_and(|c| c.status(now) == Status::Updating);
        let status = if pool.deleting {
            Status::Deleting
        } else if now < pool.ready_at {
            Status::Installing
        } else if upgrading || count(Status::Redeploying) > 0 {
            Status::Redeploying
        } else if installing > 0 {
            Status::Upscaling
        } else if deleting > 0 {
            Status::Downscaling
        } else {
            Status::Ready
        };
        let current = nodes.len() as u32;
        let spec = &pool.spec;
        let size_status = if ready < spec.desired_nodes {
            SizeStatus::UnderCapacity
        } else if current > spec.desired_nodes {
            SizeStatus::OverCapacity
        } else {
            SizeStatus::CapacityOk
        };
        let time = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        NodePool {
            id: pool.id.clone(),
            project_id: project.to_string(),
            name: spec.name.clone(),
            flavor: spec.flavor_name.clone(),
            status,
            size_status,
            autoscale: spec.autoscale,
            monthly_billed: spec.monthly_billed,
            anti_affinity: spec.anti_affinity,
            desired_nodes: spec.desired_nodes,
            min_nodes: spec.min_nodes,
            max_nodes: spec.max_nodes,
            current_nodes: current,
            available_nodes: ready,
            up_to_date_nodes: nodes.iter().filter(|n| n.version_at(now) == cluster_version).count() as u32,
            availability_zones: (!spec.availability_zones.is_empty())
                .then(|| spec.availability_zones.clone()),
            attach_floating_ips: Some(FloatingIps { enabled: spec.attach_floating_ips }),
            autoscaling: Some(spec.autoscaling.into()),
            template: (&spec.template).into(),
            created_at: time(pool.created_at),
            updated_at: time(pool.updated_at),
        }
    }

    /// Adds `count` nodes to `pool`, ready after their flavor's install time from `start`.
    pub(super) fn add_nodes(
        &mut self,
        emulator: &Emulator,
        pool: &PoolRecord,
        version: &str,
        count: u32,
        start: DateTime<Utc>,
    ) {
        let install = scaled(emulator, node::install_time(&pool.spec.flavor_name));
        for _ in 0..count {
            let id = uuid::Uuid::new_v4().to_string();
            let address = self.free_address(&pool.cluster_id);
            let node = NodeRecord {
                address,
                name: format!("{}-node-{}", pool.spec.name, &id[..5]),
                id: id.clone(),
                pool_id: pool.id.clone(),
                instance_id: uuid::Uuid::new_v4().to_string(),
                flavor: pool.spec.flavor_name.clone(),
                version: version.to_string(),
                created_at: start,
                ready_at: start + install,
                drain_from: None,
                gone_at: None,
                redeploy: None,
                visible_from: None,
                broken: None,
                out_of_stock: self.out_of_stock.contains(&pool.spec.flavor_name),
                held_seconds: 0,
            };
            self.nodes.insert(id, node);
        }
    }

    /// Starts draining `count` nodes of `pool`: the named ones first, then the newest.
    pub(super) fn remove_nodes(
        &mut self,
        emulator: &Emulator,
        pool_id: &str,
        count: usize,
        named: &[String],
        now: DateTime<Utc>,
    ) {
        let mut candidates: Vec<&NodeRecord> =
            self.pool_nodes(pool_id, now).filter(|n| !n.is_leaving()).collect();
        candidates.sort_by_key(|n| (!named.iter().any(|r| n.answers_to(r)), std::cmp::Reverse(n.created_at)));
        let chosen: Vec<String> = candidates.into_iter().take(count).map(|n| n.id.clone()).collect();
        let gone_at = now + scaled(emulator, node::DRAIN);
        for id in chosen {
            if let Some(node) = self.nodes.get_mut(&id) {
                node.drain_from = Some(now);
                node.gone_at = Some(gone_at);
            }
        }
    }
}

/// Checks a pool spec against the model's rules and the cluster's other pools.
fn check_spec(
    world: &World,
    cluster: &ClusterRecord,
    spec: &NodePoolSpec,
    replacing: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), EmulatorError> {
    let errors = spec.validate(cluster.plan);
    if let Some(first) = errors.iter().next() {
        return Err(EmulatorError::bad_request(format!("{}: {}", first.field, first.message)));
    }
    let region = catalogue::regions().into_iter().find(|r| r.name == cluster.region);
    if region.as_ref().is_some_and(|r| r.kind() == RegionKind::ThreeZone)
        && spec.availability_zones.is_empty()
    {
        return Err(EmulatorError::bad_request("availabilityZones is mandatory"));
    }
    if let Some(zone) = spec.availability_zones.first()
        && !region.as_ref().is_some_and(|r| r.zones.contains(zone))
    {
        return Err(EmulatorError::bad_request(format!("Invalid availability zone {zone}")));
    }
    if !catalogue::flavors_in(&cluster.region).iter().any(|f| f.name == spec.flavor_name) {
        return Err(EmulatorError::bad_request(format!(
            "Flavor {} is not available in {}",
            spec.flavor_name, cluster.region
        )));
    }
    let others = world.live_pools(&cluster.id, now).into_iter().filter(|p| Some(p.id.as_str()) != replacing);
    let mut all: Vec<NodePoolSpec> = others.map(|p| p.spec.clone()).collect();
    if replacing.is_none() && all.iter().any(|p| p.name == spec.name) {
        return Err(EmulatorError::conflict(format!("A node pool named {} already exists", spec.name)));
    }
    all.push(spec.clone());
    check_node_limit(cluster.plan, &all).map_err(|e| EmulatorError::bad_request(e.to_string()))
}

/// Creates a pool in `cluster` (also used for the pools of a cluster creation).
pub fn create_pool(
    emulator: &Emulator,
    world: &mut World,
    cluster: &ClusterRecord,
    body: &NodePoolCreation,
    start: DateTime<Utc>,
) -> Result<NodePool, EmulatorError> {
    let now = emulator.clock.now();
    let id = uuid::Uuid::new_v4().to_string();
    let spec = body.to_spec(&format!("nodepool-{}", &id[..8]));
    check_spec(world, cluster, &spec, None, now)?;
    let install = if spec.desired_nodes > 0 {
        scaled(emulator, node::install_time(&spec.flavor_name))
    } else {
        chrono::Duration::zero()
    };
    let pool = PoolRecord {
        id: id.clone(),
        cluster_id: cluster.id.clone(),
        spec,
        created_at: now,
        updated_at: now,
        ready_at: start + install,
        deleting: false,
        unneeded_since: None,
    };
    world.add_nodes(emulator, &pool, &cluster.version, pool.spec.desired_nodes, start);
    let wire = world.pool_to_wire(&pool, &emulator.config.project, now);
    world.pools.insert(id, pool);
    Ok(wire)
}

async fn list(
    State(emulator): State<Arc<Emulator>>,
    Path((service_name, kube_id)): Path<(String, String)>,
) -> Result<Json<Vec<NodePool>>, EmulatorError> {
    check_project(&emulator, &service_name)?;
    let now = emulator.clock.now();
    let world = emulator.world();
    live_cluster(&world, &kube_id, now)?;
    let project = &emulator.config.project;
    Ok(Json(
        world.live_pools(&kube_id, now).into_iter().map(|p| world.pool_to_wire(p, project, now)).collect(),
    ))
}

async fn create(
    State(emulator): State<Arc<Emulator>>,
    Path((service_name, kube_id)): Path<(String, String)>,
    Json(body): Json<NodePoolCreation>,
) -> Result<Json<NodePool>, EmulatorError> {
    check_project(&emulator, &service_name)?;
    let now = emulator.clock.now();
    let mut world = emulator.world();
    let cluster = live_cluster(&world, &kube_id, now)?.clone();
    require_ready(&cluster, now)?;
    create_pool(&emulator, &mut world, &cluster, &body, now).map(Json)
}

/// The live pool `pool_id` of live cluster `kube_id`.
pub(super) fn live_pool<'a>(
    world: &'a World,
    kube_id: &str,
    pool_id: &str,
    now: DateTime<Utc>,
) -> Result<&'a PoolRecord, EmulatorError> {
    live_cluster(world, kube_id, now)?;
    world
        .pools
        .get(pool_id)
        .filter(|p| p.cluster_id == kube_id && !world.pool_is_gone(p, now))
        .ok_or_else(|| EmulatorError::not_found(format!("This node pool does not exist: {pool_id}")))
}

async fn read(
    State(emulator): State<Arc<Emulator>>,
    Path((service_name, kube_id, pool_id)): Path<(String, String, String)>,
) -> Result<Json<NodePool>, EmulatorError> {
    check_project(&emulator, &service_name)?;
    let now = emulator.clock.now();
    let world = emulator.world();
    let pool = live_pool(&world, &kube_id, &pool_id, now)?;
    Ok(Json(world.pool_to_wire(pool, &emulator.config.project, now)))
}

async fn update(
    State(emulator): State<Arc<Emulator>>,
    Path((service_name, kube_id, pool_id)): Path<(String, String, String)>,
    Json(body): Json<NodePoolUpdate>,
) -> Result<Json<()>, EmulatorError> {
    check_project(&emulator, &service_name)?;
    let now = emulator.clock.now();
    let mut world = emulator.world();
    let cluster = live_cluster(&world, &kube_id, now)?.clone();
    let pool = live_pool(&world, &kube_id, &pool_id, now)?.clone();
    let wire = world.pool_to_wire(&pool, &emulator.config.project, now);
    if wire.status != Status::Ready {
        return Err(EmulatorError::conflict(format!(
            "Node pool is not in state READY (it is {})",
            wire.status.as_wire()
        )));
    }
    let removals = body.nodes_to_remove.clone().unwrap_or_default();
    let current = wire.current_nodes;
    let mut spec = pool.spec.clone();
    let sizing = &body.sizing;
    spec.desired_nodes = sizing.desired_nodes.unwrap_or(current.saturating_sub(removals.len() as u32));
    spec.min_nodes = sizing.min_nodes.unwrap_or(spec.min_nodes);
    spec.max_nodes = sizing.max_nodes.unwrap_or(spec.max_nodes);
    spec.autoscale = sizing.autoscale.unwrap_or(spec.autoscale);
    if let Some(tuning) = sizing.autoscaling {
        spec.autoscaling = tuning.into();
    }
    if let Some(template) = &body.template {
        spec.template = template.into();
    }
    if let Some(fip) = body.attach_floating_ips {
        spec.attach_floating_ips = fip.enabled;
    }
    check_spec(&world, &cluster, &spec, Some(&pool_id), now)?;
    let target = spec.desired_nodes;
    let updated = PoolRecord { spec, updated_at: now, ..pool };
    if target > current {
        world.add_nodes(&emulator, &updated, &cluster.version, target - current, now);
    } else if target < current {
        world.remove_nodes(&emulator, &pool_id, (current - target) as usize, &removals, now);
    }
    world.pools.insert(pool_id, updated);
    world.tally.entry(cluster.name.clone()).or_default().pool_updates += 1;
    Ok(Json(()))
}

async fn delete(
    State(emulator): State<Arc<Emulator>>,
    Path((service_name, kube_id, pool_id)): Path<(String, String, String)>,
) -> Result<Json<()>, EmulatorError> {
    check_project(&emulator, &service_name)?;
    let now = emulator.clock.now();
    let mut world = emulator.world();
    let pool = live_pool(&world, &kube_id, &pool_id, now)?.clone();
    if !pool.deleting {
        let count = world.pool_nodes(&pool_id, now).count();
        world.remove_nodes(&emulator, &pool_id, count, &[], now);
        if let Some(record) = world.pools.get_mut(&pool_id) {
            record.deleting = true;
            record.updated_at = now;
        }
    }
    Ok(Json(()))
}
