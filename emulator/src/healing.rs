//! Auto-healing (seed, "Auto-healing"): a node that stays NotReady for 10 minutes is reinstalled
//! in place on Free, or deleted and replaced by a new node on Standard. The admin API breaks a
//! node (`POST /emulator/nodes/{nodeId}/break`); the healing is then scheduled on the virtual
//! clock. Choice where provider-api.md is silent: a broken node reports `UNKNOWN` until healed.

use std::time::Duration;

use model::plan::{AUTO_HEALING_DELAY_MINUTES, AutoHealing};

use super::Emulator;
use super::cluster::scaled;
use super::error::EmulatorError;
use super::node::{self, NodeRecord, Redeploy};

/// Makes node `node_id` NotReady now and schedules its healing per its cluster's plan.
pub fn break_node(emulator: &Emulator, node_id: &str) -> Result<(), EmulatorError> {
    let now = emulator.clock.now();
    let mut world = emulator.world();
    let node = world
        .nodes
        .get(node_id)
        .filter(|n| !n.is_gone(now) && !n.is_leaving())
        .cloned()
        .ok_or_else(|| EmulatorError::not_found(format!("This node does not exist: {node_id}")))?;
    let plan = world
        .pools
        .get(&node.pool_id)
        .and_then(|p| world.clusters.get(&p.cluster_id))
        .map(|c| c.plan)
        .ok_or_else(|| EmulatorError::not_found("The node's cluster does not exist"))?;
    let heal = now + scaled(emulator, Duration::from_secs(60 * u64::from(AUTO_HEALING_DELAY_MINUTES)));
    let (install, drain) = (scaled(emulator, node::INSTALL), scaled(emulator, node::DRAIN));
    let mut broken = node.clone();
    broken.broken = Some((now, heal));
    match plan.auto_healing() {
        AutoHealing::ReinstallInPlace => {
            let version = node.version_at(now).to_string();
            broken.redeploy = Some(Redeploy { from: heal, until: heal + install, version });
        }
        AutoHealing::Replace => {
            broken.drain_from = Some(heal);
            broken.gone_at = Some(heal + drain);
            let id = uuid::Uuid::new_v4().to_string();
            let pool_name = node.name.rsplit_once("-node-").map_or(node.name.as_str(), |(pool, _)| pool);
            let cluster_id = world.pools.get(&node.pool_id).map(|p| p.cluster_id.clone()).unwrap_or_default();
            let replacement = NodeRecord {
                address: world.free_address(&cluster_id),
                name: format!("{pool_name}-node-{}", &id[..5]),
                id: id.clone(),
                instance_id: uuid::Uuid::new_v4().to_string(),
                version: node.version_at(now).to_string(),
                created_at: heal,
                ready_at: heal + install,
                drain_from: None,
                gone_at: None,
                redeploy: None,
                visible_from: Some(heal),
                broken: None,
                out_of_stock: false,
                held_seconds: 0,
                ..node
            };
            world.nodes.insert(id, replacement);
        }
    }
    world.nodes.insert(node_id.to_string(), broken);
    Ok(())
}
