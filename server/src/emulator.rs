//! Running the provider emulator: embedded next to the console by default, or on its own with
//! `pilothouse emulator`. Its state lives in the data directory (`emulator.json`).

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use provider::emulator::{Emulator, EmulatorConfig, router};
use tokio::net::TcpListener;

use crate::config::Settings;

/// The application secret when none is configured: the emulator is a local stand-in for the
/// provider, so its default credentials are printed at start-up for the user to copy.
pub const DEFAULT_APPLICATION_SECRET: &str = "pilothouse-emulator-secret";

/// A running emulator.
pub struct RunningEmulator {
    /// The base URL its API answers under (`<url>/1.0`).
    pub url: String,
    pub task: tokio::task::JoinHandle<()>,
}

/// Binds `listen` and starts serving the emulator in the background; logs its URL and credentials.
pub async fn spawn(settings: &Settings, listen: SocketAddr) -> anyhow::Result<RunningEmulator> {
    let listener =
        TcpListener::bind(listen).await.with_context(|| format!("starting the emulator on {listen}"))?;
    let url = format!("http://{}", listener.local_addr()?);
    let secret = settings.emulator_application_secret.as_ref();
    let config = EmulatorConfig {
        application_key: settings.emulator_application_key.clone(),
        application_secret: secret.map_or(DEFAULT_APPLICATION_SECRET, |s| s.expose()).to_string(),
        consumer_key: settings.emulator_consumer_key.clone(),
        project: settings.emulator_project.clone(),
        public_url: Some(url.clone()),
        timestamp_window: Duration::from_secs(180),
        auto_validate_credentials: true,
        speed: settings.emulator_speed,
        state_file: Some(settings.data_dir.join("emulator.json")),
    };
    let emulator = Emulator::open(config).context("reading the emulator's saved state")?;
    tracing::info!(
        url = %format!("{url}/1.0"),
        application_key = %settings.emulator_application_key,
        application_secret = if secret.is_some() { "(as configured)" } else { DEFAULT_APPLICATION_SECRET },
        consumer_key = %settings.emulator_consumer_key,
        project = %settings.emulator_project,
        speed = settings.emulator_speed,
        "provider emulator ready"
    );
    let task = tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, router(emulator)).await {
            tracing::error!(%error, "the emulator stopped");
        }
    });
    Ok(RunningEmulator { url, task })
}

#[cfg(test)]
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
        running.task.abort();
    }
}
