//! One module per page (or group of pages) of the console.

mod not_found;
mod plans;

pub use not_found::NotFoundPage;
pub use plans::PlansPage;
