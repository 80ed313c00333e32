//! `/metrics` on the console's address (behind its bearer token) and request ids.

use axum::body::Body;
use axum::http::Request;
use server::config::Settings;

use crate::cloud::{Cloud, SERVICE};
use crate::helpers::{TestApp, TestResponse};

const TOKEN: &str = "scrape-token-for-tests";

async fn app_with_token(cloud: &Cloud) -> TestApp {
    let settings = Settings::load_from(["pilothouse"], |name| {
        (name == "PILOTHOUSE_METRICS_TOKEN").then(|| TOKEN.into())
    })
    .unwrap();
    TestApp::with_settings(settings, cloud.projects()).await
}

async fn scrape(app: &TestApp, authorization: Option<&str>) -> TestResponse {
    let mut request = Request::get("/metrics");
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    app.request(request.body(Body::empty()).unwrap(), false).await
}

#[tokio::test]
async fn metrics_are_not_served_on_the_console_address_without_a_token() {
    let app = TestApp::spawn().await;
    assert_eq!(scrape(&app, Some("Bearer anything")).await.status, 404);
}

#[tokio::test]
async fn metrics_answer_only_to_their_token() {
    let cloud = Cloud::start().await;
    let app = app_with_token(&cloud).await;
    let refused = scrape(&app, None).await;
    assert_eq!(refused.status, 401);
    assert_eq!(refused.header("www-authenticate"), Some("Bearer"));
    assert_eq!(scrape(&app, Some("Bearer wrong")).await.status, 401);
    assert_eq!(scrape(&app, Some(&format!("Bearer {TOKEN}"))).await.status, 200);
}

#[tokio::test]
async fn requests_and_provider_calls_are_counted_by_template() {
    let cloud = Cloud::start().await;
    let app = app_with_token(&cloud).await;
    assert_eq!(app.get("/healthz").await.status, 200);
    let refused = app.get("/api/projects/default/clusters/c-1/events").await.status;
    assert!((400..500).contains(&refused));
    cloud.client.list_clusters(SERVICE).await.unwrap();

    let response = scrape(&app, Some(&format!("Bearer {TOKEN}"))).await;
    assert!(response.header("content-type").unwrap().starts_with("text/plain; version=0.0.4"));
    let text = response.text();
    let has = |line: &str| text.lines().any(|l| l == line);
    assert!(has(r#"pilothouse_http_requests_total{method="GET",route="/healthz",status="200"} 1"#), "{text}");
    // Ids stay out of the labels: the route's template is the label.
    let events = r#"pilothouse_http_requests_total{method="GET",route="/api/projects/{project}/clusters/{cluster}/events""#;
    assert!(has(&format!(r#"{events},status="{refused}"}} 1"#)), "{text}");
    assert!(
        has(
            r#"pilothouse_provider_requests_total{endpoint="/cloud/project/{serviceName}/kube",method="GET",project="default",status_class="2xx"} 1"#
        ),
        "{text}"
    );
    assert!(has(r#"pilothouse_operations{state="pending"} 0"#), "{text}");
    assert!(text.contains("pilothouse_database_connections_max 4"), "{text}");
}

#[tokio::test]
async fn every_response_carries_its_request_id() {
    let app = TestApp::spawn().await;
    let given = app.get("/healthz").await;
    let id = given.header("x-request-id").expect("an id is given");
    assert_eq!(id.len(), 32, "{id}");
    assert!(id.chars().all(|c| c.is_ascii_hexdigit()));

    let request = Request::get("/healthz").header("x-request-id", "lb-42.a").body(Body::empty()).unwrap();
    assert_eq!(app.request(request, false).await.header("x-request-id"), Some("lb-42.a"));
    let request = Request::get("/healthz").header("x-request-id", "bad id <x>").body(Body::empty()).unwrap();
    assert_ne!(app.request(request, false).await.header("x-request-id"), Some("bad id <x>"));
}

#[tokio::test]
async fn the_page_not_found_shows_the_request_reference() {
    let app = TestApp::spawn().await;
    let request =
        Request::get("/no-such-page").header("x-request-id", "ref-123").body(Body::empty()).unwrap();
    let response = app.request(request, false).await;
    assert_eq!(response.status, 404);
    assert!(response.text().contains("<code>ref-123</code>"), "{}", response.text());
}
