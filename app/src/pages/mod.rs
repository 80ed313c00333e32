//! One module per page (or group of pages) of the console.

mod activity;
mod clusters;
mod no_access;
mod not_found;
mod plans;

pub use activity::ActivityPage;
pub use clusters::{ClustersPage, project_of};
pub use no_access::NoAccessPage;
pub use not_found::NotFoundPage;
pub use plans::PlansPage;
