//! Settings: command-line flags, `PILOTHOUSE_*` environment variables and an optional TOML file.
//!
//! Precedence: a flag, then its environment variable, then the file, then the default shown by
//! `pilothouse --help`. Secrets (the database URL, which may hold a password) are never taken
//! from the command line, where other users of the machine could read them: only from the
//! environment, a `*_FILE` environment variable naming a file, or the TOML file.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::parser::ValueSource;
use clap::{ArgAction, ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use serde::{Deserialize, Serialize};

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

    /// Seconds open requests may take to finish after SIGINT or SIGTERM.
    #[arg(long, env = "PILOTHOUSE_SHUTDOWN_GRACE_SECONDS", default_value_t = 10)]
    pub shutdown_grace_seconds: u64,

    /// Milliseconds between two looks at the provider while an operation waits for it.
    #[arg(long, env = "PILOTHOUSE_OPERATIONS_POLL_MS", default_value_t = 2000)]
    pub operations_poll_ms: u64,

    /// Run the provider emulator inside the console, on a loopback port.
    #[arg(long, env = "PILOTHOUSE_EMULATOR", default_value_t = true, action = ArgAction::Set)]
    pub emulator: bool,

    /// Address of the embedded emulator; port 0 picks a free port (logged at start-up).
    #[arg(long, env = "PILOTHOUSE_EMULATOR_LISTEN", default_value = "127.0.0.1:0")]
    pub emulator_listen: SocketAddr,

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

/// The part of `--help` for settings that have no flag.
const SECRET_HELP: &str = "\
Settings read only from the environment or the TOML file (secrets):
  PILOTHOUSE_DATABASE_URL       postgres://user:password@host/db, or sqlite://path
                                [default: SQLite file pilothouse.db in the data directory]
  PILOTHOUSE_DATABASE_URL_FILE  a file holding the database URL (for container secrets)
  PILOTHOUSE_EMULATOR_APPLICATION_SECRET
                                the application secret the emulator accepts
                                [default: pilothouse-emulator-secret]
  PILOTHOUSE_EMULATOR_APPLICATION_SECRET_FILE
                                a file holding it
  PILOTHOUSE_OIDC_CLIENT_SECRET the console's client secret at the OpenID issuer
  PILOTHOUSE_OIDC_CLIENT_SECRET_FILE
                                a file holding it

Provider projects, only in the settings file, one [[projects]] table each:
  id, name                      the console's id (lowercase, digits, -) and display name
  endpoint                      eu, ca, us, emulator, or an API root URL ending in /1.0
  service_name                  the provider's project id [default with emulator: its project]
  application_key, application_secret, consumer_key
                                an application's credentials ($1$ signatures), or
  oauth2_client_id, oauth2_client_secret [, oauth2_token_url]
                                a service account (client-credentials grant)
  rate_per_second               calls per second to the provider [default: 10]
  admin_groups, operator_groups, viewer_groups
                                identity-provider groups given each role in the project
  Without any, the console has one project, \"default\", on the embedded emulator.";

/// A value that must not appear in logs or error messages.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// The secret itself, for the one place that uses it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Secret settings: (TOML key, environment variable).
const SECRETS: [(&str, &str); 3] = [
    ("database_url", "PILOTHOUSE_DATABASE_URL"),
    ("emulator_application_secret", "PILOTHOUSE_EMULATOR_APPLICATION_SECRET"),
    ("oidc_client_secret", "PILOTHOUSE_OIDC_CLIENT_SECRET"),
];

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
                    "database_url" => settings.database_url = Some(Secret(value)),
                    "emulator_application_secret" => {
                        settings.emulator_application_secret = Some(Secret(value))
                    }
                    "oidc_client_secret" => settings.oidc_client_secret = Some(Secret(value)),
                    _ => unreachable!("every secret is assigned above"),
                }
            }
        }
        Ok(Self { command, settings })
    }
}

