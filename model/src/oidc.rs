//! A cluster's OpenID Connect configuration: how its API server trusts tokens from an identity
//! provider.
//!
//! Source: provider-api.md §4.6 (fields, defaults, `key=value` required claims, algorithms) and
//! testing-tools.md (kube-apiserver accepts only an `https` issuer).

use serde::{Deserialize, Serialize};

use crate::open_enum::open_enum;
use crate::validation::FieldErrors;

open_enum! {
    /// A token signing algorithm the API server accepts (`OpenIdConnectSigningAlgorithmsEnum`).
    pub enum SigningAlgorithm {
        Es256 = "ES256",
        Es384 = "ES384",
        Es512 = "ES512",
        Ps256 = "PS256",
        Ps384 = "PS384",
        Ps512 = "PS512",
        Rs256 = "RS256",
        Rs384 = "RS384",
        Rs512 = "RS512",
    }
}

/// The OIDC settings of one cluster.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OidcConfig {
    pub client_id: String,
    pub issuer_url: String,
    /// Claim used as the user name; the provider defaults to `sub`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username_claim: Option<String>,
    /// Prefix added to user names; `-` disables prefixing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username_prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups_claim: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups_prefix: Option<String>,
    /// `key=value` pairs every token must carry.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_claim: Vec<String>,
    /// Accepted algorithms; the provider defaults to RS256.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub signing_algorithms: Vec<SigningAlgorithm>,
    /// Base64 CA bundle for the issuer; the host's roots when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_content: Option<String>,
}

impl OidcConfig {
    /// Every problem with the configuration, each at its field.
    pub fn validate(&self) -> FieldErrors {
        let mut errors = FieldErrors::new();
        if self.client_id.trim().is_empty() {
            errors.add("clientId", "Enter the client ID the identity provider issued for this cluster.");
        }
        errors.check("issuerUrl", check_issuer(&self.issuer_url));
        for (i, claim) in self.required_claim.iter().enumerate() {
            let valid =
                claim.split_once('=').is_some_and(|(k, v)| !k.trim().is_empty() && !v.trim().is_empty());
            if !valid {
                errors.add(
                    format!("requiredClaim.{i}"),
                    "Write each required claim as key=value, like hd=example.com.",
                );
            }
        }
        for (i, algorithm) in self.signing_algorithms.iter().enumerate() {
            if let SigningAlgorithm::Other(name) = algorithm {
                errors.add(
                    format!("signingAlgorithms.{i}"),
                    format!("{name} is not an accepted algorithm: use RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384 or ES512."),
                );
            }
        }
        if let Some(ca) = &self.ca_content
            && !ca.trim().is_empty()
            && !ca
                .trim()
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'\n' | b'\r'))
        {
            errors.add("caContent", "Paste the CA certificate base64-encoded.");
        }
        errors
    }
}

/// The console's own identity provider, as a cluster's API server can trust it: the prefill of
/// "use the console's identity provider" and the settings of per-user kubeconfigs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConsoleIdentity {
    pub issuer_url: String,
    /// The client id kubectl signs in with, and the audience the API server checks.
    pub client_id: String,
    /// Scopes kubectl asks for besides `openid`.
    pub scopes: Vec<String>,
    pub username_claim: String,
    pub groups_claim: String,
    /// Base64 PEM authority for the issuer when it is not a public one (the console's own
    /// setting), so that API servers trust what the console trusts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_content: Option<String>,
}

/// The prefix given to user and group names from the console's issuer, so that they cannot
/// collide with the cluster's own (`system:` …) names.
pub const CONSOLE_PREFIX: &str = "oidc:";

impl ConsoleIdentity {
    /// A cluster configuration trusting this identity provider.
    pub fn prefill(&self) -> OidcConfig {
        OidcConfig {
            client_id: self.client_id.clone(),
            issuer_url: self.issuer_url.clone(),
            username_claim: Some(self.username_claim.clone()),
            username_prefix: Some(CONSOLE_PREFIX.into()),
            groups_claim: vec![self.groups_claim.clone()],
            groups_prefix: Some(CONSOLE_PREFIX.into()),
            ca_content: self.ca_content.clone(),
            ..OidcConfig::default()
        }
    }

    /// Whether `config` trusts tokens kubectl gets from this identity provider: same issuer
    /// (a trailing `/` aside) and same client id.
    pub fn is_trusted_by(&self, config: &OidcConfig) -> bool {
        config.issuer_url.trim().trim_end_matches('/') == self.issuer_url.trim_end_matches('/')
            && config.client_id.trim() == self.client_id
    }
}

