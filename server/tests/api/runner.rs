//! The runner against the emulator over HTTP, on both backends: a cluster with two pools carried
//! to READY with every step, a crashed runner's work adopted rather than repeated, a provider
//! refusal ending the operation at once with the provider's message and query id, and changes to
//! a busy cluster queued behind the one in progress.

use std::time::Duration;

use chrono::Utc;
use model::activity::TargetKind;
use model::id::{ClusterId, NodePoolId};
use model::version::UpdatePolicy;
use provider::api::ClusterCreation;
use server::operations::params::{self, OperationRequest};
use server::operations::store::{self, NewOperation};

use crate::cloud::{Cloud, PROJECT, SERVICE, alice, drive, later, runner, spec};

fn creation(body: ClusterCreation) -> NewOperation {
    let target_name = body.name.clone();
    NewOperation {
        project_id: PROJECT.into(),
        request: OperationRequest::CreateCluster(Box::new(params::CreateCluster {
            body,
            ip_restrictions: vec![],
        })),
        cluster_id: None,
        target_kind: TargetKind::Cluster,
        target_id: None,
        target_name,
        actor: "alice".into(),
        actor_address: None,
        idempotency_key: None,
    }
}

fn demo() -> ClusterCreation {
    ClusterCreation { region: "GRA11".into(), name: Some("demo".into()), ..Default::default() }
}

