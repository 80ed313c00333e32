//! Workloads in the emulated clusters, driven with the real kubectl: apply, scale, describe,
//! watch, budgets, and the autoscaler answering Pending pods.

use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

use super::kube_api::{Cluster, kubectl};
use super::*;

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 6
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports:
            - containerPort: 80
          resources:
            requests:
              cpu: 300m
              memory: 64Mi
";

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

async fn pods(file: &Path, selector: &str) -> Vec<Value> {
    let json = kubectl(file, &["get", "pods", "-l", selector, "-o", "json"]).await.unwrap();
    serde_json::from_str::<Value>(&json).unwrap()["items"].as_array().unwrap().clone()
}

fn running(pods: &[Value]) -> usize {
    pods.iter().filter(|p| p["status"]["phase"] == "Running").count()
}

#[tokio::test]
async fn kubectl_applies_scales_describes_and_deletes_a_deployment() {
    let cluster = Cluster::start().await;
    let file = cluster.kubeconfig("admin.yaml").await;
    let manifest = write(cluster.dir.path(), "web.yaml", DEPLOYMENT);
    // kubectl's typed commands send protobuf: read for namespaces, refused for Deployments.
    let created = kubectl(&file, &["create", "namespace", "shop"]).await;
    assert_eq!(created.as_deref().map(str::trim), Ok("namespace/shop created"));
    let typed = kubectl(&file, &["create", "deployment", "other", "-n", "shop", "--image=nginx:1.27"]).await;
    let typed = typed.unwrap_err();
    assert!(typed.contains("sent a Deployment") && typed.contains("use `kubectl apply -f`"), "{typed}");

    let applied = kubectl(&file, &["apply", "-f", &manifest]).await.unwrap();
    assert_eq!(applied.trim(), "deployment.apps/web created");
    let web = pods(&file, "app=web").await;
    assert_eq!(running(&web), 6);
    let nodes: std::collections::BTreeSet<&str> =
        web.iter().filter_map(|p| p["spec"]["nodeName"].as_str()).collect();
    assert_eq!(nodes.len(), 2, "spread over both nodes by their free capacity");
    let table = kubectl(&file, &["get", "deployment", "web"]).await.unwrap();
    assert!(table.lines().nth(1).unwrap().starts_with("web    6/6     6            6"), "{table}");

    // A second apply patches: the new image replaces the pods, the port stays.
    let changed = write(cluster.dir.path(), "web2.yaml", &DEPLOYMENT.replace("nginx:1.27", "nginx:1.28"));
    let applied = kubectl(&file, &["apply", "-f", &changed]).await.unwrap();
    assert_eq!(applied.trim(), "deployment.apps/web configured");
    let web = pods(&file, "app=web").await;
    assert_eq!(running(&web), 6);
    assert!(web.iter().all(|p| p["spec"]["containers"][0]["image"] == "nginx:1.28"));
    assert_eq!(web[0]["spec"]["containers"][0]["ports"][0]["containerPort"], 80);
    let unchanged = kubectl(&file, &["apply", "-f", &changed]).await.unwrap();
    assert_eq!(unchanged.trim(), "deployment.apps/web unchanged");

    // A misspelt field is refused by the server, as kubectl asks it to check.
    let wrong = write(cluster.dir.path(), "wrong.yaml", &DEPLOYMENT.replace("  replicas: 6", "  replica: 6"));
    let refused = kubectl(&file, &["apply", "-f", &wrong]).await.unwrap_err();
    assert!(refused.contains("unknown field \"spec.replica\""), "{refused}");

    // Beyond the nodes' room: Pending, with the scheduler's own words.
    let scaled = kubectl(&file, &["scale", "deployment", "web", "--replicas=40"]).await.unwrap();
    assert_eq!(scaled.trim(), "deployment.apps/web scaled");
    let web = pods(&file, "app=web").await;
    assert_eq!(web.len(), 40);
    let pending: Vec<&Value> = web.iter().filter(|p| p["status"]["phase"] == "Pending").collect();
    assert!(!pending.is_empty() && running(&web) >= 8, "{} running", running(&web));
    let events =
        kubectl(&file, &["get", "events", "--field-selector", "reason=FailedScheduling", "-o", "json"])
            .await
            .unwrap();
    let events: Value = serde_json::from_str(&events).unwrap();
    let message = events["items"][0]["message"].as_str().unwrap();
    assert!(message.starts_with("0/2 nodes are available: 2 Insufficient cpu."), "{message}");

    let sorted = kubectl(&file, &["get", "events", "--sort-by=.lastTimestamp"]).await.unwrap();
    assert!(sorted.contains("FailedScheduling"), "rows carry whole objects for --sort-by: {sorted}");

    let node = web.iter().find_map(|p| p["spec"]["nodeName"].as_str()).unwrap();
    let described = kubectl(&file, &["describe", "node", node]).await.unwrap();
    assert!(described.contains("Non-terminated Pods:"), "{described}");
    assert!(described.contains("kube-system") && described.contains("default"), "{described}");
    assert!(described.contains("Allocated resources:"), "{described}");

    let deleted = kubectl(&file, &["delete", "deployment", "web"]).await.unwrap();
    assert_eq!(deleted.trim(), "deployment.apps \"web\" deleted from default namespace");
    assert!(pods(&file, "app=web").await.is_empty());
    let system = pods(&file, "k8s-app=kube-dns").await;
    assert!(system.is_empty(), "kube-system is another namespace");
    let dns = kubectl(&file, &["get", "pods", "-n", "kube-system", "-l", "k8s-app=kube-dns", "-o", "name"])
        .await
        .unwrap();
    assert_eq!(dns.lines().count(), 2, "{dns}");
}

