//! The workloads inside a cluster, read through its API with the admin credentials of the
//! provider's kubeconfig ([`crate::cluster_api`]), and the pre-flight of whatever drains its
//! nodes, replayed on them with the model's rules ([`model::drain`]).

use std::collections::BTreeSet;
use std::sync::Arc;

use model::drain::{self, DrainIssue};
use model::id::ClusterId;
use model::plan::UpgradeStrategy;
use model::workload_view::{
    BudgetRow, DeploymentRow, NodePods, PendingPod, PodRow, Preflight, WorkloadsView,
};
use provider::kube;
use serde_json::Value;

use super::{ServiceError, Services, provider_error};
use crate::cluster_api::{ClusterApi, ClusterApiError, ClusterObjects};

/// Which namespaces a reader may see.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scope {
    All,
    Only(Vec<String>),
}

impl Scope {
    pub fn shows(&self, namespace: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Only(names) => names.iter().any(|n| n == namespace),
        }
    }
}

fn namespace(object: &Value) -> &str {
    object["metadata"]["namespace"].as_str().unwrap_or("default")
}

fn name(object: &Value) -> String {
    object["metadata"]["name"].as_str().unwrap_or_default().to_string()
}

fn is_daemon(pod: &Value) -> bool {
    kube::owner(pod).is_some_and(|(kind, _)| kind == "DaemonSet")
}

fn ended(pod: &Value) -> bool {
    matches!(pod["status"]["phase"].as_str(), Some("Succeeded" | "Failed"))
}

fn pod_row(pod: &Value) -> PodRow {
    let demand = kube::pod_demand(pod).unwrap_or_default();
    PodRow {
        namespace: namespace(pod).to_string(),
        name: name(pod),
        cpu_millicores: demand.cpu_millicores,
        memory_bytes: demand.memory_bytes,
        phase: pod["status"]["phase"].as_str().unwrap_or("Pending").to_string(),
        daemon: is_daemon(pod),
    }
}

/// The workloads of `objects` as a reader limited to `scope` may see them.
pub fn view(objects: &ClusterObjects, scope: &Scope) -> WorkloadsView {
    let all: Vec<String> = objects.namespaces.iter().map(name).collect();
    let namespaces: Vec<String> = all.iter().filter(|n| scope.shows(n)).cloned().collect();
    let deployments = objects
        .deployments
        .iter()
        .filter(|d| scope.shows(namespace(d)))
        .map(|d| {
            let count = |v: &Value| v.as_u64().unwrap_or(0);
            DeploymentRow {
                namespace: namespace(d).to_string(),
                name: name(d),
                desired: d["spec"]["replicas"].as_u64().unwrap_or(1),
                ready: count(&d["status"]["readyReplicas"]),
                updated: count(&d["status"]["updatedReplicas"]),
                available: count(&d["status"]["availableReplicas"]),
            }
        })
        .collect();
    let live: Vec<&Value> = objects.pods.iter().filter(|p| !ended(p)).collect();
    let nodes = objects
        .nodes
        .iter()
        .filter_map(|node| {
            let room = kube::node_room(node)?;
            let on: Vec<&&Value> =
                live.iter().filter(|p| p["spec"]["nodeName"] == room.name.as_str()).collect();
            let rows: Vec<PodRow> = on.iter().map(|p| pod_row(p)).collect();
            let ready = node["status"]["conditions"]
                .as_array()
                .is_some_and(|c| c.iter().any(|c| c["type"] == "Ready" && c["status"] == "True"));
            let (visible, hidden): (Vec<PodRow>, Vec<PodRow>) =
                rows.into_iter().partition(|p| scope.shows(&p.namespace));
            Some(NodePods {
                pool: room.labels.get("nodepool").cloned(),
                ready,
                unschedulable: room.unschedulable,
                cpu_allocatable: room.cpu_millicores,
                memory_allocatable: room.memory_bytes,
                cpu_requested: visible.iter().chain(&hidden).map(|p| p.cpu_millicores).sum(),
                memory_requested: visible.iter().chain(&hidden).map(|p| p.memory_bytes).sum(),
                hidden_pods: hidden.len(),
                pods: visible,
                name: room.name,
            })
        })
        .collect();
    let pending = live
        .iter()
        .filter(|p| p["spec"]["nodeName"].as_str().is_none_or(str::is_empty) && scope.shows(namespace(p)))
        .map(|p| {
            let conditions = p["status"]["conditions"].as_array().cloned().unwrap_or_default();
            let reason = conditions
                .iter()
                .find(|c| c["type"] == "PodScheduled" && c["status"] == "False")
                .and_then(|c| c["message"].as_str())
                .unwrap_or("Waiting for the scheduler.")
                .to_string();
            PendingPod { pod: pod_row(p), reason }
        })
        .collect();
    let budgets = objects
        .budgets
        .iter()
        .filter(|b| scope.shows(namespace(b)))
        .map(|b| BudgetRow {
            namespace: namespace(b).to_string(),
            name: name(b),
            allowed: b["status"]["disruptionsAllowed"].as_u64().unwrap_or(0) as u32,
        })
        .collect();
    let mut held_drains: Vec<String> = objects
        .events
        .iter()
        .filter(|e| {
            e["reason"] == "EvictionBlocked"
                && scope.shows(e["involvedObject"]["namespace"].as_str().unwrap_or(""))
        })
        .map(|e| {
            let pod = format!(
                "{}/{}",
                e["involvedObject"]["namespace"].as_str().unwrap_or(""),
                e["involvedObject"]["name"].as_str().unwrap_or("")
            );
            format!("{pod}: {}", e["message"].as_str().unwrap_or_default())
        })
        .collect();
    held_drains.sort();
    held_drains.dedup();
    WorkloadsView {
        hidden_namespaces: all.len() - namespaces.len(),
        namespaces,
        deployments,
        nodes,
        pending,
        budgets,
        held_drains,
    }
}

