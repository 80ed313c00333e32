//! Nodes as their kubelets register them: the provider's labels (the pool's name under
//! `nodepool`), the pool template's labels, annotations, finalizers and taints, the Ready
//! condition, and capacity and allocatable from the model's reserved-resources formula. Nodes
//! still installing, out of stock or removed are not registered.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use model::status::Status;
use model::version::KubeVersion;
use serde_json::{Value, json};

use super::objects::{Item, Kind, Snapshot, timestamp};
use super::table::{Column, column};
use crate::cluster::ClusterRecord;
use crate::node::NodeRecord;
use crate::node_pool::PoolRecord;

pub const NODES: Kind = Kind {
    resource: "nodes",
    singular: "node",
    kind: "Node",
    short_names: &["no"],
    group: "",
    api_version: "v1",
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
        .flat_map(|(pool, nodes)| nodes.iter().map(move |node| (pool, node)))
        .filter_map(|(pool, node)| {
            let object = registered(&snapshot.cluster, pool, node, snapshot.now)?;
            Some(Item { object, created: node.created_at })
        })
        .collect()
}

/// The node object of `node`, once its kubelet has registered and until it is gone.
pub fn registered(
    cluster: &ClusterRecord,
    pool: &PoolRecord,
    node: &NodeRecord,
    now: DateTime<Utc>,
) -> Option<Value> {
    let status = node.status(now);
    let registered = !matches!(status, Status::Installing | Status::FlavorOutOfStockError | Status::Deleted);
    registered.then(|| object(cluster, pool, node, now))
}

fn cpu(millicores: u32) -> String {
    if millicores.is_multiple_of(1000) { (millicores / 1000).to_string() } else { format!("{millicores}m") }
}

/// A node as its kubelet would register it.
fn object(cluster: &ClusterRecord, pool: &PoolRecord, node: &NodeRecord, now: DateTime<Utc>) -> Value {
    let status = node.status(now);
    let ready = status != Status::Unknown;
    let template = &pool.spec.template;
    // Cordoned while it drains, for removal or for an in-place upgrade.
    let unschedulable = template.unschedulable || matches!(status, Status::Deleting | Status::Redeploying);
    let flavor = model::catalogue::flavor(&node.flavor);
    let gpu = flavor.as_ref().is_some_and(|f| f.is_gpu());
    let zone = pool.spec.availability_zones.first().cloned().unwrap_or_else(|| "nova".to_string());
    let mut labels: BTreeMap<String, String> = template.labels.clone();
    for (key, value) in [
        ("beta.kubernetes.io/arch", "amd64"),
        ("beta.kubernetes.io/os", "linux"),
        ("beta.kubernetes.io/instance-type", node.flavor.as_str()),
        ("failure-domain.beta.kubernetes.io/region", cluster.region.as_str()),
        ("failure-domain.beta.kubernetes.io/zone", zone.as_str()),
        ("kubernetes.io/arch", "amd64"),
        ("kubernetes.io/hostname", node.name.as_str()),
        ("kubernetes.io/os", "linux"),
        ("node.k8s.ovh/type", if gpu { "gpu" } else { "standard" }),
        ("node.kubernetes.io/instance-type", node.flavor.as_str()),
        ("nodepool", pool.spec.name.as_str()),
        ("topology.kubernetes.io/region", cluster.region.as_str()),
        ("topology.kubernetes.io/zone", zone.as_str()),
    ] {
        labels.insert(key.to_string(), value.to_string());
    }
    let mut taints: Vec<Value> = template
        .taints
        .iter()
        .map(|t| json!({ "key": t.key, "value": t.value, "effect": t.effect }))
        .collect();
    if unschedulable {
        taints.push(json!({ "key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule" }));
    }
    if !ready {
        for effect in ["NoSchedule", "NoExecute"] {
            taints.push(json!({ "key": "node.kubernetes.io/unreachable", "effect": effect }));
        }
    }
    let resources = |r: model::resources::Resources| {
        json!({
            "cpu": cpu(r.cpu_millicores),
            "memory": format!("{}M", r.memory_mb),
            "ephemeral-storage": format!("{}", (r.storage_gb * 1e9).round() as u64),
            "pods": model::resources::MAX_PODS_PER_NODE.to_string(),
        })
    };
    let shape =
        flavor.map(|f| f.shape()).unwrap_or(model::resources::NodeShape { vcpus: 0, ram_gb: 0, disk_gb: 0 });
    let since = match node.broken {
        Some((from, _)) if !ready => timestamp(from),
        _ => timestamp(node.ready_at),
    };
    let condition = if ready {
        json!({ "type": "Ready", "status": "True", "reason": "KubeletReady", "message": "kubelet is posting ready status",
                "lastHeartbeatTime": timestamp(now), "lastTransitionTime": since })
    } else {
        json!({ "type": "Ready", "status": "Unknown", "reason": "NodeStatusUnknown", "message": "Kubelet stopped posting node status.",
                "lastHeartbeatTime": since, "lastTransitionTime": since })
    };
    let mut spec = json!({ "providerID": format!("openstack:///{}", node.instance_id) });
    if unschedulable {
        spec["unschedulable"] = json!(true);
    }
    if !taints.is_empty() {
        spec["taints"] = json!(taints);
    }
    let mut addresses = vec![json!({ "type": "Hostname", "address": node.name })];
    if let Some(address) = node.address {
        addresses.insert(0, json!({ "type": "InternalIP", "address": address.to_string() }));
    }
    let version = node
        .version_at(now)
        .parse()
        .map_or_else(|_| node.version_at(now).to_string(), KubeVersion::release_tag);
    json!({
        "kind": "Node",
        "apiVersion": "v1",
        "metadata": {
            "name": node.name,
            "uid": node.id,
            "resourceVersion": "1",
            "creationTimestamp": timestamp(node.created_at),
            "labels": labels,
            "annotations": template.annotations,
            "finalizers": template.finalizers,
        },
        "spec": spec,
        "status": {
            "capacity": resources(shape.capacity()),
            "allocatable": resources(shape.allocatable()),
            "conditions": [condition],
            "addresses": addresses,
            "nodeInfo": {
                "kubeletVersion": version,
                "kubeProxyVersion": version,
                "operatingSystem": "linux",
                "architecture": "amd64",
                "osImage": "Ubuntu 22.04.5 LTS",
                "containerRuntimeVersion": "containerd://1.7.27",
                "kernelVersion": "5.15.0-140-generic",
                "machineID": node.instance_id.replace('-', ""),
                "systemUUID": node.instance_id,
                "bootID": node.id,
            },
        },
    })
}

