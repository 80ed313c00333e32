//! A cluster as the clusters list shows it.

use serde::{Deserialize, Serialize};

use crate::cost::PricedEstimate;
use crate::freshness::Freshness;
use crate::plan::Plan;
use crate::status::Status;
use crate::version::{KubeProxyMode, UpdatePolicy};

/// Nodes ready and nodes in all of a cluster's pools.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NodeCounts {
    pub ready: u32,
    pub total: u32,
}

/// The clusters list: its rows and how fresh they are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ClustersView {
    pub rows: Vec<ClusterRow>,
    pub freshness: Freshness,
}

/// One row of the clusters list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ClusterRow {
    pub id: String,
    pub name: String,
    pub region: String,
    pub plan: Plan,
    pub version: String,
    pub status: Status,
    /// `None` until the cluster's pools have been read.
    pub nodes: Option<NodeCounts>,
    /// A newer minor is offered, or a patch is pending.
    pub upgrade_available: bool,
    /// RFC 3339.
    pub created_at: String,
}

/// A cluster as its Overview tab shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ClusterOverview {
    pub id: String,
    pub name: String,
    pub region: String,
    pub plan: Plan,
    pub version: String,
    pub status: Status,
    /// The API server's address, `https://…`.
    pub api_url: String,
    pub update_policy: UpdatePolicy,
    pub kube_proxy_mode: KubeProxyMode,
    /// Versions the cluster can move to next (a minor upgrade).
    pub next_versions: Vec<String>,
    /// Whether a patch of the current minor is pending.
    pub patch_pending: bool,
    pub node_pools: u32,
    /// `None` until the cluster's pools have been read.
    pub nodes: Option<NodeCounts>,
    pub created_at: String,
    pub freshness: Freshness,
    /// The nodes' estimated cost; `None` until the pools were read.
    #[serde(default)]
    pub cost: Option<PricedEstimate>,
}

/// etcd's use of its quota, in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EtcdUsage {
    pub usage: u64,
    pub quota: u64,
}

impl EtcdUsage {
    /// The share used, in whole percent (0 when there is no quota).
    pub fn percent(&self) -> u64 {
        (self.usage * 100).checked_div(self.quota).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etcd_share_in_percent() {
        assert_eq!(EtcdUsage { usage: 3 * 1024 * 1024, quota: 6400 * 1024 * 1024 }.percent(), 0);
        assert_eq!(EtcdUsage { usage: 3200, quota: 6400 }.percent(), 50);
        assert_eq!(EtcdUsage { usage: 1, quota: 0 }.percent(), 0);
    }
}
