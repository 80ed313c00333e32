//! Authentication, request ids, capabilities and the cluster lifecycle.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};

use super::*;

#[tokio::test]
async fn time_is_unsigned_and_every_answer_has_a_query_id() {
    let emulator = emulator();
    let answer = send(&emulator, Request::get("/1.0/auth/time").body(Body::empty()).unwrap()).await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!((answer.body.as_i64().unwrap() - chrono::Utc::now().timestamp()).abs() < 5);
    assert!(answer.query_id.unwrap().starts_with("EMU."));
}

#[tokio::test]
async fn bad_credentials_and_signatures_are_refused_as_the_provider_refuses_them() {
    let emulator = emulator();
    let unsigned = send(&emulator, Request::get(kube("")).body(Body::empty()).unwrap()).await;
    assert_eq!(unsigned.status, StatusCode::FORBIDDEN);
    assert_eq!(unsigned.body["errorCode"], "INVALID_KEY");

    let mut tampered = signed("GET", &kube(""), "");
    tampered.headers_mut().insert("X-Ovh-Signature", "$1$0000".parse().unwrap());
    let answer = send(&emulator, tampered).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        answer.body,
        json!({ "errorCode": "INVALID_SIGNATURE", "httpCode": "400 Bad Request", "message": "Invalid signature" })
    );
    assert!(answer.query_id.is_some());

    let stale = signed_as("GET", &kube(""), "", "ck", chrono::Utc::now().timestamp() - 3600);
    assert_eq!(send(&emulator, stale).await.body["errorCode"], "INVALID_SIGNATURE");

    let unknown = signed_as("GET", &kube(""), "", "nobody", chrono::Utc::now().timestamp());
    assert_eq!(send(&emulator, unknown).await.body["errorCode"], "INVALID_CREDENTIAL");

    // The signature covers the raw body: the same JSON with other spacing is refused.
    let body = r#"{"region":"GRA11"}"#;
    let mut reformatted = signed("POST", &kube(""), body);
    *reformatted.body_mut() = Body::from(r#"{"region": "GRA11"}"#);
    assert_eq!(send(&emulator, reformatted).await.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_cluster_installs_then_is_deleted_on_the_virtual_clock() {
    let emulator = emulator();
    let created =
        send(&emulator, signed("POST", &kube(""), r#"{"name":"demo","region":"GRA11","version":"1.34"}"#))
            .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    assert_eq!(created.body["status"], "INSTALLING");
    assert_eq!(created.body["version"], "1.34.2-1");
    assert_eq!(created.body["nextUpgradeVersions"], json!(["1.35"]));
    let id = created.body["id"].as_str().unwrap().to_string();

    let ids = send(&emulator, signed("GET", &kube(""), "")).await;
    assert_eq!(ids.body, json!([id]));
    let mut expanded = signed("GET", &kube(""), "");
    expanded.headers_mut().insert("X-Pagination-Mode", "CachedObjectList-Pages".parse().unwrap());
    assert_eq!(send(&emulator, expanded).await.body[0]["name"], "demo");

    let busy = send(&emulator, signed("PUT", &kube(&format!("/{id}")), r#"{"name":"renamed"}"#)).await;
    assert_eq!(busy.status, StatusCode::CONFLICT);
    assert_eq!(busy.body["class"], "Client::Conflict");

    advance(&emulator, 6 * 60).await;
    assert_eq!(send(&emulator, signed("GET", &kube(&format!("/{id}")), "")).await.body["status"], "READY");
    let renamed = send(&emulator, signed("PUT", &kube(&format!("/{id}")), r#"{"name":"renamed"}"#)).await;
    assert_eq!(renamed.status, StatusCode::OK);
    assert_eq!(renamed.body, Value::Null);

    send(&emulator, signed("DELETE", &kube(&format!("/{id}")), "")).await;
    let deleting = send(&emulator, signed("GET", &kube(&format!("/{id}")), "")).await;
    assert_eq!(
        (deleting.body["status"].as_str(), deleting.body["name"].as_str()),
        (Some("DELETING"), Some("renamed"))
    );
    advance(&emulator, 60).await;
    let gone = send(&emulator, signed("GET", &kube(&format!("/{id}")), "")).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(gone.body["class"], "Client::NotFound");
    assert_eq!(send(&emulator, signed("GET", &kube(""), "")).await.body, json!([]));
}

#[tokio::test]
async fn creation_rules_come_from_the_model() {
    let emulator = emulator();
    for (body, message) in [
        (
            r#"{"region":"EU-WEST-PAR"}"#,
            "EU-WEST-PAR is a 3-AZ region; the Free plan runs only in single-zone regions.",
        ),
        (r#"{"region":"GRA11","version":"1.29"}"#, "Version 1.29 is not available"),
        (r#"{"region":"XYZ1"}"#, "Invalid region XYZ1"),
        (r#"{"region":"GRA11","plan":"premium"}"#, "Invalid plan premium"),
        (
            r#"{"region":"GRA11","name":"Bad_Name"}"#,
            "Invalid name: Use lowercase letters: \"B\" is upper case.",
        ),
    ] {
        let answer = send(&emulator, signed("POST", &kube(""), body)).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(answer.body, json!({ "class": "Client::BadRequest", "message": message }));
    }
    let (network, subnet) = private_network(&emulator, "EU-WEST-PAR", true).await;
    let body = json!({ "region": "EU-WEST-PAR", "plan": "standard", "privateNetworkId": network, "nodesSubnetId": subnet });
    let standard = send(&emulator, signed("POST", &kube(""), &body.to_string())).await;
    assert_eq!(standard.body["plan"], "standard", "{}", standard.body);
    let unknown = json!({ "region": "EU-WEST-PAR", "plan": "standard", "privateNetworkId": "pn-1", "nodesSubnetId": subnet });
    let refused = send(&emulator, signed("POST", &kube(""), &unknown.to_string())).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.body["message"].as_str().unwrap().contains("no private network pn-1 in EU-WEST-PAR"),
        "{}",
        refused.body
    );
}

#[tokio::test]
async fn the_v1_prefix_is_an_alias() {
    let emulator = emulator();
    let path = format!("/v1/cloud/project/{PROJECT}/kube");
    assert_eq!(send(&emulator, signed("GET", &path, "")).await.status, StatusCode::OK);
}

#[tokio::test]
async fn issued_consumer_keys_work_once_validated() {
    let emulator = emulator();
    let request = Request::post("/1.0/auth/credential")
        .header("X-Ovh-Application", "ak")
        .header("Content-Type", "application/json")
        .body(Body::from(r#"{"accessRules":[{"method":"GET","path":"/*"}]}"#))
        .unwrap();
    let issued = send(&emulator, request).await;
    assert_eq!(issued.body["state"], "pendingValidation");
    let ck = issued.body["consumerKey"].as_str().unwrap().to_string();
    let now = chrono::Utc::now().timestamp();
    assert_eq!(
        send(&emulator, signed_as("GET", &kube(""), "", &ck, now)).await.status,
        StatusCode::FORBIDDEN
    );
    let validate = Request::post(format!("/emulator/credentials/{ck}/validate")).body(Body::empty()).unwrap();
    assert_eq!(send(&emulator, validate).await.status, StatusCode::OK);
    assert_eq!(send(&emulator, signed_as("GET", &kube(""), "", &ck, now)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn capabilities_answer_in_the_providers_fields() {
    let emulator = emulator();
    let path = format!("/1.0/cloud/project/{PROJECT}/capabilities/kube/flavors?region=GRA11");
    let flavors = send(&emulator, signed("GET", &path, "")).await.body;
    let b3_16 = flavors.as_array().unwrap().iter().find(|f| f["name"] == "b3-16").unwrap();
    assert_eq!(
        b3_16,
        &json!({ "name": "b3-16", "category": "b", "state": "available", "vCPUs": 4, "ram": 16, "gpus": 0 })
    );
    let regions = send(
        &emulator,
        signed("GET", &format!("/1.0/cloud/project/{PROJECT}/capabilities/kube/regions"), ""),
    )
    .await;
    assert!(regions.body.as_array().unwrap().contains(&json!("EU-WEST-PAR")));
    let other_project = send(&emulator, signed("GET", "/1.0/cloud/project/ffff/kube", "")).await;
    assert_eq!(other_project.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn state_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let config =
        EmulatorConfig { state_file: Some(dir.path().join("emulator.json")), ..emulator().config.clone() };
    let first = Emulator::open(config.clone()).unwrap();
    let created = send(&first, signed("POST", &kube(""), r#"{"name":"kept","region":"GRA11"}"#)).await;
    advance(&first, 6 * 60).await;
    let id = created.body["id"].as_str().unwrap().to_string();
    let before = send(&first, signed("GET", &kube(&format!("/{id}")), "")).await.body;
    drop(first);

    let second = Emulator::open(config).unwrap();
    let after = send(&second, signed("GET", &kube(&format!("/{id}")), "")).await.body;
    assert_eq!(after, before, "same cluster, same status, same times");
    assert_eq!(after["status"], "READY");
}

#[tokio::test]
async fn network_rules_are_enforced_and_the_settings_kept() {
    let emulator = emulator();
    let refused =
        |answer: Answer| (answer.status, answer.body["message"].as_str().unwrap_or_default().to_string());
    let three_zone =
        send(&emulator, signed("POST", &kube(""), r#"{"region":"EU-WEST-PAR","plan":"standard"}"#)).await;
    assert_eq!(refused(three_zone).0, StatusCode::BAD_REQUEST);
    let lb = r#"{"region":"GRA11","privateNetworkId":"pn-1","loadBalancersSubnetId":"lb-1"}"#;
    assert_eq!(
        refused(send(&emulator, signed("POST", &kube(""), lb)).await).1,
        "loadBalancersSubnetId needs privateNetworkId and nodesSubnetId"
    );
    let free_ranges = r#"{"region":"GRA11","ipAllocationPolicy":{"podsIpv4Cidr":"10.100.0.0/16"}}"#;
    assert_eq!(
        refused(send(&emulator, signed("POST", &kube(""), free_ranges)).await).1,
        "ipAllocationPolicy: Choosing pod and service ranges needs the Standard plan."
    );
    let overlap =
        r#"{"region":"GRA11","plan":"standard","ipAllocationPolicy":{"podsIpv4Cidr":"10.3.0.0/16"}}"#;
    assert!(
        refused(send(&emulator, signed("POST", &kube(""), overlap)).await)
            .1
            .contains("Overlaps the pod range")
    );

    let (network, subnet) = private_network(&emulator, "GRA11", false).await;
    let good = json!({ "region": "GRA11", "plan": "standard", "privateNetworkId": network, "nodesSubnetId": subnet,
        "ipAllocationPolicy": { "podsIpv4Cidr": "10.100.0.0/16", "servicesIpv4Cidr": "10.101.0.0/16" },
        "privateNetworkConfiguration": { "defaultVrackGateway": "", "privateNetworkRoutingAsDefault": true } });
    let created = send(&emulator, signed("POST", &kube(""), &good.to_string())).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    assert_eq!(created.body["privateNetworkId"], network.as_str());
    assert_eq!(created.body["ipAllocationPolicy"]["podsIpv4Cidr"], "10.100.0.0/16");
    assert_eq!(created.body["privateNetworkConfiguration"]["privateNetworkRoutingAsDefault"], true);
}
