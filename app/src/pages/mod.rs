//! One module per page (or group of pages) of the console.

mod activity;
mod cluster;
mod clusters;
mod fleet;
mod networks;
mod no_access;
mod not_found;
mod notifications;
mod plans;
mod tokens;
mod wizard;

pub use activity::ActivityPage;
pub use cluster::{
    AccessRoute, ActivityRoute, ClusterPage, OverviewRoute, PoolsRoute, SettingsRoute, UpgradesRoute,
    WorkloadsRoute,
};
pub use clusters::{ClustersPage, project_of};
pub use fleet::FleetPage;
pub use networks::NetworksPage;
pub use no_access::NoAccessPage;
pub use not_found::NotFoundPage;
pub use notifications::NotificationsPage;
pub use plans::PlansPage;
pub use tokens::TokensPage;
pub use wizard::{WizardPage, step_at};
