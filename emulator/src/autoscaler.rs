//! The cluster autoscaler, driven by the pods of the cluster, as the real one is.
//!
//! Autoscaled pools grow, up to `maxNodes`, when pods stay Pending because no node has room
//! for them and a new node of the pool would (the scheduler's rules, [`model::scheduling`], on
//! the pool's flavor, labels and taints; nodes still installing count as room on the way).
//! They shrink, down to `minNodes`, once nodes have been unneeded for
//! `scaleDownUnneededTimeSeconds`: a node is unneeded when its pods request less than
//! `scaleDownUtilizationThreshold` of it and would all fit on the nodes that stay
//! ([`model::drain::removal`]). A node that has been NotReady for `scaleDownUnreadyTimeSeconds`
//! is removed (if the pool is above `minNodes`), unless auto-healing has taken it over first.
//! The emulator evaluates this whenever it answers a request, at that moment of the virtual
//! clock, so a scale-down needs one request to notice the surplus and a later one to act on it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use model::catalogue;
use model::scheduling::{self, NodeRoom, PodDemand, Usage};
use model::status::Status;

use super::cluster::scaled;
use super::node_pool::PoolRecord;
use super::workload::{controller, pods};
use super::{Emulator, World};

/// A node as a new one of `pool` would register: its flavor's allocatable, the pool's labels
/// and taints.
fn new_node(pool: &PoolRecord) -> Option<NodeRoom> {
    let shape = catalogue::flavor(&pool.spec.flavor_name)?.shape();
    let mut room = NodeRoom::new(&format!("{}-new", pool.spec.name), shape.allocatable());
    room.labels = pool.spec.template.labels.clone();
    room.labels.insert("nodepool".into(), pool.spec.name.clone());
    room.labels.insert("node.kubernetes.io/instance-type".into(), pool.spec.flavor_name.clone());
    room.taints = pool
        .spec
        .template
        .taints
        .iter()
        .map(|t| scheduling::NodeTaint { key: t.key.clone(), value: t.value.clone(), effect: t.effect })
        .collect();
    Some(room)
}

/// Brings every cluster with an autoscaled pool to the size the autoscaler would choose at `now`.
pub fn reconcile(emulator: &Emulator, world: &mut World, now: DateTime<Utc>) {
    world.forget_deleted_workloads();
    world.reconcile_draining_workloads(emulator, now);
    // One pass over the pools: this runs on every request.
    let autoscaled: std::collections::BTreeSet<&str> = world
        .pools
        .values()
        .filter(|p| p.spec.autoscale && !p.deleting)
        .map(|p| p.cluster_id.as_str())
        .collect();
    let clusters: Vec<(String, String)> = autoscaled
        .into_iter()
        .filter_map(|id| world.clusters.get(id))
        .filter(|c| c.deleted_at.is_none() && now >= c.ready_at)
        .map(|c| (c.id.clone(), c.version.clone()))
        .collect();
    for (cluster_id, version) in clusters {
        world.reconcile_workloads(emulator, &cluster_id, now);
        let pools: Vec<PoolRecord> = world
            .live_pools(&cluster_id, now)
            .into_iter()
            .filter(|p| p.spec.autoscale && !p.deleting)
            .cloned()
            .collect();
        for pool in &pools {
            remove_unready(emulator, world, pool, now);
        }
        let pending = pending_pods(world, &cluster_id);
        if !pending.is_empty() {
            let daemons = daemon_templates(world, &cluster_id);
            scale_up(emulator, world, &pools, &version, pending, &daemons, now);
        } else {
            for pool in &pools {
                scale_down(emulator, world, &cluster_id, pool, now);
            }
        }
    }
}

/// The cluster's pods the scheduler found no room for.
fn pending_pods(world: &World, cluster_id: &str) -> Vec<PodDemand> {
    let Some(store) = world.workloads.get(cluster_id) else { return Vec::new() };
    store
        .list("pods")
        .filter(|p| !pods::is_bound(p) && pods::unschedulable_message(p).is_some())
        .filter_map(pods::demand)
        .collect()
}

/// What the cluster's DaemonSets would run on every new node that lets them in.
fn daemon_templates(world: &World, cluster_id: &str) -> Vec<PodDemand> {
    let Some(store) = world.workloads.get(cluster_id) else { return Vec::new() };
    store.list("daemonsets").filter_map(|ds| pods::template_demand(&ds["spec"]["template"])).collect()
}

/// What the daemons take of a new node like `room` before any other pod lands.
fn daemon_usage(daemons: &[PodDemand], room: &NodeRoom) -> Usage {
    let mut usage = Usage::default();
    for daemon in daemons {
        let mut open = room.clone();
        open.cpu_millicores = u64::MAX;
        open.memory_bytes = u64::MAX;
        if scheduling::check(daemon, &open, &Usage::default()).is_ok() {
            usage.add(daemon);
        }
    }
    usage
}

fn size(world: &World, pool_id: &str, now: DateTime<Utc>) -> u64 {
    world.pool_nodes(pool_id, now).filter(|n| !n.is_leaving()).count() as u64
}

