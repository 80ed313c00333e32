//! Nodes: each one `INSTALLING` for its flavor's install time, then `READY`; `DELETING` while it
//! drains, then gone (seed, "Node lifecycle").

use std::time::Duration;

use chrono::{DateTime, Utc};
use model::status::Status;
use serde::{Deserialize, Serialize};

use provider::api::Node;

/// How long a node takes to install at speed 1.0.
pub const INSTALL: Duration = Duration::from_secs(4 * 60);
/// How long a GPU node takes at speed 1.0: over an hour (seed, "Node lifecycle").
pub const INSTALL_GPU: Duration = Duration::from_secs(70 * 60);
/// How long a node of `flavor` takes to install, at speed 1.0.
pub fn install_time(flavor: &str) -> Duration {
    let gpu = model::catalogue::flavor(flavor).is_some_and(|f| f.is_gpu());
    if gpu { INSTALL_GPU } else { INSTALL }
}

/// How long a node drains before it is deleted, at speed 1.0 (PDBs respected up to 10 min).
pub const DRAIN: Duration = Duration::from_secs(2 * 60);

/// A node as the emulator keeps it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct NodeRecord {
    pub id: String,
    pub pool_id: String,
    pub name: String,
    pub instance_id: String,
    pub flavor: String,
    pub version: String,
    pub created_at: DateTime<Utc>,
    /// `INSTALLING` until this time.
    pub ready_at: DateTime<Utc>,
    /// When the node starts draining (`DELETING`) before it is removed.
    #[serde(default)]
    pub drain_from: Option<DateTime<Utc>>,
    /// When a removed node is gone.
    pub gone_at: Option<DateTime<Utc>>,
    /// An in-place upgrade: `REDEPLOYING` in this window, then the new version.
    #[serde(default)]
    pub redeploy: Option<Redeploy>,
    /// Its address on the cluster's nodes subnet, from the subnet's DHCP range (none on the
    /// public network, or on a subnet the emulator does not know).
    #[serde(default)]
    pub address: Option<std::net::Ipv4Addr>,
    /// A node added by a rolling upgrade does not exist before this time.
    #[serde(default)]
    pub visible_from: Option<DateTime<Utc>>,
    /// NotReady from the first time until auto-healing starts at the second.
    #[serde(default)]
    pub broken: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Ordered while its flavor was out of stock: it never comes up.
    #[serde(default)]
    pub out_of_stock: bool,
    /// How long a disruption budget has held up its drain so far, in seconds: its removal or
    /// upgrade (and everything scheduled after it) comes that much later.
    #[serde(default)]
    pub held_seconds: i64,
}

/// A node's in-place upgrade window.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Redeploy {
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub version: String,
}

impl NodeRecord {
    pub fn status(&self, now: DateTime<Utc>) -> Status {
        let reached = |at: Option<DateTime<Utc>>| at.is_some_and(|at| now >= at);
        if reached(self.gone_at) {
            Status::Deleted
        } else if reached(self.drain_from) {
            Status::Deleting
        } else if self.out_of_stock {
            Status::FlavorOutOfStockError
        } else if now < self.ready_at {
            Status::Installing
        } else if self.broken.is_some_and(|(from, heal)| now >= from && now < heal) {
            Status::Unknown
        } else if self.redeploy.as_ref().is_some_and(|r| now >= r.from && now < r.until) {
            Status::Redeploying
        } else {
            Status::Ready
        }
    }

    /// When the node's status last changed, as of `now` (the provider's `updatedAt`).
    pub fn changed_at(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let redeploy = self.redeploy.as_ref().map(|r| [r.from, r.until]).unwrap_or_default();
        let broken = self.broken.map(|(from, heal)| [from, heal]).unwrap_or_default();
        [Some(self.ready_at), self.drain_from, self.gone_at]
            .into_iter()
            .flatten()
            .chain(redeploy)
            .chain(broken)
            .filter(|at| *at <= now)
            .fold(self.created_at.min(now), DateTime::max)
    }

    /// Gone, or not yet created.
    pub fn is_gone(&self, now: DateTime<Utc>) -> bool {
        self.gone_at.is_some_and(|at| now >= at) || self.visible_from.is_some_and(|at| now < at)
    }

    /// Whether the node is being removed or is scheduled to be.
    pub fn is_leaving(&self) -> bool {
        self.gone_at.is_some()
    }

    /// The Kubernetes version the node runs at `now`.
    pub fn version_at(&self, now: DateTime<Utc>) -> &str {
        match &self.redeploy {
            Some(r) if now >= r.until => &r.version,
            _ => &self.version,
        }
    }

    /// Whether `reference` names this node: its id, name, instance id, or provider id
    /// `openstack:///<instanceId>` (provider-api.md §4.7, `nodesToRemove`).
    pub fn answers_to(&self, reference: &str) -> bool {
        let instance = reference.strip_prefix("openstack:///").unwrap_or(reference);
        reference == self.id || reference == self.name || instance == self.instance_id
    }

