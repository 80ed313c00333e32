//! The emulated API servers, checked with the real kubectl (`$KUBECTL`, else `kubectl` on the
//! path; `scripts/install-tools` installs it) using the kubeconfigs the emulator hands out.

use std::path::{Path, PathBuf};
use std::process::Command;

use axum::http::StatusCode;
use serde_json::{Value, json};

use super::*;

pub(super) struct Cluster {
    pub emulator: Arc<Emulator>,
    pub id: String,
    pub pool: String,
    pub dir: tempfile::TempDir,
}

impl Cluster {
    /// A ready cluster with a pool of two b3-8 nodes, and its API server listening.
    pub async fn start() -> Self {
        let emulator = emulator();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        kube::serve(listener, emulator.clone()).unwrap();
        let (id, pool) = cluster_with_pool(&emulator, "free", "GRA11", None).await;
        Self { emulator, id, pool, dir: tempfile::tempdir().unwrap() }
    }

    /// Downloads the admin kubeconfig to `name` in the test's directory.
    pub async fn kubeconfig(&self, name: &str) -> PathBuf {
        let answer =
            send(&self.emulator, signed("POST", &kube(&format!("/{}/kubeconfig", self.id)), "")).await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        let path = self.dir.path().join(name);
        std::fs::write(&path, answer.body["content"].as_str().unwrap()).unwrap();
        path
    }

    pub async fn change(&self, method: &str, path: &str, body: Value) {
        let answer =
            send(&self.emulator, signed(method, &kube(&format!("/{}{path}", self.id)), &body.to_string()))
                .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        // Past the redeployment most changes cause.
        advance(&self.emulator, 10 * 60).await;
    }
}

/// Runs kubectl with `kubeconfig` (its own discovery cache); stdout, or stderr on failure.
pub(super) async fn kubectl(kubeconfig: &Path, args: &[&str]) -> Result<String, String> {
    let binary = std::env::var("KUBECTL").unwrap_or_else(|_| "kubectl".into());
    let cache = kubeconfig.with_extension("cache");
    let mut command = Command::new(&binary);
    command.arg("--kubeconfig").arg(kubeconfig).arg("--cache-dir").arg(&cache).args(args);
    let output = tokio::task::spawn_blocking(move || command.output()).await.unwrap().unwrap_or_else(|e| {
        panic!("kubectl ({binary}) could not run: {e}; scripts/install-tools installs it")
    });
    let text = |bytes: Vec<u8>| String::from_utf8(bytes).unwrap();
    if output.status.success() { Ok(text(output.stdout)) } else { Err(text(output.stderr)) }
}

