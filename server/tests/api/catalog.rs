//! The catalog: pages and live streams read the console's copy of the provider's state; one
//! replica per project reads the provider, within its share of the rate, and hands over when it
//! stops; a provider that fails leaves pages showing the last copy with a warning.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use emulator::fault::Fault;
use futures::StreamExt;
use model::id::ClusterId;
use provider::api::ClusterCreation;
use provider::client::{Client, ClientConfig, Credentials};
use server::catalog::{Catalog, ProjectCatalog, Timings};
use server::live::{Intervals, Live, StreamLimits};
use server::projects::{Project, Projects};
use tower::ServiceExt;

use crate::cloud::{Cloud, PROJECT, SERVICE, pool};
use crate::helpers::TestApp;

/// Timings a hundred times shorter than the defaults' minute-long idle interval.
pub fn quick() -> Timings {
    Timings {
        tick: Duration::from_millis(50),
        list_active: Duration::from_millis(100),
        list_idle: Duration::from_millis(600),
        lease: Duration::from_millis(800),
        ..Timings::default()
    }
}

/// Clusters made directly at the provider, installed and ready.
pub async fn clusters(cloud: &Cloud, names: &[&str]) -> Vec<String> {
    let mut ids = Vec::new();
    for name in names {
        let body = ClusterCreation {
            name: Some((*name).into()),
            region: "GRA11".into(),
            nodepools: Some(vec![(&pool("general", 2)).into()]),
            ..ClusterCreation::default()
        };
        ids.push(cloud.client.create_cluster(SERVICE, &body).await.unwrap().id);
    }
    cloud.advance(3600);
    ids
}

/// `app` with a catalog of its own on `timings`.
pub fn with_catalog(app: &mut TestApp, timings: Timings) -> Arc<Catalog> {
    let catalog = Catalog::new(app.db.clone(), &app.projects, timings);
    app.state.services.catalog = catalog.clone();
    // Server functions reach the services through the backend: give it the new catalog too.
    app.state.backend = server::backend::provide(app.state.services.clone(), app.db.clone());
    catalog
}

/// The catalog once every cluster's pools are read and nothing moves.
pub async fn settled(catalog: &ProjectCatalog, clusters: usize) {
    let ready = |s: &server::catalog::Snapshot| {
        s.clusters.len() == clusters && s.clusters.iter().all(|e| e.detail.is_some()) && !s.is_moving()
    };
    catalog.wait_for(Duration::from_secs(15), ready).await.expect("the catalog reads the provider");
}

async fn page(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status, 200, "{path}: {}", response.text());
    response.text()
}

