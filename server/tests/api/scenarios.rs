//! Whole journeys through the services and the runner against the emulator, on both backends:
//! every kind of change carried out; operations surviving 30 % server errors and bursts of 429;
//! idempotency keys; refusals at the field; cancellation; two runners sharing one queue.

use chrono::Utc;
use emulator::fault::Fault;
use model::id::{ClusterId, NodeId, NodePoolId};
use model::oidc::OidcConfig;
use model::operation::{OperationState, StepState};
use model::reset::WorkerNodesPolicy;
use model::version::{OFFERED_MINORS, UpdateStrategy};
use provider::api::{Customization, KubeProxyCustomization, ResetCreation};
use server::operations::store;
use server::services::{ServiceError, Submitted};

use crate::cloud::{Cloud, PROJECT, SERVICE, alice, drive, later, pool, runner, spec};
use crate::helpers::{TestApp, count};
use crate::issuer::Issuer;

async fn state_of(app: &TestApp, submitted: &Submitted) -> OperationState {
    store::view(&app.db, &submitted.operation_id).await.unwrap().unwrap().state
}

async fn assert_succeeded(app: &TestApp, submitted: &Submitted, what: &str) {
    let view = store::view(&app.db, &submitted.operation_id).await.unwrap().unwrap();
    assert_eq!(view.state, OperationState::Succeeded, "{what}: {view:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn every_kind_of_change_is_carried_out() {
    let cloud = Cloud::start().await;
    let app = cloud.app().await;
    let (s, me) = (app.services(), alice());
    let mut older = spec("life");
    older.version = OFFERED_MINORS[OFFERED_MINORS.len() - 2];
    s.create_cluster(PROJECT, &me, &older, None).await.unwrap();
    let runner = runner(&app, "r1");
    let mut now = drive(&cloud, &[&runner], Utc::now(), 15).await;
    let id = ClusterId::new(cloud.client.list_clusters(SERVICE).await.unwrap().remove(0).id);

    // One change at a time, each carried to its end before the next.
    let mut run = async |submitted: Submitted, what: &str| {
        now = drive(&cloud, &[&runner], now, 40).await;
        assert_succeeded(&app, &submitted, what).await;
    };
    run(s.rename_cluster(PROJECT, &me, &id, "life-renamed", None).await.unwrap(), "rename").await;
    run(s.upgrade_cluster(PROJECT, &me, &id, UpdateStrategy::NextMinor, None).await.unwrap(), "upgrade")
        .await;
    run(s.restart_cluster(PROJECT, &me, &id, false, None).await.unwrap(), "restart").await;
    let proxy = Customization {
        kube_proxy: Some(KubeProxyCustomization { iptables: None, ipvs: None }),
        ..Default::default()
    };
    run(s.customize_cluster(PROJECT, &me, &id, proxy, None).await.unwrap(), "customize").await;
    run(s.create_node_pool(PROJECT, &me, &id, &pool("extra", 2), None).await.unwrap(), "create pool").await;
    let pools = cloud.client.list_node_pools(SERVICE, &id).await.unwrap();
    let extra = pools.iter().find(|p| p.name == "extra").unwrap();
    let nodes = s.list_nodes(PROJECT, &id).await.unwrap();
    let doomed = nodes.iter().find(|n| n.node_pool_id == extra.id).unwrap().clone();
    run(
        s.remove_node(PROJECT, &me, &id, &NodePoolId::new(&extra.id), &NodeId::new(&doomed.id), None)
            .await
            .unwrap(),
        "remove node",
    )
    .await;
    let left: Vec<_> = s
        .list_nodes(PROJECT, &id)
        .await
        .unwrap()
        .into_iter()
        .filter(|n| n.node_pool_id == extra.id)
        .collect();
    assert_eq!(left.len(), 1);
    assert_ne!(left[0].id, doomed.id, "that node and no other went");
    run(
        s.delete_node_pool(PROJECT, &me, &id, &NodePoolId::new(&extra.id), None).await.unwrap(),
        "delete pool",
    )
    .await;
    assert!(cloud.client.list_node_pools(SERVICE, &id).await.unwrap().iter().all(|p| p.name != "extra"));
    run(s.reset_kubeconfig(PROJECT, &me, &id, None).await.unwrap(), "reset kubeconfig").await;
    let ips = vec!["198.51.100.7".to_string()];
    run(s.set_ip_restrictions(PROJECT, &me, &id, &ips, None).await.unwrap(), "allow-list").await;
    assert_eq!(
        cloud.client.ip_restrictions(SERVICE, &id).await.unwrap(),
        vec!["198.51.100.7/32".to_string()]
    );
    let issuer = Issuer::start().await;
    let unknown =
        OidcConfig { client_id: "kube".into(), issuer_url: issuer.url.clone(), ..Default::default() };
    let refused = s.set_cluster_oidc(PROJECT, &me, &id, &unknown, None).await.unwrap_err();
    let ServiceError::Invalid(errors) = refused else { panic!("{refused:?}") };
    let not_reachable = format!("The issuer {} is not reachable from the console.", issuer.url);
    assert_eq!(
        errors.message_for("issuerUrl"),
        Some(not_reachable.as_str()),
        "a loopback issuer not the console's"
    );
    // As the console's own identity provider, the loopback issuer is checked; its authority is
    // needed to reach it.
    let own = issuer.as_console_identity(s);
    let refused = own.set_cluster_oidc(PROJECT, &me, &id, &unknown, None).await.unwrap_err();
    let ServiceError::Invalid(errors) = refused else { panic!("{refused:?}") };
    assert_eq!(errors.message_for("issuerUrl"), Some(not_reachable.as_str()), "no authority: no TLS");
    let oidc = OidcConfig { ca_content: Some(issuer.ca_content.clone()), ..unknown };
    run(own.set_cluster_oidc(PROJECT, &me, &id, &oidc, None).await.unwrap(), "set OIDC").await;
    assert_eq!(s.cluster_oidc(PROJECT, &id).await.unwrap().unwrap().issuer_url, oidc.issuer_url);
    run(s.remove_cluster_oidc(PROJECT, &me, &id, None).await.unwrap(), "remove OIDC").await;
    assert_eq!(s.cluster_oidc(PROJECT, &id).await.unwrap(), None);
    let reinstall =
        ResetCreation { worker_nodes_policy: Some(WorkerNodesPolicy::Reinstall), ..Default::default() };
    run(s.reset_cluster(PROJECT, &me, &id, reinstall, None).await.unwrap(), "reset").await;
    let cluster = s.get_cluster(PROJECT, &id).await.unwrap();
    assert_eq!(cluster.name, "life-renamed");
    assert!(cluster.version.starts_with(&OFFERED_MINORS[OFFERED_MINORS.len() - 1].to_string()));
    run(s.delete_cluster(PROJECT, &me, &id, None).await.unwrap(), "delete").await;
    assert!(cloud.client.list_clusters(SERVICE).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn operations_complete_through_server_errors_and_bursts_of_429() {
    let cloud = Cloud::start().await;
    let app = cloud.app().await;
    let (s, me) = (app.services(), alice());
    let mut created = Vec::new();
    for i in 0..4 {
        created.push(s.create_cluster(PROJECT, &me, &spec(&format!("flaky-{i}")), None).await.unwrap());
    }
    let errors = vec![Fault {
        path_contains: String::new(),
        method: None,
        rate: 0.3,
        status: Some(500),
        latency_ms: 0,
    }];
    let burst = vec![Fault { rate: 1.0, status: Some(429), ..errors[0].clone() }];
    let runner = runner(&app, "r1");
    let mut now = Utc::now();
    // 30 % of calls fail with 500 throughout; every fourth round every call gets 429.
    for round in 0..30 {
        cloud.set_faults(if round % 4 == 3 { burst.clone() } else { errors.clone() });
        now = drive(&cloud, &[&runner], now, 1).await;
    }
    // Faults drawn at random can leave an operation waiting out its longest backoff (5 s × 2⁶
    // plus up to half of it, 8 minutes) when they stop: the runner carries it on once that is over.
    cloud.set_faults(Vec::new());
    drive(&cloud, &[&runner], now, 10).await;
    for submitted in &created {
        assert_succeeded(&app, submitted, "creation under faults").await;
    }
    let clusters = cloud.client.list_clusters(SERVICE).await.unwrap();
    let mut names: Vec<_> = clusters.iter().map(|c| c.name.clone()).collect();
    names.sort();
    assert_eq!(names, vec!["flaky-0", "flaky-1", "flaky-2", "flaky-3"], "each cluster exactly once");
    for cluster in &clusters {
        assert_eq!(
            cloud.client.list_node_pools(SERVICE, &ClusterId::new(&cluster.id)).await.unwrap().len(),
            2
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_same_idempotency_key_twice_makes_one_cluster() {
    let cloud = Cloud::start().await;
    let app = cloud.app().await;
    let (s, me) = (app.services(), alice());
    let key = Some("wizard-7f3a".to_string());
    let first = s.create_cluster(PROJECT, &me, &spec("once"), key.clone()).await.unwrap();
    let again = s.create_cluster(PROJECT, &me, &spec("once"), key.clone()).await.unwrap();
    assert!(first.new && !again.new);
    assert_eq!(first.operation_id, again.operation_id);
    let runner = runner(&app, "r1");
    drive(&cloud, &[&runner], Utc::now(), 15).await;
    let late = s.create_cluster(PROJECT, &me, &spec("once"), key).await.unwrap();
    assert_eq!(late.operation_id, first.operation_id, "even once the cluster exists");
    assert_eq!(cloud.client.list_clusters(SERVICE).await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn invalid_requests_are_refused_at_their_field_and_nothing_is_queued() {
    let cloud = Cloud::start().await;
    let app = cloud.app().await;
    let (s, me) = (app.services(), alice());
    let field_of = |result: Result<Submitted, ServiceError>| match result {
        Err(ServiceError::Invalid(errors)) => errors.iter().map(|e| e.field.clone()).collect::<Vec<_>>(),
        other => panic!("expected a refusal, got {other:?}"),
    };

    let mut too_big = spec("big");
    too_big.node_pools = vec![pool("alpha", 60), pool("beta", 50)];
    assert_eq!(field_of(s.create_cluster(PROJECT, &me, &too_big, None).await), vec!["nodePools"]);
    let mut anti = spec("anti");
    anti.node_pools[0].anti_affinity = true;
    anti.node_pools[0].desired_nodes = 6;
    anti.node_pools[0].max_nodes = 6;
    assert_eq!(field_of(s.create_cluster(PROJECT, &me, &anti, None).await), vec!["nodePools.0.desiredNodes"]);
    let mut elsewhere = spec("elsewhere");
    elsewhere.region = "NOWHERE1".into();
    assert_eq!(field_of(s.create_cluster(PROJECT, &me, &elsewhere, None).await), vec!["region"]);
    let mut unknown_flavor = spec("flavor");
    unknown_flavor.node_pools[0].flavor_name = "z9-999".into();
    assert_eq!(
        field_of(s.create_cluster(PROJECT, &me, &unknown_flavor, None).await),
        vec!["nodePools.0.flavorName"]
    );

    s.create_cluster(PROJECT, &me, &spec("taken"), None).await.unwrap();
    assert_eq!(field_of(s.create_cluster(PROJECT, &me, &spec("taken"), None).await), vec!["name"]);
    let runner = runner(&app, "r1");
    drive(&cloud, &[&runner], Utc::now(), 15).await;
    let id = ClusterId::new(cloud.client.list_clusters(SERVICE).await.unwrap().remove(0).id);
    let mut wrong = pool("general", 2);
    wrong.flavor_name = "b3-16".into();
    let pool_id = cloud
        .client
        .list_node_pools(SERVICE, &id)
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.name == "general")
        .unwrap()
        .id;
    assert_eq!(
        field_of(s.update_node_pool(PROJECT, &me, &id, &NodePoolId::new(&pool_id), &wrong, None).await),
        vec!["flavorName"]
    );
    assert_eq!(
        field_of(s.set_ip_restrictions(PROJECT, &me, &id, &["10.0.0.300".into()], None).await),
        vec!["ips.0"]
    );
    assert_eq!(
        field_of(s.upgrade_cluster(PROJECT, &me, &id, UpdateStrategy::NextMinor, None).await),
        vec!["strategy"]
    );
    assert_eq!(
        field_of(s.update_private_network(PROJECT, &me, &id, None, Some(None), None).await),
        vec!["privateNetwork"]
    );
    assert!(matches!(
        s.get_cluster(PROJECT, &ClusterId::new("no-such-cluster")).await,
        Err(ServiceError::NotFound(_))
    ));
    assert!(matches!(s.list_clusters("no-such-project").await, Err(ServiceError::UnknownProject(_))));

    let queued = store::recent(&app.db, PROJECT, None, 50).await.unwrap();
    assert_eq!(queued.len(), 1, "only the valid creation was queued: {queued:#?}");
    assert_eq!(cloud.client.list_clusters(SERVICE).await.unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_operation_can_be_cancelled_until_it_reaches_the_provider() {
    let cloud = Cloud::start().await;
    let app = cloud.app().await;
    let (s, me) = (app.services(), alice());
    let waiting = s.create_cluster(PROJECT, &me, &spec("never"), None).await.unwrap();
    s.cancel(PROJECT, &me, &waiting.operation_id).await.unwrap();
    assert_eq!(state_of(&app, &waiting).await, OperationState::Cancelled);

    let started = s.create_cluster(PROJECT, &me, &spec("started"), None).await.unwrap();
    let runner = runner(&app, "r1");
    let now = Utc::now();
    runner.run_once(now).await.unwrap();
    let refused = s.cancel(PROJECT, &me, &started.operation_id).await.unwrap_err();
    assert!(refused.to_string().contains("cannot stop it"), "{refused}");
    drive(&cloud, &[&runner], later(now, 5), 15).await;
    assert_eq!(state_of(&app, &started).await, OperationState::Succeeded);
    let names: Vec<_> =
        cloud.client.list_clusters(SERVICE).await.unwrap().into_iter().map(|c| c.name).collect();
    assert_eq!(names, vec!["started"]);
    assert!(matches!(
        s.cancel(PROJECT, &me, &started.operation_id).await,
        Err(ServiceError::Conflict(message)) if message.contains("already ended")
    ));
}

#[tokio::test(flavor = "multi_thread")]
async fn two_runners_share_one_queue_and_run_nothing_twice() {
    let cloud = Cloud::start().await;
    let app = cloud.app().await;
    let (s, me) = (app.services(), alice());
    let mut submitted = Vec::new();
    for i in 0..12 {
        submitted.push(s.create_cluster(PROJECT, &me, &spec(&format!("shared-{i}")), None).await.unwrap());
    }
    let fast = |owner: &str| server::operations::runner::Runner {
        poll: std::time::Duration::from_millis(20),
        ..runner(&app, owner)
    };
    let runners = [tokio::spawn(fast("one").run()), tokio::spawn(fast("two").run())];
    let mut rounds = 0;
    loop {
        let mut done = 0;
        for op in &submitted {
            if state_of(&app, op).await.is_finished() {
                done += 1;
            }
        }
        if done == submitted.len() {
            break;
        }
        cloud.advance(60);
        tokio::time::sleep(std::time::Duration::from_millis(30)).await;
        rounds += 1;
        assert!(rounds < 1000, "the runners did not finish");
    }
    for runner in runners {
        runner.abort();
    }
    for op in &submitted {
        assert_succeeded(&app, op, "shared queue").await;
        let steps = store::steps(&app.db, &op.operation_id).await.unwrap();
        assert_eq!(steps[0].state, StepState::Succeeded, "created, not adopted from a twin run");
    }
    let clusters = cloud.client.list_clusters(SERVICE).await.unwrap();
    assert_eq!(clusters.len(), submitted.len(), "one cluster per operation");
}

#[tokio::test(flavor = "multi_thread")]
async fn reads_come_from_the_provider_and_a_kubeconfig_download_is_audited() {
    let cloud = Cloud::start().await;
    let app = cloud.app().await;
    let (s, me) = (app.services(), alice());
    let paris = s.region(PROJECT, "EU-WEST-PAR").await.unwrap().unwrap();
    assert_eq!(paris.zones.len(), 3, "zones from the catalogue");
    let flavors = s.flavors(PROJECT, "GRA11").await.unwrap();
    assert!(flavors.iter().any(|f| f.name == "b3-8" && f.disk_gb.is_some()));
    assert_eq!(s.versions().last(), OFFERED_MINORS.last());

    s.create_cluster(PROJECT, &me, &spec("reads"), None).await.unwrap();
    let runner = runner(&app, "r1");
    drive(&cloud, &[&runner], Utc::now(), 15).await;
    let id = ClusterId::new(s.list_clusters(PROJECT).await.unwrap().remove(0).id);
    assert_eq!(s.list_node_pools(PROJECT, &id).await.unwrap().len(), 2);
    assert_eq!(s.list_nodes(PROJECT, &id).await.unwrap().len(), 3);
    assert!(s.etcd_usage(PROJECT, &id).await.unwrap().quota > 0);
    assert!(s.customization(PROJECT, &id).await.unwrap().api_server.is_some());

    let file = s.admin_kubeconfig(PROJECT, &me, &id).await.unwrap();
    assert_eq!(file.file_name, "reads.yaml");
    assert!(file.content.contains("certificate-authority-data"));
    assert!(!format!("{file:?}").contains("certificate-authority-data"), "never in debug output");
    let sql = "SELECT COUNT(*) FROM audit_events WHERE action = 'kubeconfig.download' AND actor = 'alice' \
        AND outcome = 'succeeded'";
    assert_eq!(count(&app, sql).await, 1, "one audit event per download");
}
