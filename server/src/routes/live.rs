//! Server-sent events: `GET /api/projects/{project}/events` (the project's clusters and
//! operations) and `GET /api/projects/{project}/clusters/{cluster}/events` (one cluster, its
//! pools and its operations). Each stream starts with the catalog's state and the recent
//! operations, then carries every change: each new catalog snapshot that changes what the page
//! shows, each operation step. A user may hold [`crate::live::StreamLimits`] streams
//! at once; a stream ends when its session (or API token) does (checked every
//! [`crate::live::Intervals::session_recheck`]).
//!
//! Each operation event carries an id: the latest `updated_at` the stream has sent. A browser's
//! `EventSource` sends it back as `Last-Event-ID` when it reconnects, and the new stream then
//! also sends every operation of its scope changed since (less [`LOOK_BACK`]), so an outcome
//! reached while the connection was down (a replica restarting) is not lost. A stream never sends
//! an operation's state older than one it already sent (the feed may broadcast a state it read
//! just before the stream's first read of the database), so the last event of each operation
//! is its latest state.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::{DateTime, Utc};
use futures::stream::{self, StreamExt};
use model::access::{Role, User};
use model::id::{ClusterId, ProjectId};
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, watch};
use tower_sessions::Session;

use crate::auth;
use crate::catalog::{Lookup, Snapshot, Viewing};
use crate::live::{LiveEvent, OperationChanged};
use crate::operations::store;
use crate::state::AppState;
use crate::tokens::TokenUse;

/// How long opening a cluster's stream may wait for the catalog to have the cluster.
const LOOKUP_DEADLINE: std::time::Duration = std::time::Duration::from_secs(5);
/// Operations sent when a stream opens.
const RECENT: i64 = 20;
/// How far before a reconnecting stream's `Last-Event-ID` it is sent changes again: another
/// replica's writes may reach the feed this late (see [`crate::live::Live::feed_operations`]).
const LOOK_BACK: chrono::Duration = chrono::Duration::seconds(5);

pub async fn project_events(
    State(state): State<AppState>,
    user: Option<Extension<User>>,
    session: Option<Extension<Session>>,
    token: Option<Extension<TokenUse>>,
    headers: HeaderMap,
    Path(project): Path<String>,
) -> Response {
    if let Err(error) = ProjectId::parse(&project) {
        return refuse(StatusCode::BAD_REQUEST, "bad_request", error.to_string());
    }
    open(state, (user, session, token), last_event(&headers), Scope::Project(project)).await
}

pub async fn cluster_events(
    State(state): State<AppState>,
    user: Option<Extension<User>>,
    session: Option<Extension<Session>>,
    token: Option<Extension<TokenUse>>,
    headers: HeaderMap,
    Path((project, cluster)): Path<(String, String)>,
) -> Response {
    if let Err(error) = ProjectId::parse(&project).and(ClusterId::parse(&cluster)) {
        return refuse(StatusCode::BAD_REQUEST, "bad_request", error.to_string());
    }
    open(state, (user, session, token), last_event(&headers), Scope::Cluster(project, cluster)).await
}

/// The time a reconnecting browser's `Last-Event-ID` names, if it names one.
fn last_event(headers: &HeaderMap) -> Option<DateTime<Utc>> {
    let id = headers.get("last-event-id")?.to_str().ok()?;
    DateTime::parse_from_rfc3339(id).ok().map(|at| at.with_timezone(&Utc))
}

fn refuse(status: StatusCode, error: &str, message: String) -> Response {
    (status, Json(serde_json::json!({ "error": error, "message": message }))).into_response()
}

/// What a page follows.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Scope {
    /// A project's cluster list.
    Project(String),
    /// One cluster (project, cluster id).
    Cluster(String, String),
}

/// Who asks: the signed-in user, their session or the API token they used.
type Caller = (Option<Extension<User>>, Option<Extension<Session>>, Option<Extension<TokenUse>>);