#[tokio::test(flavor = "multi_thread")]
async fn fifty_viewers_cost_the_provider_a_few_calls_per_idle_interval() {
    let cloud = Cloud::start().await;
    let mut app = cloud.app().await;
    let timings = quick();
    let catalog = with_catalog(&mut app, timings);
    app.state.live =
        Live::with_limits(Intervals::default(), StreamLimits { per_user: 100, per_project: 100 });
    let ids = clusters(&cloud, &["one", "two"]).await;
    let project = catalog.project(PROJECT).unwrap().clone();
    settled(&project, 2).await;
    // Let the list back off to its idle interval.
    tokio::time::sleep(Duration::from_secs(2)).await;

    let before = cloud.emulator.answered();
    let started = Instant::now();
    let router = app.router(false);
    let mut streams = Vec::new();
    for i in 0..50 {
        let path = if i % 2 == 0 {
            format!("/api/projects/{PROJECT}/events")
        } else {
            format!("/api/projects/{PROJECT}/clusters/{}/events", ids[0])
        };
        let response = router.clone().oneshot(Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
        assert_eq!(response.status(), 200);
        streams.push(response.into_body().into_data_stream());
    }
    let mut views = 0;
    while started.elapsed() < Duration::from_secs(3) {
        let list = page(&app, "/clusters").await;
        assert!(list.contains("data-cluster=\"one\"") && list.contains("2 / 2"), "{list}");
        assert!(list.contains("data-testid=\"freshness\""), "the list says how fresh it is");
        let cluster = page(&app, &format!("/clusters/{}", ids[0])).await;
        assert!(cluster.contains("data-testid=\"freshness\""), "so does the cluster page");
        let form = format!("project={PROJECT}&cluster={}", ids[0]);
        let request = Request::post("/api/node_pools")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(Body::from(form))
            .unwrap();
        let pools = app.request(request, false).await;
        assert_eq!(pools.status, 200, "{}", pools.text());
        assert_eq!(pools.json()[0]["nodes"].as_array().map(Vec::len), Some(2), "{}", pools.text());
        views += 3;
    }
    for stream in &mut streams {
        let first = tokio::time::timeout(Duration::from_secs(2), stream.next()).await;
        assert!(matches!(first, Ok(Some(Ok(_)))), "every stream starts with the catalog's state");
    }
    let calls = cloud.emulator.answered() - before;
    let idle_intervals = started.elapsed().as_secs_f64() / timings.list_idle.as_secs_f64();
    println!("{views} page views and 50 streams in {:?}: {calls} provider calls", started.elapsed());
    // Per idle interval: the list, and the viewed cluster's pools and nodes.
    let most = ((idle_intervals.ceil() + 1.0) * 3.0) as u64 + 1;
    assert!(calls <= most, "{calls} provider calls for {views} page views (at most {most})");
    assert!(!project.current().is_moving(), "nothing moved");
}

#[tokio::test(flavor = "multi_thread")]
async fn one_replica_polls_both_serve_and_the_other_takes_over_when_it_dies() {
    let cloud = Cloud::start().await;
    let app = cloud.app().await;
    let timings = quick();
    let first = Catalog::new(app.db.clone(), &app.projects, timings);
    let second = Catalog::new(app.db.clone(), &app.projects, timings);
    first.start();
    second.start();
    let (a, b) = (first.project(PROJECT).unwrap().clone(), second.project(PROJECT).unwrap().clone());
    let deadline = Instant::now() + Duration::from_secs(5);
    while !(a.is_polling() || b.is_polling()) {
        assert!(Instant::now() < deadline, "a replica takes the lease");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(a.is_polling() != b.is_polling(), "only one replica reads the provider");
    let (holder, holder_catalog, other) = if a.is_polling() { (&first, &a, &b) } else { (&second, &b, &a) };

    let ids = clusters(&cloud, &["shared"]).await;
    // Both serve what the holder read, within the idle interval and a tick.
    for replica in [holder_catalog, other] {
        settled(replica, 1).await;
    }
    assert_eq!(other.calls(), 0, "the other replica never called the provider");

    // The holder dies without giving the lease back: the other takes over within a lease period.
    holder.abort();
    let died = Instant::now();
    while !other.is_polling() {
        assert!(died.elapsed() < timings.lease * 2 + timings.tick * 4, "the lease passed on");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    println!("lease handed over {:?} after the holder died", died.elapsed());
    cloud.client.delete_cluster(SERVICE, &ClusterId::new(&ids[0])).await.unwrap();
    cloud.advance(3600);
    let gone = other.wait_for(Duration::from_secs(5), |s| s.clusters.is_empty()).await;
    assert!(gone.is_ok(), "the new holder reads the provider");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_provider_leaves_the_last_copy_on_the_page_with_a_warning() {
    let cloud = Cloud::start().await;
    let mut app = cloud.app().await;
    let timings = Timings { stale_after: Duration::ZERO, ..quick() };
    let catalog = with_catalog(&mut app, timings);
    let ids = clusters(&cloud, &["steady"]).await;
    let project = catalog.project(PROJECT).unwrap().clone();
    settled(&project, 1).await;
    let down =
        Fault { path_contains: String::new(), method: None, rate: 1.0, status: Some(500), latency_ms: 0 };
    cloud.set_faults(vec![down]);
    project.poke();
    project
        .wait_for(Duration::from_secs(10), |s| s.failing_since.is_some())
        .await
        .expect("the refresher notices");
    let list = page(&app, "/clusters").await;
    assert!(list.contains("data-cluster=\"steady\""), "the last copy: {list}");
    assert!(list.contains("data-testid=\"stale-banner\"") && list.contains("not answering"), "{list}");
    let cluster = page(&app, &format!("/clusters/{}", ids[0])).await;
    assert!(cluster.contains("not answering") && cluster.contains("2 / 2 in 1 pool"), "{cluster}");
    assert!(!list.contains("0 / 0"), "no node count made up from a failed call");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_refresher_leaves_the_runner_at_least_half_of_the_rate() {
    let cloud = Cloud::start().await;
    // A project limited to 10 calls a second, one at a time.
    let credentials = Credentials::Application {
        application_key: "ak".into(),
        application_secret: "as".into(),
        consumer_key: "ck".into(),
    };
    let mut config = ClientConfig::new(cloud.client.base_url().to_string(), credentials);
    config.rate_per_second = 10.0;
    config.burst = 1;
    let client = Arc::new(Client::new(config).unwrap());
    let projects = Projects::from_list(vec![Project {
        id: PROJECT.into(),
        name: "Limited".into(),
        service_name: SERVICE.into(),
        client: client.clone(),
        groups: Default::default(),
    }]);
    let mut app = TestApp::with_projects(projects).await;
    let timings = Timings { list_idle: Duration::from_millis(100), ..quick() };
    let catalog = with_catalog(&mut app, timings);
    let ids = clusters(&cloud, &["aa", "bb", "cc", "dd"]).await;
    let project = catalog.project(PROJECT).unwrap().clone();
    settled(&project, 4).await;
    // 50 viewers of every cluster, each one wanting its pools with every list.
    let viewing: Vec<_> = (0..50).map(|i| project.view(&ids[i % ids.len()])).collect();
    let calls_before = project.calls();
    let started = Instant::now();
    for _ in 0..20 {
        client.list_clusters(SERVICE).await.unwrap();
    }
    let elapsed = started.elapsed();
    let refresher = project.calls() - calls_before;
    println!("20 runner calls took {elapsed:?} while the refresher made {refresher}");
    // Alone, 20 calls at 10/s take 2 s; with half the rate they take at most 4 s.
    assert!(elapsed < Duration::from_millis(4500), "the runner was slowed to {elapsed:?}");
    assert!(refresher > 0, "the refresher kept reading");
    drop(viewing);
}

/// A server function called as the page calls it; its JSON answer.
async fn call(app: &TestApp, function: &str, form: String) -> serde_json::Value {
    let request = Request::post(format!("/api/{function}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(Body::from(form))
        .unwrap();
    let response = app.request(request, false).await;
    assert_eq!(response.status, 200, "{function}: {}", response.text());
    response.json()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_access_and_settings_tabs_read_the_catalog_and_see_changes() {
    let cloud = Cloud::start().await;
    let mut app = cloud.app().await;
    let timings = Timings { view_refresh: Duration::from_millis(500), ..quick() };
    let catalog = with_catalog(&mut app, timings);
    let ids = clusters(&cloud, &["guarded"]).await;
    let project = catalog.project(PROJECT).unwrap().clone();
    settled(&project, 1).await;
    let form = format!("project={PROJECT}&cluster={}", ids[0]);
    let entries = |answer: serde_json::Value| answer["entries"].clone();

    // The first view waits for the configuration to be read; the next ones cost nothing.
    assert_eq!(entries(call(&app, "allow_list", form.clone()).await), serde_json::json!([]));
    let (before, refresher_before) = (cloud.emulator.answered(), project.calls());
    for _ in 0..20 {
        call(&app, "allow_list", form.clone()).await;
        call(&app, "customization", form.clone()).await;
        call(&app, "cluster_oidc", form.clone()).await;
    }
    let (calls, refresher) = (cloud.emulator.answered() - before, project.calls() - refresher_before);
    assert_eq!(calls, refresher, "60 views, no provider call but the refresher's");
    assert!(refresher <= 12, "the refresher's own pace: {refresher} calls");

    // etcd's figures are asked of the provider, not kept.
    assert!(call(&app, "etcd_usage", form.clone()).await["quota"].as_u64() > Some(0));

    // A change made through the console shows on the next view.
    let change = serde_json::json!({ "project": PROJECT, "cluster": ids[0], "entries": ["198.51.100.7"] });
    let request = Request::post("/api/set_allow_list")
        .header("content-type", "application/json")
        .header("accept", "application/json")
        .body(Body::from(change.to_string()))
        .unwrap();
    assert_eq!(app.request(request, false).await.status, 200);
    let runner = crate::cloud::runner(&app, "r1");
    for _ in 0..20 {
        while runner.run_once(chrono::Utc::now()).await.unwrap().is_some() {}
        cloud.advance(60);
    }
    let shown = entries(call(&app, "allow_list", form.clone()).await);
    assert_eq!(shown, serde_json::json!(["198.51.100.7/32"]), "the console's own change");

    // One made elsewhere (the cluster redeploys) shows on the first view once the list is older
    // than the view refresh: that view reads the list, which shows the cluster changed.
    let id = ClusterId::new(&ids[0]);
    cloud
        .client
        .replace_ip_restrictions(crate::cloud::SERVICE, &id, vec!["203.0.113.0/24".into()])
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(600)).await;
    let shown = entries(call(&app, "allow_list", form.clone()).await);
    assert_eq!(shown, serde_json::json!(["203.0.113.0/24"]), "an outside change");
}
