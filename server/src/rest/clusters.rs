//! Clusters: list, create, read, delete; their name, security-patch policy, upgrades,
//! customization, reset, etcd usage, network settings, workloads and events.

use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Response};
use model::cluster_network::{ClusterNetwork, Routing};
use model::cluster_spec::ClusterSpec;
use model::cluster_view::{ClusterOverview, ClustersView, EtcdUsage};
use model::customization::CustomizationView;
use model::id::{ClusterId, ProjectId, SubnetId};
use model::operation::OperationView;
use model::reset::WorkerNodesPolicy;
use model::version::{UpdatePolicy, UpdateStrategy};
use model::workload_view::WorkloadsView;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::doc::{ClusterPath, ProjectPath, Refusals};
use super::{Answer, Api, Body, accepted, accepted_view, id, ok, project};
use crate::routes::live;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(read, delete))
        .routes(routes!(events))
        .routes(routes!(rename))
        .routes(routes!(update_policy))
        .routes(routes!(upgrade))
        .routes(routes!(customization, customize))
        .routes(routes!(reset))
        .routes(routes!(etcd))
        .routes(routes!(network))
        .routes(routes!(load_balancers))
        .routes(routes!(routing))
        .routes(routes!(workloads))
        .routes(routes!(export))
        .routes(routes!(terraform))
}

/// The project and cluster of a path.
pub fn ids(path: &ClusterPath) -> Result<(ProjectId, ClusterId), app::error::AppError> {
    Ok((project(&path.project)?, id(ClusterId::parse(&path.cluster))?))
}

/// The clusters of the project as last read from the provider, and how fresh that is.
#[utoipa::path(get, path = "/projects/{project}/clusters", tag = "clusters", params(ProjectPath),
    responses((status = 200, body = ClustersView), Refusals))]
async fn list(api: Api, Path(path): Path<ProjectPath>) -> Answer {
    Ok(ok(api.backend.clusters(&api.caller, &project(&path.project)?).await?))
}

/// Creates a cluster with its node pools (operators). The body is also what a cluster's
/// export gives, so an exported cluster is a template. Answers once the provider has the
/// cluster (or after 10 seconds).
#[utoipa::path(post, path = "/projects/{project}/clusters", tag = "clusters", params(ProjectPath),
    request_body = ClusterSpec,
    responses((status = 202, body = OperationView, headers(("Location" = String, description = "The operation, to poll"))), Refusals))]
async fn create(api: Api, Path(path): Path<ProjectPath>, Body(spec): Body<ClusterSpec>) -> Answer {
    let project = project(&path.project)?;
    // Without a key, each request is a new cluster.
    let key = api.key.clone().unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let view = api.backend.create_cluster(&api.caller, &project, &spec, &format!("api-{key}")).await?;
    Ok(accepted_view(&project, view))
}

/// One cluster: its settings, state, versions and pools' count.
#[utoipa::path(get, path = "/projects/{project}/clusters/{cluster}", tag = "clusters", params(ClusterPath),
    responses((status = 200, body = ClusterOverview), Refusals))]
async fn read(api: Api, Path(path): Path<ClusterPath>) -> Answer {
    let (project, cluster) = ids(&path)?;
    Ok(ok(api.backend.cluster_overview(&api.caller, &project, &cluster).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct Confirm {
    /// The cluster's name, repeated: destruction is never an accident.
    #[serde(default)]
    confirm: String,
}

/// Deletes the cluster with its nodes and volumes (admins), once `confirm` repeats its name.
#[utoipa::path(delete, path = "/projects/{project}/clusters/{cluster}", tag = "clusters", params(ClusterPath, Confirm),
    responses((status = 202, body = OperationView), Refusals))]
async fn delete(api: Api, Path(path): Path<ClusterPath>, Query(confirm): Query<Confirm>) -> Answer {
    let (project, cluster) = ids(&path)?;
    let operation = api.backend.delete_cluster(&api.caller, &project, &cluster, &confirm.confirm).await?;
    accepted(&api, &project, &operation).await
}

/// The cluster's state, pools and operations as they change (server-sent events).
#[utoipa::path(get, path = "/projects/{project}/clusters/{cluster}/events", tag = "clusters", params(ClusterPath),
    responses((status = 200, content_type = "text/event-stream", description = "`state` and `operation` events, each `data:` a JSON object"), Refusals))]
