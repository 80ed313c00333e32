//! Running the provider emulator: embedded next to the console by default, or on its own with
//! `pilothouse emulator`. Its state lives in the data directory (`emulator.json`).

use std::net::SocketAddr;

use anyhow::Context;
use provider::emulator::{EmulatorConfig, serve};
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
    let secret = settings.emulator_application_secret.as_ref();
    let config = EmulatorConfig {
        speed: settings.emulator_speed,
        state_file: Some(settings.data_dir.join("emulator.json")),
        ..EmulatorConfig::new(
            &settings.emulator_project,
            &settings.emulator_application_key,
            secret.map_or(DEFAULT_APPLICATION_SECRET, |s| s.expose()),
            &settings.emulator_consumer_key,
        )
    };
    let running = serve(listener, config).context("reading the emulator's saved state")?;
    let url = running.url;
    tracing::info!(
        url = %format!("{url}/1.0"),
        application_key = %settings.emulator_application_key,
        application_secret = if secret.is_some() { "(as configured)" } else { DEFAULT_APPLICATION_SECRET },
        consumer_key = %settings.emulator_consumer_key,
        project = %settings.emulator_project,
        speed = settings.emulator_speed,
        "provider emulator ready"
    );
    Ok(RunningEmulator { url, task: running.task })
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
