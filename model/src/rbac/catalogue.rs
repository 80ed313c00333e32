//! The roles every Kubernetes cluster starts with (kube-apiserver's bootstrap policy): the four
//! user-facing ClusterRoles — `cluster-admin`, and `admin`, `edit` and `view`, which are
//! aggregated from every ClusterRole labelled `rbac.authorization.k8s.io/aggregate-to-<role>` —
//! and the system roles every signed-in user is bound to (discovery, asking what one may do).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::rule::{PolicyRule, READ, WRITE};

/// The label the aggregated roles select on, by role: `…/aggregate-to-admin`.
pub fn aggregate_label(role: &str) -> String {
    format!("rbac.authorization.k8s.io/aggregate-to-{role}")
}

/// The label kube-apiserver puts on what it creates itself.
pub const BOOTSTRAP_LABEL: (&str, &str) = ("kubernetes.io/bootstrapping", "rbac-defaults");

/// A ClusterRole as aggregation sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterRoleSpec {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    /// Label selectors (`matchLabels`) of an aggregated role: its rules are those of every
    /// ClusterRole any selector matches.
    pub aggregates: Vec<BTreeMap<String, String>>,
    pub rules: Vec<PolicyRule>,
}

/// A ClusterRoleBinding of the bootstrap policy: a role for groups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefaultBinding {
    pub name: &'static str,
    pub role: &'static str,
    pub groups: &'static [&'static str],
}

/// The built-in roles the console maps identity-provider groups to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum BuiltInRole {
    #[serde(rename = "cluster-admin")]
    ClusterAdmin,
    #[serde(rename = "admin")]
    Admin,
    #[serde(rename = "edit")]
    Edit,
    #[serde(rename = "view")]
    View,
}

impl BuiltInRole {
    pub const ALL: [BuiltInRole; 4] =
        [BuiltInRole::ClusterAdmin, BuiltInRole::Admin, BuiltInRole::Edit, BuiltInRole::View];

    /// The ClusterRole's name.
    pub const fn key(self) -> &'static str {
        match self {
            BuiltInRole::ClusterAdmin => "cluster-admin",
            BuiltInRole::Admin => "admin",
            BuiltInRole::Edit => "edit",
            BuiltInRole::View => "view",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.key() == key)
    }

    /// What the role allows, in a sentence.
    pub const fn describe(self) -> &'static str {
        match self {
            BuiltInRole::ClusterAdmin => "Everything, nodes and cluster-wide objects included.",
            BuiltInRole::Admin => {
                "Everything inside namespaces, their roles and bindings too; not nodes or the namespaces themselves."
            }
            BuiltInRole::Edit => {
                "Create, change and delete workloads, services, config maps and secrets; no roles or bindings."
            }
            BuiltInRole::View => "Read most objects; not secrets, roles or bindings.",
        }
    }

    /// The role's effective rules, as the aggregation gives them in a new cluster.
    pub fn rules(self) -> Vec<PolicyRule> {
        let mut roles = default_cluster_roles();
        settle(&mut roles);
        roles.into_iter().find(|r| r.name == self.key()).map(|r| r.rules).unwrap_or_default()
    }
}

/// Gives every aggregated role the rules of the roles its selectors match, as kube-apiserver's
/// aggregation controller does: roles taken in name order, each rule once, repeated until
/// nothing changes (`edit` takes in `view`, which takes in `system:aggregate-to-view`).
/// Whether anything changed.
pub fn settle(roles: &mut [ClusterRoleSpec]) -> bool {
    roles.sort_by(|a, b| a.name.cmp(&b.name));
    let mut changed_any = false;
    for _ in 0..=roles.len() {
        let mut changed = false;
        for index in 0..roles.len() {
            if roles[index].aggregates.is_empty() {
                continue;
            }
            let selectors = roles[index].aggregates.clone();
            let mut rules: Vec<PolicyRule> = Vec::new();
            for (other, role) in roles.iter().enumerate() {
                let selected = other != index
                    && selectors.iter().any(|selector| {
                        !selector.is_empty() && selector.iter().all(|(k, v)| role.labels.get(k) == Some(v))
                    });
                if selected {
                    for rule in &role.rules {
                        if !rules.contains(rule) {
                            rules.push(rule.clone());
                        }
                    }
                }
            }
            if roles[index].rules != rules {
                roles[index].rules = rules;
                changed = true;
            }
        }
        changed_any |= changed;
        if !changed {
            break;
        }
    }
    changed_any
}

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    let mut labels: BTreeMap<String, String> =
        pairs.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect();
    labels.insert(BOOTSTRAP_LABEL.0.to_string(), BOOTSTRAP_LABEL.1.to_string());
    labels
}

fn selects(role: &str) -> Vec<BTreeMap<String, String>> {
    vec![BTreeMap::from([(aggregate_label(role), "true".to_string())])]
}

