//! The Pilothouse server: settings, database, HTTP routes, and the Leptos app rendered on the
//! server. `main.rs` only parses settings and calls [`run`].

// Rendering the app's deeply nested view types on the server needs more room than 128.
#![recursion_limit = "256"]

pub mod audit;
pub mod auth;
pub mod backend;
pub mod catalog;
pub mod cli;
pub mod cluster_api;
pub mod cluster_rbac;
pub mod config;
pub mod db;
pub mod error_page;
pub mod live;
pub mod local_emulator;
pub mod metrics;
pub mod notifications;
pub mod operations;
pub mod page_cache;
pub mod projects;
pub mod request_id;
pub mod rest;
pub mod router;
pub mod routes;
pub mod security_headers;
pub mod services;
pub mod shutdown;
pub mod state;
pub mod telemetry;
pub mod tokens;
pub mod ttl;

use std::future::IntoFuture;
use std::time::Duration;

use anyhow::Context;
use axum::serve::ListenerExt;
use tokio::net::TcpListener;

use crate::config::Settings;
use crate::db::Db;
use crate::state::AppState;

/// Serves the emulator alone on `listen` until SIGINT or SIGTERM (`pilothouse emulator`).
pub async fn run_emulator(settings: Settings, listen: std::net::SocketAddr) -> anyhow::Result<()> {
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("creating the data directory {}", settings.data_dir.display()))?;
    let running = local_emulator::spawn(&settings, listen).await?;
    let (signal, _) = shutdown::on_signal(Duration::ZERO, Duration::ZERO, shutdown::Draining::default());
    signal.await;
    running.stop();
    tracing::info!("stopped");
    Ok(())
}

/// Opens the database, applies migrations, and serves the console until SIGINT or SIGTERM.
pub async fn run(settings: Settings) -> anyhow::Result<()> {
    std::fs::create_dir_all(&settings.data_dir)
        .with_context(|| format!("creating the data directory {}", settings.data_dir.display()))?;
    let url = settings.database_url.as_ref().map(|s| s.expose());
    let db = Db::connect(url, &settings.data_dir, settings.database_max_connections).await?;
    db.migrate().await?;
    tracing::info!(backend = db.backend(), "database ready");

    let emulator = match settings.emulator {
        true => Some(local_emulator::spawn(&settings, settings.emulator_listen).await?),
        false => None,
    };
    if emulator.is_some() && settings.oidc_issuer_url.is_some() {
        tracing::warn!(
            "the provider emulator runs next to a console with single sign-on: its clusters are not real; \
             turn it off with PILOTHOUSE_EMULATOR=false when serving real users"
        );
    }
    let projects = projects::Projects::from_settings(&settings, emulator.as_ref().map(|e| e.url.as_str()))?;
    for project in projects.iter() {
        tracing::info!(project = %project.id, name = %project.name, "provider project");
    }
    let state = AppState::new(&settings, db.clone(), projects)?;
    if state.auth.is_local() {
        tracing::warn!(
            "no OpenID issuer configured: local mode, everyone on this machine is the local admin"
        );
    }
    let sessions = auth::store::DbSessionStore::new(&db);
    let cleanup = tokio::spawn(sessions.delete_expired_every(Duration::from_secs(600)));
    let workers = state.spawn_workers(Duration::from_millis(settings.operations_poll_ms));
    let state_live = state.live.clone();
    let catalog = state.services.catalog.clone();
    if !settings.site_root.join("pkg").is_dir() {
        tracing::warn!(
            site_root = %settings.site_root.display(),
            "no built site here: pages will have no styles or scripts (build with `cargo leptos build`)"
        );
    }
    let listener = TcpListener::bind(settings.listen)
        .await
        .with_context(|| format!("listening on {}", settings.listen))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, "Pilothouse is serving on http://{address}");

    // Without TCP_NODELAY, streamed pages stall on Nagle's algorithm.
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%error, "could not set TCP_NODELAY");
        }
    });
    let metrics_server = match settings.metrics_listen {
        Some(address) => {
            let listener = TcpListener::bind(address)
                .await
                .with_context(|| format!("listening for metrics on {address}"))?;
            tracing::info!(address = %listener.local_addr()?, "metrics at /metrics");
            let routes = metrics::endpoint::router(state.clone());
            Some(tokio::spawn(axum::serve(listener, routes).into_future()))
        }
        None => None,
    };
    let grace = Duration::from_secs(settings.shutdown_grace_seconds);
    let draining = state.draining.clone();
    let app = router::app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let drain = Duration::from_millis((settings.shutdown_drain_seconds * 1000.0) as u64);
    let (signal, deadline) = shutdown::on_signal(drain, grace, draining);
    let live = state_live;
    let signal = async move {
        signal.await;
        live.close();
    };
    tokio::select! {
        result = axum::serve(listener, app).with_graceful_shutdown(signal).into_future() => result?,
        () = deadline => {}
    }
    // Operations in flight resume from their last step when a runner next claims them.
    for worker in workers {
        worker.abort();
    }
    catalog.release().await;
    cleanup.abort();
    if let Some(server) = metrics_server {
        server.abort();
    }
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}
