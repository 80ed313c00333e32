//! The services: plain async functions over the server's state that the pages (through server
//! functions) and the tests call. Pages read the catalog ([`crate::catalog`]); the checks
//! before a change read the provider; every change is validated with the
//! model crate's rules and then recorded as an operation for the runner, never sent inline.

pub mod access;
pub mod cache;
pub mod capabilities;
pub mod cluster_access;
pub mod clusters;
pub mod issuers;
pub mod networks;
pub mod node_pools;
pub mod operations;
pub mod settings;
pub mod tokens;
pub mod workloads;

use std::sync::Arc;

use chrono::Utc;
use model::activity::TargetKind;
use model::id::{ClusterId, OperationId};
use model::validation::FieldErrors;
use provider::api::Cluster;
use provider::client::Error as ProviderError;
use tokio::sync::Notify;

use crate::db::Db;
use crate::operations::params::OperationRequest;
use crate::operations::store::{self, NewOperation};
use crate::projects::{Project, Projects};

/// What the services work with.
#[derive(Clone, Debug)]
pub struct Services {
    pub db: Db,
    pub projects: Projects,
    /// Wakes this replica's runner when an operation is submitted.
    pub wake: Arc<Notify>,
    pub issuers: issuers::Issuers,
    /// Keeps refused actions and failed sign-ins from flooding the audit trail.
    pub audit_throttle: Arc<crate::audit::Throttle>,
    /// The projects' clusters as last read: what pages and live streams show.
    pub catalog: Arc<crate::catalog::Catalog>,
    /// Regions, flavors and etcd's figures, kept for a while.
    pub caches: Arc<cache::Caches>,
    /// The provider's price book cost estimates read (`FR`); `None`: example prices.
    pub price_subsidiary: Option<String>,
    /// Notices what happens and sends notifications.
    pub notifier: Arc<crate::notifications::Notifier>,
}

/// Who is asking, for the audit trail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub username: String,
    /// The client's address.
    pub address: Option<String>,
    /// The API token the request came with, by name.
    pub token: Option<String>,
}

impl Actor {
    /// Who the audit trail and the operations name (`alice via token deploy`).
    pub fn name(&self) -> String {
        model::access::actor_name(&self.username, self.token.as_deref())
    }
}

/// A change accepted for the runner.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submitted {
    pub operation_id: OperationId,
    /// False when the idempotency key had already been used: this is the first submission's
    /// operation, and nothing new was queued.
    pub new: bool,
}

/// Why a service refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("there is no project `{0}`")]
    UnknownProject(String),
    /// The named thing does not exist (`cluster 1234`).
    #[error("{0} was not found")]
    NotFound(String),
    /// The request breaks a rule; each message is at its field.
    #[error("the request is not valid")]
    Invalid(FieldErrors),
    /// The request is valid but the current state rules it out (`the operation already reached
    /// the provider`).
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Provider(ProviderError),
    /// The catalog has not read what is asked for yet.
    #[error("not read from the provider yet")]
    NotReadYet,
    /// The cluster's own API server could not be read.
    #[error("{0}")]
    ClusterApi(String),
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl From<FieldErrors> for ServiceError {
    fn from(errors: FieldErrors) -> Self {
        ServiceError::Invalid(errors)
    }
}

/// A single field's error.
pub fn invalid(field: &str, message: impl std::fmt::Display) -> ServiceError {
    let mut errors = FieldErrors::new();
    errors.add(field, message);
    ServiceError::Invalid(errors)
}

/// The provider's error, a 404 becoming [`ServiceError::NotFound`] of `what`.
pub fn provider_error(what: impl FnOnce() -> String) -> impl FnOnce(ProviderError) -> ServiceError {
    move |error| match error.status() {
        Some(404) => ServiceError::NotFound(what()),
        _ => ServiceError::Provider(error),
    }
}

/// A change to record: what it asks for and what it targets.
pub struct Change {
    pub request: OperationRequest,
    pub cluster_id: Option<String>,
    pub target_kind: TargetKind,
    pub target_id: Option<String>,
    pub target_name: Option<String>,
}

impl Services {
    /// The project `id`.
    pub fn project(&self, id: &str) -> Result<&Arc<Project>, ServiceError> {
        self.projects.get(id).ok_or_else(|| ServiceError::UnknownProject(id.to_string()))
    }

    /// The cluster `id` of `project`.
    pub async fn cluster(&self, project: &Project, id: &ClusterId) -> Result<Cluster, ServiceError> {
        project
            .client
            .get_cluster(&project.service_name, id)
            .await
            .map_err(provider_error(|| format!("cluster {id}")))
    }

    /// Whether `project` has the cluster `id`.
    pub async fn cluster_exists(&self, project: &str, id: &ClusterId) -> Result<bool, ServiceError> {
        match self.cluster(self.project(project)?, id).await {
            Ok(_) => Ok(true),
            Err(ServiceError::NotFound(_)) => Ok(false),
            Err(error) => Err(error),
        }
    }

    /// An idempotency key for `change` on `cluster` that follows the cluster's ended operations:
    /// clicking twice makes one operation, asking again after it failed or was cancelled makes
    /// a new one.
    pub async fn key_after_ended(
        &self,
        project: &str,
        cluster: &ClusterId,
        change: &str,
    ) -> Result<String, ServiceError> {
        let project = self.project(project)?;
        let ended = store::ended_count(&self.db, &project.id, cluster.as_str()).await?;
        Ok(format!("{change}-after-{ended}"))
    }

    /// Records `change` as an operation (with its audit event) and wakes the runner.
    pub async fn submit(
        &self,
        project: &Project,
        actor: &Actor,
        idempotency_key: Option<String>,
        change: Change,
    ) -> Result<Submitted, ServiceError> {
        let new = NewOperation {
            project_id: project.id.clone(),
            request: change.request,
            cluster_id: change.cluster_id,
            target_kind: change.target_kind,
            target_id: change.target_id,
            target_name: change.target_name,
            actor: actor.name(),
            actor_address: actor.address.clone(),
            idempotency_key,
        };
        let (operation_id, new) = store::submit(&self.db, &new, Utc::now()).await.map_err(submit_error)?;
        self.wake.notify_one();
        Ok(Submitted { operation_id, new })
    }

    /// Queues `kind` with `parameters` on the existing cluster `id` (a 404 if there is none).
    pub async fn change_cluster(
        &self,
        project: &str,
        actor: &Actor,
        id: &ClusterId,
        request: OperationRequest,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        let project = self.project(project)?;
        let cluster = self.cluster(project, id).await?;
        let change = clusters::cluster_change(request, &cluster);
        self.submit(project, actor, idempotency_key, change).await
    }
}

/// The refusal of an idempotency key that already made another change.
pub fn key_reused() -> ServiceError {
    ServiceError::Conflict(
        "This request's key was already used for a different change. Reload the page and try again.".into(),
    )
}

/// A submission's failure as the services report it.
pub fn submit_error(error: store::SubmitError) -> ServiceError {
    match error {
        store::SubmitError::KeyReused => key_reused(),
        store::SubmitError::Unstorable(why) => {
            ServiceError::Conflict(format!("the request cannot be stored: {why}"))
        }
        store::SubmitError::Db(error) => ServiceError::Db(error),
    }
}
