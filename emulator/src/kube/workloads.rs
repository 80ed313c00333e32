//! The kinds kept in a cluster's store ([`crate::workload::Store`]): namespaces, pods, events,
//! Deployments, ReplicaSets, DaemonSets and PodDisruptionBudgets, with kube-apiserver's
//! columns for each.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::objects::{Item, Kind, Snapshot};
use super::selector::label_text;
use super::table::{Column, column};

/// The stored objects of `resource` as items.
pub(super) fn stored(snapshot: &Snapshot, resource: &str) -> Vec<Item> {
    snapshot
        .store
        .list(resource)
        .map(|object| Item { object: object.clone(), created: created(object).unwrap_or(snapshot.now) })
        .collect()
}

/// Events, aged by when they last happened (the LAST SEEN column).
fn events(snapshot: &Snapshot) -> Vec<Item> {
    let last = |o: &Value| o["lastTimestamp"].as_str().and_then(|t| t.parse::<DateTime<Utc>>().ok());
    snapshot
        .store
        .list("events")
        .map(|object| Item { object: object.clone(), created: last(object).unwrap_or(snapshot.now) })
        .collect()
}

pub fn created(object: &Value) -> Option<DateTime<Utc>> {
    object["metadata"]["creationTimestamp"].as_str()?.parse().ok()
}

pub(super) const fn wide(name: &'static str, kind: &'static str, description: &'static str) -> Column {
    Column { name, kind, description, wide: true }
}

fn number(value: &Value) -> u64 {
    value.as_u64().unwrap_or(0)
}

pub(super) fn name(object: &Value) -> Value {
    object["metadata"]["name"].clone()
}

pub const NAMESPACES: Kind = Kind {
    resource: "namespaces",
    singular: "namespace",
    kind: "Namespace",
    short_names: &["ns"],
    group: "",
    api_version: "v1",
    namespaced: false,
    stored: true,
    columns: &[
        column("Name", "string", "Name of the namespace"),
        column("Status", "string", "The namespace's phase"),
        column("Age", "string", "Time since the namespace was created"),
    ],
    items: |s| stored(s, "namespaces"),
    row: |o, age| vec![name(o), o["status"]["phase"].clone(), json!(age)],
};

pub const PODS: Kind = Kind {
    resource: "pods",
    singular: "pod",
    kind: "Pod",
    short_names: &["po"],
    group: "",
    api_version: "v1",
    namespaced: true,
    stored: true,
    columns: &[
        column("Name", "string", "Name of the pod"),
        column("Ready", "string", "Containers ready, of all"),
        column("Status", "string", "The pod's phase or the reason it waits"),
        column("Restarts", "string", "Container restarts"),
        column("Age", "string", "Time since the pod was created"),
        wide("IP", "string", "The pod's address"),
        wide("Node", "string", "The node the pod is bound to"),
        wide("Nominated Node", "string", "The node the scheduler nominated"),
        wide("Readiness Gates", "string", "Readiness gates met"),
    ],
    items: |s| stored(s, "pods"),
    row: |o, age| {
        let containers = o["spec"]["containers"].as_array().map_or(0, Vec::len);
        let ready = o["status"]["containerStatuses"]
            .as_array()
            .map_or(0, |c| c.iter().filter(|c| c["ready"] == true).count());
        let phase = o["status"]["phase"].as_str().unwrap_or("Pending");
        let status = if o["metadata"]["deletionTimestamp"].is_string() { "Terminating" } else { phase };
        let text = |v: &Value| if v.is_string() { v.clone() } else { json!("<none>") };
        vec![
            name(o),
            json!(format!("{ready}/{containers}")),
            json!(status),
            json!("0"),
            json!(age),
            text(&o["status"]["podIP"]),
            text(&o["spec"]["nodeName"]),
            json!("<none>"),
            json!("<none>"),
        ]
    },
};

pub const EVENTS: Kind = Kind {
    resource: "events",
    singular: "event",
    kind: "Event",
    short_names: &["ev"],
    group: "",
    api_version: "v1",
    namespaced: true,
    stored: true,
    columns: &[
        column("Last Seen", "string", "When the event last happened"),
        column("Type", "string", "Normal or Warning"),
        column("Reason", "string", "Why it happened"),
        column("Object", "string", "What it happened to"),
        column("Message", "string", "What happened"),
    ],
    items: events,
    row: |o, seen| {
        let involved = &o["involvedObject"];
        let object = format!(
            "{}/{}",
            involved["kind"].as_str().unwrap_or_default().to_lowercase(),
            involved["name"].as_str().unwrap_or_default()
        );
        vec![json!(seen), o["type"].clone(), o["reason"].clone(), json!(object), o["message"].clone()]
    },
};

