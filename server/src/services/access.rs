//! Who may reach a cluster: kubeconfig, the API server's allow-list, OIDC.

use std::net::Ipv4Addr;

use chrono::Utc;
use model::ip_restriction::{self, Lockout};
use model::oidc::OidcConfig;
use model::operation::OperationKind;
use provider::api::OpenIdConnect;

use super::{Actor, ServiceError, Services, Submitted, provider_error};
use crate::audit::{self, AuditEvent};
use crate::operations::params;

/// A kubeconfig file, for a download.
pub struct KubeconfigFile {
    /// `<cluster name>.yaml`.
    pub file_name: String,
    pub content: String,
}

impl std::fmt::Debug for KubeconfigFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "KubeconfigFile {{ file_name: {:?}, .. }}", self.file_name)
    }
}

impl Services {
    /// The cluster's admin kubeconfig; each download is audited (the content never is).
    pub async fn admin_kubeconfig(
        &self,
        project: &str,
        actor: &Actor,
        id: &str,
    ) -> Result<KubeconfigFile, ServiceError> {
        let project = self.project(project)?;
        let cluster = self.cluster(project, id).await?;
        let result = project.client.kubeconfig(&project.service_name, id).await;
        let event = AuditEvent {
            project_id: Some(project.id.clone()),
            actor: actor.username.clone(),
            actor_address: actor.address.clone(),
            action: "kubeconfig.download".into(),
            target_kind: Some("cluster".into()),
            target_id: Some(cluster.id.clone()),
            target_name: Some(cluster.name.clone()),
            outcome: if result.is_ok() { "succeeded" } else { "failed" },
            operation_id: None,
        };
        audit::record(&self.db, &event, Utc::now()).await?;
        let kubeconfig = result.map_err(provider_error(|| format!("cluster {id}")))?;
        Ok(KubeconfigFile { file_name: format!("{}.yaml", cluster.name), content: kubeconfig.content })
    }

    /// Queues a kubeconfig reset: every kubeconfig issued so far stops working.
    pub async fn reset_kubeconfig(
        &self,
        project: &str,
        actor: &Actor,
        id: &str,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        self.change_cluster(
            project,
            actor,
            id,
            OperationKind::ResetKubeconfig,
            serde_json::json!({}),
            idempotency_key,
        )
        .await
    }

    /// The API server's allow-list (empty: open to all).
    pub async fn ip_restrictions(&self, project: &str, id: &str) -> Result<Vec<String>, ServiceError> {
        let project = self.project(project)?;
        project
            .client
            .ip_restrictions(&project.service_name, id)
            .await
            .map_err(provider_error(|| format!("cluster {id}")))
    }

    /// Whether `entries` would shut out `address` (to warn before saving).
    pub fn allow_list_lockout(
        entries: &[String],
        address: Ipv4Addr,
    ) -> Result<Option<Lockout>, ServiceError> {
        let list = ip_restriction::parse_allow_list(entries)?;
        Ok(ip_restriction::lockout(&list, address))
    }

    /// Checks every entry and queues the new allow-list, normalised (`203.0.113.7` becomes
    /// `203.0.113.7/32`).
    pub async fn set_ip_restrictions(
        &self,
        project: &str,
        actor: &Actor,
        id: &str,
        entries: &[String],
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        let list = ip_restriction::parse_allow_list(entries)?;
        let ips = list.iter().map(|c| c.to_string()).collect();
        let parameters = params::IpRestrictions { ips };
        self.change_cluster(project, actor, id, OperationKind::SetIpRestrictions, parameters, idempotency_key)
            .await
    }

    /// The cluster's OIDC configuration, if it has one.
    pub async fn cluster_oidc(&self, project: &str, id: &str) -> Result<Option<OidcConfig>, ServiceError> {
        let project = self.project(project)?;
        match project.client.oidc(&project.service_name, id).await {
            Ok(config) => Ok(Some(OidcConfig::from(&config))),
            Err(e) if e.status() == Some(404) => {
                // No configuration, or no cluster: tell them apart.
                self.cluster(project, id).await?;
                Ok(None)
            }
            Err(e) => Err(ServiceError::Provider(e)),
        }
    }

    /// Checks and queues the cluster's OIDC configuration (created or replaced).
    pub async fn set_cluster_oidc(
        &self,
        project: &str,
        actor: &Actor,
        id: &str,
        config: &OidcConfig,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        config.validate().into_result()?;
        self.change_cluster(
            project,
            actor,
            id,
            OperationKind::SetClusterOidc,
            OpenIdConnect::from(config),
            idempotency_key,
        )
        .await
    }

    /// Queues the removal of the cluster's OIDC configuration.
    pub async fn remove_cluster_oidc(
        &self,
        project: &str,
        actor: &Actor,
        id: &str,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        self.change_cluster(
            project,
            actor,
            id,
            OperationKind::RemoveClusterOidc,
            serde_json::json!({}),
            idempotency_key,
        )
        .await
    }
}
