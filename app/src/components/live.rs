//! Following the server's live updates (server-sent events) in the browser.

use leptos::prelude::*;
use model::cluster_view::ClusterRow;
use model::freshness::Freshness;
use model::live::{ClusterRead, LiveCluster, OperationChanged, PoolCounts, ProjectClusters, merge_rows};
use model::operation::OperationView;

/// What a cluster page knows from its stream: the cluster and its pools' counts, or that the
/// cluster is gone.
#[derive(Clone, Debug, PartialEq)]
pub enum ClusterState {
    Live { cluster: Box<LiveCluster>, pools: Vec<PoolCounts>, freshness: Freshness },
    Gone,
}

/// `operations` (newest first) with `changed` put in: replaced where it was, else added.
pub fn merge_operation(operations: &mut Vec<OperationView>, changed: OperationView) {
    match operations.iter_mut().find(|op| op.id == changed.id) {
        Some(known) => *known = changed,
        None => operations.push(changed),
    }
    operations.sort_by(|a, b| b.created_at.cmp(&a.created_at));
}

/// What to do with the data of one kind of event.
type Handler = (&'static str, Box<dyn Fn(String)>);

/// Calls each handler with the data of its event as the stream at `url` sends them, from when
/// the page is hydrated while the calling component lives (browser only).
fn listen(url: String, handlers: Vec<Handler>) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;

        // Opened once the page is hydrated: an event before would change what the server's HTML,
        // still being taken over, shows.
        crate::hydration::when_hydrated(move || {
            let Ok(source) = web_sys::EventSource::new(&url) else { return };
            for (event, handle) in handlers {
                let on_event = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
                    move |message: web_sys::MessageEvent| {
                        if let Some(text) = message.data().as_string() {
                            handle(text);
                        }
                    },
                );
                let _ = source.add_event_listener_with_callback(event, on_event.as_ref().unchecked_ref());
                on_event.forget();
            }
            let source = send_wrapper::SendWrapper::new(source);
            on_cleanup(move || source.close());
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (url, handlers);
}

/// Keeps `rows` and their `freshness` in step with the project's `clusters` events while the
/// component lives (browser only; the server-rendered list is the first state).
pub fn follow_clusters(project: String, rows: RwSignal<Vec<ClusterRow>>, freshness: RwSignal<Freshness>) {
    let on_clusters = move |text: String| {
        if let Ok(ProjectClusters { clusters, freshness: fresh, .. }) = serde_json::from_str(&text) {
            rows.update(|rows| merge_rows(rows, &clusters));
            freshness.set(fresh);
        }
    };
    listen(format!("/api/projects/{project}/events"), vec![("clusters", Box::new(on_clusters))]);
}

/// The most project streams one page opens (the server admits 16 per user); a page following
/// more projects looks again every [`POLL_SECONDS`] instead.
pub const MAX_FOLLOWED_PROJECTS: usize = 8;
/// How often such a page looks again.
pub const POLL_SECONDS: u64 = 30;

/// Calls `changed` whenever a cluster or an operation of any of `projects` changes (the list each
/// stream sends on opening excepted), while the calling component lives (browser only).
pub fn follow_projects(projects: Vec<String>, changed: impl Fn() + Clone + 'static) {
    if projects.len() > MAX_FOLLOWED_PROJECTS {
        #[cfg(feature = "hydrate")]
        crate::hydration::when_hydrated(move || {
            if let Ok(handle) = set_interval(changed.clone(), std::time::Duration::from_secs(POLL_SECONDS)) {
                on_cleanup(move || handle.clear());
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = changed;
        return;
    }
    for project in projects {
        let opened = std::rc::Rc::new(std::cell::Cell::new(false));
        let on_clusters = {
            let changed = changed.clone();
            move |_: String| {
                if opened.replace(true) {
                    changed();
                }
            }
        };
        let on_operation = {
            let changed = changed.clone();
            move |_: String| changed()
        };
        listen(
            format!("/api/projects/{project}/events"),
            vec![("clusters", Box::new(on_clusters)), ("operation", Box::new(on_operation))],
        );
    }
}

/// The cluster page's state after the stream's `cluster` event.
impl From<ClusterRead> for ClusterState {
    fn from(ClusterRead { cluster, node_pools, freshness, .. }: ClusterRead) -> Self {
        ClusterState::Live { cluster, pools: node_pools, freshness }
    }
}

/// Keeps a cluster page in step: `operations` (newest first) with the cluster's operation
/// events, `state` with the cluster and its pools, or its disappearance.
pub fn follow_cluster(
    project: &str,
    cluster: &str,
    operations: RwSignal<Vec<OperationView>>,
    state: RwSignal<Option<ClusterState>>,
) {
    let on_operation = move |text: String| {
        if let Ok(OperationChanged { operation }) = serde_json::from_str(&text) {
            operations.update(|ops| merge_operation(ops, *operation));
        }
    };
    let on_cluster = move |text: String| {
        if let Ok(read) = serde_json::from_str::<ClusterRead>(&text) {
            state.set(Some(read.into()));
        }
    };
    let on_gone = move |_: String| state.set(Some(ClusterState::Gone));
    listen(
        format!("/api/projects/{project}/clusters/{cluster}/events"),
        vec![
            ("operation", Box::new(on_operation)),
            ("cluster", Box::new(on_cluster)),
            ("cluster_gone", Box::new(on_gone)),
        ],
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cluster_page_reads_the_cluster_from_its_event() {
        let data = r#"{"type":"cluster","project_id":"p","cluster":{"id":"c1","name":"web","region":"GRA11",
            "plan":"free","version":"1.35","status":"READY","nextVersions":[],"patchPending":false,
            "createdAt":"2026-11-27T10:00:00Z","nodes":null},"node_pools":[{"currentNodes":3,"availableNodes":2}],
            "freshness":{"readAt":1}}"#;
        let read: ClusterRead = serde_json::from_str(data).unwrap();
        let ClusterState::Live { cluster, pools, .. } = read.into() else { panic!("not live") };
        assert_eq!((cluster.name.as_str(), pools.len()), ("web", 1));
    }
}
