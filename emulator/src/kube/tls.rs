//! TLS for the emulated API servers: each cluster's serving certificate, signed by its own
//! authority and picked by the name the client asks for (SNI: the cluster's `url`, which the
//! kubeconfig gives as `tls-server-name`), and client certificates checked as kube-apiserver does:
//! any certificate is accepted during the handshake (its owner must prove the key), and each
//! request then checks it against the cluster's current authority, so that a certificate from a
//! reset kubeconfig gets `401 Unauthorized` rather than a failed handshake.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rcgen::{CertificateParams, DnType, ExtendedKeyUsagePurpose, Issuer, KeyPair, KeyUsagePurpose};
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::{ClientHello, ResolvesServerCert, WebPkiClientVerifier};
use rustls::sign::CertifiedKey;
use rustls::{DigitallySignedStruct, DistinguishedName, RootCertStore, ServerConfig, SignatureScheme};

use super::super::Emulator;
use super::super::kubeconfig::ClusterCredentials;

/// The crypto the listener uses.
pub fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The listener's TLS settings: serving certificates per cluster, client certificates optional.
pub fn server_config(emulator: Arc<Emulator>) -> Result<ServerConfig, rustls::Error> {
    let provider = provider();
    let mut config = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()?
        .with_client_cert_verifier(Arc::new(AnyClientCertificate { provider: provider.clone() }))
        .with_cert_resolver(Arc::new(ServingCertificates { emulator, provider, issued: Mutex::default() }));
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

/// Serving certificates, issued on first use for each cluster authority and kept in memory.
#[derive(Debug)]
struct ServingCertificates {
    emulator: Arc<Emulator>,
    provider: Arc<CryptoProvider>,
    /// By API host, with the authority they were signed by.
    issued: Mutex<HashMap<String, (String, Arc<CertifiedKey>)>>,
}

impl ResolvesServerCert for ServingCertificates {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let host = hello.server_name()?.to_string();
        let credentials = self.emulator.credentials_for_host(&host)?;
        let mut issued = self.issued.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((authority, key)) = issued.get(&host)
            && *authority == credentials.ca_cert_pem
        {
            return Some(key.clone());
        }
        let key = match serving_certificate(&credentials, &host, &self.provider) {
            Ok(key) => Arc::new(key),
            Err(error) => {
                tracing::error!(%error, host, "issuing an emulated API server's certificate failed");
                return None;
            }
        };
        issued.insert(host, (credentials.ca_cert_pem.clone(), key.clone()));
        Some(key)
    }
}

fn serving_certificate(
    credentials: &ClusterCredentials,
    host: &str,
    provider: &CryptoProvider,
) -> Result<CertifiedKey, Box<dyn std::error::Error>> {
    let ca_key = KeyPair::from_pem(&credentials.ca_key_pem)?;
    let issuer = Issuer::from_ca_cert_pem(&credentials.ca_cert_pem, ca_key)?;
    let mut params = CertificateParams::new(vec![host.to_string(), "kubernetes.default.svc".to_string()])?;
    params.distinguished_name.push(DnType::CommonName, "kube-apiserver");
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let key = KeyPair::generate()?;
    let certificate = params.signed_by(&key, &issuer)?;
    let private = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    let signing = provider.key_provider.load_private_key(private)?;
    Ok(CertifiedKey::new(vec![certificate.der().clone()], signing))
}

/// Asks every client for a certificate and takes any whose key the client proves it holds.
#[derive(Debug)]
struct AnyClientCertificate {
    provider: Arc<CryptoProvider>,
}

impl ClientCertVerifier for AnyClientCertificate {
    fn client_auth_mandatory(&self) -> bool {
        false
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// Whether `chain` (leaf first) is a client certificate issued by `authority_pem`, valid now.
pub fn chains_to(chain: &[CertificateDer<'static>], authority_pem: &str) -> bool {
    let Some((leaf, intermediates)) = chain.split_first() else { return false };
    let mut roots = RootCertStore::empty();
    let authority = rustls::pki_types::pem::PemObject::from_pem_slice(authority_pem.as_bytes());
    if authority.ok().and_then(|der: CertificateDer<'static>| roots.add(der).ok()).is_none() {
        return false;
    }
    let Ok(verifier) = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider()).build()
    else {
        return false;
    };
    verifier.verify_client_cert(leaf, intermediates, UnixTime::now()).is_ok()
}

/// The user a client certificate names: its common name, and its organisations as groups.
pub fn subject_of(leaf: &CertificateDer<'_>) -> Option<(String, Vec<String>)> {
    let (_, certificate) = x509_parser::parse_x509_certificate(leaf).ok()?;
    let subject = certificate.subject();
    let name = subject.iter_common_name().next()?.as_str().ok()?.to_string();
    let groups = subject.iter_organization().filter_map(|o| o.as_str().ok().map(str::to_string)).collect();
    Some((name, groups))
}
