//! The fleet across two projects, each in its own emulator, with the catalog and the runner
//! running: every attention condition from real provider state, the projects' costs from the
//! provider's price catalog, the CSV export and the start page.

use std::time::Duration;

use app::api::port::Caller;
use chrono::Utc;
use emulator::fault::Fault;
use model::access::{Membership, Role, User};
use model::fleet::{Attention, FleetView};
use model::id::ClusterId;
use model::version::DEFAULT_MINOR;
use model::version_calendar::{NEAR_END_OF_LIFE_DAYS, lifecycle};
use provider::api::ClusterCreation;
use server::projects::{Project, Projects, RoleGroups};

use crate::catalog::{quick, settled, with_catalog};
use crate::cloud::{Cloud, SERVICE, alice, later, pool, runner};
use crate::helpers::TestApp;

fn project(id: &str, name: &str, cloud: &Cloud) -> Project {
    Project {
        id: id.into(),
        name: name.into(),
        service_name: SERVICE.into(),
        client: cloud.client.clone(),
        groups: RoleGroups::default(),
    }
}

fn member_of(projects: &[(&str, &str)]) -> Caller {
    let memberships = projects
        .iter()
        .map(|(id, name)| Membership {
            project_id: (*id).into(),
            project_name: (*name).into(),
            role: Role::Viewer,
        })
        .collect();
    let user =
        User { username: "vera".into(), groups: vec![], local_mode: false, memberships, via_token: None };
    Caller { user, address: None }
}

/// A cluster made at the provider, `version` and `nodes` nodes, installed.
async fn cluster(cloud: &Cloud, name: &str, version: &str, nodes: u32) -> String {
    let body = ClusterCreation {
        name: Some(name.into()),
        region: "GRA11".into(),
        version: Some(version.into()),
        nodepools: Some(vec![(&pool("general", nodes)).into()]),
        ..ClusterCreation::default()
    };
    cloud.client.create_cluster(SERVICE, &body).await.unwrap().id
}

fn row<'a>(fleet: &'a FleetView, project: &str, name: &str) -> &'a model::fleet::FleetRow {
    fleet
        .rows
        .iter()
        .find(|r| r.project_id == project && r.cluster.name == name)
        .unwrap_or_else(|| panic!("{project}/{name} in {:?}", fleet.rows))
}

