//! `/version` and the discovery documents kubectl reads to map resource names to paths. Plain
//! JSON: kubectl asks for aggregated discovery first and falls back to these.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::KubeApi;
use super::authn::{ClusterId, User};
use super::status::KubeError;

/// The groups served besides the core group, each with one version and its resources.
const GROUPS: [(&str, &str); 2] = [("authentication.k8s.io", "v1"), ("kube.cloud.ovh.com", "v1alpha1")];

fn resource(name: &str, singular: &str, kind: &str, verbs: &[&str], short: &[&str]) -> Value {
    json!({
        "name": name,
        "singularName": singular,
        "namespaced": false,
        "kind": kind,
        "verbs": verbs,
        "shortNames": short,
    })
}

fn resources_of(group_version: &str) -> Option<Vec<Value>> {
    Some(match group_version {
        "v1" => vec![
            resource("namespaces", "namespace", "Namespace", &["get", "list"], &["ns"]),
            resource("nodes", "node", "Node", &["get", "list"], &["no"]),
        ],
        "authentication.k8s.io/v1" => {
            vec![resource("selfsubjectreviews", "selfsubjectreview", "SelfSubjectReview", &["create"], &[])]
        }
        "kube.cloud.ovh.com/v1alpha1" => {
            vec![resource("nodepools", "nodepool", "NodePool", &["get", "list"], &[])]
        }
        _ => return None,
    })
}

fn resource_list(group_version: &str) -> Result<Json<Value>, KubeError> {
    let resources = resources_of(group_version).ok_or_else(KubeError::no_such_path)?;
    Ok(Json(
        json!({ "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": resources }),
    ))
}

fn group_document(name: &str, version: &str) -> Value {
    let preferred = json!({ "groupVersion": format!("{name}/{version}"), "version": version });
    json!({ "name": name, "versions": [preferred.clone()], "preferredVersion": preferred })
}

/// The cluster's Kubernetes version, as `kubectl version` shows it.
pub async fn version(
    State(api): State<Arc<KubeApi>>,
    ClusterId(id): ClusterId,
) -> Result<Json<Value>, KubeError> {
    let version = api
        .emulator
        .world()
        .clusters
        .get(&id)
        .map(|c| c.version.clone())
        .ok_or_else(KubeError::no_such_path)?;
    let plain = version.split('-').next().unwrap_or(&version).to_string();
    let mut parts = plain.split('.');
    let (major, minor) = (parts.next().unwrap_or("1"), parts.next().unwrap_or("0"));
    Ok(Json(json!({
        "major": major,
        "minor": minor,
        "gitVersion": format!("v{plain}"),
        "gitCommit": "",
        "gitTreeState": "clean",
        "buildDate": "",
        "goVersion": "",
        "compiler": "gc",
        "platform": "linux/amd64",
    })))
}

pub async fn core_versions(_: User) -> Json<Value> {
    Json(json!({ "kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [] }))
}

pub async fn core_resources(_: User) -> Result<Json<Value>, KubeError> {
    resource_list("v1")
}

pub async fn groups(_: User) -> Json<Value> {
    let groups: Vec<Value> = GROUPS.iter().map(|(name, version)| group_document(name, version)).collect();
    Json(json!({ "kind": "APIGroupList", "apiVersion": "v1", "groups": groups }))
}

pub async fn group(_: User, Path(name): Path<String>) -> Result<Json<Value>, KubeError> {
    let (name, version) = GROUPS.iter().find(|(n, _)| *n == name).ok_or_else(KubeError::no_such_path)?;
    let mut document = group_document(name, version);
    document["kind"] = json!("APIGroup");
    document["apiVersion"] = json!("v1");
    Ok(Json(document))
}

pub async fn group_resources(
    _: User,
    Path((group, version)): Path<(String, String)>,
) -> Result<Json<Value>, KubeError> {
    resource_list(&format!("{group}/{version}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_served_group_lists_its_resources() {
        for (group, version) in GROUPS {
            assert!(resources_of(&format!("{group}/{version}")).is_some_and(|r| !r.is_empty()));
        }
        assert!(resources_of("apps/v1").is_none());
    }
}
