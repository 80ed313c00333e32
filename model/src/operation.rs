//! Kinds and states of the console's durable operations and of their steps.
//!
//! The text values are what the database stores: they match the `CHECK` constraints of
//! `migrations/*/0001_operations_and_audit.sql`.

use serde::{Deserialize, Serialize};

use crate::activity::TargetKind;

/// Where an operation is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OperationState {
    /// Waiting for a runner (or for an earlier operation on the same cluster).
    Pending,
    /// A runner holds it and is working.
    Running,
    Succeeded,
    /// Gave up; the error says why.
    Failed,
    /// Stopped at the user's request before it finished.
    Cancelled,
}

/// Where a step is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    Running,
    Succeeded,
    Failed,
    /// Not needed: the provider was already in the state the step would bring about.
    Skipped,
}

/// What an operation does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum OperationKind {
    CreateCluster,
    RenameCluster,
    UpdateClusterPolicy,
    UpgradeCluster,
    ResetCluster,
    RestartCluster,
    DeleteCluster,
    CustomizeCluster,
    UpdatePrivateNetwork,
    CreateNodePool,
    UpdateNodePool,
    DeleteNodePool,
    RemoveNode,
    ResetKubeconfig,
    SetIpRestrictions,
    SetClusterOidc,
    RemoveClusterOidc,
    SetClusterAccess,
    CreateNetwork,
    CreateSubnet,
    CreateGateway,
    DeleteNetwork,
}

impl OperationState {
    /// The stored text.
    pub const fn as_str(self) -> &'static str {
        match self {
            OperationState::Pending => "pending",
            OperationState::Running => "running",
            OperationState::Succeeded => "succeeded",
            OperationState::Failed => "failed",
            OperationState::Cancelled => "cancelled",
        }
    }

    /// Whether the operation has ended, one way or another.
    pub const fn is_finished(self) -> bool {
        matches!(self, OperationState::Succeeded | OperationState::Failed | OperationState::Cancelled)
    }
}

impl StepState {
    /// The stored text.
    pub const fn as_str(self) -> &'static str {
        match self {
            StepState::Running => "running",
            StepState::Succeeded => "succeeded",
            StepState::Failed => "failed",
            StepState::Skipped => "skipped",
        }
    }
}

impl OperationKind {
    pub const ALL: [OperationKind; 22] = [
        OperationKind::CreateCluster,
        OperationKind::RenameCluster,
        OperationKind::UpdateClusterPolicy,
        OperationKind::UpgradeCluster,
        OperationKind::ResetCluster,
        OperationKind::RestartCluster,
        OperationKind::DeleteCluster,
        OperationKind::CustomizeCluster,
        OperationKind::UpdatePrivateNetwork,
        OperationKind::CreateNodePool,
        OperationKind::UpdateNodePool,
        OperationKind::DeleteNodePool,
        OperationKind::RemoveNode,
        OperationKind::ResetKubeconfig,
        OperationKind::SetIpRestrictions,
        OperationKind::SetClusterOidc,
        OperationKind::RemoveClusterOidc,
        OperationKind::SetClusterAccess,
        OperationKind::CreateNetwork,
        OperationKind::CreateSubnet,
        OperationKind::CreateGateway,
        OperationKind::DeleteNetwork,
    ];

    /// The kind stored as `text`; `None` for a kind this version does not know.
    pub fn from_stored(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// The stored text (`create_node_pool`), as serde writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            OperationKind::CreateCluster => "create_cluster",
            OperationKind::RenameCluster => "rename_cluster",
            OperationKind::UpdateClusterPolicy => "update_cluster_policy",
            OperationKind::UpgradeCluster => "upgrade_cluster",
            OperationKind::ResetCluster => "reset_cluster",
            OperationKind::RestartCluster => "restart_cluster",
            OperationKind::DeleteCluster => "delete_cluster",
            OperationKind::CustomizeCluster => "customize_cluster",
            OperationKind::UpdatePrivateNetwork => "update_private_network",
            OperationKind::CreateNodePool => "create_node_pool",
            OperationKind::UpdateNodePool => "update_node_pool",
            OperationKind::DeleteNodePool => "delete_node_pool",
            OperationKind::RemoveNode => "remove_node",
            OperationKind::ResetKubeconfig => "reset_kubeconfig",
            OperationKind::SetIpRestrictions => "set_ip_restrictions",
            OperationKind::SetClusterOidc => "set_cluster_oidc",
            OperationKind::RemoveClusterOidc => "remove_cluster_oidc",
            OperationKind::SetClusterAccess => "set_cluster_access",
            OperationKind::CreateNetwork => "create_network",
            OperationKind::CreateSubnet => "create_subnet",
            OperationKind::CreateGateway => "create_gateway",
            OperationKind::DeleteNetwork => "delete_network",
        }
    }

    /// A short description for timelines ("Create node pool").
    pub const fn label(self) -> &'static str {
        match self {
            OperationKind::CreateCluster => "Create cluster",
            OperationKind::RenameCluster => "Rename cluster",
            OperationKind::UpdateClusterPolicy => "Change update policy",
            OperationKind::UpgradeCluster => "Upgrade Kubernetes",
            OperationKind::ResetCluster => "Reset cluster",
            OperationKind::RestartCluster => "Restart control plane",
            OperationKind::DeleteCluster => "Delete cluster",
            OperationKind::CustomizeCluster => "Change customization",
            OperationKind::UpdatePrivateNetwork => "Change private network settings",
            OperationKind::CreateNodePool => "Create node pool",
            OperationKind::UpdateNodePool => "Edit node pool",
            OperationKind::DeleteNodePool => "Delete node pool",
            OperationKind::RemoveNode => "Remove node",
            OperationKind::ResetKubeconfig => "Reset kubeconfig",
            OperationKind::SetIpRestrictions => "Change API allow-list",
            OperationKind::SetClusterOidc => "Set OIDC configuration",
            OperationKind::RemoveClusterOidc => "Remove OIDC configuration",
            OperationKind::SetClusterAccess => "Apply who can do what inside",
            OperationKind::CreateNetwork => "Create private network",
            OperationKind::CreateSubnet => "Create subnet",
            OperationKind::CreateGateway => "Create gateway",
            OperationKind::DeleteNetwork => "Delete private network",
        }
    }
}

