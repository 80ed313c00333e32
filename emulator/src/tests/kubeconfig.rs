//! Kubeconfigs: a real authority and admin certificate per cluster, replaced by a reset.

use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::*;

/// The base64 value after `key: ` in the kubeconfig, decoded.
fn field(kubeconfig: &str, key: &str) -> String {
    let line = kubeconfig.lines().find_map(|l| l.trim().strip_prefix(&format!("{key}: "))).unwrap();
    String::from_utf8(STANDARD.decode(line).unwrap()).unwrap()
}

#[tokio::test]
async fn kubeconfigs_carry_real_certificates_until_reset() {
    let emulator = emulator();
    let created = send(&emulator, signed("POST", &kube(""), r#"{"name":"demo","region":"GRA11"}"#)).await;
    let id = created.body["id"].as_str().unwrap();
    let path = kube(&format!("/{id}/kubeconfig"));
    assert_eq!(send(&emulator, signed("POST", &path, "")).await.status, StatusCode::CONFLICT);
    advance(&emulator, 6 * 60).await;

    let first =
        send(&emulator, signed("POST", &path, "")).await.body["content"].as_str().unwrap().to_string();
    assert!(first.starts_with("apiVersion: v1\nkind: Config\n"));
    assert!(first.contains(&format!("server: https://{}", created.body["url"].as_str().unwrap())));
    assert!(first.contains("current-context: kubernetes-admin@demo"));
    assert!(field(&first, "certificate-authority-data").starts_with("-----BEGIN CERTIFICATE-----"));
    assert!(field(&first, "client-certificate-data").starts_with("-----BEGIN CERTIFICATE-----"));
    assert!(field(&first, "client-key-data").starts_with("-----BEGIN PRIVATE KEY-----"));
    let again =
        send(&emulator, signed("POST", &path, "")).await.body["content"].as_str().unwrap().to_string();
    assert_eq!(again, first, "the same certificate until a reset");

    let reset = send(&emulator, signed("POST", &kube(&format!("/{id}/kubeconfig/reset")), "")).await;
    assert_eq!(reset.status, StatusCode::OK);
    assert_eq!(
        send(&emulator, signed("GET", &kube(&format!("/{id}")), "")).await.body["status"],
        "REDEPLOYING"
    );
    let renewed =
        send(&emulator, signed("POST", &path, "")).await.body["content"].as_str().unwrap().to_string();
    assert_ne!(field(&renewed, "client-certificate-data"), field(&first, "client-certificate-data"));
    assert_eq!(
        field(&renewed, "certificate-authority-data"),
        field(&first, "certificate-authority-data"),
        "the server keeps its authority; clients get a new one"
    );
}
