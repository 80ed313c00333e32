//! Running the provider emulator: embedded next to the console by default, or on its own with
//! `pilothouse emulator`. Its state lives in the data directory (`emulator.json`). A build
//! without the `embedded-emulator` feature has no emulator: starting one is an error that says so.

use std::net::SocketAddr;

#[cfg(feature = "embedded-emulator")]
use anyhow::Context;
#[cfg(feature = "embedded-emulator")]
use emulator::{EmulatorConfig, admin, serve};
#[cfg(feature = "embedded-emulator")]
use tokio::net::TcpListener;

use crate::config::Settings;
#[cfg(feature = "embedded-emulator")]
use crate::projects::DEFAULT_APPLICATION_SECRET;

/// A running emulator.
pub struct RunningEmulator {
    /// The base URL its API answers under (`<url>/1.0`).
    pub url: String,
    pub task: tokio::task::JoinHandle<()>,
    /// The emulated clusters' API servers.
    pub kube_task: tokio::task::JoinHandle<()>,
}

impl RunningEmulator {
    /// Stops serving.
    pub fn stop(&self) {
        self.task.abort();
        self.kube_task.abort();
    }
}

/// A build without the emulator cannot start one.
#[cfg(not(feature = "embedded-emulator"))]
pub async fn spawn(_: &Settings, _: SocketAddr) -> anyhow::Result<RunningEmulator> {
    anyhow::bail!(
        "this build has no provider emulator (built without the `embedded-emulator` feature): \
         set PILOTHOUSE_EMULATOR=false and configure [[projects]]"
    )
}

/// Binds `listen` and starts serving the emulator in the background; logs its URL and credentials.
#[cfg(feature = "embedded-emulator")]
pub async fn spawn(settings: &Settings, listen: SocketAddr) -> anyhow::Result<RunningEmulator> {
    let listener =
        TcpListener::bind(listen).await.with_context(|| format!("starting the emulator on {listen}"))?;
    let secret = settings.emulator_application_secret.as_ref();
    let config = EmulatorConfig {
        speed: settings.emulator_speed,
        state_file: Some(settings.data_dir.join("emulator.json")),
        rate_per_second: settings.emulator_rate_per_second,
        admin: match &settings.emulator_admin_token {
            Some(token) => admin::Access::Token(token.expose().to_string()),
            None => admin::Access::Open,
        },
        ..EmulatorConfig::new(
            &settings.emulator_project,
            &settings.emulator_application_key,
            secret.map_or(DEFAULT_APPLICATION_SECRET, |s| s.expose()),
            &settings.emulator_consumer_key,
        )
    };
    let running = serve(listener, config).context("reading the emulator's saved state")?;
    let kube_listener =
        bind_kube_api(settings.emulator_kube_listen, running.emulator.saved_kube_address()).await?;
    let kube_address = kube_listener.local_addr()?;
    let kube_task = emulator::kube::serve(kube_listener, running.emulator.clone())
        .context("starting the emulated clusters' API servers")?;
    let url = running.url;
    tracing::info!(
        url = %format!("{url}/1.0"),
        application_key = %settings.emulator_application_key,
        application_secret = if secret.is_some() { "(as configured)" } else { DEFAULT_APPLICATION_SECRET },
        consumer_key = %settings.emulator_consumer_key,
        project = %settings.emulator_project,
        speed = settings.emulator_speed,
        kube_api = %format!("https://{kube_address}"),
        "provider emulator ready"
    );
    Ok(RunningEmulator { url, task: running.task, kube_task })
}

/// Binds the clusters' API server address: with port 0, the previous run's address first.
#[cfg(feature = "embedded-emulator")]
async fn bind_kube_api(requested: SocketAddr, saved: Option<SocketAddr>) -> anyhow::Result<TcpListener> {
    if requested.port() == 0
        && let Some(saved) = saved.filter(|s| s.ip() == requested.ip())
        && let Ok(listener) = TcpListener::bind(saved).await
    {
        return Ok(listener);
    }
    TcpListener::bind(requested)
        .await
        .with_context(|| format!("starting the emulated clusters' API servers on {requested}"))
}

#[cfg(all(test, feature = "embedded-emulator"))]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    #[tokio::test]
    async fn serves_the_providers_time_endpoint_and_keeps_its_state_in_the_data_directory() {
        let data = tempfile::tempdir().unwrap();
        let mut settings = Settings::load_from(["pilothouse"], |_| None).unwrap();
        settings.data_dir = data.path().to_path_buf();
        let running = spawn(&settings, "127.0.0.1:0".parse().unwrap()).await.unwrap();
        let address = running.url.trim_start_matches("http://");
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        let request = format!(
            "POST /emulator/clock/advance HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: 14\r\nConnection: close\r\n\r\n{{\"seconds\": 1}}"
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.to_ascii_lowercase().contains("x-ovh-queryid: emu."));
        assert!(data.path().join("emulator.json").exists());
        running.stop();
    }
}