impl Settings {
    /// Applies the TOML file's values to every setting still at its default.
    fn overlay_file(self, path: &Path, matches: &ArgMatches) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let file: toml::Table =
            text.parse().with_context(|| format!("{} is not valid TOML", path.display()))?;
        let config = self.config.clone();
        let mut merged = toml::Table::try_from(&self)?;
        for (key, value) in file {
            let is_secret = SECRETS.iter().any(|(k, _)| *k == key) || key == "projects";
            let is_flag = key != "config" && matches.ids().any(|id| id.as_str() == key);
            if !is_secret && !is_flag {
                bail!("{}: unknown setting `{key}` (see pilothouse --help)", path.display());
            }
            if is_secret || matches.value_source(&key) == Some(ValueSource::DefaultValue) {
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
mod tests {
    use super::*;
    use std::io::Write;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn file_with(contents: &str) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(contents.as_bytes()).unwrap();
        file
    }

    #[test]
    fn defaults_match_the_documented_ones() {
        let s = Settings::load_from(["pilothouse"], no_env).unwrap();
        assert_eq!(s.listen, "127.0.0.1:3000".parse().unwrap());
        assert_eq!(s.data_dir, PathBuf::from("data"));
        assert_eq!(s.log_format, LogFormat::Human);
        assert!(s.database_url.is_none());
    }

    #[test]
    fn file_fills_defaults_but_flags_win() {
        let file = file_with(
            "listen = \"0.0.0.0:8080\"\ndata_dir = \"/var/lib/pilothouse\"\nlog_format = \"json\"\n",
        );
        let path = file.path().to_str().unwrap();
        let s = Settings::load_from(["pilothouse", "--config", path, "--data-dir", "here"], no_env).unwrap();
        assert_eq!(s.listen, "0.0.0.0:8080".parse().unwrap());
        assert_eq!(s.data_dir, PathBuf::from("here"));
        assert_eq!(s.log_format, LogFormat::Json);
    }

    #[test]
    fn unknown_file_keys_are_named() {
        let file = file_with("lisen = \"0.0.0.0:8080\"\n");
        let path = file.path().to_str().unwrap();
        let err = Settings::load_from(["pilothouse", "--config", path], no_env).unwrap_err();
        assert!(err.to_string().contains("unknown setting `lisen`"), "{err}");
    }

    #[test]
    fn database_url_comes_from_env_or_file_and_is_redacted() {
        let file = file_with("database_url = \"postgres://u:from-file@h/db\"\n");
        let path = file.path().to_str().unwrap();
        let from_file = Settings::load_from(["pilothouse", "--config", path], no_env).unwrap();
        assert_eq!(from_file.database_url.as_ref().unwrap().expose(), "postgres://u:from-file@h/db");

        let env = |name: &str| {
            (name == "PILOTHOUSE_DATABASE_URL").then(|| "postgres://u:from-env@h/db".to_string())
        };
        let from_env = Settings::load_from(["pilothouse", "--config", path], env).unwrap();
        assert_eq!(from_env.database_url.as_ref().unwrap().expose(), "postgres://u:from-env@h/db");
        assert!(!format!("{from_env:?}").contains("from-env"));
    }

    #[test]
    fn projects_come_from_the_file_with_their_secrets_redacted() {
        let file = file_with(
            "[[projects]]\nid = \"team-a\"\nname = \"Team A\"\nendpoint = \"eu\"\nservice_name = \"abc\"\n\
             oauth2_client_id = \"EU.sa\"\noauth2_client_secret = \"s3cret\"\n",
        );
        let path = file.path().to_str().unwrap();
        let s = Settings::load_from(["pilothouse", "--config", path], no_env).unwrap();
        assert_eq!(s.projects.len(), 1);
        assert_eq!(s.projects[0].id, "team-a");
        assert!(!format!("{s:?}").contains("s3cret"));
        let projects = crate::projects::Projects::from_settings(&s, None).unwrap();
        let team = projects.get("team-a").unwrap();
        assert_eq!(team.service_name, "abc");
        assert!(!format!("{team:?}").contains("s3cret"));

        let typo =
            file_with("[[projects]]\nid = \"x\"\nname = \"X\"\nendpoint = \"eu\"\nsevice_name = \"abc\"\n");
        let err = Settings::load_from(["pilothouse", "--config", typo.path().to_str().unwrap()], no_env);
        assert!(format!("{:#}", err.unwrap_err()).contains("sevice_name"));
    }

    #[test]
    fn without_projects_the_console_has_one_on_the_emulator() {
        let s = Settings::load_from(["pilothouse"], no_env).unwrap();
        let projects = crate::projects::Projects::from_settings(&s, Some("http://127.0.0.1:9")).unwrap();
        assert_eq!(projects.get("default").unwrap().service_name, s.emulator_project);
        let err = crate::projects::Projects::from_settings(&s, None).unwrap_err();
        assert!(err.to_string().contains("no provider projects configured"));
    }

    #[test]
    fn the_emulator_runs_alone_as_a_subcommand() {
        let cli = Cli::load_from(["pilothouse", "emulator", "--listen", "127.0.0.1:4000"], no_env).unwrap();
        assert!(matches!(cli.command, Some(Command::Emulator { listen }) if listen.port() == 4000));
        assert!(Cli::load_from(["pilothouse"], no_env).unwrap().command.is_none());
        let off = Settings::load_from(["pilothouse", "--emulator", "false"], no_env).unwrap();
        assert!(!off.emulator);
    }

    #[test]
    fn help_lists_every_setting_with_its_default() {
        let help = Cli::command().render_long_help().to_string();
        for variable in [
            "PILOTHOUSE_CONFIG",
            "PILOTHOUSE_LISTEN",
            "PILOTHOUSE_DATA_DIR",
            "PILOTHOUSE_DATABASE_URL",
            "PILOTHOUSE_DATABASE_MAX_CONNECTIONS",
            "PILOTHOUSE_SITE_ROOT",
            "PILOTHOUSE_LOG_FORMAT",
            "PILOTHOUSE_LOG",
            "PILOTHOUSE_SHUTDOWN_GRACE_SECONDS",
            "PILOTHOUSE_OPERATIONS_POLL_MS",
            "PILOTHOUSE_PUBLIC_URL",
            "PILOTHOUSE_OIDC_ISSUER_URL",
            "PILOTHOUSE_OIDC_CLIENT_ID",
            "PILOTHOUSE_OIDC_CLIENT_SECRET",
            "PILOTHOUSE_OIDC_SCOPES",
            "PILOTHOUSE_OIDC_USERNAME_CLAIM",
            "PILOTHOUSE_OIDC_GROUPS_CLAIM",
            "PILOTHOUSE_ROLE_ADMIN_GROUPS",
            "PILOTHOUSE_ROLE_OPERATOR_GROUPS",
            "PILOTHOUSE_ROLE_VIEWER_GROUPS",
            "PILOTHOUSE_SESSION_IDLE_MINUTES",
            "PILOTHOUSE_SESSION_LIFETIME_HOURS",
            "PILOTHOUSE_COOKIE_SECURE",
            "PILOTHOUSE_EMULATOR",
            "PILOTHOUSE_EMULATOR_LISTEN",
            "PILOTHOUSE_EMULATOR_APPLICATION_KEY",
            "PILOTHOUSE_EMULATOR_APPLICATION_SECRET",
            "PILOTHOUSE_EMULATOR_CONSUMER_KEY",
            "PILOTHOUSE_EMULATOR_PROJECT",
            "PILOTHOUSE_EMULATOR_SPEED",
        ] {
            assert!(help.contains(variable), "--help lacks {variable}");
        }
        assert!(help.contains("[default: 127.0.0.1:3000]"));
    }
}