pub const DEPLOYMENTS: Kind = Kind {
    resource: "deployments",
    singular: "deployment",
    kind: "Deployment",
    short_names: &["deploy"],
    group: "apps",
    api_version: "apps/v1",
    namespaced: true,
    stored: true,
    columns: &[
        column("Name", "string", "Name of the deployment"),
        column("Ready", "string", "Ready replicas, of those wanted"),
        column("Up-to-date", "integer", "Replicas of the current template"),
        column("Available", "integer", "Replicas available"),
        column("Age", "string", "Time since the deployment was created"),
        wide("Containers", "string", "Its containers"),
        wide("Images", "string", "Their images"),
        wide("Selector", "string", "The pods it selects"),
    ],
    items: |s| stored(s, "deployments"),
    row: |o, age| {
        let status = &o["status"];
        let containers = o["spec"]["template"]["spec"]["containers"].as_array().cloned().unwrap_or_default();
        let join =
            |field: &str| containers.iter().filter_map(|c| c[field].as_str()).collect::<Vec<_>>().join(",");
        let selector = label_text(&o["spec"]["selector"]["matchLabels"]);
        vec![
            name(o),
            json!(format!("{}/{}", number(&status["readyReplicas"]), number(&o["spec"]["replicas"]))),
            json!(number(&status["updatedReplicas"])),
            json!(number(&status["availableReplicas"])),
            json!(age),
            json!(join("name")),
            json!(join("image")),
            json!(selector),
        ]
    },
};

pub const REPLICA_SETS: Kind = Kind {
    resource: "replicasets",
    singular: "replicaset",
    kind: "ReplicaSet",
    short_names: &["rs"],
    group: "apps",
    api_version: "apps/v1",
    namespaced: true,
    stored: true,
    columns: &[
        column("Name", "string", "Name of the replica set"),
        column("Desired", "integer", "Replicas wanted"),
        column("Current", "integer", "Replicas there"),
        column("Ready", "integer", "Replicas ready"),
        column("Age", "string", "Time since the replica set was created"),
    ],
    items: |s| stored(s, "replicasets"),
    row: |o, age| {
        vec![
            name(o),
            json!(number(&o["spec"]["replicas"])),
            json!(number(&o["status"]["replicas"])),
            json!(number(&o["status"]["readyReplicas"])),
            json!(age),
        ]
    },
};

pub const DAEMON_SETS: Kind = Kind {
    resource: "daemonsets",
    singular: "daemonset",
    kind: "DaemonSet",
    short_names: &["ds"],
    group: "apps",
    api_version: "apps/v1",
    namespaced: true,
    stored: true,
    columns: &[
        column("Name", "string", "Name of the daemon set"),
        column("Desired", "integer", "Nodes that should run it"),
        column("Current", "integer", "Nodes running it"),
        column("Ready", "integer", "Pods ready"),
        column("Up-to-date", "integer", "Pods of the current template"),
        column("Available", "integer", "Pods available"),
        column("Node Selector", "string", "The nodes it runs on"),
        column("Age", "string", "Time since the daemon set was created"),
    ],
    items: |s| stored(s, "daemonsets"),
    row: |o, age| {
        let status = &o["status"];
        let selector = Some(label_text(&o["spec"]["template"]["spec"]["nodeSelector"]))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "<none>".to_string());
        vec![
            name(o),
            json!(number(&status["desiredNumberScheduled"])),
            json!(number(&status["currentNumberScheduled"])),
            json!(number(&status["numberReady"])),
            json!(number(&status["updatedNumberScheduled"])),
            json!(number(&status["numberAvailable"])),
            json!(selector),
            json!(age),
        ]
    },
};

pub const DISRUPTION_BUDGETS: Kind = Kind {
    resource: "poddisruptionbudgets",
    singular: "poddisruptionbudget",
    kind: "PodDisruptionBudget",
    short_names: &["pdb"],
    group: "policy",
    api_version: "policy/v1",
    namespaced: true,
    stored: true,
    columns: &[
        column("Name", "string", "Name of the budget"),
        column("Min Available", "string", "Pods that must stay available"),
        column("Max Unavailable", "string", "Pods that may be unavailable"),
        column("Allowed Disruptions", "integer", "Evictions allowed now"),
        column("Age", "string", "Time since the budget was created"),
    ],
    items: |s| stored(s, "poddisruptionbudgets"),
    row: |o, age| {
        let value = |v: &Value| match v {
            Value::Null => json!("N/A"),
            Value::String(s) => json!(s),
            other => json!(other.to_string()),
        };
        vec![
            name(o),
            value(&o["spec"]["minAvailable"]),
            value(&o["spec"]["maxUnavailable"]),
            json!(number(&o["status"]["disruptionsAllowed"])),
            json!(age),
        ]
    },
};
