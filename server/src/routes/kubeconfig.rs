//! `POST /api/projects/{project}/clusters/{cluster}/kubeconfig`: the cluster's admin kubeconfig
//! as a download, for admins only. A POST, so that the sign-in gate's cross-site check applies and
//! no link can start a download; the answer is never cached, and each download is audited.

use app::api::port::Caller;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use model::access::{ClientAddress, Role, User};

use super::download;
use crate::backend::{ConsoleBackend, app_error};
use crate::services::Actor;
use crate::state::AppState;

pub async fn admin(
    State(state): State<AppState>,
    Extension(user): Extension<User>,
    address: Option<Extension<ClientAddress>>,
    Path((project, cluster)): Path<(String, String)>,
) -> Response {
    let caller = Caller { user, address: address.map(|Extension(a)| a.0) };
    let backend = ConsoleBackend { services: state.services.clone(), db: state.db.clone() };
    let allowed = backend.require(&caller, &project, Role::Admin, "kubeconfig.download", &cluster).await;
    let actor = Actor { username: caller.user.username.clone(), address: caller.address.clone() };
    let result = match allowed {
        Ok(()) => state.services.admin_kubeconfig(&project, &actor, &cluster).await.map_err(app_error),
        Err(error) => Err(error),
    };
    match result {
        Ok(file) => download(&file.file_name, "application/yaml", file.content),
        Err(error) => {
            let status = error.status();
            let body = serde_json::json!({ "error": status.canonical_reason(), "message": error.message() });
            (status, axum::Json(body)).into_response()
        }
    }
}
