//! Node pools as the provider's in-cluster custom resource (`nodepools.kube.cloud.ovh.com`,
//! `v1alpha1`, cluster-scoped): the pool's spec as the provider's guides show it, and its node
//! counts as status.

use chrono::{DateTime, Utc};
use model::status::Status;
use serde_json::{Value, json};

use super::objects::{Item, Kind, Snapshot, timestamp};
use super::table::{Column, column};
use crate::node::NodeRecord;
use crate::node_pool::PoolRecord;

pub const POOL_GROUP: &str = "kube.cloud.ovh.com";

pub const POOLS: Kind = Kind {
    resource: "nodepools",
    singular: "nodepool",
    kind: "NodePool",
    short_names: &[],
    group: POOL_GROUP,
    api_version: "kube.cloud.ovh.com/v1alpha1",
    namespaced: false,
    stored: false,
    columns: &COLUMNS,
    items,
    row,
};

fn items(snapshot: &Snapshot) -> Vec<Item> {
    snapshot
        .pools
        .iter()
        .map(|(pool, nodes)| Item {
            object: object(pool, nodes, &snapshot.cluster.version, snapshot.now),
            created: pool.created_at,
        })
        .collect()
}

fn object(pool: &PoolRecord, nodes: &[NodeRecord], cluster_version: &str, now: DateTime<Utc>) -> Value {
    let spec = &pool.spec;
    let live: Vec<&NodeRecord> = nodes.iter().filter(|n| !n.is_leaving()).collect();
    let available = live.iter().filter(|n| n.status(now) == Status::Ready).count();
    let up_to_date = live.iter().filter(|n| n.version_at(now) == cluster_version).count();
    let taints: Vec<Value> = spec
        .template
        .taints
        .iter()
        .map(|t| json!({ "key": t.key, "value": t.value, "effect": t.effect }))
        .collect();
    let mut metadata = json!({
        "name": spec.name,
        "uid": pool.id,
        "resourceVersion": "1",
        "generation": 1,
        "creationTimestamp": timestamp(pool.created_at),
        "labels": { "id": pool.id },
    });
    if pool.deleting {
        metadata["deletionTimestamp"] = json!(timestamp(pool.updated_at));
    }
    json!({
        "apiVersion": POOLS.api_version,
        "kind": "NodePool",
        "metadata": metadata,
        "spec": {
            "antiAffinity": spec.anti_affinity,
            "autoscale": spec.autoscale,
            "autoscaling": {
                "scaleDownUnneededTimeSeconds": spec.autoscaling.scale_down_unneeded_time_seconds,
                "scaleDownUnreadyTimeSeconds": spec.autoscaling.scale_down_unready_time_seconds,
                "scaleDownUtilizationThreshold": spec.autoscaling.scale_down_utilization_threshold.to_string(),
            },
            "desiredNodes": spec.desired_nodes,
            "flavor": spec.flavor_name,
            "maxNodes": spec.max_nodes,
            "minNodes": spec.min_nodes,
            "monthlyBilled": spec.monthly_billed,
            "template": {
                "metadata": {
                    "labels": spec.template.labels,
                    "annotations": spec.template.annotations,
                    "finalizers": spec.template.finalizers,
                },
                "spec": { "taints": taints, "unschedulable": spec.template.unschedulable },
            },
        },
        "status": {
            "availableNodes": available,
            "currentNodes": live.len(),
            "upToDateNodes": up_to_date,
            "observedGeneration": 1,
            "conditions": [],
        },
    })
}

const COLUMNS: [Column; 12] = [
    column("Name", "string", "Name of the node pool"),
    column("Flavor", "string", "The nodes' flavor"),
    column("Autoscaled", "boolean", "Whether the autoscaler sizes the pool"),
    column("MonthlyBilled", "boolean", "Whether the nodes are billed monthly"),
    column("AntiAffinity", "boolean", "Whether the nodes are kept on different hypervisors"),
    column("Desired", "integer", "Nodes asked for"),
    column("Current", "integer", "Nodes in the pool"),
    column("Up-to-date", "integer", "Nodes at the cluster's version"),
    column("Available", "integer", "Nodes ready"),
    column("Min", "integer", "Fewest nodes the autoscaler keeps"),
    column("Max", "integer", "Most nodes the autoscaler adds"),
    column("Age", "string", "Time since the pool was created"),
];

fn row(object: &Value, age: String) -> Vec<Value> {
    let (spec, status) = (&object["spec"], &object["status"]);
    vec![
        object["metadata"]["name"].clone(),
        spec["flavor"].clone(),
        spec["autoscale"].clone(),
        spec["monthlyBilled"].clone(),
        spec["antiAffinity"].clone(),
        spec["desiredNodes"].clone(),
        status["currentNodes"].clone(),
        status["upToDateNodes"].clone(),
        status["availableNodes"].clone(),
        spec["minNodes"].clone(),
        spec["maxNodes"].clone(),
        json!(age),
    ]
}
