//! The controllers of an emulated cluster, run in one pass over its stored objects whenever it
//! is looked at and every second: Deployments make ReplicaSets, ReplicaSets and DaemonSets make
//! pods, pods leave draining nodes within their disruption budgets, the scheduler binds what is
//! Pending with the model's rules, and every controller writes its object's status.
//!
//! Choices: a changed pod template replaces the pods at once (no surge); a bound pod runs at
//! once; a pod on a node that is gone is deleted, and its controller makes another.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use model::scheduling::{self, Usage};
use serde_json::{Value, json};

use super::budgets::drain;
use super::pods::{self, owner};
use super::statuses::statuses;
use super::store::{Store, key_of};

pub use super::budgets::{budgets, placed};

/// The nodes of the cluster as registered, and those being drained (since when).
#[derive(Clone, Debug, Default)]
pub struct Nodes {
    pub objects: Vec<Value>,
    pub draining: BTreeMap<String, DateTime<Utc>>,
}

impl Nodes {
    fn address(&self, name: &str) -> Option<String> {
        let node = self.objects.iter().find(|n| n["metadata"]["name"] == name)?;
        let addresses = node["status"]["addresses"].as_array()?;
        addresses.iter().find(|a| a["type"] == "InternalIP")?["address"].as_str().map(str::to_string)
    }
}

/// One pass of every controller.
pub fn reconcile(store: &mut Store, nodes: &Nodes, now: DateTime<Utc>, patience: chrono::Duration) {
    collect_garbage(store, nodes, now);
    deployments(store, now);
    drain(store, nodes, now, patience);
    replica_sets(store, now);
    daemon_sets(store, nodes, now);
    schedule(store, nodes, now);
    statuses(store, now);
}

pub(super) fn uid(object: &Value) -> &str {
    object["metadata"]["uid"].as_str().unwrap_or_default()
}

pub(super) fn owned_by<'s>(store: &'s Store, resource: &str, owner_uid: &str) -> Vec<&'s Value> {
    store.list(resource).filter(|o| owner(o).is_some_and(|(_, u)| u == owner_uid)).collect()
}

/// How long pods stay on a node that stopped answering (the default `tolerationSeconds` of the
/// `not-ready` and `unreachable` taints).
const UNREACHABLE_GRACE: i64 = 300;

/// Objects whose owner is gone go too; pods on nodes that are gone, or that have not answered
/// for five minutes, are deleted.
fn collect_garbage(store: &mut Store, nodes: &Nodes, now: DateTime<Utc>) {
    let uids: BTreeSet<String> = ["deployments", "replicasets", "daemonsets"]
        .iter()
        .flat_map(|r| store.list(r).map(|o| uid(o).to_string()))
        .collect();
    let lost_since = |node: &Value| {
        let ready = node["status"]["conditions"].as_array()?.iter().find(|c| c["type"] == "Ready")?;
        let since = ready["lastTransitionTime"].as_str()?.parse::<DateTime<Utc>>().ok()?;
        (ready["status"] != "True").then_some(since)
    };
    let registered: BTreeSet<&str> =
        nodes.objects.iter().filter_map(|n| n["metadata"]["name"].as_str()).collect();
    let lost: BTreeSet<&str> = nodes
        .objects
        .iter()
        .filter(|n| lost_since(n).is_some_and(|since| (now - since).num_seconds() >= UNREACHABLE_GRACE))
        .filter_map(|n| n["metadata"]["name"].as_str())
        .collect();
    for resource in ["replicasets", "pods"] {
        let orphans: Vec<String> = store
            .list(resource)
            .filter(|o| {
                let orphan = owner(o).is_some_and(|(_, u)| !uids.contains(u));
                let daemon = owner(o).is_some_and(|(kind, _)| kind == "DaemonSet");
                let stranded = resource == "pods"
                    && o["spec"]["nodeName"].as_str().is_some_and(|n| {
                        !n.is_empty() && (!registered.contains(n) || (lost.contains(n) && !daemon))
                    });
                orphan || stranded
            })
            .map(key_of)
            .collect();
        for key in orphans {
            store.remove(resource, &key);
        }
    }
}

