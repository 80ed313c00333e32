//! A cluster as the clusters list shows it.

use serde::{Deserialize, Serialize};

use crate::status::Status;

/// One row of the clusters list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterRow {
    pub id: String,
    pub name: String,
    pub region: String,
    /// `free` or `standard`, as the provider says.
    pub plan: String,
    pub version: String,
    pub status: Status,
    pub nodes_ready: u32,
    pub nodes_total: u32,
    /// A newer minor is offered, or a patch is pending.
    pub upgrade_available: bool,
    /// RFC 3339.
    pub created_at: String,
}
