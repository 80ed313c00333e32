//! Live updates over server-sent events: a cluster page's stream starts with the recent
//! operations and the cluster as the catalog has it, then carries each step and status change
//! as the runner and the catalog's refresher see them; the cluster stops being viewed when the
//! page goes.

use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use chrono::Utc;
use futures::StreamExt;
use server::operations::store;
use tower::ServiceExt;

use crate::cloud::{Cloud, PROJECT, alice, later, runner, spec};

/// Reads the stream until its text contains `wanted`; returns everything read so far.
async fn read_until(
    stream: &mut (impl futures::Stream<Item = Result<axum::body::Bytes, axum::Error>> + Unpin),
    text: &mut String,
    wanted: &str,
) {
    read_while(stream, text, |text| !text.contains(wanted), wanted).await;
}

/// Reads the stream while `more` says its text lacks something (`what`, for the failure).
async fn read_while(
    stream: &mut (impl futures::Stream<Item = Result<axum::body::Bytes, axum::Error>> + Unpin),
    text: &mut String,
    more: impl Fn(&str) -> bool,
    what: &str,
) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while more(text) {
        let chunk = tokio::time::timeout_at(deadline, stream.next())
            .await
            .unwrap_or_else(|_| panic!("no {what:?} in the stream; read so far:\n{text}"))
            .expect("the stream stays open")
            .unwrap();
        text.push_str(&String::from_utf8_lossy(&chunk));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cluster_page_sees_steps_and_status_without_reloading() {
    let cloud = Cloud::start().await;
    let app = cloud.app().await;
    let feed =
        tokio::spawn(app.state.live.clone().feed_operations(app.db.clone(), app.state.changed.clone()));
    let submitted = app.services().create_cluster(PROJECT, &alice(), &spec("live"), None).await.unwrap();
    let runner =
        server::operations::runner::Runner { changed: app.state.changed.clone(), ..runner(&app, "r1") };
    let t0 = Utc::now();
    runner.run_once(t0).await.unwrap();
    let cluster = store::target(&app.db, &submitted.operation_id).await.unwrap().unwrap();

    let request = Request::get(format!("/api/projects/{PROJECT}/clusters/{cluster}/events"))
        .body(Body::empty())
        .unwrap();
    let response = app.router(false).oneshot(request).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut stream = response.into_body().into_data_stream();
    let mut text = String::new();
    read_until(&mut stream, &mut text, "event: operation").await;
    assert!(
        text.contains("\"name\":\"wait_for_ready\""),
        "the recent operation with its steps first:\n{text}"
    );
    read_until(&mut stream, &mut text, "\"status\":\"INSTALLING\"").await;
    let catalog = app.services().catalog.project(PROJECT).unwrap().clone();
    assert_eq!(catalog.viewers(&cluster), 1, "the page's cluster is read with every list");

    cloud.advance(6 * 60);
    runner.run_once(later(t0, 6)).await.unwrap();
    read_until(&mut stream, &mut text, "cluster is READY").await;
    read_until(&mut stream, &mut text, "\"status\":\"READY\"").await;
    assert!(!text.contains("pilothouse-emulator-secret") && !text.contains("\"as\""), "no credentials");
    // Every event is one of the shared contract's.
    for data in text.lines().filter_map(|line| line.strip_prefix("data: ")) {
        serde_json::from_str::<model::live::LiveEvent>(data).unwrap_or_else(|e| panic!("{e}: {data}"));
    }

    // Deleted: the page learns it is gone.
    let id = model::id::ClusterId::new(cluster.as_str());
    let deletion = app.services().delete_cluster(PROJECT, &alice(), &id, None).await.unwrap();
    let mut now = later(t0, 12);
    for _ in 0..20 {
        runner.run_once(now).await.unwrap();
        cloud.advance(60);
        now = later(now, 6);
        let view = store::view(&app.db, &deletion.operation_id).await.unwrap().unwrap();
        if view.state == model::operation::OperationState::Succeeded {
            break;
        }
    }
    read_until(&mut stream, &mut text, "event: cluster_gone").await;

    drop(stream);
    let mut waited = 0;
    while catalog.viewers(&cluster) > 0 {
        tokio::time::sleep(Duration::from_millis(20)).await;
        waited += 1;
        assert!(waited < 250, "the cluster stayed viewed after its last page");
    }
    feed.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_project_has_no_stream() {
    let cloud = Cloud::start().await;
    let app = cloud.app().await;
    let response = app.get("/api/projects/nobody/events").await;
    assert_eq!(response.status, 404);
    assert_eq!(response.json()["error"], "not_found");
    let request = Request::get(format!("/api/projects/{PROJECT}/events")).body(Body::empty()).unwrap();
    let response = app.router(false).oneshot(request).await.unwrap();
    assert_eq!(response.status(), 200, "a stream that stays open");
}

/// Opens the project's stream, with `Last-Event-ID: last` if given, and reads until it has sent
/// `operations` operation events.
async fn first_operations(app: &crate::helpers::TestApp, last: Option<&str>, operations: usize) -> String {
    let mut request = Request::get(format!("/api/projects/{PROJECT}/events"));
    if let Some(last) = last {
        request = request.header("last-event-id", last);
    }
    let response = app.router(false).oneshot(request.body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.status(), 200);
    let mut stream = response.into_body().into_data_stream();
    let mut text = String::new();
    let wanted = format!("{operations} operations");
    read_while(&mut stream, &mut text, |text| text.matches("event: operation").count() < operations, &wanted)
        .await;
    text
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reconnecting_stream_gets_the_operations_changed_since_its_last_event() {
    let cloud = Cloud::start().await;
    let app = cloud.app().await;
    let before = Utc::now() - chrono::Duration::seconds(1);
    let standard =
        |name: &str| model::cluster_spec::ClusterSpec { plan: model::plan::Plan::Standard, ..spec(name) };
    let first = app.services().create_cluster(PROJECT, &alice(), &standard("first"), None).await.unwrap();
    for index in 0..20 {
        let name = format!("later-{index}");
        app.services().create_cluster(PROJECT, &alice(), &standard(&name), None).await.unwrap();
    }
    let first = first.operation_id.as_str().to_owned();

    // A new stream sends the 20 latest: the first operation is not among them.
    let text = first_operations(&app, None, 20).await;
    assert!(!text.contains(&first), "only the recent operations on a first connection:\n{text}");
    let ids: Vec<&str> = text.lines().filter_map(|line| line.strip_prefix("id: ")).collect();
    assert_eq!(ids.len(), 20, "each operation event carries an id:\n{text}");
    let last = chrono::DateTime::parse_from_rfc3339(ids[19]).expect("the id is a time");
    assert!(ids.iter().all(|id| chrono::DateTime::parse_from_rfc3339(id).unwrap() <= last), "{ids:?}");

    // A browser reconnecting with the id of an event before the first operation gets it too.
    let id = before.to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
    let text = first_operations(&app, Some(&id), 21).await;
    assert!(text.contains(&first), "the operation changed since the last event:\n{text}");
    // A stranger's id is no time: the stream opens as a first connection.
    let text = first_operations(&app, Some("not-a-time"), 20).await;
    assert!(!text.contains(&first));
}
