//! `watch=true` on a list (`kubectl get pods -w`): a stream of `ADDED`, `MODIFIED` and
//! `DELETED` events, one JSON object per line, as tables when kubectl asks for them. The
//! stream looks at the cluster twice a second and sends what changed: a stored object when its
//! resource version moves, a node when what it reports (not its heartbeat) does.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::objects::{Call, Filter, Item, Kind, ListQuery, Snapshot};
use super::table;
use crate::workload::store::key_of;

/// How often a watch looks for changes.
const LOOK_EVERY: Duration = Duration::from_millis(500);
/// How long a watch lasts when the client does not say.
const LONGEST: Duration = Duration::from_secs(30 * 60);

/// What tells one state of an object from the next.
fn version(kind: &Kind, object: &Value) -> String {
    if kind.stored {
        return object["metadata"]["resourceVersion"].as_str().unwrap_or_default().to_string();
    }
    let mut steady = object.clone();
    if let Some(conditions) = steady["status"]["conditions"].as_array_mut() {
        for condition in conditions {
            if let Some(c) = condition.as_object_mut() {
                c.remove("lastHeartbeatTime");
            }
        }
    }
    steady.to_string()
}

fn revision_of(object: &Value) -> u64 {
    object["metadata"]["resourceVersion"].as_str().and_then(|v| v.parse().ok()).unwrap_or(0)
}

/// One watch event line.
fn line(
    kind: &Kind,
    (table, whole): (bool, bool),
    event: &str,
    item: &Item,
    now: chrono::DateTime<chrono::Utc>,
) -> Bytes {
    let object = if table {
        let cells = (kind.row)(&item.object, table::age(item.created, now));
        let mut answer = table::table(kind.columns, vec![(cells, table::row_object(&item.object, whole))]);
        answer["metadata"]["resourceVersion"] = item.object["metadata"]["resourceVersion"].clone();
        answer
    } else {
        item.object.clone()
    };
    let mut text = json!({ "type": event, "object": object }).to_string();
    text.push('\n');
    Bytes::from(text)
}

/// Streams the changes to what `filter` selects of `kind`, from the resource version the
/// client names (everything there is as `ADDED` when it names none, or `0`).
pub fn stream(kind: &'static Kind, call: Call, filter: Filter, query: ListQuery) -> Response {
    let since = query.resource_version.as_deref().and_then(|v| v.parse::<u64>().ok()).filter(|v| *v > 0);
    let lasting = query.timeout_seconds.map_or(LONGEST, |s| Duration::from_secs(s).min(LONGEST));
    let (sender, receiver) = tokio::sync::mpsc::channel::<Bytes>(256);
    tokio::spawn(async move {
        let deadline = tokio::time::Instant::now() + lasting;
        let mut seen: BTreeMap<String, (String, Item)> = BTreeMap::new();
        let mut first = true;
        while tokio::time::Instant::now() < deadline {
            let Ok(snapshot) = Snapshot::take(&call.api, &call.cluster) else { break };
            let mut current: BTreeMap<String, (String, Item)> = BTreeMap::new();
            for item in kind.select(&snapshot, &filter) {
                current.insert(key_of(&item.object), (version(kind, &item.object), item));
            }
            let mut lines = Vec::new();
            for (key, (version, item)) in &current {
                let event = match seen.get(key) {
                    None if first
                        && since.is_some_and(|s| !kind.stored || revision_of(&item.object) <= s) =>
                    {
                        None
                    }
                    None if first && since.is_some() => Some("MODIFIED"),
                    None => Some("ADDED"),
                    Some((old, _)) if old != version => Some("MODIFIED"),
                    Some(_) => None,
                };
                if let Some(event) = event {
                    lines.push(line(kind, (call.table, call.whole_rows), event, item, snapshot.now));
                }
            }
            for (key, (_, item)) in &seen {
                if !current.contains_key(key) {
                    lines.push(line(kind, (call.table, call.whole_rows), "DELETED", item, snapshot.now));
                }
            }
            for line in lines {
                if sender.send(line).await.is_err() {
                    return;
                }
            }
            seen = current;
            first = false;
            tokio::select! {
                _ = tokio::time::sleep(LOOK_EVERY) => {}
                _ = sender.closed() => return,
            }
        }
    });
    let body = futures::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|line| (Ok::<_, Infallible>(line), receiver))
    });
    ([(CONTENT_TYPE, "application/json")], Body::from_stream(body)).into_response()
}
