//! Nodes: each one `INSTALLING` for its flavor's install time, then `READY`; `DELETING` while it
//! drains, then gone (seed, "Node lifecycle").

use std::time::Duration;

use chrono::{DateTime, Utc};
use model::status::Status;
use serde::{Deserialize, Serialize};

use crate::api::Node;

/// How long a node takes to install at speed 1.0.
pub const INSTALL: Duration = Duration::from_secs(4 * 60);
/// How long a GPU node takes at speed 1.0: over an hour (seed, "Node lifecycle").
pub const INSTALL_GPU: Duration = Duration::from_secs(70 * 60);
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
    /// Set when the node is removed: `DELETING` until this time, gone after.
    pub gone_at: Option<DateTime<Utc>>,
}

impl NodeRecord {
    pub fn status(&self, now: DateTime<Utc>) -> Status {
        match self.gone_at {
            Some(at) if now >= at => Status::Deleted,
            Some(_) => Status::Deleting,
            None if now < self.ready_at => Status::Installing,
            None => Status::Ready,
        }
    }

    pub fn is_gone(&self, now: DateTime<Utc>) -> bool {
        self.gone_at.is_some_and(|at| now >= at)
    }

    /// Whether `reference` names this node: its id, name, instance id, or provider id
    /// `openstack:///<instanceId>` (provider-api.md §4.7, `nodesToRemove`).
    pub fn answers_to(&self, reference: &str) -> bool {
        let instance = reference.strip_prefix("openstack:///").unwrap_or(reference);
        reference == self.id || reference == self.name || instance == self.instance_id
    }

    pub fn to_wire(&self, project: &str, now: DateTime<Utc>) -> Node {
        let time = |t: DateTime<Utc>| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let status = self.status(now);
        Node {
            id: self.id.clone(),
            project_id: project.to_string(),
            node_pool_id: self.pool_id.clone(),
            name: self.name.clone(),
            flavor: self.flavor.clone(),
            version: self.version.clone(),
            is_up_to_date: true,
            instance_id: Some(self.instance_id.clone()),
            created_at: time(self.created_at),
            updated_at: time(self.gone_at.unwrap_or(self.created_at).min(now)),
            deployed_at: (status == Status::Ready || status == Status::Deleting).then(|| time(self.ready_at)),
            deleted_at: self.gone_at.filter(|at| now >= *at).map(time),
            status,
        }
    }
}
