//! The workloads of a cluster read through its own API with the provider's admin kubeconfig:
//! the emulated API server, fed with the real kubectl, and the pre-flight checks on it.

use std::process::Command;

use model::id::ClusterId;
use provider::api::{ClusterCreation, NodePoolCreation, NodePoolSizing};
use server::services::workloads::{Removal, Scope};

use crate::cloud::{Cloud, PROJECT, SERVICE};

const HEAVY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: heavy
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app: heavy
  template:
    metadata:
      labels:
        app: heavy
    spec:
      containers:
        - name: heavy
          image: nginx:1.27
          resources:
            requests:
              cpu: 1200m
";

/// A Free cluster with two b3-8 nodes, its API server listening; its id.
pub async fn cluster(cloud: &Cloud) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    emulator::kube::serve(listener, cloud.emulator.clone()).unwrap();
    let pool = NodePoolCreation {
        flavor_name: "b3-8".into(),
        name: Some("workers".into()),
        sizing: NodePoolSizing { desired_nodes: Some(2), ..NodePoolSizing::default() },
        ..NodePoolCreation::default()
    };
    let creation = ClusterCreation {
        name: Some("shop".into()),
        region: "GRA11".into(),
        nodepools: Some(vec![pool]),
        ..ClusterCreation::default()
    };
    let created = cloud.client.create_cluster(SERVICE, &creation).await.unwrap();
    cloud.advance(20 * 60);
    created.id
}

/// Runs kubectl with the cluster's admin kubeconfig.
pub async fn kubectl(cloud: &Cloud, id: &str, dir: &std::path::Path, args: &[&str]) -> String {
    let kubeconfig = cloud.client.kubeconfig(SERVICE, &ClusterId::new(id)).await.unwrap();
    let file = dir.join("admin.yaml");
    std::fs::write(&file, kubeconfig.content).unwrap();
    let binary = std::env::var("KUBECTL").unwrap_or_else(|_| "kubectl".into());
    let mut command = Command::new(binary);
    command.arg("--kubeconfig").arg(&file).arg("--cache-dir").arg(dir.join("cache")).args(args);
    let output = tokio::task::spawn_blocking(move || command.output()).await.unwrap().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

#[tokio::test]
async fn the_console_reads_workloads_and_replays_drains_on_them() {
    let cloud = Cloud::start().await;
    let id = cluster(&cloud).await;
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("heavy.yaml");
    std::fs::write(
        &manifest,
        format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n---\n{HEAVY}"),
    )
    .unwrap();
    kubectl(&cloud, &id, dir.path(), &["apply", "-f", manifest.to_str().unwrap()]).await;

    let app = cloud.app().await;
    let services = app.services();
    let cluster = ClusterId::new(&id);
    let view = services.workloads(PROJECT, &cluster, &Scope::All).await.unwrap();
    let heavy = view.deployments.iter().find(|d| d.name == "heavy").unwrap();
    assert_eq!((heavy.namespace.as_str(), heavy.ready, heavy.desired), ("shop", 2, 2));
    assert_eq!(view.nodes.len(), 2);
    // One 1200 m pod per node (1840 m each): neither node can take the other's.
    assert!(view.nodes.iter().all(|n| n.pods.iter().filter(|p| p.name.starts_with("heavy-")).count() == 1));
    assert!(view.nodes.iter().any(|n| n.pods.iter().any(|p| p.namespace == "kube-system" && p.daemon)));

    let only_default = Scope::Only(vec!["default".into()]);
    let limited = services.workloads(PROJECT, &cluster, &only_default).await.unwrap();
    assert!(limited.deployments.is_empty());
    assert_eq!(limited.hidden_namespaces, view.namespaces.len() - 1);
    assert!(limited.nodes.iter().all(|n| n.hidden_pods > 0 && n.cpu_requested >= 1200));

    let check = services
        .upgrade_preflight(PROJECT, &cloud.client.get_cluster(SERVICE, &cluster).await.unwrap(), &Scope::All)
        .await
        .unwrap();
    let first = &check.issues[0];
    assert!(
        first.starts_with("While ") && first.contains("shop/heavy-") && first.contains("Insufficient cpu"),
        "{first}"
    );

    let shrink = services
        .removal_preflight(PROJECT, &cluster, "workers", &Removal::ScaleTo(1), &Scope::All)
        .await
        .unwrap();
    assert!(shrink.issues.iter().any(|i| i.contains("shop/heavy-")), "{:?}", shrink.issues);

    // With a third node, every drain finds room.
    let pools = cloud.client.list_node_pools(SERVICE, &cluster).await.unwrap();
    let update = provider::api::NodePoolUpdate {
        sizing: NodePoolSizing { desired_nodes: Some(3), ..NodePoolSizing::default() },
        ..provider::api::NodePoolUpdate::default()
    };
    let pool = model::id::NodePoolId::new(&pools[0].id);
    cloud.client.update_node_pool(SERVICE, &cluster, &pool, &update).await.unwrap();
    cloud.advance(10 * 60);
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    let check = services
        .upgrade_preflight(PROJECT, &cloud.client.get_cluster(SERVICE, &cluster).await.unwrap(), &Scope::All)
        .await
        .unwrap();
    assert!(check.passes(), "{:?}", check.issues);
    assert_eq!(check.nodes, 3);
}
