//! The provider's API as Pilothouse speaks it.
//!
//! `api` holds the wire format and `signature` the `$1$` request signature (provider-api.md §1.3);
//! the client and the emulator share both, so they cannot disagree.

pub mod api;
pub mod emulator;
pub mod signature;
