//! `/version` and the discovery documents kubectl reads to map resource names to paths. Plain
//! JSON: kubectl asks for aggregated discovery first and falls back to these.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use model::version::KubeVersion;
use serde_json::{Value, json};

use super::KubeApi;
use super::authn::{ClusterId, User};
use super::objects::{KINDS, Kind};
use super::status::KubeError;

/// The groups of the reviews, the resources that are not [`Kind`]s: `selfsubjectreviews`, and
/// the access and rules reviews.
const AUTHENTICATION: (&str, &str) = ("authentication.k8s.io", "v1");
const AUTHORIZATION: (&str, &str) = ("authorization.k8s.io", "v1");

/// The groups served besides the core group, each with one version: the reviews' and the
/// groups of the kinds.
fn groups_served() -> Vec<(&'static str, &'static str)> {
    let mut groups = vec![AUTHENTICATION, AUTHORIZATION];
    for kind in KINDS.iter().filter(|k| !k.group.is_empty()) {
        let version = kind.api_version.rsplit('/').next().unwrap_or(kind.api_version);
        if !groups.contains(&(kind.group, version)) {
            groups.push((kind.group, version));
        }
    }
    groups
}

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

/// The verbs served on a kind: everything on stored kinds, reading on the others.
fn verbs(kind: &Kind) -> &'static [&'static str] {
    if kind.stored {
        &["create", "delete", "get", "list", "patch", "update", "watch"]
    } else {
        &["get", "list", "watch"]
    }
}

fn resources_of(group_version: &str) -> Option<Vec<Value>> {
    if group_version == format!("{}/{}", AUTHENTICATION.0, AUTHENTICATION.1) {
        return Some(vec![resource(
            "selfsubjectreviews",
            "selfsubjectreview",
            "SelfSubjectReview",
            &["create"],
            &[],
        )]);
    }
    if group_version == format!("{}/{}", AUTHORIZATION.0, AUTHORIZATION.1) {
        return Some(vec![
            resource(
                "selfsubjectaccessreviews",
                "selfsubjectaccessreview",
                "SelfSubjectAccessReview",
                &["create"],
                &[],
            ),
            resource(
                "selfsubjectrulesreviews",
                "selfsubjectrulesreview",
                "SelfSubjectRulesReview",
                &["create"],
                &[],
            ),
        ]);
    }
    let mut resources = Vec::new();
    for kind in KINDS.iter().filter(|k| k.api_version == group_version) {
        let mut entry = resource(kind.resource, kind.singular, kind.kind, verbs(kind), kind.short_names);
        entry["namespaced"] = json!(kind.namespaced);
        resources.push(entry);
        if matches!(kind.resource, "deployments" | "replicasets") {
            let mut scale =
                resource(&format!("{}/scale", kind.resource), "", "Scale", &["get", "patch", "update"], &[]);
            scale["namespaced"] = json!(true);
            scale["group"] = json!("autoscaling");
            scale["version"] = json!("v1");
            resources.push(scale);
        }
    }
    (!resources.is_empty()).then_some(resources)
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
    let cluster = api.emulator.world().clusters.get(&id).map(|c| c.version.clone());
    let version: KubeVersion = cluster.and_then(|v| v.parse().ok()).ok_or_else(KubeError::no_such_path)?;
    let (major, minor) = version.numbers();
    Ok(Json(json!({
        "major": major.to_string(),
        "minor": minor.to_string(),
        "gitVersion": version.release_tag(),
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
    let groups: Vec<Value> =
        groups_served().iter().map(|(name, version)| group_document(name, version)).collect();
    Json(json!({ "kind": "APIGroupList", "apiVersion": "v1", "groups": groups }))
}

pub async fn group(_: User, Path(name): Path<String>) -> Result<Json<Value>, KubeError> {
    let (name, version) =
        groups_served().into_iter().find(|(n, _)| *n == name).ok_or_else(KubeError::no_such_path)?;
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
        for (group, version) in groups_served() {
            assert!(resources_of(&format!("{group}/{version}")).is_some_and(|r| !r.is_empty()));
        }
        assert_eq!(
            groups_served(),
            [
                ("authentication.k8s.io", "v1"),
                ("authorization.k8s.io", "v1"),
                ("apps", "v1"),
                ("policy", "v1"),
                ("kube.cloud.ovh.com", "v1alpha1"),
                ("rbac.authorization.k8s.io", "v1"),
            ]
        );
        assert_eq!(resources_of("v1").unwrap().len(), 4);
        let apps = resources_of("apps/v1").unwrap();
        assert!(apps.iter().any(|r| r["name"] == "deployments/scale" && r["group"] == "autoscaling"));
        assert!(resources_of("batch/v1").is_none());
    }
}
