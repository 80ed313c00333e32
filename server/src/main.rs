//! `pilothouse`: reads its settings and serves the console.

use server::config::{Cli, Command};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let Cli { command, settings } = Cli::load()?;
    server::telemetry::init(settings.log_format, &settings.log)?;
    let result = match command {
        None => server::run(settings).await,
        Some(Command::Emulator { listen }) => server::run_emulator(settings, listen).await,
    };
    result.inspect_err(|error| tracing::error!("{error:#}"))
}
