//! The fleet: every cluster a user can see, across projects, with what needs attention.
//!
//! The rules live here, once, for the fleet page, its CSV export, the REST API and the
//! notifications that watch the same conditions.

use serde::{Deserialize, Serialize};

use crate::cluster_view::{ClusterRow, EtcdUsage};
use crate::cost::CostEstimate;
use crate::freshness::Freshness;
use crate::plan::Plan;
use crate::status::Status;
use crate::version::KubeVersion;
use crate::version_calendar::{self, Lifecycle};

/// etcd above this share of the plan's quota needs attention.
pub const ETCD_ATTENTION_PERCENT: u64 = 80;

/// A reason a cluster needs attention.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Attention {
    /// The cluster is not READY.
    NotReady,
    /// An operation on it failed in the last day.
    FailedOperation,
    /// Some of its nodes are not ready.
    NodesNotReady,
    /// A newer minor is offered, or a patch is pending.
    UpgradeAvailable,
    /// Its version is at or near its end of life.
    EndOfLife,
    /// etcd holds more than [`ETCD_ATTENTION_PERCENT`] of the plan's quota.
    EtcdHigh,
    /// A Free cluster beyond the Free plan's limits (nodes or etcd).
    FreeOverLimits,
}

impl Attention {
    pub const ALL: [Attention; 7] = [
        Attention::NotReady,
        Attention::FailedOperation,
        Attention::NodesNotReady,
        Attention::UpgradeAvailable,
        Attention::EndOfLife,
        Attention::EtcdHigh,
        Attention::FreeOverLimits,
    ];

    /// The name in URLs and the CSV export (`not-ready`).
    pub const fn key(self) -> &'static str {
        match self {
            Attention::NotReady => "not-ready",
            Attention::FailedOperation => "failed-operation",
            Attention::NodesNotReady => "nodes-not-ready",
            Attention::UpgradeAvailable => "upgrade-available",
            Attention::EndOfLife => "end-of-life",
            Attention::EtcdHigh => "etcd-high",
            Attention::FreeOverLimits => "free-over-limits",
        }
    }

    pub fn from_key(key: &str) -> Option<Attention> {
        Attention::ALL.into_iter().find(|a| a.key() == key)
    }

    /// The filter's label.
    pub const fn label(self) -> &'static str {
        match self {
            Attention::NotReady => "Not ready",
            Attention::FailedOperation => "Failed operation (last day)",
            Attention::NodesNotReady => "Nodes not ready",
            Attention::UpgradeAvailable => "Upgrade available",
            Attention::EndOfLife => "At or near end of life",
            Attention::EtcdHigh => "etcd above 80 %",
            Attention::FreeOverLimits => "Free plan over its limits",
        }
    }
}

/// What is known of one cluster beyond its list row.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    /// Operations on it that failed in the last day.
    pub failed_operations: u32,
    pub etcd: Option<EtcdUsage>,
    /// Today, `YYYY-MM-DD`.
    pub today: String,
}

/// One cluster of the fleet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FleetRow {
    pub project_id: String,
    pub project_name: String,
    pub cluster: ClusterRow,
    pub attention: Vec<Attention>,
    /// "End of life since 2025-10-28", when at or near it.
    pub end_of_life: Option<String>,
    /// Days until the version's end of life (negative once passed), when known.
    pub end_of_life_days: Option<i64>,
    /// etcd's share of the quota in percent, once read.
    pub etcd_percent: Option<u64>,
    pub failed_operations: u32,
}

