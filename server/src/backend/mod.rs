//! The server's side of the pages' server functions ([`app::api::port::Backend`]): every call
//! checks the caller's role in the project, then uses the services; errors become the one error
//! pages understand, internals logged once under a reference.

use std::sync::Arc;

use app::api::port::{Backend, Caller};
use app::error::AppError;
use chrono::Utc;
use model::access::Role;
use model::activity::{ActivityFilter, AuditAction, Outcome, TargetKind};
use model::id::ClusterId;
use model::validation::FieldErrors;

use crate::audit::{self, AuditEvent, Visibility};
use crate::catalog::refresher::read_config;
use crate::catalog::{Config, Lookup, ProjectCatalog, Snapshot};
use crate::db::Db;
use crate::services::{Actor, ServiceError, Services, Submitted};
use model::operation::OperationKind;

mod access;
mod activity;
mod cluster_access;
mod clusters;
mod code;
mod customize;
mod fleet;
mod networks;
mod notifications;
mod oidc;
mod operations;
mod pools;
mod settings;
mod tokens;
mod workloads;

/// The backend over the services and the audit trail.
pub struct ConsoleBackend {
    pub services: Services,
    pub db: Db,
}

/// How long a page waits for the catalog: its first read of a project, or a cluster just
/// created.
pub const CATALOG_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// The catalog has nothing to show yet.
pub fn not_read(_: crate::catalog::Unavailable) -> AppError {
    AppError::Unavailable {
        message: "The cloud provider has not answered yet. Try again in a moment.".into(),
    }
}

/// A service error as pages see it.
impl From<ServiceError> for AppError {
    fn from(error: ServiceError) -> Self {
        match error {
            ServiceError::UnknownProject(project) => {
                AppError::NotFound { message: format!("There is no project {project}.") }
            }
            ServiceError::NotFound(what) => {
                AppError::NotFound { message: format!("The {what} does not exist.") }
            }
            ServiceError::Invalid(errors) => AppError::Invalid { errors },
            ServiceError::Conflict(message) => AppError::Conflict { message },
            ServiceError::Provider(error) if error.is_retryable() => AppError::Unavailable {
                message: "The cloud provider did not answer. Try again in a moment.".into(),
            },
            ServiceError::Provider(error) => {
                tracing::warn!(%error, "the provider refused a request");
                AppError::Conflict {
                    message: format!("The cloud provider refused: {}", error.user_message()),
                }
            }
            ServiceError::NotReadYet => not_read(crate::catalog::Unavailable::NotReadYet),
            ServiceError::ClusterApi(reason) => {
                tracing::warn!(%reason, "a cluster's API server could not be read");
                AppError::Unavailable {
                    message: format!(
                        "The cluster's API server could not be read: {reason}. Try again in a moment."
                    ),
                }
            }
            ServiceError::Db(error) => internal(&error),
        }
    }
}

fn internal(error: &dyn std::fmt::Display) -> AppError {
    let reference = uuid::Uuid::new_v4().to_string();
    tracing::error!(%reference, %error, "request failed");
    AppError::Internal { reference }
}

pub fn actor(caller: &Caller) -> Actor {
    Actor {
        username: caller.user.username.clone(),
        address: caller.address.clone(),
        token: caller.user.via_token.clone(),
    }
}

impl ConsoleBackend {
    /// Refuses a caller who may not see `project`. Not audited: refused reads tell nothing.
    pub fn require_viewer(&self, caller: &Caller, project: &str) -> Result<(), AppError> {
        match caller.user.may(project, Role::Viewer) {
            true => Ok(()),
            false => Err(forbidden(Role::Viewer)),
        }
    }

    /// Refuses, and audits the refusal of, an `action` on `cluster` that `needed` does not allow
    /// the caller.
    pub async fn require(
        &self,
        caller: &Caller,
        project: &str,
        needed: Role,
        action: AuditAction,
        cluster: impl AsRef<str>,
    ) -> Result<(), AppError> {
        self.require_on(caller, project, needed, action, TargetKind::Cluster, Some(cluster.as_ref())).await
    }

