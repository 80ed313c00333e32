//! Pods as the controllers make them from templates, bound by the scheduler, or left Pending.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::kube::timestamp;
pub use provider::kube::{node_room as room, owner, pod_demand as demand, template_demand};

/// The characters of generated name suffixes (Kubernetes' own alphabet, no vowels).
const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// A random suffix of `length` characters, as `generateName` gives.
pub fn suffix(length: usize) -> String {
    let bytes = uuid::Uuid::new_v4().into_bytes();
    (0..length).map(|i| ALPHABET[usize::from(bytes[i % 16]) % ALPHABET.len()] as char).collect()
}

/// A stable hash of a pod template, as the `pod-template-hash` label (10 characters).
pub fn template_hash(template: &Value) -> String {
    // FNV-1a over the template's canonical JSON (serde_json writes maps in key order).
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in template.to_string().bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    (0..10).map(|i| ALPHABET[((hash >> (i * 6)) % ALPHABET.len() as u64) as usize] as char).collect()
}

/// A new pod of `owner` (kind `owner_kind`) from `template`, Pending and unbound.
pub fn from_template(
    template: &Value,
    owner: &Value,
    owner_kind: &str,
    extra_labels: &BTreeMap<String, String>,
) -> Value {
    let metadata = &owner["metadata"];
    let owner_name = metadata["name"].as_str().unwrap_or_default();
    let mut labels = template["metadata"]["labels"].as_object().cloned().unwrap_or_default();
    for (k, v) in extra_labels {
        labels.insert(k.clone(), json!(v));
    }
    let mut spec = template["spec"].clone();
    for (field, default) in [
        ("restartPolicy", json!("Always")),
        ("dnsPolicy", json!("ClusterFirst")),
        ("schedulerName", json!("default-scheduler")),
        ("terminationGracePeriodSeconds", json!(30)),
        ("securityContext", json!({})),
    ] {
        if spec.get(field).is_none_or(Value::is_null) {
            spec[field] = default;
        }
    }
    let mut pod = json!({
        "kind": "Pod",
        "apiVersion": "v1",
        "metadata": {
            "name": format!("{owner_name}-{}", suffix(5)),
            "generateName": format!("{owner_name}-"),
            "namespace": metadata["namespace"],
            "labels": labels,
            "ownerReferences": [{
                "apiVersion": owner["apiVersion"],
                "kind": owner_kind,
                "name": owner_name,
                "uid": metadata["uid"],
                "controller": true,
                "blockOwnerDeletion": true,
            }],
        },
        "spec": spec,
        "status": { "phase": "Pending", "qosClass": qos_class(&template["spec"]) },
    });
    if let Some(annotations) = template["metadata"]["annotations"].as_object() {
        pod["metadata"]["annotations"] = json!(annotations);
    }
    pod
}

/// `Guaranteed`, `Burstable` or `BestEffort`, from the containers' requests and limits.
fn qos_class(spec: &Value) -> &'static str {
    let containers = spec["containers"].as_array().cloned().unwrap_or_default();
    let set = |c: &Value, part: &str| c["resources"][part].as_object().is_some_and(|m| !m.is_empty());
    if containers.iter().all(|c| !set(c, "requests") && !set(c, "limits")) {
        "BestEffort"
    } else if containers.iter().all(|c| {
        ["cpu", "memory"].iter().all(|r| {
            let limit = &c["resources"]["limits"][*r];
            !limit.is_null()
                && (c["resources"]["requests"][*r].is_null() || c["resources"]["requests"][*r] == *limit)
        })
    }) {
        "Guaranteed"
    } else {
        "Burstable"
    }
}

/// The pod bound to `node` (its name and address) and running since `now`.
pub fn bind(pod: &mut Value, node: &str, host_ip: Option<&str>, pod_ip: &str, now: DateTime<Utc>) {
    let at = timestamp(now);
    pod["spec"]["nodeName"] = json!(node);
    let containers = pod["spec"]["containers"].as_array().cloned().unwrap_or_default();
    let statuses: Vec<Value> = containers
        .iter()
        .enumerate()
        .map(|(i, c)| {
            json!({
                "name": c["name"],
                "image": c["image"],
                "imageID": format!("{}@sha256:{:064x}", c["image"].as_str().unwrap_or_default(), i + 1),
                "containerID": format!("containerd://{}{}", uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple()),
                "ready": true,
                "started": true,
                "restartCount": 0,
                "state": { "running": { "startedAt": at } },
            })
        })
        .collect();
    let condition = |kind: &str| json!({ "type": kind, "status": "True", "lastProbeTime": null, "lastTransitionTime": at });
    let qos = pod["status"]["qosClass"].clone();
    pod["status"] = json!({
        "phase": "Running",
        "conditions": [condition("PodReadyToStartContainers"), condition("Initialized"), condition("Ready"), condition("ContainersReady"), condition("PodScheduled")],
        "hostIP": host_ip,
        "podIP": pod_ip,
        "podIPs": [{ "ip": pod_ip }],
        "startTime": at,
        "containerStatuses": statuses,
        "qosClass": qos,
    });
}

/// Marks a pod the scheduler could not place.
pub fn unschedulable(pod: &mut Value, message: &str, now: DateTime<Utc>) {
    pod["status"]["conditions"] = json!([{
        "type": "PodScheduled",
        "status": "False",
        "lastProbeTime": null,
        "lastTransitionTime": timestamp(now),
        "reason": "Unschedulable",
        "message": message,
    }]);
}

/// The message of a Pending pod's `PodScheduled=False` condition, if any.
pub fn unschedulable_message(pod: &Value) -> Option<&str> {
    let conditions = pod["status"]["conditions"].as_array()?;
    conditions.iter().find(|c| c["type"] == "PodScheduled" && c["status"] == "False")?["message"].as_str()
}

/// Whether the pod is running on a node (not ended, not Pending).
pub fn is_bound(pod: &Value) -> bool {
    pod["spec"]["nodeName"].as_str().is_some_and(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_hash_stably_and_apart() {
        let a = json!({ "spec": { "containers": [{ "name": "web", "image": "nginx:1.27" }] } });
        let b = json!({ "spec": { "containers": [{ "name": "web", "image": "nginx:1.28" }] } });
        assert_eq!(template_hash(&a), template_hash(&a.clone()));
        assert_ne!(template_hash(&a), template_hash(&b));
        assert_eq!(template_hash(&a).len(), 10);
    }

    #[test]
    fn qos_follows_requests_and_limits() {
        let spec = |resources: Value| json!({ "containers": [{ "name": "a", "resources": resources }] });
        assert_eq!(qos_class(&spec(json!({}))), "BestEffort");
        assert_eq!(qos_class(&spec(json!({ "requests": { "cpu": "1" } }))), "Burstable");
        assert_eq!(qos_class(&spec(json!({ "limits": { "cpu": "1", "memory": "1Gi" } }))), "Guaranteed");
    }
}
