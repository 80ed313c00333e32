//! Who reaches a cluster: its kubeconfigs (the admin one, and the caller's own through the
//! console's identity provider), its API server allow-list, and its OIDC settings.

use axum::Router;
use axum::extract::Path;
use axum::routing::{get, post};
use model::oidc::OidcConfig;
use serde::Deserialize;

use super::clusters::ids;
use super::{Answer, Api, Body, accepted, ok};
use crate::routes::kubeconfig;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects/{project}/clusters/{cluster}/kubeconfig", post(kubeconfig::admin))
        .route("/projects/{project}/clusters/{cluster}/kubeconfig/user", post(kubeconfig::user))
        .route("/projects/{project}/clusters/{cluster}/kubeconfig/reset", post(reset_kubeconfig))
        .route("/projects/{project}/clusters/{cluster}/ip-restrictions", get(allow_list).put(set_allow_list))
        .route("/projects/{project}/clusters/{cluster}/oidc", get(oidc).put(set_oidc).delete(remove_oidc))
}

type ClusterPath = Path<(String, String)>;

async fn reset_kubeconfig(api: Api, Path((p, c)): ClusterPath) -> Answer {
    let (project, cluster) = ids(&p, &c)?;
    let operation = api.backend.reset_kubeconfig(&api.caller, &project, &cluster).await?;
    accepted(&api, &project, &operation).await
}

async fn allow_list(api: Api, Path((p, c)): ClusterPath) -> Answer {
    let (project, cluster) = ids(&p, &c)?;
    Ok(ok(api.backend.allow_list(&api.caller, &project, &cluster).await?))
}

#[derive(Deserialize)]
struct Entries {
    /// IPv4 addresses or CIDR blocks; empty: everyone.
    entries: Vec<String>,
}

async fn set_allow_list(api: Api, Path((p, c)): ClusterPath, Body(body): Body<Entries>) -> Answer {
    let (project, cluster) = ids(&p, &c)?;
    let operation = api.backend.set_allow_list(&api.caller, &project, &cluster, &body.entries).await?;
    accepted(&api, &project, &operation).await
}

async fn oidc(api: Api, Path((p, c)): ClusterPath) -> Answer {
    let (project, cluster) = ids(&p, &c)?;
    Ok(ok(api.backend.cluster_oidc(&api.caller, &project, &cluster).await?))
}

async fn set_oidc(api: Api, Path((p, c)): ClusterPath, Body(config): Body<OidcConfig>) -> Answer {
    let (project, cluster) = ids(&p, &c)?;
    let operation = api.backend.set_cluster_oidc(&api.caller, &project, &cluster, &config).await?;
    accepted(&api, &project, &operation).await
}

async fn remove_oidc(api: Api, Path((p, c)): ClusterPath) -> Answer {
    let (project, cluster) = ids(&p, &c)?;
    let operation = api.backend.remove_cluster_oidc(&api.caller, &project, &cluster).await?;
    accepted(&api, &project, &operation).await
}
