//! Private networks, subnets and gateways: the provider's shapes, its rules, and the 3-AZ gateway
//! requirement of cluster creation.

use super::*;

fn cloud(path: &str) -> String {
    format!("/1.0/cloud/project/{PROJECT}{path}")
}

/// A network in GRA9 and EU-WEST-PAR on VLAN `vlan`; its `pn-…` id and OpenStack id in `region`.
async fn network(emulator: &Arc<Emulator>, vlan: u32, region: &str) -> (String, String) {
    let body = json!({ "name": "private", "vlanId": vlan, "regions": ["GRA9", "EU-WEST-PAR"] }).to_string();
    let created = send(emulator, signed("POST", &cloud("/network/private"), &body)).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let openstack =
        created.body["regions"].as_array().unwrap().iter().find(|r| r["region"] == region).unwrap();
    (created.body["id"].as_str().unwrap().to_string(), openstack["openstackId"].as_str().unwrap().to_string())
}

async fn subnet(
    emulator: &Arc<Emulator>,
    network: &str,
    region: &str,
    cidr: &str,
    start: &str,
    end: &str,
) -> Answer {
    let body = json!({ "region": region, "network": cidr, "start": start, "end": end, "dhcp": true, "noGateway": false });
    send(emulator, signed("POST", &cloud(&format!("/network/private/{network}/subnet")), &body.to_string()))
        .await
}

#[tokio::test]
async fn a_network_exists_once_per_region_with_an_openstack_id_each() {
    let emulator = emulator();
    let (id, gra9) = network(&emulator, 42, "GRA9").await;
    assert_eq!(id, "pn-1000001_42");
    let listed = send(&emulator, signed("GET", &cloud("/network/private"), "")).await;
    let regions = listed.body[0]["regions"].as_array().unwrap();
    assert_eq!(regions.len(), 2);
    assert_ne!(regions[0]["openstackId"], regions[1]["openstackId"]);
    assert!(regions.iter().any(|r| r["openstackId"] == gra9.as_str()));
    assert_eq!(listed.body[0]["status"], "BUILDING");
    super::advance(&emulator, 60).await;
    let listed = send(&emulator, signed("GET", &cloud("/network/private"), "")).await;
    assert_eq!(listed.body[0]["status"], "ACTIVE");
    assert_eq!(listed.body[0]["type"], "private");
}

