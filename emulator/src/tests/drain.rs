//! Pods leave draining nodes: an in-place upgrade moves them one node at a time, and waits for
//! a disruption budget that allows no eviction, at most ten minutes.

use serde_json::{Value, json};

use super::*;

/// Each pod of `app` and the node it runs on.
fn placement(emulator: &Arc<Emulator>, cluster: &str, app: &str) -> Vec<(String, String)> {
    let world = emulator.world();
    let mut pods: Vec<(String, String)> = world.workloads[cluster]
        .list("pods")
        .filter(|p| p["metadata"]["labels"]["app"] == app)
        .map(|p| {
            (
                p["metadata"]["name"].as_str().unwrap().to_string(),
                p["spec"]["nodeName"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    pods.sort();
    pods
}

async fn node_statuses(emulator: &Arc<Emulator>, id: &str) -> Vec<(String, String)> {
    let nodes = send(emulator, signed("GET", &kube(&format!("/{id}/node")), "")).await.body;
    let mut list: Vec<(String, String)> = nodes
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["name"].as_str().unwrap().to_string(), n["status"].as_str().unwrap().to_string()))
        .collect();
    list.sort();
    list
}

fn events(emulator: &Arc<Emulator>, cluster: &str, reason: &str) -> Vec<Value> {
    emulator.world().workloads[cluster].list("events").filter(|e| e["reason"] == reason).cloned().collect()
}

#[tokio::test]
async fn an_in_place_upgrade_moves_pods_off_each_node_it_drains() {
    let emulator = emulator();
    let (id, _) = cluster_with_pool(&emulator, "free", "GRA11", None).await;
    put_object(&emulator, &id, "deployments", deployment("web", 4, 100));
    let before = placement(&emulator, &id, "web");
    assert_eq!(before.len(), 4);
    let update = json!({ "strategy": "NEXT_MINOR" }).to_string();
    send(&emulator, signed("POST", &kube(&format!("/{id}/update")), &update)).await;

    // The control plane takes 5 minutes; then the first node drains and reinstalls.
    advance(&emulator, 6 * 60).await;
    let draining: Vec<String> = node_statuses(&emulator, &id)
        .await
        .into_iter()
        .filter(|(_, status)| status == "REDEPLOYING")
        .map(|(name, _)| name)
        .collect();
    assert_eq!(draining.len(), 1);
    let during = placement(&emulator, &id, "web");
    assert_eq!(during.len(), 4, "every pod was replaced");
    assert!(during.iter().all(|(_, node)| !node.is_empty() && *node != draining[0]), "{during:?}");
    assert!(!events(&emulator, &id, "Evicted").is_empty());
}

#[tokio::test]
async fn a_budget_allowing_no_eviction_holds_the_upgrade_up_to_ten_minutes() {
    let emulator = emulator();
    let (id, _) = cluster_with_pool(&emulator, "free", "GRA11", None).await;
    put_object(&emulator, &id, "deployments", deployment("web", 4, 100));
    let budget = json!({
        "kind": "PodDisruptionBudget", "apiVersion": "policy/v1",
        "metadata": { "name": "web", "namespace": "default" },
        "spec": { "maxUnavailable": 0, "selector": { "matchLabels": { "app": "web" } } },
    });
    put_object(&emulator, &id, "poddisruptionbudgets", budget);
    let update = json!({ "strategy": "NEXT_MINOR" }).to_string();
    send(&emulator, signed("POST", &kube(&format!("/{id}/update")), &update)).await;

    // Six minutes in: the first node drains, but the budget keeps its pods there.
    advance(&emulator, 6 * 60).await;
    let statuses = node_statuses(&emulator, &id).await;
    let held = statuses.iter().find(|(_, s)| s == "REDEPLOYING").map(|(n, _)| n.clone()).unwrap();
    assert!(placement(&emulator, &id, "web").iter().any(|(_, node)| *node == held));
    let blocked = events(&emulator, &id, "EvictionBlocked");
    assert!(blocked[0]["message"].as_str().unwrap().contains("disruption budget web"), "{blocked:?}");

    // Without the budget the node would be back after 11 minutes; it is still draining at 14.
    advance(&emulator, 8 * 60).await;
    assert!(node_statuses(&emulator, &id).await.contains(&(held.clone(), "REDEPLOYING".to_string())));
    assert!(placement(&emulator, &id, "web").iter().any(|(_, node)| *node == held));

    // Ten minutes after the drain began, it evicts anyway; the upgrade goes on and ends.
    advance(&emulator, 2 * 60).await;
    assert!(node_statuses(&emulator, &id).await.contains(&(held.clone(), "REDEPLOYING".to_string())));
    assert!(placement(&emulator, &id, "web").iter().all(|(_, node)| *node != held));
    advance(&emulator, 30 * 60).await;
    let cluster = send(&emulator, signed("GET", &kube(&format!("/{id}")), "")).await.body;
    assert_eq!((cluster["status"].as_str(), cluster["version"].as_str()), (Some("READY"), Some("1.35.2-1")));
    let all_done = node_statuses(&emulator, &id).await.iter().all(|(_, s)| s == "READY");
    assert!(all_done);
}
