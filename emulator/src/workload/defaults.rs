//! The defaults the API server fills in on write, as kubectl then shows them.

use serde_json::{Value, json};

fn default(object: &mut Value, field: &str, value: Value) {
    if object.get(field).is_none_or(Value::is_null) {
        object[field] = value;
    }
}

fn pod_spec(spec: &mut Value) {
    default(spec, "restartPolicy", json!("Always"));
    default(spec, "dnsPolicy", json!("ClusterFirst"));
    default(spec, "schedulerName", json!("default-scheduler"));
    default(spec, "terminationGracePeriodSeconds", json!(30));
    default(spec, "securityContext", json!({}));
    if let Some(containers) = spec["containers"].as_array_mut() {
        for container in containers {
            let image = container["image"].as_str().unwrap_or_default();
            let latest = !image.contains(':') || image.ends_with(":latest");
            default(container, "imagePullPolicy", json!(if latest { "Always" } else { "IfNotPresent" }));
            default(container, "terminationMessagePath", json!("/dev/termination-log"));
            default(container, "terminationMessagePolicy", json!("File"));
            default(container, "resources", json!({}));
        }
    }
}

/// A Deployment as stored: one replica, rolling updates of 25 %, ten old ReplicaSets kept.
pub fn deployment(mut object: Value) -> Value {
    let spec = &mut object["spec"];
    default(spec, "replicas", json!(1));
    default(
        spec,
        "strategy",
        json!({ "type": "RollingUpdate", "rollingUpdate": { "maxUnavailable": "25%", "maxSurge": "25%" } }),
    );
    default(spec, "revisionHistoryLimit", json!(10));
    default(spec, "progressDeadlineSeconds", json!(600));
    pod_spec(&mut spec["template"]["spec"]);
    object
}

/// A DaemonSet as stored.
pub fn daemon_set(mut object: Value) -> Value {
    let spec = &mut object["spec"];
    default(
        spec,
        "updateStrategy",
        json!({ "type": "RollingUpdate", "rollingUpdate": { "maxUnavailable": 1, "maxSurge": 0 } }),
    );
    default(spec, "revisionHistoryLimit", json!(10));
    pod_spec(&mut spec["template"]["spec"]);
    object
}

/// A pod created directly.
pub fn pod(mut object: Value) -> Value {
    pod_spec(&mut object["spec"]);
    default(&mut object["status"], "phase", json!("Pending"));
    object
}

/// What the API server fills in for an object of `resource`.
pub fn apply(resource: &str, object: Value) -> Value {
    match resource {
        "deployments" => deployment(object),
        "daemonsets" => daemon_set(object),
        "pods" => pod(object),
        _ => object,
    }
}
