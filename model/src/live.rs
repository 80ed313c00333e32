//! The live-update contract: the events the server pushes to open pages (server-sent events) and
//! the browser applies, in the console's own types, so both sides read one definition. A page
//! merges them into what it rendered ([`merge_rows`], [`LiveCluster::apply_to`]).

use serde::{Deserialize, Serialize};

use crate::cluster_view::{ClusterOverview, ClusterRow, NodeCounts};
use crate::freshness::Freshness;
use crate::operation::OperationView;
use crate::plan::Plan;
use crate::status::Status;
use crate::version::{KubeProxyMode, UpdatePolicy};

/// A cluster as live updates carry it: what the list and the cluster page show of it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LiveCluster {
    pub id: String,
    pub name: String,
    pub region: String,
    pub plan: Plan,
    pub version: String,
    pub status: Status,
    /// Versions the cluster can move to next (a minor upgrade).
    pub next_versions: Vec<String>,
    /// Whether a patch of the current minor is pending.
    pub patch_pending: bool,
    /// RFC 3339.
    pub created_at: String,
    /// `None` until the cluster's pools have been read.
    pub nodes: Option<NodeCounts>,
}

impl LiveCluster {
    /// Whether an upgrade is offered: a newer minor, or a pending patch. The one place this
    /// rule lives, for the list's badge and the live updates alike.
    pub fn upgrade_available(&self) -> bool {
        !self.next_versions.is_empty() || self.patch_pending
    }

    /// The list row of this cluster.
    pub fn row(&self) -> ClusterRow {
        ClusterRow {
            id: self.id.clone(),
            name: self.name.clone(),
            region: self.region.clone(),
            plan: self.plan,
            version: self.version.clone(),
            status: self.status.clone(),
            nodes: self.nodes,
            upgrade_available: self.upgrade_available(),
            created_at: self.created_at.clone(),
        }
    }

    /// The Overview tab's facts this state gives; the rest (the API server's address, policies,
    /// etcd, pools, freshness) left for the caller to fill in.
    pub fn overview(&self) -> ClusterOverview {
        ClusterOverview {
            id: self.id.clone(),
            name: self.name.clone(),
            region: self.region.clone(),
            plan: self.plan,
            version: self.version.clone(),
            status: self.status.clone(),
            api_url: String::new(),
            update_policy: UpdatePolicy::default(),
            kube_proxy_mode: KubeProxyMode::default(),
            next_versions: self.next_versions.clone(),
            patch_pending: self.patch_pending,
            node_pools: 0,
            nodes: self.nodes,
            created_at: self.created_at.clone(),
            freshness: Freshness::default(),
            cost: None,
        }
    }

    /// `overview` brought up to date with this state and its pools' counts.
    pub fn apply_to(&self, overview: &mut ClusterOverview, pools: &[PoolCounts]) {
        overview.status = self.status.clone();
        overview.version = self.version.clone();
        overview.name = self.name.clone();
        overview.next_versions = self.next_versions.clone();
        overview.patch_pending = self.patch_pending;
        overview.node_pools = pools.len() as u32;
        overview.nodes = Some(totals(pools));
    }
}

/// The nodes of all `pools`: available ones are ready.
pub fn totals(pools: &[PoolCounts]) -> NodeCounts {
    NodeCounts {
        ready: pools.iter().map(|p| p.available_nodes).sum(),
        total: pools.iter().map(|p| p.current_nodes).sum(),
    }
}

/// A node pool's counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PoolCounts {
    pub current_nodes: u32,
    pub available_nodes: u32,
}

/// One change pushed to pages; its SSE event name is [`LiveEvent::name`] and its data the
/// variant's struct with the name as `type`. A page reads the struct its event names, not this
/// enum, so the browser compiles no tagged-enum decoding.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveEvent {
    Operation(OperationChanged),
    Clusters(ProjectClusters),
    Cluster(ClusterRead),
    ClusterGone(ClusterGone),
}

/// An operation changed state or recorded a step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OperationChanged {
    pub operation: Box<OperationView>,
}

/// The clusters of a project, as the provider lists them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProjectClusters {
    pub project_id: String,
    pub clusters: Vec<LiveCluster>,
    pub freshness: Freshness,
}

/// One cluster and its node pools.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClusterRead {
    pub project_id: String,
    pub cluster: Box<LiveCluster>,
    pub node_pools: Vec<PoolCounts>,
    pub freshness: Freshness,
}

/// The cluster no longer exists.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClusterGone {
    pub project_id: String,
    pub cluster_id: String,
}

impl LiveEvent {
    /// The SSE event name.
    pub fn name(&self) -> &'static str {
        match self {
            LiveEvent::Operation(_) => "operation",
            LiveEvent::Clusters(_) => "clusters",
            LiveEvent::Cluster(_) => "cluster",
            LiveEvent::ClusterGone(_) => "cluster_gone",
        }
    }

    pub fn project_id(&self) -> &str {
        match self {
            LiveEvent::Operation(changed) => &changed.operation.project_id,
            LiveEvent::Clusters(listed) => &listed.project_id,
            LiveEvent::Cluster(read) => &read.project_id,
            LiveEvent::ClusterGone(gone) => &gone.project_id,
        }
    }

    /// The cluster it is about, if one.
    pub fn cluster_id(&self) -> Option<&str> {
        match self {
            LiveEvent::Operation(changed) => changed.operation.cluster_id.as_deref(),
            LiveEvent::Clusters(_) => None,
            LiveEvent::Cluster(read) => Some(&read.cluster.id),
            LiveEvent::ClusterGone(gone) => Some(&gone.cluster_id),
        }
    }
}

