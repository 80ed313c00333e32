//! The pre-flight of anything that drains nodes: an upgrade in the plan's way, a pool
//! scale-down, a node removal. It replays the drains on the cluster's real pods with the
//! scheduler's rules ([`crate::scheduling`]) and says which pods would find no node and which
//! disruption budgets would hold a drain up.
//!
//! Sources: the seed's "Node upgrades" and domain.md — in place (Free), strictly one node at a
//! time, so its pods must fit on the others; rolling (Standard), a new node joins first; draining
//! respects PodDisruptionBudgets for at most 10 minutes, then forces. DaemonSet pods stay with
//! their node and are not evicted (as `kubectl drain --ignore-daemonsets`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::plan::UpgradeStrategy;
use crate::scheduling::{NodeRoom, PodDemand, Usage, choose_node};

/// How long a drain waits for a disruption budget before it evicts anyway (domain.md).
pub const BUDGET_PATIENCE_MINUTES: u32 = 10;

/// A pod and the node it is bound to (`None`: Pending).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlacedPod {
    pub pod: PodDemand,
    pub node: Option<String>,
    /// Owned by a controller that makes a new one when it is evicted.
    pub controlled: bool,
}

/// One requirement of a label selector (`matchExpressions`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Requirement {
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    DoesNotExist(String),
}

/// A label selector (`metav1.LabelSelector`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LabelSelector {
    pub match_labels: BTreeMap<String, String>,
    pub match_expressions: Vec<Requirement>,
}

impl LabelSelector {
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.match_labels.iter().all(|(k, v)| labels.get(k) == Some(v))
            && self.match_expressions.iter().all(|r| match r {
                Requirement::In(k, values) => labels.get(k).is_some_and(|v| values.contains(v)),
                Requirement::NotIn(k, values) => labels.get(k).is_none_or(|v| !values.contains(v)),
                Requirement::Exists(k) => labels.contains_key(k),
                Requirement::DoesNotExist(k) => !labels.contains_key(k),
            })
    }
}

/// A PodDisruptionBudget as its controller last counted it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Budget {
    pub namespace: String,
    pub name: String,
    pub selector: LabelSelector,
    /// `status.disruptionsAllowed`.
    pub disruptions_allowed: u32,
}

impl Budget {
    /// Whether the budget counts `pod` (same namespace, selected by its labels).
    pub fn covers(&self, pod: &PodDemand) -> bool {
        pod.namespace == self.namespace && self.selector.matches(&pod.labels)
    }
}

/// Something that would go wrong while a node drains.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum DrainIssue {
    /// While `node` drains, these pods (`namespace/name`) fit on no other node and stay Pending.
    NoRoom { node: String, pods: Vec<String>, reason: String },
    /// The budget allows no disruption, so the drain of `node` waits for it, then forces.
    Budget { node: String, budget: String, pods: Vec<String> },
    /// These pods have no controller: drained, they are deleted and nothing recreates them.
    Unmanaged { node: String, pods: Vec<String> },
}

impl DrainIssue {
    /// The issue in a sentence, naming the node and the pods or budget.
    pub fn describe(&self) -> String {
        match self {
            DrainIssue::NoRoom { node, pods, reason } => format!(
                "While {node} drains, {} would fit on no other node and stay Pending ({reason}).",
                list(pods)
            ),
            DrainIssue::Budget { node, budget, pods } => format!(
                "The disruption budget {budget} allows no eviction of {} on {node}: the drain waits up to {BUDGET_PATIENCE_MINUTES} minutes, then evicts anyway.",
                list(pods)
            ),
            DrainIssue::Unmanaged { node, pods } => format!(
                "{} on {node} belong to no controller: drained, they are deleted and not recreated.",
                list(pods)
            ),
        }
    }
}

fn list(pods: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut text = pods.iter().take(SHOWN).cloned().collect::<Vec<_>>().join(", ");
    if pods.len() > SHOWN {
        text.push_str(&format!(" and {} more", pods.len() - SHOWN));
    }
    text
}

/// A cluster's nodes and where its pods are, for replaying drains.
#[derive(Clone, Debug)]
struct Cluster {
    nodes: Vec<NodeRoom>,
    pods: Vec<PlacedPod>,
}

impl Cluster {
    fn usage(&self) -> Vec<Usage> {
        let mut usage = vec![Usage::default(); self.nodes.len()];
        for placed in &self.pods {
            if let Some(index) =
                placed.node.as_ref().and_then(|n| self.nodes.iter().position(|m| &m.name == n))
            {
                usage[index].add(&placed.pod);
            }
        }
        usage
    }

