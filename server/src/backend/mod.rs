//! The server's side of the pages' server functions ([`app::api::port::Backend`]): every call
//! checks the caller's role in the project, then uses the services; errors become the one error
//! pages understand, internals logged once under a reference.

use std::sync::Arc;

use app::api::port::{Backend, BoxFuture, Caller};
use app::error::AppError;
use chrono::Utc;
use futures::StreamExt;
use model::access::Role;
use model::activity::{ActivityFilter, ActivityPage, PAGE_SIZE};
use model::capabilities::{ApiRequest, Capabilities};
use model::cluster_spec::ClusterSpec;
use model::cluster_view::{ClusterOverview, ClusterRow};
use model::flavor::Flavor;
use model::ip_restriction::AllowList;
use model::node_pool::NodePoolSpec;
use model::operation::OperationKind;
use model::operation::OperationView;
use model::pool_view::PoolView;
use model::validation::FieldErrors;
use model::version::UpdateStrategy;

use crate::audit::{self, AuditEvent, Visibility};
use crate::db::Db;
use crate::services::{Actor, ServiceError, Services};

mod clusters;
mod pools;
mod settings;

/// The backend over the services and the audit trail.
pub struct ConsoleBackend {
    pub services: Services,
    pub db: Db,
}

/// A service error as pages see it.
pub fn app_error(error: ServiceError) -> AppError {
    match error {
        ServiceError::UnknownProject(project) => {
            AppError::NotFound { message: format!("There is no project {project}.") }
        }
        ServiceError::NotFound(what) => AppError::NotFound { message: format!("The {what} does not exist.") },
        ServiceError::Invalid(errors) => AppError::Invalid { errors },
        ServiceError::Conflict(message) => AppError::Conflict { message },
        ServiceError::Provider(error) if error.is_retryable() => AppError::Unavailable {
            message: "The cloud provider did not answer. Try again in a moment.".into(),
        },
        ServiceError::Provider(error) => {
            let message = error.body().map_or_else(|| error.to_string(), |b| b.message.clone());
            AppError::Conflict { message: format!("The cloud provider refused: {message}") }
        }
        ServiceError::Db(error) => internal(&error),
    }
}

fn internal(error: &dyn std::fmt::Display) -> AppError {
    let reference = uuid::Uuid::new_v4().to_string();
    tracing::error!(%reference, %error, "request failed");
    AppError::Internal { reference }
}

fn actor(caller: &Caller) -> Actor {
    Actor { username: caller.user.username.clone(), address: caller.address.clone() }
}

impl ConsoleBackend {
    /// Refuses (and audits the refusal of) an action `needed` does not allow the caller.
    pub async fn require(
        &self,
        caller: &Caller,
        project: &str,
        needed: Role,
        action: &str,
        target: &str,
    ) -> Result<(), AppError> {
        if caller.user.may(project, needed) {
            return Ok(());
        }
        if needed > Role::Viewer {
            let event = AuditEvent {
                project_id: Some(project.to_string()),
                actor: caller.user.username.clone(),
                actor_address: caller.address.clone(),
                action: action.to_string(),
                target_kind: Some("cluster".into()),
                target_id: Some(target.to_string()),
                target_name: None,
                outcome: "denied",
                operation_id: None,
            };
            audit::record(&self.db, &event, Utc::now()).await.map_err(|e| internal(&e))?;
        }
        Err(AppError::Forbidden {
            message: format!("This needs the {} role in this project.", needed.label().to_lowercase()),
        })
    }
}

impl Backend for ConsoleBackend {
    fn clusters<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ClusterRow>, AppError>> {
        Box::pin(async move {
            self.require(caller, project, Role::Viewer, "cluster.list", "").await?;
            let clusters = self.services.list_clusters(project).await.map_err(app_error)?;
            // Node counts come from each cluster's pools: asked for eight clusters at a time.
            let mut lookups = Vec::with_capacity(clusters.len());
            for cluster in &clusters {
                lookups.push(self.services.list_node_pools(project, &cluster.id));
            }
            let pools: Vec<_> = futures::stream::iter(lookups).buffered(8).collect().await;
            let mut rows = Vec::with_capacity(clusters.len());
            for (cluster, pools) in clusters.into_iter().zip(pools) {
                let pools = pools.unwrap_or_default();
                rows.push(ClusterRow {
                    nodes_ready: pools.iter().map(|p| p.available_nodes).sum(),
                    nodes_total: pools.iter().map(|p| p.current_nodes).sum(),
                    upgrade_available: !cluster.next_upgrade_versions.clone().unwrap_or_default().is_empty()
                        || !cluster.is_up_to_date,
                    id: cluster.id,
                    name: cluster.name,
                    region: cluster.region,
                    plan: cluster.plan,
                    version: cluster.version,
                    status: cluster.status,
                    created_at: cluster.created_at,
                });
            }
            rows.sort_by(|a, b| a.name.cmp(&b.name));
            Ok(rows)
        })
    }