    /// Refuses, and audits the refusal of, an `action` on a target of `kind` (`target`, when it
    /// exists yet) that `needed` does not allow the caller.
    pub async fn require_on(
        &self,
        caller: &Caller,
        project: &str,
        needed: Role,
        action: AuditAction,
        kind: TargetKind,
        target: Option<&str>,
    ) -> Result<(), AppError> {
        if needed == Role::Viewer || caller.user.may(project, needed) {
            return self.require_viewer(caller, project);
        }
        let event = AuditEvent {
            project_id: Some(project.to_string()),
            actor: caller.user.actor(),
            actor_address: caller.address.clone(),
            action,
            target_kind: Some(kind),
            target_id: target.map(str::to_string),
            target_name: None,
            outcome: Outcome::Denied,
            operation_id: None,
        };
        audit::record_throttled(&self.db, &self.services.audit_throttle, &event, Utc::now())
            .await
            .map_err(|e| internal(&e))?;
        Err(forbidden(needed))
    }
}

impl ConsoleBackend {
    /// The catalog of `project`.
    pub(super) fn catalog(&self, project: &str) -> Result<&Arc<ProjectCatalog>, AppError> {
        self.services.project(project)?;
        self.services
            .catalog
            .project(project)
            .ok_or_else(|| AppError::from(ServiceError::UnknownProject(project.to_string())))
    }

    /// Cluster `id`'s configuration (the Access and Settings tabs), from the catalog, read
    /// after the last operation on it; from the provider when another replica reads the
    /// project's catalog.
    pub(super) async fn cluster_config(&self, project: &str, id: &ClusterId) -> Result<Config, AppError> {
        let catalog = self.catalog(project)?;
        if !catalog.is_polling() {
            let project = self.services.project(project)?;
            return read_config(project, id).await.map_err(|e| AppError::from(ServiceError::Provider(e)));
        }
        let changed_at = crate::catalog::store::last_change(&self.db, project, id.as_str())
            .await
            .map_err(|e| internal(&e))?;
        let read = catalog.config(id.as_str(), changed_at, CATALOG_WAIT).await;
        if let Some(config) = read.as_ref().ok().and_then(|s| s.configs.get(id.as_str())) {
            return Ok(config.clone());
        }
        match catalog.current().find(id.as_str()) {
            Lookup::Missing => Err(AppError::from(ServiceError::NotFound(format!("cluster {id}")))),
            _ => Err(not_read(crate::catalog::Unavailable::NotReadYet)),
        }
    }

    /// The catalog's snapshot that shows cluster `id` (or shows that it does not exist), read
    /// after the last operation on it changed.
    pub(super) async fn cluster_snapshot(
        &self,
        project: &str,
        id: &ClusterId,
    ) -> Result<Arc<Snapshot>, AppError> {
        let catalog = self.catalog(project)?;
        let changed_at = crate::catalog::store::last_change(&self.db, project, id.as_str())
            .await
            .map_err(|e| internal(&e))?;
        let snapshot =
            catalog.cluster(id.as_str(), Utc::now(), changed_at, CATALOG_WAIT).await.map_err(not_read)?;
        catalog.looked_at(&snapshot);
        Ok(snapshot)
    }

    /// Checks that `caller` may do `kind` to `cluster`, then submits the change; the new
    /// operation's id.
    pub(super) async fn change<F>(
        &self,
        caller: &Caller,
        project: &str,
        cluster: &ClusterId,
        kind: OperationKind,
        submit: impl FnOnce(Actor) -> F,
    ) -> Result<String, AppError>
    where
        F: Future<Output = Result<Submitted, ServiceError>>,
    {
        self.change_on(caller, project, (TargetKind::Cluster, Some(cluster.as_str())), kind, submit).await
    }

    /// As [`Self::change`], for a target of any kind (`target`'s id, when it exists yet).
    pub(super) async fn change_on<F>(
        &self,
        caller: &Caller,
        project: &str,
        target: (TargetKind, Option<&str>),
        kind: OperationKind,
        submit: impl FnOnce(Actor) -> F,
    ) -> Result<String, AppError>
    where
        F: Future<Output = Result<Submitted, ServiceError>>,
    {
        let action = AuditAction::Operation(kind);
        self.require_on(caller, project, kind.required_role(), action, target.0, target.1).await?;
        let submitted = submit(actor(caller)).await?;
        Ok(submitted.operation_id.as_str().to_string())
    }

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

/// The refusal of an action that needs `role`.
fn forbidden(role: Role) -> AppError {
    AppError::Forbidden {
        message: format!("This needs the {} role in this project.", role.label().to_lowercase()),
    }
}