async fn events(
    state: axum::extract::State<AppState>,
    user: Option<axum::Extension<model::access::User>>,
    session: Option<axum::Extension<tower_sessions::Session>>,
    token: Option<axum::Extension<crate::tokens::TokenUse>>,
    headers: axum::http::HeaderMap,
    Path(path): Path<ClusterPath>,
) -> Response {
    live::cluster_events(state, user, session, token, headers, Path((path.project, path.cluster))).await
}

#[derive(Deserialize, ToSchema)]
pub struct Name {
    name: String,
}

/// Renames the cluster (operators).
#[utoipa::path(put, path = "/projects/{project}/clusters/{cluster}/name", tag = "clusters", params(ClusterPath),
    request_body = Name, responses((status = 202, body = OperationView), Refusals))]
async fn rename(api: Api, Path(path): Path<ClusterPath>, Body(body): Body<Name>) -> Answer {
    let (project, cluster) = ids(&path)?;
    let operation = api.backend.rename_cluster(&api.caller, &project, &cluster, &body.name).await?;
    accepted(&api, &project, &operation).await
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    update_policy: UpdatePolicy,
}

/// When the provider may apply security patches (operators).
#[utoipa::path(put, path = "/projects/{project}/clusters/{cluster}/update-policy", tag = "clusters", params(ClusterPath),
    request_body = Policy, responses((status = 202, body = OperationView), Refusals))]
async fn update_policy(api: Api, Path(path): Path<ClusterPath>, Body(body): Body<Policy>) -> Answer {
    let (project, cluster) = ids(&path)?;
    let operation =
        api.backend.update_cluster_policy(&api.caller, &project, &cluster, &body.update_policy).await?;
    accepted(&api, &project, &operation).await
}

#[derive(Deserialize, ToSchema)]
pub struct Upgrade {
    strategy: UpdateStrategy,
}

/// Upgrades to the latest patch or the next minor (operators).
#[utoipa::path(post, path = "/projects/{project}/clusters/{cluster}/upgrade", tag = "clusters", params(ClusterPath),
    request_body = Upgrade, responses((status = 202, body = OperationView), Refusals))]
async fn upgrade(api: Api, Path(path): Path<ClusterPath>, Body(body): Body<Upgrade>) -> Answer {
    let (project, cluster) = ids(&path)?;
    let operation = api.backend.upgrade_cluster(&api.caller, &project, &cluster, body.strategy).await?;
    accepted(&api, &project, &operation).await
}

/// The cluster's admission plugins and kube-proxy periods.
#[utoipa::path(get, path = "/projects/{project}/clusters/{cluster}/customization", tag = "clusters", params(ClusterPath),
    responses((status = 200, body = CustomizationView), Refusals))]
async fn customization(api: Api, Path(path): Path<ClusterPath>) -> Answer {
    let (project, cluster) = ids(&path)?;
    Ok(ok(api.backend.customization(&api.caller, &project, &cluster).await?))
}

/// Changes the admission plugins and kube-proxy periods (operators).
#[utoipa::path(put, path = "/projects/{project}/clusters/{cluster}/customization", tag = "clusters", params(ClusterPath),
    request_body = CustomizationView, responses((status = 202, body = OperationView), Refusals))]
async fn customize(api: Api, Path(path): Path<ClusterPath>, Body(view): Body<CustomizationView>) -> Answer {
    let (project, cluster) = ids(&path)?;
    let operation = api.backend.customize_cluster(&api.caller, &project, &cluster, &view).await?;
    accepted(&api, &project, &operation).await
}

#[derive(Deserialize, ToSchema)]
pub struct Reset {
    #[serde(default)]
    nodes: WorkerNodesPolicy,
    /// The cluster's name, repeated.
    confirm: String,
}

/// Resets the cluster to its first state (admins), once `confirm` repeats its name.
#[utoipa::path(post, path = "/projects/{project}/clusters/{cluster}/reset", tag = "clusters", params(ClusterPath),
    request_body = Reset, responses((status = 202, body = OperationView), Refusals))]
async fn reset(api: Api, Path(path): Path<ClusterPath>, Body(body): Body<Reset>) -> Answer {
    let (project, cluster) = ids(&path)?;
    let operation =
        api.backend.reset_cluster(&api.caller, &project, &cluster, &body.nodes, &body.confirm).await?;
    accepted(&api, &project, &operation).await
}

