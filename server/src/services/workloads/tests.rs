use serde_json::json;

use super::*;

fn node(name: &str, created: &str) -> Value {
    json!({
        "metadata": { "name": name, "creationTimestamp": created, "labels": { "nodepool": "web", "node.kubernetes.io/instance-type": "b3-8" } },
        "spec": {},
        "status": {
            "allocatable": { "cpu": "1840m", "memory": "6410M", "pods": "110" },
            "conditions": [{ "type": "Ready", "status": "True" }],
        },
    })
}

fn pod(namespace: &str, name: &str, node: Option<&str>, cpu: &str) -> Value {
    let mut pod = json!({
        "metadata": {
            "namespace": namespace, "name": name, "labels": { "app": name.split('-').next().unwrap() },
            "ownerReferences": [{ "kind": "ReplicaSet", "uid": "rs", "controller": true }],
        },
        "spec": { "containers": [{ "name": "c", "resources": { "requests": { "cpu": cpu, "memory": "64Mi" } } }] },
        "status": { "phase": if node.is_some() { "Running" } else { "Pending" } },
    });
    if let Some(node) = node {
        pod["spec"]["nodeName"] = json!(node);
    } else {
        pod["status"]["conditions"] = json!([{ "type": "PodScheduled", "status": "False", "message": "0/2 nodes are available: 2 Insufficient cpu." }]);
    }
    pod
}

fn cluster() -> ClusterObjects {
    ClusterObjects {
        namespaces: vec![
            json!({ "metadata": { "name": "default" } }),
            json!({ "metadata": { "name": "shop" } }),
        ],
        nodes: vec![node("n1", "2026-01-01T00:00:00Z"), node("n2", "2026-01-02T00:00:00Z")],
        pods: vec![
            pod("shop", "web-1", Some("n1"), "1500m"),
            pod("default", "api-1", Some("n2"), "1500m"),
            pod("shop", "web-2", None, "1"),
        ],
        deployments: vec![json!({
            "metadata": { "namespace": "shop", "name": "web" },
            "spec": { "replicas": 2 },
            "status": { "readyReplicas": 1, "updatedReplicas": 2, "availableReplicas": 1 },
        })],
        budgets: vec![json!({
            "metadata": { "namespace": "shop", "name": "web" },
            "spec": { "selector": { "matchLabels": { "app": "web" } } },
            "status": { "disruptionsAllowed": 0 },
        })],
        events: vec![],
    }
}

#[test]
fn the_view_counts_requests_on_every_node_and_lists_only_visible_pods() {
    let only_shop = Scope::Only(vec!["shop".into()]);
    let view = view(&cluster(), &only_shop);
    assert_eq!(view.namespaces, ["shop"]);
    assert_eq!(view.hidden_namespaces, 1);
    assert_eq!(view.deployments[0].ready, 1);
    let n2 = view.nodes.iter().find(|n| n.name == "n2").unwrap();
    assert_eq!(
        (n2.cpu_requested, n2.pods.len(), n2.hidden_pods),
        (1500, 0, 1),
        "api-1 counts but is not named"
    );
    assert_eq!(n2.cpu_percent(), 81);
    assert_eq!(view.pending[0].pod.name, "web-2");
    assert!(view.pending[0].reason.starts_with("0/2 nodes are available"));
    assert_eq!(view.budgets[0].allowed, 0);
}

#[test]
fn the_in_place_preflight_names_nodes_pods_and_budgets_within_the_readers_scope() {
    let all = upgrade_check(UpgradeStrategy::InPlace, &cluster(), &Scope::All, &[]);
    assert!(!all.passes());
    let text = all.issues.join("\n");
    assert!(text.contains("The disruption budget shop/web allows no eviction of shop/web-1 on n1"), "{text}");
    assert!(text.contains("While n1 drains, shop/web-1 would fit on no other node"), "{text}");
    assert!(text.contains("While n2 drains, default/api-1 would fit on no other node"), "{text}");

    let shop = upgrade_check(UpgradeStrategy::InPlace, &cluster(), &Scope::Only(vec!["shop".into()]), &[]);
    let text = shop.issues.join("\n");
    assert!(!text.contains("api-1") && text.contains("1 pod(s) in namespaces you cannot see"), "{text}");
}

#[test]
fn a_rolling_preflight_needs_the_flavor_in_stock() {
    let mut objects = cluster();
    objects.budgets.clear();
    assert!(upgrade_check(UpgradeStrategy::Rolling, &objects, &Scope::All, &[]).passes());
    let short = upgrade_check(UpgradeStrategy::Rolling, &objects, &Scope::All, &["b3-8".to_string()]);
    assert!(short.issues[0].starts_with("The flavor b3-8 is out of stock"), "{:?}", short.issues);
}

#[test]
fn a_scale_down_removes_the_newest_nodes() {
    let objects = cluster();
    assert_eq!(newest_of_pool(&objects, "web", 1), ["n2"]);
    let check = removal_check(&objects, &Scope::All, &["n2".to_string()]);
    assert!(check.issues.iter().any(|i| i.contains("While n2 drains, default/api-1")), "{:?}", check.issues);
}
