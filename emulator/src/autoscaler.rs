//! The cluster autoscaler, driven by a synthetic workload that the admin API sets per cluster
//! (`PUT /emulator/clusters/{kubeId}/workload {"cpuMillicores": N}`).
//!
//! Autoscaled pools grow, up to `maxNodes`, as soon as the workload's CPU requests exceed what
//! the nodes can allocate (the model's reserved-resources formula); they shrink, down to
//! `minNodes`, once nodes have been unneeded for `scaleDownUnneededTimeSeconds`: a node is
//! unneeded when the others would stay under `scaleDownUtilizationThreshold` without it. A node
//! that has been NotReady for `scaleDownUnreadyTimeSeconds` is removed (if the pool is above
//! `minNodes`), unless auto-healing has taken it over first. The
//! emulator evaluates this whenever it answers a request, at that moment of the virtual clock, so
//! a scale-down needs one request to notice the surplus and a later one to act on it.

use chrono::{DateTime, Utc};
use model::catalogue;

use super::cluster::scaled;
use super::{Emulator, World};

/// Allocatable CPU of one node of `flavor`, in millicores.
fn node_cpu(flavor: &str) -> u64 {
    catalogue::flavor(flavor).map_or(0, |f| u64::from(f.shape().allocatable().cpu_millicores))
}

/// Brings every cluster with a workload to the size the autoscaler would choose at `now`.
pub fn reconcile(emulator: &Emulator, world: &mut World, now: DateTime<Utc>) {
    let clusters: Vec<(String, String, u64)> = world
        .clusters
        .values()
        .filter(|c| c.deleted_at.is_none())
        .filter_map(|c| c.workload_cpu.map(|w| (c.id.clone(), c.version.clone(), u64::from(w))))
        .collect();
    for (cluster_id, version, workload) in clusters {
        let pools: Vec<_> =
            world.live_pools(&cluster_id, now).into_iter().filter(|p| !p.deleting).cloned().collect();
        let size = |world: &World, pool_id: &str| {
            world.pool_nodes(pool_id, now).filter(|n| !n.is_leaving()).count() as u64
        };
        let capacity: u64 = pools.iter().map(|p| size(world, &p.id) * node_cpu(&p.spec.flavor_name)).sum();
        let mut missing = workload.saturating_sub(capacity);
        let mut surplus_capacity = capacity;
        for pool in pools.iter().filter(|p| p.spec.autoscale) {
            let per_node = node_cpu(&pool.spec.flavor_name).max(1);
            remove_unready(emulator, world, pool, now);
            let current = size(world, &pool.id);
            if missing > 0 {
                let add =
                    missing.div_ceil(per_node).min(u64::from(pool.spec.max_nodes).saturating_sub(current));
                if add > 0 {
                    world.add_nodes(emulator, pool, &version, add as u32, now);
                    missing = missing.saturating_sub(add * per_node);
                    set_desired(world, &pool.id, current + add, None);
                }
                continue;
            }
            // How many nodes could go while the rest stays under the threshold.
            let threshold = pool.spec.autoscaling.scale_down_utilization_threshold;
            let removable = current.saturating_sub(u64::from(pool.spec.min_nodes));
            let mut unneeded = 0;
            while unneeded < removable
                && (workload as f64) <= threshold * (surplus_capacity - (unneeded + 1) * per_node) as f64
            {
                unneeded += 1;
            }
            let since = world.pools.get(&pool.id).and_then(|p| p.unneeded_since);
            let wait = scaled(
                emulator,
                std::time::Duration::from_secs(u64::from(
                    pool.spec.autoscaling.scale_down_unneeded_time_seconds,
                )),
            );
            match (unneeded, since) {
                (0, _) => set_desired(world, &pool.id, current, None),
                (_, None) => set_desired(world, &pool.id, current, Some(now)),
                (k, Some(start)) if now - start >= wait => {
                    world.remove_nodes(emulator, &pool.id, k as usize, &[], now);
                    surplus_capacity -= k * per_node;
                    set_desired(world, &pool.id, current - k, None);
                }
                _ => {}
            }
        }
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
