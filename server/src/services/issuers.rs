//! The identity providers clusters may trust: the console's own (for the "use the console's
//! identity provider" prefill and per-user kubeconfigs), and the check, before a cluster's OIDC
//! configuration is saved, that its issuer's discovery document answers and names that issuer.

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

impl Issuers {
    /// Why `issuer`'s discovery document does not do, if it does not. `ca_content` is the
    /// cluster configuration's base64 PEM authority for the issuer, trusted for this check.
    pub async fn check_discovery(&self, issuer: &str, ca_content: Option<&str>) -> Result<(), String> {
        let issuer = issuer.trim();
        let mut builder = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none());
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
        let client = builder.build().map_err(|e| format!("Could not prepare the check: {e}."))?;
        let url = format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'));
        let response = client
            .get(&url)
            .send()
            .await
            .map_err(|e| format!("The issuer did not answer at {url}: {}.", error_chain(&e)))?;
        if !response.status().is_success() {
            return Err(format!("The issuer answered {} at {url}: is the URL right?", response.status()));
        }
        let document: serde_json::Value =
            response.json().await.map_err(|_| format!("{url} is not an OpenID discovery document."))?;
        let named = document.get("issuer").and_then(|v| v.as_str()).unwrap_or_default();
        if named != issuer {
            return Err(format!(
                "The issuer calls itself {named:?}, not {issuer:?}: the API server needs exactly the issuer's own URL."
            ));
        }
        if document.get("jwks_uri").and_then(|v| v.as_str()).is_none() {
            return Err(format!("{url} lists no signing keys (jwks_uri)."));
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

    #[tokio::test]
    async fn a_matching_document_with_keys_passes() {
        let base =
            issuer(|url| serde_json::json!({ "issuer": url, "jwks_uri": format!("{url}/jwks") })).await;
        assert_eq!(Issuers::default().check_discovery(&base, None).await, Ok(()));
        assert_eq!(
            Issuers::default().check_discovery(&format!("{base}/"), None).await.map_err(|_| ()),
            Err(())
        );
    }

    #[tokio::test]
    async fn another_issuer_name_or_no_keys_fails() {
        let base =
            issuer(|_| serde_json::json!({ "issuer": "https://elsewhere.example.com", "jwks_uri": "x" }))
                .await;
        let error = Issuers::default().check_discovery(&base, None).await.unwrap_err();
        assert!(error.contains("calls itself \"https://elsewhere.example.com\""), "{error}");
        let base = issuer(|url| serde_json::json!({ "issuer": url })).await;
        let error = Issuers::default().check_discovery(&base, None).await.unwrap_err();
        assert!(error.contains("jwks_uri"), "{error}");
    }

    #[tokio::test]
    async fn silence_and_wrong_paths_fail_with_the_address() {
        let base = issuer(|url| serde_json::json!({ "issuer": url, "jwks_uri": "x" })).await;
        let error =
            Issuers::default().check_discovery(&format!("{base}/realms/none"), None).await.unwrap_err();
        assert!(error.contains("404") && error.contains("/realms/none/.well-known"), "{error}");
        let error = Issuers::default().check_discovery("http://127.0.0.1:9", None).await.unwrap_err();
        assert!(error.starts_with("The issuer did not answer at http://127.0.0.1:9/.well-known"), "{error}");
        let error = Issuers::default().check_discovery(&base, Some("%%%")).await.unwrap_err();
        assert!(error.contains("base64"), "{error}");
    }
}
