//! The autoscaler following a synthetic workload, within the pool's bounds.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use super::*;

async fn workload(emulator: &Arc<Emulator>, cluster: &str, cpu: u32) {
    let request = Request::put(format!("/emulator/clusters/{cluster}/workload"))
        .header("Content-Type", "application/json")
        .body(Body::from(json!({ "cpuMillicores": cpu }).to_string()))
        .unwrap();
    assert_eq!(send(emulator, request).await.status, StatusCode::OK);
}

async fn pool(emulator: &Arc<Emulator>, path: &str) -> Value {
    send(emulator, signed("GET", path, "")).await.body
}

#[tokio::test]
async fn autoscaled_pools_follow_the_workload_within_their_bounds() {
    let emulator = emulator();
    let cluster = installed_cluster(&emulator, r#"{"name":"demo","region":"GRA11"}"#).await;
    let body =
        r#"{"name":"auto","flavorName":"b3-8","desiredNodes":1,"minNodes":1,"maxNodes":5,"autoscale":true}"#;
    let created = send(&emulator, signed("POST", &kube(&format!("/{cluster}/nodepool")), body)).await.body;
    let path = kube(&format!("/{cluster}/nodepool/{}", created["id"].as_str().unwrap()));
    advance(&emulator, 4 * 60).await;

    // A b3-8 node allocates 1840 m; 5000 m need three nodes.
    workload(&emulator, &cluster, 5000).await;
    let grown = pool(&emulator, &path).await;
    assert_eq!((grown["desiredNodes"].as_u64(), grown["status"].as_str()), (Some(3), Some("UPSCALING")));
    advance(&emulator, 4 * 60).await;
    assert_eq!(pool(&emulator, &path).await["availableNodes"], 3);

    // Light load: two nodes are unneeded, but only after scaleDownUnneededTimeSeconds (600 s).
    workload(&emulator, &cluster, 500).await;
    assert_eq!(pool(&emulator, &path).await["desiredNodes"], 3);
    advance(&emulator, 5 * 60).await;
    assert_eq!(pool(&emulator, &path).await["desiredNodes"], 3);
    advance(&emulator, 5 * 60).await;
    let shrinking = pool(&emulator, &path).await;
    assert_eq!(
        (shrinking["desiredNodes"].as_u64(), shrinking["status"].as_str()),
        (Some(1), Some("DOWNSCALING"))
    );
    advance(&emulator, 2 * 60).await;
    assert_eq!(pool(&emulator, &path).await["currentNodes"], 1);

    // Never beyond maxNodes.
    workload(&emulator, &cluster, 100_000).await;
    assert_eq!(pool(&emulator, &path).await["desiredNodes"], 5);
}

#[tokio::test]
async fn an_unready_node_goes_after_the_pools_unready_time() {
    let emulator = emulator();
    let cluster = installed_cluster(&emulator, r#"{"name":"demo","region":"GRA11"}"#).await;
    let body = r#"{"name":"auto","flavorName":"b3-8","desiredNodes":2,"minNodes":1,"maxNodes":3,"autoscale":true,
        "autoscaling":{"scaleDownUnneededTimeSeconds":600,"scaleDownUnreadyTimeSeconds":300,"scaleDownUtilizationThreshold":0.5}}"#;
    let created = send(&emulator, signed("POST", &kube(&format!("/{cluster}/nodepool")), body)).await.body;
    let path = kube(&format!("/{cluster}/nodepool/{}", created["id"].as_str().unwrap()));
    advance(&emulator, 4 * 60).await;
    workload(&emulator, &cluster, 3000).await;
    let nodes = send(&emulator, signed("GET", &format!("{path}/nodes"), "")).await.body;
    let broken = nodes[0]["id"].as_str().unwrap().to_string();
    let request = Request::post(format!("/emulator/nodes/{broken}/break")).body(Body::empty()).unwrap();
    assert_eq!(send(&emulator, request).await.status, StatusCode::OK);

    advance(&emulator, 5 * 60).await; // unready for 300 s: before auto-healing (600 s), the autoscaler removes it
    let after = send(&emulator, signed("GET", &format!("{path}/nodes"), "")).await.body;
    let status =
        after.as_array().unwrap().iter().find(|n| n["id"] == broken.as_str()).map(|n| n["status"].clone());
    assert_eq!(status, Some(json!("DELETING")));
}

#[tokio::test]
async fn gpu_nodes_take_more_than_an_hour() {
    let emulator = emulator();
    let cluster = installed_cluster(&emulator, r#"{"name":"demo","region":"GRA11"}"#).await;
    let body = r#"{"name":"gpu","flavorName":"t1-45","desiredNodes":1}"#;
    let created = send(&emulator, signed("POST", &kube(&format!("/{cluster}/nodepool")), body)).await.body;
    let path = kube(&format!("/{cluster}/nodepool/{}", created["id"].as_str().unwrap()));
    advance(&emulator, 60 * 60).await;
    assert_eq!(pool(&emulator, &path).await["status"], "INSTALLING");
    advance(&emulator, 10 * 60).await;
    assert_eq!(pool(&emulator, &path).await["status"], "READY");
}