/// Each Deployment's current ReplicaSet has its replicas; the others none.
fn deployments(store: &mut Store, now: DateTime<Utc>) {
    let all: Vec<Value> = store.list("deployments").cloned().collect();
    for deployment in all {
        if deployment["spec"]["paused"] == true {
            continue;
        }
        let template = &deployment["spec"]["template"];
        let hash = pods::template_hash(template);
        let desired = deployment["spec"]["replicas"].as_u64().unwrap_or(1);
        let owned: Vec<Value> =
            owned_by(store, "replicasets", uid(&deployment)).into_iter().cloned().collect();
        let revision = |rs: &Value| {
            rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
                .as_str()
                .and_then(|r| r.parse::<u64>().ok())
                .unwrap_or(0)
        };
        let latest = owned.iter().map(revision).max().unwrap_or(0);
        let is_current = |rs: &Value| rs["metadata"]["labels"]["pod-template-hash"] == hash.as_str();
        if !owned.iter().any(is_current) {
            let name = format!("{}-{hash}", deployment["metadata"]["name"].as_str().unwrap_or_default());
            let mut labels = template["metadata"]["labels"].clone();
            labels["pod-template-hash"] = json!(hash);
            let mut selector = deployment["spec"]["selector"].clone();
            selector["matchLabels"]["pod-template-hash"] = json!(hash);
            let mut rs_template = template.clone();
            rs_template["metadata"]["labels"] = labels.clone();
            let rs = json!({
                "kind": "ReplicaSet",
                "apiVersion": "apps/v1",
                "metadata": {
                    "name": name,
                    "namespace": deployment["metadata"]["namespace"],
                    "labels": labels,
                    "annotations": {
                        "deployment.kubernetes.io/desired-replicas": desired.to_string(),
                        "deployment.kubernetes.io/max-replicas": desired.to_string(),
                        "deployment.kubernetes.io/revision": (latest + 1).to_string(),
                    },
                    "ownerReferences": [{
                        "apiVersion": "apps/v1", "kind": "Deployment",
                        "name": deployment["metadata"]["name"], "uid": uid(&deployment),
                        "controller": true, "blockOwnerDeletion": true,
                    }],
                },
                "spec": { "replicas": desired, "selector": selector, "template": rs_template },
            });
            store.put("replicasets", rs, now);
            store.record(
                &deployment,
                false,
                "ScalingReplicaSet",
                &format!("Scaled up replica set {name} from 0 to {desired}"),
                "deployment-controller",
                now,
            );
        }
        // Old ReplicaSets beyond `revisionHistoryLimit` go, the oldest first.
        let limit = deployment["spec"]["revisionHistoryLimit"].as_u64().unwrap_or(10) as usize;
        let mut old: Vec<&Value> =
            owned.iter().filter(|rs| !is_current(rs) && rs["spec"]["replicas"] == 0).collect();
        old.sort_by_key(|rs| std::cmp::Reverse(revision(rs)));
        let pruned: Vec<String> = old.iter().skip(limit).map(|rs| key_of(rs)).collect();
        for key in &pruned {
            store.remove("replicasets", key);
        }
        for mut rs in owned.into_iter().filter(|rs| !pruned.contains(&key_of(rs))) {
            let want = if is_current(&rs) { desired } else { 0 };
            let have = rs["spec"]["replicas"].as_u64().unwrap_or(0);
            if have != want {
                rs["spec"]["replicas"] = json!(want);
                rs["metadata"]["annotations"]["deployment.kubernetes.io/desired-replicas"] =
                    json!(desired.to_string());
                let direction = if want > have { "up" } else { "down" };
                let name = rs["metadata"]["name"].as_str().unwrap_or_default().to_string();
                store.put("replicasets", rs, now);
                store.record(
                    &deployment,
                    false,
                    "ScalingReplicaSet",
                    &format!("Scaled {direction} replica set {name} from {have} to {want}"),
                    "deployment-controller",
                    now,
                );
            }
        }
    }
}

/// Each ReplicaSet has as many pods as it wants: new ones Pending, surplus ones (unbound first,
/// then the newest) deleted.
fn replica_sets(store: &mut Store, now: DateTime<Utc>) {
    let all: Vec<Value> = store.list("replicasets").cloned().collect();
    for rs in all {
        let want = rs["spec"]["replicas"].as_u64().unwrap_or(1) as usize;
        let mut owned: Vec<Value> = owned_by(store, "pods", uid(&rs)).into_iter().cloned().collect();
        if owned.len() < want {
            for _ in owned.len()..want {
                let pod = pods::from_template(&rs["spec"]["template"], &rs, "ReplicaSet", &BTreeMap::new());
                let name = pod["metadata"]["name"].as_str().unwrap_or_default().to_string();
                let pod = store.put("pods", pod, now);
                let _ = pod;
                store.record(
                    &rs,
                    false,
                    "SuccessfulCreate",
                    &format!("Created pod: {name}"),
                    "replicaset-controller",
                    now,
                );
            }
        } else if owned.len() > want {
            owned.sort_by_key(|p| {
                (
                    pods::is_bound(p),
                    std::cmp::Reverse(
                        p["metadata"]["resourceVersion"]
                            .as_str()
                            .and_then(|v| v.parse::<u64>().ok())
                            .unwrap_or(0),
                    ),
                )
            });
            for pod in owned.iter().take(owned.len() - want) {
                store.remove("pods", &key_of(pod));
                let name = pod["metadata"]["name"].as_str().unwrap_or_default();
                store.record(
                    &rs,
                    false,
                    "SuccessfulDelete",
                    &format!("Deleted pod: {name}"),
                    "replicaset-controller",
                    now,
                );
            }
        }
    }
}

