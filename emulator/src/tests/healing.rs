//! Auto-healing per plan: reinstalled in place on Free, replaced on Standard.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;

use super::*;

async fn cluster_with_nodes(
    emulator: &Arc<Emulator>,
    plan: &str,
    region: &str,
    zone: Option<&str>,
) -> String {
    cluster_with_pool(emulator, plan, region, zone).await.0
}

async fn nodes(emulator: &Arc<Emulator>, cluster: &str) -> Vec<Value> {
    send(emulator, signed("GET", &kube(&format!("/{cluster}/node")), ""))
        .await
        .body
        .as_array()
        .unwrap()
        .clone()
}

async fn break_node(emulator: &Arc<Emulator>, node: &str) -> StatusCode {
    let request = Request::post(format!("/emulator/nodes/{node}/break")).body(Body::empty()).unwrap();
    send(emulator, request).await.status
}

fn status_of(nodes: &[Value], id: &Value) -> Option<String> {
    nodes.iter().find(|n| n["id"] == *id).map(|n| n["status"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn free_reinstalls_a_node_ten_minutes_after_it_breaks() {
    let emulator = emulator();
    let cluster = cluster_with_nodes(&emulator, "free", "GRA11", None).await;
    let broken = nodes(&emulator, &cluster).await[0]["id"].clone();
    assert_eq!(break_node(&emulator, broken.as_str().unwrap()).await, StatusCode::OK);
    assert_eq!(status_of(&nodes(&emulator, &cluster).await, &broken).as_deref(), Some("UNKNOWN"));
    advance(&emulator, 9 * 60).await;
    assert_eq!(status_of(&nodes(&emulator, &cluster).await, &broken).as_deref(), Some("UNKNOWN"));
    advance(&emulator, 60).await;
    assert_eq!(status_of(&nodes(&emulator, &cluster).await, &broken).as_deref(), Some("REDEPLOYING"));
    advance(&emulator, 4 * 60).await;
    let healed = nodes(&emulator, &cluster).await;
    assert_eq!(status_of(&healed, &broken).as_deref(), Some("READY"), "the same node, reinstalled");
    assert_eq!(healed.len(), 2);
    assert_eq!(break_node(&emulator, "no-such-node").await, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn standard_replaces_a_broken_node() {
    let emulator = emulator();
    let cluster = cluster_with_nodes(&emulator, "standard", "EU-WEST-PAR", Some("eu-west-par-a")).await;
    let broken = nodes(&emulator, &cluster).await[0]["id"].clone();
    break_node(&emulator, broken.as_str().unwrap()).await;
    advance(&emulator, 10 * 60).await;
    let healing = nodes(&emulator, &cluster).await;
    assert_eq!(status_of(&healing, &broken).as_deref(), Some("DELETING"));
    assert_eq!(healing.iter().filter(|n| n["status"] == "INSTALLING").count(), 1);
    advance(&emulator, 4 * 60).await;
    let healed = nodes(&emulator, &cluster).await;
    assert_eq!(status_of(&healed, &broken), None, "the broken node is gone");
    assert_eq!(healed.len(), 2);
    assert!(healed.iter().all(|n| n["status"] == "READY"));
}
