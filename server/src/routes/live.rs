//! Server-sent events: `GET /api/projects/{project}/events` (the project's clusters and
//! operations) and `GET /api/projects/{project}/clusters/{cluster}/events` (one cluster, its
//! pools and its operations). Each stream starts with the latest known state and the recent
//! operations, then carries every change. A user may hold [`crate::live::StreamLimits`] streams
//! at once; a stream ends when its session does (checked every
//! [`crate::live::Intervals::session_recheck`]).

use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use futures::stream::{self, StreamExt};
use model::access::{Role, User};
use model::id::{ClusterId, ProjectId};
use tokio::sync::broadcast::error::RecvError;
use tower_sessions::Session;

use crate::auth;
use crate::live::{LiveEvent, Scope, Subscription};
use crate::operations::store;
use crate::services::ServiceError;
use crate::state::AppState;

/// How long opening a cluster's stream may wait for the provider to say the cluster exists.
const LOOKUP_DEADLINE: std::time::Duration = std::time::Duration::from_secs(5);
/// Operations sent when a stream opens.
const RECENT: i64 = 20;

pub async fn project_events(
    State(state): State<AppState>,
    user: Option<Extension<User>>,
    session: Option<Extension<Session>>,
    Path(project): Path<String>,
) -> Response {
    if let Err(error) = ProjectId::parse(&project) {
        return refuse(StatusCode::BAD_REQUEST, "bad_request", error.to_string());
    }
    open(state, user, session, Scope::Project(project)).await
}

pub async fn cluster_events(
    State(state): State<AppState>,
    user: Option<Extension<User>>,
    session: Option<Extension<Session>>,
    Path((project, cluster)): Path<(String, String)>,
) -> Response {
    if let Err(error) = ProjectId::parse(&project).and(ClusterId::parse(&cluster)) {
        return refuse(StatusCode::BAD_REQUEST, "bad_request", error.to_string());
    }
    open(state, user, session, Scope::Cluster(project, cluster)).await
}

fn refuse(status: StatusCode, error: &str, message: String) -> Response {
    (status, Json(serde_json::json!({ "error": error, "message": message }))).into_response()
}

async fn open(
    state: AppState,
    user: Option<Extension<User>>,
    session: Option<Extension<Session>>,
    scope: Scope,
) -> Response {
    let (Scope::Project(project) | Scope::Cluster(project, _)) = &scope;
    if state.services.projects.get(project).is_none() {
        return refuse(StatusCode::NOT_FOUND, "not_found", format!("There is no project {project}."));
    }
    // The sign-in gate put the user here; only members of the project may follow it.
    let Some(Extension(user)) = user.filter(|Extension(user)| user.may(project, Role::Viewer)) else {
        return refuse(StatusCode::FORBIDDEN, "forbidden", "You have no role in this project.".into());
    };
    let cluster = match &scope {
        Scope::Cluster(_, cluster) => Some(cluster.clone()),
        Scope::Project(_) => None,
    };
    // A watch polls the provider for as long as someone looks: started only for a cluster that
    // exists. A scope already watched was checked when its watch started; otherwise one lookup,
    // with a deadline so a slow provider cannot hold the request.
    if let Some(cluster) = cluster.as_ref().filter(|_| !state.live.is_watched(&scope)) {
        let id = ClusterId::new(cluster.as_str());
        let found = tokio::time::timeout(LOOKUP_DEADLINE, state.services.cluster_exists(project, &id))
            .await
            .unwrap_or_else(|_| Err(ServiceError::Conflict("no answer before the deadline".into())));
        match found {
            Ok(true) => {}
            Ok(false) => {
                return refuse(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    "There is no such cluster in this project.".into(),
                );
            }
            Err(error) => {
                tracing::warn!(%error, "live updates: could not look the cluster up");
                return refuse(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "The cloud provider did not answer. Try again in a moment.".into(),
                );
            }
        }
    }
    let Some(slot) = state.live.admit(&user.username, project) else {
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_streams",
            "Too many live views are open. Close some tabs of the console and reload this one.".into(),
        );
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
    let session_id = session.and_then(|Extension(session)| session.id());
    let recheck = state.live.intervals.session_recheck;
    let (auth, db, project) = (state.auth.clone(), state.db.clone(), project.clone());
    let stopping = async move {
        let signed_out = async {
            loop {
                tokio::time::sleep(recheck).await;
                let allowed = match &session_id {
                    Some(id) => auth::session_allows(&auth, &db, id, &project).await,
                    None => auth.is_local(),
                };
                if !allowed {
                    return;
                }
            }
        };
        tokio::select! {
            () = live.closed() => {}
            () = signed_out => {}
        }
        drop(slot);
    };
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
