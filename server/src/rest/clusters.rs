//! Clusters: list, create, read, delete; their name, security-patch policy, upgrades,
//! customization, reset, etcd usage, network settings, workloads, and their export as a
//! template.

use axum::Router;
use axum::extract::{Path, Query};
use axum::routing::{get, post, put};
use model::cluster_network::Routing;
use model::cluster_spec::ClusterSpec;
use model::customization::CustomizationView;
use model::id::{ClusterId, ProjectId, SubnetId};
use model::reset::WorkerNodesPolicy;
use model::version::{UpdatePolicy, UpdateStrategy};
use serde::Deserialize;

use super::{Answer, Api, Body, accepted, accepted_view, id, ok, project};
use crate::routes::live;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects/{project}/clusters", get(list).post(create))
        .route("/projects/{project}/clusters/{cluster}", get(read).delete(delete))
        .route("/projects/{project}/clusters/{cluster}/events", get(live::cluster_events))
        .route("/projects/{project}/clusters/{cluster}/name", put(rename))
        .route("/projects/{project}/clusters/{cluster}/update-policy", put(update_policy))
        .route("/projects/{project}/clusters/{cluster}/upgrade", post(upgrade))
        .route("/projects/{project}/clusters/{cluster}/customization", get(customization).put(customize))
        .route("/projects/{project}/clusters/{cluster}/reset", post(reset))
        .route("/projects/{project}/clusters/{cluster}/etcd", get(etcd))
        .route("/projects/{project}/clusters/{cluster}/network", get(network))
        .route("/projects/{project}/clusters/{cluster}/network/load-balancers-subnet", put(load_balancers))
        .route("/projects/{project}/clusters/{cluster}/network/routing", put(routing))
        .route("/projects/{project}/clusters/{cluster}/workloads", get(workloads))
}

/// The project and cluster of a path.
pub fn ids(project_text: &str, cluster: &str) -> Result<(ProjectId, ClusterId), app::error::AppError> {
    Ok((project(project_text)?, id(ClusterId::parse(cluster))?))
}

type ClusterPath = Path<(String, String)>;

async fn list(api: Api, Path(p): Path<String>) -> Answer {
    Ok(ok(api.backend.clusters(&api.caller, &project(&p)?).await?))
}

async fn create(api: Api, Path(p): Path<String>, Body(spec): Body<ClusterSpec>) -> Answer {
    let project = project(&p)?;
    // Without a key, each request is a new cluster.
    let key = api.key.clone().unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let view = api.backend.create_cluster(&api.caller, &project, &spec, &format!("api-{key}")).await?;
    Ok(accepted_view(&project, view))
}

async fn read(api: Api, Path((p, c)): ClusterPath) -> Answer {
    let (project, cluster) = ids(&p, &c)?;
    Ok(ok(api.backend.cluster_overview(&api.caller, &project, &cluster).await?))
}

#[derive(Deserialize)]
struct Confirm {
    /// The cluster's name, repeated.
    #[serde(default)]
    confirm: String,
}

async fn delete(api: Api, Path((p, c)): ClusterPath, Query(confirm): Query<Confirm>) -> Answer {
    let (project, cluster) = ids(&p, &c)?;
    let operation = api.backend.delete_cluster(&api.caller, &project, &cluster, &confirm.confirm).await?;
    accepted(&api, &project, &operation).await
}

#[derive(Deserialize)]
struct Name {
    name: String,
}

async fn rename(api: Api, Path((p, c)): ClusterPath, Body(body): Body<Name>) -> Answer {
    let (project, cluster) = ids(&p, &c)?;
    let operation = api.backend.rename_cluster(&api.caller, &project, &cluster, &body.name).await?;
    accepted(&api, &project, &operation).await
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Policy {
    update_policy: UpdatePolicy,
}

async fn update_policy(api: Api, Path((p, c)): ClusterPath, Body(body): Body<Policy>) -> Answer {
    let (project, cluster) = ids(&p, &c)?;
    let operation =
        api.backend.update_cluster_policy(&api.caller, &project, &cluster, &body.update_policy).await?;
    accepted(&api, &project, &operation).await
}

#[derive(Deserialize)]
struct Upgrade {
    strategy: UpdateStrategy,
}

async fn upgrade(api: Api, Path((p, c)): ClusterPath, Body(body): Body<Upgrade>) -> Answer {
    let (project, cluster) = ids(&p, &c)?;
    let operation = api.backend.upgrade_cluster(&api.caller, &project, &cluster, body.strategy).await?;
    accepted(&api, &project, &operation).await
}

async fn customization(api: Api, Path((p, c)): ClusterPath) -> Answer {
    let (project, cluster) = ids(&p, &c)?;
    Ok(ok(api.backend.customization(&api.caller, &project, &cluster).await?))
}

async fn customize(api: Api, Path((p, c)): ClusterPath, Body(view): Body<CustomizationView>) -> Answer {
    let (project, cluster) = ids(&p, &c)?;
    let operation = api.backend.customize_cluster(&api.caller, &project, &cluster, &view).await?;
    accepted(&api, &project, &operation).await
}

#[derive(Deserialize)]
struct Reset {
    #[serde(default)]
    nodes: WorkerNodesPolicy,
    /// The cluster's name, repeated.
    confirm: String,
}

async fn reset(api: Api, Path((p, c)): ClusterPath, Body(body): Body<Reset>) -> Answer {
    let (project, cluster) = ids(&p, &c)?;
    let operation =
        api.backend.reset_cluster(&api.caller, &project, &cluster, &body.nodes, &body.confirm).await?;
    accepted(&api, &project, &operation).await
}

async fn etcd(api: Api, Path((p, c)): ClusterPath) -> Answer {
    let (project, cluster) = ids(&p, &c)?;
    Ok(ok(api.backend.etcd_usage(&api.caller, &project, &cluster).await?))
}

async fn network(api: Api, Path((p, c)): ClusterPath) -> Answer {
    let (project, cluster) = ids(&p, &c)?;
    Ok(ok(api.backend.cluster_network(&api.caller, &project, &cluster).await?))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LoadBalancers {
    /// `null`: the nodes' subnet.
    subnet_id: Option<String>,
}

async fn load_balancers(api: Api, Path((p, c)): ClusterPath, Body(body): Body<LoadBalancers>) -> Answer {
    let (project, cluster) = ids(&p, &c)?;
    let subnet = body.subnet_id.as_deref().map(|s| id(SubnetId::parse(s))).transpose()?;
    let operation =
        api.backend.set_load_balancers_subnet(&api.caller, &project, &cluster, subnet.as_ref()).await?;
    accepted(&api, &project, &operation).await
}

async fn routing(api: Api, Path((p, c)): ClusterPath, Body(body): Body<Routing>) -> Answer {
    let (project, cluster) = ids(&p, &c)?;
    let operation = api.backend.set_cluster_routing(&api.caller, &project, &cluster, &body).await?;
    accepted(&api, &project, &operation).await
}

async fn workloads(api: Api, Path((p, c)): ClusterPath) -> Answer {
    let (project, cluster) = ids(&p, &c)?;
    Ok(ok(api.backend.workloads(&api.caller, &project, &cluster).await?))
}
