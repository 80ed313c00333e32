//! The operations queue on both backends: idempotent submission with its audit event, claiming
//! with leases, one operation per cluster at a time, the step log, and finishing.

use chrono::{Duration, Utc};
use model::activity::TargetKind;
use model::operation::{OperationState, StepState};
use provider::api::{NodePoolCreation, NodePoolSizing};
use server::operations::params::OperationRequest;
use server::operations::store::{self, NewOperation};

use crate::helpers::{TestApp, count};

fn new(cluster: &str, key: Option<&str>) -> NewOperation {
    NewOperation {
        project_id: "default".into(),
        request: OperationRequest::CreateNodePool(NodePoolCreation {
            flavor_name: "b3-8".into(),
            sizing: NodePoolSizing { desired_nodes: Some(3), ..Default::default() },
            ..Default::default()
        }),
        cluster_id: Some(cluster.into()),
        target_kind: TargetKind::NodePool,
        target_id: None,
        target_name: Some("workers".into()),
        actor: "alice".into(),
        actor_address: Some("192.0.2.10".into()),
        idempotency_key: key.map(str::to_string),
    }
}

#[tokio::test]
async fn a_repeated_submission_returns_the_first_operation_and_is_audited_once() {
    let app = TestApp::spawn().await;
    let now = Utc::now();
    let (first, created) = store::submit(&app.db, &new("c1", Some("k1")), now).await.unwrap();
    let (again, created_again) = store::submit(&app.db, &new("c1", Some("k1")), now).await.unwrap();
    assert!(created && !created_again);
    assert_eq!(first, again);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM operations").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_events WHERE outcome = 'requested'").await, 1);
}

#[tokio::test]
async fn operations_on_one_cluster_run_one_at_a_time_oldest_first() {
    let app = TestApp::spawn().await;
    let t0 = Utc::now();
    let (first, _) = store::submit(&app.db, &new("c1", None), t0).await.unwrap();
    let (second, _) = store::submit(&app.db, &new("c1", None), t0 + Duration::milliseconds(1)).await.unwrap();
    let (other, _) = store::submit(&app.db, &new("c2", None), t0 + Duration::milliseconds(2)).await.unwrap();
    let now = t0 + Duration::seconds(1);
    let lease = now + Duration::seconds(30);

    assert_eq!(store::claim(&app.db, "r1", now, lease).await.unwrap().unwrap().id, first);
    assert_eq!(store::claim(&app.db, "r1", now, lease).await.unwrap().unwrap().id, other, "c1 is busy");
    assert!(
        store::claim(&app.db, "r1", now, lease).await.unwrap().is_none(),
        "the second c1 operation waits"
    );

    store::finish(&app.db, &first, OperationState::Succeeded, None, now).await.unwrap();
    assert_eq!(store::claim(&app.db, "r1", now, lease).await.unwrap().unwrap().id, second);
    assert_eq!(store::state(&app.db, &first).await.unwrap().as_deref(), Some("succeeded"));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_events WHERE outcome = 'succeeded'").await, 1);
}

#[tokio::test]
async fn an_expired_lease_lets_another_runner_resume_the_operation() {
    let app = TestApp::spawn().await;
    let t0 = Utc::now();
    let (id, _) = store::submit(&app.db, &new("c1", None), t0).await.unwrap();
    let claimed = store::claim(&app.db, "crashed", t0, t0 + Duration::seconds(10)).await.unwrap().unwrap();
    assert_eq!(claimed.attempts, 1);
    store::record_step(&app.db, &id, 1, "create_node_pool", StepState::Succeeded, None, t0).await.unwrap();
    store::record_step(&app.db, &id, 2, "wait_for_ready", StepState::Running, Some("0 of 3 nodes ready"), t0)
        .await
        .unwrap();

    assert!(
        store::claim(&app.db, "r2", t0 + Duration::seconds(5), t0 + Duration::seconds(40))
            .await
            .unwrap()
            .is_none()
    );
    let resumed = store::claim(&app.db, "r2", t0 + Duration::seconds(11), t0 + Duration::seconds(41))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((resumed.id.clone(), resumed.attempts), (id.clone(), 2));
    let Ok(OperationRequest::CreateNodePool(body)) = &resumed.request else {
        panic!("the request reads back: {:?}", resumed.request);
    };
    assert_eq!(body.sizing.desired_nodes, Some(3));
    assert!(
        !store::renew(&app.db, &id, "crashed", t0 + Duration::seconds(60)).await.unwrap(),
        "the old owner lost it"
    );
    assert!(store::renew(&app.db, &id, "r2", t0 + Duration::seconds(60)).await.unwrap());

    store::record_step(
        &app.db,
        &id,
        2,
        "wait_for_ready",
        StepState::Succeeded,
        Some("3 of 3 nodes ready"),
        t0,
    )
    .await
    .unwrap();
    let steps = store::steps(&app.db, &id).await.unwrap();
    assert_eq!(
        steps.iter().map(|s| (s.seq, s.state.as_str())).collect::<Vec<_>>(),
        vec![(1, "succeeded"), (2, "succeeded")]
    );
    assert_eq!(steps[1].detail.as_deref(), Some("3 of 3 nodes ready"));

    let error = ("Client::BadRequest", "availabilityZones is mandatory", Some("EU.ext-3.x"));
    store::finish(&app.db, &id, OperationState::Failed, Some(error), t0).await.unwrap();
    assert_eq!(store::state(&app.db, &id).await.unwrap().as_deref(), Some("failed"));
    assert!(
        store::claim(&app.db, "r2", t0 + Duration::seconds(100), t0 + Duration::seconds(130))
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn concurrent_runners_never_claim_the_same_operation() {
    let app = TestApp::spawn().await;
    let t0 = Utc::now();
    for i in 0..20 {
        store::submit(&app.db, &new(&format!("c{i}"), None), t0).await.unwrap();
    }
    let now = t0 + Duration::seconds(1);
    let runner = |owner: &'static str| {
        let db = app.db.clone();
        tokio::spawn(async move {
            let mut mine = Vec::new();
            while let Some(op) = store::claim(&db, owner, now, now + Duration::seconds(60)).await.unwrap() {
                mine.push(op.id);
            }
            mine
        })
    };
    let (a, b) = (runner("a"), runner("b"));
    let (mut a, b) = (a.await.unwrap(), b.await.unwrap());
    a.extend(b);
    let total = a.len();
    a.sort();
    a.dedup();
    assert_eq!((total, a.len()), (20, 20), "every operation claimed exactly once");
}
