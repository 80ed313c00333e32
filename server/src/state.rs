//! What every request handler can reach.

use std::path::Path;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use crate::config::Settings;
use crate::db::Db;

/// The name cargo-leptos gives the bundle (`name` in the workspace's leptos metadata).
const OUTPUT_NAME: &str = match option_env!("LEPTOS_OUTPUT_NAME") {
    Some(name) => name,
    None => "pilothouse",
};

/// Shared state of the server, cloned into every handler.
#[derive(Clone, Debug, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    /// Whether the bundle's file names carry content hashes, so they may be cached forever.
    pub hashed_assets: bool,
}

impl AppState {
    /// State for `settings` over an open database.
    pub fn new(settings: &Settings, db: Db) -> Self {
        // cargo-leptos writes the hashes next to the server binary; Leptos reads them from there.
        let hashed_assets = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
            .is_some_and(|file| file.exists());
        Self::with_site(settings, db, &settings.site_root, hashed_assets)
    }

    /// State serving the site at `site_root`; `hashed_assets` as cargo-leptos built it.
    pub fn with_site(settings: &Settings, db: Db, site_root: &Path, hashed_assets: bool) -> Self {
        let leptos_options = LeptosOptions::builder()
            .output_name(OUTPUT_NAME)
            .site_root(site_root.to_string_lossy().as_ref())
            .site_pkg_dir("pkg")
            .site_addr(settings.listen)
            .hash_files(hashed_assets)
            .build();
        Self { leptos_options, db, hashed_assets }
    }
}
