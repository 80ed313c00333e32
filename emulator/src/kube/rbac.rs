//! The `rbac.authorization.k8s.io/v1` kinds: Roles, ClusterRoles, RoleBindings and
//! ClusterRoleBindings, kept in each cluster's store with kube-apiserver's columns, and what
//! kube-apiserver checks of them on write.

use serde_json::{Value, json};

use super::objects::Kind;
use super::status::KubeError;
use super::table::column;
use super::workloads::{name, stored, wide};

pub(super) const GROUP: &str = "rbac.authorization.k8s.io";
const API_VERSION: &str = "rbac.authorization.k8s.io/v1";

/// `ClusterRole/edit`, as the ROLE column shows a binding's `roleRef`.
fn role_ref(object: &Value) -> Value {
    let role = &object["roleRef"];
    json!(format!(
        "{}/{}",
        role["kind"].as_str().unwrap_or_default(),
        role["name"].as_str().unwrap_or_default()
    ))
}

/// A binding's subjects of `kind`, comma-separated (`namespace/name` for service accounts).
fn subjects(object: &Value, kind: &str) -> Value {
    let names: Vec<String> = object["subjects"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["kind"] == kind)
        .map(|s| match (kind, s["namespace"].as_str()) {
            ("ServiceAccount", Some(namespace)) => {
                format!("{namespace}/{}", s["name"].as_str().unwrap_or_default())
            }
            _ => s["name"].as_str().unwrap_or_default().to_string(),
        })
        .collect();
    json!(names.join(", "))
}

fn created_at(object: &Value) -> Value {
    object["metadata"]["creationTimestamp"].clone()
}

pub const CLUSTER_ROLES: Kind = Kind {
    resource: "clusterroles",
    singular: "clusterrole",
    kind: "ClusterRole",
    short_names: &[],
    group: GROUP,
    api_version: API_VERSION,
    namespaced: false,
    stored: true,
    columns: &[
        column("Name", "string", "Name of the role"),
        column("Created At", "date", "When it was created"),
    ],
    items: |s| stored(s, "clusterroles"),
    row: |o, _| vec![name(o), created_at(o)],
};

pub const ROLES: Kind = Kind {
    resource: "roles",
    singular: "role",
    kind: "Role",
    short_names: &[],
    group: GROUP,
    api_version: API_VERSION,
    namespaced: true,
    stored: true,
    columns: &[
        column("Name", "string", "Name of the role"),
        column("Created At", "date", "When it was created"),
    ],
    items: |s| stored(s, "roles"),
    row: |o, _| vec![name(o), created_at(o)],
};

const BINDING_COLUMNS: [super::table::Column; 6] = [
    column("Name", "string", "Name of the binding"),
    column("Role", "string", "The role it grants"),
    column("Age", "string", "Time since the binding was created"),
    wide("Users", "string", "Users it grants the role"),
    wide("Groups", "string", "Groups it grants the role"),
    wide("ServiceAccounts", "string", "Service accounts it grants the role"),
];

fn binding_row(object: &Value, age: String) -> Vec<Value> {
    vec![
        name(object),
        role_ref(object),
        json!(age),
        subjects(object, "User"),
        subjects(object, "Group"),
        subjects(object, "ServiceAccount"),
    ]
}

pub const CLUSTER_ROLE_BINDINGS: Kind = Kind {
    resource: "clusterrolebindings",
    singular: "clusterrolebinding",
    kind: "ClusterRoleBinding",
    short_names: &[],
    group: GROUP,
    api_version: API_VERSION,
    namespaced: false,
    stored: true,
    columns: &BINDING_COLUMNS,
    items: |s| stored(s, "clusterrolebindings"),
    row: binding_row,
};

pub const ROLE_BINDINGS: Kind = Kind {
    resource: "rolebindings",
    singular: "rolebinding",
    kind: "RoleBinding",
    short_names: &[],
    group: GROUP,
    api_version: API_VERSION,
    namespaced: true,
    stored: true,
    columns: &BINDING_COLUMNS,
    items: |s| stored(s, "rolebindings"),
    row: binding_row,
};

