//! One project's catalog at one moment: its clusters as the provider last listed them, each with
//! its pools and nodes as last read, and when each part was read. Immutable once built; the
//! refresher makes a new one with a higher version for every change.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use model::cluster_view::{ClusterRow, NodeCounts};
use model::freshness::Freshness;
use model::live::{ClusterGone, ClusterRead, LiveCluster, LiveEvent, PoolCounts, ProjectClusters, totals};
use model::oidc::OidcConfig;
use model::status::SizeStatus;
use provider::api::{Cluster, Customization, EtcdUsage, Gateway, Network, Node, NodePool, Subnet};
use serde::{Deserialize, Serialize};

/// A project's clusters as last read.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Snapshot {
    pub project_id: String,
    /// Grows by one with every change; every replica serves the highest it has.
    pub version: i64,
    /// When the cluster list was last read; `None` before the first read.
    pub listed_at: Option<DateTime<Utc>>,
    /// Since when reads have failed, and the last failure.
    pub failing_since: Option<DateTime<Utc>>,
    pub problem: Option<String>,
    /// Seconds of failure before pages warn.
    #[serde(default)]
    pub stale_after: i64,
    pub clusters: Vec<Entry>,
    /// Clusters' configurations, by cluster id: read when a page asks for one, not with the list.
    #[serde(default)]
    pub configs: BTreeMap<String, Config>,
    /// The project's private networks: read when a page asks for them.
    #[serde(default)]
    pub networks: Option<Networks>,
    /// The list event, built once for every stream that sends it.
    #[serde(skip)]
    list_event: OnceLock<Arc<LiveEvent>>,
}

/// One cluster and, once read, its pools and nodes.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Entry {
    pub cluster: Cluster,
    pub detail: Option<Detail>,
}

/// What a cluster's Access and Settings tabs show, read together.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Config {
    pub ip_restrictions: Vec<String>,
    /// `None`: the cluster trusts no OpenID provider.
    pub oidc: Option<OidcConfig>,
    pub customization: Customization,
    pub read_at: DateTime<Utc>,
}

/// The project's private networks, their subnets, and the gateways of their regions, read
/// together.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Networks {
    pub networks: Vec<Network>,
    /// Each network's subnets, in the order of `networks`.
    pub subnets: Vec<Vec<Subnet>>,
    pub gateways: Vec<Gateway>,
    pub read_at: DateTime<Utc>,
}

/// A cluster's pools and nodes, read together.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Detail {
    pub pools: Vec<NodePool>,
    pub nodes: Vec<Node>,
    /// etcd's use of its quota, read with them; `None` when that call failed.
    #[serde(default)]
    pub etcd: Option<EtcdUsage>,
    pub read_at: DateTime<Utc>,
}

/// A cluster found in a snapshot, or why not.
pub enum Lookup<'a> {
    Found(&'a Entry),
    /// The last list did not have it.
    Missing,
    /// No list has been read yet.
    Unknown,
}

impl Snapshot {
    /// Nothing read yet; pages warn after `stale_after` seconds of failures.
    pub fn empty(project_id: &str, stale_after: i64) -> Self {
        Self { project_id: project_id.to_string(), stale_after, ..Self::default() }
    }

    /// A copy to change into the next version.
    pub fn next(&self) -> Self {
        Self {
            project_id: self.project_id.clone(),
            version: self.version + 1,
            listed_at: self.listed_at,
            failing_since: self.failing_since,
            problem: self.problem.clone(),
            stale_after: self.stale_after,
            clusters: self.clusters.clone(),
            configs: self.configs.clone(),
            networks: self.networks.clone(),
            list_event: OnceLock::new(),
        }
    }

    pub fn freshness(&self) -> Freshness {
        Freshness {
            read_at: self.listed_at.map(|t| t.timestamp()),
            failing_since: self.failing_since.map(|t| t.timestamp()),
            problem: self.problem.clone(),
            stale_after: self.stale_after,
        }
    }

