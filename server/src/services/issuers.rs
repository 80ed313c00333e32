//! The identity providers clusters may trust: the console's own (for the "use the console's
//! identity provider" prefill and per-user kubeconfigs), and the check, before a cluster's OIDC
//! configuration is saved, that its issuer's discovery document answers and names that issuer.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use model::oidc::ConsoleIdentity;

use crate::auth::oidc::error_chain;

/// What the services know of identity providers.
#[derive(Clone, Debug, Default)]
pub struct Issuers {
    /// The console's identity provider; none in local mode.
    pub console: Option<ConsoleIdentity>,
    /// PEM certificates trusted for issuers besides the public roots.
    pub extra_roots: Option<Arc<Vec<u8>>>,
}

/// Largest discovery document read.
const MOST_BYTES: usize = 1 << 20;

/// Whether `ip` is an address of the console's own networks rather than of the internet:
/// loopback, private, link-local, carrier-grade NAT, unique-local or unspecified.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || (v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64)
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_internal(IpAddr::V4(v4)),
            None => {
                v6.is_loopback()
                    || v6.is_unspecified()
                    || (v6.segments()[0] & 0xfe00) == 0xfc00
                    || (v6.segments()[0] & 0xffc0) == 0xfe80
            }
        },
    }
}

/// `scheme://host:port` of `url`, if it is one.
fn origin(url: &str) -> Option<String> {
    let url = reqwest::Url::parse(url).ok()?;
    Some(format!("{}://{}:{}", url.scheme(), url.host_str()?, url.port_or_known_default()?))
}

fn not_reachable(issuer: &str) -> String {
    format!("The issuer {issuer} is not reachable from the console.")
}

fn not_an_issuer(issuer: &str) -> String {
    format!("{issuer} is not an OpenID issuer: it has no discovery document with signing keys.")
}

