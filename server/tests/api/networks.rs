//! The project's networks as pages will read them: the provider's networks, subnets and
//! gateways, joined with the clusters the catalog knows.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use model::id::ClusterId;
use model::operation::OperationState;
use model::private_network::{NetworkForm, SubnetForm};
use provider::api::{ClusterCreation, GatewayCreation, NetworkCreation, SubnetCreation};
use server::catalog::{Catalog, Timings};
use server::services::ServiceError;

use crate::catalog::{quick, settled, with_catalog};
use crate::cloud::{Cloud, PROJECT, SERVICE, alice, drive, runner};
use crate::helpers::TestApp;

#[tokio::test(flavor = "multi_thread")]
async fn networks_show_their_subnets_gateways_and_the_clusters_on_them() {
    let cloud = Cloud::start().await;
    let client = &cloud.client;
    let regions = vec!["GRA11".to_string(), "EU-WEST-PAR".to_string()];
    let network = client
        .create_network(SERVICE, &NetworkCreation { name: "apps".into(), vlan_id: 30, regions })
        .await
        .unwrap();
    let par = network.openstack_id("EU-WEST-PAR").unwrap().to_string();
    let subnet = |region: &str, cidr: &str, start: &str, end: &str| SubnetCreation {
        region: region.into(),
        network: cidr.into(),
        start: start.into(),
        end: end.into(),
        dhcp: true,
        no_gateway: false,
    };
    let served = client
        .create_subnet(
            SERVICE,
            &network.id,
            &subnet("EU-WEST-PAR", "10.30.0.0/16", "10.30.0.10", "10.30.0.250"),
        )
        .await
        .unwrap();
    let bare = client
        .create_subnet(SERVICE, &network.id, &subnet("GRA11", "10.31.0.0/24", "10.31.0.10", "10.31.0.99"))
        .await
        .unwrap();
    let gateway = GatewayCreation { name: "apps-gw".into(), model: "s".into() };
    client.create_gateway(SERVICE, "EU-WEST-PAR", &par, &served.id, &gateway).await.unwrap();
    cloud.advance(600);
    let cluster = ClusterCreation {
        name: Some("three-zones".into()),
        region: "EU-WEST-PAR".into(),
        plan: Some("standard".into()),
        private_network_id: Some(par.clone()),
        nodes_subnet_id: Some(served.id.clone()),
        ..ClusterCreation::default()
    };
    client.create_cluster(SERVICE, &cluster).await.unwrap();
    cloud.advance(3600);

    let mut app = cloud.app().await;
    let catalog = with_catalog(&mut app, quick());
    catalog.start();
    settled(catalog.project(PROJECT).unwrap(), 1).await;
    let view = app.services().networks(PROJECT).await.unwrap();

    let network = &view.networks[0];
    assert_eq!((network.name.as_str(), network.vlan_id), ("apps", 30));
    assert_eq!(network.used_by, ["three-zones"]);
    let in_par = network.regions.iter().find(|r| r.region == "EU-WEST-PAR").unwrap();
    assert_eq!(in_par.openstack_id, par);
    assert_eq!(in_par.subnets.len(), 1, "each region shows its own subnets");
    let subnet = &in_par.subnets[0];
    assert_eq!((subnet.cidr.as_str(), subnet.dhcp_start.as_deref()), ("10.30.0.0/16", Some("10.30.0.10")));
    assert_eq!(subnet.used_by, ["three-zones"]);
    let gateway = subnet.gateway.as_ref().expect("the gateway serves the subnet");
    assert!(gateway.is_active());
    assert_eq!(gateway.ip.as_deref(), Some("10.30.0.1"));
    let in_gra = network.regions.iter().find(|r| r.region == "GRA11").unwrap();
    assert_eq!(in_gra.subnets[0].id, bare.id);
    assert!(in_gra.subnets[0].gateway.is_none() && in_gra.subnets[0].used_by.is_empty());
    catalog.abort();
}

