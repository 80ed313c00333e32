//! Bearer ID tokens, checked as kube-apiserver's OIDC authenticator does with the cluster's
//! settings: signature against the issuer's published keys, one of the allowed algorithms
//! (RS256 when none is set), issuer, audience = client id, expiry, required claims; then the
//! username from its claim and prefix (none for `email`, else `<issuer>#` unless set; `-` for
//! none) and the groups from their claim and prefix.
//!
//! Fetching an issuer's keys is the emulated API server acting on a cluster admin's word, so it
//! is held to what kube-apiserver does and a little more: https only, no redirects, documents of
//! at most [`MOST_BYTES`], a discovery document naming exactly the configured issuer, and a token
//! with an unknown key id refetches the keys at most once a minute per issuer.

use std::collections::HashMap;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;

use super::authn::User;
use provider::api::OpenIdConnect;

/// How long an issuer's keys are kept before they are fetched again.
const KEYS_TTL: Duration = Duration::from_secs(300);
/// The shortest time between two fetches of one issuer's keys for unknown key ids.
const REFETCH_AFTER: Duration = Duration::from_secs(60);
/// Largest discovery document or key set read.
pub const MOST_BYTES: usize = 1 << 20;

/// Issuers' signing keys, fetched on demand and kept for a while.
#[derive(Debug, Default)]
pub struct IssuerKeys {
    cached: Mutex<HashMap<String, (Instant, JwkSet)>>,
}

impl IssuerKeys {
    /// The user `token` stands for under `config`, or why it is refused (for the log only).
    pub async fn verify(&self, config: &OpenIdConnect, token: &str) -> Result<User, String> {
        let header = jsonwebtoken::decode_header(token).map_err(|e| format!("not a signed token: {e}"))?;
        let allowed = allowed_algorithms(config)?;
        if !allowed.contains(&header.alg) {
            return Err(format!("signed with {:?}, which the cluster does not accept", header.alg));
        }
        let keys = self.keys(config, false).await?;
        let keys = match key_for(&keys, header.kid.as_deref()) {
            Some(_) => keys,
            // The issuer may have rotated its keys since they were fetched: fetched again, but
            // not more than once a minute, whatever tokens arrive.
            None => self.keys(config, true).await?,
        };
        let jwk =
            key_for(&keys, header.kid.as_deref()).ok_or("signed with a key the issuer does not publish")?;
        let key = DecodingKey::from_jwk(jwk).map_err(|e| format!("unusable issuer key: {e}"))?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[config.issuer_url.trim()]);
        validation.set_audience(&[config.client_id.trim()]);
        validation.set_required_spec_claims(&["exp", "iss", "aud"]);
        let data =
            jsonwebtoken::decode::<Value>(token, &key, &validation).map_err(|e| format!("refused: {e}"))?;
        user_from_claims(config, &data.claims)
    }

    async fn keys(&self, config: &OpenIdConnect, refresh: bool) -> Result<JwkSet, String> {
        let issuer = config.issuer_url.trim().to_string();
        {
            let cached = self.cached.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((at, keys)) = cached.get(&issuer)
                && at.elapsed() < if refresh { REFETCH_AFTER } else { KEYS_TTL }
            {
                return Ok(keys.clone());
            }
        }
        let keys = fetch_keys(&issuer, config.ca_content.as_deref()).await?;
        self.cached.lock().unwrap_or_else(|e| e.into_inner()).insert(issuer, (Instant::now(), keys.clone()));
        Ok(keys)
    }
}

fn key_for<'a>(keys: &'a JwkSet, kid: Option<&str>) -> Option<&'a jsonwebtoken::jwk::Jwk> {
    match kid {
        Some(kid) => keys.find(kid),
        None => keys.keys.first(),
    }
}

fn allowed_algorithms(config: &OpenIdConnect) -> Result<Vec<Algorithm>, String> {
    match config.signing_algorithms.as_deref() {
        None | Some([]) => Ok(vec![Algorithm::RS256]),
        Some(names) => names
            .iter()
            .map(|name| Algorithm::from_str(name).map_err(|_| format!("unknown signing algorithm {name}")))
            .collect(),
    }
}

/// Discovery, then the key set it points to, trusting `ca_content` (base64 PEM) if given.
async fn fetch_keys(issuer: &str, ca_content: Option<&str>) -> Result<JwkSet, String> {
    if !issuer.starts_with("https://") {
        return Err(format!("the issuer {issuer} is not an https URL"));
    }
    let mut client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .https_only(true);
    if let Some(ca) = ca_content.map(str::trim).filter(|ca| !ca.is_empty()) {
        let pem = STANDARD.decode(ca.replace(['\n', '\r'], "")).unwrap_or_else(|_| ca.as_bytes().to_vec());
        let certificates =
            reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| format!("bad caContent: {e}"))?;
        for certificate in certificates {
            client = client.add_root_certificate(certificate);
        }
    }
    let client = client.build().map_err(|e| e.to_string())?;
    let discovery =
        get_json(&client, format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/')))
            .await?;
    if discovery["issuer"].as_str() != Some(issuer) {
        return Err(format!("the discovery document names issuer {}, not {issuer}", discovery["issuer"]));
    }
    let jwks_uri = discovery["jwks_uri"].as_str().ok_or("the discovery document has no jwks_uri")?;
    let keys = get_json(&client, jwks_uri.to_string()).await?;
    serde_json::from_value(keys).map_err(|e| format!("the issuer's key set: {e}"))
}

