//! Who reaches a cluster: its kubeconfigs (the admin one, and the caller's own through the
//! console's identity provider), its API server allow-list, its OIDC settings, and who can do
//! what inside it (identity-provider groups mapped to Kubernetes roles).

use axum::extract::{Path, State};
use axum::response::Response;
use model::access::{ClientAddress, User};
use model::ip_restriction::AllowList;
use model::oidc::{OidcAccess, OidcConfig};
use model::operation::OperationView;
use model::rbac::{AccessMapping, InClusterAccess};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::clusters::ids;
use super::doc::{ClusterPath, Refusals};
use super::{Answer, Api, Body, accepted, ok};
use crate::routes::kubeconfig;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(admin_kubeconfig))
        .routes(routes!(user_kubeconfig))
        .routes(routes!(reset_kubeconfig))
        .routes(routes!(allow_list, set_allow_list))
        .routes(routes!(oidc, set_oidc, remove_oidc))
        .routes(routes!(role_mapping, set_role_mapping))
        .routes(routes!(restore_role_mapping))
}

/// The cluster's admin kubeconfig (admins); audited.
#[utoipa::path(post, path = "/projects/{project}/clusters/{cluster}/kubeconfig", tag = "access", params(ClusterPath),
    responses((status = 200, content_type = "application/yaml", body = String), Refusals))]
async fn admin_kubeconfig(
    state: State<AppState>,
    user: axum::Extension<User>,
    address: Option<axum::Extension<ClientAddress>>,
    Path(path): Path<ClusterPath>,
) -> Response {
    kubeconfig::admin(state, user, address, Path((path.project, path.cluster))).await
}

/// The caller's own kubeconfig, signing in through the console's identity provider (no
/// secret inside); for clusters whose OIDC settings trust it.
#[utoipa::path(post, path = "/projects/{project}/clusters/{cluster}/kubeconfig/user", tag = "access", params(ClusterPath),
    responses((status = 200, content_type = "application/yaml", body = String), Refusals))]
async fn user_kubeconfig(
    state: State<AppState>,
    user: axum::Extension<User>,
    address: Option<axum::Extension<ClientAddress>>,
    Path(path): Path<ClusterPath>,
) -> Response {
    kubeconfig::user(state, user, address, Path((path.project, path.cluster))).await
}

/// Replaces the cluster's admin credentials (admins): every admin kubeconfig stops working.
#[utoipa::path(post, path = "/projects/{project}/clusters/{cluster}/kubeconfig/reset", tag = "access", params(ClusterPath),
    responses((status = 202, body = OperationView), Refusals))]
async fn reset_kubeconfig(api: Api, Path(path): Path<ClusterPath>) -> Answer {
    let (project, cluster) = ids(&path)?;
    let operation = api.backend.reset_kubeconfig(&api.caller, &project, &cluster).await?;
    accepted(&api, &project, &operation).await
}

/// The addresses allowed to reach the cluster's API server, and the caller's own.
#[utoipa::path(get, path = "/projects/{project}/clusters/{cluster}/ip-restrictions", tag = "access", params(ClusterPath),
    responses((status = 200, body = AllowList), Refusals))]
async fn allow_list(api: Api, Path(path): Path<ClusterPath>) -> Answer {
    let (project, cluster) = ids(&path)?;
    Ok(ok(api.backend.allow_list(&api.caller, &project, &cluster).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct Entries {
    /// IPv4 addresses or CIDR blocks; empty: everyone.
    entries: Vec<String>,
}

/// Replaces the allow-list (admins).
#[utoipa::path(put, path = "/projects/{project}/clusters/{cluster}/ip-restrictions", tag = "access", params(ClusterPath),
    request_body = Entries, responses((status = 202, body = OperationView), Refusals))]
async fn set_allow_list(api: Api, Path(path): Path<ClusterPath>, Body(body): Body<Entries>) -> Answer {
    let (project, cluster) = ids(&path)?;
    let operation = api.backend.set_allow_list(&api.caller, &project, &cluster, &body.entries).await?;
    accepted(&api, &project, &operation).await
}

/// The OpenID Connect provider the cluster's API server trusts, and the console's own.
#[utoipa::path(get, path = "/projects/{project}/clusters/{cluster}/oidc", tag = "access", params(ClusterPath),
    responses((status = 200, body = OidcAccess), Refusals))]
async fn oidc(api: Api, Path(path): Path<ClusterPath>) -> Answer {
    let (project, cluster) = ids(&path)?;
    Ok(ok(api.backend.cluster_oidc(&api.caller, &project, &cluster).await?))
}

/// Sets the OpenID Connect provider the cluster trusts (admins); the issuer is checked first.
#[utoipa::path(put, path = "/projects/{project}/clusters/{cluster}/oidc", tag = "access", params(ClusterPath),
    request_body = OidcConfig, responses((status = 202, body = OperationView), Refusals))]
async fn set_oidc(api: Api, Path(path): Path<ClusterPath>, Body(config): Body<OidcConfig>) -> Answer {
    let (project, cluster) = ids(&path)?;
    let operation = api.backend.set_cluster_oidc(&api.caller, &project, &cluster, &config).await?;
    accepted(&api, &project, &operation).await
}

/// Removes the cluster's OIDC settings (admins).
#[utoipa::path(delete, path = "/projects/{project}/clusters/{cluster}/oidc", tag = "access", params(ClusterPath),
    responses((status = 202, body = OperationView), Refusals))]
async fn remove_oidc(api: Api, Path(path): Path<ClusterPath>) -> Answer {
    let (project, cluster) = ids(&path)?;
    let operation = api.backend.remove_cluster_oidc(&api.caller, &project, &cluster).await?;
    accepted(&api, &project, &operation).await
}

/// Who can do what inside the cluster: identity-provider groups mapped to Kubernetes' built-in
/// roles, the default mapping, how the cluster's bindings drifted from it, the caller's groups.
#[utoipa::path(get, path = "/projects/{project}/clusters/{cluster}/role-mapping", tag = "access", params(ClusterPath),
    responses((status = 200, body = InClusterAccess), Refusals))]
async fn role_mapping(api: Api, Path(path): Path<ClusterPath>) -> Answer {
    let (project, cluster) = ids(&path)?;
    Ok(ok(api.backend.in_cluster_access(&api.caller, &project, &cluster).await?))
}

/// Keeps the mapping and applies it as role bindings (admins); each problem (an unknown
/// namespace, a group twice) is named at its field.
#[utoipa::path(put, path = "/projects/{project}/clusters/{cluster}/role-mapping", tag = "access", params(ClusterPath),
    request_body = AccessMapping, responses((status = 202, body = OperationView), Refusals))]
async fn set_role_mapping(
    api: Api,
    Path(path): Path<ClusterPath>,
    Body(mapping): Body<AccessMapping>,
) -> Answer {
    let (project, cluster) = ids(&path)?;
    let operation = api.backend.set_in_cluster_access(&api.caller, &project, &cluster, &mapping).await?;
    accepted(&api, &project, &operation).await
}

/// Applies the kept mapping again (admins): bindings changed or deleted in the cluster come back.
#[utoipa::path(post, path = "/projects/{project}/clusters/{cluster}/role-mapping/restore", tag = "access",
    params(ClusterPath), responses((status = 202, body = OperationView), Refusals))]
async fn restore_role_mapping(api: Api, Path(path): Path<ClusterPath>) -> Answer {
    let (project, cluster) = ids(&path)?;
    let operation = api.backend.restore_in_cluster_access(&api.caller, &project, &cluster).await?;
    accepted(&api, &project, &operation).await
}
