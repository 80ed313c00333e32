//! Statuses the provider reports for clusters, node pools and nodes, and the five states the
//! console shows for them.
//!
//! Sources: provider-api.md §5.6 (`ClusterStatusEnum`, `NodePoolStatusEnum`, `NodeStatusEnum`,
//! `NodePoolSizeStatusEnum`; unknown values must be tolerated) and §6 (what each status means);
//! domain.md "Node lifecycle" (Installing → Ready → Draining → Terminated, and NotReady).
//! The three status enums share most values, so one type holds their union.

use crate::open_enum::open_enum;

open_enum! {
    /// A cluster's, node pool's or node's `status`; `UNKNOWN` when absent.
    #[derive(Default)]
    pub enum Status {
        Installing = "INSTALLING",
        Ready = "READY",
        Updating = "UPDATING",
        Redeploying = "REDEPLOYING",
        Resetting = "RESETTING",
        Reopening = "REOPENING",
        /// Node pools only: nodes are being added.
        Upscaling = "UPSCALING",
        /// Node pools only: nodes are being drained and removed.
        Downscaling = "DOWNSCALING",
        Deleting = "DELETING",
        Deleted = "DELETED",
        Suspending = "SUSPENDING",
        Suspended = "SUSPENDED",
        Maintenance = "MAINTENANCE",
        Error = "ERROR",
        #[default]
        Unknown = "UNKNOWN",
        UserError = "USER_ERROR",
        UserQuotaError = "USER_QUOTA_ERROR",
        /// An admission webhook in the cluster blocks the provider's managed operations.
        UserWebhookPreventingOperationsError = "USER_WEBHOOK_PREVENTING_OPERATIONS_ERROR",
        UserNodeNotFoundError = "USER_NODE_NOT_FOUND_ERROR",
        UserNodeSuspendedService = "USER_NODE_SUSPENDED_SERVICE",
        /// Nodes only: the flavor is out of stock in the region.
        FlavorOutOfStockError = "FLAVOR_OUT_OF_STOCK_ERROR",
    }
}

open_enum! {
    /// A node pool's current size against its desired size (`sizeStatus`).
    #[derive(Default)]
    pub enum SizeStatus {
        #[default]
        CapacityOk = "CAPACITY_OK",
        OverCapacity = "OVER_CAPACITY",
        UnderCapacity = "UNDER_CAPACITY",
    }
}

/// The five states the console shows (domain.md "Node lifecycle").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DisplayState {
    /// Being provisioned, configured, upgraded or reinstalled.
    Installing,
    /// Healthy and serving.
    Ready,
    /// Unhealthy, failed, or in a state the console does not know.
    NotReady,
    /// Being evacuated or removed.
    Draining,
    /// Gone.
    Terminated,
}

impl DisplayState {
    /// Its name in filters and classes: `installing`, `ready`, `notready`, `draining`,
    /// `terminated`.
    pub fn name(self) -> &'static str {
        match self {
            DisplayState::Installing => "installing",
            DisplayState::Ready => "ready",
            DisplayState::NotReady => "notready",
            DisplayState::Draining => "draining",
            DisplayState::Terminated => "terminated",
        }
    }
}

impl Status {
    /// The state shown to users.
    pub fn display_state(&self) -> DisplayState {
        match self {
            Status::Ready => DisplayState::Ready,
            failed if failed.is_error() => DisplayState::NotReady,
            Status::Installing
            | Status::Updating
            | Status::Redeploying
            | Status::Resetting
            | Status::Reopening
            | Status::Upscaling => DisplayState::Installing,
            Status::Deleting | Status::Downscaling | Status::Suspending => DisplayState::Draining,
            Status::Deleted | Status::Suspended => DisplayState::Terminated,
            // Errors, maintenance, UNKNOWN and values added later: not known to be serving.
            _ => DisplayState::NotReady,
        }
    }

    /// Whether the provider is working on the resource, so a change is under way and other
    /// changes must wait (provider-api.md §6).
    pub fn is_in_progress(&self) -> bool {
        matches!(
            self,
            Status::Installing
                | Status::Updating
                | Status::Redeploying
                | Status::Resetting
                | Status::Reopening
                | Status::Upscaling
                | Status::Downscaling
                | Status::Deleting
                | Status::Suspending
                | Status::Maintenance
        )
    }

    /// Whether the status reports a failure the user should look at.
    pub fn is_error(&self) -> bool {
        matches!(
            self,
            Status::Error
                | Status::UserError
                | Status::UserQuotaError
                | Status::UserWebhookPreventingOperationsError
                | Status::UserNodeNotFoundError
                | Status::UserNodeSuspendedService
                | Status::FlavorOutOfStockError
        )
    }
}

impl DisplayState {
    /// The state's name as shown.
    pub const fn label(self) -> &'static str {
        match self {
            DisplayState::Installing => "Installing",
            DisplayState::Ready => "Ready",
            DisplayState::NotReady => "NotReady",
            DisplayState::Draining => "Draining",
            DisplayState::Terminated => "Terminated",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_display_state_is_named_by_its_variant_in_lowercase() {
        use DisplayState::*;
        for state in [Installing, Ready, NotReady, Draining, Terminated] {
            assert_eq!(state.name(), format!("{state:?}").to_lowercase());
        }
    }

    #[test]
    fn lifecycle_statuses_map_to_the_five_states() {
        assert_eq!(Status::from_wire("INSTALLING").display_state(), DisplayState::Installing);
        assert_eq!(Status::from_wire("READY").display_state(), DisplayState::Ready);
        assert_eq!(Status::from_wire("DELETING").display_state(), DisplayState::Draining);
        assert_eq!(Status::from_wire("DELETED").display_state(), DisplayState::Terminated);
        assert_eq!(Status::from_wire("USER_QUOTA_ERROR").display_state(), DisplayState::NotReady);
    }

    #[test]
    fn unknown_statuses_survive_and_show_as_not_ready() {
        let status: Status = serde_json::from_str("\"HIBERNATING\"").unwrap();
        assert_eq!(status, Status::Other("HIBERNATING".into()));
        assert_eq!(status.display_state(), DisplayState::NotReady);
        assert!(!status.is_in_progress() && !status.is_error());
        assert_eq!(serde_json::to_string(&status).unwrap(), "\"HIBERNATING\"");
    }

    #[test]
    fn every_known_value_round_trips() {
        for status in Status::KNOWN {
            assert_eq!(&Status::from_wire(status.as_wire()), status);
        }
        for size in SizeStatus::KNOWN {
            assert_eq!(&SizeStatus::from_wire(size.as_wire()), size);
        }
    }
}
