//! Writing to an emulated cluster: create, replace, patch (JSON, merge and strategic merge) and
//! delete the stored kinds, and the `scale` subresource of Deployments and ReplicaSets. Each
//! write is checked as kube-apiserver checks it (the body decodes as its kind, strictly when
//! `fieldValidation=Strict`, as kubectl asks; its namespace exists; its name is free), gets
//! the API server's defaults, and the controllers run at once, so the next read already shows
//! its pods.

use axum::Json;
use axum::body::Bytes;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use super::checks::{decode, validate};
use super::escalation;
use super::objects::{Call, Kind};
use super::protobuf_objects::{self, Unread};
use super::selector::label_text;
use super::status::KubeError;
use super::strategic;
use crate::workload::rbac as rbac_store;
use crate::workload::{defaults, pods, store, system};

/// The largest body read (kube-apiserver takes up to 3 MiB).
const BODY_LIMIT: usize = 3 * 1024 * 1024;

/// Reads bodies in Kubernetes' protobuf encoding, which kubectl's typed commands send (`kubectl
/// create namespace`, `create rolebinding`, …): the kinds [`protobuf_objects`] knows go on as
/// JSON, the others are refused with 415, saying what works instead.
pub async fn json_only(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let content_type = request.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    // (`kubectl auth whoami` and `kubectl auth can-i` send one too; their reviews read it.)
    let reviews = ["/selfsubjectreviews", "/selfsubjectaccessreviews", "/selfsubjectrulesreviews"];
    if !content_type.contains("protobuf") || reviews.iter().any(|r| request.uri().path().ends_with(r)) {
        return next.run(request).await;
    }
    let (mut parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return KubeError::bad_request("the request body is too large").into_response();
    };
    match protobuf_objects::to_json(&body) {
        Ok(object) => {
            parts.headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            parts.headers.remove(CONTENT_LENGTH);
            let json = axum::body::Body::from(object.to_string());
            next.run(axum::extract::Request::from_parts(parts, json)).await
        }
        Err(Unread::Kind(kind)) => KubeError::protobuf_refused(&kind).into_response(),
        Err(Unread::Malformed) => {
            KubeError::bad_request("the request body is not a Kubernetes object in protobuf").into_response()
        }
    }
}

/// Query parameters of writes.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WriteQuery {
    field_validation: Option<String>,
    dry_run: Option<String>,
}

impl WriteQuery {
    fn strict(&self) -> bool {
        self.field_validation.as_deref().is_none_or(|v| v.eq_ignore_ascii_case("strict"))
    }

    fn dry_run(&self) -> bool {
        self.dry_run.as_deref() == Some("All")
    }
}

fn not_stored(kind: &Kind) -> Result<(), KubeError> {
    if kind.stored { Ok(()) } else { Err(KubeError::method_not_allowed()) }
}

fn parse_body(body: &Bytes) -> Result<Value, KubeError> {
    serde_json::from_slice(body)
        .map_err(|e| KubeError::bad_request(format!("the body could not be decoded: {e}")))
}

/// Stores `object` under `kind` after the checks, then runs the controllers; answers the
/// object as stored. `previous` is what it replaces, if anything.
fn store_object(
    call: &Call,
    kind: &Kind,
    mut object: Value,
    previous: Option<&Value>,
    query: &WriteQuery,
) -> Result<Value, KubeError> {
    let name = object["metadata"]["name"].as_str().unwrap_or_default().to_string();
    object["kind"] = json!(kind.kind);
    object["apiVersion"] = json!(kind.api_version);
    decode(kind, &object, query.strict())?;
    validate(kind, &object, previous, &name)?;
    escalation::check_write(call, kind, &object)?;
    object = defaults::apply(kind.resource, object);
    match previous {
        // RBAC objects have no status.
        _ if !store::has_status(kind.resource) => {}
        // The status is the controllers' to write.
        Some(previous) if kind.resource != "events" => object["status"] = previous["status"].clone(),
        None if !matches!(kind.resource, "events" | "namespaces" | "pods") => object["status"] = json!({}),
        _ => {}
    }
    if kind.resource == "namespaces" {
        object["status"] = json!({ "phase": "Active" });
        object["metadata"]["labels"]["kubernetes.io/metadata.name"] = json!(name);
    }
    if query.dry_run() {
        return Ok(object);
    }
    let emulator = &call.api.emulator;
    let now = emulator.clock.now();
    let mut world = emulator.world();
    let store = world.workloads.entry(call.cluster.clone()).or_default();
    let stored = store.put(kind.resource, object, now);
    if kind.resource == "clusterroles" {
        rbac_store::aggregate(store, now);
    }
    world.reconcile_workloads(emulator, &call.cluster, now);
    let key = store::key_of(&stored);
    Ok(world.workloads.get(&call.cluster).and_then(|s| s.get(kind.resource, &key)).cloned().unwrap_or(stored))
}

