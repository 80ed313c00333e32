//! The provider's API as Pilothouse speaks it.
//!
//! `api` holds the wire format and `signature` the `$1$` request signature (provider-api.md §1.3);
//! `client` calls the provider; `kube` reads the clusters' own Kubernetes objects. The `emulator` crate imitates the provider on these same types,
//! so the two cannot disagree.

pub mod api;
pub mod client;
pub mod kube;
pub mod signature;
