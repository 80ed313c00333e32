//! Settings: command-line flags, `PILOTHOUSE_*` environment variables and an optional TOML file.
//!
//! Precedence: a flag, then its environment variable, then the file, then the default shown by
//! `pilothouse --help`. Secrets (the database URL, which may hold a password) are never taken
//! from the command line, where other users of the machine could read them: only from the
//! environment, a `*_FILE` environment variable naming a file, or the TOML file.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::parser::ValueSource;
use clap::{ArgAction, ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use serde::{Deserialize, Serialize};

mod secret;

pub use secret::Secret;
use secret::{SECRET_HELP, SECRETS};

/// The command line: an optional subcommand and every setting.
#[derive(Debug, Parser)]
#[command(
    name = "pilothouse",
    version,
    about = "Pilothouse: a web console for managed Kubernetes.",
    after_help = SECRET_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub settings: Settings,
}

/// What to run instead of the console.
#[derive(Clone, Debug, Subcommand)]
pub enum Command {
    /// Run only the provider emulator (with the PILOTHOUSE_EMULATOR_* settings), without the console.
    Emulator {
        /// Address and port to serve the emulator on.
        #[arg(long, default_value = "127.0.0.1:3100")]
        listen: SocketAddr,
    },
    /// Ask a console whether it is up, for container health checks and exec probes (images
    /// without curl): exits with 0 when `url` answers with a 2xx status within 5 seconds.
    Probe {
        /// What to ask.
        #[arg(default_value = "http://127.0.0.1:3000/healthz")]
        url: String,
    },
    /// Print the OpenAPI document of the REST API (`/api/v1/openapi.json`).
    Openapi,
    /// Use a console's REST API with an API token: `login`, `clusters`, `pools`, `kubeconfig`,
    /// `wait`.
    Cli(crate::cli::CliArgs),
}

/// Every setting of the server.
#[derive(Clone, Debug, Args, Serialize, Deserialize)]
pub struct Settings {
    /// TOML file with settings (keys as the long flag names, with `_` for `-`).
    #[arg(long, env = "PILOTHOUSE_CONFIG")]
    #[serde(skip)]
    pub config: Option<PathBuf>,

    /// Address and port to listen on.
    #[arg(long, env = "PILOTHOUSE_LISTEN", default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    /// Directory for local state (the SQLite database among it); created if missing.
    #[arg(long, env = "PILOTHOUSE_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Most database connections held open at once.
    #[arg(long, env = "PILOTHOUSE_DATABASE_MAX_CONNECTIONS", default_value_t = 10)]
    pub database_max_connections: u32,

    /// Directory of the built site: the wasm, JavaScript and CSS bundle and the public files.
    #[arg(long, env = "PILOTHOUSE_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// Log format.
    #[arg(long, env = "PILOTHOUSE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Human)]
    pub log_format: LogFormat,

    /// Which log lines to keep, as tracing filter directives (e.g. `info`, `server=debug,info`).
    #[arg(long, env = "PILOTHOUSE_LOG", default_value = "info")]
    pub log: String,

    /// Seconds between SIGTERM (or SIGINT) and closing the listener, while `/readyz` answers
    /// 503 and requests are still served: time for load balancers to stop sending any.
    #[arg(long, env = "PILOTHOUSE_SHUTDOWN_DRAIN_SECONDS", default_value_t = 0.0)]
    pub shutdown_drain_seconds: f64,

    /// Seconds open requests may take to finish after SIGINT or SIGTERM.
    #[arg(long, env = "PILOTHOUSE_SHUTDOWN_GRACE_SECONDS", default_value_t = 10)]
    pub shutdown_grace_seconds: u64,

    /// Milliseconds between two looks at the provider while an operation waits for it.
    #[arg(long, env = "PILOTHOUSE_OPERATIONS_POLL_MS", default_value_t = 2000)]
    pub operations_poll_ms: u64,

    /// Seconds between two reads of a project's cluster list while nothing changes: the most the
    /// catalog backs off to.
    #[arg(long, env = "PILOTHOUSE_CATALOG_IDLE_SECONDS", default_value_t = 30)]
    pub catalog_idle_seconds: u64,

    /// A page showing a cluster list older than this many seconds has the catalog read it again;
    /// 0: every page reads the list first.
    #[arg(long, env = "PILOTHOUSE_CATALOG_VIEW_REFRESH_SECONDS", default_value_t = 15)]
    pub catalog_view_refresh_seconds: u64,

