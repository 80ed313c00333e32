//! Settings from flags, environment, files and `[[projects]]` tables; `--help` coverage.

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
    let file =
        file_with("listen = \"0.0.0.0:8080\"\ndata_dir = \"/var/lib/pilothouse\"\nlog_format = \"json\"\n");
    let path = file.path().to_str().unwrap();
    let s = Settings::load_from(["pilothouse", "--config", path, "--data-dir", "here"], no_env).unwrap();
    assert_eq!(s.listen, "0.0.0.0:8080".parse().unwrap());
    assert_eq!(s.data_dir, PathBuf::from("here"));
    assert_eq!(s.log_format, LogFormat::Json);
}

#[test]
fn file_sets_settings_that_have_no_default() {
    let file =
        file_with("oidc_issuer_url = \"https://sso.example.com\"\nmetrics_listen = \"0.0.0.0:9090\"\n");
    let path = file.path().to_str().unwrap();
    let s = Settings::load_from(["pilothouse", "--config", path], no_env).unwrap();
    assert_eq!(s.oidc_issuer_url.as_deref(), Some("https://sso.example.com"));
    assert_eq!(s.metrics_listen, Some("0.0.0.0:9090".parse().unwrap()));
    // A flag still beats the file.
    let s = Settings::load_from(
        ["pilothouse", "--config", path, "--oidc-issuer-url", "https://other.example.com"],
        no_env,
    )
    .unwrap();
    assert_eq!(s.oidc_issuer_url.as_deref(), Some("https://other.example.com"));
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

    let env =
        |name: &str| (name == "PILOTHOUSE_DATABASE_URL").then(|| "postgres://u:from-env@h/db".to_string());
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
