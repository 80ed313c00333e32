//! The objects kept for one cluster's API server: what clients and controllers write, each with
//! its resource version, uid and creation time, and the events recorded about them.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::kube::timestamp;

/// `namespace/name` for namespaced objects, `name` otherwise.
pub fn key(namespace: Option<&str>, name: &str) -> String {
    match namespace {
        Some(namespace) => format!("{namespace}/{name}"),
        None => name.to_string(),
    }
}

/// Whether objects of `resource` have a `status` (RBAC objects do not).
pub fn has_status(resource: &str) -> bool {
    !matches!(resource, "roles" | "clusterroles" | "rolebindings" | "clusterrolebindings")
}

/// The key of a stored object, from its metadata.
pub fn key_of(object: &Value) -> String {
    let metadata = &object["metadata"];
    key(metadata["namespace"].as_str(), metadata["name"].as_str().unwrap_or_default())
}

/// One cluster's stored objects.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Store {
    /// The last resource version given out.
    pub revision: u64,
    /// By resource (`pods`, `deployments`, …), then by [`key`].
    pub objects: BTreeMap<String, BTreeMap<String, Value>>,
    /// Nodes whose drain a disruption budget holds up, and since when.
    #[serde(default)]
    pub held_since: BTreeMap<String, DateTime<Utc>>,
    /// The system workloads have been installed.
    pub seeded: bool,
    /// The bootstrap roles and bindings have been installed.
    #[serde(default)]
    pub rbac_seeded: bool,
}

impl Store {
    pub fn get(&self, resource: &str, key: &str) -> Option<&Value> {
        self.objects.get(resource)?.get(key)
    }

    /// Every object of `resource`, in key order.
    pub fn list(&self, resource: &str) -> impl Iterator<Item = &Value> {
        self.objects.get(resource).into_iter().flat_map(|m| m.values())
    }

    /// Stores `object` as the new state of its key: a new resource version, and for a new
    /// object a uid and creation time; `metadata.generation` goes up when `spec` changed.
    pub fn put(&mut self, resource: &str, mut object: Value, now: DateTime<Utc>) -> Value {
        self.revision += 1;
        let key = key_of(&object);
        let previous = self.get(resource, &key);
        let metadata = &mut object["metadata"];
        match previous {
            Some(previous) => {
                metadata["uid"] = previous["metadata"]["uid"].clone();
                metadata["creationTimestamp"] = previous["metadata"]["creationTimestamp"].clone();
                let generation = previous["metadata"]["generation"].as_u64().unwrap_or(1);
                let changed = previous.get("spec") != object.get("spec");
                object["metadata"]["generation"] = json!(generation + u64::from(changed));
            }
            None => {
                metadata["uid"] = json!(uuid::Uuid::new_v4().to_string());
                metadata["creationTimestamp"] = json!(timestamp(now));
                metadata["generation"] = json!(1);
            }
        }
        object["metadata"]["resourceVersion"] = json!(self.revision.to_string());
        if has_status(resource) && object.get("status").is_none_or(Value::is_null) {
            object["status"] = json!({});
        }
        self.objects.entry(resource.to_string()).or_default().insert(key, object.clone());
        object
    }

    /// Writes `object` back only if it differs from what is stored (controllers call this on
    /// every pass; unchanged objects keep their resource version, so watches stay quiet).
    pub fn update(&mut self, resource: &str, object: Value, now: DateTime<Utc>) {
        let current = self.get(resource, &key_of(&object));
        let strip = |o: &Value| {
            let mut o = o.clone();
            if let Some(m) = o["metadata"].as_object_mut() {
                m.remove("resourceVersion");
                m.remove("generation");
            }
            o
        };
        if current.is_none_or(|c| strip(c) != strip(&object)) {
            self.put(resource, object, now);
        }
    }

    pub fn remove(&mut self, resource: &str, key: &str) -> Option<Value> {
        let removed = self.objects.get_mut(resource)?.remove(key)?;
        self.revision += 1;
        Some(removed)
    }

