//! Kubernetes upgrades (`POST …/kube/{kubeId}/update`): the control plane first, then the
//! workers, in the plan's way (seed, "Node upgrades"; domain.md):
//! - Free, in place: one node at a time is drained and reinstalled (`REDEPLOYING`);
//! - Standard, rolling: in every pool at once, a new node is added, then an old one drains and
//!   goes, one node after the other.
//!
//! The whole schedule is fixed when the upgrade starts and read off the virtual clock. Choices
//! where provider-api.md is silent: the cluster shows the new `version` from the start and
//! `UPDATING` until the last node is done; pools show `REDEPLOYING` meanwhile.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use model::plan::UpgradeStrategy;
use model::status::Status;
use model::version::{self, KubeVersion, UpdateStrategy};

use super::cluster::{check_project, live_cluster, require_ready, scaled};
use super::error::EmulatorError;
use super::node::{self, NodeRecord, Redeploy};
use super::{Emulator, LATEST_PATCH};
use provider::api::UpdateCreation;

/// How long the control plane takes to upgrade, at speed 1.0.
pub const CONTROL_PLANE: Duration = Duration::from_secs(5 * 60);

pub fn routes() -> Router<Arc<Emulator>> {
    Router::new().route("/cloud/project/{service_name}/kube/{kube_id}/update", post(update))
}

async fn update(
    State(emulator): State<Arc<Emulator>>,
    Path((service_name, kube_id)): Path<(String, String)>,
    Json(body): Json<UpdateCreation>,
) -> Result<Json<()>, EmulatorError> {
    check_project(&emulator, &service_name)?;
    let now = emulator.clock.now();
    let mut world = emulator.world();
    let cluster = live_cluster(&world, &kube_id, now)?.clone();
    require_ready(&cluster, now)?;
    let current: KubeVersion =
        cluster.version.parse().map_err(|_| EmulatorError::internal("unreadable cluster version"))?;
    let target = match body.strategy {
        UpdateStrategy::NextMinor => {
            let offered: Vec<KubeVersion> =
                Some(current.next_minor()).filter(|v| version::is_offered(*v)).into_iter().collect();
            version::check_minor_upgrade(current, current.next_minor(), &offered)
                .map_err(|e| EmulatorError::bad_request(e.to_string()))?;
            current.next_minor()
        }
        // The emulator always installs the latest patch, so there is never a newer one.
        UpdateStrategy::LatestPatch => {
            version::check_patch_upgrade(current, true)
                .map_err(|e| EmulatorError::bad_request(e.to_string()))?;
            current.minor_version()
        }
    };
    let new_version = format!("{target}.{LATEST_PATCH}-1");
    let workers_from = now + scaled(&emulator, CONTROL_PLANE);
    let (drain, install) = (scaled(&emulator, node::DRAIN), scaled(&emulator, node::INSTALL));

    let pools: Vec<String> = world.live_pools(&kube_id, now).into_iter().map(|p| p.id.clone()).collect();
    let mut end = workers_from;
    let mut slot = 0;
    let mut added = Vec::new();
    for pool_id in &pools {
        let nodes: Vec<String> =
            world.pool_nodes(pool_id, now).filter(|n| !n.is_leaving()).map(|n| n.id.clone()).collect();
        for (j, id) in nodes.iter().enumerate() {
            let Some(node) = world.nodes.get_mut(id) else { continue };
            match cluster.plan.upgrade_strategy() {
                UpgradeStrategy::InPlace => {
                    let from = workers_from + (drain + install) * slot;
                    node.redeploy =
                        Some(Redeploy { from, until: from + drain + install, version: new_version.clone() });
                    node.held_seconds = 0;
                    end = end.max(from + drain + install);
                    slot += 1;
                }
                UpgradeStrategy::Rolling => {
                    let created = workers_from + (install + drain) * j as i32;
                    node.drain_from = Some(created + install);
                    node.gone_at = Some(created + install + drain);
                    end = end.max(created + install + drain);
                    added.push(replacement(node, &new_version, created, created + install));
                }
            }
        }
    }
    for mut node in added {
        node.address = world.free_address(&kube_id);
        world.nodes.insert(node.id.clone(), node);
    }
    if let Some(record) = world.clusters.get_mut(&kube_id) {
        record.version = new_version;
        record.pass_through(Status::Updating, now, end - now);
    }
    Ok(Json(()))
}

/// The new node that takes `old`'s place in a rolling upgrade.
/// Its address comes when it is added ([`World::free_address`]).
fn replacement(old: &NodeRecord, version: &str, created: DateTime<Utc>, ready: DateTime<Utc>) -> NodeRecord {
    let id = uuid::Uuid::new_v4().to_string();
    let pool_name = old.name.rsplit_once("-node-").map_or(old.name.as_str(), |(pool, _)| pool);
    NodeRecord {
        name: format!("{pool_name}-node-{}", &id[..5]),
        id,
        pool_id: old.pool_id.clone(),
        instance_id: uuid::Uuid::new_v4().to_string(),
        flavor: old.flavor.clone(),
        version: version.to_string(),
        created_at: created,
        ready_at: ready,
        drain_from: None,
        gone_at: None,
        redeploy: None,
        visible_from: Some(created),
        broken: None,
        out_of_stock: false,
        held_seconds: 0,
        address: None,
    }
}