impl Issuers {
    /// Why `issuer`'s discovery document does not do, if it does not. `ca_content` is the
    /// cluster configuration's base64 PEM authority for the issuer, trusted for this check.
    ///
    /// The console fetches it on a user's word, so the fetch must not become a probe of the
    /// console's own network: an issuer whose name resolves to an internal address is refused
    /// unless it is the console's own identity provider, the connection goes to the address
    /// that was checked, and the user learns only "not reachable" or "not an OpenID issuer".
    pub async fn check_discovery(&self, issuer: &str, ca_content: Option<&str>) -> Result<(), String> {
        let issuer = issuer.trim();
        let parsed = reqwest::Url::parse(issuer).map_err(|_| not_reachable(issuer))?;
        let (Some(host), Some(port)) = (parsed.host_str(), parsed.port_or_known_default()) else {
            return Err(not_reachable(issuer));
        };
        let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
        let addresses: Vec<SocketAddr> = match tokio::net::lookup_host((host.as_str(), port)).await {
            Ok(found) => found.collect(),
            Err(_) => return Err(not_reachable(issuer)),
        };
        let own = self
            .console
            .as_ref()
            .and_then(|c| origin(&c.issuer_url))
            .is_some_and(|o| Some(o) == origin(issuer));
        let Some(address) = addresses.first().copied() else {
            return Err(not_reachable(issuer));
        };
        if !own && addresses.iter().any(|a| is_internal(a.ip())) {
            tracing::info!(%issuer, "issuer check refused: it resolves to an internal address");
            return Err(not_reachable(issuer));
        }
        let mut builder = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .resolve(&host, address);
        let mut roots = self.extra_roots.as_deref().cloned().unwrap_or_default();
        if let Some(ca) = ca_content.map(str::trim).filter(|ca| !ca.is_empty()) {
            let pem = STANDARD
                .decode(ca.replace(['\n', '\r'], ""))
                .map_err(|_| "The CA certificate is not valid base64.".to_string())?;
            roots.extend_from_slice(b"\n");
            roots.extend_from_slice(&pem);
        }
        if !roots.is_empty() {
            let certificates = reqwest::Certificate::from_pem_bundle(&roots)
                .map_err(|_| "The CA certificate is not a PEM certificate.".to_string())?;
            for certificate in certificates {
                builder = builder.add_root_certificate(certificate);
            }
        }
        let client = builder.build().map_err(|_| not_reachable(issuer))?;
        let url = format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'));
        let mut response = client.get(&url).send().await.map_err(|error| {
            tracing::info!(%issuer, error = %error_chain(&error), "issuer check: no answer");
            not_reachable(issuer)
        })?;
        if !response.status().is_success() {
            return Err(not_an_issuer(issuer));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|_| not_reachable(issuer))? {
            if body.len() + chunk.len() > MOST_BYTES {
                return Err(not_an_issuer(issuer));
            }
            body.extend_from_slice(&chunk);
        }
        let document: serde_json::Value = serde_json::from_slice(&body).map_err(|_| not_an_issuer(issuer))?;
        if document.get("jwks_uri").and_then(|v| v.as_str()).is_none() {
            return Err(not_an_issuer(issuer));
        }
        let named = document.get("issuer").and_then(|v| v.as_str()).unwrap_or_default();
        if named != issuer {
            return Err(format!(
                "The issuer calls itself {named:?}, not {issuer:?}: the API server needs exactly the issuer's own URL."
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::routing::get;

    use super::*;

    /// An issuer at a loopback address whose discovery document is `document(issuer)`.
    async fn issuer(document: fn(&str) -> serde_json::Value) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let body = document(&base);
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(move || async move { axum::Json(body) }));
        tokio::spawn(async move { axum::serve(listener, app).await });
        base
    }

    /// Issuers as a console whose own identity provider is at `own` sees them.
    fn console_at(own: &str) -> Issuers {
        let console = ConsoleIdentity {
            issuer_url: own.to_string(),
            client_id: "kubernetes".into(),
            scopes: Vec::new(),
            username_claim: "email".into(),
            groups_claim: "groups".into(),
            ca_content: None,
        };
        Issuers { console: Some(console), extra_roots: None }
    }

    #[tokio::test]
    async fn the_consoles_own_issuer_with_a_matching_document_passes() {
        let base =
            issuer(|url| serde_json::json!({ "issuer": url, "jwks_uri": format!("{url}/jwks") })).await;
        assert_eq!(console_at(&base).check_discovery(&base, None).await, Ok(()));
        assert!(console_at(&base).check_discovery(&format!("{base}/"), None).await.is_err());
    }

    #[tokio::test]
    async fn internal_addresses_are_refused_unless_they_are_the_consoles_issuer() {
        let base =
            issuer(|url| serde_json::json!({ "issuer": url, "jwks_uri": format!("{url}/jwks") })).await;
        for issuers in [Issuers::default(), console_at("https://id.example.com")] {
            let error = issuers.check_discovery(&base, None).await.unwrap_err();
            assert_eq!(error, format!("The issuer {base} is not reachable from the console."));
        }
        for internal in ["10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0"]
        {
            assert!(is_internal(internal.parse().unwrap()), "{internal}");
        }
        for internal in ["::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1"] {
            assert!(is_internal(internal.parse().unwrap()), "{internal}");
        }
        for public in ["93.184.216.34", "2606:2800:220:1::"] {
            assert!(!is_internal(public.parse().unwrap()), "{public}");
        }
    }

    #[tokio::test]
    async fn failures_say_only_not_reachable_or_not_an_issuer() {
        let base = issuer(|url| serde_json::json!({ "issuer": url })).await;
        let issuers = console_at(&base);
        let error = issuers.check_discovery(&base, None).await.unwrap_err();
        assert_eq!(
            error,
            format!("{base} is not an OpenID issuer: it has no discovery document with signing keys.")
        );
        let error = issuers.check_discovery(&format!("{base}/realms/none"), None).await.unwrap_err();
        assert!(
            error.ends_with("is not an OpenID issuer: it has no discovery document with signing keys."),
            "{error}"
        );
        let silent = console_at("http://127.0.0.1:9");
        let error = silent.check_discovery("http://127.0.0.1:9", None).await.unwrap_err();
        assert_eq!(error, "The issuer http://127.0.0.1:9 is not reachable from the console.");
        assert!(!error.contains("refused") && !error.contains("error"), "{error}");
        let error = issuers.check_discovery(&base, Some("%%%")).await.unwrap_err();
        assert!(error.contains("base64"), "{error}");
    }

    #[tokio::test]
    async fn another_issuer_name_fails() {
        let base =
            issuer(|_| serde_json::json!({ "issuer": "https://elsewhere.example.com", "jwks_uri": "x" }))
                .await;
        let error = console_at(&base).check_discovery(&base, None).await.unwrap_err();
        assert!(error.contains("calls itself \"https://elsewhere.example.com\""), "{error}");
    }
}
