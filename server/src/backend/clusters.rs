//! The cluster calls of the backend: the list, creation (capabilities, the request preview,
//! submitting), the Overview tab, and deletion.

use app::api::port::{Caller, Clusters};
use app::error::AppError;
use async_trait::async_trait;
use model::activity::AuditAction;
use model::capabilities::{ApiRequest, Capabilities};
use model::cluster_spec::ClusterSpec;
use model::cluster_view::{ClusterOverview, ClustersView, EtcdUsage};
use model::cost::PricedEstimate;
use model::flavor::Flavor;
use model::id::{ClusterId, ProjectId};
use model::node_pool::NodePoolSpec;
use model::operation::{OperationKind, OperationView};

use super::{CATALOG_WAIT, ConsoleBackend, actor, not_read};
use crate::catalog::Lookup;
use crate::services::ServiceError;

/// Longest wait, after queueing a creation, for the provider's id of the new cluster.
const CREATION_WAIT: std::time::Duration = std::time::Duration::from_secs(10);
/// Longest wait for etcd's figures, which the catalog does not keep.
const ETCD_DEADLINE: std::time::Duration = std::time::Duration::from_secs(2);

#[async_trait]
impl Clusters for ConsoleBackend {
    async fn capabilities(&self, caller: &Caller, project: &ProjectId) -> Result<Capabilities, AppError> {
        self.require_viewer(caller, project)?;
        let regions = self.services.regions(project).await?;
        let prices = self.services.prices(project.as_str());
        Ok(Capabilities { regions, versions: self.services.versions(), prices })
    }

    async fn flavors(
        &self,
        caller: &Caller,
        project: &ProjectId,
        region: &str,
    ) -> Result<Vec<Flavor>, AppError> {
        self.require_viewer(caller, project)?;
        self.services.flavors(project, region).await.map_err(AppError::from)
    }

    async fn creation_request(
        &self,
        caller: &Caller,
        project: &ProjectId,
        spec: &ClusterSpec,
    ) -> Result<ApiRequest, AppError> {
        self.require_viewer(caller, project)?;
        self.services.creation_request(project, spec).map_err(AppError::from)
    }

    async fn create_cluster(
        &self,
        caller: &Caller,
        project: &ProjectId,
        spec: &ClusterSpec,
        key: &str,
    ) -> Result<OperationView, AppError> {
        let needed = OperationKind::CreateCluster.required_role();
        self.require(
            caller,
            project,
            needed,
            AuditAction::Operation(OperationKind::CreateCluster),
            &spec.name,
        )
        .await?;
        let key = (!key.is_empty()).then(|| format!("create-cluster-{key}"));
        let submitted = self.services.create_cluster(project, &actor(caller), spec, key).await?;
        // The page goes to the cluster once the provider has given it an id: wait a little for
        // the runner's first step.
        let deadline = tokio::time::Instant::now() + CREATION_WAIT;
        loop {
            let operation = self.services.operation(project, &submitted.operation_id).await?;
            if operation.cluster_id.is_some()
                || operation.state.is_finished()
                || tokio::time::Instant::now() >= deadline
            {
                return Ok(operation);
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    /// The clusters list, from the catalog.
    async fn clusters(&self, caller: &Caller, project: &ProjectId) -> Result<ClustersView, AppError> {
        self.require_viewer(caller, project)?;
        let catalog = self.catalog(project)?;
        let snapshot = catalog.read(CATALOG_WAIT).await.map_err(not_read)?;
        catalog.looked_at(&snapshot);
        Ok(ClustersView { rows: snapshot.rows(), freshness: snapshot.freshness() })
    }

    /// The Overview tab, from the catalog.
    async fn cluster_overview(
        &self,
        caller: &Caller,
        project: &ProjectId,
        id: &ClusterId,
    ) -> Result<ClusterOverview, AppError> {
        self.require_viewer(caller, project)?;
        let snapshot = self.cluster_snapshot(project, id).await?;
        let Lookup::Found(entry) = snapshot.find(id.as_str()) else {
            return Err(AppError::from(ServiceError::NotFound(format!("cluster {id}"))));
        };
        let cluster = &entry.cluster;
        let cost = match &entry.detail {
            Some(detail) => {
                let pools: Vec<NodePoolSpec> = detail.pools.iter().map(NodePoolSpec::from).collect();
                Some(PricedEstimate::new(&self.services.prices(project.as_str()), &pools))
            }
            None => None,
        };
        Ok(ClusterOverview {
            cost,
            api_url: format!("https://{}", cluster.url),
            update_policy: cluster.update_policy.clone(),
            kube_proxy_mode: cluster.kube_proxy_mode.clone(),
            node_pools: entry.detail.as_ref().map_or(0, |d| d.pools.len() as u32),
            freshness: snapshot.freshness(),
            ..entry.live().overview()
        })
    }

    /// etcd's figures, which the catalog does not keep: asked of the provider (kept a minute),
    /// waiting at most [`ETCD_DEADLINE`].
    async fn etcd_usage(
        &self,
        caller: &Caller,
        project: &ProjectId,
        id: &ClusterId,
    ) -> Result<EtcdUsage, AppError> {
        self.require_viewer(caller, project)?;
        match tokio::time::timeout(ETCD_DEADLINE, self.services.etcd_usage(project, id)).await {
            Ok(usage) => usage.map(|e| EtcdUsage { usage: e.usage, quota: e.quota }).map_err(AppError::from),
            Err(_) => {
                Err(AppError::Unavailable { message: "The cloud provider did not answer in time.".into() })
            }
        }
    }

    async fn delete_cluster(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        confirm: &str,
    ) -> Result<String, AppError> {
        self.change(caller, project, cluster, OperationKind::DeleteCluster, move |actor| async move {
            self.services.confirm_name(project, cluster, confirm).await?;
            // One deletion per cluster and user, however often it is clicked; a new one once
            // the last has failed or been cancelled.
            let key =
                self.services.key_after_ended(project, cluster, &format!("delete-cluster-{cluster}")).await?;
            self.services.delete_cluster(project, &actor, cluster, Some(key)).await
        })
        .await
    }
}
