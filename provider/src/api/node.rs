//! `cloud.kube.Node` (provider-api.md §5.4).

use model::status::Status;
use serde::{Deserialize, Serialize};

/// A worker node.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Node {
    pub id: String,
    pub project_id: String,
    pub node_pool_id: String,
    pub name: String,
    pub flavor: String,
    pub version: String,
    pub is_up_to_date: bool,
    pub status: Status,
    /// The OpenStack instance, once created.
    pub instance_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub deployed_at: Option<String>,
    pub deleted_at: Option<String>,
}
