//! The roles and bindings every cluster starts with (`model::rbac::catalogue`), installed once
//! as kube-apiserver installs its bootstrap policy, and the aggregation controller that fills
//! `admin`, `edit`, `view` (and any ClusterRole with an `aggregationRule`) from the roles their
//! selectors match, run whenever a ClusterRole is written or deleted.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use model::rbac::PolicyRule;
use model::rbac::catalogue::{ClusterRoleSpec, DEFAULT_BINDINGS, default_cluster_roles, settle};
use serde_json::{Value, json};

use super::Store;

const GROUP_VERSION: &str = "rbac.authorization.k8s.io/v1";

fn cluster_role(role: &ClusterRoleSpec) -> Value {
    let mut object = json!({
        "kind": "ClusterRole",
        "apiVersion": GROUP_VERSION,
        "metadata": {
            "name": role.name,
            "labels": role.labels,
            "annotations": { "rbac.authorization.kubernetes.io/autoupdate": "true" },
        },
        "rules": role.rules,
    });
    if !role.aggregates.is_empty() {
        let selectors: Vec<Value> =
            role.aggregates.iter().map(|labels| json!({ "matchLabels": labels })).collect();
        object["aggregationRule"] = json!({ "clusterRoleSelectors": selectors });
    }
    object
}

/// Installs the bootstrap ClusterRoles and ClusterRoleBindings, once per cluster.
pub fn ensure_defaults(store: &mut Store, created: DateTime<Utc>) {
    if store.rbac_seeded {
        return;
    }
    for role in default_cluster_roles() {
        store.put("clusterroles", cluster_role(&role), created);
    }
    for binding in DEFAULT_BINDINGS {
        let subjects: Vec<Value> = binding
            .groups
            .iter()
            .map(|group| json!({ "kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": group }))
            .collect();
        let object = json!({
            "kind": "ClusterRoleBinding",
            "apiVersion": GROUP_VERSION,
            "metadata": {
                "name": binding.name,
                "labels": { "kubernetes.io/bootstrapping": "rbac-defaults" },
                "annotations": { "rbac.authorization.kubernetes.io/autoupdate": "true" },
            },
            "roleRef": { "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": binding.role },
            "subjects": subjects,
        });
        store.put("clusterrolebindings", object, created);
    }
    aggregate(store, created);
    store.rbac_seeded = true;
}

/// The `matchLabels` of each of an object's `aggregationRule.clusterRoleSelectors`.
fn selectors(object: &Value) -> Vec<BTreeMap<String, String>> {
    object["aggregationRule"]["clusterRoleSelectors"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|selector| serde_json::from_value(selector["matchLabels"].clone()).unwrap_or_default())
        .collect()
}

/// The rules of a stored role or cluster role; rules that do not read are left out.
pub fn rules_of(object: &Value) -> Vec<PolicyRule> {
    object["rules"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|rule| serde_json::from_value(rule.clone()).ok())
        .collect()
}

/// Gives every aggregated ClusterRole the rules of the roles its selectors match.
pub fn aggregate(store: &mut Store, now: DateTime<Utc>) {
    let stored: Vec<Value> = store.list("clusterroles").cloned().collect();
    if !stored.iter().any(|role| role.get("aggregationRule").is_some_and(|r| !r.is_null())) {
        return;
    }
    let mut roles: Vec<ClusterRoleSpec> = stored
        .iter()
        .map(|object| ClusterRoleSpec {
            name: object["metadata"]["name"].as_str().unwrap_or_default().to_string(),
            labels: serde_json::from_value(object["metadata"]["labels"].clone()).unwrap_or_default(),
            aggregates: selectors(object),
            rules: rules_of(object),
        })
        .collect();
    if !settle(&mut roles) {
        return;
    }
    for role in roles.iter().filter(|r| !r.aggregates.is_empty()) {
        if let Some(object) = store.get("clusterroles", &role.name) {
            let mut object = object.clone();
            object["rules"] = json!(role.rules);
            store.update("clusterroles", object, now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_installed_once_and_aggregated() {
        let mut store = Store::default();
        let now = Utc::now();
        ensure_defaults(&mut store, now);
        let view = store.get("clusterroles", "view").unwrap();
        assert_eq!(rules_of(view), model::rbac::BuiltInRole::View.rules());
        assert_eq!(
            view["aggregationRule"]["clusterRoleSelectors"][0]["matchLabels"]["rbac.authorization.k8s.io/aggregate-to-view"],
            "true"
        );
        let revision = store.revision;
        aggregate(&mut store, now);
        assert_eq!(store.revision, revision, "settled roles are not written again");
        store.remove("clusterroles", "edit");
        ensure_defaults(&mut store, now);
        assert!(store.get("clusterroles", "edit").is_none(), "a deleted default stays deleted");
        aggregate(&mut store, now);
        let admin = rules_of(store.get("clusterroles", "admin").unwrap());
        assert!(!admin.iter().any(|rule| rule.resources.contains(&"secrets".to_string())), "{admin:?}");
    }
}