/// A cluster's OIDC configuration and the console's identity provider (none in local mode).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OidcAccess {
    pub config: Option<OidcConfig>,
    pub console: Option<ConsoleIdentity>,
}

impl OidcAccess {
    /// The console's identity provider when the cluster trusts it: per-user kubeconfigs work.
    pub fn trusted_console(&self) -> Option<&ConsoleIdentity> {
        let config = self.config.as_ref()?;
        self.console.as_ref().filter(|console| console.is_trusted_by(config))
    }
}

/// The issuer must be an `https` URL with a host and no query or fragment.
fn check_issuer(url: &str) -> Result<(), &'static str> {
    let Some(rest) = url.trim().strip_prefix("https://") else {
        return Err("The issuer URL must start with https:// (Kubernetes accepts no other).");
    };
    let host = rest.split('/').next().unwrap_or_default();
    if host.is_empty() {
        return Err("The issuer URL needs a host name, like https://login.example.com.");
    }
    if rest.contains(['?', '#']) {
        return Err("The issuer URL cannot have a query (?) or fragment (#).");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> OidcConfig {
        OidcConfig {
            client_id: "kubernetes".into(),
            issuer_url: "https://login.example.com/realms/ops".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_minimal_configuration_is_valid() {
        assert!(config().validate().is_empty());
    }

    #[test]
    fn issuer_must_be_https_with_a_host() {
        for (url, hint) in [
            ("http://login.example.com", "https://"),
            ("https://", "host name"),
            ("https://login.example.com/?x=1", "query"),
        ] {
            let errors = OidcConfig { issuer_url: url.into(), ..config() }.validate();
            assert!(errors.message_for("issuerUrl").unwrap().contains(hint), "{url}");
        }
    }

    #[test]
    fn required_claims_are_key_value_pairs() {
        let spec = OidcConfig {
            required_claim: vec!["hd=example.com".into(), "".into(), "team=".into()],
            ..config()
        };
        let errors = spec.validate();
        assert!(errors.message_for("requiredClaim.0").is_none());
        assert!(errors.message_for("requiredClaim.1").is_some());
        assert!(errors.message_for("requiredClaim.2").is_some());
    }

    #[test]
    fn unknown_algorithms_are_refused_but_parse() {
        let spec: OidcConfig = serde_json::from_str(
            r#"{"clientId":"k","issuerUrl":"https://id.example.com","signingAlgorithms":["RS256","HS256"]}"#,
        )
        .unwrap();
        assert_eq!(spec.signing_algorithms[0], SigningAlgorithm::Rs256);
        assert!(spec.validate().message_for("signingAlgorithms.1").unwrap().starts_with("HS256"));
    }

    fn console() -> ConsoleIdentity {
        ConsoleIdentity {
            issuer_url: "https://login.example.com/realms/ops".into(),
            client_id: "kubernetes".into(),
            scopes: vec!["email".into(), "groups".into()],
            username_claim: "preferred_username".into(),
            groups_claim: "groups".into(),
            ca_content: None,
        }
    }

    #[test]
    fn the_prefill_is_valid_and_trusts_the_console() {
        let prefill = console().prefill();
        assert!(prefill.validate().is_empty());
        assert!(console().is_trusted_by(&prefill));
        assert_eq!(prefill.username_prefix.as_deref(), Some("oidc:"));
        assert_eq!(prefill.groups_claim, ["groups"]);
    }

    #[test]
    fn per_user_kubeconfigs_need_the_consoles_issuer_and_client() {
        let with = |config: OidcConfig| OidcAccess { config: Some(config), console: Some(console()) };
        let slash = OidcConfig { issuer_url: "https://login.example.com/realms/ops/".into(), ..config() };
        assert!(with(slash).trusted_console().is_some());
        let other_client = OidcConfig { client_id: "other".into(), ..config() };
        assert!(with(other_client).trusted_console().is_none());
        let other_issuer = OidcConfig { issuer_url: "https://id.example.org".into(), ..config() };
        assert!(with(other_issuer).trusted_console().is_none());
        assert!(OidcAccess { config: None, console: Some(console()) }.trusted_console().is_none());
        assert!(OidcAccess { config: Some(config()), console: None }.trusted_console().is_none());
    }

    #[test]
    fn serialises_only_what_is_set() {
        let json = serde_json::to_string(&config()).unwrap();
        assert_eq!(json, r#"{"clientId":"kubernetes","issuerUrl":"https://login.example.com/realms/ops"}"#);
    }
}
