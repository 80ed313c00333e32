//! The autoscaler following the pods that find no room, within the pool's bounds.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use super::*;

/// Creates or resizes a Deployment `web` of `replicas` pods requesting `cpu` millicores each,
/// as `kubectl apply` would.
fn deploy(emulator: &Arc<Emulator>, cluster: &str, replicas: u32, cpu: u32) {
    put_object(emulator, cluster, "deployments", deployment("web", replicas, cpu));
}

async fn pool(emulator: &Arc<Emulator>, path: &str) -> Value {
    send(emulator, signed("GET", path, "")).await.body
}

/// The pods of `web` bound to a node, and those Pending.
fn web_pods(emulator: &Arc<Emulator>, cluster: &str) -> (usize, usize) {
    let world = emulator.world();
    let pods: Vec<&Value> =
        world.workloads[cluster].list("pods").filter(|p| p["metadata"]["labels"]["app"] == "web").collect();
    let bound = pods.iter().filter(|p| crate::workload::pods::is_bound(p)).count();
    (bound, pods.len() - bound)
}

#[tokio::test]
async fn autoscaled_pools_follow_pending_pods_within_their_bounds() {
    let emulator = emulator();
    let cluster = installed_cluster(&emulator, r#"{"name":"demo","region":"GRA11"}"#).await;
    let body =
        r#"{"name":"auto","flavorName":"b3-8","desiredNodes":1,"minNodes":1,"maxNodes":5,"autoscale":true}"#;
    let created = send(&emulator, signed("POST", &kube(&format!("/{cluster}/nodepool")), body)).await.body;
    let path = kube(&format!("/{cluster}/nodepool/{}", created["id"].as_str().unwrap()));
    advance(&emulator, 4 * 60).await;

    // A b3-8 node allocates 1840 m; the system pods take 550 m of the first and Canal 250 m of
    // any other: five pods of 500 m need a second node.
    deploy(&emulator, &cluster, 5, 500);
    let grown = pool(&emulator, &path).await;
    assert_eq!((grown["desiredNodes"].as_u64(), grown["status"].as_str()), (Some(2), Some("UPSCALING")));
    assert_eq!(web_pods(&emulator, &cluster), (2, 3));
    advance(&emulator, 4 * 60).await;
    assert_eq!(pool(&emulator, &path).await["availableNodes"], 2);
    assert_eq!(web_pods(&emulator, &cluster), (5, 0));

    // One pod left: the second node is unneeded, but only after scaleDownUnneededTimeSeconds (600 s).
    deploy(&emulator, &cluster, 1, 500);
    assert_eq!(pool(&emulator, &path).await["desiredNodes"], 2);
    advance(&emulator, 5 * 60).await;
    assert_eq!(pool(&emulator, &path).await["desiredNodes"], 2);
    advance(&emulator, 5 * 60).await;
    let shrinking = pool(&emulator, &path).await;
    assert_eq!(
        (shrinking["desiredNodes"].as_u64(), shrinking["status"].as_str()),
        (Some(1), Some("DOWNSCALING"))
    );
    advance(&emulator, 2 * 60).await;
    assert_eq!(pool(&emulator, &path).await["currentNodes"], 1);
    assert_eq!(web_pods(&emulator, &cluster), (1, 0));

    // Never beyond maxNodes.
    deploy(&emulator, &cluster, 40, 500);
    assert_eq!(pool(&emulator, &path).await["desiredNodes"], 5);
}

#[tokio::test]
async fn pods_no_node_of_the_pool_could_take_add_nothing() {
    let emulator = emulator();
    let cluster = installed_cluster(&emulator, r#"{"name":"demo","region":"GRA11"}"#).await;
    let body =
        r#"{"name":"auto","flavorName":"b3-8","desiredNodes":1,"minNodes":1,"maxNodes":5,"autoscale":true}"#;
    let created = send(&emulator, signed("POST", &kube(&format!("/{cluster}/nodepool")), body)).await.body;
    let path = kube(&format!("/{cluster}/nodepool/{}", created["id"].as_str().unwrap()));
    advance(&emulator, 4 * 60).await;
    // 4 CPUs fit on no b3-8 node.
    deploy(&emulator, &cluster, 1, 4000);
    assert_eq!(pool(&emulator, &path).await["desiredNodes"], 1);
    let world = emulator.world();
    let event = world.workloads[&cluster]
        .list("events")
        .find(|e| e["reason"] == "FailedScheduling")
        .cloned()
        .unwrap();
    assert_eq!(
        event["message"],
        "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are available: 1 No preemption victims found for incoming pod.."
    );
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
