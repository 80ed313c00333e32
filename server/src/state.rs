//! What every request handler can reach.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use app::api::port::Backend;
use app::bundle::Bundles;
use axum::extract::FromRef;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use leptos::config::LeptosOptions;
use model::oidc::ConsoleIdentity;
use tokio::sync::Notify;
use tokio::task::JoinHandle;

use crate::auth::Auth;
use crate::catalog::{Catalog, Timings};
use crate::config::{Secret, Settings};
use crate::db::Db;
use crate::live::{Intervals, Live, StreamLimits};
use crate::metrics::{Metrics, ProviderObserver};
use crate::notifications::Notifier;
use crate::notifications::crypto::Keyring;
use crate::notifications::deliver::Mailer;
use crate::operations::runner::Runner;
use crate::page_cache::PageCache;
use crate::projects::Projects;
use crate::services::Services;
use crate::services::issuers::Issuers;
use crate::shutdown::Draining;

/// The name cargo-leptos gives the bundle (`name` in the workspace's leptos metadata).
const OUTPUT_NAME: &str = match option_env!("LEPTOS_OUTPUT_NAME") {
    Some(name) => name,
    None => "pilothouse",
};

/// What cargo-leptos appends to the WebAssembly file's name when it does not hash it; outside
/// cargo-leptos, wasm-bindgen's `_bg`.
const WASM_SUFFIX: &str = match option_env!("LEPTOS_OUTPUT_NAME") {
    Some(_) => "",
    None => "_bg",
};

/// The catalog's timings from `settings`.
fn timings(settings: &Settings) -> Timings {
    Timings {
        list_idle: Duration::from_secs(settings.catalog_idle_seconds.max(1)),
        view_refresh: Duration::from_secs(settings.catalog_view_refresh_seconds),
        sweep: Duration::from_secs(settings.catalog_sweep_seconds.max(1)),
        ..Timings::default()
    }
}

/// Shared state of the server, cloned into every handler.
#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    /// Whether the bundle's file names carry content hashes, so they may be cached forever.
    pub hashed_assets: bool,
    /// The bundles' file names, worked out once.
    pub bundles: Arc<Bundles>,
    pub services: Services,
    pub live: Arc<Live>,
    /// Signalled by this replica's runner after each change it records.
    pub changed: Arc<Notify>,
    pub auth: Arc<Auth>,
    /// Pages rendered a moment ago, served again.
    pub pages: Arc<PageCache>,
    /// What server functions call: the services, behind the pages' port.
    pub backend: Arc<dyn Backend>,
    /// This replica's metrics.
    pub metrics: Arc<Metrics>,
    /// The bearer token `/metrics` asks for on the console's listener; none: not served there.
    pub metrics_token: Option<Secret>,
    /// On from the shutdown signal: `/readyz` says not ready.
    pub draining: Draining,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("db", &self.db)
            .field("bundles", &self.bundles)
            .finish_non_exhaustive()
    }
}

/// How often notifications look at what happened, and send what is due.
const NOTIFY_LOOK: Duration = Duration::from_secs(3);
const NOTIFY_SEND: Duration = Duration::from_secs(1);

/// The notifier `settings` describe; fails on SMTP settings that cannot work.
fn notifier(settings: &Settings) -> anyhow::Result<Notifier> {
    let mailer = match &settings.smtp_url {
        Some(url) => Some(Mailer::new(url.expose(), &settings.smtp_from).map_err(anyhow::Error::msg)?),
        None => None,
    };
    Ok(Notifier::new(
        Keyring::new(settings.encryption_key.as_ref().map(|k| k.expose().to_string()), &settings.data_dir),
        mailer,
        Duration::from_secs(settings.notify_retry_seconds),
        settings.public_url.clone(),
        settings.listen.ip().is_loopback(),
    ))
}

