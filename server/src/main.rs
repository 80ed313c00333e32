//! `pilothouse`: reads its settings and serves the console.

use server::config::Settings;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = Settings::load()?;
    server::telemetry::init(settings.log_format, &settings.log)?;
    server::run(settings).await.inspect_err(|error| tracing::error!("{error:#}"))
}
