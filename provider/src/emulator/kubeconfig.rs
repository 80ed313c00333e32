//! Kubeconfigs with a real certificate authority and admin client certificate per cluster.
//!
//! Issued on the first request and kept; `kubeconfig/reset` issues a new authority and
//! certificate, so the old file stops being valid. Choices where provider-api.md §11.8 is
//! UNCONFIRMED: the server is `https://` + the cluster's `url`; the context is
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
use crate::api::Kubeconfig;

/// A cluster's certificate authority and admin client certificate, PEM-encoded.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ClusterCredentials {
    pub ca_cert_pem: String,
    pub ca_key_pem: String,
    pub admin_cert_pem: String,
    pub admin_key_pem: String,
}

impl ClusterCredentials {
    /// A new authority for `cluster_name` and an admin certificate signed by it.
    pub fn issue(cluster_name: &str) -> Result<Self, rcgen::Error> {
        let mut authority = CertificateParams::new(Vec::<String>::new())?;
        authority.distinguished_name.push(DnType::CommonName, format!("{cluster_name} cluster CA"));
        authority.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        authority.key_usages =
            vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
        let ca_key = KeyPair::generate()?;
        let ca_key_pem = ca_key.serialize_pem();
        let ca = CertifiedIssuer::self_signed(authority, ca_key)?;

        let mut admin = CertificateParams::new(Vec::<String>::new())?;
        admin.distinguished_name.push(DnType::CommonName, "kubernetes-admin");
        admin.distinguished_name.push(DnType::OrganizationName, "system:masters");
        admin.key_usages = vec![KeyUsagePurpose::DigitalSignature, KeyUsagePurpose::KeyEncipherment];
        admin.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let admin_key = KeyPair::generate()?;
        let admin_cert = admin.signed_by(&admin_key, &ca)?;
        Ok(Self {
            ca_cert_pem: ca.pem(),
            ca_key_pem,
            admin_cert_pem: admin_cert.pem(),
            admin_key_pem: admin_key.serialize_pem(),
        })
    }

    /// The kubeconfig YAML for `cluster`.
    pub fn kubeconfig(&self, cluster: &ClusterRecord, server_host: &str) -> String {
        let name = &cluster.name;
        let user = format!("kubernetes-admin-{name}");
        let context = format!("kubernetes-admin@{name}");
        format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    certificate-authority-data: {ca}\n    server: https://{server_host}\n  name: {name}\ncontexts:\n- context:\n    cluster: {name}\n    user: {user}\n  name: {context}\ncurrent-context: {context}\nusers:\n- name: {user}\n  user:\n    client-certificate-data: {cert}\n    client-key-data: {key}\n",
            ca = STANDARD.encode(&self.ca_cert_pem),
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
        Ok(Json(Kubeconfig { content: credentials.kubeconfig(cluster, &host) }))
    })
}

async fn reset(
    State(emulator): State<Arc<Emulator>>,
    Path((service, id)): Path<(String, String)>,
) -> Result<Json<()>, EmulatorError> {
    let dwell = scaled(&emulator, REDEPLOY);
    with_cluster(&emulator, &service, &id, |cluster, now| {
        require_ready(cluster, now)?;
        cluster.credentials = Some(issue(cluster)?);
        cluster.pass_through(Status::Redeploying, now, dwell);
        Ok(Json(()))
    })
}
