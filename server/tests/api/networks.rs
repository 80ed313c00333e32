//! The project's networks as pages will read them: the provider's networks, subnets and
//! gateways, joined with the clusters the catalog knows.

use provider::api::{ClusterCreation, GatewayCreation, NetworkCreation, SubnetCreation};

use crate::catalog::{quick, settled, with_catalog};
use crate::cloud::{Cloud, PROJECT, SERVICE};

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
