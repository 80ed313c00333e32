//! Access inside clusters: Kubernetes RBAC rules and how requests match them ([`rule`]), the
//! roles every cluster starts with ([`catalogue`]), and the console's mapping of
//! identity-provider groups to those roles ([`mapping`]) with what the Access tab shows of it
//! ([`view`]). Shared by the emulated API servers, the services that apply the mapping and the
//! Access tab.

pub mod catalogue;
pub mod mapping;
pub mod rule;
pub mod view;

pub use catalogue::BuiltInRole;
pub use mapping::{AccessMapping, Binding, Drift, FoundBinding, GroupAccess};
pub use rule::{Attributes, PolicyRule};
pub use view::{InClusterAccess, SavedMapping};
