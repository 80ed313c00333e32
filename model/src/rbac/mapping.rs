//! Who can do what inside a cluster: the console maps identity-provider groups to a built-in
//! role, cluster-wide or in chosen namespaces, and applies that as role bindings it labels as
//! its own. Here: the mapping, its checks, the default one from the console's roles, the
//! bindings it stands for, how they drift, and what it gives one user.

use serde::{Deserialize, Serialize};

use super::catalogue::BuiltInRole;
use crate::access::Role;
use crate::validation::FieldErrors;

/// The label on every binding the console applies (`app.kubernetes.io/managed-by`).
pub const MANAGED_BY: (&str, &str) = ("app.kubernetes.io/managed-by", "pilothouse");
/// The annotation holding the identity-provider group a binding is for.
pub const GROUP_ANNOTATION: &str = "pilothouse.io/group";
/// Longest group name accepted.
pub const GROUP_MAX: usize = 256;
/// Most groups in one mapping.
pub const MOST_GROUPS: usize = 50;

/// One identity-provider group's role in a cluster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GroupAccess {
    /// The group as the identity provider names it, without the cluster's prefix.
    pub group: String,
    pub role: BuiltInRole,
    /// Where the role applies: the whole cluster when empty.
    #[serde(default)]
    pub namespaces: Vec<String>,
}

/// Every group's role in one cluster.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AccessMapping {
    pub groups: Vec<GroupAccess>,
}

/// The console's groups per console role, as a project's settings give them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConsoleGroups {
    pub admin: Vec<String>,
    pub operator: Vec<String>,
    pub viewer: Vec<String>,
}

/// The built-in role a console role gets by default.
pub const fn default_role(role: Role) -> BuiltInRole {
    match role {
        Role::Admin => BuiltInRole::ClusterAdmin,
        Role::Operator => BuiltInRole::Edit,
        Role::Viewer => BuiltInRole::View,
    }
}

/// Whether `namespace` is a valid namespace name (a lowercase RFC 1123 label).
fn namespace_name_problem(namespace: &str) -> Option<String> {
    let fine = !namespace.is_empty()
        && namespace.len() <= 63
        && namespace.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !namespace.starts_with('-')
        && !namespace.ends_with('-');
    (!fine).then(|| {
        format!("\"{namespace}\" is not a namespace name: lowercase letters, digits and hyphens, 63 at most.")
    })
}

impl AccessMapping {
    /// The default mapping: project admins get `cluster-admin`, operators `edit`, viewers `view`,
    /// cluster-wide; a group in two roles keeps the higher one.
    pub fn from_console(groups: &ConsoleGroups) -> Self {
        let mut mapping = Self::default();
        for (role, names) in
            [(Role::Admin, &groups.admin), (Role::Operator, &groups.operator), (Role::Viewer, &groups.viewer)]
        {
            for group in names {
                if !mapping.groups.iter().any(|g| &g.group == group) {
                    mapping.groups.push(GroupAccess {
                        group: group.clone(),
                        role: default_role(role),
                        namespaces: Vec::new(),
                    });
                }
            }
        }
        mapping
    }

    /// The mapping with names trimmed and namespaces sorted, as it is kept.
    pub fn normalized(&self) -> Self {
        let groups = self
            .groups
            .iter()
            .map(|g| {
                let mut namespaces: Vec<String> = g.namespaces.iter().map(|n| n.trim().to_string()).collect();
                namespaces.sort();
                namespaces.dedup();
                GroupAccess { group: g.group.trim().to_string(), role: g.role, namespaces }
            })
            .collect();
        Self { groups }
    }