    /// Every cluster's pools, nodes and etcd figures are read at least this often (what the
    /// fleet and notifications see of clusters no page has open).
    #[arg(long, env = "PILOTHOUSE_CATALOG_SWEEP_SECONDS", default_value_t = 600)]
    pub catalog_sweep_seconds: u64,

    /// Live-update streams one user may hold open at once (a browser tab opens one or two).
    #[arg(long, env = "PILOTHOUSE_LIVE_STREAMS_PER_USER", default_value_t = 16)]
    pub live_streams_per_user: usize,

    /// Address to serve Prometheus metrics on (`/metrics`, without authentication: keep it on a
    /// network only the monitoring reaches); none: no metrics listener.
    #[arg(long, env = "PILOTHOUSE_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,

    /// Run the provider emulator inside the console, on a loopback port.
    #[arg(long, env = "PILOTHOUSE_EMULATOR", default_value_t = true, action = ArgAction::Set)]
    pub emulator: bool,

    /// Address of the embedded emulator; port 0 picks a free port (logged at start-up).
    #[arg(long, env = "PILOTHOUSE_EMULATOR_LISTEN", default_value = "127.0.0.1:0")]
    pub emulator_listen: SocketAddr,

    /// Address of the emulated clusters' Kubernetes API (HTTPS, one listener for all clusters;
    /// their kubeconfigs point here). Port 0 reuses the previous run's port when free, so
    /// downloaded kubeconfigs keep working, or picks a free one.
    #[arg(long, env = "PILOTHOUSE_EMULATOR_KUBE_LISTEN", default_value = "127.0.0.1:0")]
    pub emulator_kube_listen: SocketAddr,

    /// Application key the emulator accepts.
    #[arg(long, env = "PILOTHOUSE_EMULATOR_APPLICATION_KEY", default_value = "pilothouse-emulator")]
    pub emulator_application_key: String,

    /// Consumer key the emulator accepts from the start.
    #[arg(long, env = "PILOTHOUSE_EMULATOR_CONSUMER_KEY", default_value = "pilothouse-emulator-consumer")]
    pub emulator_consumer_key: String,

    /// The emulator's project id (32 hexadecimal characters).
    #[arg(long, env = "PILOTHOUSE_EMULATOR_PROJECT", default_value = "0123456789abcdef0123456789abcdef")]
    pub emulator_project: String,

    /// How much faster than the provider's real durations the emulator runs (1 = real time).
    #[arg(long, env = "PILOTHOUSE_EMULATOR_SPEED", default_value_t = 60.0)]
    pub emulator_speed: f64,

    /// API calls per second the emulator answers before it refuses with 429, as a rate-limited
    /// provider would (0: no limit).
    #[arg(long, env = "PILOTHOUSE_EMULATOR_RATE_PER_SECOND", default_value_t = 0.0)]
    pub emulator_rate_per_second: f64,

    /// The console's address as browsers reach it (scheme, host, port); sign-in returns to
    /// `<public URL>/auth/callback`. Default: `http://` and the listen address.
    #[arg(long, env = "PILOTHOUSE_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// The OpenID Connect issuer users sign in with; none runs the console as a single local
    /// admin ("local mode"), allowed only on a loopback address.
    #[arg(long, env = "PILOTHOUSE_OIDC_ISSUER_URL")]
    pub oidc_issuer_url: Option<String>,

    /// The console's client id at the issuer.
    #[arg(long, env = "PILOTHOUSE_OIDC_CLIENT_ID", default_value = "pilothouse")]
    pub oidc_client_id: String,

    /// Scopes asked for at sign-in, separated by spaces.
    #[arg(long, env = "PILOTHOUSE_OIDC_SCOPES", default_value = "openid profile email groups")]
    pub oidc_scopes: String,

    /// PEM certificates to trust for the issuer besides the public roots (an issuer with a
    /// private certificate authority); also trusted when checking clusters' OIDC issuers.
    #[arg(long, env = "PILOTHOUSE_OIDC_CA_FILE")]
    pub oidc_ca_file: Option<PathBuf>,

