//! Projects, what they offer, and the audit trail.

use axum::extract::{Path, Query};
use axum::response::Response;
use model::activity::{ActivityFilter, ActivityPage};
use model::capabilities::Capabilities;
use model::flavor::Flavor;
use model::private_network::NetworksView;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::doc::{ProjectPath, Refusals, RegionPath};
use super::{Answer, Api, ok, project};
use crate::routes::live;
use crate::state::AppState;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(fleet))
        .routes(routes!(capabilities))
        .routes(routes!(flavors))
        .routes(routes!(networks))
        .routes(routes!(events))
        .routes(routes!(activity))
}

/// A project the caller has a role in.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProjectEntry {
    pub id: String,
    pub name: String,
    pub role: model::access::Role,
}

/// The projects the caller has a role in (with a token: its project, with its role).
#[utoipa::path(get, path = "/projects", tag = "projects",
    responses((status = 200, body = Vec<ProjectEntry>), Refusals))]
async fn list(api: Api) -> Answer {
    let projects: Vec<ProjectEntry> = api
        .caller
        .user
        .memberships
        .iter()
        .map(|m| ProjectEntry { id: m.project_id.clone(), name: m.project_name.clone(), role: m.role })
        .collect();
    Ok(ok(projects))
}

/// Every cluster the caller can see across their projects (with a token: its project), what
/// needs attention, and each project's estimated cost.
#[utoipa::path(get, path = "/fleet", tag = "projects",
    responses((status = 200, body = model::fleet::FleetView), Refusals))]
async fn fleet(api: Api) -> Answer {
    Ok(ok(api.backend.fleet(&api.caller).await?))
}

/// What the project can create: regions, plans, versions, prices.
#[utoipa::path(get, path = "/projects/{project}/capabilities", tag = "projects", params(ProjectPath),
    responses((status = 200, body = Capabilities), Refusals))]
async fn capabilities(api: Api, Path(path): Path<ProjectPath>) -> Answer {
    Ok(ok(api.backend.capabilities(&api.caller, &project(&path.project)?).await?))
}

/// The node flavors offered in a region.
#[utoipa::path(get, path = "/projects/{project}/regions/{region}/flavors", tag = "projects", params(RegionPath),
    responses((status = 200, body = Vec<Flavor>), Refusals))]
async fn flavors(api: Api, Path(path): Path<RegionPath>) -> Answer {
    Ok(ok(api.backend.flavors(&api.caller, &project(&path.project)?, &path.region).await?))
}

/// The project's private networks, their subnets and gateways, and the clusters on each.
#[utoipa::path(get, path = "/projects/{project}/networks", tag = "projects", params(ProjectPath),
    responses((status = 200, body = NetworksView), Refusals))]
async fn networks(api: Api, Path(path): Path<ProjectPath>) -> Answer {
    Ok(ok(api.backend.networks(&api.caller, &project(&path.project)?).await?))
}

/// The project's clusters and operations as they change (server-sent events): first the
/// current state, then each change.
#[utoipa::path(get, path = "/projects/{project}/events", tag = "projects", params(ProjectPath),
    responses((status = 200, content_type = "text/event-stream", description = "`state` and `operation` events, each `data:` a JSON object"), Refusals))]
async fn events(
    state: axum::extract::State<AppState>,
    user: Option<axum::Extension<model::access::User>>,
    session: Option<axum::Extension<tower_sessions::Session>>,
    token: Option<axum::Extension<crate::tokens::TokenUse>>,
    headers: axum::http::HeaderMap,
    Path(path): Path<ProjectPath>,
) -> Response {
    live::project_events(state, user, session, token, headers, Path(path.project)).await
}

/// The audit trail of the caller's projects, newest first, 50 a page.
#[utoipa::path(get, path = "/activity", tag = "activity", params(ActivityFilter),
    responses((status = 200, body = ActivityPage), Refusals))]
async fn activity(api: Api, Query(filter): Query<ActivityFilter>) -> Answer {
    Ok(ok(api.backend.activity(&api.caller, filter).await?))
}
