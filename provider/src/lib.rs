//! The provider's API as Pilothouse speaks it.
//!
//! `api` holds the wire format and `signature` the `$1$` request signature (provider-api.md §1.3);
//! `client` calls the provider and `emulator` imitates it, both on these, so they cannot disagree.

pub mod api;
pub mod client;
pub mod emulator;
pub mod signature;
