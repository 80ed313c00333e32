//! Kubeconfigs with real certificate authorities and an admin client certificate per cluster.
//!
//! Issued on the first request and kept; `kubeconfig/reset` issues a new client authority and
//! certificate, so the old file stops being valid. Choices where provider-api.md §11.8 is
//! UNCONFIRMED: the server is `https://` + the cluster's `url` (with the emulated API servers
//! running, their listener's address, and the `url` as `tls-server-name`); the context is
//! `kubernetes-admin@<name>` and the user `kubernetes-admin-<name>`; the client certificate's
//! subject is `CN=kubernetes-admin, O=system:masters`; ECDSA P-256 keys.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use model::status::Status;
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use serde::{Deserialize, Serialize};

use super::Emulator;
use super::cluster::{ClusterRecord, require_ready, scaled, with_cluster};
use super::cluster_settings::REDEPLOY;
use super::error::EmulatorError;
use provider::api::Kubeconfig;

/// A cluster's certificate authorities and admin client certificate, PEM-encoded.
///
/// The serving authority (`ca_*`, the kubeconfig's `certificate-authority-data`) signs the API
/// server's certificate and lasts as long as the cluster. Client certificates come from a
/// separate client authority, as kube-apiserver's `--client-ca-file` allows, which a reset
/// replaces: an old kubeconfig still reaches the server, and is refused as `Unauthorized`.
#[derive(Clone, Serialize, Deserialize)]
pub struct ClusterCredentials {
    pub ca_cert_pem: String,
    pub ca_key_pem: String,
    /// The client authority; the serving one in state saved before they were separate.
    #[serde(default)]
    pub client_ca_cert_pem: Option<String>,
    pub admin_cert_pem: String,
    pub admin_key_pem: String,
}

/// Certificates only: the private keys stay out of logs and panics.
impl std::fmt::Debug for ClusterCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterCredentials")
            .field("ca_cert_pem", &self.ca_cert_pem)
            .field("client_ca_cert_pem", &self.client_ca_cert_pem)
            .field("admin_cert_pem", &self.admin_cert_pem)
            .finish_non_exhaustive()
    }
}

/// A new self-signed authority called `name`: its certificate and signing key.
fn authority(name: String) -> Result<CertifiedIssuer<'static, KeyPair>, rcgen::Error> {
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages =
        vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
    CertifiedIssuer::self_signed(params, KeyPair::generate()?)
}

impl ClusterCredentials {
    /// New serving and client authorities for `cluster_name`, and an admin certificate.
    pub fn issue(cluster_name: &str) -> Result<Self, rcgen::Error> {
        let serving = authority(format!("{cluster_name} cluster CA"))?;
        let mut credentials = Self {
            ca_cert_pem: serving.pem(),
            ca_key_pem: serving.key().serialize_pem(),
            client_ca_cert_pem: None,
            admin_cert_pem: String::new(),
            admin_key_pem: String::new(),
        };
        credentials.renew_client(cluster_name)?;
        Ok(credentials)
    }

    /// A new client authority and admin certificate; the serving authority stays.
    pub fn renew_client(&mut self, cluster_name: &str) -> Result<(), rcgen::Error> {
        let client_ca = authority(format!("{cluster_name} client CA"))?;
        let mut admin = CertificateParams::new(Vec::<String>::new())?;
        admin.distinguished_name.push(DnType::CommonName, "kubernetes-admin");
        admin.distinguished_name.push(DnType::OrganizationName, "system:masters");
        admin.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
        admin.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let admin_key = KeyPair::generate()?;
        let admin_cert = admin.signed_by(&admin_key, &client_ca)?;
        self.client_ca_cert_pem = Some(client_ca.pem());
        self.admin_cert_pem = admin_cert.pem();
        self.admin_key_pem = admin_key.serialize_pem();
        Ok(())
    }

    /// The authority client certificates must chain to.
    pub fn client_authority(&self) -> &str {
        self.client_ca_cert_pem.as_deref().unwrap_or(&self.ca_cert_pem)
    }

    /// The kubeconfig YAML for `cluster`, reaching its API server at `server` (`https://…`) and
    /// asking for `tls_server_name` when the address is not the cluster's own name.
    pub fn kubeconfig(&self, cluster: &ClusterRecord, server: &str, tls_server_name: Option<&str>) -> String {
        let name = &cluster.name;
        let user = format!("kubernetes-admin-{name}");
        let context = format!("kubernetes-admin@{name}");
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: {ca}\n    server: {server}\n{server_name}  name: {name}\ncontexts:\n- context:\n    cluster: {name}\n    user: {user}\n  name: {context}\ncurrent-context: {context}\nusers:\n- name: {user}\n  user:\n    client-certificate-data: {cert}\n    client-key-data: {key}\n",
            ca = STANDARD.encode(&self.ca_cert_pem),
            server_name =
                tls_server_name.map(|name| format!("    tls-server-name: {name}\n")).unwrap_or_default(),
            cert = STANDARD.encode(&self.admin_cert_pem),
            key = STANDARD.encode(&self.admin_key_pem),
        )
    }
}

pub fn routes() -> Router<Arc<Emulator>> {
    let base = "/cloud/project/{service_name}/kube/{kube_id}";
    Router::new()
        .route(&format!("{base}/kubeconfig"), post(fetch))
        .route(&format!("{base}/kubeconfig/reset"), post(reset))
}

fn issue(cluster: &ClusterRecord) -> Result<ClusterCredentials, EmulatorError> {
    ClusterCredentials::issue(&cluster.name)
        .map_err(|e| EmulatorError::internal(format!("certificate issue failed: {e}")))
}

async fn fetch(
    State(emulator): State<Arc<Emulator>>,
    Path((service, id)): Path<(String, String)>,
) -> Result<Json<Kubeconfig>, EmulatorError> {
    with_cluster(&emulator, &service, &id, |cluster, now| {
        if cluster.status(now) == Status::Installing {
            return Err(EmulatorError::conflict("The cluster is still installing"));
        }
        let credentials = match &cluster.credentials {
            Some(existing) => existing.clone(),
            None => {
                let issued = issue(cluster)?;
                cluster.credentials = Some(issued.clone());
                issued
            }
        };
        let host = cluster.api_host();
        let content = match emulator.kube_address() {
            Some(address) => credentials.kubeconfig(cluster, &format!("https://{address}"), Some(&host)),
            None => credentials.kubeconfig(cluster, &format!("https://{host}"), None),
        };
        Ok(Json(Kubeconfig { content }))
    })
}

async fn reset(
    State(emulator): State<Arc<Emulator>>,
    Path((service, id)): Path<(String, String)>,
) -> Result<Json<()>, EmulatorError> {
    let dwell = scaled(&emulator, REDEPLOY);
    with_cluster(&emulator, &service, &id, |cluster, now| {
        require_ready(cluster, now)?;
        let renewed = match cluster.credentials.take() {
            Some(mut credentials) => credentials.renew_client(&cluster.name).map(|()| credentials),
            None => ClusterCredentials::issue(&cluster.name),
        };
        cluster.credentials =
            Some(renewed.map_err(|e| EmulatorError::internal(format!("certificate issue failed: {e}")))?);
        cluster.pass_through(Status::Redeploying, now, dwell);
        Ok(Json(()))
    })
}