    /// Records an event about `object` (core/v1 `Event`): a repeat of the same reason and
    /// message counts up instead of adding another, as the event recorder does.
    pub fn record(
        &mut self,
        object: &Value,
        warning: bool,
        reason: &str,
        message: &str,
        source: &str,
        now: DateTime<Utc>,
    ) {
        let metadata = &object["metadata"];
        let namespace = metadata["namespace"].as_str().unwrap_or("default").to_string();
        let repeat = self
            .list("events")
            .find(|e| {
                e["involvedObject"]["uid"] == metadata["uid"]
                    && e["reason"] == reason
                    && e["message"] == message
            })
            .cloned();
        let event = match repeat {
            Some(mut event) => {
                event["count"] = json!(event["count"].as_u64().unwrap_or(1) + 1);
                event["lastTimestamp"] = json!(timestamp(now));
                event
            }
            None => {
                let name = format!(
                    "{}.{:x}",
                    metadata["name"].as_str().unwrap_or_default(),
                    self.revision * 7919 + now.timestamp_subsec_nanos() as u64
                );
                json!({
                    "kind": "Event",
                    "apiVersion": "v1",
                    "metadata": { "name": name, "namespace": namespace },
                    "involvedObject": {
                        "kind": object["kind"],
                        "apiVersion": object["apiVersion"],
                        "namespace": metadata["namespace"],
                        "name": metadata["name"],
                        "uid": metadata["uid"],
                        "resourceVersion": metadata["resourceVersion"],
                    },
                    "reason": reason,
                    "message": message,
                    "source": { "component": source },
                    "firstTimestamp": timestamp(now),
                    "lastTimestamp": timestamp(now),
                    "count": 1,
                    "type": if warning { "Warning" } else { "Normal" },
                    "reportingComponent": source,
                    "reportingInstance": "",
                })
            }
        };
        self.put("events", event, now);
        self.trim_events();
    }

    /// Keeps the newest events only, as the API server's event TTL would.
    fn trim_events(&mut self) {
        const KEPT: usize = 1000;
        let Some(events) = self.objects.get_mut("events") else { return };
        if events.len() <= KEPT {
            return;
        }
        let mut by_age: Vec<(u64, String)> = events
            .iter()
            .map(|(k, e)| {
                (
                    e["metadata"]["resourceVersion"].as_str().and_then(|v| v.parse().ok()).unwrap_or(0),
                    k.clone(),
                )
            })
            .collect();
        by_age.sort();
        for (_, key) in by_age.into_iter().take(events.len() - KEPT) {
            events.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_get_new_versions_and_keep_identity() {
        let mut store = Store::default();
        let now = Utc::now();
        let first = store.put(
            "deployments",
            json!({ "metadata": { "namespace": "a", "name": "web" }, "spec": { "replicas": 1 } }),
            now,
        );
        let second = store.put(
            "deployments",
            json!({ "metadata": { "namespace": "a", "name": "web" }, "spec": { "replicas": 2 } }),
            now,
        );
        assert_eq!(first["metadata"]["uid"], second["metadata"]["uid"]);
        assert_eq!(second["metadata"]["resourceVersion"], "2");
        assert_eq!(second["metadata"]["generation"], 2);
        store.update("deployments", second.clone(), now);
        assert_eq!(store.revision, 2, "an unchanged object is not written again");
    }

    #[test]
    fn repeated_events_count_up() {
        let mut store = Store::default();
        let now = Utc::now();
        let pod =
            store.put("pods", json!({ "kind": "Pod", "metadata": { "namespace": "a", "name": "p" } }), now);
        store.record(&pod, true, "FailedScheduling", "0/1 nodes are available", "default-scheduler", now);
        store.record(&pod, true, "FailedScheduling", "0/1 nodes are available", "default-scheduler", now);
        let events: Vec<&Value> = store.list("events").collect();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0]["count"], 2);
    }
}