    /// Drains the node at `index` (which stays, empty and cordoned, unless `remove`), moving its
    /// pods with the scheduler's rules; returns what went wrong.
    fn drain(&mut self, index: usize, budgets: &[Budget], remove: bool) -> Vec<DrainIssue> {
        let name = self.nodes[index].name.clone();
        let mut issues = Vec::new();
        let leaving: Vec<usize> = (0..self.pods.len())
            .filter(|&i| self.pods[i].node.as_deref() == Some(name.as_str()) && !self.pods[i].pod.daemon)
            .collect();
        for budget in budgets.iter().filter(|b| b.disruptions_allowed == 0) {
            let held: Vec<String> = leaving
                .iter()
                .map(|&i| &self.pods[i].pod)
                .filter(|p| budget.covers(p))
                .map(PodDemand::key)
                .collect();
            if !held.is_empty() {
                let budget = format!("{}/{}", budget.namespace, budget.name);
                issues.push(DrainIssue::Budget { node: name.clone(), budget, pods: held });
            }
        }
        let unmanaged: Vec<String> =
            leaving.iter().filter(|&&i| !self.pods[i].controlled).map(|&i| self.pods[i].pod.key()).collect();
        if !unmanaged.is_empty() {
            issues.push(DrainIssue::Unmanaged { node: name.clone(), pods: unmanaged });
        }
        self.nodes[index].unschedulable = true;
        let mut usage = self.usage();
        for &i in &leaving {
            usage[index].remove(&self.pods[i].pod);
            self.pods[i].node = None;
        }
        let mut stranded = Vec::new();
        let mut reason = String::new();
        let movable: Vec<usize> = leaving.iter().copied().filter(|&i| self.pods[i].controlled).collect();
        for i in movable {
            match choose_node(&self.pods[i].pod, &self.nodes, &usage) {
                Ok(target) => {
                    usage[target].add(&self.pods[i].pod);
                    self.pods[i].node = Some(self.nodes[target].name.clone());
                }
                Err(unschedulable) => {
                    stranded.push(self.pods[i].pod.key());
                    reason = unschedulable.message;
                }
            }
        }
        if !stranded.is_empty() {
            issues.push(DrainIssue::NoRoom { node: name.clone(), pods: stranded, reason });
        }
        self.pods.retain(|p| p.controlled || p.node.is_some() || p.pod.daemon);
        if remove {
            self.nodes.remove(index);
            self.pods.retain(|p| p.node.as_deref() != Some(name.as_str()));
        } else {
            self.nodes[index].unschedulable = false;
        }
        // What could not move waits for room, and takes it when the node is back.
        let mut usage = self.usage();
        for placed in self.pods.iter_mut().filter(|p| p.node.is_none()) {
            if let Ok(target) = choose_node(&placed.pod, &self.nodes, &usage) {
                usage[target].add(&placed.pod);
                placed.node = Some(self.nodes[target].name.clone());
            }
        }
        issues
    }
}

/// Replays an upgrade of `nodes` (in the order the provider takes them) in the plan's way.
/// Rolling: before each node drains, a new one like it joins; in place: the node drains, is
/// upgraded, and comes back empty.
pub fn upgrade(
    strategy: UpgradeStrategy,
    nodes: &[NodeRoom],
    pods: &[PlacedPod],
    budgets: &[Budget],
) -> Vec<DrainIssue> {
    let mut cluster = Cluster { nodes: nodes.to_vec(), pods: pods.to_vec() };
    let mut issues = Vec::new();
    for node in nodes {
        if strategy == UpgradeStrategy::Rolling {
            let mut fresh = node.clone();
            fresh.name = format!("{} (its replacement)", node.name);
            cluster.nodes.push(fresh);
        }
        let Some(index) = cluster.nodes.iter().position(|n| n.name == node.name) else { continue };
        issues.extend(cluster.drain(index, budgets, strategy == UpgradeStrategy::Rolling));
    }
    issues
}

