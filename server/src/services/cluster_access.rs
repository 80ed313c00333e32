//! Who can do what inside a cluster: the mapping of identity-provider groups to built-in roles
//! the console keeps (`cluster_access` table), the cluster's bindings read back to show drift,
//! and applying — or restoring — the bindings as an operation.

use chrono::{DateTime, Utc};
use model::id::ClusterId;
use model::rbac::mapping::{self, AccessMapping, ConsoleGroups};
use model::rbac::{FoundBinding, InClusterAccess, SavedMapping};

use super::{Actor, ServiceError, Services, Submitted, invalid};
use crate::cluster_api::ClusterApiError;
use crate::cluster_rbac;
use crate::db::Db;
use crate::on_db;
use crate::operations::params::{self, OperationRequest};

/// The mapping kept for `cluster` of `project`, if one was saved.
pub async fn saved(db: &Db, project: &str, cluster: &str) -> Result<Option<SavedMapping>, sqlx::Error> {
    const READ: &str = "SELECT mapping, groups_prefix, updated_by, updated_at FROM cluster_access \
        WHERE project_id = $1 AND cluster_id = $2";
    let row: Option<(String, String, String, DateTime<Utc>)> = on_db!(db, pool => sqlx::query_as(READ)
        .bind(project).bind(cluster).fetch_optional(pool).await)?;
    Ok(row.map(|(mapping, groups_prefix, updated_by, updated_at)| SavedMapping {
        mapping: serde_json::from_str(&mapping).unwrap_or_default(),
        groups_prefix,
        updated_by,
        updated_at: updated_at.to_rfc3339(),
    }))
}

async fn save(
    db: &Db,
    project: &str,
    cluster: &str,
    saved: &SavedMapping,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const UPSERT: &str = "INSERT INTO cluster_access (project_id, cluster_id, mapping, groups_prefix, updated_by, \
        updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (project_id, cluster_id) DO UPDATE SET \
        mapping = excluded.mapping, groups_prefix = excluded.groups_prefix, updated_by = excluded.updated_by, \
        updated_at = excluded.updated_at";
    let mapping = serde_json::to_string(&saved.mapping).unwrap_or_default();
    on_db!(db, pool => sqlx::query(UPSERT)
        .bind(project).bind(cluster).bind(&mapping).bind(&saved.groups_prefix).bind(&saved.updated_by).bind(at)
        .execute(pool).await.map(|_| ()))
}

impl Services {
    /// The cluster's namespaces and the bindings that carry the console's label.
    async fn cluster_bindings(
        &self,
        project: &str,
        id: &ClusterId,
    ) -> Result<(Vec<String>, Vec<FoundBinding>), ServiceError> {
        let objects = self.cluster_objects(project, id).await?;
        let namespaces = objects
            .namespaces
            .iter()
            .filter_map(|n| n["metadata"]["name"].as_str().map(str::to_string))
            .collect();
        let bindings = match cluster_rbac::managed(&*self.cluster_api(project, id).await?).await {
            // A reset kubeconfig: fetch the new one once.
            Err(ClusterApiError::Unauthorized) => {
                self.caches.cluster_apis.remove(&(project.to_string(), id.to_string()));
                cluster_rbac::managed(&*self.cluster_api(project, id).await?).await?
            }
            other => other?,
        };
        Ok((namespaces, bindings))
    }

    /// The Access tab's card: the saved mapping, the default one, how the cluster differs from
    /// the saved one, and the caller's groups (`your_groups`).
    pub async fn in_cluster_access(
        &self,
        project: &str,
        id: &ClusterId,
        your_groups: Vec<String>,
    ) -> Result<InClusterAccess, ServiceError> {
        let found = self.project(project)?;
        let saved = saved(&self.db, &found.id, id.as_str()).await?;
        let groups = &found.groups;
        let default_mapping = AccessMapping::from_console(&ConsoleGroups {
            admin: groups.admin.clone(),
            operator: groups.operator.clone(),
            viewer: groups.viewer.clone(),
        });
        let wanted = saved.as_ref().map(|s| s.mapping.bindings(&s.groups_prefix)).unwrap_or_default();
        let (namespaces, drift, unreadable) = match self.cluster_bindings(project, id).await {
            Ok((namespaces, bindings)) => (namespaces, mapping::drift(&wanted, &bindings), None),
            Err(error) => (Vec::new(), Vec::new(), Some(error.to_string())),
        };
        Ok(InClusterAccess { saved, default_mapping, namespaces, drift, unreadable, your_groups })
    }

    /// Checks `mapping` against the cluster's namespaces, keeps it with `groups_prefix` (its OIDC
    /// configuration's), and queues applying its bindings.
    pub async fn set_cluster_access(
        &self,
        project: &str,
        actor: &Actor,
        id: &ClusterId,
        mapping: &AccessMapping,
        groups_prefix: &str,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        let found = self.project(project)?;
        let mapping = mapping.normalized();
        let namespaces = match self.cluster_bindings(project, id).await {
            Ok((namespaces, _)) => namespaces,
            Err(ServiceError::NotFound(what)) => return Err(ServiceError::NotFound(what)),
            Err(error) => {
                return Err(invalid(
                    "groups",
                    format!("The cluster's namespaces could not be read to check the mapping: {error}"),
                ));
            }
        };
        mapping.check(&namespaces).into_result()?;
        let bindings = mapping.bindings(groups_prefix);
        let kept = SavedMapping {
            mapping,
            groups_prefix: groups_prefix.to_string(),
            updated_by: actor.name(),
            updated_at: String::new(),
        };
        save(&self.db, &found.id, id.as_str(), &kept, Utc::now()).await?;
        let request = OperationRequest::SetClusterAccess(params::ClusterAccess { bindings });
        self.change_cluster(project, actor, id, request, idempotency_key).await
    }

    /// Queues applying the saved mapping again: bindings changed or deleted in the cluster come
    /// back as they were, and labelled ones it does not want go.
    pub async fn restore_cluster_access(
        &self,
        project: &str,
        actor: &Actor,
        id: &ClusterId,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        let found = self.project(project)?;
        let kept = saved(&self.db, &found.id, id.as_str()).await?.ok_or_else(|| {
            ServiceError::Conflict(
                "No mapping was saved for this cluster: there is nothing to restore.".into(),
            )
        })?;
        let bindings = kept.mapping.bindings(&kept.groups_prefix);
        let request = OperationRequest::SetClusterAccess(params::ClusterAccess { bindings });
        self.change_cluster(project, actor, id, request, idempotency_key).await
    }
}
