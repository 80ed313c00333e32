//! Settings that are secrets: read only from the environment, a file it names, or the TOML
//! file, and never printed.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The part of `--help` for settings that have no flag.
pub(super) const SECRET_HELP: &str = "\
Settings read only from the environment or the TOML file (secrets):
  PILOTHOUSE_DATABASE_URL       postgres://user:password@host/db, or sqlite://path
                                [default: SQLite file pilothouse.db in the data directory]
  PILOTHOUSE_DATABASE_URL_FILE  a file holding the database URL (for container secrets)
  PILOTHOUSE_EMULATOR_APPLICATION_SECRET
                                the application secret the emulator accepts
                                [default: pilothouse-emulator-secret]
  PILOTHOUSE_EMULATOR_APPLICATION_SECRET_FILE
                                a file holding it
  PILOTHOUSE_EMULATOR_ADMIN_TOKEN
                                bearer token the emulator's admin API (/emulator/…)
                                requires; without one that API is served on loopback
                                addresses only [default: none]
  PILOTHOUSE_EMULATOR_ADMIN_TOKEN_FILE
                                a file holding it
  PILOTHOUSE_OIDC_CLIENT_SECRET the console's client secret at the OpenID issuer
  PILOTHOUSE_OIDC_CLIENT_SECRET_FILE
                                a file holding it
  PILOTHOUSE_METRICS_TOKEN      serve /metrics on the console's address too, to
                                requests with `Authorization: Bearer <token>`
  PILOTHOUSE_METRICS_TOKEN_FILE a file holding it
  PILOTHOUSE_SMTP_URL           the SMTP server notification emails go through:
                                smtp://user:password@host:587?tls=required
                                (STARTTLS), smtps://… (TLS), or smtp://host:25
                                (plain, no password: a relay on this machine)
                                [default: no email]
  PILOTHOUSE_SMTP_URL_FILE      a file holding it
  PILOTHOUSE_ENCRYPTION_KEY     32 bytes, base64: encrypts secrets kept in the
                                database (webhook signing keys); every replica
                                needs the same [default: a key generated in the
                                data directory, file encryption.key]
  PILOTHOUSE_ENCRYPTION_KEY_FILE
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
    /// Wraps a value read from the environment, a file or the settings file.
    pub(super) fn new(value: String) -> Self {
        Self(value)
    }

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
pub(super) const SECRETS: [(&str, &str); 7] = [
    ("database_url", "PILOTHOUSE_DATABASE_URL"),
    ("emulator_application_secret", "PILOTHOUSE_EMULATOR_APPLICATION_SECRET"),
    ("oidc_client_secret", "PILOTHOUSE_OIDC_CLIENT_SECRET"),
    ("emulator_admin_token", "PILOTHOUSE_EMULATOR_ADMIN_TOKEN"),
    ("metrics_token", "PILOTHOUSE_METRICS_TOKEN"),
    ("smtp_url", "PILOTHOUSE_SMTP_URL"),
    ("encryption_key", "PILOTHOUSE_ENCRYPTION_KEY"),
];