/// The fleet once `ready` holds (the catalog catches up within seconds).
async fn fleet_when(app: &TestApp, caller: &Caller, ready: impl Fn(&FleetView) -> bool) -> FleetView {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let fleet = app.state.backend.fleet(caller).await.unwrap();
        if ready(&fleet) {
            return fleet;
        }
        assert!(tokio::time::Instant::now() < deadline, "{fleet:#?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_fleet_names_what_needs_attention_across_projects() {
    let (one, two) = (Cloud::start().await, Cloud::start().await);
    let web = cluster(&one, "web", "1.35", 2).await;
    let old = cluster(&one, "old", "1.31", 1).await;
    let api = cluster(&two, "api", "1.35", 3).await;
    one.advance(3600);
    two.advance(3600);
    let projects = Projects::from_list(vec![project("alpha", "Alpha", &one), project("beta", "Beta", &two)]);
    let mut app = TestApp::with_projects(projects).await;
    let catalog = with_catalog(&mut app, quick());
    settled(catalog.project("alpha").unwrap(), 2).await;
    settled(catalog.project("beta").unwrap(), 1).await;
    let caller = member_of(&[("alpha", "Alpha"), ("beta", "Beta")]);

    // At rest: every cluster, each project's cost from the provider's FR price list.
    let fleet = fleet_when(&app, &caller, |f| f.rows.len() == 3 && f.prices_origin.contains("FR")).await;
    assert_eq!(fleet.currency, "EUR");
    assert!(fleet.prices_origin.contains("FR price list"), "{}", fleet.prices_origin);
    let alpha = fleet.projects.iter().find(|p| p.id == "alpha").unwrap();
    // Three b3-8 nodes at 0.05 EUR an hour: 109.50 EUR a month.
    assert_eq!(alpha.cost.as_ref().unwrap().monthly.low.to_string(), "109.50");
    assert_eq!(alpha.clusters, 2);
    // 1.35 is near its end of life from 2026-11-30 on (the model's calendar).
    let today = Utc::now().date_naive().to_string();
    let near = lifecycle(DEFAULT_MINOR, &today, NEAR_END_OF_LIFE_DAYS).needs_attention();
    let expected = if near { vec![Attention::EndOfLife] } else { vec![] };
    assert_eq!(row(&fleet, "alpha", "web").attention, expected, "{:?}", row(&fleet, "alpha", "web"));
    let aged = row(&fleet, "alpha", "old");
    assert!(aged.needs(Attention::EndOfLife) && aged.needs(Attention::UpgradeAvailable), "{aged:?}");
    assert_eq!(aged.end_of_life.as_deref(), Some("End of life since 2025-10-28"));

    // A broken node, etcd near its quota, a failed operation.
    let nodes = two.client.list_nodes(SERVICE, &ClusterId::new(&api)).await.unwrap();
    two.emulator.break_node(&nodes[0].id).unwrap();
    one.emulator.set_etcd_usage(&web, 420 * 1024 * 1024).unwrap();
    one.set_faults(vec![Fault {
        path_contains: format!("/kube/{old}"),
        method: Some("PUT".into()),
        rate: 1.0,
        status: Some(403),
        latency_ms: 0,
    }]);
    let services = app.services();
    services.rename_cluster("alpha", &alice(), &ClusterId::new(&old), "older", None).await.unwrap();
    let t0 = Utc::now();
    runner(&app, "r1").run_once(later(t0, 1)).await.unwrap();
    // The catalog reads pools, nodes and etcd on its sweep: ask for the clusters' details now.
    let _open = (catalog.project("alpha").unwrap().view(&web), catalog.project("beta").unwrap().view(&api));

    let fleet = fleet_when(&app, &caller, |f| {
        row(f, "beta", "api").needs(Attention::NodesNotReady)
            && row(f, "alpha", "web").needs(Attention::EtcdHigh)
            && row(f, "alpha", "old").needs(Attention::FailedOperation)
    })
    .await;
    let web_row = row(&fleet, "alpha", "web");
    assert_eq!(web_row.etcd_percent, Some(105));
    assert!(web_row.needs(Attention::FreeOverLimits), "a Free cluster above 400 MB: {web_row:?}");
    assert_eq!(row(&fleet, "alpha", "old").failed_operations, 1);
    assert_eq!(fleet.count(Attention::NodesNotReady), 1);
    assert!(row(&fleet, "beta", "api").cluster.nodes.is_some_and(|n| n.ready == 2 && n.total == 3));

    // Someone with one of the projects sees only its clusters.
    let only_beta = app.state.backend.fleet(&member_of(&[("beta", "Beta")])).await.unwrap();
    assert_eq!(only_beta.rows.iter().map(|r| r.cluster.name.as_str()).collect::<Vec<_>>(), ["api"]);
}

/// The price list once the background read has brought the provider's in.
async fn fleet_prices(app: &TestApp) -> model::cost::PriceList {
    for _ in 0..100 {
        let prices = app.services().prices(crate::cloud::PROJECT);
        if !prices.is_example {
            return prices;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    app.services().prices(crate::cloud::PROJECT)
}

#[tokio::test(flavor = "multi_thread")]
async fn without_a_price_catalog_costs_are_labelled_example_prices() {
    let cloud = Cloud::start().await;
    cloud.set_faults(vec![Fault {
        path_contains: "/order/catalog".into(),
        method: None,
        rate: 1.0,
        status: Some(503),
        latency_ms: 0,
    }]);
    let app = cloud.app().await;
    let prices = app.services().prices(crate::cloud::PROJECT);
    assert!(prices.is_example, "{prices:?}");
    // The failed read ends; nothing is kept.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(app.services().prices(crate::cloud::PROJECT).is_example);
    assert!(prices.origin().starts_with("Example prices"));
    // Once the catalog answers, its figures are used (and kept for a day).
    cloud.set_faults(Vec::new());
    let prices = fleet_prices(&app).await;
    assert!(!prices.is_example);
    assert_eq!(prices.flavors["b2-7"].monthly.unwrap().to_string(), "24.20");
}