/// Replays the removal of `removed` (a scale-down or a node removal): their pods must find room
/// on the nodes that stay.
pub fn removal(
    nodes: &[NodeRoom],
    pods: &[PlacedPod],
    budgets: &[Budget],
    removed: &[String],
) -> Vec<DrainIssue> {
    let mut cluster = Cluster { nodes: nodes.to_vec(), pods: pods.to_vec() };
    // Cordoned first, as the provider does, so nothing moves onto another leaving node.
    for node in cluster.nodes.iter_mut().filter(|n| removed.contains(&n.name)) {
        node.unschedulable = true;
    }
    let mut issues = Vec::new();
    for name in removed {
        if let Some(index) = cluster.nodes.iter().position(|n| &n.name == name) {
            issues.extend(cluster.drain(index, budgets, true));
        }
    }
    issues
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::NodeShape;

    fn node(name: &str) -> NodeRoom {
        // b3-8: 1840 m and 6.41 GB allocatable.
        NodeRoom::new(name, NodeShape { vcpus: 2, ram_gb: 8, disk_gb: 50 }.allocatable())
    }

    fn pod(name: &str, cpu: u64, on: &str) -> PlacedPod {
        let mut labels = BTreeMap::new();
        labels.insert("app".to_string(), "web".to_string());
        PlacedPod {
            pod: PodDemand {
                namespace: "default".into(),
                name: name.into(),
                labels,
                cpu_millicores: cpu,
                memory_bytes: 100 << 20,
                ..PodDemand::default()
            },
            node: Some(on.to_string()),
            controlled: true,
        }
    }

    #[test]
    fn in_place_fits_when_the_others_have_room() {
        let pods = [pod("a", 500, "n1"), pod("b", 500, "n2"), pod("c", 500, "n3")];
        assert_eq!(
            upgrade(UpgradeStrategy::InPlace, &[node("n1"), node("n2"), node("n3")], &pods, &[]),
            vec![]
        );
    }

    #[test]
    fn in_place_names_the_node_and_the_pods_that_would_pend() {
        // Two nodes at 1500 m each: neither can take the other's pods.
        let pods = [pod("a", 1500, "n1"), pod("b", 1500, "n2")];
        let issues = upgrade(UpgradeStrategy::InPlace, &[node("n1"), node("n2")], &pods, &[]);
        let DrainIssue::NoRoom { node, pods, reason } = &issues[0] else { panic!("{issues:?}") };
        assert_eq!((node.as_str(), pods.as_slice()), ("n1", &["default/a".to_string()][..]));
        assert!(
            reason.starts_with("0/2 nodes are available: 1 Insufficient cpu, 1 node(s) were unschedulable."),
            "{reason}"
        );
        assert!(issues[0].describe().contains("While n1 drains, default/a would fit on no other node"));
    }

    #[test]
    fn rolling_adds_room_first() {
        let pods = [pod("a", 1500, "n1"), pod("b", 1500, "n2")];
        assert_eq!(upgrade(UpgradeStrategy::Rolling, &[node("n1"), node("n2")], &pods, &[]), vec![]);
    }

    #[test]
    fn a_budget_allowing_no_disruption_is_named() {
        let mut selector = LabelSelector::default();
        selector.match_labels.insert("app".into(), "web".into());
        let budget =
            Budget { namespace: "default".into(), name: "web".into(), selector, disruptions_allowed: 0 };
        let pods = [pod("a", 100, "n1"), pod("b", 100, "n2")];
        let issues = upgrade(UpgradeStrategy::Rolling, &[node("n1"), node("n2")], &pods, &[budget]);
        assert_eq!(issues.len(), 2, "{issues:?}");
        assert!(
            issues[0]
                .describe()
                .starts_with("The disruption budget default/web allows no eviction of default/a on n1")
        );
    }

    #[test]
    fn daemon_pods_stay_and_bare_pods_are_reported() {
        let mut daemon = pod("agent", 1000, "n1");
        daemon.pod.daemon = true;
        let mut bare = pod("debug", 10, "n1");
        bare.controlled = false;
        let issues = removal(&[node("n1"), node("n2")], &[daemon, bare], &[], &["n1".to_string()]);
        assert_eq!(
            issues,
            vec![DrainIssue::Unmanaged { node: "n1".into(), pods: vec!["default/debug".into()] }]
        );
    }

    #[test]
    fn a_scale_down_needs_room_on_the_nodes_that_stay() {
        let pods = [pod("a", 800, "n1"), pod("b", 800, "n2"), pod("c", 800, "n3")];
        let nodes = [node("n1"), node("n2"), node("n3")];
        assert_eq!(removal(&nodes, &pods, &[], &["n3".to_string()]), vec![]);
        let issues = removal(&nodes, &pods, &[], &["n2".to_string(), "n3".to_string()]);
        assert!(matches!(&issues[..], [DrainIssue::NoRoom { node, .. }] if node == "n3"), "{issues:?}");
    }

    #[test]
    fn selectors_read_labels_and_expressions() {
        let labels: BTreeMap<String, String> = [("app".to_string(), "web".to_string())].into();
        let mut selector = LabelSelector::default();
        selector.match_expressions.push(Requirement::In("app".into(), vec!["web".into(), "api".into()]));
        assert!(selector.matches(&labels));
        selector.match_expressions.push(Requirement::DoesNotExist("tier".into()));
        assert!(selector.matches(&labels));
        selector.match_expressions.push(Requirement::NotIn("app".into(), vec!["web".into()]));
        assert!(!selector.matches(&labels));
    }
}
