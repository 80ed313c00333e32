//! `pilothouse`: reads its settings and serves the console.

use server::config::{Cli, Command};

/// Stack of each runtime thread: rendering a deep page on the server takes more than the
/// default 2 MiB in unoptimised builds.
const THREAD_STACK: usize = 8 * 1024 * 1024;

fn main() -> anyhow::Result<()> {
    let Cli { command, settings } = Cli::load()?;
    let runtime =
        tokio::runtime::Builder::new_multi_thread().enable_all().thread_stack_size(THREAD_STACK).build()?;
    // The command line prints only its answers: no server log.
    if let Some(Command::Cli(args)) = command {
        if let Err(error) = runtime.block_on(server::cli::run(args)) {
            eprintln!("error: {error:#}");
            std::process::exit(1);
        }
        return Ok(());
    }
    server::telemetry::init(settings.log_format, &settings.log)?;
    let result = runtime.block_on(async {
        match command {
            None => server::run(settings).await,
            Some(Command::Emulator { listen }) => server::run_emulator(settings, listen).await,
            Some(Command::Probe { url }) => server::routes::health::probe(&url).await,
            Some(Command::Cli(_)) => unreachable!("run above"),
            Some(Command::Openapi) => {
                println!("{}", server::rest::document().to_pretty_json()?);
                Ok(())
            }
        }
    });
    result.inspect_err(|error| tracing::error!("{error:#}"))
}