/// The JSON document at `url`, refused when it is longer than [`MOST_BYTES`].
async fn get_json(client: &reqwest::Client, url: String) -> Result<Value, String> {
    let mut response = client.get(&url).send().await.map_err(|e| format!("{url}: {e}"))?;
    // Redirects are not followed: anything but a success is a refusal.
    if !response.status().is_success() {
        return Err(format!("{url}: answered {}", response.status()));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| format!("{url}: {e}"))? {
        if body.len() + chunk.len() > MOST_BYTES {
            return Err(format!("{url}: longer than {MOST_BYTES} bytes"));
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body).map_err(|e| format!("{url}: {e}"))
}

/// The user named by verified `claims`.
pub fn user_from_claims(config: &OpenIdConnect, claims: &Value) -> Result<User, String> {
    for required in config.required_claim.iter().flatten() {
        let (key, value) = required.split_once('=').unwrap_or((required, ""));
        if claims[key.trim()].as_str() != Some(value.trim()) {
            return Err(format!("required claim {key} is missing or differs"));
        }
    }
    let claim = config.username_claim.as_deref().map(str::trim).filter(|c| !c.is_empty()).unwrap_or("sub");
    let username = claims[claim].as_str().filter(|v| !v.is_empty()).ok_or(format!("no {claim} claim"))?;
    if claim == "email" && claims["email_verified"] == Value::Bool(false) {
        return Err("email is not verified".into());
    }
    let prefix = match config.username_prefix.as_deref() {
        Some("-") => String::new(),
        Some(prefix) => prefix.to_string(),
        None if claim == "email" => String::new(),
        None => format!("{}#", config.issuer_url.trim()),
    };
    let mut groups: Vec<String> = Vec::new();
    if let Some(claim) = config.groups_claim.iter().flatten().map(|c| c.trim()).find(|c| !c.is_empty()) {
        let prefix = config.groups_prefix.as_deref().unwrap_or("");
        match &claims[claim] {
            Value::String(group) => groups.push(format!("{prefix}{group}")),
            Value::Array(values) => {
                groups.extend(values.iter().filter_map(Value::as_str).map(|group| format!("{prefix}{group}")))
            }
            _ => {}
        }
    }
    Ok(User::authenticated(format!("{prefix}{username}"), groups))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config() -> OpenIdConnect {
        OpenIdConnect {
            client_id: "kubernetes".into(),
            issuer_url: "https://login.example.com".into(),
            username_claim: None,
            username_prefix: None,
            groups_claim: None,
            groups_prefix: None,
            required_claim: None,
            signing_algorithms: None,
            ca_content: None,
        }
    }

    #[test]
    fn usernames_default_to_the_subject_prefixed_with_the_issuer() {
        let user = user_from_claims(&config(), &json!({ "sub": "u1" })).unwrap();
        assert_eq!(user.name, "https://login.example.com#u1");
        assert_eq!(user.groups, ["system:authenticated"]);
    }

    #[test]
    fn email_usernames_have_no_prefix_and_must_be_verified() {
        let config = OpenIdConnect { username_claim: Some("email".into()), ..config() };
        let user = user_from_claims(&config, &json!({ "email": "a@example.com" })).unwrap();
        assert_eq!(user.name, "a@example.com");
        let unverified = json!({ "email": "a@example.com", "email_verified": false });
        assert!(user_from_claims(&config, &unverified).is_err());
    }

    #[test]
    fn prefixes_and_groups_follow_the_settings() {
        let config = OpenIdConnect {
            username_claim: Some("preferred_username".into()),
            username_prefix: Some("oidc:".into()),
            groups_claim: Some(vec!["groups".into()]),
            groups_prefix: Some("oidc:".into()),
            ..config()
        };
        let claims = json!({ "preferred_username": "alice", "groups": ["admins", "ops"] });
        let user = user_from_claims(&config, &claims).unwrap();
        assert_eq!(user.name, "oidc:alice");
        assert_eq!(user.groups, ["oidc:admins", "oidc:ops", "system:authenticated"]);
        let none = OpenIdConnect { username_prefix: Some("-".into()), ..config };
        assert_eq!(user_from_claims(&none, &claims).unwrap().name, "alice");
    }

    #[test]
    fn required_claims_must_match() {
        let config = OpenIdConnect { required_claim: Some(vec!["hd=example.com".into()]), ..config() };
        assert!(user_from_claims(&config, &json!({ "sub": "u", "hd": "example.com" })).is_ok());
        assert!(user_from_claims(&config, &json!({ "sub": "u", "hd": "other.com" })).is_err());
        assert!(user_from_claims(&config, &json!({ "sub": "u" })).is_err());
    }

    #[test]
    fn unknown_algorithms_are_refused() {
        let config = OpenIdConnect { signing_algorithms: Some(vec!["XX999".into()]), ..config() };
        assert!(allowed_algorithms(&config).is_err());
        assert_eq!(allowed_algorithms(&self::config()).unwrap(), [Algorithm::RS256]);
    }
}