impl FleetRow {
    /// The row of `cluster` with what needs attention.
    pub fn new(project_id: &str, project_name: &str, cluster: ClusterRow, facts: &Facts) -> FleetRow {
        let lifecycle = cluster
            .version
            .parse::<KubeVersion>()
            .map(|v| version_calendar::lifecycle(v, &facts.today, version_calendar::NEAR_END_OF_LIFE_DAYS))
            .unwrap_or(Lifecycle::Unknown);
        let etcd_percent = facts.etcd.map(|e| e.percent());
        let mut attention = Vec::new();
        if cluster.status != Status::Ready {
            attention.push(Attention::NotReady);
        }
        if facts.failed_operations > 0 {
            attention.push(Attention::FailedOperation);
        }
        if cluster.nodes.is_some_and(|n| n.ready < n.total) {
            attention.push(Attention::NodesNotReady);
        }
        if cluster.upgrade_available {
            attention.push(Attention::UpgradeAvailable);
        }
        if lifecycle.needs_attention() {
            attention.push(Attention::EndOfLife);
        }
        if etcd_percent.is_some_and(|p| p > ETCD_ATTENTION_PERCENT) {
            attention.push(Attention::EtcdHigh);
        }
        if cluster.plan == Plan::Free && over_free_limits(&cluster, facts.etcd) {
            attention.push(Attention::FreeOverLimits);
        }
        FleetRow {
            project_id: project_id.to_string(),
            project_name: project_name.to_string(),
            end_of_life: lifecycle.describe(),
            end_of_life_days: lifecycle.days_left(),
            etcd_percent,
            failed_operations: facts.failed_operations,
            attention,
            cluster,
        }
    }

    pub fn needs(&self, attention: Attention) -> bool {
        self.attention.contains(&attention)
    }
}

/// Whether a Free cluster has more nodes, or more in etcd, than the Free plan allows.
fn over_free_limits(cluster: &ClusterRow, etcd: Option<EtcdUsage>) -> bool {
    let nodes = cluster.nodes.is_some_and(|n| n.total > Plan::Free.max_nodes());
    let stored = etcd.is_some_and(|e| e.usage > Plan::Free.etcd_quota().bytes());
    nodes || stored
}

/// One project's part of the fleet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FleetProject {
    pub id: String,
    pub name: String,
    pub clusters: u32,
    /// The nodes' estimated cost; `None` until every cluster's pools were read.
    pub cost: Option<CostEstimate>,
    pub freshness: Freshness,
    /// Why the project's clusters are not listed (its provider has not answered yet).
    pub problem: Option<String>,
}

/// The fleet page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FleetView {
    pub rows: Vec<FleetRow>,
    pub projects: Vec<FleetProject>,
    /// The currency of the cost estimates.
    pub currency: String,
    /// Where the prices come from, as a sentence.
    pub prices_origin: String,
}

impl FleetView {
    /// How many clusters need `attention`.
    pub fn count(&self, attention: Attention) -> usize {
        self.rows.iter().filter(|r| r.needs(attention)).count()
    }
}

/// Which clusters the table shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Show {
    #[default]
    All,
    /// Those needing any attention.
    Attention,
    /// Those needing this one.
    Only(Attention),
}

impl Show {
    /// The name in URLs: ``, `any`, or the attention's key.
    pub fn key(self) -> &'static str {
        match self {
            Show::All => "",
            Show::Attention => "any",
            Show::Only(attention) => attention.key(),
        }
    }

    pub fn from_key(key: &str) -> Show {
        match key {
            "any" => Show::Attention,
            other => Attention::from_key(other).map_or(Show::All, Show::Only),
        }
    }

    pub fn keeps(self, row: &FleetRow) -> bool {
        match self {
            Show::All => true,
            Show::Attention => !row.attention.is_empty(),
            Show::Only(attention) => row.needs(attention),
        }
    }
}

/// How the fleet table is sorted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SortKey {
    #[default]
    Attention,
    Name,
    Project,
    Version,
    Created,
}

impl SortKey {
    pub const ALL: [SortKey; 5] =
        [SortKey::Attention, SortKey::Name, SortKey::Project, SortKey::Version, SortKey::Created];

    pub const fn key(self) -> &'static str {
        match self {
            SortKey::Attention => "attention",
            SortKey::Name => "name",
            SortKey::Project => "project",
            SortKey::Version => "version",
            SortKey::Created => "created",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            SortKey::Attention => "Most attention first",
            SortKey::Name => "Name",
            SortKey::Project => "Project",
            SortKey::Version => "Version (oldest first)",
            SortKey::Created => "Newest first",
        }
    }

    pub fn from_key(key: &str) -> SortKey {
        SortKey::ALL.into_iter().find(|s| s.key() == key).unwrap_or_default()
    }
}

