//! Who may do what: the console's three roles, what each kind of change needs, and the signed-in
//! user as pages see them. The server checks these rules on every action; pages use the same ones
//! to show only the controls a user may use.

use serde::{Deserialize, Serialize};

use crate::operation::OperationKind;

/// A role in one project; each includes the ones below it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads everything.
    Viewer,
    /// Creates and edits clusters and node pools; downloads their own OIDC kubeconfig.
    Operator,
    /// Deletes and resets; the admin kubeconfig, the API allow-list and the cluster's OIDC settings.
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Operator, Role::Admin];

    /// Whether this role may do what `needed` may.
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }

    /// Its name in JSON and storage (`operator`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Admin => "admin",
        }
    }

    /// The role named `text` ([`Role::as_str`]).
    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }

    pub const fn label(self) -> &'static str {
        match self {
            Role::Viewer => "Viewer",
            Role::Operator => "Operator",
            Role::Admin => "Admin",
        }
    }
}

impl OperationKind {
    /// The role a change of this kind needs.
    pub const fn required_role(self) -> Role {
        match self {
            OperationKind::DeleteCluster
            | OperationKind::ResetCluster
            | OperationKind::DeleteNodePool
            | OperationKind::ResetKubeconfig
            | OperationKind::SetIpRestrictions
            | OperationKind::SetClusterOidc
            | OperationKind::RemoveClusterOidc
            | OperationKind::SetClusterAccess
            | OperationKind::DeleteNetwork => Role::Admin,
            OperationKind::CreateCluster
            | OperationKind::RenameCluster
            | OperationKind::UpdateClusterPolicy
            | OperationKind::UpgradeCluster
            | OperationKind::RestartCluster
            | OperationKind::CustomizeCluster
            | OperationKind::UpdatePrivateNetwork
            | OperationKind::CreateNodePool
            | OperationKind::UpdateNodePool
            | OperationKind::RemoveNode
            | OperationKind::CreateNetwork
            | OperationKind::CreateSubnet
            | OperationKind::CreateGateway => Role::Operator,
        }
    }
}

/// The address a request came from, as the server saw it (for the audit trail).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientAddress(pub String);

/// A user's role in one project.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Membership {
    pub project_id: String,
    pub project_name: String,
    pub role: Role,
}

/// How the audit trail names `username` acting through `token`, if any.
pub fn actor_name(username: &str, token: Option<&str>) -> String {
    match token {
        Some(token) => format!("{username} via token {token}"),
        None => username.to_string(),
    }
}

/// The signed-in user.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub username: String,
    /// The identity provider's groups, as it sent them.
    pub groups: Vec<String>,
    /// No identity provider: a single local admin.
    pub local_mode: bool,
    /// The projects the user has a role in.
    pub memberships: Vec<Membership>,
    /// The API token the request came with, by name: the user acts through it, with its role.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via_token: Option<String>,
}

impl User {
    /// The user's role in `project`, if any.
    pub fn role_in(&self, project: &str) -> Option<Role> {
        self.memberships.iter().find(|m| m.project_id == project).map(|m| m.role)
    }

    /// Whether the user may do what `needed` allows in `project`.
    pub fn may(&self, project: &str, needed: Role) -> bool {
        self.role_in(project).is_some_and(|role| role.allows(needed))
    }

    /// Who the audit trail names: the user, and the token they acted through
    /// (`alice via token deploy`).
    pub fn actor(&self) -> String {
        actor_name(&self.username, self.via_token.as_deref())
    }

    /// Whether the user has any role at all (the local admin always has).
    pub fn has_access(&self) -> bool {
        self.local_mode || !self.memberships.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_include_the_ones_below() {
        assert!(Role::Admin.allows(Role::Operator) && Role::Operator.allows(Role::Viewer));
        assert!(!Role::Operator.allows(Role::Admin) && !Role::Viewer.allows(Role::Operator));
        for role in Role::ALL {
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json.trim_matches('"'), role.as_str());
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
    }

    #[test]
    fn deleting_a_cluster_needs_an_admin_and_scaling_an_operator() {
        assert_eq!(OperationKind::DeleteCluster.required_role(), Role::Admin);
        assert_eq!(OperationKind::UpdateNodePool.required_role(), Role::Operator);
        let bob = User {
            username: "bob".into(),
            groups: vec!["operators".into()],
            local_mode: false,
            memberships: vec![Membership {
                project_id: "p".into(),
                project_name: "P".into(),
                role: Role::Operator,
            }],
            via_token: None,
        };
        assert!(bob.may("p", OperationKind::CreateCluster.required_role()));
        assert!(!bob.may("p", OperationKind::DeleteCluster.required_role()));
        assert!(!bob.may("other", Role::Viewer));
        assert_eq!(bob.actor(), "bob");
        let through = User { via_token: Some("deploy".into()), ..bob };
        assert_eq!(through.actor(), "bob via token deploy");
    }
}
