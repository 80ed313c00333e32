//! Where a pod can run: the default Kubernetes scheduler's filters that matter on a managed
//! cluster (unschedulable nodes, taints and tolerations, node selectors, requests against
//! allocatable, the pod limit), its least-allocated scoring, and the `FailedScheduling` message
//! it writes when no node fits. The emulator schedules with these rules and the console's
//! pre-flight checks simulate with them, so both agree on what fits.
//!
//! Allocatable comes from the seed's reserved-resources formula ([`crate::resources`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::metadata::TaintEffect;
use crate::resources::MAX_PODS_PER_NODE;

/// A toleration of a pod (`core/v1 Toleration`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Toleration {
    /// Empty with `exists` tolerates every taint.
    pub key: String,
    /// `Exists` rather than `Equal`.
    pub exists: bool,
    pub value: String,
    /// `None` tolerates every effect.
    pub effect: Option<TaintEffect>,
}

/// A taint on a node, its own or a condition's (`node.kubernetes.io/unreachable`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NodeTaint {
    pub key: String,
    pub value: String,
    pub effect: TaintEffect,
}

impl Toleration {
    /// Whether this toleration lets a pod onto a node with `taint`.
    pub fn tolerates(&self, taint: &NodeTaint) -> bool {
        if self.effect.is_some_and(|e| e != taint.effect) {
            return false;
        }
        if self.exists {
            self.key.is_empty() || self.key == taint.key
        } else {
            self.key == taint.key && self.value == taint.value
        }
    }
}

/// What a pod asks of the node it runs on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PodDemand {
    pub namespace: String,
    pub name: String,
    pub labels: BTreeMap<String, String>,
    /// The sum of its containers' CPU requests.
    pub cpu_millicores: u64,
    /// The sum of its containers' memory requests.
    pub memory_bytes: u64,
    pub node_selector: BTreeMap<String, String>,
    pub tolerations: Vec<Toleration>,
    /// Run by a DaemonSet: bound to its node, never moved by a drain.
    pub daemon: bool,
}

impl PodDemand {
    /// `namespace/name`.
    pub fn key(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }
}

/// A node as the scheduler sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NodeRoom {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub taints: Vec<NodeTaint>,
    /// Cordoned (`spec.unschedulable`).
    pub unschedulable: bool,
    pub cpu_millicores: u64,
    pub memory_bytes: u64,
    pub max_pods: u32,
}

impl NodeRoom {
    /// A node offering `allocatable` (the seed's formula) and the kubelet's pod limit.
    pub fn new(name: &str, allocatable: crate::resources::Resources) -> Self {
        Self {
            name: name.to_string(),
            labels: BTreeMap::new(),
            taints: Vec::new(),
            unschedulable: false,
            cpu_millicores: u64::from(allocatable.cpu_millicores),
            memory_bytes: u64::from(allocatable.memory_mb) * 1_000_000,
            max_pods: MAX_PODS_PER_NODE,
        }
    }
}

/// What the pods already on a node request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Usage {
    pub cpu_millicores: u64,
    pub memory_bytes: u64,
    pub pods: u32,
}

impl Usage {
    pub fn add(&mut self, pod: &PodDemand) {
        self.cpu_millicores += pod.cpu_millicores;
        self.memory_bytes += pod.memory_bytes;
        self.pods += 1;
    }

    pub fn remove(&mut self, pod: &PodDemand) {
        self.cpu_millicores = self.cpu_millicores.saturating_sub(pod.cpu_millicores);
        self.memory_bytes = self.memory_bytes.saturating_sub(pod.memory_bytes);
        self.pods = self.pods.saturating_sub(1);
    }
}

/// Why one node cannot take a pod, in the scheduler's words.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Misfit {
    Unschedulable,
    Taint(String),
    Selector,
    /// Resources missing, each in words ("Insufficient cpu").
    Resources(Vec<&'static str>),
}

