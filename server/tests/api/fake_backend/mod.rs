//! A backend with fixed answers, put behind the pages' port in place of the console's: the
//! pages render whatever the port gives them, with no services, catalog or provider behind it.

use std::sync::Arc;

use app::api::port::{Caller, Clusters, Customization, Operations, Pools, Settings};
use app::error::AppError;
use async_trait::async_trait;
use model::capabilities::{ApiRequest, Capabilities};
use model::cluster_spec::ClusterSpec;
use model::cluster_view::{ClusterOverview, ClusterRow, ClustersView, EtcdUsage, NodeCounts};
use model::customization::CustomizationView;
use model::flavor::Flavor;
use model::freshness::Freshness;
use model::id::{ClusterId, NodeId, NodePoolId, OperationId, ProjectId};
use model::node_pool::NodePoolSpec;
use model::operation::OperationView;
use model::plan::Plan;
use model::pool_view::PoolView;
use model::reset::WorkerNodesPolicy;
use model::status::Status;
use model::version::{KubeProxyMode, UpdatePolicy, UpdateStrategy};

use crate::cloud::{Cloud, PROJECT};

mod absent_ports;

pub const ID: &str = "5a0c2d6e-8f1b-4c3a-9e7d-2b4f6a8c0e1d";

/// One cluster, `harbour-from-the-fake`, with 7 of 9 nodes ready.
pub struct FakeBackend;

fn freshness() -> Freshness {
    Freshness { read_at: Some(chrono::Utc::now().timestamp() - 4), ..Freshness::default() }
}

fn row() -> ClusterRow {
    ClusterRow {
        id: ID.into(),
        name: "harbour-from-the-fake".into(),
        region: "BHS5".into(),
        plan: Plan::Standard,
        version: "1.33".into(),
        status: Status::Ready,
        nodes: Some(NodeCounts { ready: 7, total: 9 }),
        upgrade_available: false,
        created_at: "2026-03-04T05:06:07Z".into(),
    }
}

fn absent<T>(what: &str) -> Result<T, AppError> {
    Err(AppError::NotFound { message: format!("The fake backend has no {what}.") })
}