/// Whether `resource` is one of these kinds.
pub fn is_rbac(resource: &str) -> bool {
    matches!(resource, "roles" | "clusterroles" | "rolebindings" | "clusterrolebindings")
}

/// RBAC objects' names are path segments: anything but `.`, `..`, `/` and `%`.
pub fn name_problem(name: &str) -> Option<&'static str> {
    if name == "." || name == ".." {
        Some("Invalid value: may not be '.' or '..'")
    } else if name.contains('/') {
        Some("Invalid value: may not contain '/'")
    } else if name.contains('%') {
        Some("Invalid value: may not contain '%'")
    } else {
        None
    }
}

/// What kube-apiserver checks of a binding beyond its shape: a role reference of a known kind,
/// subjects of known kinds with names, and a role reference that does not change.
pub fn check_binding(
    kind: &Kind,
    object: &Value,
    previous: Option<&Value>,
    name: &str,
) -> Result<(), KubeError> {
    let invalid = |field: &str, problem: &str| Err(KubeError::invalid(kind.kind, name, field, problem));
    let role = &object["roleRef"];
    let role_kind = role["kind"].as_str().unwrap_or_default();
    let allowed: &[&str] = if kind.namespaced { &["Role", "ClusterRole"] } else { &["ClusterRole"] };
    if role["name"].as_str().is_none_or(str::is_empty) {
        return invalid("roleRef.name", "Required value");
    }
    if !allowed.contains(&role_kind) {
        let supported = allowed.iter().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", ");
        return invalid(
            "roleRef.kind",
            &format!("Unsupported value: \"{role_kind}\": supported values: {supported}"),
        );
    }
    if role["apiGroup"] != GROUP {
        return invalid(
            "roleRef.apiGroup",
            &format!("Unsupported value: {}: supported values: \"{GROUP}\"", role["apiGroup"]),
        );
    }
    for (index, subject) in object["subjects"].as_array().into_iter().flatten().enumerate() {
        let field = |f: &str| format!("subjects[{index}].{f}");
        match subject["kind"].as_str().unwrap_or_default() {
            "User" | "Group" | "ServiceAccount" => {}
            other => {
                return invalid(
                    &field("kind"),
                    &format!(
                        "Unsupported value: \"{other}\": supported values: \"ServiceAccount\", \"User\", \"Group\""
                    ),
                );
            }
        }
        if subject["name"].as_str().is_none_or(str::is_empty) {
            return invalid(&field("name"), "Required value");
        }
    }
    if let Some(previous) = previous
        && previous["roleRef"] != object["roleRef"]
    {
        return invalid("roleRef", "Invalid value: cannot change roleRef");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binding(role_kind: &str) -> Value {
        json!({
            "metadata": { "name": "pilothouse:devs", "namespace": "web" },
            "roleRef": { "apiGroup": GROUP, "kind": role_kind, "name": "edit" },
            "subjects": [{ "kind": "Group", "apiGroup": GROUP, "name": "oidc:devs" }],
        })
    }

    #[test]
    fn bindings_are_checked_as_kube_apiserver_checks_them() {
        assert!(check_binding(&ROLE_BINDINGS, &binding("ClusterRole"), None, "x").is_ok());
        assert!(check_binding(&ROLE_BINDINGS, &binding("Role"), None, "x").is_ok());
        let wrong = check_binding(&CLUSTER_ROLE_BINDINGS, &binding("Role"), None, "x").unwrap_err();
        assert!(format!("{wrong:?}").contains("roleRef.kind: Unsupported value: \\\"Role\\\""), "{wrong:?}");
        let moved = check_binding(&ROLE_BINDINGS, &binding("Role"), Some(&binding("ClusterRole")), "x");
        assert!(format!("{:?}", moved.unwrap_err()).contains("cannot change roleRef"));
        assert_eq!(name_problem("system:basic-user"), None);
        assert!(name_problem("a/b").is_some());
    }

    #[test]
    fn rows_name_the_role_and_the_subjects() {
        let row = binding_row(&binding("ClusterRole"), "5m".into());
        assert_eq!(row[1], "ClusterRole/edit");
        assert_eq!(row[4], "oidc:devs");
        assert_eq!(row[3], "");
    }
}