fn read_write() -> Vec<&'static str> {
    READ.iter().chain(WRITE.iter()).copied().collect()
}

/// What `view` reads (kube-apiserver's `system:aggregate-to-view`).
fn view_rules() -> Vec<PolicyRule> {
    let r = PolicyRule::resources;
    vec![
        r(
            &READ,
            "",
            &[
                "pods",
                "replicationcontrollers",
                "replicationcontrollers/scale",
                "serviceaccounts",
                "services",
                "services/status",
                "endpoints",
                "persistentvolumeclaims",
                "persistentvolumeclaims/status",
                "configmaps",
            ],
        ),
        r(
            &READ,
            "",
            &[
                "limitranges",
                "resourcequotas",
                "bindings",
                "events",
                "pods/status",
                "resourcequotas/status",
                "namespaces/status",
                "replicationcontrollers/status",
                "pods/log",
            ],
        ),
        r(&READ, "", &["namespaces"]),
        r(&READ, "discovery.k8s.io", &["endpointslices"]),
        r(
            &READ,
            "apps",
            &[
                "controllerrevisions",
                "statefulsets",
                "statefulsets/scale",
                "statefulsets/status",
                "daemonsets",
                "daemonsets/status",
                "deployments",
                "deployments/scale",
                "deployments/status",
                "replicasets",
                "replicasets/scale",
                "replicasets/status",
            ],
        ),
        r(&READ, "autoscaling", &["horizontalpodautoscalers", "horizontalpodautoscalers/status"]),
        r(&READ, "batch", &["jobs", "cronjobs", "cronjobs/status", "jobs/status"]),
        r(&READ, "policy", &["poddisruptionbudgets", "poddisruptionbudgets/status"]),
        r(&READ, "networking.k8s.io", &["networkpolicies", "ingresses", "ingresses/status"]),
    ]
}

/// What `edit` adds (`system:aggregate-to-edit`).
fn edit_rules() -> Vec<PolicyRule> {
    let r = PolicyRule::resources;
    vec![
        r(
            &READ,
            "",
            &["pods/attach", "pods/proxy", "pods/exec", "pods/portforward", "secrets", "services/proxy"],
        ),
        r(&["impersonate"], "", &["serviceaccounts"]),
        r(&WRITE, "", &["pods", "pods/attach", "pods/proxy", "pods/exec", "pods/portforward"]),
        r(&["create"], "", &["pods/eviction"]),
        r(
            &WRITE,
            "",
            &[
                "replicationcontrollers",
                "replicationcontrollers/scale",
                "serviceaccounts",
                "services",
                "services/proxy",
                "persistentvolumeclaims",
                "configmaps",
                "secrets",
            ],
        ),
        r(&["create"], "", &["serviceaccounts/token"]),
        r(
            &WRITE,
            "apps",
            &[
                "statefulsets",
                "statefulsets/scale",
                "daemonsets",
                "deployments",
                "deployments/rollback",
                "deployments/scale",
                "replicasets",
                "replicasets/scale",
            ],
        ),
        r(&WRITE, "autoscaling", &["horizontalpodautoscalers"]),
        r(&WRITE, "batch", &["jobs", "cronjobs"]),
        r(&WRITE, "policy", &["poddisruptionbudgets"]),
        r(&WRITE, "networking.k8s.io", &["networkpolicies", "ingresses"]),
    ]
}

/// What `admin` adds (`system:aggregate-to-admin`).
fn admin_rules() -> Vec<PolicyRule> {
    vec![
        PolicyRule::resources(&["create"], "authorization.k8s.io", &["localsubjectaccessreviews"]),
        PolicyRule::resources(&read_write(), "rbac.authorization.k8s.io", &["roles", "rolebindings"]),
    ]
}

/// The paths every signed-in user may read (`system:discovery`), and everyone
/// (`system:public-info-viewer`).
const DISCOVERY_URLS: [&str; 11] = [
    "/api",
    "/api/*",
    "/apis",
    "/apis/*",
    "/healthz",
    "/livez",
    "/openapi",
    "/openapi/*",
    "/readyz",
    "/version",
    "/version/",
];
const PUBLIC_URLS: [&str; 5] = ["/healthz", "/livez", "/readyz", "/version", "/version/"];

