//! A cluster's node pools and their nodes, as the Node pools tab shows them.

use serde::{Deserialize, Serialize};

use crate::node_pool::NodePoolSpec;
use crate::status::{SizeStatus, Status};

/// One node pool: where it stands and what it is set to be.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PoolView {
    pub id: String,
    pub status: Status,
    pub size_status: SizeStatus,
    pub current_nodes: u32,
    pub available_nodes: u32,
    pub up_to_date_nodes: u32,
    /// Its settings, as the provider reports them (the base of every edit).
    pub spec: NodePoolSpec,
    pub nodes: Vec<NodeView>,
}

/// One node of a pool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NodeView {
    pub id: String,
    pub name: String,
    pub status: Status,
    pub version: String,
    pub is_up_to_date: bool,
    /// RFC 3339.
    pub created_at: String,
}