impl Misfit {
    fn reasons(&self) -> Vec<String> {
        match self {
            Misfit::Unschedulable => vec!["node(s) were unschedulable".to_string()],
            Misfit::Taint(taint) => vec![format!("node(s) had untolerated taint {{{taint}}}")],
            Misfit::Selector => vec!["node(s) didn't match Pod's node affinity/selector".to_string()],
            Misfit::Resources(missing) => missing.iter().map(|m| m.to_string()).collect(),
        }
    }

    /// Whether evicting lower-priority pods could help (only when resources are short).
    fn preemption_could_help(&self) -> bool {
        matches!(self, Misfit::Resources(_))
    }
}

/// Whether `node`, with `used` taken already, can take `pod`: the scheduler's filters in its
/// order, the first that fails answering (resources name everything short at once).
pub fn check(pod: &PodDemand, node: &NodeRoom, used: &Usage) -> Result<(), Misfit> {
    let tolerated = |effect: TaintEffect, key: &str| {
        pod.tolerations
            .iter()
            .any(|t| t.tolerates(&NodeTaint { key: key.to_string(), value: String::new(), effect }))
    };
    if node.unschedulable && !tolerated(TaintEffect::NoSchedule, "node.kubernetes.io/unschedulable") {
        return Err(Misfit::Unschedulable);
    }
    let untolerated = node
        .taints
        .iter()
        .filter(|t| t.effect != TaintEffect::PreferNoSchedule)
        .find(|taint| !pod.tolerations.iter().any(|t| t.tolerates(taint)));
    if let Some(taint) = untolerated {
        return Err(Misfit::Taint(format!("{}: {}", taint.key, taint.value)));
    }
    if !pod.node_selector.iter().all(|(k, v)| node.labels.get(k) == Some(v)) {
        return Err(Misfit::Selector);
    }
    let mut missing = Vec::new();
    if used.pods + 1 > node.max_pods {
        missing.push("Too many pods");
    }
    if used.cpu_millicores + pod.cpu_millicores > node.cpu_millicores {
        missing.push("Insufficient cpu");
    }
    if used.memory_bytes + pod.memory_bytes > node.memory_bytes {
        missing.push("Insufficient memory");
    }
    if missing.is_empty() { Ok(()) } else { Err(Misfit::Resources(missing)) }
}

/// The least-allocated score (0–100) of `node` if it took `pod`: the more left free, the better.
fn score(pod: &PodDemand, node: &NodeRoom, used: &Usage) -> f64 {
    let free = |used: u64, want: u64, have: u64| {
        if have == 0 { 0.0 } else { (have.saturating_sub(used + want)) as f64 / have as f64 }
    };
    let cpu = free(used.cpu_millicores, pod.cpu_millicores, node.cpu_millicores);
    let memory = free(used.memory_bytes, pod.memory_bytes, node.memory_bytes);
    (cpu + memory) * 50.0
}

/// Why no node took a pod: the event message the scheduler writes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unschedulable {
    pub message: String,
}

/// The node (an index into `nodes`) the scheduler would bind `pod` to, given what each node's
/// pods take (`usage`, same order); or why none fits, worded like the real `FailedScheduling`.
pub fn choose_node(pod: &PodDemand, nodes: &[NodeRoom], usage: &[Usage]) -> Result<usize, Unschedulable> {
    let mut best: Option<(usize, f64)> = None;
    let mut misfits = Vec::new();
    for (index, node) in nodes.iter().enumerate() {
        let used = usage.get(index).copied().unwrap_or_default();
        match check(pod, node, &used) {
            Ok(()) => {
                let score = score(pod, node, &used);
                if best.is_none_or(|(_, s)| score > s) {
                    best = Some((index, score));
                }
            }
            Err(misfit) => misfits.push(misfit),
        }
    }
    best.map(|(index, _)| index)
        .ok_or_else(|| Unschedulable { message: failed_scheduling(nodes.len(), &misfits) })
}

