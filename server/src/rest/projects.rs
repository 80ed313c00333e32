//! Projects, what they offer, and the audit trail.

use axum::Router;
use axum::extract::{Path, Query};
use axum::routing::get;
use model::activity::ActivityFilter;
use serde::Serialize;

use super::{Answer, Api, ok, project};
use crate::routes::live;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects", get(list))
        .route("/projects/{project}/capabilities", get(capabilities))
        .route("/projects/{project}/regions/{region}/flavors", get(flavors))
        .route("/projects/{project}/networks", get(networks))
        .route("/projects/{project}/events", get(live::project_events))
        .route("/activity", get(activity))
}

/// A project the caller has a role in.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectEntry {
    pub id: String,
    pub name: String,
    pub role: model::access::Role,
}

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

async fn capabilities(api: Api, Path(p): Path<String>) -> Answer {
    Ok(ok(api.backend.capabilities(&api.caller, &project(&p)?).await?))
}

async fn flavors(api: Api, Path((p, region)): Path<(String, String)>) -> Answer {
    Ok(ok(api.backend.flavors(&api.caller, &project(&p)?, &region).await?))
}

async fn networks(api: Api, Path(p): Path<String>) -> Answer {
    Ok(ok(api.backend.networks(&api.caller, &project(&p)?).await?))
}

async fn activity(api: Api, Query(filter): Query<ActivityFilter>) -> Answer {
    Ok(ok(api.backend.activity(&api.caller, filter).await?))
}