/// `issue` with the pods and budgets of namespaces `scope` hides left unnamed.
fn redact(issue: DrainIssue, scope: &Scope) -> DrainIssue {
    let pods = |pods: Vec<String>| -> Vec<String> {
        let hidden = pods.iter().filter(|p| !scope.shows(p.split('/').next().unwrap_or(""))).count();
        let mut shown: Vec<String> =
            pods.into_iter().filter(|p| scope.shows(p.split('/').next().unwrap_or(""))).collect();
        if hidden > 0 {
            shown.push(format!("{hidden} pod(s) in namespaces you cannot see"));
        }
        shown
    };
    match issue {
        DrainIssue::NoRoom { node, pods: list, reason } => {
            DrainIssue::NoRoom { node, pods: pods(list), reason }
        }
        DrainIssue::Budget { node, budget, pods: list } => {
            let budget = if scope.shows(budget.split('/').next().unwrap_or("")) {
                budget
            } else {
                "in a namespace you cannot see".to_string()
            };
            DrainIssue::Budget { node, budget, pods: pods(list) }
        }
        DrainIssue::Unmanaged { node, pods: list } => DrainIssue::Unmanaged { node, pods: pods(list) },
    }
}

/// The cluster as the drain replays need it: nodes (oldest first), pods, budgets.
fn cluster_state(
    objects: &ClusterObjects,
) -> (Vec<model::scheduling::NodeRoom>, Vec<drain::PlacedPod>, Vec<drain::Budget>) {
    let mut nodes: Vec<&Value> = objects.nodes.iter().collect();
    nodes.sort_by_key(|n| (n["metadata"]["creationTimestamp"].as_str().unwrap_or("").to_string(), name(n)));
    let rooms = nodes.into_iter().filter_map(kube::node_room).collect();
    let pods = objects.pods.iter().filter(|p| !ended(p)).filter_map(kube::placed_pod).collect();
    let budgets = objects.budgets.iter().filter_map(kube::budget).collect();
    (rooms, pods, budgets)
}

fn preflight(issues: Vec<DrainIssue>, objects: &ClusterObjects, scope: &Scope) -> Preflight {
    Preflight {
        issues: issues.into_iter().map(|i| redact(i, scope).describe()).collect(),
        pods: objects.pods.len(),
        nodes: objects.nodes.len(),
    }
}

/// What an upgrade in the plan's way would run into; for a rolling one, `unavailable` names
/// the flavors whose extra node cannot be had.
pub fn upgrade_check(
    strategy: UpgradeStrategy,
    objects: &ClusterObjects,
    scope: &Scope,
    unavailable: &[String],
) -> Preflight {
    let (rooms, pods, budgets) = cluster_state(objects);
    let mut found = preflight(drain::upgrade(strategy, &rooms, &pods, &budgets), objects, scope);
    if strategy == UpgradeStrategy::Rolling {
        let flavors: BTreeSet<&str> = objects
            .nodes
            .iter()
            .filter_map(|n| n["metadata"]["labels"]["node.kubernetes.io/instance-type"].as_str())
            .filter(|f| unavailable.iter().any(|u| u == f))
            .collect();
        for flavor in flavors {
            found.issues.push(format!(
                "The flavor {flavor} is out of stock in this region: a rolling upgrade adds a {flavor} node before it drains one, and that node cannot be created."
            ));
        }
    }
    found
}

/// What removing the nodes named `removed` would run into.
pub fn removal_check(objects: &ClusterObjects, scope: &Scope, removed: &[String]) -> Preflight {
    let (rooms, pods, budgets) = cluster_state(objects);
    preflight(drain::removal(&rooms, &pods, &budgets, removed), objects, scope)
}

