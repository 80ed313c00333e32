//! The runner against the emulator over HTTP, on both backends: a cluster creation carried to
//! READY with its steps, a crashed runner's work adopted rather than repeated, and a provider
//! refusal ending the operation with the provider's message and query id.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use model::operation::OperationKind;
use provider::api::ClusterCreation;
use provider::client::{Client, ClientConfig, Credentials};
use provider::emulator::{Emulator, EmulatorConfig, serve};
use server::operations::runner::Runner;
use server::operations::store::{self, NewOperation};

use crate::helpers::TestApp;

const PROJECT: &str = "0123456789abcdef0123456789abcdef";

async fn emulator() -> (Arc<Emulator>, Arc<Client>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let running =
        serve(listener, EmulatorConfig { speed: 0.0, ..EmulatorConfig::new(PROJECT, "ak", "as", "ck") })
            .unwrap();
    let credentials = Credentials::Application {
        application_key: "ak".into(),
        application_secret: "as".into(),
        consumer_key: "ck".into(),
    };
    let mut config = ClientConfig::new(format!("{}/1.0", running.url), credentials);
    config.rate_per_second = 0.0;
    (running.emulator, Arc::new(Client::new(config).unwrap()))
}

fn runner(app: &TestApp, client: &Arc<Client>, owner: &str) -> Runner {
    Runner {
        db: app.db.clone(),
        client: client.clone(),
        project: PROJECT.into(),
        owner: owner.into(),
        lease: Duration::from_secs(30),
        poll: Duration::from_secs(5),
    }
}

fn creation(body: ClusterCreation) -> NewOperation {
    NewOperation {
        project_id: "default".into(),
        kind: OperationKind::CreateCluster,
        cluster_id: None,
        target_kind: "cluster".into(),
        target_id: None,
        target_name: body.name.clone(),
        parameters: serde_json::to_value(body).unwrap(),
        actor: "alice".into(),
        actor_address: None,
        idempotency_key: None,
    }
}

fn demo() -> ClusterCreation {
    ClusterCreation { region: "GRA11".into(), name: Some("demo".into()), ..Default::default() }
}

async fn advance(emulator: &Emulator, seconds: u64) {
    emulator.clock.advance(Duration::from_secs(seconds));
}

fn later(now: DateTime<Utc>, seconds: i64) -> DateTime<Utc> {
    now + chrono::Duration::seconds(seconds)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cluster_creation_is_carried_to_ready_with_its_steps() {
    let app = TestApp::spawn().await;
    let (emulator, client) = emulator().await;
    let t0 = Utc::now();
    let (id, _) = store::submit(&app.db, &creation(demo()), t0).await.unwrap();
    let runner = runner(&app, &client, "r1");

    assert_eq!(runner.run_once(t0).await.unwrap(), Some(id.clone()));
    assert_eq!(
        store::state(&app.db, &id).await.unwrap().as_deref(),
        Some("pending"),
        "waiting for the provider"
    );
    assert_eq!(runner.run_once(later(t0, 1)).await.unwrap(), None, "not before the next poll");
    advance(&emulator, 6 * 60).await;
    assert_eq!(runner.run_once(later(t0, 6)).await.unwrap(), Some(id.clone()));
    assert_eq!(store::state(&app.db, &id).await.unwrap().as_deref(), Some("succeeded"));
    let steps = store::steps(&app.db, &id).await.unwrap();
    let log: Vec<(&str, &str)> = steps.iter().map(|s| (s.name.as_str(), s.state.as_str())).collect();
    assert_eq!(log, vec![("create", "succeeded"), ("wait_for_ready", "succeeded")]);
    assert_eq!(steps[1].detail.as_deref(), Some("cluster is READY"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crashed_runners_cluster_is_adopted_not_created_twice() {
    let app = TestApp::spawn().await;
    let (_emulator, client) = emulator().await;
    let t0 = Utc::now();
    let (id, _) = store::submit(&app.db, &creation(demo()), t0).await.unwrap();
    // The first runner claims it, creates the cluster, and dies before recording anything.
    store::claim(&app.db, "crashed", t0, later(t0, 30)).await.unwrap().unwrap();
    client.create_cluster(PROJECT, &demo()).await.unwrap();

    let runner = runner(&app, &client, "r2");
    assert_eq!(runner.run_once(later(t0, 10)).await.unwrap(), None, "the lease still holds");
    assert_eq!(runner.run_once(later(t0, 31)).await.unwrap(), Some(id.clone()));
    assert_eq!(client.list_clusters(PROJECT).await.unwrap().len(), 1, "no second cluster");
    assert!(store::target(&app.db, &id).await.unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_provider_refusal_fails_the_operation_with_its_message_and_query_id() {
    let app = TestApp::spawn().await;
    let (_emulator, client) = emulator().await;
    let t0 = Utc::now();
    let bad = ClusterCreation { version: Some("1.29".into()), ..demo() };
    let (id, _) = store::submit(&app.db, &creation(bad), t0).await.unwrap();
    runner(&app, &client, "r1").run_once(t0).await.unwrap();
    assert_eq!(store::state(&app.db, &id).await.unwrap().as_deref(), Some("failed"));
    let (class, message, query_id) = store::error(&app.db, &id).await.unwrap();
    assert_eq!(class.as_deref(), Some("Client::BadRequest"));
    assert!(message.unwrap().contains("Version 1.29 is not available"));
    assert!(query_id.unwrap().starts_with("EMU."));
}
