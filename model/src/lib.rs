//! The managed Kubernetes service's rules, typed once.
//!
//! Everything here is pure: no I/O, no HTTP, no SQL, no UI. The crate compiles to
//! `wasm32-unknown-unknown` for the browser and natively for the server and the emulator, so a
//! rule checked on a keystroke is the same function the server enforces. Each rule cites its
//! source: the provider's architecture guide (`seed`), `domain.md` or `provider-api.md`.

pub mod access;
pub mod activity;
pub mod availability;
pub mod capabilities;
pub mod catalogue;
pub mod cidr;
pub mod cluster_network;
pub mod cluster_spec;
pub mod cluster_view;
pub mod component;
pub mod cost;
pub mod csv;
pub mod customization;
pub mod drain;
pub mod flavor;
pub mod fleet;
pub mod freshness;
pub mod id;
pub mod ip_restriction;
pub mod kubeconfig;
pub mod live;
pub mod metadata;
pub mod name;
pub mod network;
pub mod node_pool;
pub mod notification;
pub mod oidc;
mod open_enum;
pub mod operation;
pub mod plan;
pub mod plan_fit;
pub mod pool_view;
pub mod private_network;
pub mod quantity;
pub mod rbac;
pub mod region;
pub mod reset;
pub mod resources;
pub mod scheduling;
mod schema;
pub mod size;
pub mod status;
pub mod terraform;
pub mod token;
pub mod validation;
pub mod version;
pub mod version_calendar;
pub mod workload_view;

pub use availability::{Availability, Downtime};
pub use cidr::Ipv4Cidr;
pub use node_pool::NodePoolSpec;
pub use plan::Plan;
pub use plan_fit::{PlanFit, PlanNeeds};
pub use size::ByteSize;
pub use validation::{FieldError, FieldErrors};
pub use version::KubeVersion;