/// An operation as pages show it: what, where it stands, each step, and why it failed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OperationView {
    pub id: String,
    /// The console project.
    pub project_id: String,
    /// The stored kind; `None` when this version does not know it.
    pub kind: Option<OperationKind>,
    pub cluster_id: Option<String>,
    pub target_kind: TargetKind,
    pub target_id: Option<String>,
    pub target_name: Option<String>,
    pub actor: String,
    pub state: OperationState,
    pub steps: Vec<StepView>,
    pub error: Option<OperationError>,
    /// RFC 3339 times.
    pub created_at: String,
    pub updated_at: String,
    pub finished_at: Option<String>,
}

/// One entry of an operation's step log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StepView {
    pub seq: u32,
    /// The step's name (`wait_for_ready`).
    pub name: String,
    pub state: StepState,
    /// Progress in plain words ("3 of 4 nodes ready").
    pub detail: Option<String>,
    pub started_at: String,
    pub finished_at: Option<String>,
}

/// Why an operation failed, as the provider (or the console) said it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OperationError {
    /// The provider's error class (`Client::BadRequest`) or the console's (`Console::Invalid`).
    pub class: String,
    pub message: String,
    /// The provider's request id, to quote to its support.
    pub query_id: Option<String>,
}

impl OperationError {
    /// Whether the same request could succeed on another try: not when the provider (or the
    /// console) found the request itself wrong, or its target gone.
    pub fn retry_makes_sense(&self) -> bool {
        const FINAL: [&str; 3] = ["Client::BadRequest", "Client::NotFound", "Console::Invalid"];
        !FINAL.iter().any(|class| self.class.starts_with(class))
    }
}

impl OperationView {
    /// Whether the timeline offers Retry: the operation failed, and trying again could help.
    pub fn retryable(&self) -> bool {
        self.state == OperationState::Failed
            && self.kind.is_some()
            && self.error.as_ref().is_none_or(OperationError::retry_makes_sense)
    }

    /// The timeline's title ("Create node pool"), or the stored kind when unknown.
    pub fn label(&self) -> &'static str {
        self.kind.map_or("Unknown operation", OperationKind::label)
    }
}

impl StepState {
    /// The state stored as `text`.
    pub fn from_stored(text: &str) -> Option<Self> {
        [StepState::Running, StepState::Succeeded, StepState::Failed, StepState::Skipped]
            .into_iter()
            .find(|s| s.as_str() == text)
    }
}

impl OperationState {
    /// The state stored as `text`.
    pub fn from_stored(text: &str) -> Option<Self> {
        [
            OperationState::Pending,
            OperationState::Running,
            OperationState::Succeeded,
            OperationState::Failed,
            OperationState::Cancelled,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_text_matches_serde_and_the_schema() {
        let schema = include_str!("../../migrations/sqlite/0001_operations_and_audit.sql");
        for state in [
            OperationState::Pending,
            OperationState::Running,
            OperationState::Succeeded,
            OperationState::Failed,
            OperationState::Cancelled,
        ] {
            assert_eq!(serde_json::to_string(&state).unwrap(), format!("\"{}\"", state.as_str()));
            assert!(schema.contains(&format!("'{}'", state.as_str())));
        }
        for step in [StepState::Running, StepState::Succeeded, StepState::Failed, StepState::Skipped] {
            assert_eq!(serde_json::to_string(&step).unwrap(), format!("\"{}\"", step.as_str()));
            assert!(schema.contains(&format!("'{}'", step.as_str())));
        }
        for kind in OperationKind::ALL {
            assert_eq!(serde_json::to_string(&kind).unwrap(), format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(OperationState::from_stored("cancelled"), Some(OperationState::Cancelled));
        assert_eq!(StepState::from_stored("skipped"), Some(StepState::Skipped));
        assert_eq!(StepState::from_stored("nonsense"), None);
    }

    #[test]
    fn retry_is_offered_for_failures_another_try_can_mend() {
        let error =
            |class: &str| OperationError { class: class.into(), message: String::new(), query_id: None };
        assert!(error("Server::InternalServerError").retry_makes_sense());
        assert!(error("Transport").retry_makes_sense());
        assert!(error("Client::Forbidden").retry_makes_sense());
        assert!(!error("Client::BadRequest").retry_makes_sense());
        assert!(!error("Client::NotFound").retry_makes_sense());
        assert!(!error("Console::Invalid").retry_makes_sense());
    }

    #[test]
    fn finished_states() {
        assert!(!OperationState::Pending.is_finished() && !OperationState::Running.is_finished());
        assert!(OperationState::Cancelled.is_finished());
    }
}