/// The stored object `namespace/name` of `kind`, after the controllers ran.
fn current(call: &Call, kind: &Kind, namespace: Option<&str>, name: &str) -> Result<Value, KubeError> {
    let emulator = &call.api.emulator;
    let now = emulator.clock.now();
    let mut world = emulator.world();
    world.reconcile_workloads(emulator, &call.cluster, now);
    let store = world.workloads.get(&call.cluster).ok_or_else(KubeError::no_such_path)?;
    if let Some(namespace) = namespace.filter(|_| kind.namespaced) {
        store
            .get("namespaces", namespace)
            .ok_or_else(|| KubeError::not_found("namespaces", "", namespace))?;
    }
    store
        .get(kind.resource, &store::key(namespace.filter(|_| kind.namespaced), name))
        .cloned()
        .ok_or_else(|| KubeError::not_found(kind.resource, kind.group, name))
}

pub(super) async fn create(
    call: Call,
    kind: &'static Kind,
    namespace: Option<String>,
    query: WriteQuery,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), KubeError> {
    not_stored(kind)?;
    let mut object = parse_body(&body)?;
    if let Some(namespace) = &namespace {
        match object["metadata"]["namespace"].as_str() {
            Some(given) if given != namespace => {
                return Err(KubeError::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
            _ => object["metadata"]["namespace"] = json!(namespace),
        }
    }
    if object["metadata"]["name"].as_str().is_none_or(str::is_empty) {
        match object["metadata"]["generateName"].as_str() {
            Some(prefix) => object["metadata"]["name"] = json!(format!("{prefix}{}", pods::suffix(5))),
            None => {
                return Err(KubeError::invalid(
                    kind.kind,
                    "",
                    "metadata.name",
                    "Required value: name or generateName is required",
                ));
            }
        }
    }
    let name = object["metadata"]["name"].as_str().unwrap_or_default().to_string();
    match current(&call, kind, namespace.as_deref(), &name) {
        Ok(_) => return Err(KubeError::already_exists(kind.resource, kind.group, &name)),
        Err(error) if kind.namespaced && error.is_not_found_of("namespaces") => return Err(error),
        Err(_) => {}
    }
    for field in ["uid", "resourceVersion", "creationTimestamp", "generation"] {
        if let Some(metadata) = object["metadata"].as_object_mut() {
            metadata.remove(field);
        }
    }
    let stored = store_object(&call, kind, object, None, &query)?;
    Ok((StatusCode::CREATED, Json(stored)))
}

pub(super) async fn replace(
    call: Call,
    kind: &'static Kind,
    namespace: Option<String>,
    name: String,
    query: WriteQuery,
    body: Bytes,
) -> Result<Json<Value>, KubeError> {
    not_stored(kind)?;
    let previous = current(&call, kind, namespace.as_deref(), &name)?;
    let mut object = parse_body(&body)?;
    let given = object["metadata"]["resourceVersion"].as_str();
    if given.is_some_and(|v| !v.is_empty() && previous["metadata"]["resourceVersion"] != v) {
        return Err(KubeError::conflict(kind.resource, kind.group, &name));
    }
    if object["metadata"]["name"].as_str().is_some_and(|n| n != name) {
        return Err(KubeError::bad_request("the name of the object does not match the name on the URL"));
    }
    object["metadata"]["name"] = json!(name);
    if let Some(namespace) = &namespace {
        object["metadata"]["namespace"] = json!(namespace);
    }
    Ok(Json(store_object(&call, kind, object, Some(&previous), &query)?))
}

/// Applies a patch of the type `content_type` names to `target`.
fn patch_value(target: &mut Value, content_type: &str, body: &Bytes) -> Result<(), KubeError> {
    let patch = parse_body(body)?;
    let bad = |e: String| KubeError::bad_request(e);
    match content_type.split(';').next().unwrap_or_default().trim() {
        "application/merge-patch+json" => {
            json_patch::merge(target, &patch);
            Ok(())
        }
        "application/json-patch+json" => {
            let patch: json_patch::Patch = serde_json::from_value(patch).map_err(|e| bad(e.to_string()))?;
            json_patch::patch(target, &patch).map_err(|e| bad(format!("the patch could not be applied: {e}")))
        }
        "application/strategic-merge-patch+json" => strategic::apply(target, &patch).map_err(bad),
        other => Err(KubeError::unsupported_media_type(other)),
    }
}

pub(super) async fn patch(
    call: Call,
    kind: &'static Kind,
    namespace: Option<String>,
    name: String,
    query: WriteQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, KubeError> {
    not_stored(kind)?;
    let previous = current(&call, kind, namespace.as_deref(), &name)?;
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let mut object = previous.clone();
    patch_value(&mut object, content_type, &body)?;
    if object["metadata"]["name"] != previous["metadata"]["name"]
        || object["metadata"]["namespace"] != previous["metadata"]["namespace"]
    {
        return Err(KubeError::bad_request("a patch cannot change an object's name or namespace"));
    }
    Ok(Json(store_object(&call, kind, object, Some(&previous), &query)?))
}

pub(super) async fn delete(
    call: Call,
    kind: &'static Kind,
    namespace: Option<String>,
    name: String,
) -> Result<Json<Value>, KubeError> {
    not_stored(kind)?;
    if kind.resource == "namespaces" && system::NAMESPACES.contains(&name.as_str()) {
        return Err(KubeError::refused(format!(
            "namespaces \"{name}\" is forbidden: this namespace may not be deleted"
        )));
    }
    let previous = current(&call, kind, namespace.as_deref(), &name)?;
    let emulator = &call.api.emulator;
    let now = emulator.clock.now();
    let mut world = emulator.world();
    if let Some(store) = world.workloads.get_mut(&call.cluster) {
        store.remove(kind.resource, &store::key_of(&previous));
        if kind.resource == "clusterroles" {
            rbac_store::aggregate(store, now);
        }
        if kind.resource == "namespaces" {
            let inside: Vec<(String, String)> = store
                .objects
                .iter()
                .flat_map(|(resource, objects)| {
                    objects
                        .iter()
                        .filter(|(_, o)| o["metadata"]["namespace"] == name.as_str())
                        .map(move |(k, _)| (resource.clone(), k.clone()))
                })
                .collect();
            for (resource, key) in inside {
                store.remove(&resource, &key);
            }
        }
    }
    world.reconcile_workloads(emulator, &call.cluster, now);
    Ok(Json(previous))
}

/// A Deployment's or ReplicaSet's `autoscaling/v1` `Scale`.
fn scale_of(object: &Value) -> Value {
    let selector = label_text(&object["spec"]["selector"]["matchLabels"]);
    let metadata = &object["metadata"];
    json!({
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": metadata["name"], "namespace": metadata["namespace"], "uid": metadata["uid"],
            "resourceVersion": metadata["resourceVersion"], "creationTimestamp": metadata["creationTimestamp"],
        },
        "spec": { "replicas": object["spec"]["replicas"].as_u64().unwrap_or(1) },
        "status": { "replicas": object["status"]["replicas"].as_u64().unwrap_or(0), "selector": selector },
    })
}

pub(super) async fn scale(
    call: Call,
    kind: &'static Kind,
    namespace: String,
    name: String,
    change: Option<(HeaderMap, Bytes)>,
) -> Result<Json<Value>, KubeError> {
    if !matches!(kind.resource, "deployments" | "replicasets") {
        return Err(KubeError::no_such_path());
    }
    let previous = current(&call, kind, Some(&namespace), &name)?;
    let Some((headers, body)) = change else { return Ok(Json(scale_of(&previous))) };
    let mut scale = scale_of(&previous);
    let content_type = headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("application/json");
    if content_type.starts_with("application/json") && !content_type.contains("patch") {
        scale = parse_body(&body)?;
    } else {
        patch_value(&mut scale, content_type, &body)?;
    }
    let replicas = scale["spec"]["replicas"].as_i64().unwrap_or(0);
    if replicas < 0 {
        return Err(KubeError::invalid(
            "Scale",
            &name,
            "spec.replicas",
            "Invalid value: must be greater than or equal to 0",
        ));
    }
    let mut object = previous.clone();
    object["spec"]["replicas"] = json!(replicas);
    let stored = store_object(&call, kind, object, Some(&previous), &WriteQuery::default())?;
    Ok(Json(scale_of(&stored)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::checks::tests::deployment;

    #[test]
    fn scale_reads_replicas_and_selector() {
        let mut object = deployment();
        object["status"] = json!({ "replicas": 2 });
        let scale = scale_of(&object);
        assert_eq!(scale["spec"]["replicas"], 2);
        assert_eq!(scale["status"]["selector"], "app=web");
    }
}
