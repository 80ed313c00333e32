//! Following the server's live updates (server-sent events) in the browser.

use leptos::prelude::*;
use model::cluster_view::ClusterRow;
use model::operation::OperationView;
use model::status::Status;
use serde::Deserialize;

/// A cluster as the `clusters` event carries it (the provider's fields the list shows).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LiveCluster {
    pub id: String,
    pub name: String,
    pub region: String,
    pub plan: String,
    pub version: String,
    pub status: Status,
    pub next_upgrade_versions: Option<Vec<String>>,
    pub is_up_to_date: bool,
    pub created_at: String,
}

impl Default for LiveCluster {
    fn default() -> Self {
        Self {
            id: String::new(),
            name: String::new(),
            region: String::new(),
            plan: String::new(),
            version: String::new(),
            status: Status::Unknown,
            next_upgrade_versions: None,
            is_up_to_date: true,
            created_at: String::new(),
        }
    }
}

/// The `clusters` event.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ClustersEvent {
    pub clusters: Vec<LiveCluster>,
}

/// `rows` brought up to date with what the provider now lists: changed statuses and versions,
/// new clusters added (their nodes counted once the page reloads), deleted ones removed.
pub fn merge(rows: &mut Vec<ClusterRow>, event: &ClustersEvent) {
    rows.retain(|row| event.clusters.iter().any(|c| c.id == row.id));
    for cluster in &event.clusters {
        let upgrade =
            !cluster.next_upgrade_versions.clone().unwrap_or_default().is_empty() || !cluster.is_up_to_date;
        match rows.iter_mut().find(|row| row.id == cluster.id) {
            Some(row) => {
                row.status = cluster.status.clone();
                row.version = cluster.version.clone();
                row.name = cluster.name.clone();
                row.upgrade_available = upgrade;
            }
            None => rows.push(ClusterRow {
                id: cluster.id.clone(),
                name: cluster.name.clone(),
                region: cluster.region.clone(),
                plan: cluster.plan.clone(),
                version: cluster.version.clone(),
                status: cluster.status.clone(),
                nodes_ready: 0,
                nodes_total: 0,
                upgrade_available: upgrade,
                created_at: cluster.created_at.clone(),
            }),
        }
    }
    rows.sort_by(|a, b| a.name.cmp(&b.name));
}

/// A node pool's counts, as the `cluster` event carries them.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LivePool {
    pub current_nodes: u32,
    pub available_nodes: u32,
}

/// The `cluster` event: one cluster and its pools.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ClusterEvent {
    pub cluster: LiveCluster,
    pub node_pools: Vec<LivePool>,
}

/// The `operation` event.
#[derive(Clone, Debug, Deserialize)]
pub struct OperationEvent {
    pub operation: OperationView,
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

/// Calls each handler with the data of its event as the stream at `url` sends them, while the
/// calling component lives (browser only).
fn listen(url: String, handlers: Vec<Handler>) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        use wasm_bindgen::closure::Closure;

        let Ok(source) = web_sys::EventSource::new(&url) else { return };
        for (event, handle) in handlers {
            let on_event =
                Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |message: web_sys::MessageEvent| {
                    if let Some(text) = message.data().as_string() {
                        handle(text);
                    }
                });
            let _ = source.add_event_listener_with_callback(event, on_event.as_ref().unchecked_ref());
            on_event.forget();
        }
        let source = send_wrapper::SendWrapper::new(source);
        on_cleanup(move || source.close());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (url, handlers);
}

/// Keeps `rows` in step with the project's `clusters` events while the component lives
/// (browser only; the server-rendered list is the first state).
pub fn follow_clusters(project: String, rows: RwSignal<Vec<ClusterRow>>) {
    let on_clusters = move |text: String| {
        if let Ok(update) = serde_json::from_str::<ClustersEvent>(&text) {
            rows.update(|rows| merge(rows, &update));
        }
    };
    listen(format!("/api/projects/{project}/events"), vec![("clusters", Box::new(on_clusters))]);
}

/// Keeps a cluster page in step: `operations` (newest first) with the cluster's operation
/// events, `cluster` with its state and pools.
pub fn follow_cluster(
    project: &str,
    cluster: &str,
    operations: RwSignal<Vec<OperationView>>,
    state: RwSignal<Option<ClusterEvent>>,
) {
    let on_operation = move |text: String| {
        if let Ok(event) = serde_json::from_str::<OperationEvent>(&text) {
            operations.update(|ops| merge_operation(ops, event.operation));
        }
    };
    let on_cluster = move |text: String| {
        if let Ok(event) = serde_json::from_str::<ClusterEvent>(&text) {
            state.set(Some(event));
        }
    };
    listen(
        format!("/api/projects/{project}/clusters/{cluster}/events"),
        vec![("operation", Box::new(on_operation)), ("cluster", Box::new(on_cluster))],
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, name: &str) -> ClusterRow {
        ClusterRow {
            id: id.into(),
            name: name.into(),
            region: "GRA11".into(),
            plan: "free".into(),
            version: "1.34.2-1".into(),
            status: Status::Installing,
            nodes_ready: 1,
            nodes_total: 2,
            upgrade_available: false,
            created_at: "2026-11-27T10:00:00Z".into(),
        }
    }

    #[test]
    fn an_event_updates_adds_and_removes_rows() {
        let mut rows = vec![row("a", "alpha"), row("gone", "gone")];
        let event: ClustersEvent = serde_json::from_str(
            r#"{"clusters":[{"id":"a","name":"alpha","status":"READY","version":"1.35.2-1","isUpToDate":true},
                {"id":"b","name":"beta","status":"INSTALLING","region":"SBG5","plan":"standard"}]}"#,
        )
        .unwrap();
        merge(&mut rows, &event);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            (rows[0].status.clone(), rows[0].version.as_str(), rows[0].nodes_total),
            (Status::Ready, "1.35.2-1", 2)
        );
        assert_eq!((rows[1].name.as_str(), rows[1].region.as_str()), ("beta", "SBG5"));
    }
}