/// Each DaemonSet has one pod on every node whose taints and labels let it in.
fn daemon_sets(store: &mut Store, nodes: &Nodes, now: DateTime<Utc>) {
    let all: Vec<Value> = store.list("daemonsets").cloned().collect();
    let rooms: Vec<_> = nodes.objects.iter().filter_map(pods::room).collect();
    for ds in all {
        let template = &ds["spec"]["template"];
        let Some(mut demand) = pods::template_demand(template) else { continue };
        demand.cpu_millicores = 0;
        demand.memory_bytes = 0;
        let eligible: BTreeSet<&str> = rooms
            .iter()
            .filter(|room| {
                let mut room = (*room).clone();
                room.unschedulable = false;
                scheduling::check(&demand, &room, &Usage::default()).is_ok()
            })
            .map(|room| room.name.as_str())
            .collect();
        let owned: Vec<Value> = owned_by(store, "pods", uid(&ds)).into_iter().cloned().collect();
        let mut covered = BTreeSet::new();
        for pod in &owned {
            let node = pod["spec"]["nodeName"].as_str().unwrap_or_default();
            if !eligible.contains(node) || !covered.insert(node.to_string()) {
                store.remove("pods", &key_of(pod));
            }
        }
        for node in eligible.iter().filter(|n| !covered.contains(**n)) {
            let mut pod = pods::from_template(template, &ds, "DaemonSet", &BTreeMap::new());
            let ip = nodes.address(node);
            // Host-network pods take the node's address, when the node has one.
            let pod_address = ip.clone().unwrap_or_else(|| pod_ip(store.revision));
            pods::bind(&mut pod, node, ip.as_deref(), &pod_address, now);
            let name = pod["metadata"]["name"].as_str().unwrap_or_default().to_string();
            store.put("pods", pod, now);
            store.record(
                &ds,
                false,
                "SuccessfulCreate",
                &format!("Created pod: {name}"),
                "daemonset-controller",
                now,
            );
        }
    }
}

/// Binds Pending pods, oldest first, where the scheduler's rules find room.
fn schedule(store: &mut Store, nodes: &Nodes, now: DateTime<Utc>) {
    let rooms: Vec<_> = nodes.objects.iter().filter_map(pods::room).collect();
    let mut usage = vec![Usage::default(); rooms.len()];
    let mut pending = Vec::new();
    for pod in store.list("pods") {
        match pod["spec"]["nodeName"].as_str().filter(|n| !n.is_empty()) {
            Some(node) => {
                if let (Some(index), Some(demand)) =
                    (rooms.iter().position(|r| r.name == node), pods::demand(pod))
                {
                    usage[index].add(&demand);
                }
            }
            None if pod["status"]["phase"] == "Pending" || pod["status"]["phase"].is_null() => {
                pending.push(pod.clone())
            }
            None => {}
        }
    }
    pending.sort_by(|a, b| {
        let at = |p: &Value| {
            (
                p["metadata"]["creationTimestamp"].as_str().unwrap_or_default().to_string(),
                p["metadata"]["name"].as_str().unwrap_or_default().to_string(),
            )
        };
        at(a).cmp(&at(b))
    });
    for mut pod in pending {
        let Some(demand) = pods::demand(&pod) else { continue };
        match scheduling::choose_node(&demand, &rooms, &usage) {
            Ok(index) => {
                usage[index].add(&demand);
                let node = rooms[index].name.clone();
                let ip = pod_ip(store.revision);
                pods::bind(&mut pod, &node, nodes.address(&node).as_deref(), &ip, now);
                let pod = store.put("pods", pod, now);
                let message = format!("Successfully assigned {} to {node}", demand.key());
                store.record(&pod, false, "Scheduled", &message, "default-scheduler", now);
            }
            Err(unschedulable) => {
                if pods::unschedulable_message(&pod) != Some(unschedulable.message.as_str()) {
                    pods::unschedulable(&mut pod, &unschedulable.message, now);
                    let pod = store.put("pods", pod, now);
                    store.record(
                        &pod,
                        true,
                        "FailedScheduling",
                        &unschedulable.message,
                        "default-scheduler",
                        now,
                    );
                }
            }
        }
    }
}

/// An address in the pod range for the pod bound at `revision`.
fn pod_ip(revision: u64) -> String {
    format!("10.2.{}.{}", (revision / 250) % 256, revision % 250 + 2)
}
