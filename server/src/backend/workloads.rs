//! The Workloads tab and the pre-flight checks: read with the cluster's admin credentials on
//! the server, shown in the namespaces the caller's role allows.

use app::api::port::{Caller, Workloads};
use app::error::AppError;
use async_trait::async_trait;
use model::access::Role;
use model::id::{ClusterId, NodePoolId, ProjectId};
use model::workload_view::{Preflight, WorkloadsView};

use super::ConsoleBackend;
use crate::catalog::{Entry, Lookup};
use crate::services::ServiceError;
use crate::services::workloads::{Removal, Scope};

impl ConsoleBackend {
    /// The namespaces `caller` sees in `project`'s clusters.
    fn scope(&self, caller: &Caller, project: &str) -> Result<Scope, AppError> {
        let role = match caller.user.local_mode {
            true => Role::Admin,
            false => caller.user.role_in(project).unwrap_or(Role::Viewer),
        };
        Ok(self.services.project(project)?.groups.namespaces(role))
    }
}

#[async_trait]
impl Workloads for ConsoleBackend {
    async fn workloads(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<WorkloadsView, AppError> {
        self.require_viewer(caller, project)?;
        let scope = self.scope(caller, project)?;
        Ok(self.services.workloads(project, cluster, &scope).await?)
    }

    async fn upgrade_preflight(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<Preflight, AppError> {
        self.require_viewer(caller, project)?;
        let scope = self.scope(caller, project)?;
        // The plan and region from the catalog: a page view does not ask the provider.
        let snapshot = self.cluster_snapshot(project, cluster).await?;
        let Lookup::Found(entry) = snapshot.find(cluster.as_str()) else {
            return Err(ServiceError::NotFound(format!("cluster {cluster}")).into());
        };
        Ok(self.services.upgrade_preflight(project, &entry.cluster, &scope).await?)
    }

    async fn removal_preflight(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        pool: &NodePoolId,
        node: Option<&str>,
        desired: Option<u32>,
    ) -> Result<Preflight, AppError> {
        self.require_viewer(caller, project)?;
        let scope = self.scope(caller, project)?;
        let snapshot = self.cluster_snapshot(project, cluster).await?;
        let Lookup::Found(Entry { detail: Some(detail), .. }) = snapshot.find(cluster.as_str()) else {
            return Err(ServiceError::NotFound(format!("cluster {cluster}")).into());
        };
        let found = detail.pools.iter().find(|p| p.id == pool.as_str());
        let name = found
            .map(|p| p.name.clone())
            .ok_or_else(|| ServiceError::NotFound(format!("node pool {pool}")))?;
        let removal = match (node, desired) {
            (Some(node), _) => Removal::Node(node.to_string()),
            (None, Some(desired)) => Removal::ScaleTo(desired),
            (None, None) => {
                return Err(AppError::BadRequest {
                    message: "Name a node, or the number of nodes to keep.".into(),
                });
            }
        };
        Ok(self.services.removal_preflight(project, cluster, &name, &removal, &scope).await?)
    }
}
