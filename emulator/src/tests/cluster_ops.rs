//! Restart, reset, customization and private network settings.

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::*;

async fn ready_cluster_with_nodes(emulator: &Arc<Emulator>) -> String {
    let id = installed_cluster(emulator, r#"{"name":"demo","region":"GRA11","version":"1.33"}"#).await;
    let pool = r#"{"name":"workers","flavorName":"b3-8","desiredNodes":2}"#;
    send(emulator, signed("POST", &kube(&format!("/{id}/nodepool")), pool)).await;
    advance(emulator, 4 * 60).await;
    id
}

async fn status(emulator: &Arc<Emulator>, id: &str) -> Value {
    send(emulator, signed("GET", &kube(&format!("/{id}")), "")).await.body["status"].clone()
}

async fn node_ids(emulator: &Arc<Emulator>, id: &str) -> Vec<Value> {
    let nodes = send(emulator, signed("GET", &kube(&format!("/{id}/node")), "")).await.body;
    nodes.as_array().unwrap().iter().map(|n| n["id"].clone()).collect()
}

#[tokio::test]
async fn a_restart_redeploys_briefly() {
    let emulator = emulator();
    let id = ready_cluster_with_nodes(&emulator).await;
    assert_eq!(
        send(&emulator, signed("POST", &kube(&format!("/{id}/restart")), r#"{"force":false}"#)).await.status,
        StatusCode::OK
    );
    assert_eq!(status(&emulator, &id).await, "REDEPLOYING");
    advance(&emulator, 60).await;
    assert_eq!(status(&emulator, &id).await, "READY");
}

#[tokio::test]
async fn customization_replaces_only_the_blocks_sent() {
    let emulator = emulator();
    let id = ready_cluster_with_nodes(&emulator).await;
    let path = kube(&format!("/{id}/customization"));
    let initial = send(&emulator, signed("GET", &path, "")).await.body;
    assert_eq!(
        initial["apiServer"]["admissionPlugins"]["enabled"],
        json!(["AlwaysPullImages", "NodeRestriction"])
    );

    let kube_proxy = r#"{"kubeProxy":{"iptables":{"minSyncPeriod":"PT1S","syncPeriod":"PT30S"}}}"#;
    let answer = send(&emulator, signed("PUT", &path, kube_proxy)).await;
    assert_eq!(answer.body, json!({ "message": "Customization updated" }));
    advance(&emulator, 2 * 60).await;
    let after = send(&emulator, signed("GET", &path, "")).await.body;
    assert_eq!(after["kubeProxy"]["iptables"]["syncPeriod"], "PT30S");
    assert_eq!(after["apiServer"], initial["apiServer"], "the absent block is kept");

    for (body, message) in [
        (
            r#"{"apiServer":{"admissionPlugins":{"disabled":["NodeRestriction"]}}}"#,
            "NodeRestriction cannot be disabled",
        ),
        (
            r#"{"apiServer":{"admissionPlugins":{"enabled":["PodSecurity"]}}}"#,
            "Unknown admission plugin PodSecurity",
        ),
        (
            r#"{"cilium":{"hubble":{"enabled":true}}}"#,
            "Cilium settings are available on the Standard plan only",
        ),
        (r#"{"kubeProxy":{"iptables":{"syncPeriod":"PT0S"}}}"#, "syncPeriod must be greater than 0"),
    ] {
        let refused = send(&emulator, signed("PUT", &path, body)).await;
        assert_eq!(
            (refused.status, refused.body["message"].as_str()),
            (StatusCode::BAD_REQUEST, Some(message))
        );
    }
    let public = send(
        &emulator,
        signed("PUT", &kube(&format!("/{id}/privateNetworkConfiguration")), r#"{"defaultVrackGateway":""}"#),
    )
    .await;
    assert_eq!(public.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_reset_replaces_or_reinstalls_the_nodes() {
    let emulator = emulator();
    let id = ready_cluster_with_nodes(&emulator).await;
    let before = node_ids(&emulator, &id).await;
    let kubeconfig = kube(&format!("/{id}/kubeconfig"));
    let old = send(&emulator, signed("POST", &kubeconfig, "")).await.body["content"].clone();

    let body = r#"{"version":"1.34","workerNodesPolicy":"reinstall"}"#;
    assert_eq!(
        send(&emulator, signed("POST", &kube(&format!("/{id}/reset")), body)).await.status,
        StatusCode::OK
    );
    assert_eq!(status(&emulator, &id).await, "RESETTING");
    advance(&emulator, 10 * 60).await;
    assert_eq!(node_ids(&emulator, &id).await, before, "reinstalled in place");
    let cluster = send(&emulator, signed("GET", &kube(&format!("/{id}")), "")).await.body;
    assert_eq!((cluster["status"].as_str(), cluster["version"].as_str()), (Some("READY"), Some("1.34.2-1")));
    assert_ne!(
        send(&emulator, signed("POST", &kubeconfig, "")).await.body["content"],
        old,
        "new certificates"
    );

    assert_eq!(
        send(&emulator, signed("POST", &kube(&format!("/{id}/reset")), "{}")).await.status,
        StatusCode::OK
    );
    advance(&emulator, 12 * 60).await;
    let after = node_ids(&emulator, &id).await;
    assert_eq!(after.len(), 2);
    assert!(after.iter().all(|n| !before.contains(n)), "deleted and created anew");
}
