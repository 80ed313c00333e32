//! The provider's API as Pilothouse speaks it.
//!
//! `signature` holds the provider's `$1$` request signature (provider-api.md §1.3), which both the
//! client and the emulator use: one implementation, so the two cannot disagree.

pub mod signature;
