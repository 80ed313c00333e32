//! The emulator through its router, with requests signed as the provider's clients sign them.

mod admin;
mod autoscaler;
mod cluster;
mod cluster_ops;
mod cluster_settings;
mod drain;
mod fault;
mod healing;
mod kube_api;
mod kube_rbac;
mod kube_workloads;
mod kubeconfig;
mod network;
mod node_pool;
mod upgrade;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};
use tower::ServiceExt;

use super::*;
use provider::signature::SignedRequest;

pub const BASE: &str = "http://emulator.test";
pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";

pub fn emulator() -> Arc<Emulator> {
    Emulator::new(EmulatorConfig {
        public_url: Some(BASE.into()),
        auto_validate_credentials: false,
        // Stopped: only the tests move the clock.
        speed: 0.0,
        ..EmulatorConfig::new(PROJECT, "ak", "as", "ck")
    })
}

pub struct Answer {
    pub status: StatusCode,
    pub query_id: Option<String>,
    body: Value,
}

pub async fn send(emulator: &Arc<Emulator>, request: Request<Body>) -> Answer {
    let response = router(emulator.clone()).oneshot(request).await.unwrap();
    let status = response.status();
    let query_id = response.headers().get("x-ovh-queryid").map(|v| v.to_str().unwrap().to_string());
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap() };
    Answer { status, query_id, body }
}

/// A request signed with `consumer_key`, at `timestamp`.
pub fn signed_as(method: &str, path: &str, body: &str, consumer_key: &str, timestamp: i64) -> Request<Body> {
    let url = format!("{BASE}{path}");
    let signature = SignedRequest {
        application_secret: "as",
        consumer_key,
        method,
        url: &url,
        body: body.as_bytes(),
        timestamp,
    }
    .signature();
    Request::builder()
        .method(method)
        .uri(path)
        .header("X-Ovh-Application", "ak")
        .header("X-Ovh-Consumer", consumer_key)
        .header("X-Ovh-Timestamp", timestamp.to_string())
        .header("X-Ovh-Signature", signature)
        .header("Content-Type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap()
}

pub fn signed(method: &str, path: &str, body: &str) -> Request<Body> {
    signed_as(method, path, body, "ck", chrono::Utc::now().timestamp())
}

pub async fn advance(emulator: &Arc<Emulator>, seconds: u64) {
    let body = json!({ "seconds": seconds }).to_string();
    let request = Request::post("/emulator/clock/advance").header("Content-Type", "application/json");
    assert_eq!(send(emulator, request.body(Body::from(body)).unwrap()).await.status, StatusCode::OK);
}

/// Stores `object` (a Deployment or a PodDisruptionBudget in `default`) in `cluster` as a
/// client would, and lets the controllers act on it.
pub fn put_object(emulator: &Arc<Emulator>, cluster: &str, resource: &str, object: Value) {
    let now = emulator.clock.now();
    let mut world = emulator.world();
    let store = world.workloads.entry(cluster.to_string()).or_default();
    store.put(resource, crate::workload::defaults::apply(resource, object), now);
    world.reconcile_workloads(emulator, cluster, now);
}

/// A Deployment `name` of `replicas` pods requesting `cpu` millicores each.
pub fn deployment(name: &str, replicas: u32, cpu: u32) -> Value {
    json!({
        "kind": "Deployment", "apiVersion": "apps/v1",
        "metadata": { "name": name, "namespace": "default" },
        "spec": {
            "replicas": replicas,
            "selector": { "matchLabels": { "app": name } },
            "template": {
                "metadata": { "labels": { "app": name } },
                "spec": { "containers": [{ "name": name, "image": "nginx:1.27", "resources": { "requests": { "cpu": format!("{cpu}m") } } }] },
            },
        },
    })
}

/// Creates a cluster from `body` and lets its control plane install; returns its id.
pub async fn installed_cluster(emulator: &Arc<Emulator>, body: &str) -> String {
    let created = send(emulator, signed("POST", &kube(""), body)).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    advance(emulator, 6 * 60).await;
    created.body["id"].as_str().unwrap().to_string()
}

/// A ready cluster on `plan` in `region` (1.34), with one ready pool of two b3-8 nodes, in `zone`
/// for a 3-AZ region; returns the cluster and pool ids.
pub async fn cluster_with_pool(
    emulator: &Arc<Emulator>,
    plan: &str,
    region: &str,
    zone: Option<&str>,
) -> (String, String) {
    let network = match zone {
        Some(_) => Some(private_network(emulator, region, true).await),
        None => None,
    };
    let (network, subnet) = (network.as_ref().map(|n| &n.0), network.as_ref().map(|n| &n.1));
    let body = json!({ "name": "demo", "region": region, "plan": plan, "privateNetworkId": network, "nodesSubnetId": subnet, "version": "1.34" }).to_string();
    let id = send(emulator, signed("POST", &kube(""), &body)).await.body["id"].as_str().unwrap().to_string();
    advance(emulator, 6 * 60).await;
    let mut pool = json!({ "name": "workers", "flavorName": "b3-8", "desiredNodes": 2 });
    if let Some(zone) = zone {
        pool["availabilityZones"] = json!([zone]);
    }
    let created = send(emulator, signed("POST", &kube(&format!("/{id}/nodepool")), &pool.to_string())).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    advance(emulator, 4 * 60).await;
    let pool_id = created.body["id"].as_str().unwrap().to_string();
    (id, pool_id)
}

/// A private network in `region` on a VLAN of its own, with one subnet (192.168.x.0/24) and, when
/// `gateway`, an active gateway on it; its OpenStack id in the region and the subnet's id.
pub async fn private_network(emulator: &Arc<Emulator>, region: &str, gateway: bool) -> (String, String) {
    static NEXT_VLAN: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(100);
    let vlan = NEXT_VLAN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let cloud = |path: &str| format!("/1.0/cloud/project/{PROJECT}{path}");
    let body = json!({ "name": format!("net-{vlan}"), "vlanId": vlan, "regions": [region] }).to_string();
    let network = send(emulator, signed("POST", &cloud("/network/private"), &body)).await;
    assert_eq!(network.status, StatusCode::OK, "{}", network.body);
    let openstack = network.body["regions"][0]["openstackId"].as_str().unwrap().to_string();
    let octet = vlan % 256;
    let body = json!({ "region": region, "network": format!("192.168.{octet}.0/24"), "start": format!("192.168.{octet}.10"),
        "end": format!("192.168.{octet}.200"), "dhcp": true, "noGateway": false });
    let path = cloud(&format!("/network/private/{}/subnet", network.body["id"].as_str().unwrap()));
    let subnet = send(emulator, signed("POST", &path, &body.to_string())).await;
    assert_eq!(subnet.status, StatusCode::OK, "{}", subnet.body);
    let subnet = subnet.body["id"].as_str().unwrap().to_string();
    if gateway {
        let path = cloud(&format!("/region/{region}/network/{openstack}/subnet/{subnet}/gateway"));
        let made =
            send(emulator, signed("POST", &path, &json!({ "name": "gw", "model": "s" }).to_string())).await;
        assert_eq!(made.status, StatusCode::OK, "{}", made.body);
        advance(emulator, 5 * 60).await;
    }
    (openstack, subnet)
}

pub fn kube(path: &str) -> String {
    format!("/1.0/cloud/project/{PROJECT}/kube{path}")
}