/// kube-apiserver's columns for nodes, the wide ones included (`kubectl get nodes -o wide`).
const COLUMNS: [Column; 10] = [
    column("Name", "string", "Name of the node"),
    column("Status", "string", "The node's readiness, and whether it takes new pods"),
    column("Roles", "string", "The roles of the node"),
    column("Age", "string", "Time since the node registered"),
    column("Version", "string", "Kubelet version"),
    Column {
        name: "Internal-IP",
        kind: "string",
        description: "The node's address on its network",
        wide: true,
    },
    Column { name: "External-IP", kind: "string", description: "The node's public address", wide: true },
    Column { name: "OS-Image", kind: "string", description: "The node's operating system", wide: true },
    Column { name: "Kernel-Version", kind: "string", description: "The node's kernel", wide: true },
    Column {
        name: "Container-Runtime",
        kind: "string",
        description: "The node's container runtime",
        wide: true,
    },
];

/// The first address of `kind` in the node's status, or `<none>`.
fn address(object: &Value, kind: &str) -> Value {
    let addresses = object["status"]["addresses"].as_array().into_iter().flatten();
    addresses.into_iter().find(|a| a["type"] == kind).map_or(json!("<none>"), |a| a["address"].clone())
}

fn row(object: &Value, age: String) -> Vec<Value> {
    let metadata = &object["metadata"];
    let ready = object["status"]["conditions"][0]["status"] == "True";
    let mut status = if ready { "Ready".to_string() } else { "NotReady".to_string() };
    if object["spec"]["unschedulable"] == true {
        status.push_str(",SchedulingDisabled");
    }
    vec![
        metadata["name"].clone(),
        json!(status),
        json!("<none>"),
        json!(age),
        object["status"]["nodeInfo"]["kubeletVersion"].clone(),
        address(object, "InternalIP"),
        address(object, "ExternalIP"),
        object["status"]["nodeInfo"]["osImage"].clone(),
        object["status"]["nodeInfo"]["kernelVersion"].clone(),
        object["status"]["nodeInfo"]["containerRuntimeVersion"].clone(),
    ]
}
