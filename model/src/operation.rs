//! Kinds and states of the console's durable operations and of their steps.
//!
//! The text values are what the database stores: they match the `CHECK` constraints of
//! `migrations/*/0001_operations_and_audit.sql`.

use serde::{Deserialize, Serialize};

/// Where an operation is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
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
    CreateNodePool,
    UpdateNodePool,
    DeleteNodePool,
    RemoveNode,
    ResetKubeconfig,
    SetIpRestrictions,
    SetClusterOidc,
    RemoveClusterOidc,
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
            OperationKind::CreateNodePool => "Create node pool",
            OperationKind::UpdateNodePool => "Edit node pool",
            OperationKind::DeleteNodePool => "Delete node pool",
            OperationKind::RemoveNode => "Remove node",
            OperationKind::ResetKubeconfig => "Reset kubeconfig",
            OperationKind::SetIpRestrictions => "Change API allow-list",
            OperationKind::SetClusterOidc => "Set OIDC configuration",
            OperationKind::RemoveClusterOidc => "Remove OIDC configuration",
        }
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
        assert_eq!(serde_json::to_string(&OperationKind::CreateNodePool).unwrap(), "\"create_node_pool\"");
    }

    #[test]
    fn finished_states() {
        assert!(!OperationState::Pending.is_finished() && !OperationState::Running.is_finished());
        assert!(OperationState::Cancelled.is_finished());
    }
}