async fn node_list(kubeconfig: &Path) -> Vec<Value> {
    let json = kubectl(kubeconfig, &["get", "nodes", "-o", "json"]).await.unwrap();
    serde_json::from_str::<Value>(&json).unwrap()["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn kubectl_lists_nodes_and_pools_and_follows_scaling() {
    let cluster = Cluster::start().await;
    let template = json!({
        "metadata": { "labels": { "team": "web" }, "annotations": {}, "finalizers": [] },
        "spec": { "taints": [{ "key": "dedicated", "value": "web", "effect": "NoSchedule" }], "unschedulable": false },
    });
    cluster.change("PUT", &format!("/nodepool/{}", cluster.pool), json!({ "template": template })).await;
    advance(&cluster.emulator, 60).await;
    let file = cluster.kubeconfig("admin.yaml").await;

    let version = kubectl(&file, &["version", "-o", "json"]).await.unwrap();
    assert!(version.contains("\"gitVersion\": \"v1.34."), "{version}");

    let nodes = node_list(&file).await;
    assert_eq!(nodes.len(), 2);
    for node in &nodes {
        assert_eq!(node["metadata"]["labels"]["nodepool"], "workers");
        assert_eq!(node["metadata"]["labels"]["team"], "web");
        assert_eq!(
            node["spec"]["taints"][0],
            json!({ "key": "dedicated", "value": "web", "effect": "NoSchedule" })
        );
        assert_eq!(node["status"]["conditions"][0]["type"], "Ready");
        assert_eq!(node["status"]["conditions"][0]["status"], "True");
        // b3-8: 2 vCPUs, 8 GB; the provider keeps 160 m and 1590 MB.
        assert_eq!(node["status"]["capacity"]["cpu"], "2");
        assert_eq!(node["status"]["allocatable"]["cpu"], "1840m");
        assert_eq!(node["status"]["allocatable"]["memory"], "6410M");
    }
    let table = kubectl(&file, &["get", "nodes", "-l", "nodepool=workers"]).await.unwrap();
    assert!(table.starts_with("NAME"), "{table}");
    assert_eq!(table.lines().filter(|l| l.contains(" Ready ")).count(), 2, "{table}");
    let columns =
        "custom-columns=NAME:.metadata.name,POOL:.metadata.labels.nodepool,TAINT:.spec.taints[0].key";
    let custom = kubectl(&file, &["get", "nodes", "-o", columns]).await.unwrap();
    assert_eq!(custom.lines().filter(|l| l.ends_with("workers   dedicated")).count(), 2, "{custom}");
    assert!(
        kubectl(&file, &["get", "nodes", "-l", "nodepool=other", "-o", "name"]).await.unwrap().is_empty()
    );

    let pools = kubectl(&file, &["get", "nodepools"]).await.unwrap();
    let row = pools.lines().find(|l| l.starts_with("workers")).unwrap_or_else(|| panic!("{pools}"));
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(&cells[..3], ["workers", "b3-8", "false"], "{pools}");
    assert!(pools.lines().next().unwrap().contains("DESIRED"), "{pools}");
    let missing = kubectl(&file, &["get", "nodepool", "nope"]).await.unwrap_err();
    assert!(missing.contains("NotFound") || missing.contains("not found"), "{missing}");

    cluster.change("PUT", &format!("/nodepool/{}", cluster.pool), json!({ "desiredNodes": 3 })).await;
    advance(&cluster.emulator, 5 * 60).await;
    assert_eq!(node_list(&file).await.len(), 3);
    let pool = kubectl(&file, &["get", "nodepool", "workers", "-o", "json"]).await.unwrap();
    let pool: Value = serde_json::from_str(&pool).unwrap();
    assert_eq!(pool["spec"]["desiredNodes"], 3);
    assert_eq!(pool["status"]["availableNodes"], 3);

    let namespaces = kubectl(&file, &["get", "namespaces", "-o", "name"]).await.unwrap();
    assert!(namespaces.contains("namespace/kube-system"), "{namespaces}");
    let whoami = kubectl(&file, &["auth", "whoami"]).await.unwrap();
    assert!(whoami.contains("kubernetes-admin") && whoami.contains("system:masters"), "{whoami}");
}

#[tokio::test]
async fn a_reset_kubeconfig_is_refused_and_ip_restrictions_apply() {
    let cluster = Cluster::start().await;
    let old = cluster.kubeconfig("old.yaml").await;
    assert!(kubectl(&old, &["get", "nodes"]).await.is_ok());

    cluster.change("POST", "/kubeconfig/reset", json!(null)).await;
    let refused = kubectl(&old, &["get", "nodes"]).await.unwrap_err();
    assert!(refused.contains("Unauthorized"), "{refused}");
    let new = cluster.kubeconfig("new.yaml").await;
    assert_eq!(node_list(&new).await.len(), 2);

    cluster.change("PUT", "/ipRestrictions", json!({ "ips": ["203.0.113.0/24"] })).await;
    let blocked = kubectl(&new, &["get", "nodes"]).await.unwrap_err();
    assert!(blocked.contains("Forbidden") && blocked.contains("IP restrictions"), "{blocked}");
    cluster.change("PUT", "/ipRestrictions", json!({ "ips": ["127.0.0.0/8"] })).await;
    assert!(kubectl(&new, &["get", "nodes"]).await.is_ok());
    cluster.change("PUT", "/ipRestrictions", json!({ "ips": [] })).await;
    assert!(kubectl(&new, &["get", "nodes"]).await.is_ok());
}

#[tokio::test]
async fn broken_and_cordoned_nodes_show_as_kubectl_expects() {
    let cluster = Cluster::start().await;
    let template = json!({ "metadata": { "labels": {}, "annotations": {}, "finalizers": [] }, "spec": { "taints": [], "unschedulable": true } });
    cluster.change("PUT", &format!("/nodepool/{}", cluster.pool), json!({ "template": template })).await;
    let file = cluster.kubeconfig("admin.yaml").await;
    let nodes = node_list(&file).await;
    let broken = nodes[0]["metadata"]["uid"].as_str().unwrap();
    let request = axum::http::Request::post(format!("/emulator/nodes/{broken}/break"));
    let answer = send(&cluster.emulator, request.body(axum::body::Body::empty()).unwrap()).await;
    assert_eq!(answer.status, StatusCode::OK);

    let table = kubectl(&file, &["get", "nodes"]).await.unwrap();
    let name = nodes[0]["metadata"]["name"].as_str().unwrap();
    let row = table.lines().find(|l| l.starts_with(name)).unwrap_or_else(|| panic!("{table}"));
    assert!(row.contains(" NotReady,SchedulingDisabled "), "{table}");
    assert_eq!(table.lines().filter(|l| l.contains(" Ready,SchedulingDisabled ")).count(), 1, "{table}");
    let node: Value =
        serde_json::from_str(&kubectl(&file, &["get", "node", name, "-o", "json"]).await.unwrap()).unwrap();
    assert_eq!(node["status"]["conditions"][0]["status"], "Unknown");
    let taints: Vec<&str> =
        node["spec"]["taints"].as_array().unwrap().iter().map(|t| t["key"].as_str().unwrap()).collect();
    assert!(
        taints.contains(&"node.kubernetes.io/unschedulable")
            && taints.contains(&"node.kubernetes.io/unreachable"),
        "{taints:?}"
    );
}

#[tokio::test]
async fn a_stalled_tls_handshake_is_closed() {
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let timeouts = kube::Timeouts {
        handshake: std::time::Duration::from_millis(300),
        idle: std::time::Duration::from_millis(300),
    };
    kube::serve_with(listener, emulator(), timeouts).unwrap();
    // A client that connects and never says hello.
    let mut silent = tokio::net::TcpStream::connect(address).await.unwrap();
    let mut buffer = [0u8; 16];
    let closed = tokio::time::timeout(std::time::Duration::from_secs(5), silent.read(&mut buffer)).await;
    assert!(matches!(closed, Ok(Ok(0)) | Ok(Err(_))), "the server closes a silent connection: {closed:?}");
}

#[tokio::test]
async fn nodes_on_a_private_subnet_show_its_addresses_in_the_wide_table() {
    let emulator = emulator();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    kube::serve(listener, emulator.clone()).unwrap();
    let cloud = |path: &str| format!("/1.0/cloud/project/{PROJECT}{path}");
    let network = json!({ "name": "nodes", "vlanId": 9, "regions": ["GRA11"] }).to_string();
    let network = send(&emulator, signed("POST", &cloud("/network/private"), &network)).await.body;
    let subnet = json!({ "region": "GRA11", "network": "10.9.0.0/24", "start": "10.9.0.100", "end": "10.9.0.120",
        "dhcp": true, "noGateway": false });
    let path = cloud(&format!("/network/private/{}/subnet", network["id"].as_str().unwrap()));
    let subnet = send(&emulator, signed("POST", &path, &subnet.to_string())).await.body;
    let body = json!({ "name": "private", "region": "GRA11", "plan": "free",
        "privateNetworkId": network["regions"][0]["openstackId"], "nodesSubnetId": subnet["id"],
        "nodepool": { "name": "workers", "flavorName": "b3-8", "desiredNodes": 2 } });
    let created = send(&emulator, signed("POST", &kube(""), &body.to_string())).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    advance(&emulator, 15 * 60).await;
    let id = created.body["id"].as_str().unwrap().to_string();
    let cluster = Cluster { emulator, id, pool: String::new(), dir: tempfile::tempdir().unwrap() };
    let file = cluster.kubeconfig("admin.yaml").await;

    let wide = kubectl(&file, &["get", "nodes", "-o", "wide"]).await.unwrap();
    let header: Vec<&str> = wide.lines().next().unwrap().split_whitespace().collect();
    assert_eq!(&header[5..7], ["INTERNAL-IP", "EXTERNAL-IP"], "{wide}");
    let mut addresses: Vec<&str> =
        wide.lines().skip(1).map(|l| l.split_whitespace().nth(5).unwrap()).collect();
    addresses.sort();
    assert_eq!(addresses, ["10.9.0.100", "10.9.0.101"], "{wide}");
}
