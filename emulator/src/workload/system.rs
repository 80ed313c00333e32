//! What every cluster runs before its users deploy anything (seed, "Component versions"): the
//! CNI on every node (Canal on Free, Cilium on Standard), kube-proxy and the Cinder CSI node
//! plugin on every node, CoreDNS, the CSI controller and Metrics Server. Requests are the
//! components' own manifests' where they set any (Calico node 250m CPU; CoreDNS 100m and
//! 70Mi; Metrics Server 100m and 200Mi); the others request nothing, as upstream.

use chrono::{DateTime, Utc};
use model::plan::Plan;
use serde_json::{Value, json};

use super::store::Store;

/// The namespaces every cluster starts with.
pub const NAMESPACES: [&str; 4] = ["default", "kube-node-lease", "kube-public", "kube-system"];

fn container(name: &str, image: &str, requests: Value) -> Value {
    let mut container = json!({ "name": name, "image": image, "imagePullPolicy": "IfNotPresent" });
    if requests.as_object().is_some_and(|r| !r.is_empty()) {
        container["resources"] = json!({ "requests": requests });
    } else {
        container["resources"] = json!({});
    }
    container
}

fn template(app: &str, containers: Vec<Value>, tolerate_all: bool) -> Value {
    let mut spec = json!({ "containers": containers, "priorityClassName": "system-node-critical" });
    if tolerate_all {
        spec["tolerations"] = json!([{ "operator": "Exists" }]);
        spec["hostNetwork"] = json!(true);
    } else {
        spec["priorityClassName"] = json!("system-cluster-critical");
        spec["tolerations"] = json!([{ "key": "CriticalAddonsOnly", "operator": "Exists" }]);
    }
    json!({ "metadata": { "labels": { "k8s-app": app } }, "spec": spec })
}

fn workload(kind: &str, name: &str, app: &str, replicas: Option<u32>, containers: Vec<Value>) -> Value {
    let daemon = kind == "DaemonSet";
    let mut spec = json!({
        "selector": { "matchLabels": { "k8s-app": app } },
        "template": template(app, containers, daemon),
    });
    if let Some(replicas) = replicas {
        spec["replicas"] = json!(replicas);
    }
    json!({
        "kind": kind,
        "apiVersion": "apps/v1",
        "metadata": { "name": name, "namespace": "kube-system", "labels": { "k8s-app": app } },
        "spec": spec,
    })
}

/// Installs the namespaces and system workloads of a new cluster of `plan`.
pub fn seed(store: &mut Store, plan: Plan, created: DateTime<Utc>) {
    for name in NAMESPACES {
        let namespace = json!({
            "kind": "Namespace",
            "apiVersion": "v1",
            "metadata": { "name": name, "labels": { "kubernetes.io/metadata.name": name } },
            "spec": { "finalizers": ["kubernetes"] },
            "status": { "phase": "Active" },
        });
        store.put("namespaces", namespace, created);
    }
    let cni = match plan {
        Plan::Free => workload(
            "DaemonSet",
            "canal",
            "canal",
            None,
            vec![
                container("calico-node", "docker.io/calico/node:v3.30.1", json!({ "cpu": "250m" })),
                container("kube-flannel", "docker.io/flannel/flannel:v0.24.4", json!({})),
            ],
        ),
        _ => workload(
            "DaemonSet",
            "cilium",
            "cilium",
            None,
            vec![container("cilium-agent", "quay.io/cilium/cilium:v1.16.6", json!({}))],
        ),
    };
    let daemons = [
        cni,
        workload(
            "DaemonSet",
            "kube-proxy",
            "kube-proxy",
            None,
            vec![container("kube-proxy", "registry.k8s.io/kube-proxy:v1.35.2", json!({}))],
        ),
        workload(
            "DaemonSet",
            "csi-cinder-nodeplugin",
            "csi-cinder-nodeplugin",
            None,
            vec![container(
                "cinder-csi-plugin",
                "registry.k8s.io/provider-os/cinder-csi-plugin:v1.29.0",
                json!({}),
            )],
        ),
    ];
    for daemon in daemons {
        store.put("daemonsets", daemon, created);
    }
    let deployments = [
        workload(
            "Deployment",
            "coredns",
            "kube-dns",
            Some(2),
            vec![container(
                "coredns",
                "registry.k8s.io/coredns/coredns:v1.12.4",
                json!({ "cpu": "100m", "memory": "70Mi" }),
            )],
        ),
        workload(
            "Deployment",
            "csi-cinder-controllerplugin",
            "csi-cinder-controllerplugin",
            Some(1),
            vec![container(
                "cinder-csi-plugin",
                "registry.k8s.io/provider-os/cinder-csi-plugin:v1.29.0",
                json!({}),
            )],
        ),
        workload(
            "Deployment",
            "metrics-server",
            "metrics-server",
            Some(1),
            vec![container(
                "metrics-server",
                "registry.k8s.io/metrics-server/metrics-server:v0.8.0",
                json!({ "cpu": "100m", "memory": "200Mi" }),
            )],
        ),
    ];
    for deployment in deployments {
        store.put("deployments", super::defaults::deployment(deployment), created);
    }
    store.seeded = true;
}
