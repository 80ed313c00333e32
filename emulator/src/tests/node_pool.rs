//! Node pools and nodes on the virtual clock.

use axum::http::StatusCode;
use serde_json::{Value, json};
use tower::ServiceExt;

use super::*;

/// A ready cluster in `region` on `plan`; returns its id.
async fn ready_cluster(emulator: &Arc<Emulator>, region: &str, plan: &str) -> String {
    let mut body = json!({ "name": "demo", "region": region, "plan": plan });
    if region == "EU-WEST-PAR" {
        let (network, subnet) = private_network(emulator, region, true).await;
        body["privateNetworkId"] = json!(network);
        body["nodesSubnetId"] = json!(subnet);
    }
    installed_cluster(emulator, &body.to_string()).await
}

fn pools(cluster: &str) -> String {
    kube(&format!("/{cluster}/nodepool"))
}

async fn get(emulator: &Arc<Emulator>, path: &str) -> Value {
    let answer = send(emulator, signed("GET", path, "")).await;
    assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
    answer.body
}

async fn create_pool(emulator: &Arc<Emulator>, cluster: &str, body: Value) -> Answer {
    send(emulator, signed("POST", &pools(cluster), &body.to_string())).await
}

#[tokio::test]
async fn a_pool_installs_scales_and_removes_the_chosen_node() {
    let emulator = emulator();
    let cluster = ready_cluster(&emulator, "GRA11", "free").await;
    let created = create_pool(
        &emulator,
        &cluster,
        json!({ "name": "workers", "flavorName": "b3-16", "desiredNodes": 3 }),
    )
    .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    assert_eq!(created.body["status"], "INSTALLING");
    assert_eq!(
        (created.body["currentNodes"].as_u64(), created.body["availableNodes"].as_u64()),
        (Some(3), Some(0))
    );
    assert_eq!(created.body["sizeStatus"], "UNDER_CAPACITY");
    assert_eq!(created.body["flavor"], "b3-16");
    let pool = format!("{}/{}", pools(&cluster), created.body["id"].as_str().unwrap());

    advance(&emulator, 4 * 60).await;
    let ready = get(&emulator, &pool).await;
    assert_eq!(
        (ready["status"].as_str(), ready["sizeStatus"].as_str()),
        (Some("READY"), Some("CAPACITY_OK"))
    );
    let nodes = get(&emulator, &format!("{pool}/nodes")).await;
    assert_eq!(nodes.as_array().unwrap().len(), 3);
    assert!(nodes.as_array().unwrap().iter().all(|n| n["status"] == "READY"));

    let scaled_up = send(&emulator, signed("PUT", &pool, r#"{"desiredNodes":5}"#)).await;
    assert_eq!(scaled_up.status, StatusCode::OK);
    assert_eq!(get(&emulator, &pool).await["status"], "UPSCALING");
    let busy = send(&emulator, signed("PUT", &pool, r#"{"desiredNodes":2}"#)).await;
    assert_eq!(busy.status, StatusCode::CONFLICT);
    advance(&emulator, 4 * 60).await;
    assert_eq!(get(&emulator, &pool).await["availableNodes"], 5);

    // Remove one chosen node by its provider id: that node and no other goes.
    let nodes = get(&emulator, &format!("{pool}/nodes")).await;
    let chosen = nodes[1].clone();
    let body = json!({ "desiredNodes": 4, "nodesToRemove": [format!("openstack:///{}", chosen["instanceId"].as_str().unwrap())] });
    assert_eq!(send(&emulator, signed("PUT", &pool, &body.to_string())).await.status, StatusCode::OK);
    let draining = get(&emulator, &format!("{pool}/nodes")).await;
    let status_of = |list: &Value, id: &Value| {
        list.as_array().unwrap().iter().find(|n| n["id"] == *id).map(|n| n["status"].clone())
    };
    assert_eq!(status_of(&draining, &chosen["id"]), Some(json!("DELETING")));
    assert_eq!(draining.as_array().unwrap().iter().filter(|n| n["status"] == "DELETING").count(), 1);
    assert_eq!(get(&emulator, &pool).await["status"], "DOWNSCALING");
    advance(&emulator, 2 * 60).await;
    let after = get(&emulator, &format!("{pool}/nodes")).await;
    assert_eq!(after.as_array().unwrap().len(), 4);
    assert_eq!(status_of(&after, &chosen["id"]), None);
    assert_eq!(get(&emulator, &kube(&format!("/{cluster}/node"))).await.as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn a_downscale_without_a_choice_removes_the_newest_nodes() {
    let emulator = emulator();
    let cluster = ready_cluster(&emulator, "GRA11", "free").await;
    let created = create_pool(
        &emulator,
        &cluster,
        json!({ "name": "workers", "flavorName": "b3-8", "desiredNodes": 1 }),
    )
    .await;
    let pool = format!("{}/{}", pools(&cluster), created.body["id"].as_str().unwrap());
    advance(&emulator, 4 * 60).await;
    let first = get(&emulator, &format!("{pool}/nodes")).await[0]["id"].clone();
    send(&emulator, signed("PUT", &pool, r#"{"desiredNodes":2}"#)).await;
    advance(&emulator, 4 * 60).await;
    send(&emulator, signed("PUT", &pool, r#"{"desiredNodes":1}"#)).await;
    advance(&emulator, 2 * 60).await;
    let left = get(&emulator, &format!("{pool}/nodes")).await;
    assert_eq!(left.as_array().unwrap().iter().map(|n| n["id"].clone()).collect::<Vec<_>>(), vec![first]);
}

#[tokio::test]
async fn pool_rules_are_the_models_and_the_providers() {
    let emulator = emulator();
    let cluster = ready_cluster(&emulator, "GRA11", "free").await;
    let refused =
        |answer: Answer| (answer.status, answer.body["message"].as_str().unwrap_or_default().to_string());

    let anti = create_pool(&emulator, &cluster, json!({ "name": "spread", "flavorName": "b3-8", "desiredNodes": 6, "maxNodes": 10, "antiAffinity": true })).await;
    let (status, message) = refused(anti);
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(message.starts_with("desiredNodes: With anti-affinity"), "{message}");

    let unknown = create_pool(&emulator, &cluster, json!({ "name": "odd", "flavorName": "z9-1" })).await;
    assert_eq!(
        refused(unknown),
        (StatusCode::BAD_REQUEST, "Flavor z9-1 is not available in GRA11".to_string())
    );

    assert_eq!(
        create_pool(&emulator, &cluster, json!({ "name": "big", "flavorName": "b3-8", "desiredNodes": 60 }))
            .await
            .status,
        StatusCode::OK
    );
    let over =
        create_pool(&emulator, &cluster, json!({ "name": "more", "flavorName": "b3-8", "desiredNodes": 50 }))
            .await;
    assert_eq!(
        refused(over),
        (
            StatusCode::BAD_REQUEST,
            "These pools can grow to 110 nodes, more than the 100 a Free cluster holds.".to_string()
        )
    );

    let twin = create_pool(&emulator, &cluster, json!({ "name": "big", "flavorName": "b3-8" })).await;
    assert_eq!(twin.status, StatusCode::CONFLICT);

    let paris = ready_cluster(&emulator, "EU-WEST-PAR", "standard").await;
    let zoneless = create_pool(&emulator, &paris, json!({ "name": "zoned", "flavorName": "b3-8" })).await;
    assert_eq!(refused(zoneless), (StatusCode::BAD_REQUEST, "availabilityZones is mandatory".to_string()));
    let zoned = create_pool(
        &emulator,
        &paris,
        json!({ "name": "zoned", "flavorName": "b3-8", "availabilityZones": ["eu-west-par-b"] }),
    )
    .await;
    assert_eq!(zoned.body["availabilityZones"], json!(["eu-west-par-b"]));
}

#[tokio::test]
async fn pools_wait_for_their_cluster() {
    let emulator = emulator();
    let body = r#"{ "name": "demo-cluster", "region": "GRA11", "version": "1.34", "plan": "free",
        "nodepools": [ { "name": "workers", "flavorName": "b3-8", "desiredNodes": 3, "minNodes": 1, "maxNodes": 6, "autoscale": true } ] }"#;
    let created = send(&emulator, signed("POST", &kube(""), body)).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let cluster = created.body["id"].as_str().unwrap().to_string();
    let early = create_pool(&emulator, &cluster, json!({ "name": "later", "flavorName": "b3-8" })).await;
    assert_eq!(early.status, StatusCode::CONFLICT);

    let listed = get(&emulator, &pools(&cluster)).await;
    assert_eq!(
        (listed[0]["name"].as_str(), listed[0]["status"].as_str()),
        (Some("workers"), Some("INSTALLING"))
    );
    advance(&emulator, 6 * 60).await;
    assert_eq!(
        get(&emulator, &pools(&cluster)).await[0]["status"],
        "INSTALLING",
        "nodes start after the control plane"
    );
    advance(&emulator, 4 * 60).await;
    assert_eq!(get(&emulator, &pools(&cluster)).await[0]["availableNodes"], 3);

    let bad =
        r#"{ "region": "GRA11", "nodepools": [ { "flavorName": "b3-8" }, { "flavorName": "nope-1" } ] }"#;
    assert_eq!(send(&emulator, signed("POST", &kube(""), bad)).await.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        get(&emulator, &kube("")).await.as_array().unwrap().len(),
        1,
        "a refused creation creates nothing"
    );
}

#[tokio::test]
async fn a_deleted_pool_drains_then_disappears() {
    let emulator = emulator();
    let cluster = ready_cluster(&emulator, "GRA11", "free").await;
    let created = create_pool(
        &emulator,
        &cluster,
        json!({ "name": "workers", "flavorName": "b3-8", "desiredNodes": 2 }),
    )
    .await;
    let pool = format!("{}/{}", pools(&cluster), created.body["id"].as_str().unwrap());
    advance(&emulator, 4 * 60).await;
    assert_eq!(send(&emulator, signed("DELETE", &pool, "")).await.status, StatusCode::OK);
    assert_eq!(get(&emulator, &pool).await["status"], "DELETING");
    advance(&emulator, 2 * 60).await;
    assert_eq!(send(&emulator, signed("GET", &pool, "")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(get(&emulator, &pools(&cluster)).await, json!([]));
}

#[tokio::test]
async fn node_lists_page_with_a_cursor_and_show_history_on_request() {
    let emulator = emulator();
    let cluster = ready_cluster(&emulator, "GRA11", "free").await;
    let created = create_pool(
        &emulator,
        &cluster,
        json!({ "name": "workers", "flavorName": "b3-8", "desiredNodes": 5 }),
    )
    .await;
    let pool = format!("{}/{}", pools(&cluster), created.body["id"].as_str().unwrap());
    advance(&emulator, 4 * 60).await;

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut request = signed("GET", &format!("{pool}/nodes"), "");
        request.headers_mut().insert("X-Pagination-Size", "2".parse().unwrap());
        if let Some(cursor) = &cursor {
            request.headers_mut().insert("X-Pagination-Cursor", cursor.parse().unwrap());
        }
        let response = router(emulator.clone()).oneshot(request).await.unwrap();
        cursor = response.headers().get("X-Pagination-Cursor-Next").map(|v| v.to_str().unwrap().to_string());
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let page: Vec<Value> = serde_json::from_slice(&bytes).unwrap();
        assert!(page.len() <= 2);
        seen.extend(page.into_iter().map(|n| n["id"].clone()));
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(seen.len(), 5);
    seen.dedup();
    assert_eq!(seen.len(), 5, "no node twice");

    let mut bad = signed("GET", &format!("{pool}/nodes"), "");
    bad.headers_mut().insert("X-Pagination-Cursor", "garbage".parse().unwrap());
    let refused = send(&emulator, bad).await;
    assert_eq!(
        (refused.status, refused.body["message"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid cursor"))
    );

    send(&emulator, signed("PUT", &pool, r#"{"desiredNodes":4}"#)).await;
    advance(&emulator, 2 * 60).await;
    assert_eq!(get(&emulator, &format!("{pool}/nodes")).await.as_array().unwrap().len(), 4);
    let history = get(&emulator, &format!("{pool}/nodes?history=true")).await;
    assert_eq!(history.as_array().unwrap().len(), 5);
    assert_eq!(history.as_array().unwrap().iter().filter(|n| n["status"] == "DELETED").count(), 1);
}