    pub fn find(&self, id: &str) -> Lookup<'_> {
        match self.clusters.iter().find(|e| e.cluster.id == id) {
            Some(entry) => Lookup::Found(entry),
            None if self.listed_at.is_some() => Lookup::Missing,
            None => Lookup::Unknown,
        }
    }

    /// The list's rows, by name.
    pub fn rows(&self) -> Vec<ClusterRow> {
        let mut rows: Vec<ClusterRow> = self.clusters.iter().map(|e| e.live().row()).collect();
        rows.sort_by(|a, b| a.name.cmp(&b.name));
        rows
    }

    /// The project's list as live updates send it.
    pub fn list_event(&self) -> Arc<LiveEvent> {
        self.list_event
            .get_or_init(|| {
                Arc::new(LiveEvent::Clusters(ProjectClusters {
                    project_id: self.project_id.clone(),
                    clusters: self.clusters.iter().map(Entry::live).collect(),
                    freshness: self.freshness(),
                }))
            })
            .clone()
    }

    /// One cluster as live updates send it: its state and pools, or that it is gone; `None`
    /// while nothing is known of it.
    pub fn cluster_event(&self, id: &str) -> Option<LiveEvent> {
        match self.find(id) {
            Lookup::Found(entry) => entry.detail.as_ref().map(|detail| {
                LiveEvent::Cluster(ClusterRead {
                    project_id: self.project_id.clone(),
                    cluster: Box::new(entry.live()),
                    node_pools: detail.pools.iter().map(PoolCounts::from).collect(),
                    freshness: self.freshness(),
                })
            }),
            Lookup::Missing => Some(LiveEvent::ClusterGone(ClusterGone {
                project_id: self.project_id.clone(),
                cluster_id: id.to_string(),
            })),
            Lookup::Unknown => None,
        }
    }

    /// Whether anything in the project is changing: the list is then read often.
    pub fn is_moving(&self) -> bool {
        self.clusters.iter().any(Entry::is_moving)
    }
}

impl Entry {
    /// What live updates and the list show of it.
    pub fn live(&self) -> LiveCluster {
        let mut live = LiveCluster::from(&self.cluster);
        live.nodes = self.detail.as_ref().map(Detail::counts);
        live
    }

    /// Whether the provider is working on the cluster, its pools or its nodes.
    pub fn is_moving(&self) -> bool {
        self.cluster.status.is_in_progress()
            || self.detail.as_ref().is_some_and(|detail| {
                detail
                    .pools
                    .iter()
                    .any(|p| p.status.is_in_progress() || p.size_status != SizeStatus::CapacityOk)
                    || detail.nodes.iter().any(|n| n.status.is_in_progress())
            })
    }
}

impl Detail {
    pub fn counts(&self) -> NodeCounts {
        let pools: Vec<PoolCounts> = self.pools.iter().map(PoolCounts::from).collect();
        totals(&pools)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::status::Status;

    fn cluster(id: &str, name: &str, status: Status) -> Cluster {
        Cluster { id: id.into(), name: name.into(), status, ..Cluster::default() }
    }

    fn pool(current: u32, available: u32, status: Status) -> NodePool {
        NodePool { current_nodes: current, available_nodes: available, status, ..NodePool::default() }
    }

    fn snapshot(entries: Vec<Entry>) -> Snapshot {
        Snapshot { listed_at: Some(Utc::now()), clusters: entries, ..Snapshot::empty("default", 30) }
    }

    #[test]
    fn rows_count_nodes_only_once_the_pools_are_read() {
        let read = Entry {
            cluster: cluster("b", "beta", Status::Ready),
            detail: Some(Detail {
                etcd: None,
                pools: vec![pool(3, 2, Status::Ready), pool(1, 1, Status::Ready)],
                nodes: Vec::new(),
                read_at: Utc::now(),
            }),
        };
        let unread = Entry { cluster: cluster("a", "alpha", Status::Ready), detail: None };
        let rows = snapshot(vec![read, unread]).rows();
        assert_eq!(rows[0].name, "alpha");
        assert_eq!(rows[0].nodes, None, "not 0/0: unknown");
        assert_eq!(rows[1].nodes, Some(NodeCounts { ready: 3, total: 4 }));
    }

    #[test]
    fn a_cluster_is_gone_only_once_a_list_without_it_was_read() {
        let mut snap = Snapshot::empty("default", 30);
        assert!(matches!(snap.find("x"), Lookup::Unknown));
        assert_eq!(snap.cluster_event("x"), None);
        snap.listed_at = Some(Utc::now());
        assert!(matches!(snap.cluster_event("x"), Some(LiveEvent::ClusterGone(_))));
    }

    #[test]
    fn moving_while_the_provider_works_on_a_cluster_or_its_pools() {
        let steady = Entry {
            cluster: cluster("a", "alpha", Status::Ready),
            detail: Some(Detail {
                etcd: None,
                pools: vec![pool(2, 2, Status::Ready)],
                nodes: Vec::new(),
                read_at: Utc::now(),
            }),
        };
        assert!(!snapshot(vec![steady.clone()]).is_moving());
        let mut scaling = steady.clone();
        scaling.detail.as_mut().unwrap().pools[0].status = Status::Upscaling;
        assert!(snapshot(vec![scaling]).is_moving());
        let mut installing = steady;
        installing.cluster.status = Status::Installing;
        assert!(snapshot(vec![installing]).is_moving());
    }

    #[test]
    fn the_next_version_keeps_everything_and_counts_up() {
        let snap = snapshot(vec![Entry { cluster: cluster("a", "alpha", Status::Ready), detail: None }]);
        let next = snap.next();
        assert_eq!((next.version, next.clusters.len(), next.listed_at), (1, 1, snap.listed_at));
        let back: Snapshot = serde_json::from_str(&serde_json::to_string(&next).unwrap()).unwrap();
        assert_eq!(back.version, 1);
    }
}