/// Adds to the first pools whose new nodes would take the pending pods, as few as take them.
fn scale_up(
    emulator: &Emulator,
    world: &mut World,
    pools: &[PoolRecord],
    version: &str,
    mut pending: Vec<PodDemand>,
    daemons: &[PodDemand],
    now: DateTime<Utc>,
) {
    for pool in pools {
        let Some(template) = new_node(pool) else { continue };
        let empty = daemon_usage(daemons, &template);
        let current = size(world, &pool.id, now);
        let installing = world
            .pool_nodes(&pool.id, now)
            .filter(|n| !n.is_leaving() && n.status(now) == Status::Installing)
            .count();
        let headroom = u64::from(pool.spec.max_nodes).saturating_sub(current);
        let mut rooms: Vec<NodeRoom> = vec![template.clone(); installing];
        let mut usage = vec![empty; installing];
        let mut added = 0;
        pending.retain(|pod| {
            if let Ok(index) = scheduling::choose_node(pod, &rooms, &usage) {
                usage[index].add(pod);
                return false;
            }
            if added < headroom && scheduling::check(pod, &template, &empty).is_ok() {
                rooms.push(template.clone());
                let mut used = empty;
                used.add(pod);
                usage.push(used);
                added += 1;
                return false;
            }
            true
        });
        if added > 0 {
            world.add_nodes(emulator, pool, version, added as u32, now);
            set_desired(world, &pool.id, current + added, None);
        }
        if pending.is_empty() {
            return;
        }
    }
}

/// Removes, once they have been unneeded long enough, the pool's nodes whose pods are light
/// and would fit elsewhere.
fn scale_down(
    emulator: &Emulator,
    world: &mut World,
    cluster_id: &str,
    pool: &PoolRecord,
    now: DateTime<Utc>,
) {
    let current = size(world, &pool.id, now);
    let removable = current.saturating_sub(u64::from(pool.spec.min_nodes)) as usize;
    let Some(store) = world.workloads.get(cluster_id) else { return };
    let nodes = world.registered_nodes(cluster_id, now);
    let rooms: Vec<NodeRoom> = nodes.objects.iter().filter_map(pods::room).collect();
    let placed = controller::placed(store);
    let budgets = controller::budgets(store);
    let mut load: BTreeMap<&str, Usage> = BTreeMap::new();
    for pod in placed.iter().filter(|p| !p.pod.daemon) {
        if let Some(node) = &pod.node {
            load.entry(node.as_str()).or_default().add(&pod.pod);
        }
    }
    let threshold = pool.spec.autoscaling.scale_down_utilization_threshold;
    let light = |room: &NodeRoom| {
        let used = load.get(room.name.as_str()).copied().unwrap_or_default();
        let share = |used: u64, have: u64| if have == 0 { 1.0 } else { used as f64 / have as f64 };
        share(used.cpu_millicores, room.cpu_millicores).max(share(used.memory_bytes, room.memory_bytes))
            < threshold
    };
    let ours: Vec<String> = world
        .pool_nodes(&pool.id, now)
        .filter(|n| !n.is_leaving() && n.status(now) == Status::Ready)
        .map(|n| n.name.clone())
        .collect();
    let mut unneeded: Vec<String> = Vec::new();
    for room in rooms.iter().filter(|r| ours.contains(&r.name) && light(r)) {
        if unneeded.len() >= removable {
            break;
        }
        let mut trial = unneeded.clone();
        trial.push(room.name.clone());
        let issues = model::drain::removal(&rooms, &placed, &budgets, &trial);
        if !issues.iter().any(|i| matches!(i, model::drain::DrainIssue::NoRoom { .. })) {
            unneeded = trial;
        }
    }
    let since = world.pools.get(&pool.id).and_then(|p| p.unneeded_since);
    let wait = scaled(
        emulator,
        std::time::Duration::from_secs(u64::from(pool.spec.autoscaling.scale_down_unneeded_time_seconds)),
    );
    match (unneeded.len(), since) {
        (0, _) => set_desired(world, &pool.id, current, None),
        (_, None) => set_desired(world, &pool.id, current, Some(now)),
        (k, Some(start)) if now - start >= wait => {
            world.remove_nodes(emulator, &pool.id, k, &unneeded, now);
            set_desired(world, &pool.id, current - k as u64, None);
        }
        _ => {}
    }
}

/// Removes the pool's nodes that have been NotReady for longer than its unready time.
fn remove_unready(
    emulator: &Emulator,
    world: &mut World,
    pool: &super::node_pool::PoolRecord,
    now: DateTime<Utc>,
) {
    let wait = scaled(
        emulator,
        std::time::Duration::from_secs(u64::from(pool.spec.autoscaling.scale_down_unready_time_seconds)),
    );
    let current = world.pool_nodes(&pool.id, now).filter(|n| !n.is_leaving()).count() as u64;
    let unready: Vec<String> = world
        .pool_nodes(&pool.id, now)
        .filter(|n| !n.is_leaving() && n.status(now) == model::status::Status::Unknown)
        .filter(|n| n.broken.is_some_and(|(from, _)| now - from >= wait))
        .map(|n| n.id.clone())
        .take(current.saturating_sub(u64::from(pool.spec.min_nodes)) as usize)
        .collect();
    if !unready.is_empty() {
        world.remove_nodes(emulator, &pool.id, unready.len(), &unready, now);
        set_desired(world, &pool.id, current - unready.len() as u64, None);
    }
}

fn set_desired(world: &mut World, pool_id: &str, desired: u64, unneeded_since: Option<DateTime<Utc>>) {
    if let Some(pool) = world.pools.get_mut(pool_id) {
        pool.spec.desired_nodes = desired as u32;
        pool.unneeded_since = unneeded_since;
    }
}
