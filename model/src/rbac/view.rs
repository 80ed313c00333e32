//! What the Access tab shows of who can do what inside a cluster.

use serde::{Deserialize, Serialize};

use super::mapping::{AccessMapping, Drift, GroupAccess};

/// The mapping the console keeps for a cluster, and who saved it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SavedMapping {
    pub mapping: AccessMapping,
    /// The cluster's OIDC groups prefix the bindings were made with.
    pub groups_prefix: String,
    pub updated_by: String,
    /// RFC 3339.
    pub updated_at: String,
}

/// The "Who can do what in this cluster" card.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InClusterAccess {
    /// `None` until an admin saves a mapping.
    pub saved: Option<SavedMapping>,
    /// The mapping the console's roles suggest (admins → cluster-admin, operators → edit,
    /// viewers → view).
    pub default_mapping: AccessMapping,
    /// The cluster's namespaces, when they could be read.
    pub namespaces: Vec<String>,
    /// How the cluster's bindings differ from the saved mapping.
    pub drift: Vec<Drift>,
    /// Why the cluster's bindings could not be read, when they could not.
    pub unreadable: Option<String>,
    /// The caller's identity-provider groups.
    pub your_groups: Vec<String>,
}

impl InClusterAccess {
    /// What the caller's groups give them in this cluster.
    pub fn your_rights(&self) -> Vec<GroupAccess> {
        self.saved.as_ref().map(|s| s.mapping.rights_of(&self.your_groups)).unwrap_or_default()
    }
}
