//! Upgrades per plan: in place one node at a time on Free, rolling on Standard.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::*;

async fn nodes(emulator: &Arc<Emulator>, id: &str) -> Vec<Value> {
    send(emulator, signed("GET", &kube(&format!("/{id}/node")), "")).await.body.as_array().unwrap().clone()
}

fn statuses(nodes: &[Value]) -> Vec<String> {
    let mut list: Vec<String> = nodes
        .iter()
        .map(|n| format!("{} {}", n["status"].as_str().unwrap(), n["version"].as_str().unwrap()))
        .collect();
    list.sort();
    list
}

async fn upgrade(emulator: &Arc<Emulator>, id: &str, strategy: &str) -> Answer {
    send(
        emulator,
        signed("POST", &kube(&format!("/{id}/update")), &json!({ "strategy": strategy }).to_string()),
    )
    .await
}

#[tokio::test]
async fn free_upgrades_in_place_one_node_at_a_time() {
    let emulator = emulator();
    let (id, pool) = cluster_with_pool(&emulator, "free", "GRA11", None).await;
    assert_eq!(upgrade(&emulator, &id, "NEXT_MINOR").await.status, StatusCode::OK);
    let cluster = send(&emulator, signed("GET", &kube(&format!("/{id}")), "")).await.body;
    assert_eq!(
        (cluster["status"].as_str(), cluster["version"].as_str()),
        (Some("UPDATING"), Some("1.35.2-1"))
    );
    assert_eq!(cluster["isUpToDate"], false);
    assert_eq!(
        send(&emulator, signed("PUT", &kube(&format!("/{id}")), r#"{"name":"x"}"#)).await.status,
        StatusCode::CONFLICT
    );

    advance(&emulator, 5 * 60).await; // control plane done
    assert_eq!(statuses(&nodes(&emulator, &id).await), ["READY 1.34.2-1", "REDEPLOYING 1.34.2-1"]);
    let pool_now = send(&emulator, signed("GET", &kube(&format!("/{id}/nodepool/{pool}")), "")).await.body;
    assert_eq!(
        (pool_now["status"].as_str(), pool_now["availableNodes"].as_u64()),
        (Some("REDEPLOYING"), Some(1))
    );
    advance(&emulator, 6 * 60).await; // first node done, second starts
    assert_eq!(statuses(&nodes(&emulator, &id).await), ["READY 1.35.2-1", "REDEPLOYING 1.34.2-1"]);
    advance(&emulator, 6 * 60).await;
    assert_eq!(statuses(&nodes(&emulator, &id).await), ["READY 1.35.2-1", "READY 1.35.2-1"]);
    let done = send(&emulator, signed("GET", &kube(&format!("/{id}")), "")).await.body;
    assert_eq!((done["status"].as_str(), done["isUpToDate"].as_bool()), (Some("READY"), Some(true)));
    assert_eq!(done["nextUpgradeVersions"], json!([]));
    let pool_done = send(&emulator, signed("GET", &kube(&format!("/{id}/nodepool/{pool}")), "")).await.body;
    assert_eq!(pool_done["upToDateNodes"], 2);

    let again = upgrade(&emulator, &id, "NEXT_MINOR").await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(again.body["message"], "Kubernetes 1.36 is not offered by the provider.");
    let patch = upgrade(&emulator, &id, "LATEST_PATCH").await;
    assert_eq!(patch.body["message"], "The cluster already runs the latest patch of Kubernetes 1.35.");
}

#[tokio::test]
async fn standard_rolls_new_nodes_in_before_old_ones_go() {
    let emulator = emulator();
    let (id, _) = cluster_with_pool(&emulator, "standard", "EU-WEST-PAR", Some("eu-west-par-a")).await;
    let before: Vec<Value> = nodes(&emulator, &id).await;
    assert_eq!(upgrade(&emulator, &id, "NEXT_MINOR").await.status, StatusCode::OK);

    advance(&emulator, 5 * 60).await; // control plane done: the first new node is installing
    assert_eq!(
        statuses(&nodes(&emulator, &id).await),
        ["INSTALLING 1.35.2-1", "READY 1.34.2-1", "READY 1.34.2-1"]
    );
    advance(&emulator, 4 * 60).await; // it is ready: an old node drains
    assert_eq!(
        statuses(&nodes(&emulator, &id).await),
        ["DELETING 1.34.2-1", "READY 1.34.2-1", "READY 1.35.2-1"]
    );
    advance(&emulator, 2 * 60).await; // gone; the second new node installs
    assert_eq!(
        statuses(&nodes(&emulator, &id).await),
        ["INSTALLING 1.35.2-1", "READY 1.34.2-1", "READY 1.35.2-1"]
    );
    advance(&emulator, 6 * 60).await;
    let after = nodes(&emulator, &id).await;
    assert_eq!(statuses(&after), ["READY 1.35.2-1", "READY 1.35.2-1"]);
    assert!(after.iter().all(|n| before.iter().all(|b| b["id"] != n["id"])), "every node was replaced");
    assert_eq!(send(&emulator, signed("GET", &kube(&format!("/{id}")), "")).await.body["status"], "READY");
}