async fn open(
    state: AppState,
    (user, session, token): Caller,
    since: Option<DateTime<Utc>>,
    scope: Scope,
) -> Response {
    let (Scope::Project(project) | Scope::Cluster(project, _)) = &scope;
    let Some(catalog) = state.services.catalog.project(project).cloned() else {
        return refuse(StatusCode::NOT_FOUND, "not_found", format!("There is no project {project}."));
    };
    // The sign-in gate put the user here; only members of the project may follow it.
    let Some(Extension(user)) = user.filter(|Extension(user)| user.may(project, Role::Viewer)) else {
        return refuse(StatusCode::FORBIDDEN, "forbidden", "You have no role in this project.".into());
    };
    let cluster = match &scope {
        Scope::Cluster(_, cluster) => Some(cluster.clone()),
        Scope::Project(_) => None,
    };
    // A cluster's stream is for a cluster the catalog has (or learns of within the deadline).
    let viewing = match &cluster {
        None => None,
        Some(id) => match catalog.cluster(id, Utc::now(), None, LOOKUP_DEADLINE).await {
            Ok(snapshot) if matches!(snapshot.find(id), Lookup::Found(_)) => Some(catalog.view(id)),
            Ok(_) => {
                return refuse(
                    StatusCode::NOT_FOUND,
                    "not_found",
                    "There is no such cluster in this project.".into(),
                );
            }
            Err(_) => {
                return refuse(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "The cloud provider did not answer. Try again in a moment.".into(),
                );
            }
        },
    };
    let Some(slot) = state.live.admit(&user.username, project) else {
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_streams",
            "Too many live views are open. Close some tabs of the console and reload this one.".into(),
        );
    };
    let operations = state.live.operations();
    let snapshots = catalog.subscribe();
    catalog.looked_at(&snapshots.borrow());
    let first_state = state_event(&snapshots.borrow(), &scope);
    let mut first: Vec<Arc<LiveEvent>> = first_state.iter().cloned().collect();
    let missed = async {
        match since {
            Some(since) => store::changed_in(&state.db, project, cluster.as_deref(), since - LOOK_BACK).await,
            None => Ok(Vec::new()),
        }
    };
    match tokio::try_join!(store::recent(&state.db, project, cluster.as_deref(), RECENT), missed) {
        Ok((recent, missed)) => {
            let missed: Vec<_> = missed.into_iter().filter(|operation| !recent.contains(operation)).collect();
            first.extend(recent.into_iter().rev().chain(missed).map(|operation| {
                Arc::new(LiveEvent::Operation(OperationChanged { operation: Box::new(operation) }))
            }));
        }
        Err(error) => {
            tracing::error!(%error, "live updates: could not read recent operations");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    }
    let operations = operation_events(operations, scope.clone());
    let states = state_events(snapshots, scope.clone(), first_state, viewing);
    let live = state.live.clone();
    let session_id = session.and_then(|Extension(session)| session.id());
    let token = token.map(|Extension(used)| used);
    let recheck = state.live.intervals.session_recheck;
    let (auth, db, project) = (state.auth.clone(), state.db.clone(), project.clone());
    let stopping = async move {
        let signed_out = async {
            loop {
                tokio::time::sleep(recheck).await;
                let allowed = match (&token, &session_id) {
                    (Some(used), _) => crate::tokens::still_allows(&auth, &db, used, &project).await,
                    (None, Some(id)) => auth::session_allows(&auth, &db, id, &project).await,
                    (None, None) => auth.is_local(),
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
    let changes = stream::select(operations, states);
    let events = stream::iter(first)
        .chain(changes)
        .take_until(stopping)
        .scan(Sent::after(since), |sent, event| {
            let event = sent.event(&event);
            async move { Some(event) }
        })
        .filter_map(|event| async move { event.map(Ok::<_, Infallible>) });
    Sse::new(events).keep_alive(KeepAlive::default()).into_response()
}

/// The operations of `scope` as the feed broadcasts them.
fn operation_events(
    receiver: broadcast::Receiver<Arc<LiveEvent>>,
    scope: Scope,
) -> impl futures::Stream<Item = Arc<LiveEvent>> {
    stream::unfold(receiver, move |mut receiver| {
        let scope = scope.clone();
        async move {
            loop {
                match receiver.recv().await {
                    Ok(event) if in_scope(&event, &scope) => return Some((event, receiver)),
                    Ok(_) => continue,
                    // Too slow a reader missed events: the next ones still come.
                    Err(RecvError::Lagged(_)) => continue,
                    Err(RecvError::Closed) => return None,
                }
            }
        }
    })
}

/// What `snapshot` says of `scope`: the project's list, or the one cluster (or that it is gone).
fn state_event(snapshot: &Snapshot, scope: &Scope) -> Option<Arc<LiveEvent>> {
    match scope {
        Scope::Project(_) => snapshot.listed_at.is_some().then(|| snapshot.list_event()),
        Scope::Cluster(_, id) => snapshot.cluster_event(id).map(Arc::new),
    }
}

/// The state of `scope` each time a new snapshot changes it, after `sent`; holds `viewing` (the
/// refresher's reason to read the cluster's pools with every list) while the stream is open.
fn state_events(
    snapshots: watch::Receiver<Arc<Snapshot>>,
    scope: Scope,
    sent: Option<Arc<LiveEvent>>,
    viewing: Option<Viewing>,
) -> impl futures::Stream<Item = Arc<LiveEvent>> {
    stream::unfold((snapshots, sent, viewing), move |(mut snapshots, mut sent, viewing)| {
        let scope = scope.clone();
        async move {
            loop {
                snapshots.changed().await.ok()?;
                let snapshot = snapshots.borrow_and_update().clone();
                let Some(event) = state_event(&snapshot, &scope) else { continue };
                if sent.as_deref() == Some(&*event) {
                    continue;
                }
                sent = Some(event.clone());
                return Some((event, (snapshots, sent, viewing)));
            }
        }
    })
}

fn in_scope(event: &LiveEvent, scope: &Scope) -> bool {
    match scope {
        Scope::Project(project) => event.project_id() == project,
        Scope::Cluster(project, cluster) => {
            event.project_id() == project && event.cluster_id() == Some(cluster.as_str())
        }
    }
}

/// What a stream has sent: the latest operation change (its events' id) and each operation's
/// latest change.
#[derive(Debug)]
struct Sent {
    latest: Option<DateTime<Utc>>,
    operations: HashMap<String, DateTime<Utc>>,
}

impl Sent {
    /// A stream whose browser last saw the change at `since`, if it says.
    fn after(since: Option<DateTime<Utc>>) -> Self {
        Self { latest: since, operations: HashMap::new() }
    }

    /// The event as sent, or `None` for a state of an operation older than one already sent. An
    /// operation's event carries the latest `updated_at` sent so far as its id.
    fn event(&mut self, event: &LiveEvent) -> Option<Event> {
        let data = || serde_json::to_string(event).unwrap_or_else(|_| "{}".into());
        let LiveEvent::Operation(OperationChanged { operation }) = event else {
            return Some(Event::default().event(event.name()).data(data()));
        };
        if let Ok(at) = DateTime::parse_from_rfc3339(&operation.updated_at) {
            let at = at.with_timezone(&Utc);
            if self.operations.get(&operation.id).is_some_and(|sent| *sent > at) {
                return None;
            }
            self.operations.insert(operation.id.clone(), at);
            self.latest = Some(self.latest.map_or(at, |latest| latest.max(at)));
        }
        let sse = Event::default().event(event.name()).data(data());
        Some(match self.latest {
            Some(at) => sse.id(at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)),
            None => sse,
        })
    }
}

#[cfg(test)]
mod tests {
    use model::activity::TargetKind;
    use model::operation::{OperationState, OperationView};

    use super::*;

    fn change(id: &str, state: OperationState, at: &str) -> LiveEvent {
        LiveEvent::Operation(OperationChanged {
            operation: Box::new(OperationView {
                id: id.into(),
                project_id: "default".into(),
                kind: None,
                cluster_id: None,
                target_kind: TargetKind::Cluster,
                target_id: None,
                target_name: None,
                actor: "alice".into(),
                state,
                steps: Vec::new(),
                error: None,
                created_at: "2026-12-03T10:00:00Z".into(),
                updated_at: at.into(),
                finished_at: None,
            }),
        })
    }

    fn time(at: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(at).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn an_operation_state_older_than_one_sent_is_not_sent_again() {
        let mut sent = Sent::after(None);
        let done = change("op-1", OperationState::Succeeded, "2026-12-03T10:00:05Z");
        assert!(sent.event(&done).is_some());
        // The feed's read from before the stream's first read arrives after it.
        let running = change("op-1", OperationState::Running, "2026-12-03T10:00:03Z");
        assert!(sent.event(&running).is_none(), "an older state after a newer one");
        // The same time again (one runner pass) and other operations' older changes go out.
        assert!(sent.event(&done).is_some());
        assert!(sent.event(&change("op-2", OperationState::Running, "2026-12-03T10:00:01Z")).is_some());
        assert_eq!(sent.latest, Some(time("2026-12-03T10:00:05Z")), "the id stays the latest change");
    }

    #[test]
    fn the_id_starts_from_the_browser_last_event() {
        let mut sent = Sent::after(Some(time("2026-12-03T10:00:09Z")));
        assert!(sent.event(&change("op-1", OperationState::Running, "2026-12-03T10:00:04Z")).is_some());
        assert_eq!(sent.latest, Some(time("2026-12-03T10:00:09Z")));
    }
}