fn step_log(steps: &[store::Step]) -> Vec<(&str, &str)> {
    steps.iter().map(|s| (s.name.as_str(), s.state.as_str())).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cluster_with_two_pools_is_carried_to_ready_with_every_step() {
    let cloud = Cloud::start().await;
    let app = cloud.app().await;
    let mut wanted = spec("two-pools");
    wanted.api_allow_list = vec!["203.0.113.0/24".parse().unwrap()];
    let submitted = app.services().create_cluster(PROJECT, &alice(), &wanted, None).await.unwrap();
    let id = submitted.operation_id;
    let runner = runner(&app, "r1");
    let t0 = Utc::now();

    assert_eq!(runner.run_once(t0).await.unwrap(), Some(id.clone()));
    assert_eq!(
        store::state(&app.db, &id).await.unwrap().as_deref(),
        Some("pending"),
        "waiting for the provider"
    );
    assert_eq!(runner.run_once(later(t0, 1)).await.unwrap(), None, "not before the next poll");
    let steps = store::steps(&app.db, &id).await.unwrap();
    assert_eq!(step_log(&steps), vec![("create", "succeeded"), ("wait_for_ready", "running")]);
    assert_eq!(steps[1].detail.as_deref(), Some("cluster is INSTALLING"));

    drive(&cloud, &[&runner], later(t0, 6), 15).await;
    assert_eq!(store::state(&app.db, &id).await.unwrap().as_deref(), Some("succeeded"));
    let steps = store::steps(&app.db, &id).await.unwrap();
    assert_eq!(
        step_log(&steps),
        vec![
            ("create", "succeeded"),
            ("wait_for_ready", "succeeded"),
            ("set_ip_restrictions", "succeeded"),
            ("wait_for_node_pools", "succeeded"),
        ]
    );
    assert_eq!(steps[3].detail.as_deref(), Some("2 pools: 3 of 3 nodes ready"));
    let clusters = cloud.client.list_clusters(SERVICE).await.unwrap();
    assert_eq!(clusters.len(), 1);
    let pools = cloud.client.list_node_pools(SERVICE, &ClusterId::new(&clusters[0].id)).await.unwrap();
    assert_eq!(pools.iter().map(|p| p.available_nodes).sum::<u32>(), 3);
    let ips = cloud.client.ip_restrictions(SERVICE, &ClusterId::new(&clusters[0].id)).await.unwrap();
    assert_eq!(ips, vec!["203.0.113.0/24".to_string()]);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crashed_runners_cluster_is_adopted_not_created_twice() {
    let cloud = Cloud::start().await;
    let app = cloud.app().await;
    let t0 = Utc::now();
    let (id, _) = store::submit(&app.db, &creation(demo()), t0).await.unwrap();
    // The first runner claims it, creates the cluster, and dies before recording anything.
    store::claim(&app.db, "crashed", t0, later(t0, 30)).await.unwrap().unwrap();
    cloud.client.create_cluster(SERVICE, &demo()).await.unwrap();

    let runner = runner(&app, "r2");
    assert_eq!(runner.run_once(later(t0, 10)).await.unwrap(), None, "the lease still holds");
    assert_eq!(runner.run_once(later(t0, 31)).await.unwrap(), Some(id.clone()));
    assert_eq!(cloud.client.list_clusters(SERVICE).await.unwrap().len(), 1, "no second cluster");
    let steps = store::steps(&app.db, &id).await.unwrap();
    assert_eq!(step_log(&steps)[0], ("create", "skipped"), "adopted");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_runner_killed_mid_operation_is_replaced_and_nothing_is_made_twice() {
    let cloud = Cloud::start().await;
    let app = cloud.app().await;
    let submitted = app.services().create_cluster(PROJECT, &alice(), &spec("killed"), None).await.unwrap();
    let id = submitted.operation_id;
    let fast = |owner: &str| server::operations::runner::Runner {
        lease: Duration::from_secs(1),
        poll: Duration::from_millis(20),
        ..runner(&app, owner)
    };
    let first = tokio::spawn(fast("first").run());
    // Kill it once the cluster exists at the provider and the operation is under way.
    let mut waited = 0;
    while store::steps(&app.db, &id).await.unwrap().len() < 2 {
        tokio::time::sleep(Duration::from_millis(10)).await;
        waited += 1;
        assert!(waited < 500, "the first runner never started");
    }
    first.abort();
    let _ = first.await;

    let second = tokio::spawn(fast("second").run());
    let mut rounds = 0;
    while store::state(&app.db, &id).await.unwrap().as_deref() != Some("succeeded") {
        cloud.advance(60);
        tokio::time::sleep(Duration::from_millis(25)).await;
        rounds += 1;
        assert!(rounds < 800, "the second runner never finished: {:?}", store::steps(&app.db, &id).await);
    }
    second.abort();
    let clusters = cloud.client.list_clusters(SERVICE).await.unwrap();
    assert_eq!(clusters.len(), 1, "one cluster");
    assert_eq!(
        cloud.client.list_node_pools(SERVICE, &ClusterId::new(&clusters[0].id)).await.unwrap().len(),
        2,
        "two pools"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_provider_refusal_fails_the_operation_at_once_with_its_message_and_query_id() {
    let cloud = Cloud::start().await;
    let app = cloud.app().await;
    let t0 = Utc::now();
    let bad = ClusterCreation { version: Some("1.29".into()), ..demo() };
    let (id, _) = store::submit(&app.db, &creation(bad), t0).await.unwrap();
    let runner = runner(&app, "r1");
    runner.run_once(t0).await.unwrap();
    assert_eq!(store::state(&app.db, &id).await.unwrap().as_deref(), Some("failed"));
    let (class, message, query_id) = store::error(&app.db, &id).await.unwrap();
    assert_eq!(class.as_deref(), Some("Client::BadRequest"));
    assert!(message.unwrap().contains("Version 1.29 is not available"));
    assert!(query_id.unwrap().starts_with("EMU."));
    assert_eq!(runner.run_once(later(t0, 3600)).await.unwrap(), None, "never tried again");
    assert!(cloud.client.list_clusters(SERVICE).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_change_to_a_busy_cluster_waits_for_the_one_before_it() {
    let cloud = Cloud::start().await;
    let app = cloud.app().await;
    let services = app.services();
    services.create_cluster(PROJECT, &alice(), &spec("busy"), None).await.unwrap();
    let runner = runner(&app, "r1");
    let now = drive(&cloud, &[&runner], Utc::now(), 15).await;
    let cluster = cloud.client.list_clusters(SERVICE).await.unwrap().remove(0);
    let pool = cloud.client.list_node_pools(SERVICE, &ClusterId::new(&cluster.id)).await.unwrap().remove(0);

    let mut bigger = model::node_pool::NodePoolSpec::from(&pool);
    bigger.desired_nodes += 2;
    let scale = services
        .update_node_pool(
            PROJECT,
            &alice(),
            &ClusterId::new(&cluster.id),
            &NodePoolId::new(&pool.id),
            &bigger,
            None,
        )
        .await
        .unwrap();
    let policy = services
        .update_cluster_policy(
            PROJECT,
            &alice(),
            &ClusterId::new(&cluster.id),
            UpdatePolicy::NeverUpdate,
            None,
        )
        .await
        .unwrap();
    assert_eq!(runner.run_once(now).await.unwrap(), Some(scale.operation_id.clone()));
    assert_eq!(runner.run_once(now).await.unwrap(), None, "the policy change waits for the scaling");
    assert!(store::steps(&app.db, &policy.operation_id).await.unwrap().is_empty());

    drive(&cloud, &[&runner], later(now, 60), 10).await;
    let scaled = store::view(&app.db, &scale.operation_id).await.unwrap().unwrap();
    let changed = store::view(&app.db, &policy.operation_id).await.unwrap().unwrap();
    assert_eq!(scaled.state, model::operation::OperationState::Succeeded);
    assert_eq!(changed.state, model::operation::OperationState::Succeeded);
    assert!(changed.finished_at >= scaled.finished_at);
    let cluster = cloud.client.get_cluster(SERVICE, &ClusterId::new(&cluster.id)).await.unwrap();
    assert_eq!(cluster.update_policy, UpdatePolicy::NeverUpdate);
    let pool = cloud
        .client
        .get_node_pool(SERVICE, &ClusterId::new(&cluster.id), &NodePoolId::new(&pool.id))
        .await
        .unwrap();
    assert_eq!(pool.available_nodes, bigger.desired_nodes);
}

#[tokio::test(flavor = "multi_thread")]
async fn each_step_is_stamped_when_it_starts_and_when_it_ends() {
    let cloud = Cloud::start().await;
    // Creating takes the provider a quarter of a second.
    let slow = emulator::fault::Fault {
        path_contains: "/kube".into(),
        method: Some("POST".into()),
        rate: 1.0,
        status: None,
        latency_ms: 250,
    };
    cloud.set_faults(vec![slow]);
    let app = cloud.app().await;
    let submitted = app.services().create_cluster(PROJECT, &alice(), &spec("stamped"), None).await.unwrap();
    runner(&app, "r1").run_once(Utc::now()).await.unwrap();
    let operation = app.services().operation(PROJECT, &submitted.operation_id).await.unwrap();
    let time = |text: &str| chrono::DateTime::parse_from_rfc3339(text).unwrap();
    let (create, wait) = (&operation.steps[0], &operation.steps[1]);
    let (started, ended) = (time(&create.started_at), time(create.finished_at.as_deref().unwrap()));
    assert!(ended - started >= chrono::Duration::milliseconds(250), "{create:?}");
    assert!(time(&wait.started_at) >= ended, "the next step starts after: {wait:?}");
}

/// Holds a write lock on the operations table for `hold`, as a busy database would.
async fn hold_operations(db: &server::db::Db, hold: Duration) -> tokio::task::JoinHandle<()> {
    match db {
        server::db::Db::Sqlite(pool) => {
            let mut tx = pool.begin().await.unwrap();
            sqlx::query("UPDATE operations SET attempts = attempts").execute(&mut *tx).await.unwrap();
            tokio::spawn(async move {
                tokio::time::sleep(hold).await;
                tx.commit().await.unwrap();
            })
        }
        server::db::Db::Postgres(pool) => {
            let mut tx = pool.begin().await.unwrap();
            sqlx::query("LOCK TABLE operations IN EXCLUSIVE MODE").execute(&mut *tx).await.unwrap();
            tokio::spawn(async move {
                tokio::time::sleep(hold).await;
                tx.commit().await.unwrap();
            })
        }
    }
}

/// Pages compare operations' stamps with the times the provider was read at, so a step is
/// stamped with the time it happened at: a claim held up by the database does not make the
/// stamps of the pass lag behind.
#[tokio::test(flavor = "multi_thread")]
async fn a_slow_claim_does_not_make_the_stamps_lag() {
    let cloud = Cloud::start().await;
    let app = cloud.app().await;
    let submitted = app.services().create_cluster(PROJECT, &alice(), &spec("stamped"), None).await.unwrap();
    let held = hold_operations(&app.db, Duration::from_millis(500)).await;
    let t0 = Utc::now();
    let id = submitted.operation_id;
    assert_eq!(runner(&app, "r1").run_once(t0).await.unwrap(), Some(id.clone()));
    held.await.unwrap();
    let steps = store::steps(&app.db, &id).await.unwrap();
    assert_eq!(step_log(&steps)[0], ("create", "succeeded"));
    let lag = steps[0].started_at - t0;
    // The claim waited for the lock (500 ms from just before `t0`); the step came after it.
    assert!(lag >= chrono::Duration::milliseconds(400), "stamped {lag} after the pass was asked for");
}

/// A 404 to the deletion request (the cluster went between the look and the request) is not a
/// failure: the operation goes on to wait until the provider no longer lists the cluster.
#[tokio::test(flavor = "multi_thread")]
async fn a_cluster_gone_before_its_deletion_request_is_not_a_failure() {
    let cloud = Cloud::start().await;
    let app = cloud.app().await;
    let made = cloud.client.create_cluster(SERVICE, &demo()).await.unwrap();
    cloud.advance(3600);
    let id = ClusterId::new(&made.id);
    cloud.set_faults(vec![emulator::fault::Fault {
        path_contains: format!("/kube/{}", made.id),
        method: Some("DELETE".into()),
        rate: 1.0,
        status: Some(404),
        latency_ms: 0,
    }]);
    let submitted = app.services().delete_cluster(PROJECT, &alice(), &id, None).await.unwrap();
    let op = submitted.operation_id;
    let runner = runner(&app, "r1");
    let t0 = Utc::now();
    assert_eq!(runner.run_once(t0).await.unwrap(), Some(op.clone()));
    let steps = store::steps(&app.db, &op).await.unwrap();
    assert_eq!(step_log(&steps), vec![("delete", "skipped"), ("wait_for_deletion", "running")]);
    assert_eq!(steps[0].detail.as_deref(), Some("already gone"));

    cloud.set_faults(vec![]);
    cloud.client.delete_cluster(SERVICE, &id).await.unwrap();
    drive(&cloud, &[&runner], later(t0, 6), 5).await;
    assert_eq!(store::state(&app.db, &op).await.unwrap().as_deref(), Some("succeeded"));
}
