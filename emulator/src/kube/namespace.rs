//! The namespaces every cluster starts with.

use serde_json::{Value, json};

use super::objects::{Item, Kind, Snapshot, timestamp};
use super::table::{Column, column};

pub const NAMESPACES: Kind = Kind {
    resource: "namespaces",
    singular: "namespace",
    kind: "Namespace",
    short_names: &["ns"],
    group: "",
    api_version: "v1",
    columns: &COLUMNS,
    items,
    row,
};

const NAMES: [&str; 4] = ["default", "kube-node-lease", "kube-public", "kube-system"];

fn items(snapshot: &Snapshot) -> Vec<Item> {
    let cluster = &snapshot.cluster;
    NAMES
        .iter()
        .map(|name| {
            // Opaque to clients; stable per cluster and name.
            let uid = format!("{}-{name}", cluster.id);
            let object = json!({
                "kind": "Namespace",
                "apiVersion": "v1",
                "metadata": {
                    "name": name,
                    "uid": uid,
                    "resourceVersion": "1",
                    "creationTimestamp": timestamp(cluster.created_at),
                    "labels": { "kubernetes.io/metadata.name": name },
                },
                "spec": { "finalizers": ["kubernetes"] },
                "status": { "phase": "Active" },
            });
            Item { object, created: cluster.created_at }
        })
        .collect()
}

const COLUMNS: [Column; 3] = [
    column("Name", "string", "Name of the namespace"),
    column("Status", "string", "The namespace's phase"),
    column("Age", "string", "Time since the namespace was created"),
];

fn row(object: &Value, age: String) -> Vec<Value> {
    vec![object["metadata"]["name"].clone(), object["status"]["phase"].clone(), json!(age)]
}
