//! kube-apiserver's escalation check on RBAC writes: a Role or ClusterRole may hold only rules its
//! writer already has, unless the writer may `escalate` it; a binding may name only a role whose
//! rules its writer has, unless the writer may `bind` it. Rights count in the object's namespace
//! (ClusterRoleBindings and that namespace's RoleBindings), or at the cluster scope for the
//! cluster-wide kinds. `system:masters` may write anything.

use model::rbac::PolicyRule;
use model::rbac::rule::{Attributes, uncovered};
use serde_json::Value;

use super::authn::User;
use super::authz::{MASTERS, decide, grants, with_rbac};
use super::objects::{Call, Kind};
use super::rbac::GROUP;
use super::status::KubeError;
use crate::workload::{Store, rbac};

/// Refuses `object`, about to be written as `kind` by the caller, when it grants rights the
/// caller lacks.
pub fn check_write(call: &Call, kind: &Kind, object: &Value) -> Result<(), KubeError> {
    if kind.group != GROUP {
        return Ok(());
    }
    with_rbac(&call.api, &call.cluster, |store| check(store, &call.user, kind, object))
}

/// Refuses `object`, about to be written as `kind` by `user`, when it grants rights `user` lacks.
fn check(store: &Store, user: &User, kind: &Kind, object: &Value) -> Result<(), KubeError> {
    if user.groups.iter().any(|g| g == MASTERS) {
        return Ok(());
    }
    let text = |value: &Value| value.as_str().unwrap_or_default().to_string();
    let name = text(&object["metadata"]["name"]);
    let namespace = if kind.namespaced { text(&object["metadata"]["namespace"]) } else { String::new() };
    let (verb, role_resource, role_name, wanted) = match kind.resource {
        "roles" | "clusterroles" => ("escalate", kind.resource, name.clone(), rbac::rules_of(object)),
        "rolebindings" | "clusterrolebindings" => {
            let role_name = text(&object["roleRef"]["name"]);
            let (resource, role) = match object["roleRef"]["kind"].as_str() {
                Some("ClusterRole") => ("clusterroles", store.get("clusterroles", &role_name)),
                _ => ("roles", store.get("roles", &format!("{namespace}/{role_name}"))),
            };
            // A binding to a role that does not exist grants nothing (yet).
            ("bind", resource, role_name, role.map(rbac::rules_of).unwrap_or_default())
        }
        _ => return Ok(()),
    };
    let may = Attributes::resource(verb, GROUP, role_resource, &namespace, &role_name);
    if decide(store, user, &may).is_ok() {
        return Ok(());
    }
    let held: Vec<PolicyRule> = grants(store, user, &namespace).0.into_iter().flat_map(|g| g.rules).collect();
    let missing = uncovered(&held, &wanted);
    if missing.is_empty() {
        return Ok(());
    }
    let groups: Vec<String> = user.groups.iter().map(|g| format!("{g:?}")).collect();
    let rules: Vec<String> = missing.iter().map(PolicyRule::compact).collect();
    let reason = format!(
        "user {:?} (groups=[{}]) is attempting to grant RBAC permissions not currently held:\n{}",
        user.name,
        groups.join(" "),
        rules.join("\n")
    );
    Err(KubeError::forbidden_object(kind.resource, GROUP, &name, &reason))
}
