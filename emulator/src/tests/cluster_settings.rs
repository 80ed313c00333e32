//! Update policy, API server allow-list, OIDC configuration and etcd usage.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;

use super::*;

async fn ready_cluster(emulator: &Arc<Emulator>) -> String {
    installed_cluster(emulator, r#"{"name":"demo","region":"GRA11"}"#).await
}

#[tokio::test]
async fn the_allow_list_is_replaced_appended_and_trimmed() {
    let emulator = emulator();
    let id = ready_cluster(&emulator).await;
    let ips = kube(&format!("/{id}/ipRestrictions"));

    let bad = send(&emulator, signed("PUT", &ips, r#"{"ips":["10.0.0.1/8"]}"#)).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.body["message"], "10.0.0.1/8 is not a valid ip restriction");

    let replaced =
        send(&emulator, signed("PUT", &ips, r#"{"ips":["198.51.100.0/24","203.0.113.7/32"]}"#)).await;
    assert_eq!(replaced.body, json!(["198.51.100.0/24", "203.0.113.7/32"]));
    assert_eq!(
        send(&emulator, signed("GET", &kube(&format!("/{id}")), "")).await.body["status"],
        "REDEPLOYING"
    );
    assert_eq!(
        send(&emulator, signed("POST", &ips, r#"{"ips":["192.0.2.0/24"]}"#)).await.status,
        StatusCode::CONFLICT
    );

    advance(&emulator, 2 * 60).await;
    let appended =
        send(&emulator, signed("POST", &ips, r#"{"ips":["192.0.2.0/24","203.0.113.7/32"]}"#)).await;
    assert_eq!(appended.body, json!(["198.51.100.0/24", "203.0.113.7/32", "192.0.2.0/24"]));

    advance(&emulator, 2 * 60).await;
    let one = format!("{ips}/198.51.100.0%2F24");
    assert_eq!(send(&emulator, signed("DELETE", &one, "")).await.status, StatusCode::OK);
    assert_eq!(
        send(&emulator, signed("GET", &ips, "")).await.body,
        json!(["203.0.113.7/32", "192.0.2.0/24"])
    );
}

#[tokio::test]
async fn one_oidc_configuration_per_cluster_checked_with_the_model() {
    let emulator = emulator();
    let id = ready_cluster(&emulator).await;
    let oidc = kube(&format!("/{id}/openIdConnect"));
    assert_eq!(send(&emulator, signed("GET", &oidc, "")).await.status, StatusCode::NOT_FOUND);

    let insecure =
        send(&emulator, signed("POST", &oidc, r#"{"clientId":"k","issuerUrl":"http://idp.example.com"}"#))
            .await;
    assert_eq!(insecure.status, StatusCode::BAD_REQUEST);
    assert!(
        insecure.body["message"]
            .as_str()
            .unwrap()
            .starts_with("issuerUrl: The issuer URL must start with https://")
    );

    let body = r#"{"clientId":"k","issuerUrl":"https://idp.example.com","requiredClaim":["aud=k"]}"#;
    let created = send(&emulator, signed("POST", &oidc, body)).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    assert_eq!(created.body["requiredClaim"], json!(["aud=k"]));
    advance(&emulator, 2 * 60).await;
    assert_eq!(send(&emulator, signed("POST", &oidc, body)).await.status, StatusCode::CONFLICT);
    let changed = r#"{"clientId":"k2","issuerUrl":"https://idp.example.com"}"#;
    assert_eq!(send(&emulator, signed("PUT", &oidc, changed)).await.status, StatusCode::OK);
    advance(&emulator, 2 * 60).await;
    assert_eq!(send(&emulator, signed("GET", &oidc, "")).await.body["clientId"], "k2");
    assert_eq!(send(&emulator, signed("DELETE", &oidc, "")).await.status, StatusCode::OK);
    advance(&emulator, 2 * 60).await;
    assert_eq!(send(&emulator, signed("GET", &oidc, "")).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn etcd_usage_grows_against_the_plans_quota() {
    let emulator = emulator();
    let id = ready_cluster(&emulator).await;
    let etcd = kube(&format!("/{id}/metrics/etcdUsage"));
    let before = send(&emulator, signed("GET", &etcd, "")).await.body;
    assert_eq!(before["quota"], 400 * 1024 * 1024);
    let pool = r#"{"name":"workers","flavorName":"b3-8","desiredNodes":2}"#;
    send(&emulator, signed("POST", &kube(&format!("/{id}/nodepool")), pool)).await;
    let after = send(&emulator, signed("GET", &etcd, "")).await.body;
    assert!(after["usage"].as_u64() > before["usage"].as_u64());
}

#[tokio::test]
async fn the_update_policy_changes() {
    let emulator = emulator();
    let id = ready_cluster(&emulator).await;
    let body = r#"{"updatePolicy":"NEVER_UPDATE"}"#;
    assert_eq!(
        send(&emulator, signed("PUT", &kube(&format!("/{id}/updatePolicy")), body)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        send(&emulator, signed("GET", &kube(&format!("/{id}")), "")).await.body["updatePolicy"],
        "NEVER_UPDATE"
    );
    let unsigned = Request::get(kube(&format!("/{id}/flavors"))).body(Body::empty()).unwrap();
    assert_eq!(send(&emulator, unsigned).await.status, StatusCode::FORBIDDEN);
    let flavors = send(&emulator, signed("GET", &kube(&format!("/{id}/flavors")), "")).await.body;
    assert!(flavors.as_array().unwrap().iter().any(|f| f["name"] == "b3-8"));
}
