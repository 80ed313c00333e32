//! ID tokens against a local issuer: its discovery document and keys served over HTTPS (from a
//! throw-away authority), tokens signed with its ES256 key, checked as the API server checks them.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Json;
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use jsonwebtoken::{EncodingKey, Header};
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use serde_json::{Value, json};
use tokio_rustls::TlsAcceptor;

use super::oidc::{IssuerKeys, MOST_BYTES};
use provider::api::OpenIdConnect;

struct Issuer {
    url: String,
    key: rcgen::KeyPair,
    /// The authority of its certificate, base64 PEM as `caContent` holds it.
    ca_content: String,
    /// How many times its key set was fetched.
    fetches: Arc<AtomicUsize>,
}

/// What the issuer serves besides the right answers.
#[derive(Clone, Copy, Default)]
struct Twist {
    /// Its discovery document names another issuer.
    other_name: bool,
    /// Its key set is larger than the API server reads.
    huge_keys: bool,
    /// Its discovery document redirects elsewhere.
    redirect: bool,
}

/// Serves `app` over TLS with a certificate for 127.0.0.1 from a new authority; returns the
/// address and the authority (base64 PEM).
async fn serve_https(listener: tokio::net::TcpListener, app: axum::Router) -> String {
    let mut authority = CertificateParams::new(Vec::<String>::new()).unwrap();
    authority.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(authority, KeyPair::generate().unwrap()).unwrap();
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap().signed_by(&key, &ca).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(cert.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
        )
        .unwrap();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (acceptor, app) = (acceptor.clone(), app.clone());
            tokio::spawn(async move {
                let Ok(stream) = acceptor.accept(stream).await else { return };
                let service = TowerToHyperService::new(app);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    STANDARD.encode(ca.pem())
}

impl Issuer {
    async fn start() -> Self {
        Self::start_with(Twist::default()).await
    }

    async fn start_with(twist: Twist) -> Self {
        let key = rcgen::KeyPair::generate().unwrap();
        let point = key.public_key_raw();
        let jwk = json!({
            "kty": "EC", "crv": "P-256", "kid": "k1", "use": "sig", "alg": "ES256",
            "x": URL_SAFE_NO_PAD.encode(&point[1..33]),
            "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("https://{}", listener.local_addr().unwrap());
        let named = if twist.other_name { "https://elsewhere.example".to_string() } else { url.clone() };
        let discovery = json!({ "issuer": named, "jwks_uri": format!("{url}/keys") });
        let keys = match twist.huge_keys {
            true => json!({ "keys": [jwk], "padding": "x".repeat(MOST_BYTES) }),
            false => json!({ "keys": [jwk] }),
        };
        let fetches = Arc::new(AtomicUsize::new(0));
        let counted = fetches.clone();
        let app = axum::Router::new()
            .route(
                "/.well-known/openid-configuration",
                get(move || async move {
                    use axum::response::IntoResponse;
                    match twist.redirect {
                        true => {
                            axum::response::Redirect::temporary("https://elsewhere.example/").into_response()
                        }
                        false => Json(discovery).into_response(),
                    }
                }),
            )
            .route(
                "/keys",
                get(move || async move {
                    counted.fetch_add(1, Ordering::SeqCst);
                    Json(keys)
                }),
            );
        let ca_content = serve_https(listener, app).await;
        Self { url, key, ca_content, fetches }
    }

    fn config(&self) -> OpenIdConnect {
        OpenIdConnect {
            client_id: "kubernetes".into(),
            issuer_url: self.url.clone(),
            username_claim: Some("preferred_username".into()),
            username_prefix: Some("oidc:".into()),
            groups_claim: Some(vec!["groups".into()]),
            groups_prefix: Some("oidc:".into()),
            required_claim: None,
            signing_algorithms: Some(vec!["ES256".into()]),
            ca_content: Some(self.ca_content.clone()),
        }
    }

    /// A token with these claims over the defaults (this issuer, client `kubernetes`, valid for
    /// an hour, alice in group admins).
    fn token(&self, changes: Value) -> String {
        self.token_with_kid(changes, "k1")
    }

    fn token_with_kid(&self, changes: Value, kid: &str) -> String {
        let now = chrono::Utc::now().timestamp();
        let mut claims = json!({
            "iss": self.url, "aud": "kubernetes", "sub": "alice", "preferred_username": "alice",
            "groups": ["admins"], "iat": now, "exp": now + 3600,
        });
        for (key, value) in changes.as_object().unwrap() {
            claims[key] = value.clone();
        }
        let header = Header { kid: Some(kid.into()), ..Header::new(jsonwebtoken::Algorithm::ES256) };
        jsonwebtoken::encode(&header, &claims, &EncodingKey::from_ec_der(&self.key.serialize_der())).unwrap()
    }
}

#[tokio::test]
async fn tokens_are_checked_as_the_api_server_checks_them() {
    let issuer = Issuer::start().await;
    let keys = IssuerKeys::default();
    let config = issuer.config();

    let user = keys.verify(&config, &issuer.token(json!({}))).await.unwrap();
    assert_eq!(user.name, "oidc:alice");
    assert_eq!(user.groups, ["oidc:admins", "system:authenticated"]);

    let hour_ago = chrono::Utc::now().timestamp() - 3600;
    for (what, changes) in [
        ("another audience", json!({ "aud": "dashboard" })),
        ("another issuer", json!({ "iss": "https://elsewhere.example" })),
        ("expired", json!({ "exp": hour_ago })),
        ("no username", json!({ "preferred_username": null })),
    ] {
        assert!(keys.verify(&config, &issuer.token(changes)).await.is_err(), "{what} accepted");
    }
    let tampered = {
        let token = issuer.token(json!({}));
        let mut parts: Vec<&str> = token.split('.').collect();
        let claims = URL_SAFE_NO_PAD.encode(json!({ "iss": issuer.url, "aud": "kubernetes", "preferred_username": "root", "exp": hour_ago + 7200 }).to_string());
        parts[1] = &claims;
        parts.join(".")
    };
    assert!(keys.verify(&config, &tampered).await.is_err(), "a changed payload kept its signature");
    let rs256_only = OpenIdConnect { signing_algorithms: None, ..config.clone() };
    assert!(
        keys.verify(&rs256_only, &issuer.token(json!({}))).await.is_err(),
        "ES256 accepted where only RS256 is"
    );
    let required = OpenIdConnect { required_claim: Some(vec!["hd=example.com".into()]), ..config };
    assert!(keys.verify(&required, &issuer.token(json!({}))).await.is_err());
    assert!(keys.verify(&required, &issuer.token(json!({ "hd": "example.com" }))).await.is_ok());
}

#[tokio::test]
async fn keys_are_fetched_only_over_https_from_the_configured_issuer() {
    let issuer = Issuer::start().await;
    let keys = IssuerKeys::default();
    let plain = OpenIdConnect { issuer_url: issuer.url.replace("https://", "http://"), ..issuer.config() };
    let error = keys.verify(&plain, &issuer.token(json!({ "iss": plain.issuer_url }))).await.unwrap_err();
    assert!(error.contains("not an https URL"), "{error}");
    for (what, twist, says) in [
        ("another name", Twist { other_name: true, ..Twist::default() }, "names issuer"),
        ("a redirect", Twist { redirect: true, ..Twist::default() }, "307"),
        ("a huge key set", Twist { huge_keys: true, ..Twist::default() }, "longer than"),
    ] {
        let issuer = Issuer::start_with(twist).await;
        let error = keys.verify(&issuer.config(), &issuer.token(json!({}))).await.unwrap_err();
        assert!(error.contains(says), "{what}: {error}");
    }
}

#[tokio::test]
async fn unknown_key_ids_refetch_the_keys_at_most_once_a_minute() {
    let issuer = Issuer::start().await;
    let keys = IssuerKeys::default();
    let config = issuer.config();
    assert!(keys.verify(&config, &issuer.token(json!({}))).await.is_ok());
    assert_eq!(issuer.fetches.load(Ordering::SeqCst), 1);
    for _ in 0..20 {
        assert!(keys.verify(&config, &issuer.token_with_kid(json!({}), "unknown")).await.is_err());
    }
    assert_eq!(issuer.fetches.load(Ordering::SeqCst), 1, "no refetch within a minute of the last");
}
