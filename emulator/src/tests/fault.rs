//! Injected faults and the project quota.

use std::time::Instant;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;

use super::*;

async fn admin(emulator: &Arc<Emulator>, method: &str, path: &str, body: serde_json::Value) -> Answer {
    let request = Request::builder().method(method).uri(path).header("Content-Type", "application/json");
    send(emulator, request.body(Body::from(body.to_string())).unwrap()).await
}

#[tokio::test]
async fn chosen_calls_fail_or_slow_down_until_cleared() {
    let emulator = emulator();
    let created = send(&emulator, signed("POST", &kube(""), r#"{"name":"demo","region":"GRA11"}"#)).await;
    let id = created.body["id"].as_str().unwrap();
    let pools = kube(&format!("/{id}/nodepool"));
    let rules = json!([{ "pathContains": "/nodepool", "method": "GET", "status": 503 }]);
    assert_eq!(admin(&emulator, "PUT", "/emulator/faults", rules).await.status, StatusCode::OK);

    let failed = send(&emulator, signed("GET", &pools, "")).await;
    assert_eq!(failed.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        failed.body,
        json!({ "class": "Server::ServiceUnavailable", "message": "Service unavailable" })
    );
    assert!(failed.query_id.is_some());
    assert_eq!(send(&emulator, signed("GET", &kube(&format!("/{id}")), "")).await.status, StatusCode::OK);
    let unsigned = send(&emulator, Request::get(pools.as_str()).body(Body::empty()).unwrap()).await;
    assert_eq!(unsigned.status, StatusCode::FORBIDDEN, "authentication comes first");

    let throttled = json!([{ "status": 429, "rate": 0.0, "latencyMs": 50 }]);
    admin(&emulator, "PUT", "/emulator/faults", throttled).await;
    let started = Instant::now();
    assert_eq!(send(&emulator, signed("GET", &pools, "")).await.status, StatusCode::OK, "rate 0 never fails");
    assert!(started.elapsed().as_millis() >= 50);

    admin(&emulator, "PUT", "/emulator/faults", json!([{ "status": 429 }])).await;
    assert_eq!(send(&emulator, signed("GET", &pools, "")).await.body["class"], "Client::TooManyRequests");
    admin(&emulator, "DELETE", "/emulator/faults", json!(null)).await;
    assert_eq!(send(&emulator, signed("GET", &pools, "")).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_free_cluster_quota_is_enforced() {
    let emulator = emulator();
    admin(&emulator, "PUT", "/emulator/quota", json!({ "freeClusters": 1 })).await;
    let first = send(&emulator, signed("POST", &kube(""), r#"{"region":"GRA11"}"#)).await;
    assert_eq!(first.status, StatusCode::OK);
    let second = send(&emulator, signed("POST", &kube(""), r#"{"region":"GRA11"}"#)).await;
    assert_eq!(second.status, StatusCode::FORBIDDEN);
    assert_eq!(second.body["class"], "Client::Forbidden");
    let standard =
        send(&emulator, signed("POST", &kube(""), r#"{"region":"GRA11","plan":"standard"}"#)).await;
    assert_eq!(standard.status, StatusCode::OK, "the quota counts Free clusters only");
}

#[tokio::test]
async fn out_of_stock_flavors_are_unavailable_and_their_nodes_fail() {
    let emulator = emulator();
    admin(&emulator, "PUT", "/emulator/flavors/b3-16/stock", json!({ "inStock": false })).await;
    let flavors = send(
        &emulator,
        signed("GET", &format!("/1.0/cloud/project/{PROJECT}/capabilities/kube/flavors?region=GRA11"), ""),
    )
    .await;
    let b3_16 = flavors.body.as_array().unwrap().iter().find(|f| f["name"] == "b3-16").unwrap().clone();
    assert_eq!(b3_16["state"], "unavailable");

    let id =
        send(&emulator, signed("POST", &kube(""), r#"{"name":"demo","region":"GRA11"}"#)).await.body["id"]
            .as_str()
            .unwrap()
            .to_string();
    advance(&emulator, 6 * 60).await;
    let pool = r#"{"name":"workers","flavorName":"b3-16","desiredNodes":1}"#;
    send(&emulator, signed("POST", &kube(&format!("/{id}/nodepool")), pool)).await;
    advance(&emulator, 10 * 60).await;
    let nodes = send(&emulator, signed("GET", &kube(&format!("/{id}/node")), "")).await.body;
    assert_eq!(nodes[0]["status"], "FLAVOR_OUT_OF_STOCK_ERROR");

    admin(&emulator, "PUT", "/emulator/flavors/b3-16/stock", json!({ "inStock": true })).await;
    let flavors = send(&emulator, signed("GET", &kube(&format!("/{id}/flavors")), "")).await.body;
    assert_eq!(
        flavors.as_array().unwrap().iter().find(|f| f["name"] == "b3-16").unwrap()["state"],
        "available"
    );
}
