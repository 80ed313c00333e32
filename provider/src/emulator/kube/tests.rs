//! ID tokens against a local issuer: its discovery document and keys served over HTTP, tokens
//! signed with its ES256 key, checked as the API server checks them.

use axum::Json;
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{EncodingKey, Header};
use serde_json::{Value, json};

use super::oidc::IssuerKeys;
use crate::api::OpenIdConnect;

struct Issuer {
    url: String,
    key: rcgen::KeyPair,
}

impl Issuer {
    async fn start() -> Self {
        let key = rcgen::KeyPair::generate().unwrap();
        let point = key.public_key_raw();
        let jwk = json!({
            "kty": "EC", "crv": "P-256", "kid": "k1", "use": "sig", "alg": "ES256",
            "x": URL_SAFE_NO_PAD.encode(&point[1..33]),
            "y": URL_SAFE_NO_PAD.encode(&point[33..65]),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let discovery = json!({ "issuer": url, "jwks_uri": format!("{url}/keys") });
        let app = axum::Router::new()
            .route("/.well-known/openid-configuration", get(move || async move { Json(discovery) }))
            .route("/keys", get(move || async move { Json(json!({ "keys": [jwk] })) }));
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { url, key }
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
            ca_content: None,
        }
    }

    /// A token with these claims over the defaults (this issuer, client `kubernetes`, valid for
    /// an hour, alice in group admins).
    fn token(&self, changes: Value) -> String {
        let now = chrono::Utc::now().timestamp();
        let mut claims = json!({
            "iss": self.url, "aud": "kubernetes", "sub": "alice", "preferred_username": "alice",
            "groups": ["admins"], "iat": now, "exp": now + 3600,
        });
        for (key, value) in changes.as_object().unwrap() {
            claims[key] = value.clone();
        }
        let header = Header { kid: Some("k1".into()), ..Header::new(jsonwebtoken::Algorithm::ES256) };
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
