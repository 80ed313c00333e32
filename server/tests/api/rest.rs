//! The REST API `/api/v1` with an API token, against the emulator with a runner and a catalog
//! running: every endpoint, the 202-and-poll contract of changes, field errors, and
//! `Idempotency-Key`.

use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};

use crate::catalog::{quick, with_catalog};
use crate::cloud::{Cloud, PROJECT, spec};
use crate::helpers::{TestApp, TestResponse};
use crate::security::sign_in;
use crate::sign_in::provider;
use crate::tokens::{api, console, create_token};

/// Runs the console's runner (polling every 50 ms) and moves the provider's clock on by half a
/// minute every 20 ms, until dropped.
pub struct Background(Vec<tokio::task::JoinHandle<()>>);

impl Background {
    pub fn start(app: &TestApp, cloud: &Cloud) -> Self {
        let runner = server::operations::runner::Runner::new(
            app.db.clone(),
            app.projects.clone(),
            Duration::from_millis(50),
        );
        let emulator = cloud.emulator.clone();
        let clock = tokio::spawn(async move {
            loop {
                emulator.clock.advance(Duration::from_secs(30));
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        });
        Self(vec![tokio::spawn(runner.run()), clock])
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        self.0.iter().for_each(tokio::task::JoinHandle::abort);
    }
}

/// A change sent with an `Idempotency-Key`.
async fn keyed(
    app: &TestApp,
    method: &str,
    path: &str,
    secret: &str,
    body: Value,
    key: &str,
) -> TestResponse {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {secret}"))
        .header("content-type", "application/json")
        .header("idempotency-key", key)
        .body(Body::from(body.to_string()))
        .unwrap();
    app.request(request, false).await
}

/// Polls the operation a 202 pointed at until it ends; its last state.
pub async fn finished(app: &TestApp, secret: &str, accepted: &TestResponse) -> Value {
    assert_eq!(accepted.status, 202, "{}", accepted.text());
    let location = accepted.header("location").expect("a Location to poll").to_string();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let operation = api(app, "GET", &location, secret, None).await;
        assert_eq!(operation.status, 200, "{}", operation.text());
        let view = operation.json();
        if ["succeeded", "failed", "cancelled"].contains(&view["state"].as_str().unwrap()) {
            return view;
        }
        assert!(tokio::time::Instant::now() < deadline, "{view}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A GET that must answer 200; its JSON.
async fn read(app: &TestApp, secret: &str, path: &str) -> Value {
    let answer = api(app, "GET", path, secret, None).await;
    assert_eq!(answer.status, 200, "{path}: {}", answer.text());
    answer.json()
}

/// A console signing in at a stand-in provider, acting in the emulator with its runner and
/// catalog running, and an admin token of alice's named `name`.
pub struct Running {
    pub app: TestApp,
    pub token: String,
    _provider: (std::sync::Arc<crate::sign_in::Provider>, tokio::task::JoinHandle<()>),
    _cloud: Cloud,
    _background: Background,
}

impl Running {
    pub async fn start(name: &str) -> Self {
        let (provider, task) = provider().await;
        let cloud = Cloud::start().await;
        // The clusters' own API servers, for the workloads.
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        emulator::kube::serve(listener, cloud.emulator.clone()).unwrap();
        let mut app = console(&provider, &cloud).await;
        with_catalog(&mut app, quick());
        let background = Background::start(&app, &cloud);
        let alice = sign_in(&app, &provider).await;
        let token = create_token(&app, &alice, name, "admin", Some(30)).await;
        Self { app, token, _provider: (provider, task), _cloud: cloud, _background: background }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn every_endpoint_of_the_api_works_with_a_token() {
    let Running { app, token, .. } = &Running::start("ci").await;
    let t = token.as_str();
    let root = format!("/api/v1/projects/{PROJECT}");

    // The project and what it offers.
    assert_eq!(read(app, t, "/api/v1/projects").await[0]["id"], PROJECT);
    let capabilities = read(app, t, &format!("{root}/capabilities")).await;
    assert!(capabilities["regions"].as_array().is_some_and(|r| !r.is_empty()), "{capabilities}");
    let flavors = read(app, t, &format!("{root}/regions/GRA11/flavors")).await;
    assert!(flavors.as_array().unwrap().iter().any(|f| f["name"] == "b3-8"), "{flavors}");
    read(app, t, &format!("{root}/networks")).await;

    // A spec that breaks a rule: 422, each problem at its field; nothing is queued.
    let mut bad = serde_json::to_value(spec("api-made")).unwrap();
    bad["name"] = json!("Not A Name!");
    bad["nodePools"][0]["desiredNodes"] = json!(500);
    let refused = api(app, "POST", &format!("{root}/clusters"), t, Some(bad)).await;
    assert_eq!(refused.status, 422, "{}", refused.text());
    let errors = refused.json();
    let fields: Vec<&str> =
        errors["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"name") && fields.iter().any(|f| f.starts_with("nodePools.0")), "{fields:?}");
    let malformed = api(app, "POST", &format!("{root}/clusters"), t, Some(json!({ "name": 3 }))).await;
    assert_eq!(malformed.status, 400, "{}", malformed.text());

    // Create, with a key: the same request again answers the same operation and makes nothing
    // new; the key with another body is refused.
    let body = serde_json::to_value(spec("api-made")).unwrap();
    let created = keyed(app, "POST", &format!("{root}/clusters"), t, body.clone(), "create-1").await;
    assert_eq!(created.status, 202, "{}", created.text());
    let again = keyed(app, "POST", &format!("{root}/clusters"), t, body.clone(), "create-1").await;
    assert_eq!(again.status, 202);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.json()["id"], created.json()["id"]);
    assert_eq!(again.header("location"), created.header("location"));
    let mut other = body.clone();
    other["name"] = json!("another");
    let reused = keyed(app, "POST", &format!("{root}/clusters"), t, other, "create-1").await;
    assert_eq!(reused.status, 422, "{}", reused.text());
    let operation = finished(app, t, &created).await;
    assert_eq!(operation["state"], "succeeded", "{operation}");
    assert_eq!(operation["actor"], "alice via token ci");
    let id = operation["clusterId"].as_str().unwrap().to_string();
    let cluster = format!("{root}/clusters/{id}");

    // Reads.
    let list = read(app, t, &format!("{root}/clusters")).await;
    assert_eq!(list["rows"].as_array().unwrap().len(), 1, "one cluster for two requests: {list}");
    assert_eq!(read(app, t, &cluster).await["name"], "api-made");
    read(app, t, &format!("{cluster}/etcd")).await;
    read(app, t, &format!("{cluster}/network")).await;
    read(app, t, &format!("{cluster}/operations")).await;
    let customization = read(app, t, &format!("{cluster}/customization")).await;
    let pools = read(app, t, &format!("{cluster}/node-pools")).await;
    let general = pools.as_array().unwrap().iter().find(|p| p["spec"]["name"] == "general").unwrap().clone();
    let pool = format!("{cluster}/node-pools/{}", general["id"].as_str().unwrap());
    assert_eq!(read(app, t, &pool).await["id"], general["id"]);
    let nodes = read(app, t, &format!("{cluster}/nodes")).await;
    assert_eq!(nodes.as_array().unwrap().len(), 3, "{nodes}");
    assert!(read(app, t, &format!("{cluster}/ip-restrictions")).await["entries"].is_array());
    read(app, t, &format!("{cluster}/oidc")).await;
    let template = read(app, t, &format!("{cluster}/export")).await;
    assert_eq!(template["name"], "api-made");
    assert_eq!(template["nodePools"].as_array().unwrap().len(), 2, "{template}");
    let terraform = api(app, "GET", &format!("{cluster}/terraform"), t, None).await;
    assert_eq!(terraform.status, 200);
    assert_eq!(terraform.header("content-type"), Some("text/plain; charset=utf-8"));
    assert!(
        terraform.text().contains("resource \"ovh_cloud_project_kube\" \"api_made\""),
        "{}",
        terraform.text()
    );
    let workloads = read(app, t, &format!("{cluster}/workloads")).await;
    assert!(workloads["nodes"].as_array().is_some_and(|n| !n.is_empty()), "{workloads}");
    let activity = read(app, t, "/api/v1/activity").await;
    assert!(activity.to_string().contains("alice via token ci"), "{activity}");

    // Changes, each followed to its end.
    let mut scaled = general["spec"].clone();
    scaled["desiredNodes"] = json!(3);
    scaled["maxNodes"] = json!(5);
    let scale = api(app, "PUT", &pool, t, Some(scaled)).await;
    assert_eq!(finished(app, t, &scale).await["state"], "succeeded");
    let new_pool =
        api(app, "POST", &format!("{cluster}/node-pools"), t, Some(json!(crate::cloud::pool("extra", 1))))
            .await;
    assert_eq!(finished(app, t, &new_pool).await["state"], "succeeded");
    let rename = api(app, "PUT", &format!("{cluster}/name"), t, Some(json!({ "name": "api-renamed" }))).await;
    assert_eq!(finished(app, t, &rename).await["state"], "succeeded");
    let policy = json!({ "updatePolicy": "MINIMAL_DOWNTIME" });
    let policy = api(app, "PUT", &format!("{cluster}/update-policy"), t, Some(policy)).await;
    assert_eq!(finished(app, t, &policy).await["state"], "succeeded");
    let customize = api(app, "PUT", &format!("{cluster}/customization"), t, Some(customization)).await;
    assert_eq!(finished(app, t, &customize).await["state"], "succeeded");
    let mapping = read(app, t, &format!("{cluster}/role-mapping")).await;
    assert!(mapping["saved"].is_null(), "{mapping}");
    assert!(mapping["namespaces"].as_array().is_some_and(|n| n.contains(&json!("default"))), "{mapping}");
    let wrong = json!({ "groups": [{ "group": "devs", "role": "edit", "namespaces": ["nowhere"] }] });
    let wrong = api(app, "PUT", &format!("{cluster}/role-mapping"), t, Some(wrong)).await;
    assert_eq!(wrong.status, 422, "{}", wrong.text());
    assert!(wrong.text().contains("groups.0.namespaces"), "{}", wrong.text());
    let mapping = json!({ "groups": [{ "group": "devs", "role": "edit", "namespaces": ["default"] }] });
    let mapped = api(app, "PUT", &format!("{cluster}/role-mapping"), t, Some(mapping)).await;
    assert_eq!(finished(app, t, &mapped).await["state"], "succeeded");
    let restored = api(app, "POST", &format!("{cluster}/role-mapping/restore"), t, None).await;
    assert_eq!(finished(app, t, &restored).await["state"], "succeeded");
    let mapping = read(app, t, &format!("{cluster}/role-mapping")).await;
    assert_eq!(mapping["saved"]["mapping"]["groups"][0]["role"], "edit", "{mapping}");
    assert_eq!(mapping["drift"], json!([]), "{mapping}");
    let allow = json!({ "entries": ["203.0.113.0/24", "127.0.0.1/32"] });
    let allow = api(app, "PUT", &format!("{cluster}/ip-restrictions"), t, Some(allow)).await;
    assert_eq!(finished(app, t, &allow).await["state"], "succeeded");
    let reset_kubeconfig = api(app, "POST", &format!("{cluster}/kubeconfig/reset"), t, None).await;
    assert_eq!(finished(app, t, &reset_kubeconfig).await["state"], "succeeded");
    let node = read(app, t, &format!("{cluster}/nodes")).await[0].clone();
    let remove = format!(
        "{cluster}/node-pools/{}/nodes/{}",
        node["nodePoolId"].as_str().unwrap(),
        node["id"].as_str().unwrap()
    );
    let remove = api(app, "DELETE", &remove, t, None).await;
    assert_eq!(finished(app, t, &remove).await["state"], "succeeded");

    // Refusals come back with their reasons.
    let upgrade =
        api(app, "POST", &format!("{cluster}/upgrade"), t, Some(json!({ "strategy": "NEXT_MINOR" }))).await;
    assert!(matches!(upgrade.status, 202 | 409 | 422), "{}", upgrade.text());
    let oidc = json!({ "clientId": "k8s", "issuerUrl": "http://not-https.example" });
    let oidc = api(app, "PUT", &format!("{cluster}/oidc"), t, Some(oidc)).await;
    assert_eq!(oidc.status, 422, "{}", oidc.text());
    let no_oidc = api(app, "DELETE", &format!("{cluster}/oidc"), t, None).await;
    assert!(matches!(no_oidc.status, 202 | 409), "{}", no_oidc.text());
    let subnet = json!({ "subnetId": null });
    let subnet = api(app, "PUT", &format!("{cluster}/network/load-balancers-subnet"), t, Some(subnet)).await;
    assert!(matches!(subnet.status, 409 | 422), "a cluster on the public network: {}", subnet.text());
    let routing = api(app, "PUT", &format!("{cluster}/network/routing"), t, Some(json!({}))).await;
    assert!(matches!(routing.status, 400 | 409 | 422), "{}", routing.text());
    let operation_id = operation["id"].as_str().unwrap();
    let retry = api(app, "POST", &format!("{root}/operations/{operation_id}/retry"), t, None).await;
    assert_eq!(retry.status, 409, "only failed operations run again: {}", retry.text());
    let reset = api(app, "POST", &format!("{cluster}/reset"), t, Some(json!({ "confirm": "wrong" }))).await;
    assert_eq!(reset.status, 422, "{}", reset.text());
    let wrong_id = api(app, "GET", &format!("{root}/clusters/not..an-id"), t, None).await;
    assert_eq!(wrong_id.status, 400, "{}", wrong_id.text());
    let unknown = api(app, "GET", "/api/v1/no-such-thing", t, None).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.json()["error"], "not_found");

    // Kubeconfigs: the admin one as a file, never kept for its key.
    let admin = keyed(app, "POST", &format!("{cluster}/kubeconfig"), t, json!({}), "kubeconfig-1").await;
    assert_eq!(admin.status, 200, "{}", admin.text());
    assert!(admin.text().contains("client-key-data"), "the admin kubeconfig");
    let stored =
        crate::helpers::count(app, "SELECT COUNT(*) FROM api_idempotency WHERE key = 'kubeconfig-1'").await;
    assert_eq!(stored, 0, "secrets are not kept as replays");
    let user = api(app, "POST", &format!("{cluster}/kubeconfig/user"), t, None).await;
    assert!(matches!(user.status, 200 | 409), "{}", user.text());

    // The event streams open with the cluster's and the project's state.
    for path in [format!("{cluster}/events"), format!("{root}/events")] {
        let events = Request::get(&path).header("authorization", format!("Bearer {t}"));
        let response =
            tower::ServiceExt::oneshot(app.router(false), events.body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let mut stream = response.into_body().into_data_stream();
        let first = futures::StreamExt::next(&mut stream).await.unwrap().unwrap();
        assert!(String::from_utf8_lossy(&first).contains("data:"), "{path}: {first:?}");
    }

    // And deletion, confirmed by the cluster's name.
    let unconfirmed = api(app, "DELETE", &cluster, t, None).await;
    assert_eq!(unconfirmed.status, 422, "{}", unconfirmed.text());
    let delete = api(app, "DELETE", &format!("{cluster}?confirm=api-renamed"), t, None).await;
    assert_eq!(finished(app, t, &delete).await["state"], "succeeded");
}
