//! HTTP endpoints that are not Leptos pages.

pub mod activity;
pub mod health;
pub mod live;