/// The bootstrap ClusterRoles, aggregated ones with no rules of their own.
pub fn default_cluster_roles() -> Vec<ClusterRoleSpec> {
    let aggregate_to = |role: &str| (aggregate_label(role), "true".to_string());
    let role = |name: &str, pairs: Vec<(String, String)>, aggregates, rules| ClusterRoleSpec {
        name: name.to_string(),
        labels: {
            let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            labels(&borrowed)
        },
        aggregates,
        rules,
    };
    vec![
        role(
            "cluster-admin",
            vec![],
            vec![],
            vec![PolicyRule::resources(&["*"], "*", &["*"]), PolicyRule::urls(&["*"], &["*"])],
        ),
        role("admin", vec![], selects("admin"), vec![]),
        role("edit", vec![aggregate_to("admin")], selects("edit"), vec![]),
        role("view", vec![aggregate_to("edit")], selects("view"), vec![]),
        role("system:aggregate-to-admin", vec![aggregate_to("admin")], vec![], admin_rules()),
        role("system:aggregate-to-edit", vec![aggregate_to("edit")], vec![], edit_rules()),
        role("system:aggregate-to-view", vec![aggregate_to("view")], vec![], view_rules()),
        role(
            "system:basic-user",
            vec![],
            vec![],
            vec![
                PolicyRule::resources(
                    &["create"],
                    "authorization.k8s.io",
                    &["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
                ),
                PolicyRule::resources(&["create"], "authentication.k8s.io", &["selfsubjectreviews"]),
            ],
        ),
        role("system:discovery", vec![], vec![], vec![PolicyRule::urls(&["get"], &DISCOVERY_URLS)]),
        role("system:public-info-viewer", vec![], vec![], vec![PolicyRule::urls(&["get"], &PUBLIC_URLS)]),
    ]
}

/// The bootstrap ClusterRoleBindings.
pub const DEFAULT_BINDINGS: [DefaultBinding; 4] = [
    DefaultBinding { name: "cluster-admin", role: "cluster-admin", groups: &["system:masters"] },
    DefaultBinding {
        name: "system:basic-user",
        role: "system:basic-user",
        groups: &["system:authenticated"],
    },
    DefaultBinding { name: "system:discovery", role: "system:discovery", groups: &["system:authenticated"] },
    DefaultBinding {
        name: "system:public-info-viewer",
        role: "system:public-info-viewer",
        groups: &["system:authenticated", "system:unauthenticated"],
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rbac::rule::{Attributes, any_allows};

    fn may(role: BuiltInRole, verb: &str, group: &str, resource: &str, namespace: &str) -> bool {
        any_allows(&role.rules(), &Attributes::resource(verb, group, resource, namespace, ""))
    }

    #[test]
    fn aggregation_builds_each_role_on_the_one_below() {
        let view = BuiltInRole::View.rules();
        let edit = BuiltInRole::Edit.rules();
        let admin = BuiltInRole::Admin.rules();
        assert_eq!(view, view_rules());
        assert!(view.iter().all(|rule| edit.contains(rule)) && edit.len() == view.len() + edit_rules().len());
        assert!(edit.iter().all(|rule| admin.contains(rule)));
        assert_eq!(admin.len(), edit.len() + admin_rules().len());
        // Settled roles stay as they are.
        let mut roles = default_cluster_roles();
        assert!(settle(&mut roles));
        assert!(!settle(&mut roles));
        // A role labelled to aggregate into view reaches edit and admin too.
        let mut roles = default_cluster_roles();
        roles.push(ClusterRoleSpec {
            name: "crontabs-view".into(),
            labels: BTreeMap::from([(aggregate_label("view"), "true".into())]),
            aggregates: vec![],
            rules: vec![PolicyRule::resources(&READ, "stable.example.com", &["crontabs"])],
        });
        settle(&mut roles);
        let admin = roles.iter().find(|r| r.name == "admin").unwrap();
        assert!(admin.rules.iter().any(|rule| rule.resources == ["crontabs"]));
    }

    #[test]
    fn each_role_allows_what_kubernetes_says() {
        use BuiltInRole::*;
        assert!(may(View, "list", "", "pods", ""));
        assert!(!may(View, "list", "", "secrets", "default"));
        assert!(!may(View, "patch", "apps", "deployments/scale", "default"));
        assert!(may(Edit, "patch", "apps", "deployments/scale", "default"));
        assert!(may(Edit, "get", "", "secrets", "default"));
        assert!(!may(Edit, "create", "rbac.authorization.k8s.io", "rolebindings", "default"));
        assert!(may(Admin, "create", "rbac.authorization.k8s.io", "rolebindings", "default"));
        for role in [View, Edit, Admin] {
            assert!(!may(role, "delete", "", "nodes", ""), "{role:?} deletes nodes");
            assert!(!may(role, "create", "", "namespaces", ""), "{role:?} creates namespaces");
        }
        assert!(may(ClusterAdmin, "delete", "", "nodes", ""));
        assert!(any_allows(&ClusterAdmin.rules(), &Attributes::path("get", "/metrics")));
    }

    #[test]
    fn keys_are_the_cluster_roles_names() {
        for role in BuiltInRole::ALL {
            assert_eq!(BuiltInRole::from_key(role.key()), Some(role));
            assert_eq!(serde_json::to_value(role).unwrap(), role.key());
        }
        let names: Vec<String> = default_cluster_roles().into_iter().map(|r| r.name).collect();
        for binding in DEFAULT_BINDINGS {
            assert!(names.iter().any(|n| n == binding.role), "{}", binding.role);
        }
    }
}
