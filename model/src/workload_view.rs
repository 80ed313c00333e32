//! What the console shows of the workloads inside a cluster: its Deployments with their
//! replicas, the pods on each node with what they request against what the node offers, the
//! Pending pods and why, the disruption budgets, and the pre-flight of anything that drains
//! nodes ([`crate::drain`]). Read on the server through the cluster's admin credentials, which
//! never reach the browser; limited to the namespaces the reader's role may see.

use serde::{Deserialize, Serialize};

/// A Deployment and its replicas.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeploymentRow {
    pub namespace: String,
    pub name: String,
    pub desired: u64,
    pub ready: u64,
    pub updated: u64,
    pub available: u64,
}

/// A pod on a node, or Pending.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PodRow {
    pub namespace: String,
    pub name: String,
    pub cpu_millicores: u64,
    pub memory_bytes: u64,
    /// `Running`, `Pending`, …
    pub phase: String,
    /// Run by a DaemonSet (stays when the node drains).
    pub daemon: bool,
}

/// A node, what it offers and what its pods take.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NodePods {
    pub name: String,
    /// The `nodepool` label.
    pub pool: Option<String>,
    pub ready: bool,
    /// Cordoned, or draining.
    pub unschedulable: bool,
    pub cpu_allocatable: u64,
    pub memory_allocatable: u64,
    /// What every pod on it requests, in every namespace.
    pub cpu_requested: u64,
    pub memory_requested: u64,
    /// Its pods in the namespaces the reader may see.
    pub pods: Vec<PodRow>,
    /// Its pods in the other namespaces.
    pub hidden_pods: usize,
}

impl NodePods {
    /// The requested share of allocatable CPU, in percent.
    pub fn cpu_percent(&self) -> u64 {
        (self.cpu_requested * 100).checked_div(self.cpu_allocatable).unwrap_or(0)
    }

    /// The requested share of allocatable memory, in percent.
    pub fn memory_percent(&self) -> u64 {
        (self.memory_requested * 100).checked_div(self.memory_allocatable).unwrap_or(0)
    }
}

/// A pod no node has taken, and the scheduler's reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PendingPod {
    pub pod: PodRow,
    pub reason: String,
}

/// A PodDisruptionBudget and how many evictions it allows now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BudgetRow {
    pub namespace: String,
    pub name: String,
    pub allowed: u32,
}

/// The workloads of a cluster as one reader may see them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WorkloadsView {
    /// The namespaces shown.
    pub namespaces: Vec<String>,
    /// How many namespaces the reader's role does not show.
    pub hidden_namespaces: usize,
    pub deployments: Vec<DeploymentRow>,
    pub nodes: Vec<NodePods>,
    pub pending: Vec<PendingPod>,
    pub budgets: Vec<BudgetRow>,
    /// Drains a disruption budget holds up now, in the events' words.
    pub held_drains: Vec<String>,
}

/// What the console found before something that drains nodes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Preflight {
    /// What would go wrong, each in a sentence naming the node and the pods or budget.
    pub issues: Vec<String>,
    /// Pods and nodes checked.
    pub pods: usize,
    pub nodes: usize,
}

impl Preflight {
    pub fn passes(&self) -> bool {
        self.issues.is_empty()
    }
}
