//! Kubeconfig downloads of one cluster, under `/api/projects/{project}/clusters/{cluster}/`:
//! `POST kubeconfig`, the admin kubeconfig, for admins only; `POST kubeconfig/user`, the caller's
//! own kubeconfig through the console's identity provider, with no secret inside, for every
//! member. POSTs, so that the sign-in gate's cross-site check applies and no link can start a
//! download; answers are never cached, and each download is audited.

use app::api::port::Caller;
use app::error::AppError;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use model::access::{ClientAddress, Role, User};
use model::activity::AuditAction;
use model::id::{ClusterId, ProjectId};

use super::download;
use crate::backend::ConsoleBackend;
use crate::services::access::KubeconfigFile;
use crate::state::AppState;

/// Which kubeconfig.
#[derive(Clone, Copy)]
enum Kind {
    Admin,
    User,
}

pub async fn admin(
    State(state): State<AppState>,
    Extension(user): Extension<User>,
    address: Option<Extension<ClientAddress>>,
    Path((project, cluster)): Path<(String, String)>,
) -> Response {
    let caller = Caller { user, address: address.map(|Extension(a)| a.0) };
    answer(fetch(&state, &caller, &project, &cluster, Kind::Admin).await)
}

pub async fn user(
    State(state): State<AppState>,
    Extension(user): Extension<User>,
    address: Option<Extension<ClientAddress>>,
    Path((project, cluster)): Path<(String, String)>,
) -> Response {
    let caller = Caller { user, address: address.map(|Extension(a)| a.0) };
    answer(fetch(&state, &caller, &project, &cluster, Kind::User).await)
}

async fn fetch(
    state: &AppState,
    caller: &Caller,
    project: &str,
    cluster: &str,
    kind: Kind,
) -> Result<KubeconfigFile, AppError> {
    let project = ProjectId::parse(project).map_err(bad_request)?;
    let project = project.as_str();
    let cluster = &ClusterId::parse(cluster).map_err(bad_request)?;
    let backend = ConsoleBackend { services: state.services.clone(), db: state.db.clone() };
    let (role, action) = match kind {
        Kind::Admin => (Role::Admin, AuditAction::AdminKubeconfig),
        Kind::User => (Role::Viewer, AuditAction::UserKubeconfig),
    };
    backend.require(caller, project, role, action, cluster).await?;
    let actor = crate::backend::actor(caller);
    let services = &state.services;
    match kind {
        Kind::Admin => services.admin_kubeconfig(project, &actor, cluster).await,
        Kind::User => services.user_kubeconfig(project, &actor, cluster).await,
    }
    .map_err(AppError::from)
}

fn bad_request(error: model::id::IdError) -> AppError {
    AppError::BadRequest { message: error.to_string() }
}

fn answer(result: Result<KubeconfigFile, AppError>) -> Response {
    match result {
        Ok(file) => download(&file.file_name, "application/yaml", file.content),
        Err(error) => error.into_response(),
    }
}