    /// The client id kubectl signs in with (kubelogin) for per-user kubeconfigs: a public client
    /// of the issuer, and the audience clusters set to "use the console's identity provider"
    /// accept.
    #[arg(long, env = "PILOTHOUSE_OIDC_KUBECTL_CLIENT_ID", default_value = "kubernetes")]
    pub oidc_kubectl_client_id: String,

    /// The claim that names the user.
    #[arg(long, env = "PILOTHOUSE_OIDC_USERNAME_CLAIM", default_value = "preferred_username")]
    pub oidc_username_claim: String,

    /// The claim that lists the user's groups.
    #[arg(long, env = "PILOTHOUSE_OIDC_GROUPS_CLAIM", default_value = "groups")]
    pub oidc_groups_claim: String,

    /// Groups whose members are admins of the `default` project (comma-separated).
    #[arg(long, env = "PILOTHOUSE_ROLE_ADMIN_GROUPS", value_delimiter = ',')]
    #[serde(default)]
    pub role_admin_groups: Vec<String>,

    /// Groups whose members are operators of the `default` project (comma-separated).
    #[arg(long, env = "PILOTHOUSE_ROLE_OPERATOR_GROUPS", value_delimiter = ',')]
    #[serde(default)]
    pub role_operator_groups: Vec<String>,

    /// Groups whose members are viewers of the `default` project (comma-separated).
    #[arg(long, env = "PILOTHOUSE_ROLE_VIEWER_GROUPS", value_delimiter = ',')]
    #[serde(default)]
    pub role_viewer_groups: Vec<String>,

    /// Minutes without a request after which a session ends.
    #[arg(long, env = "PILOTHOUSE_SESSION_IDLE_MINUTES", default_value_t = 60)]
    pub session_idle_minutes: u64,

    /// Hours after sign-in after which a session ends however active.
    #[arg(long, env = "PILOTHOUSE_SESSION_LIFETIME_HOURS", default_value_t = 12)]
    pub session_lifetime_hours: u64,

    /// Hours an API token keeps working after its user's groups were last read from the identity
    /// provider (at sign-in or a session refresh); after that the user must sign in again.
    #[arg(long, env = "PILOTHOUSE_TOKEN_GROUPS_MAX_AGE_HOURS", default_value_t = 168)]
    pub token_groups_max_age_hours: u64,

    /// Allow API tokens that never expire in the `default` project (other projects: the
    /// `tokens_never_expire` key of their `[[projects]]` table).
    #[arg(long, env = "PILOTHOUSE_TOKENS_NEVER_EXPIRE", default_value_t = false, action = ArgAction::Set)]
    pub tokens_never_expire: bool,

    /// The provider's price book cost estimates use (`FR`, `GB`, `US`, …: the `ovhSubsidiary` of
    /// its price catalog); `none` shows example prices instead.
    #[arg(long, env = "PILOTHOUSE_PRICE_SUBSIDIARY", default_value = "FR")]
    pub price_subsidiary: String,

    /// The sender of notification emails (`Pilothouse <pilothouse@example.com>`).
    #[arg(long, env = "PILOTHOUSE_SMTP_FROM", default_value = "Pilothouse <pilothouse@localhost>")]
    pub smtp_from: String,

    /// Seconds before a failed notification delivery is tried again; doubled after every failed
    /// attempt (at most an hour), ten attempts in all.
    #[arg(long, env = "PILOTHOUSE_NOTIFY_RETRY_SECONDS", default_value_t = 30)]
    pub notify_retry_seconds: u64,

    /// Mark the session cookie Secure (sent over https only); default: on unless the console is
    /// served over http on a loopback address.
    #[arg(long, env = "PILOTHOUSE_COOKIE_SECURE")]
    pub cookie_secure: Option<bool>,

    /// Database URL; see below. Never read from the command line.
    #[arg(skip)]
    pub database_url: Option<Secret>,

    /// The emulator's application secret; see below. Never read from the command line.
    #[arg(skip)]
    pub emulator_application_secret: Option<Secret>,

    /// The console's client secret at the issuer; see below. Never read from the command line.
    #[arg(skip)]
    pub oidc_client_secret: Option<Secret>,

    /// The bearer token the emulator's admin API requires; see below. Never read from the
    /// command line.
    #[arg(skip)]
    pub emulator_admin_token: Option<Secret>,

    /// The bearer token `/metrics` on the console's own address asks for; see below. Never read
    /// from the command line.
    #[arg(skip)]
    pub metrics_token: Option<Secret>,

