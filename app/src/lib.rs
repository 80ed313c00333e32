//! Pilothouse's user interface.
//!
//! Compiled twice: with `ssr` the server renders every page to HTML, with `hydrate` the browser
//! takes the same components over. Server-only dependencies stay behind `ssr`, so the wasm
//! bundle carries only what the browser runs.

// Leptos view types nest deeply; the hydrate build needs more room than the default 128.
#![recursion_limit = "256"]

pub mod api;
pub mod bundle;
pub mod components;
pub mod error;
pub mod hydration;
pub mod island_bundles;
pub mod islands;
pub mod pages;
mod shell;

pub use shell::{App, shell};