/// The `count` newest nodes of pool `pool` (by the `nodepool` label): those a scale-down removes.
pub fn newest_of_pool(objects: &ClusterObjects, pool: &str, count: usize) -> Vec<String> {
    let mut nodes: Vec<&Value> =
        objects.nodes.iter().filter(|n| n["metadata"]["labels"]["nodepool"] == pool).collect();
    nodes.sort_by_key(|n| {
        std::cmp::Reverse(n["metadata"]["creationTimestamp"].as_str().unwrap_or("").to_string())
    });
    nodes.into_iter().take(count).map(name).collect()
}

impl From<ClusterApiError> for ServiceError {
    fn from(error: ClusterApiError) -> Self {
        ServiceError::ClusterApi(error.to_string())
    }
}

impl Services {
    /// A client with `cluster`'s admin credentials, from the provider's kubeconfig (kept an
    /// hour, or until the cluster refuses it).
    pub(crate) async fn cluster_api(
        &self,
        project: &str,
        cluster: &ClusterId,
    ) -> Result<Arc<ClusterApi>, ServiceError> {
        let key = (project.to_string(), cluster.to_string());
        if let Some(api) = self.caches.cluster_apis.get(&key) {
            return Ok(api);
        }
        let found = self.project(project)?;
        let kubeconfig = found
            .client
            .kubeconfig(&found.service_name, cluster)
            .await
            .map_err(provider_error(|| format!("cluster {cluster}")))?;
        let api = Arc::new(ClusterApi::from_kubeconfig(&kubeconfig.content)?);
        self.caches.cluster_apis.put(key, api.clone());
        Ok(api)
    }

    /// What `cluster`'s API answers now (or answered in the last two seconds).
    pub async fn cluster_objects(
        &self,
        project: &str,
        cluster: &ClusterId,
    ) -> Result<Arc<ClusterObjects>, ServiceError> {
        let key = (project.to_string(), cluster.to_string());
        if let Some(objects) = self.caches.cluster_objects.get(&key) {
            return Ok(objects);
        }
        let api = self.cluster_api(project, cluster).await?;
        let objects = match api.objects().await {
            // A reset kubeconfig: fetch the new one once.
            Err(ClusterApiError::Unauthorized) => {
                self.caches.cluster_apis.remove(&key);
                self.cluster_api(project, cluster).await?.objects().await?
            }
            other => other?,
        };
        let objects = Arc::new(objects);
        self.caches.cluster_objects.put(key, objects.clone());
        Ok(objects)
    }

    /// The workloads of `cluster` in the namespaces `scope` shows.
    pub async fn workloads(
        &self,
        project: &str,
        cluster: &ClusterId,
        scope: &Scope,
    ) -> Result<WorkloadsView, ServiceError> {
        Ok(view(&*self.cluster_objects(project, cluster).await?, scope))
    }

    /// The pre-flight of upgrading `found` (the cluster as the catalog read it) in its plan's way.
    pub async fn upgrade_preflight(
        &self,
        project: &str,
        found: &provider::api::Cluster,
        scope: &Scope,
    ) -> Result<Preflight, ServiceError> {
        let plan = found.known_plan();
        let objects = self.cluster_objects(project, &ClusterId::new(&found.id)).await?;
        let unavailable: Vec<String> = self
            .flavors(project, &found.region)
            .await?
            .into_iter()
            .filter(|f| f.state != model::flavor::FlavorState::Available)
            .map(|f| f.name)
            .collect();
        Ok(upgrade_check(plan.upgrade_strategy(), &objects, scope, &unavailable))
    }

    /// The pre-flight of removing nodes of pool `pool` (its name): the named `node`, or the
    /// newest ones down to `desired`.
    pub async fn removal_preflight(
        &self,
        project: &str,
        cluster: &ClusterId,
        pool: &str,
        removal: &Removal,
        scope: &Scope,
    ) -> Result<Preflight, ServiceError> {
        let objects = self.cluster_objects(project, cluster).await?;
        let removed = match removal {
            Removal::Node(node) => vec![node.clone()],
            Removal::ScaleTo(desired) => {
                let current =
                    objects.nodes.iter().filter(|n| n["metadata"]["labels"]["nodepool"] == pool).count();
                newest_of_pool(&objects, pool, current.saturating_sub(*desired as usize))
            }
        };
        Ok(removal_check(&objects, scope, &removed))
    }
}

/// What a change takes away from a pool.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Removal {
    /// One named node.
    Node(String),
    /// The newest nodes, down to this many.
    ScaleTo(u32),
}

#[cfg(test)]
mod tests;