impl AppState {
    /// State for `settings` over an open database, acting in `projects`; fails when the sign-in
    /// settings cannot work (local mode off loopback).
    pub fn new(settings: &Settings, db: Db, projects: Projects) -> anyhow::Result<Self> {
        // cargo-leptos writes the bundle's hashes next to the server binary.
        let hashes = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join("hash.txt")))
            .and_then(|file| std::fs::read_to_string(file).ok());
        Self::with_site(settings, db, projects, &settings.site_root, hashes.as_deref())
    }

    /// State serving the site at `site_root`; `hashes` the text of the `hash.txt` cargo-leptos
    /// wrote when it named the bundle's files by content.
    pub fn with_site(
        settings: &Settings,
        db: Db,
        projects: Projects,
        site_root: &Path,
        hashes: Option<&str>,
    ) -> anyhow::Result<Self> {
        let hashed_assets = hashes.is_some();
        let bundles = Arc::new(Bundles::named(OUTPUT_NAME, hashes, WASM_SUFFIX));
        let leptos_options = LeptosOptions::builder()
            .output_name(OUTPUT_NAME)
            .site_root(site_root.to_string_lossy().as_ref())
            .site_pkg_dir("pkg")
            .site_addr(settings.listen)
            .hash_files(hashed_assets)
            .build();
        let extra_roots = match &settings.oidc_ca_file {
            Some(file) => Some(Arc::new(
                std::fs::read(file)
                    .with_context(|| format!("reading PILOTHOUSE_OIDC_CA_FILE {}", file.display()))?,
            )),
            None => None,
        };
        let auth = Arc::new(Auth::from_settings(settings, projects.clone(), extra_roots.as_deref())?);
        let console = settings.oidc_issuer_url.as_ref().map(|issuer| ConsoleIdentity {
            issuer_url: issuer.trim_end_matches('/').to_string(),
            client_id: settings.oidc_kubectl_client_id.clone(),
            scopes: settings
                .oidc_scopes
                .split_whitespace()
                .filter(|s| *s != "openid")
                .map(str::to_string)
                .collect(),
            username_claim: settings.oidc_username_claim.clone(),
            groups_claim: settings.oidc_groups_claim.clone(),
            ca_content: extra_roots.as_ref().map(|pem| STANDARD.encode(pem.as_slice())),
        });
        let services = Services {
            db: db.clone(),
            projects: projects.clone(),
            wake: Arc::new(Notify::new()),
            issuers: Issuers { console, extra_roots },
            audit_throttle: Arc::default(),
            catalog: Catalog::new(db.clone(), &projects, timings(settings)),
            caches: Arc::default(),
            price_subsidiary: settings.price_subsidiary(),
            notifier: Arc::new(notifier(settings)?),
        };
        let limits = StreamLimits { per_user: settings.live_streams_per_user, ..StreamLimits::default() };
        let live = Live::with_limits(Intervals::default(), limits);
        let pages = PageCache::new(auth.form_targets());
        let backend = crate::backend::provide(services.clone(), db.clone());
        let metrics = Arc::new(Metrics::new());
        for project in projects.iter() {
            let observer = ProviderObserver { metrics: metrics.clone(), project: project.id.clone() };
            project.client.observe(Arc::new(observer));
        }
        Ok(Self {
            leptos_options,
            db,
            hashed_assets,
            bundles,
            services,
            live,
            changed: Arc::new(Notify::new()),
            auth,
            pages,
            backend,
            metrics,
            metrics_token: settings.metrics_token.clone(),
            draining: Draining::default(),
        })
    }

    /// Starts this replica's background work: the operations runner (looking at the provider
    /// every `poll` while it waits), the catalog's refreshers (poked after each of the runner's
    /// steps) and the live-updates feed.
    pub fn spawn_workers(&self, poll: Duration) -> Vec<JoinHandle<()>> {
        let runner = Runner {
            wake: self.services.wake.clone(),
            changed: self.changed.clone(),
            metrics: Some(self.metrics.clone()),
            ..Runner::new(self.db.clone(), self.services.projects.clone(), poll)
        };
        self.services.catalog.start();
        // The price list is read once now, in the background, so the first page shows it.
        if let Some(project) = self.services.projects.iter().next() {
            self.services.prices(&project.id);
        }
        vec![
            tokio::spawn(runner.run()),
            tokio::spawn(self.services.catalog.clone().follow(self.changed.clone())),
            tokio::spawn(self.live.clone().feed_operations(self.db.clone(), self.changed.clone())),
            tokio::spawn(self.services.notifier.clone().run(
                self.db.clone(),
                self.services.projects.clone(),
                self.services.catalog.clone(),
                NOTIFY_LOOK,
                NOTIFY_SEND,
            )),
        ]
    }
}
