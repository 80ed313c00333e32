//! What runs inside the emulated clusters: the objects their API servers keep (namespaces,
//! Deployments, ReplicaSets, DaemonSets, pods, PodDisruptionBudgets, events), the system
//! workloads every cluster starts with, and the controllers and scheduler that move pods as
//! the provider adds, drains and removes nodes.

mod budgets;
pub mod controller;
pub mod defaults;
pub mod pods;
pub mod rbac;
mod statuses;
pub mod store;
pub mod system;

use chrono::{DateTime, Utc};
use model::status::Status;

use crate::{Emulator, World};
pub use store::Store;

/// How long a drain waits for a disruption budget before it evicts anyway, at speed 1.0
/// (domain.md "Node lifecycle": at most 10 minutes).
pub const BUDGET_PATIENCE: std::time::Duration =
    std::time::Duration::from_secs(model::drain::BUDGET_PATIENCE_MINUTES as u64 * 60);

impl World {
    /// The nodes of `cluster_id` as registered at `now`, and the ones draining.
    pub(crate) fn registered_nodes(&self, cluster_id: &str, now: DateTime<Utc>) -> controller::Nodes {
        let Some(cluster) = self.clusters.get(cluster_id) else { return controller::Nodes::default() };
        let mut nodes = controller::Nodes::default();
        for pool in self.live_pools(cluster_id, now) {
            for node in self.pool_nodes(&pool.id, now) {
                if let Some(object) = crate::kube::node_object(cluster, pool, node, now) {
                    // Draining now, or drained by an in-place upgrade since its pods came.
                    let started = match (node.status(now), &node.redeploy) {
                        (Status::Deleting, _) => node.drain_from,
                        (_, Some(redeploy)) if now >= redeploy.from => Some(redeploy.from),
                        _ => None,
                    };
                    if let Some(started) = started {
                        nodes.draining.insert(node.name.clone(), started);
                    }
                    nodes.objects.push(object);
                }
            }
        }
        nodes
    }

    /// Runs the controllers of `cluster_id` once, installing its system workloads the first
    /// time; nothing for a cluster that is not up yet or is gone.
    pub(crate) fn reconcile_workloads(&mut self, emulator: &Emulator, cluster_id: &str, now: DateTime<Utc>) {
        let Some(cluster) = self.clusters.get(cluster_id) else { return };
        if cluster.deleted_at.is_some() || now < cluster.ready_at {
            return;
        }
        let (plan, created) = (cluster.plan, cluster.ready_at);
        let nodes = self.registered_nodes(cluster_id, now);
        let patience = crate::cluster::scaled(emulator, BUDGET_PATIENCE);
        let store = self.workloads.entry(cluster_id.to_string()).or_default();
        if !store.seeded {
            system::seed(store, plan, created);
        }
        rbac::ensure_defaults(store, created);
        // A pass on a copy first: a drain a budget holds up (or no longer holds up) moves the
        // provider's schedule, and the real pass must see the nodes as the schedule now has them.
        let mut trial = store.clone();
        controller::reconcile(&mut trial, &nodes, now, patience);
        let mut holds: Vec<(String, DateTime<Utc>, DateTime<Utc>)> =
            trial.held_since.iter().map(|(node, since)| (node.clone(), *since, *since + patience)).collect();
        for (node, since) in &store.held_since {
            if !trial.held_since.contains_key(node) && now - *since < patience {
                holds.push((node.clone(), *since, now));
            }
        }
        let mut moved = false;
        for (node, since, release) in holds {
            moved |= self.postpone_held_drain(cluster_id, &node, since, release);
        }
        if moved {
            let nodes = self.registered_nodes(cluster_id, now);
            if let Some(store) = self.workloads.get_mut(cluster_id) {
                controller::reconcile(store, &nodes, now, patience);
            }
        } else {
            self.workloads.insert(cluster_id.to_string(), trial);
        }
    }

    /// A drain held up from `since` until `release` (the end of the patience while it is held,
    /// the moment it was let go otherwise) finishes that much later, and so does everything the
    /// provider scheduled after it: the next nodes of an upgrade, the cluster's own `UPDATING`.
    /// Whether anything moved.
    fn postpone_held_drain(
        &mut self,
        cluster_id: &str,
        node_name: &str,
        since: DateTime<Utc>,
        release: DateTime<Utc>,
    ) -> bool {
        let pools: Vec<String> =
            self.pools.values().filter(|p| p.cluster_id == cluster_id).map(|p| p.id.clone()).collect();
        let Some(held) = self.nodes.values_mut().find(|n| pools.contains(&n.pool_id) && n.name == node_name)
        else {
            return false;
        };
        let wanted = (release - since).num_seconds();
        let delta = chrono::Duration::seconds(wanted - held.held_seconds);
        if delta.is_zero() {
            return false;
        }
        held.held_seconds = wanted;
        let held_id = held.id.clone();
        let later = |at: DateTime<Utc>| at > since;
        for node in self.nodes.values_mut().filter(|n| pools.contains(&n.pool_id)) {
            let this = node.id == held_id;
            if let Some(gone) = node.gone_at.filter(|_| this || node.drain_from.is_some_and(later)) {
                node.gone_at = Some(gone + delta);
                if !this {
                    node.drain_from = node.drain_from.map(|at| at + delta);
                }
            }
            if let Some(redeploy) = node.redeploy.as_mut() {
                if this {
                    redeploy.until += delta;
                } else if later(redeploy.from) {
                    redeploy.from += delta;
                    redeploy.until += delta;
                }
            }
            if node.visible_from.is_some_and(later) {
                node.visible_from = node.visible_from.map(|at| at + delta);
                node.created_at += delta;
                node.ready_at += delta;
            }
        }
        let busy = self.clusters.get_mut(cluster_id).and_then(|c| c.busy.as_mut());
        if let Some((_, end)) = busy.filter(|(_, end)| later(*end)) {
            *end += delta;
        }
        true
    }

    /// Runs the controllers of the clusters with workloads whose nodes are draining now, so a
    /// disruption budget holds a drain up whichever API is looked at.
    pub(crate) fn reconcile_draining_workloads(&mut self, emulator: &Emulator, now: DateTime<Utc>) {
        // One pass over the nodes (not clusters × pools × nodes): this runs on every request.
        let draining: std::collections::BTreeSet<String> = self
            .nodes
            .values()
            .filter(|n| !n.is_gone(now) && matches!(n.status(now), Status::Deleting | Status::Redeploying))
            .filter_map(|n| self.pools.get(&n.pool_id).map(|p| p.cluster_id.clone()))
            .filter(|cluster| self.workloads.contains_key(cluster))
            .collect();
        for id in draining {
            self.reconcile_workloads(emulator, &id, now);
        }
    }

    /// Forgets what ran in clusters that are gone.
    pub(crate) fn forget_deleted_workloads(&mut self) {
        self.workloads.retain(|id, _| self.clusters.get(id).is_some_and(|c| c.deleted_at.is_none()));
    }
}