/// What the table shows: the rows `show` keeps, matching `search` (name, project, region,
/// version or id, case-insensitive), sorted by `sort` (then by name).
pub fn select<'a>(rows: &'a [FleetRow], show: Show, search: &str, sort: SortKey) -> Vec<&'a FleetRow> {
    let needle = search.trim().to_lowercase();
    let mut shown: Vec<&FleetRow> = rows
        .iter()
        .filter(|r| show.keeps(r))
        .filter(|r| {
            needle.is_empty()
                || [&r.cluster.name, &r.project_name, &r.cluster.region, &r.cluster.version, &r.cluster.id]
                    .iter()
                    .any(|field| field.to_lowercase().contains(&needle))
        })
        .collect();
    let version = |r: &FleetRow| r.cluster.version.parse::<KubeVersion>().ok();
    shown.sort_by(|a, b| {
        let first = match sort {
            SortKey::Attention => b.attention.len().cmp(&a.attention.len()),
            SortKey::Name => std::cmp::Ordering::Equal,
            SortKey::Project => a.project_name.cmp(&b.project_name),
            SortKey::Version => version(a).cmp(&version(b)),
            SortKey::Created => b.cluster.created_at.cmp(&a.cluster.created_at),
        };
        first
            .then_with(|| a.cluster.name.cmp(&b.cluster.name))
            .then_with(|| a.project_name.cmp(&b.project_name))
    });
    shown
}

