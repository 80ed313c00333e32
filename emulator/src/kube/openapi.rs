//! `/openapi/v3`: the OpenAPI documents kubectl reads before it writes. kubectl asks them
//! whether the server checks fields itself (the `fieldValidation` parameter of each kind's
//! PATCH operation); it does, so kubectl sends `fieldValidation=Strict` and leaves the check to
//! [`super::write`]. The documents describe each served kind's paths, operations and
//! parameters, not its schema: kubectl then computes strategic merge patches from its own
//! built-in types, which carry the same merge keys as [`super::strategic`].

use axum::Json;
use axum::extract::Path;
use serde_json::{Map, Value, json};

use super::authn::User;
use super::objects::{KINDS, Kind};
use super::status::KubeError;
use crate::workload::pods::template_hash;

/// The URL path of a group version: `api/v1`, `apis/apps/v1`.
fn group_path(kind: &Kind) -> String {
    if kind.group.is_empty() { "api/v1".to_string() } else { format!("apis/{}", kind.api_version) }
}

fn parameter(name: &str, place: &str, description: &str) -> Value {
    json!({ "name": name, "in": place, "description": description, "schema": { "type": "string", "uniqueItems": true } })
}

fn operation(kind: &Kind, action: &str, verb: &str) -> Value {
    let version = kind.api_version.rsplit('/').next().unwrap_or(kind.api_version);
    let mut operation = json!({
        "description": format!("{action} the specified {}", kind.kind),
        "operationId": format!("{action}{}", kind.kind),
        "x-kubernetes-action": verb,
        "x-kubernetes-group-version-kind": { "group": kind.group, "version": version, "kind": kind.kind },
        "responses": { "200": { "description": "OK" }, "401": { "description": "Unauthorized" } },
    });
    let mut parameters =
        vec![parameter("dryRun", "query", "When present, the modifications are not persisted.")];
    if matches!(verb, "patch" | "put" | "post") {
        parameters.push(parameter("fieldManager", "query", "The name of the actor making the change."));
        parameters.push(parameter(
            "fieldValidation",
            "query",
            "Ignore, Warn or Strict: what the server does with unknown or duplicate fields.",
        ));
    }
    operation["parameters"] = json!(parameters);
    if verb == "patch" {
        let content: Map<String, Value> = ["application/json-patch+json", "application/merge-patch+json"]
            .iter()
            .map(|t| (t.to_string(), json!({ "schema": { "type": "object" } })))
            .collect();
        operation["requestBody"] = json!({ "content": content, "required": true });
    }
    operation
}

/// The document of one group version (`api/v1`, `apis/apps/v1`), or `None` if not served.
fn document(group_version: &str) -> Option<Value> {
    let kinds: Vec<&Kind> =
        KINDS.iter().copied().filter(|k| k.stored && group_path(k) == group_version).collect();
    if kinds.is_empty() {
        return None;
    }
    let mut paths = Map::new();
    for kind in kinds {
        let base = format!("/{}", group_path(kind));
        let (collection, item) = if kind.namespaced {
            (
                format!("{base}/namespaces/{{namespace}}/{}", kind.resource),
                format!("{base}/namespaces/{{namespace}}/{}/{{name}}", kind.resource),
            )
        } else {
            (format!("{base}/{}", kind.resource), format!("{base}/{}/{{name}}", kind.resource))
        };
        paths.insert(
            collection,
            json!({ "get": operation(kind, "list", "list"), "post": operation(kind, "create", "post") }),
        );
        paths.insert(
            item,
            json!({
                "get": operation(kind, "read", "get"),
                "put": operation(kind, "replace", "put"),
                "patch": operation(kind, "patch", "patch"),
                "delete": operation(kind, "delete", "delete"),
            }),
        );
    }
    Some(json!({
        "openapi": "3.0.0",
        "info": { "title": "Kubernetes", "version": "v1.35.2" },
        "paths": paths,
        "components": { "schemas": {} },
    }))
}

/// `GET /openapi/v3`: where each group version's document is.
pub async fn root(_: User) -> Json<Value> {
    let mut paths = Map::new();
    for kind in KINDS.iter().filter(|k| k.stored) {
        let path = group_path(kind);
        if let Some(document) = document(&path) {
            let url = format!("/openapi/v3/{path}?hash={}", template_hash(&document));
            paths.insert(path, json!({ "serverRelativeURL": url }));
        }
    }
    Json(json!({ "paths": paths }))
}

/// `GET /openapi/v3/{group version}`.
pub async fn group_version(_: User, Path(path): Path<String>) -> Result<Json<Value>, KubeError> {
    document(&path).map(Json).ok_or_else(KubeError::no_such_path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_kind_has_a_patch_that_takes_field_validation() {
        for kind in KINDS.iter().filter(|k| k.stored) {
            let document = document(&group_path(kind)).unwrap();
            let patch = document["paths"].as_object().unwrap().values().find_map(|p| {
                let op = &p["patch"];
                (op["x-kubernetes-group-version-kind"]["kind"] == kind.kind).then(|| op.clone())
            });
            let patch = patch.unwrap_or_else(|| panic!("{}", kind.kind));
            assert!(patch["parameters"].as_array().unwrap().iter().any(|p| p["name"] == "fieldValidation"));
        }
        assert!(document("apis/kube.cloud.ovh.com/v1alpha1").is_none());
    }
}