/// `0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No
/// preemption victims found for incoming pod..` — each reason counted, the counted reasons sorted
/// as strings, and the preemption reasons punctuated, as kube-scheduler writes them.
fn failed_scheduling(total: usize, misfits: &[Misfit]) -> String {
    fn histogram(reasons: impl Iterator<Item = String>) -> String {
        let mut counted: BTreeMap<String, usize> = BTreeMap::new();
        reasons.for_each(|r| *counted.entry(r).or_default() += 1);
        let mut lines: Vec<String> = counted.into_iter().map(|(reason, n)| format!("{n} {reason}")).collect();
        lines.sort();
        lines.join(", ")
    }
    if total == 0 {
        return "no nodes available to schedule pods".to_string();
    }
    let reasons = histogram(misfits.iter().flat_map(Misfit::reasons));
    let preemption = histogram(misfits.iter().map(|m| match m.preemption_could_help() {
        true => "No preemption victims found for incoming pod.".to_string(),
        false => "Preemption is not helpful for scheduling".to_string(),
    }));
    format!(
        "0/{total} nodes are available: {reasons}. preemption: 0/{total} nodes are available: {preemption}."
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::NodeShape;

    fn b3_8(name: &str) -> NodeRoom {
        NodeRoom::new(name, NodeShape { vcpus: 2, ram_gb: 8, disk_gb: 50 }.allocatable())
    }

    fn pod(name: &str, cpu: u64) -> PodDemand {
        PodDemand {
            namespace: "default".into(),
            name: name.into(),
            cpu_millicores: cpu,
            memory_bytes: 64 << 20,
            ..PodDemand::default()
        }
    }

    #[test]
    fn the_emptiest_node_is_chosen() {
        let nodes = [b3_8("a"), b3_8("b")];
        let usage = [Usage { cpu_millicores: 1000, memory_bytes: 0, pods: 3 }, Usage::default()];
        assert_eq!(choose_node(&pod("p", 100), &nodes, &usage), Ok(1));
    }

    #[test]
    fn a_pod_that_fits_nowhere_gets_the_real_message() {
        // b3-8 offers 2000 m − (150 m + 10 m) = 1840 m.
        let nodes = [b3_8("a"), b3_8("b"), b3_8("c")];
        let err = choose_node(&pod("big", 1900), &nodes, &[Usage::default(); 3]).unwrap_err();
        assert_eq!(
            err.message,
            "0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.."
        );
    }

    #[test]
    fn taints_selectors_and_cordons_are_counted_apart() {
        let mut tainted = b3_8("a");
        tainted.taints.push(NodeTaint {
            key: "gpu".into(),
            value: "true".into(),
            effect: TaintEffect::NoSchedule,
        });
        let mut cordoned = b3_8("b");
        cordoned.unschedulable = true;
        let mut wanted = pod("p", 100);
        wanted.node_selector.insert("disk".into(), "ssd".into());
        let err = choose_node(&wanted, &[tainted, cordoned, b3_8("c")], &[Usage::default(); 3]).unwrap_err();
        assert_eq!(
            err.message,
            "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {gpu: true}, 1 node(s) were unschedulable. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
        );
    }

    #[test]
    fn tolerations_match_by_key_value_and_effect() {
        let taint = NodeTaint { key: "gpu".into(), value: "true".into(), effect: TaintEffect::NoSchedule };
        let equal = Toleration { key: "gpu".into(), value: "true".into(), ..Toleration::default() };
        assert!(equal.tolerates(&taint));
        assert!(!Toleration { value: "false".into(), ..equal.clone() }.tolerates(&taint));
        assert!(Toleration { exists: true, ..Toleration::default() }.tolerates(&taint));
        let other_effect = Toleration { effect: Some(TaintEffect::NoExecute), ..equal };
        assert!(!other_effect.tolerates(&taint));
        let mut node = b3_8("a");
        node.taints.push(taint);
        let mut tolerant = pod("p", 10);
        tolerant.tolerations.push(Toleration { key: "gpu".into(), exists: true, ..Toleration::default() });
        assert_eq!(check(&tolerant, &node, &Usage::default()), Ok(()));
    }

    #[test]
    fn the_pod_limit_is_a_resource() {
        let full = Usage { pods: MAX_PODS_PER_NODE, ..Usage::default() };
        assert_eq!(check(&pod("p", 0), &b3_8("a"), &full), Err(Misfit::Resources(vec!["Too many pods"])));
    }
}