    /// The mapping's problems, each at its field (`groups.1.group`, `groups.0.namespaces`), given
    /// the namespaces the cluster has.
    pub fn check(&self, existing_namespaces: &[String]) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if self.groups.len() > MOST_GROUPS {
            errors.add("groups", format!("Map at most {MOST_GROUPS} groups."));
        }
        for (index, access) in self.groups.iter().enumerate() {
            let field = |name: &str| format!("groups.{index}.{name}");
            let group = access.group.trim();
            if group.is_empty() {
                errors.add(field("group"), "Enter the group's name as the identity provider sends it.");
            } else if group.chars().count() > GROUP_MAX {
                errors.add(field("group"), format!("A group's name is at most {GROUP_MAX} characters."));
            } else if group.chars().any(char::is_control) {
                errors.add(field("group"), "A group's name cannot contain control characters.");
            } else if let Some(first) = self.groups[..index].iter().position(|g| g.group.trim() == group) {
                errors.add(
                    field("group"),
                    format!(
                        "{group} is mapped already (row {}): give a group one role, with its namespaces there.",
                        first + 1
                    ),
                );
            }
            let mut problems = Vec::new();
            for namespace in &access.namespaces {
                let namespace = namespace.trim();
                if let Some(problem) = namespace_name_problem(namespace) {
                    problems.push(problem);
                } else if !existing_namespaces.iter().any(|n| n == namespace) {
                    problems.push(format!("There is no namespace \"{namespace}\" in this cluster."));
                }
            }
            if !problems.is_empty() {
                errors.add(field("namespaces"), problems.join(" "));
            }
        }
        errors
    }

    /// The bindings the mapping stands for, with the cluster's groups prefix (`oidc:`).
    pub fn bindings(&self, groups_prefix: &str) -> Vec<Binding> {
        let mut bindings = Vec::new();
        for access in &self.normalized().groups {
            let subject = format!("{groups_prefix}{}", access.group);
            let name = binding_name(&access.group);
            if access.namespaces.is_empty() {
                bindings.push(Binding {
                    namespace: None,
                    name,
                    role: access.role,
                    group: access.group.clone(),
                    subject,
                });
            } else {
                for namespace in &access.namespaces {
                    bindings.push(Binding {
                        namespace: Some(namespace.clone()),
                        name: name.clone(),
                        role: access.role,
                        group: access.group.clone(),
                        subject: subject.clone(),
                    });
                }
            }
        }
        bindings
    }

    /// What a member of `groups` (without prefix) may do: each role, and where.
    pub fn rights_of(&self, groups: &[String]) -> Vec<GroupAccess> {
        self.normalized().groups.into_iter().filter(|access| groups.contains(&access.group)).collect()
    }
}

/// The name of the console's binding for `group`: `pilothouse:<group>`, with the characters
/// object names cannot hold (`/`, `%`) replaced by `~`.
pub fn binding_name(group: &str) -> String {
    let safe: String = group.trim().chars().map(|c| if c == '/' || c == '%' { '~' } else { c }).collect();
    format!("pilothouse:{safe}")
}

/// One binding the console applies: a ClusterRoleBinding, or a RoleBinding in `namespace`, of
/// the ClusterRole `role` to the group `subject`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Binding {
    pub namespace: Option<String>,
    pub name: String,
    pub role: BuiltInRole,
    /// The group without prefix.
    pub group: String,
    /// The group as the cluster's API server sees it, with the prefix.
    pub subject: String,
}

impl Binding {
    /// `ClusterRoleBinding pilothouse:admins`, `RoleBinding web/pilothouse:devs`.
    pub fn describe(&self) -> String {
        match &self.namespace {
            Some(namespace) => format!("RoleBinding {namespace}/{}", self.name),
            None => format!("ClusterRoleBinding {}", self.name),
        }
    }
}

/// A binding as found in the cluster: the ClusterRole it refers to (any kind else than
/// ClusterRole reads as `None`) and its group subjects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FoundBinding {
    pub namespace: Option<String>,
    pub name: String,
    pub cluster_role: Option<String>,
    pub groups: Vec<String>,
    /// Any user or service account subjects it also has.
    pub others: usize,
}

/// How the cluster differs from the mapping.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Drift {
    /// A binding the mapping wants is not there (deleted with kubectl, or never applied).
    Missing { binding: Binding },
    /// It is there, with another role or other subjects.
    Changed { binding: Binding, found: FoundBinding },
    /// The console's label is on a binding the mapping does not want.
    Extra { found: FoundBinding },
}

impl Drift {
    /// In a sentence, for the Access tab.
    pub fn describe(&self) -> String {
        match self {
            Drift::Missing { binding } => {
                format!(
                    "{} ({} for {}) is missing from the cluster.",
                    binding.describe(),
                    binding.role.key(),
                    binding.subject
                )
            }
            Drift::Changed { binding, found } => {
                let role = found.cluster_role.as_deref().unwrap_or("another kind of role");
                format!(
                    "{} was changed: it grants {role} to {}, not {} to {}.",
                    binding.describe(),
                    if found.groups.is_empty() { "no group".to_string() } else { found.groups.join(", ") },
                    binding.role.key(),
                    binding.subject
                )
            }
            Drift::Extra { found } => {
                let kind = if found.namespace.is_some() { "RoleBinding" } else { "ClusterRoleBinding" };
                let place = found.namespace.as_ref().map(|n| format!("{n}/")).unwrap_or_default();
                format!(
                    "{kind} {place}{} is labelled as the console's but is not in the mapping.",
                    found.name
                )
            }
        }
    }
}