#[tokio::test]
async fn vlans_are_unique_and_bounded() {
    let emulator = emulator();
    network(&emulator, 7, "GRA9").await;
    let again = json!({ "name": "other", "vlanId": 7, "regions": ["GRA9"] }).to_string();
    assert_eq!(
        send(&emulator, signed("POST", &cloud("/network/private"), &again)).await.status,
        StatusCode::CONFLICT
    );
    let high = json!({ "name": "high", "vlanId": 4001, "regions": ["GRA9"] }).to_string();
    assert_eq!(
        send(&emulator, signed("POST", &cloud("/network/private"), &high)).await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn subnets_are_private_inside_their_range_in_their_networks_regions_and_apart() {
    let emulator = emulator();
    let (id, _) = network(&emulator, 1, "GRA9").await;
    let created = subnet(&emulator, &id, "GRA9", "10.10.0.0/16", "10.10.0.10", "10.10.255.250").await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    assert_eq!(created.body["cidr"], "10.10.0.0/16");
    assert_eq!(created.body["gatewayIp"], "10.10.0.1");
    assert_eq!(created.body["ipPools"][0]["start"], "10.10.0.10");
    for (cidr, start, end, region, why) in [
        ("8.8.0.0/16", "8.8.0.2", "8.8.0.9", "GRA9", "public"),
        ("10.20.0.0/24", "10.20.1.2", "10.20.1.9", "GRA9", "range outside"),
        ("10.10.5.0/24", "10.10.5.2", "10.10.5.9", "GRA9", "overlap"),
        ("10.30.0.0/24", "10.30.0.2", "10.30.0.9", "BHS5", "region"),
    ] {
        let refused = subnet(&emulator, &id, region, cidr, start, end).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{why}: {}", refused.body);
    }
    // The same range in another region of the network is another subnet.
    let elsewhere = subnet(&emulator, &id, "EU-WEST-PAR", "10.10.0.0/16", "10.10.0.10", "10.10.0.99").await;
    assert_eq!(elsewhere.status, StatusCode::OK, "{}", elsewhere.body);
    let listed = send(&emulator, signed("GET", &cloud(&format!("/network/private/{id}/subnet")), "")).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_gateway_is_built_through_an_operation_one_per_subnet() {
    let emulator = emulator();
    let (id, openstack) = network(&emulator, 3, "EU-WEST-PAR").await;
    let created =
        subnet(&emulator, &id, "EU-WEST-PAR", "192.168.10.0/24", "192.168.10.10", "192.168.10.200").await;
    let subnet_id = created.body["id"].as_str().unwrap().to_string();
    let path = cloud(&format!("/region/EU-WEST-PAR/network/{openstack}/subnet/{subnet_id}/gateway"));
    let body = json!({ "name": "gw", "model": "s" }).to_string();
    let operation = send(&emulator, signed("POST", &path, &body)).await;
    assert_eq!(operation.status, StatusCode::OK, "{}", operation.body);
    assert_eq!(operation.body["status"], "in-progress");
    assert_eq!(operation.body["action"], "gateway#create");
    let gateway_id = operation.body["resourceId"].as_str().unwrap().to_string();
    let gateways = send(&emulator, signed("GET", &cloud("/region/EU-WEST-PAR/gateway"), "")).await;
    assert_eq!(gateways.body[0]["status"], "in-progress");
    assert_eq!(gateways.body[0]["interfaces"][0]["ip"], "192.168.10.1");
    assert_eq!(gateways.body[0]["interfaces"][0]["subnetId"], subnet_id.as_str());
    assert_eq!(send(&emulator, signed("POST", &path, &body)).await.status, StatusCode::CONFLICT);

    super::advance(&emulator, 5 * 60).await;
    let done = send(
        &emulator,
        signed("GET", &cloud(&format!("/operation/{}", operation.body["id"].as_str().unwrap())), ""),
    )
    .await;
    assert_eq!(done.body["status"], "completed");
    assert_eq!(done.body["progress"], 100);
    let read =
        send(&emulator, signed("GET", &cloud(&format!("/region/EU-WEST-PAR/gateway/{gateway_id}")), ""))
            .await;
    assert_eq!(read.body["status"], "active");
}

#[tokio::test]
async fn a_3az_cluster_needs_an_active_gateway_on_a_known_subnet() {
    let emulator = emulator();
    let (id, openstack) = network(&emulator, 5, "EU-WEST-PAR").await;
    let created = subnet(&emulator, &id, "EU-WEST-PAR", "10.50.0.0/16", "10.50.0.10", "10.50.0.250").await;
    let subnet_id = created.body["id"].as_str().unwrap().to_string();
    let cluster = json!({ "name": "three", "region": "EU-WEST-PAR", "plan": "standard",
        "privateNetworkId": openstack, "nodesSubnetId": subnet_id })
    .to_string();
    let refused = send(&emulator, signed("POST", &kube(""), &cluster)).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(refused.body["message"].as_str().unwrap().contains("no active gateway"), "{}", refused.body);

    let path = cloud(&format!("/region/EU-WEST-PAR/network/{openstack}/subnet/{subnet_id}/gateway"));
    send(&emulator, signed("POST", &path, &json!({ "name": "gw", "model": "s" }).to_string())).await;
    super::advance(&emulator, 5 * 60).await;
    let accepted = send(&emulator, signed("POST", &kube(""), &cluster)).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
}

#[tokio::test]
async fn networks_subnets_and_gateways_in_use_are_not_deleted() {
    let emulator = emulator();
    let (id, openstack) = network(&emulator, 8, "EU-WEST-PAR").await;
    let created = subnet(&emulator, &id, "EU-WEST-PAR", "10.80.0.0/16", "10.80.0.10", "10.80.0.250").await;
    let subnet_id = created.body["id"].as_str().unwrap().to_string();
    let gateway_path = cloud(&format!("/region/EU-WEST-PAR/network/{openstack}/subnet/{subnet_id}/gateway"));
    let operation =
        send(&emulator, signed("POST", &gateway_path, &json!({ "name": "gw", "model": "s" }).to_string()))
            .await;
    let gateway_id = operation.body["resourceId"].as_str().unwrap().to_string();
    super::advance(&emulator, 5 * 60).await;
    let cluster = json!({ "name": "user-of-it", "region": "EU-WEST-PAR", "plan": "standard",
        "privateNetworkId": openstack, "nodesSubnetId": subnet_id })
    .to_string();
    let cluster = send(&emulator, signed("POST", &kube(""), &cluster)).await;
    assert_eq!(cluster.status, StatusCode::OK, "{}", cluster.body);
    super::advance(&emulator, 10 * 60).await;

    let network_path = cloud(&format!("/network/private/{id}"));
    let subnet_path = cloud(&format!("/network/private/{id}/subnet/{subnet_id}"));
    let gateway = cloud(&format!("/region/EU-WEST-PAR/gateway/{gateway_id}"));
    for path in [&network_path, &subnet_path, &gateway] {
        let refused = send(&emulator, signed("DELETE", path, "")).await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{path}: {}", refused.body);
        assert!(refused.body["message"].as_str().unwrap().contains("user-of-it"), "{}", refused.body);
    }

    let cluster_id = cluster.body["id"].as_str().unwrap();
    assert_eq!(
        send(&emulator, signed("DELETE", &kube(&format!("/{cluster_id}")), "")).await.status,
        StatusCode::OK
    );
    super::advance(&emulator, 10 * 60).await;
    // The gateway goes first; then the network, its subnet with it.
    let refused = send(&emulator, signed("DELETE", &network_path, "")).await;
    assert!(refused.body["message"].as_str().unwrap().contains("gateway"), "{}", refused.body);
    assert_eq!(send(&emulator, signed("DELETE", &gateway, "")).await.status, StatusCode::OK);
    assert_eq!(send(&emulator, signed("DELETE", &network_path, "")).await.status, StatusCode::OK);
    let listed = send(&emulator, signed("GET", &cloud("/network/private"), "")).await;
    assert_eq!(listed.body, json!([]));
    assert_eq!(
        send(&emulator, signed("GET", &cloud(&format!("/network/private/{id}/subnet")), "")).await.status,
        StatusCode::NOT_FOUND
    );
}