/// A project without clusters, its catalog started and settled.
async fn without_clusters() -> (Cloud, TestApp, Arc<Catalog>) {
    let cloud = Cloud::start().await;
    let mut app = cloud.app().await;
    // A lease that a slow database cannot let lapse between two ticks: while the catalog does not
    // hold it, pages read the provider themselves, and these tests are about the catalog's copy.
    let catalog = with_catalog(&mut app, Timings { lease: Duration::from_secs(30), ..quick() });
    catalog.start();
    let project = catalog.project(PROJECT).unwrap();
    settled(project, 0).await;
    // (An empty snapshot is settled before the first read: wait for the lease too.)
    for _ in 0..300 {
        if project.is_polling() && project.current().listed_at.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(project.is_polling(), "the catalog holds its lease");
    (cloud, app, catalog)
}

fn subnet_form(cidr: &str, start: &str, end: &str, gateway: Option<&str>) -> SubnetForm {
    SubnetForm {
        cidr: cidr.into(),
        dhcp_start: start.into(),
        dhcp_end: end.into(),
        gateway: gateway.map(str::to_string),
    }
}

fn fields(error: ServiceError) -> Vec<String> {
    match error {
        ServiceError::Invalid(errors) => errors.iter().map(|e| e.field.clone()).collect(),
        other => panic!("not refused at a field: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn networks_subnets_and_gateways_are_made_and_removed_by_operations() {
    let (cloud, app, catalog) = without_clusters().await;
    let services = app.services();
    let form = NetworkForm {
        name: "apps".into(),
        vlan_id: 40,
        region: "EU-WEST-PAR".into(),
        subnet: subnet_form("10.40.0.0/24", "10.40.0.2", "10.40.0.254", Some("s")),
    };
    services.create_network(PROJECT, &alice(), &form, None).await.unwrap();
    let again = services.create_network(PROJECT, &alice(), &form, None).await.unwrap_err();
    assert_eq!(fields(again), ["name"], "the same network is already queued");
    drive(&cloud, &[&runner(&app, "r1")], Utc::now(), 8).await;

    let view = services.networks(PROJECT).await.unwrap();
    let network = &view.networks[0];
    assert_eq!((network.name.as_str(), network.vlan_id, network.status.as_str()), ("apps", 40, "ACTIVE"));
    let subnet = &network.regions[0].subnets[0];
    assert_eq!(subnet.cidr, "10.40.0.0/24");
    assert!(subnet.gateway.as_ref().is_some_and(|g| g.is_active()), "{subnet:?}");
    let op = &view.operations[0];
    assert_eq!(op.state, OperationState::Succeeded);
    let steps: Vec<&str> = op.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        steps,
        ["create_network", "wait_for_network", "create_subnet", "create_gateway", "wait_for_gateway"]
    );

    // The provider's rules, checked before anything is queued, at the field at fault.
    let me = alice();
    let other = NetworkForm { name: "other".into(), ..form.clone() };
    let taken = services.create_network(PROJECT, &me, &other, None);
    assert_eq!(fields(taken.await.unwrap_err()), ["vlanId"]);
    let overlap = subnet_form("10.40.0.128/25", "10.40.0.130", "10.40.0.140", None);
    let refused = services.create_subnet(PROJECT, &me, &network.id, "EU-WEST-PAR", &overlap, None);
    assert_eq!(fields(refused.await.unwrap_err()), ["cidr"]);
    let gateway = services.create_gateway(PROJECT, &alice(), &network.id, &subnet.id, "m", None).await;
    assert!(matches!(gateway, Err(ServiceError::Conflict(_))), "one gateway per subnet");

    // A network in use is refused deletion, the clusters named.
    let openstack = network.regions[0].openstack_id.clone();
    let cluster = ClusterCreation {
        name: Some("three-zones".into()),
        region: "EU-WEST-PAR".into(),
        plan: Some("standard".into()),
        private_network_id: Some(openstack),
        nodes_subnet_id: Some(subnet.id.clone()),
        ..ClusterCreation::default()
    };
    let made = cloud.client.create_cluster(SERVICE, &cluster).await.unwrap();
    cloud.advance(3600);
    catalog.project(PROJECT).unwrap().poke();
    settled(catalog.project(PROJECT).unwrap(), 1).await;
    match services.delete_network(PROJECT, &alice(), &network.id, None).await {
        Err(ServiceError::Conflict(message)) => assert!(message.contains("three-zones"), "{message}"),
        other => panic!("not refused: {:?}", other.map(|s| s.operation_id)),
    }

    // Unused again: deleted with its subnet and gateway.
    cloud.client.delete_cluster(SERVICE, &ClusterId::new(&made.id)).await.unwrap();
    cloud.advance(3600);
    catalog.project(PROJECT).unwrap().poke();
    settled(catalog.project(PROJECT).unwrap(), 0).await;
    services.delete_network(PROJECT, &alice(), &network.id, None).await.unwrap();
    drive(&cloud, &[&runner(&app, "r1")], Utc::now(), 4).await;
    let view = services.networks(PROJECT).await.unwrap();
    assert!(view.networks.is_empty(), "{:?}", view.networks);
    let steps: Vec<&str> = view.operations[0].steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(steps, ["check_unused", "delete_gateways", "wait_for_gateways", "delete_network"]);
    catalog.abort();
}

#[tokio::test(flavor = "multi_thread")]
async fn networks_read_before_the_last_change_are_served_as_behind() {
    let (cloud, app, catalog) = without_clusters().await;
    let services = app.services();
    assert!(!services.networks(PROJECT).await.unwrap().behind, "nothing changed since the read");
    assert!(catalog.project(PROJECT).unwrap().current().networks.is_some(), "the catalog's copy");
    let form = NetworkForm {
        name: "late".into(),
        vlan_id: 41,
        region: "GRA11".into(),
        subnet: subnet_form("10.41.0.0/24", "10.41.0.2", "10.41.0.254", None),
    };
    services.create_network(PROJECT, &alice(), &form, None).await.unwrap();
    // The refresher stops: the catalog keeps the copy it read before the network was made, and
    // the operation ends after that read.
    catalog.abort();
    drive(&cloud, &[&runner(&app, "r1")], Utc::now(), 8).await;

    let view = services.networks(PROJECT).await.unwrap();
    assert!(view.behind, "the copy predates the operation that ended");
    assert!(view.networks.is_empty(), "{:?}", view.networks);
    assert_eq!(view.operations[0].state, OperationState::Succeeded);
}