#[tokio::test]
async fn kubectl_watches_pods_and_budgets_count_disruptions() {
    let cluster = Cluster::start().await;
    let file = cluster.kubeconfig("admin.yaml").await;
    let manifest = write(cluster.dir.path(), "web.yaml", &DEPLOYMENT.replace("replicas: 6", "replicas: 2"));
    kubectl(&file, &["apply", "-f", &manifest]).await.unwrap();

    let binary = std::env::var("KUBECTL").unwrap_or_else(|_| "kubectl".into());
    let cache = file.with_extension("cache");
    let mut watch = Command::new(binary)
        .arg("--kubeconfig")
        .arg(&file)
        .arg("--cache-dir")
        .arg(&cache)
        .args(["get", "pods", "-l", "app=web", "-w"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    kubectl(&file, &["scale", "deployment", "web", "--replicas=3"]).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    watch.kill().unwrap();
    let output = watch.wait_with_output().unwrap();
    let seen = String::from_utf8(output.stdout).unwrap();
    let names: std::collections::BTreeSet<&str> =
        seen.lines().skip(1).filter_map(|l| l.split_whitespace().next()).collect();
    assert_eq!(names.len(), 3, "the two pods, then the new one: {seen}");

    let budget = "apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  maxUnavailable: 0
  selector:
    matchLabels:
      app: web
";
    let budget = write(cluster.dir.path(), "pdb.yaml", budget);
    assert_eq!(
        kubectl(&file, &["apply", "-f", &budget]).await.unwrap().trim(),
        "poddisruptionbudget.policy/web created"
    );
    let pdb: Value =
        serde_json::from_str(&kubectl(&file, &["get", "pdb", "web", "-o", "json"]).await.unwrap()).unwrap();
    assert_eq!(pdb["status"]["disruptionsAllowed"], 0);
    assert_eq!(pdb["status"]["expectedPods"], 3);
    let table = kubectl(&file, &["get", "pdb"]).await.unwrap();
    assert!(
        table.lines().nth(1).unwrap().starts_with("web    N/A             0                 0"),
        "{table}"
    );
}

#[tokio::test]
async fn the_autoscaler_adds_nodes_until_pending_pods_run() {
    let emulator = emulator();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    kube::serve(listener, emulator.clone()).unwrap();
    let body = json!({ "name": "auto", "region": "GRA11", "plan": "free", "version": "1.34" }).to_string();
    let id = send(&emulator, signed("POST", &kube(""), &body)).await.body["id"].as_str().unwrap().to_string();
    advance(&emulator, 6 * 60).await;
    let pool = json!({ "name": "auto", "flavorName": "b3-8", "desiredNodes": 1, "minNodes": 1, "maxNodes": 4, "autoscale": true });
    let created = send(&emulator, signed("POST", &kube(&format!("/{id}/nodepool")), &pool.to_string())).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    advance(&emulator, 4 * 60).await;
    let cluster = Cluster {
        emulator: emulator.clone(),
        id: id.clone(),
        pool: String::new(),
        dir: tempfile::tempdir().unwrap(),
    };
    let file = cluster.kubeconfig("admin.yaml").await;
    let manifest = write(cluster.dir.path(), "web.yaml", DEPLOYMENT);
    kubectl(&file, &["apply", "-f", &manifest]).await.unwrap();
    kubectl(&file, &["scale", "deployment", "web", "--replicas=40"]).await.unwrap();
    assert!(running(&pods(&file, "app=web").await) < 40);

    // The pool grows to its maximum (4 nodes hold 5 + 3 × 5 pods of 300 m), no further.
    let path = kube(&format!("/{id}/nodepool/{}", created.body["id"].as_str().unwrap()));
    assert_eq!(send(&emulator, signed("GET", &path, "")).await.body["desiredNodes"], 4);
    advance(&emulator, 5 * 60).await;
    let web = pods(&file, "app=web").await;
    let nodes = kubectl(&file, &["get", "nodes", "-o", "name"]).await.unwrap();
    assert_eq!(nodes.lines().count(), 4, "{nodes}");
    assert!(running(&web) > 9 && running(&web) < 40, "{}", running(&web));

    // Within the limit, everything runs.
    kubectl(&file, &["scale", "deployment", "web", "--replicas=12"]).await.unwrap();
    assert_eq!(running(&pods(&file, "app=web").await), 12);
}