/// The rows as CSV ([`crate::csv`]).
pub fn to_csv(rows: &[&FleetRow]) -> String {
    let mut out = crate::csv::line(&[
        "project",
        "cluster",
        "id",
        "region",
        "plan",
        "version",
        "status",
        "nodes ready",
        "nodes",
        "upgrade available",
        "end of life",
        "etcd percent",
        "failed operations (last day)",
        "needs attention",
    ]);
    for row in rows {
        let c = &row.cluster;
        let fields = [
            row.project_name.clone(),
            c.name.clone(),
            c.id.clone(),
            c.region.clone(),
            c.plan.name().to_string(),
            c.version.clone(),
            c.status.as_wire().to_string(),
            c.nodes.map(|n| n.ready.to_string()).unwrap_or_default(),
            c.nodes.map(|n| n.total.to_string()).unwrap_or_default(),
            if c.upgrade_available { "yes" } else { "no" }.to_string(),
            row.end_of_life.clone().unwrap_or_default(),
            row.etcd_percent.map(|p| p.to_string()).unwrap_or_default(),
            row.failed_operations.to_string(),
            row.attention.iter().map(|a| a.key()).collect::<Vec<_>>().join(" "),
        ];
        out.push_str(&crate::csv::line(&fields));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster_view::NodeCounts;

    fn row(name: &str, status: Status, version: &str) -> ClusterRow {
        ClusterRow {
            id: format!("id-{name}"),
            name: name.into(),
            region: "GRA11".into(),
            plan: Plan::Free,
            version: version.into(),
            status,
            nodes: Some(NodeCounts { ready: 3, total: 3 }),
            upgrade_available: false,
            created_at: "2026-11-01T00:00:00Z".into(),
        }
    }

    fn facts() -> Facts {
        Facts { today: "2026-06-01".into(), ..Facts::default() }
    }

    #[test]
    fn a_healthy_cluster_needs_nothing() {
        let fleet = FleetRow::new("default", "Default", row("ok", Status::Ready, "1.35.2-1"), &facts());
        assert!(fleet.attention.is_empty(), "{:?}", fleet.attention);
        assert_eq!(fleet.end_of_life, None);
    }

    #[test]
    fn every_condition_is_named() {
        let mut cluster = row("bad", Status::Error, "1.31.9");
        cluster.nodes = Some(NodeCounts { ready: 1, total: 3 });
        cluster.upgrade_available = true;
        let facts = Facts {
            failed_operations: 2,
            etcd: Some(EtcdUsage { usage: 420 * 1024 * 1024, quota: 400 * 1024 * 1024 }),
            today: "2026-06-01".into(),
        };
        let fleet = FleetRow::new("p", "P", cluster, &facts);
        assert_eq!(fleet.attention, Attention::ALL.to_vec());
        assert_eq!(fleet.etcd_percent, Some(105));
        assert_eq!(fleet.end_of_life.as_deref(), Some("End of life since 2025-10-28"));
    }

    #[test]
    fn etcd_counts_above_eighty_percent_and_limits_only_for_free() {
        let mut cluster = row("s", Status::Ready, "1.35.2");
        cluster.plan = Plan::Standard;
        let at = |percent: u64| Facts {
            etcd: Some(EtcdUsage { usage: percent * 100, quota: 10_000 }),
            today: "2026-06-01".into(),
            ..Facts::default()
        };
        assert!(!FleetRow::new("p", "P", cluster.clone(), &at(80)).needs(Attention::EtcdHigh));
        let high = FleetRow::new("p", "P", cluster.clone(), &at(81));
        assert!(high.needs(Attention::EtcdHigh));
        assert!(!high.needs(Attention::FreeOverLimits));
        cluster.plan = Plan::Free;
        cluster.nodes = Some(NodeCounts { ready: 101, total: 101 });
        assert!(FleetRow::new("p", "P", cluster, &facts()).needs(Attention::FreeOverLimits));
    }

    #[test]
    fn filters_search_and_sorting() {
        let facts = facts();
        let rows = vec![
            FleetRow::new("a", "Alpha", row("web", Status::Ready, "1.35.1"), &facts),
            FleetRow::new("b", "Beta", row("api", Status::Error, "1.33.4"), &facts),
            FleetRow::new("b", "Beta", row("batch", Status::Ready, "1.34.2"), &facts),
        ];
        let names = |shown: Vec<&FleetRow>| shown.iter().map(|r| r.cluster.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(select(&rows, Show::All, "", SortKey::Attention)), ["api", "batch", "web"]);
        assert_eq!(names(select(&rows, Show::Only(Attention::NotReady), "", SortKey::Name)), ["api"]);
        assert_eq!(names(select(&rows, Show::Attention, "", SortKey::Name)), ["api"]);
        assert_eq!(names(select(&rows, Show::All, "BETA", SortKey::Name)), ["api", "batch"]);
        assert_eq!(names(select(&rows, Show::All, "1.34", SortKey::Name)), ["batch"]);
        assert_eq!(names(select(&rows, Show::All, "", SortKey::Version)), ["api", "batch", "web"]);
        assert_eq!(Show::from_key("any"), Show::Attention);
        assert_eq!(Show::from_key("not-ready"), Show::Only(Attention::NotReady));
        assert_eq!(Show::from_key(""), Show::All);
        assert_eq!(SortKey::from_key("project"), SortKey::Project);
        assert_eq!(SortKey::from_key("nonsense"), SortKey::Attention);
        assert_eq!(Attention::from_key("etcd-high"), Some(Attention::EtcdHigh));
    }

    #[test]
    fn csv_quotes_and_defuses_formulas() {
        let facts = facts();
        let mut cluster = row("web", Status::Ready, "1.35.1");
        cluster.name = "=HYPERLINK(\"x\")".into();
        let fleet = FleetRow::new("a", "Team, A", cluster, &facts);
        let csv = to_csv(&[&fleet]);
        let mut lines = csv.split("\r\n");
        assert!(lines.next().unwrap().starts_with("\"project\",\"cluster\",\"id\","));
        let line = lines.next().unwrap();
        assert!(
            line.starts_with("\"Team, A\",\"'=HYPERLINK(\"\"x\"\")\",\"id-web\",\"GRA11\",\"Free\",\"1.35.1\",\"READY\",\"3\",\"3\",\"no\","),
            "{line}"
        );
    }
}