    /// The SMTP server notification emails are sent through; see below. Never read from the
    /// command line.
    #[arg(skip)]
    pub smtp_url: Option<Secret>,

    /// The key secrets kept in the database are encrypted with; see below. Never read from the
    /// command line.
    #[arg(skip)]
    pub encryption_key: Option<Secret>,

    /// Provider projects (`[[projects]]` tables of the settings file); see below.
    #[arg(skip)]
    #[serde(default)]
    pub projects: Vec<crate::projects::ProjectSettings>,
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Readable lines for a terminal.
    Human,
    /// One JSON object per line, for log collectors.
    Json,
}

impl Settings {
    /// Settings from `args` and the environment seen through `env` (the subcommand ignored);
    /// separate from [`Cli::load`] so tests need not change the process environment.
    pub fn load_from<I, T>(args: I, env: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        Cli::load_from(args, env).map(|cli| cli.settings)
    }
}

impl Cli {
    /// The command line, environment and (if named) TOML file of this process.
    pub fn load() -> anyhow::Result<Self> {
        Self::load_from(std::env::args_os(), |name| std::env::var(name).ok())
    }

    /// The command and settings from `args` and the environment seen through `env`.
    pub fn load_from<I, T>(args: I, env: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let matches = Self::command().get_matches_from(args);
        let command = match matches.subcommand() {
            Some(_) => Some(Command::from_arg_matches(&matches)?),
            None => None,
        };
        let mut settings = Settings::from_arg_matches(&matches)?;
        if let Some(path) = settings.config.clone() {
            settings = settings.overlay_file(&path, &matches)?;
        }
        for (key, variable) in SECRETS {
            let from_env = match (env(variable), env(&format!("{variable}_FILE"))) {
                (Some(value), _) => Some(value),
                (None, Some(file)) => Some(
                    std::fs::read_to_string(&file)
                        .with_context(|| format!("reading {variable}_FILE ({file})"))?
                        .trim()
                        .to_string(),
                ),
                (None, None) => None,
            };
            if let Some(value) = from_env.filter(|v| !v.is_empty()) {
                match key {
                    "database_url" => settings.database_url = Some(Secret::new(value)),
                    "emulator_application_secret" => {
                        settings.emulator_application_secret = Some(Secret::new(value))
                    }
                    "oidc_client_secret" => settings.oidc_client_secret = Some(Secret::new(value)),
                    "emulator_admin_token" => settings.emulator_admin_token = Some(Secret::new(value)),
                    "metrics_token" => settings.metrics_token = Some(Secret::new(value)),
                    "smtp_url" => settings.smtp_url = Some(Secret::new(value)),
                    "encryption_key" => settings.encryption_key = Some(Secret::new(value)),
                    _ => unreachable!("every secret is assigned above"),
                }
            }
        }
        Ok(Self { command, settings })
    }
}

impl Settings {
    /// The price book to read, upper-case; `None` for `none` or an empty setting.
    pub fn price_subsidiary(&self) -> Option<String> {
        let book = self.price_subsidiary.trim().to_ascii_uppercase();
        (!book.is_empty() && book != "NONE").then_some(book)
    }

    /// Applies the TOML file's values to every setting still at its default.
    fn overlay_file(self, path: &Path, matches: &ArgMatches) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let file: toml::Table =
            text.parse().with_context(|| format!("{} is not valid TOML", path.display()))?;
        let config = self.config.clone();
        let mut merged = toml::Table::try_from(&self)?;
        for (key, value) in file {
            let is_secret = SECRETS.iter().any(|(k, _)| *k == key) || key == "projects";
            // Every declared setting, given or not (settings without a default included).
            let is_flag =
                key != "config" && Cli::command().get_arguments().any(|arg| arg.get_id() == key.as_str());
            if !is_secret && !is_flag {
                bail!("{}: unknown setting `{key}` (see pilothouse --help)", path.display());
            }
            let given = is_flag
                && matches!(
                    matches.value_source(&key),
                    Some(ValueSource::CommandLine | ValueSource::EnvVariable)
                );
            if !given {
                merged.insert(key, value);
            }
        }
        let mut settings: Settings =
            merged.try_into().with_context(|| format!("{}: a setting has the wrong type", path.display()))?;
        settings.config = config;
        Ok(settings)
    }
}

#[cfg(test)]
mod tests;