#[async_trait]
impl Clusters for FakeBackend {
    async fn clusters(&self, _: &Caller, _: &ProjectId) -> Result<ClustersView, AppError> {
        Ok(ClustersView { rows: vec![row()], freshness: freshness() })
    }
    async fn cluster_overview(
        &self,
        _: &Caller,
        _: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<ClusterOverview, AppError> {
        if cluster.as_str() != ID {
            return absent("such cluster");
        }
        let row = row();
        Ok(ClusterOverview {
            id: row.id,
            name: row.name,
            region: row.region,
            plan: row.plan,
            version: row.version,
            status: row.status,
            api_url: "https://harbour.fake.invalid".into(),
            update_policy: UpdatePolicy::AlwaysUpdate,
            kube_proxy_mode: KubeProxyMode::Iptables,
            next_versions: vec![],
            patch_pending: false,
            node_pools: 3,
            nodes: row.nodes,
            created_at: row.created_at,
            freshness: freshness(),
            cost: None,
        })
    }
    async fn etcd_usage(&self, _: &Caller, _: &ProjectId, _: &ClusterId) -> Result<EtcdUsage, AppError> {
        absent("etcd")
    }
    async fn capabilities(&self, _: &Caller, _: &ProjectId) -> Result<Capabilities, AppError> {
        absent("capabilities")
    }
    async fn flavors(&self, _: &Caller, _: &ProjectId, _: &str) -> Result<Vec<Flavor>, AppError> {
        absent("flavors")
    }
    async fn creation_request(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &ClusterSpec,
    ) -> Result<ApiRequest, AppError> {
        absent("creation request")
    }
    async fn create_cluster(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &ClusterSpec,
        _: &str,
    ) -> Result<OperationView, AppError> {
        absent("creation")
    }
    async fn delete_cluster(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &ClusterId,
        _: &str,
    ) -> Result<String, AppError> {
        absent("deletion")
    }
}

#[async_trait]
impl Operations for FakeBackend {
    async fn cluster_operations(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &ClusterId,
    ) -> Result<Vec<OperationView>, AppError> {
        Ok(vec![])
    }
    async fn operation(&self, _: &Caller, _: &ProjectId, _: &OperationId) -> Result<OperationView, AppError> {
        absent("operation")
    }
    async fn retry_operation(&self, _: &Caller, _: &ProjectId, _: &OperationId) -> Result<String, AppError> {
        absent("operation")
    }
}

#[async_trait]
impl Pools for FakeBackend {
    async fn node_pools(&self, _: &Caller, _: &ProjectId, _: &ClusterId) -> Result<Vec<PoolView>, AppError> {
        absent("pools")
    }
    async fn create_node_pool(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &ClusterId,
        _: &NodePoolSpec,
        _: &str,
    ) -> Result<String, AppError> {
        absent("pools")
    }
    async fn update_node_pool(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &ClusterId,
        _: &NodePoolId,
        _: &NodePoolSpec,
        _: &str,
    ) -> Result<String, AppError> {
        absent("pools")
    }
    async fn delete_node_pool(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &ClusterId,
        _: &NodePoolId,
    ) -> Result<String, AppError> {
        absent("pools")
    }
    async fn remove_node(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &ClusterId,
        _: &NodePoolId,
        _: &NodeId,
    ) -> Result<String, AppError> {
        absent("nodes")
    }
}

#[async_trait]
impl Settings for FakeBackend {
    async fn rename_cluster(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &ClusterId,
        _: &str,
    ) -> Result<String, AppError> {
        absent("settings")
    }
    async fn update_cluster_policy(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &ClusterId,
        _: &UpdatePolicy,
    ) -> Result<String, AppError> {
        absent("settings")
    }
    async fn upgrade_cluster(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &ClusterId,
        _: UpdateStrategy,
    ) -> Result<String, AppError> {
        absent("upgrades")
    }
}

#[async_trait]
impl Customization for FakeBackend {
    async fn customization(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &ClusterId,
    ) -> Result<CustomizationView, AppError> {
        absent("customization")
    }
    async fn customize_cluster(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &ClusterId,
        _: &CustomizationView,
    ) -> Result<String, AppError> {
        absent("customization")
    }
    async fn reset_cluster(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &ClusterId,
        _: &WorkerNodesPolicy,
        _: &str,
    ) -> Result<String, AppError> {
        absent("reset")
    }
}

#[tokio::test]
async fn the_clusters_list_renders_what_the_port_gives_it() {
    let cloud = Cloud::start().await;
    let mut app = cloud.app().await;
    app.state.backend = Arc::new(FakeBackend);
    let response = app.get(&format!("/clusters?project={PROJECT}")).await;
    assert_eq!(response.status, 200);
    let html = response.text();
    assert!(html.contains(r#"<tr data-cluster="harbour-from-the-fake">"#), "{html}");
    assert!(html.contains("BHS5"));
    assert!(html.contains("7 / 9"));
    assert!(html.contains("Updated 4 s ago"), "{html}");
    // The emulator behind the project has no such cluster, and was not asked.
    assert_eq!(cloud.emulator.answered(), 0);
}

#[tokio::test]
async fn the_cluster_overview_renders_what_the_port_gives_it() {
    let cloud = Cloud::start().await;
    let mut app = cloud.app().await;
    app.state.backend = Arc::new(FakeBackend);
    let response = app.get(&format!("/clusters/{ID}?project={PROJECT}")).await;
    assert_eq!(response.status, 200);
    let html = response.text();
    assert!(html.contains("harbour-from-the-fake"), "{html}");
    assert!(html.contains("https://harbour.fake.invalid"), "{html}");
    assert!(html.contains("7 / 9 in 3 pools"), "{html}");
    // A cluster the port does not know is the page's "not found", from the port's error.
    let response = app
        .get(&format!("/clusters/{}?project={PROJECT}", "0".repeat(8) + "-0000-0000-0000-000000000000"))
        .await;
    assert!(response.text().contains("The fake backend has no such cluster."), "{}", response.text());
    assert_eq!(cloud.emulator.answered(), 0);
}