    fn delete_cluster<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a str,
        confirm: &'a str,
    ) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(async move {
            let needed = OperationKind::DeleteCluster.required_role();
            self.require(caller, project, needed, "operation.delete_cluster", cluster).await?;
            let found = self.services.get_cluster(project, cluster).await.map_err(app_error)?;
            if confirm != found.name {
                let mut errors = FieldErrors::new();
                errors.add("confirm", format!("Type the cluster's name, {}, to confirm.", found.name));
                return Err(AppError::Invalid { errors });
            }
            // One deletion per cluster and user, however often it is clicked.
            let key = Some(format!("delete-cluster-{cluster}"));
            let submitted = self
                .services
                .delete_cluster(project, &actor(caller), cluster, key)
                .await
                .map_err(app_error)?;
            Ok(submitted.operation_id.as_str().to_string())
        })
    }

    fn capabilities<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
    ) -> BoxFuture<'a, Result<Capabilities, AppError>> {
        Box::pin(ConsoleBackend::capabilities(self, caller, project))
    }

    fn flavors<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        region: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Flavor>, AppError>> {
        Box::pin(ConsoleBackend::flavors(self, caller, project, region))
    }

    fn creation_request<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        spec: &'a ClusterSpec,
    ) -> BoxFuture<'a, Result<ApiRequest, AppError>> {
        Box::pin(ConsoleBackend::creation_request(self, caller, project, spec))
    }

    fn create_cluster<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        spec: &'a ClusterSpec,
        key: &'a str,
    ) -> BoxFuture<'a, Result<OperationView, AppError>> {
        Box::pin(ConsoleBackend::create_cluster(self, caller, project, spec, key))
    }

    fn cluster_overview<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a str,
    ) -> BoxFuture<'a, Result<ClusterOverview, AppError>> {
        Box::pin(ConsoleBackend::cluster_overview(self, caller, project, cluster))
    }

    fn cluster_operations<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a str,
    ) -> BoxFuture<'a, Result<Vec<OperationView>, AppError>> {
        Box::pin(ConsoleBackend::cluster_operations(self, caller, project, cluster))
    }

    fn operation<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        operation: &'a str,
    ) -> BoxFuture<'a, Result<OperationView, AppError>> {
        Box::pin(ConsoleBackend::operation(self, caller, project, operation))
    }

    fn retry_operation<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        operation: &'a str,
    ) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(ConsoleBackend::retry_operation(self, caller, project, operation))
    }

    fn node_pools<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a str,
    ) -> BoxFuture<'a, Result<Vec<PoolView>, AppError>> {
        Box::pin(ConsoleBackend::node_pools(self, caller, project, cluster))
    }

    fn update_node_pool<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a str,
        pool: &'a str,
        spec: &'a NodePoolSpec,
        key: &'a str,
    ) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(ConsoleBackend::update_node_pool(self, caller, project, cluster, pool, spec, key))
    }

    fn delete_node_pool<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a str,
        pool: &'a str,
    ) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(ConsoleBackend::delete_node_pool(self, caller, project, cluster, pool))
    }

    fn remove_node<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a str,
        pool: &'a str,
        node: &'a str,
    ) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(ConsoleBackend::remove_node(self, caller, project, cluster, pool, node))
    }

    fn rename_cluster<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a str,
        name: &'a str,
    ) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(ConsoleBackend::rename_cluster(self, caller, project, cluster, name))
    }

    fn update_cluster_policy<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a str,
        policy: &'a str,
    ) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(ConsoleBackend::update_cluster_policy(self, caller, project, cluster, policy))
    }

    fn reset_kubeconfig<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a str,
    ) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(ConsoleBackend::reset_kubeconfig(self, caller, project, cluster))
    }

    fn upgrade_cluster<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a str,
        strategy: UpdateStrategy,
    ) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(ConsoleBackend::upgrade_cluster(self, caller, project, cluster, strategy))
    }

    fn allow_list<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a str,
    ) -> BoxFuture<'a, Result<AllowList, AppError>> {
        Box::pin(ConsoleBackend::allow_list(self, caller, project, cluster))
    }

    fn set_allow_list<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a str,
        entries: &'a [String],
    ) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(ConsoleBackend::set_allow_list(self, caller, project, cluster, entries))
    }

    fn activity<'a>(
        &'a self,
        caller: &'a Caller,
        filter: ActivityFilter,
    ) -> BoxFuture<'a, Result<ActivityPage, AppError>> {
        Box::pin(async move {
            let page = filter.page.unwrap_or(1).max(1);
            let offset = i64::from(page - 1) * i64::from(PAGE_SIZE);
            let (entries, total) = self.audit(caller, &filter, i64::from(PAGE_SIZE), offset).await?;
            Ok(ActivityPage { entries, total, page })
        })
    }
}

impl ConsoleBackend {
    /// The caller's view of the audit trail: their projects' events, and console-wide ones
    /// (sign-ins) for admins.
    pub async fn audit(
        &self,
        caller: &Caller,
        filter: &ActivityFilter,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<model::activity::AuditEntry>, u64), AppError> {
        let user = &caller.user;
        let visibility = Visibility {
            projects: user.memberships.iter().map(|m| m.project_id.clone()).collect(),
            console_wide: user.local_mode || user.memberships.iter().any(|m| m.role == Role::Admin),
        };
        match audit::query(&self.db, filter, &visibility, limit, offset).await {
            Err(error) => Err(internal(&error)),
            Ok(Err(bad)) => {
                let mut errors = FieldErrors::new();
                errors.add(bad.field, bad.message);
                Err(AppError::Invalid { errors })
            }
            Ok(Ok(found)) => Ok(found),
        }
    }
}

/// The backend as server functions find it in their context.
pub fn provide(services: Services, db: Db) -> Arc<dyn Backend> {
    Arc::new(ConsoleBackend { services, db })
}