/// How `found` (the bindings carrying the console's label) differs from `wanted`.
pub fn drift(wanted: &[Binding], found: &[FoundBinding]) -> Vec<Drift> {
    let mut drift = Vec::new();
    for binding in wanted {
        match found.iter().find(|f| f.name == binding.name && f.namespace == binding.namespace) {
            None => drift.push(Drift::Missing { binding: binding.clone() }),
            Some(f) => {
                let same = f.cluster_role.as_deref() == Some(binding.role.key())
                    && f.groups == [binding.subject.clone()]
                    && f.others == 0;
                if !same {
                    drift.push(Drift::Changed { binding: binding.clone(), found: f.clone() });
                }
            }
        }
    }
    for f in found {
        if !wanted.iter().any(|b| b.name == f.name && b.namespace == f.namespace) {
            drift.push(Drift::Extra { found: f.clone() });
        }
    }
    drift
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(group: &str, role: BuiltInRole, namespaces: &[&str]) -> GroupAccess {
        GroupAccess {
            group: group.into(),
            role,
            namespaces: namespaces.iter().map(|n| n.to_string()).collect(),
        }
    }

    fn namespaces() -> Vec<String> {
        ["default", "web", "kube-system"].iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn the_default_mapping_follows_the_console_roles() {
        let groups = ConsoleGroups {
            admin: vec!["admins".into()],
            operator: vec!["operators".into(), "admins".into()],
            viewer: vec!["viewers".into()],
        };
        let mapping = AccessMapping::from_console(&groups);
        assert_eq!(
            mapping.groups,
            [
                access("admins", BuiltInRole::ClusterAdmin, &[]),
                access("operators", BuiltInRole::Edit, &[]),
                access("viewers", BuiltInRole::View, &[]),
            ]
        );
        assert!(mapping.check(&namespaces()).is_empty());
    }

    #[test]
    fn problems_are_named_at_their_field() {
        let mapping = AccessMapping {
            groups: vec![
                access("devs", BuiltInRole::Edit, &["web", "shop"]),
                access(" ", BuiltInRole::View, &[]),
                access("devs", BuiltInRole::View, &["Web"]),
            ],
        };
        let errors = mapping.check(&namespaces());
        assert_eq!(
            errors.message_for("groups.0.namespaces"),
            Some("There is no namespace \"shop\" in this cluster.")
        );
        assert!(errors.message_for("groups.1.group").unwrap().starts_with("Enter the group's name"));
        assert!(errors.message_for("groups.2.group").unwrap().contains("devs is mapped already (row 1)"));
        assert!(
            errors.message_for("groups.2.namespaces").unwrap().contains("\"Web\" is not a namespace name")
        );
        assert_eq!(errors.iter().count(), 4);
    }

    #[test]
    fn bindings_carry_the_prefix_and_one_per_namespace() {
        let mapping = AccessMapping {
            groups: vec![
                access("admins", BuiltInRole::ClusterAdmin, &[]),
                access("team/devs", BuiltInRole::Edit, &["web", "default"]),
            ],
        };
        let bindings = mapping.bindings("oidc:");
        assert_eq!(bindings.len(), 3);
        assert_eq!(bindings[0].describe(), "ClusterRoleBinding pilothouse:admins");
        assert_eq!(bindings[0].subject, "oidc:admins");
        assert_eq!(bindings[1].describe(), "RoleBinding default/pilothouse:team~devs");
        assert_eq!(bindings[2].namespace.as_deref(), Some("web"));
        assert_eq!(bindings[2].subject, "oidc:team/devs");
    }

    #[test]
    fn drift_names_what_is_missing_changed_or_extra() {
        let mapping = AccessMapping {
            groups: vec![
                access("admins", BuiltInRole::ClusterAdmin, &[]),
                access("devs", BuiltInRole::Edit, &["web"]),
            ],
        };
        let wanted = mapping.bindings("oidc:");
        let found = |namespace: Option<&str>, name: &str, role: &str, groups: &[&str]| FoundBinding {
            namespace: namespace.map(str::to_string),
            name: name.into(),
            cluster_role: Some(role.into()),
            groups: groups.iter().map(|g| g.to_string()).collect(),
            others: 0,
        };
        let exact = [
            found(None, "pilothouse:admins", "cluster-admin", &["oidc:admins"]),
            found(Some("web"), "pilothouse:devs", "edit", &["oidc:devs"]),
        ];
        assert!(drift(&wanted, &exact).is_empty());
        let changed = [
            found(Some("web"), "pilothouse:devs", "admin", &["oidc:devs"]),
            found(None, "pilothouse:old", "view", &["oidc:old"]),
        ];
        let drift = drift(&wanted, &changed);
        assert_eq!(drift.len(), 3);
        assert!(matches!(&drift[0], Drift::Missing { binding } if binding.name == "pilothouse:admins"));
        assert_eq!(
            drift[1].describe(),
            "RoleBinding web/pilothouse:devs was changed: it grants admin to oidc:devs, not edit to oidc:devs."
        );
        assert!(drift[2].describe().contains("pilothouse:old is labelled as the console's"));
    }

    #[test]
    fn a_user_sees_the_roles_of_their_groups() {
        let mapping = AccessMapping {
            groups: vec![
                access("admins", BuiltInRole::ClusterAdmin, &[]),
                access("devs", BuiltInRole::Edit, &["web"]),
            ],
        };
        assert_eq!(
            mapping.rights_of(&["devs".into(), "other".into()]),
            [access("devs", BuiltInRole::Edit, &["web"])]
        );
        assert!(mapping.rights_of(&[]).is_empty());
    }
}
