//! An https OpenID issuer that answers only its discovery document, with a certificate from a
//! throw-away authority: what a cluster's OIDC configuration is checked against.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

pub struct Issuer {
    /// `https://127.0.0.1:<port>`.
    pub url: String,
    /// The authority's certificate, base64 PEM as an OIDC configuration's `caContent` holds it.
    pub ca_content: String,
}

impl Issuer {
    pub async fn start() -> Self {
        let mut authority = CertificateParams::new(Vec::<String>::new()).unwrap();
        authority.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = CertifiedIssuer::self_signed(authority, KeyPair::generate().unwrap()).unwrap();
        let key = KeyPair::generate().unwrap();
        let cert =
            CertificateParams::new(vec!["127.0.0.1".to_string()]).unwrap().signed_by(&key, &ca).unwrap();
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
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("https://{}", listener.local_addr().unwrap());
        let body = serde_json::json!({ "issuer": url, "jwks_uri": format!("{url}/jwks") }).to_string();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (acceptor, body) = (acceptor.clone(), body.clone());
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(stream).await else { return };
                    let mut request = vec![0; 4096];
                    let read = tls.read(&mut request).await.unwrap_or(0);
                    let found = String::from_utf8_lossy(&request[..read])
                        .starts_with("GET /.well-known/openid-configuration ");
                    let (status, body) =
                        if found { ("200 OK", body.as_str()) } else { ("404 Not Found", "{}") };
                    let response = format!(
                        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = tls.write_all(response.as_bytes()).await;
                    let _ = tls.shutdown().await;
                });
            }
        });
        Issuer { url, ca_content: STANDARD.encode(ca.pem()) }
    }
}

impl Issuer {
    /// `services` as a console whose own identity provider is this issuer.
    pub fn as_console_identity(&self, services: &server::services::Services) -> server::services::Services {
        let mut services = services.clone();
        services.issuers.console = Some(model::oidc::ConsoleIdentity {
            issuer_url: self.url.clone(),
            client_id: "kubernetes".into(),
            scopes: Vec::new(),
            username_claim: "email".into(),
            groups_claim: "groups".into(),
            ca_content: None,
        });
        services
    }
}