    pub fn to_wire(&self, project: &str, cluster_version: &str, now: DateTime<Utc>) -> Node {
        let time = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let status = self.status(now);
        Node {
            id: self.id.clone(),
            project_id: project.to_string(),
            node_pool_id: self.pool_id.clone(),
            name: self.name.clone(),
            flavor: self.flavor.clone(),
            version: self.version_at(now).to_string(),
            is_up_to_date: self.version_at(now) == cluster_version,
            instance_id: Some(self.instance_id.clone()),
            created_at: time(self.created_at),
            updated_at: time(self.changed_at(now)),
            deployed_at: (now >= self.ready_at).then(|| time(self.ready_at)),
            deleted_at: self.gone_at.filter(|at| now >= *at).map(time),
            status,
        }
    }
}

/// The node lists: per pool and per cluster, with the provider's cursor pagination
/// (`X-Pagination-Size` and `X-Pagination-Cursor` in, `X-Pagination-Cursor-Next` out while more
/// remain) and `?history=true` to include deleted nodes. The cursor is opaque to clients.
pub mod list {
    use std::sync::Arc;

    use axum::Json;
    use axum::extract::{Path, Query, State};
    use axum::http::{HeaderMap, HeaderValue};
    use axum::response::{IntoResponse, Response};
    use axum::routing::{Router, get};
    use chrono::{DateTime, Utc};
    use serde::Deserialize;

    use super::NodeRecord;
    use crate::cluster::{check_project, live_cluster};
    use crate::error::EmulatorError;
    use crate::node_pool::live_pool;
    use crate::{Emulator, World};
    use provider::api::Node;

    pub fn routes() -> Router<Arc<Emulator>> {
        Router::new()
            .route("/cloud/project/{service_name}/kube/{kube_id}/nodepool/{pool_id}/nodes", get(pool_nodes))
            .route("/cloud/project/{service_name}/kube/{kube_id}/node", get(cluster_nodes))
    }

    #[derive(Debug, Default, Deserialize)]
    pub struct History {
        #[serde(default)]
        history: bool,
    }

    /// The nodes of `pool_id` to list: live ones, and deleted ones too with `history`.
    fn of_pool<'a>(
        world: &'a World,
        pool_id: &'a str,
        history: bool,
        now: DateTime<Utc>,
    ) -> Vec<&'a NodeRecord> {
        let mut nodes: Vec<&NodeRecord> = world
            .nodes
            .values()
            .filter(|n| n.pool_id == pool_id && n.visible_from.is_none_or(|at| now >= at))
            .filter(|n| history || !n.is_gone(now))
            .collect();
        nodes.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        nodes
    }

    /// One page of `nodes` as the request's pagination headers ask.
    fn page(headers: &HeaderMap, nodes: Vec<Node>) -> Result<Response, EmulatorError> {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let start = match header("X-Pagination-Cursor").filter(|c| !c.is_empty()) {
            Some(cursor) => cursor
                .strip_prefix("n")
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|n| *n <= nodes.len())
                .ok_or_else(|| EmulatorError::bad_request("invalid cursor"))?,
            None => 0,
        };
        let size = header("X-Pagination-Size").and_then(|s| s.parse::<usize>().ok()).filter(|s| *s > 0);
        let end = size.map_or(nodes.len(), |s| (start + s).min(nodes.len()));
        let more = end < nodes.len();
        let mut response = Json(nodes[start..end].to_vec()).into_response();
        if more && let Ok(next) = HeaderValue::from_str(&format!("n{end}")) {
            response.headers_mut().insert("X-Pagination-Cursor-Next", next);
        }
        Ok(response)
    }

    async fn pool_nodes(
        State(emulator): State<Arc<Emulator>>,
        Path((service_name, kube_id, pool_id)): Path<(String, String, String)>,
        Query(query): Query<History>,
        headers: HeaderMap,
    ) -> Result<Response, EmulatorError> {
        check_project(&emulator, &service_name)?;
        let now = emulator.clock.now();
        let world = emulator.world();
        live_pool(&world, &kube_id, &pool_id, now)?;
        let version = &live_cluster(&world, &kube_id, now)?.version;
        let project = &emulator.config.project;
        let nodes = of_pool(&world, &pool_id, query.history, now)
            .into_iter()
            .map(|n| n.to_wire(project, version, now));
        page(&headers, nodes.collect())
    }

    async fn cluster_nodes(
        State(emulator): State<Arc<Emulator>>,
        Path((service_name, kube_id)): Path<(String, String)>,
        Query(query): Query<History>,
        headers: HeaderMap,
    ) -> Result<Response, EmulatorError> {
        check_project(&emulator, &service_name)?;
        let now = emulator.clock.now();
        let world = emulator.world();
        let version = &live_cluster(&world, &kube_id, now)?.version;
        let project = &emulator.config.project;
        let nodes = world
            .live_pools(&kube_id, now)
            .into_iter()
            .flat_map(|p| of_pool(&world, &p.id, query.history, now))
            .map(|n| n.to_wire(project, version, now));
        page(&headers, nodes.collect())
    }
}