/// How much of its etcd quota the cluster uses (asked of the provider).
#[utoipa::path(get, path = "/projects/{project}/clusters/{cluster}/etcd", tag = "clusters", params(ClusterPath),
    responses((status = 200, body = EtcdUsage), Refusals))]
async fn etcd(api: Api, Path(path): Path<ClusterPath>) -> Answer {
    let (project, cluster) = ids(&path)?;
    Ok(ok(api.backend.etcd_usage(&api.caller, &project, &cluster).await?))
}

/// The cluster's private network, subnets and routing.
#[utoipa::path(get, path = "/projects/{project}/clusters/{cluster}/network", tag = "clusters", params(ClusterPath),
    responses((status = 200, body = ClusterNetwork), Refusals))]
async fn network(api: Api, Path(path): Path<ClusterPath>) -> Answer {
    let (project, cluster) = ids(&path)?;
    Ok(ok(api.backend.cluster_network(&api.caller, &project, &cluster).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct LoadBalancers {
    /// `null`: the nodes' subnet.
    subnet_id: Option<String>,
}

/// Moves the cluster's load balancers to another subnet of its network (operators).
#[utoipa::path(put, path = "/projects/{project}/clusters/{cluster}/network/load-balancers-subnet", tag = "clusters",
    params(ClusterPath), request_body = LoadBalancers, responses((status = 202, body = OperationView), Refusals))]
async fn load_balancers(api: Api, Path(path): Path<ClusterPath>, Body(body): Body<LoadBalancers>) -> Answer {
    let (project, cluster) = ids(&path)?;
    let subnet = body.subnet_id.as_deref().map(|s| id(SubnetId::parse(s))).transpose()?;
    let operation =
        api.backend.set_load_balancers_subnet(&api.caller, &project, &cluster, subnet.as_ref()).await?;
    accepted(&api, &project, &operation).await
}

/// How the nodes reach the internet (operators).
#[utoipa::path(put, path = "/projects/{project}/clusters/{cluster}/network/routing", tag = "clusters",
    params(ClusterPath), request_body = Routing, responses((status = 202, body = OperationView), Refusals))]
async fn routing(api: Api, Path(path): Path<ClusterPath>, Body(body): Body<Routing>) -> Answer {
    let (project, cluster) = ids(&path)?;
    let operation = api.backend.set_cluster_routing(&api.caller, &project, &cluster, &body).await?;
    accepted(&api, &project, &operation).await
}

/// The cluster as a template: the body `POST /projects/{project}/clusters` takes to create one
/// like it (change its `name` first).
#[utoipa::path(get, path = "/projects/{project}/clusters/{cluster}/export", tag = "clusters", params(ClusterPath),
    responses((status = 200, body = ClusterSpec), Refusals))]
async fn export(api: Api, Path(path): Path<ClusterPath>) -> Answer {
    let (project, cluster) = ids(&path)?;
    Ok(ok(api.backend.cluster_code(&api.caller, &project, &cluster).await?.template))
}

/// The cluster as the provider's Terraform resources (`ovh/ovh`): the cluster, its node pools,
/// its allow-list and its OIDC settings, with their exact values.
#[utoipa::path(get, path = "/projects/{project}/clusters/{cluster}/terraform", tag = "clusters", params(ClusterPath),
    responses((status = 200, content_type = "text/plain", body = String), Refusals))]
async fn terraform(api: Api, Path(path): Path<ClusterPath>) -> Answer {
    let (project, cluster) = ids(&path)?;
    let code = api.backend.cluster_code(&api.caller, &project, &cluster).await?;
    Ok(([(axum::http::header::CONTENT_TYPE, "text/plain; charset=utf-8")], code.terraform).into_response())
}

/// What runs in the cluster, in the namespaces the caller's role shows.
#[utoipa::path(get, path = "/projects/{project}/clusters/{cluster}/workloads", tag = "clusters", params(ClusterPath),
    responses((status = 200, body = WorkloadsView), Refusals))]
async fn workloads(api: Api, Path(path): Path<ClusterPath>) -> Answer {
    let (project, cluster) = ids(&path)?;
    Ok(ok(api.backend.workloads(&api.caller, &project, &cluster).await?))
}
