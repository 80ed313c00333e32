//! Server-sent events: `GET /api/projects/{project}/events` (the project's clusters and
//! operations) and `GET /api/projects/{project}/clusters/{cluster}/events` (one cluster, its
//! pools and its operations). Each stream starts with the latest known state and the recent
//! operations, then carries every change.

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use futures::stream::{self, StreamExt};
use model::access::{Role, User};
use tokio::sync::broadcast::error::RecvError;

use crate::live::{LiveEvent, Scope, Subscription};
use crate::operations::store;
use crate::state::AppState;

/// Operations sent when a stream opens.
const RECENT: i64 = 20;

pub async fn project_events(
    State(state): State<AppState>,
    user: Option<Extension<User>>,
    Path(project): Path<String>,
) -> Response {
    open(state, user, Scope::Project(project)).await
}

pub async fn cluster_events(
    State(state): State<AppState>,
    user: Option<Extension<User>>,
    Path((project, cluster)): Path<(String, String)>,
) -> Response {
    open(state, user, Scope::Cluster(project, cluster)).await
}

fn not_found(message: String) -> Response {
    (StatusCode::NOT_FOUND, Json(serde_json::json!({ "error": "not_found", "message": message })))
        .into_response()
}

async fn open(state: AppState, user: Option<Extension<User>>, scope: Scope) -> Response {
    let (Scope::Project(project) | Scope::Cluster(project, _)) = &scope;
    if state.services.projects.get(project).is_none() {
        return not_found(format!("There is no project {project}."));
    }
    // The sign-in gate put the user here; only members of the project may follow it.
    if !user.is_some_and(|Extension(user)| user.may(project, Role::Viewer)) {
        let body =
            serde_json::json!({ "error": "forbidden", "message": "You have no role in this project." });
        return (StatusCode::FORBIDDEN, Json(body)).into_response();
    }
    let cluster = match &scope {
        Scope::Cluster(_, cluster) => Some(cluster.clone()),
        Scope::Project(_) => None,
    };
    let subscription = state.live.subscribe(scope.clone());
    let mut first: Vec<Arc<LiveEvent>> = subscription.snapshot.clone();
    match store::recent(&state.db, project, cluster.as_deref(), RECENT).await {
        Ok(recent) => first.extend(
            recent
                .into_iter()
                .rev()
                .map(|operation| Arc::new(LiveEvent::Operation { operation: Box::new(operation) })),
        ),
        Err(error) => {
            tracing::error!(%error, "live updates: could not read recent operations");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    }
    let scope_filter = scope.clone();
    let changes = stream::unfold(subscription, move |mut subscription: Subscription| {
        let scope = scope_filter.clone();
        async move {
            loop {
                match subscription.events.recv().await {
                    Ok(event) if in_scope(&event, &scope) => return Some((event, subscription)),
                    Ok(_) => continue,
                    // Too slow a reader missed events: the next ones still come; a page that
                    // cares reloads its state on `lagged`.
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => return None,
                }
            }
        }
    });
    let live = state.live.clone();
    let stopping = async move { live.closed().await };
    let events = stream::iter(first).chain(changes).take_until(stopping).map(to_sse);
    Sse::new(events).keep_alive(KeepAlive::default()).into_response()
}

fn in_scope(event: &LiveEvent, scope: &Scope) -> bool {
    match scope {
        Scope::Project(project) => event.project_id() == project,
        Scope::Cluster(project, cluster) => {
            event.project_id() == project && event.cluster_id() == Some(cluster.as_str())
        }
    }
}

fn to_sse(event: Arc<LiveEvent>) -> Result<Event, Infallible> {
    let data = serde_json::to_string(&*event).unwrap_or_else(|_| "{}".into());
    Ok(Event::default().event(event.name()).data(data))
}