/// `rows` brought up to date with what the provider now lists: changed statuses, names,
/// versions and node counts, new clusters added, deleted ones removed. A cluster whose pools are
/// not read yet keeps the counts its row had.
pub fn merge_rows(rows: &mut Vec<ClusterRow>, clusters: &[LiveCluster]) {
    rows.retain(|row| clusters.iter().any(|c| c.id == row.id));
    for cluster in clusters {
        let mut fresh = cluster.row();
        match rows.iter_mut().find(|row| row.id == cluster.id) {
            Some(row) => {
                fresh.nodes = fresh.nodes.or(row.nodes);
                *row = fresh;
            }
            None => rows.push(fresh),
        }
    }
    rows.sort_by(|a, b| a.name.cmp(&b.name));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn live(id: &str, name: &str, status: Status) -> LiveCluster {
        LiveCluster {
            id: id.into(),
            name: name.into(),
            region: "GRA11".into(),
            plan: Plan::Free,
            version: "1.35.2-1".into(),
            status,
            next_versions: Vec::new(),
            patch_pending: false,
            created_at: "2026-11-27T10:00:00Z".into(),
            nodes: None,
        }
    }

    #[test]
    fn each_event_is_its_struct_with_its_name_as_type() {
        let freshness = Freshness { read_at: Some(1), ..Freshness::default() };
        let read = ClusterRead {
            project_id: "p".into(),
            cluster: Box::new(live("c1", "web", Status::Ready)),
            node_pools: vec![PoolCounts { current_nodes: 3, available_nodes: 2 }],
            freshness: freshness.clone(),
        };
        let listed =
            ProjectClusters { project_id: "p".into(), clusters: vec![*read.cluster.clone()], freshness };
        let gone = ClusterGone { project_id: "p".into(), cluster_id: "c1".into() };
        let events = [
            LiveEvent::Cluster(read.clone()),
            LiveEvent::Clusters(listed.clone()),
            LiveEvent::ClusterGone(gone.clone()),
        ];
        for event in events {
            let json: serde_json::Value = serde_json::to_value(&event).unwrap();
            assert_eq!(json["type"], event.name());
            assert_eq!(serde_json::from_value::<LiveEvent>(json.clone()).unwrap(), event);
            match event {
                LiveEvent::Cluster(_) => {
                    assert_eq!(serde_json::from_value::<ClusterRead>(json).unwrap(), read)
                }
                LiveEvent::Clusters(_) => {
                    assert_eq!(serde_json::from_value::<ProjectClusters>(json).unwrap(), listed)
                }
                LiveEvent::ClusterGone(_) => {
                    assert_eq!(serde_json::from_value::<ClusterGone>(json).unwrap(), gone)
                }
                LiveEvent::Operation(_) => unreachable!(),
            }
        }
    }

    fn counted(mut cluster: LiveCluster, ready: u32, total: u32) -> LiveCluster {
        cluster.nodes = Some(NodeCounts { ready, total });
        cluster
    }

    #[test]
    fn an_event_updates_adds_and_removes_rows_keeping_node_counts() {
        let mut rows = vec![
            counted(live("a", "alpha", Status::Installing), 1, 2).row(),
            counted(live("c", "gamma", Status::Ready), 1, 1).row(),
            counted(live("gone", "gone", Status::Ready), 3, 3).row(),
        ];
        let mut beta = live("b", "beta", Status::Installing);
        beta.patch_pending = true;
        let gamma = counted(live("c", "gamma", Status::Ready), 2, 2);
        merge_rows(&mut rows, &[live("a", "alpha", Status::Ready), beta, gamma]);
        assert_eq!(rows.len(), 3);
        assert_eq!(
            (rows[0].status.clone(), rows[0].nodes, rows[0].upgrade_available),
            (Status::Ready, Some(NodeCounts { ready: 1, total: 2 }), false)
        );
        assert_eq!((rows[1].name.as_str(), rows[1].nodes, rows[1].upgrade_available), ("beta", None, true));
        assert_eq!(rows[2].nodes, Some(NodeCounts { ready: 2, total: 2 }), "new counts replace old");
    }

    #[test]
    fn events_travel_as_tagged_json_with_their_names() {
        let event =
            LiveEvent::ClusterGone(ClusterGone { project_id: "default".into(), cluster_id: "c1".into() });
        let text = serde_json::to_string(&event).unwrap();
        assert_eq!(text, r#"{"type":"cluster_gone","project_id":"default","cluster_id":"c1"}"#);
        assert_eq!(serde_json::from_str::<LiveEvent>(&text).unwrap(), event);
        assert_eq!((event.name(), event.cluster_id()), ("cluster_gone", Some("c1")));
        let cluster = LiveEvent::Cluster(ClusterRead {
            project_id: "default".into(),
            cluster: Box::new(live("c1", "one", Status::Ready)),
            node_pools: vec![PoolCounts { current_nodes: 3, available_nodes: 2 }],
            freshness: Freshness { read_at: Some(1_800_000_000), ..Freshness::default() },
        });
        let back: LiveEvent = serde_json::from_str(&serde_json::to_string(&cluster).unwrap()).unwrap();
        assert_eq!(back, cluster);
    }
}
