//! Who may reach a cluster: kubeconfig, the API server's allow-list, OIDC.

use chrono::Utc;
use model::activity::{AuditAction, Outcome, TargetKind};
use model::id::ClusterId;
use model::ip_restriction;
use model::kubeconfig::{ApiEndpoint, user_kubeconfig};
use model::oidc::{OidcAccess, OidcConfig};
use provider::api::{Cluster, Kubeconfig, OpenIdConnect};
use provider::client::Error as ProviderError;

use super::{Actor, ServiceError, Services, Submitted, invalid, provider_error};
use crate::audit::{self, AuditEvent};
use crate::operations::params::{self, OperationRequest};
use crate::projects::Project;

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
        id: &ClusterId,
    ) -> Result<KubeconfigFile, ServiceError> {
        let project = self.project(project)?;
        let cluster = self.cluster(project, id).await?;
        let result = self.fetch_kubeconfig(project, actor, &cluster, AuditAction::AdminKubeconfig).await?;
        let kubeconfig = result.map_err(provider_error(|| format!("cluster {id}")))?;
        Ok(KubeconfigFile { file_name: format!("{}.yaml", cluster.name), content: kubeconfig.content })
    }

    /// The provider's kubeconfig of `cluster`, the fetch audited as `action` (never the content).
    async fn fetch_kubeconfig(
        &self,
        project: &Project,
        actor: &Actor,
        cluster: &Cluster,
        action: AuditAction,
    ) -> Result<Result<Kubeconfig, ProviderError>, ServiceError> {
        let result = project.client.kubeconfig(&project.service_name, &ClusterId::new(&cluster.id)).await;
        let event = AuditEvent {
            project_id: Some(project.id.clone()),
            actor: actor.name(),
            actor_address: actor.address.clone(),
            action,
            target_kind: Some(TargetKind::Cluster),
            target_id: Some(cluster.id.clone()),
            target_name: Some(cluster.name.clone()),
            outcome: if result.is_ok() { Outcome::Succeeded } else { Outcome::Failed },
            operation_id: None,
        };
        audit::record(&self.db, &event, Utc::now()).await?;
        Ok(result)
    }

    /// Queues a kubeconfig reset: every kubeconfig issued so far stops working.
    pub async fn reset_kubeconfig(
        &self,
        project: &str,
        actor: &Actor,
        id: &ClusterId,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        self.change_cluster(project, actor, id, OperationRequest::ResetKubeconfig {}, idempotency_key).await
    }

    /// Checks every entry and queues the new allow-list, normalised (`203.0.113.7` becomes
    /// `203.0.113.7/32`).
    pub async fn set_ip_restrictions(
        &self,
        project: &str,
        actor: &Actor,
        id: &ClusterId,
        entries: &[String],
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        let list = ip_restriction::parse_allow_list(entries)?;
        let ips = list.iter().map(|c| c.to_string()).collect();
        let parameters = params::IpRestrictions { ips };
        self.change_cluster(
            project,
            actor,
            id,
            OperationRequest::SetIpRestrictions(parameters),
            idempotency_key,
        )
        .await
    }

    /// The cluster's OIDC configuration, if it has one.
    pub async fn cluster_oidc(
        &self,
        project: &str,
        id: &ClusterId,
    ) -> Result<Option<OidcConfig>, ServiceError> {
        let project = self.project(project)?;
        match project.client.oidc(&project.service_name, id).await {
            Ok(config) => Ok(Some(OidcConfig::from(&config))),
            Err(e) if e.is_not_found() => {
                // No configuration, or no cluster: tell them apart.
                self.cluster(project, id).await?;
                Ok(None)
            }
            Err(e) => Err(ServiceError::Provider(e)),
        }
    }

    /// The cluster's OIDC configuration with the console's identity provider.
    pub async fn oidc_access(&self, project: &str, id: &ClusterId) -> Result<OidcAccess, ServiceError> {
        let config = self.cluster_oidc(project, id).await?;
        Ok(OidcAccess { config, console: self.issuers.console.clone() })
    }

    /// A kubeconfig that signs `actor` in through the console's identity provider, with no
    /// secret inside; only when the cluster trusts that provider. Audited like the admin one.
    pub async fn user_kubeconfig(
        &self,
        project_id: &str,
        actor: &Actor,
        id: &ClusterId,
    ) -> Result<KubeconfigFile, ServiceError> {
        let project = self.project(project_id)?;
        let cluster = self.cluster(project, id).await?;
        let access = self.oidc_access(project_id, id).await?;
        let (Some(console), Some(config)) = (access.trusted_console(), access.config.as_ref()) else {
            return Err(ServiceError::Conflict(
                "This cluster does not trust the console's identity provider: set its OIDC configuration to it first (Access tab)."
                    .into(),
            ));
        };
        let result = self.fetch_kubeconfig(project, actor, &cluster, AuditAction::UserKubeconfig).await?;
        let admin = result.map_err(provider_error(|| format!("cluster {id}")))?;
        let endpoint = ApiEndpoint::from_kubeconfig(&admin.content).ok_or_else(|| {
            ServiceError::Conflict(
                "The provider's kubeconfig names no API server or certificate authority.".into(),
            )
        })?;
        Ok(KubeconfigFile {
            file_name: format!("{}-{}.yaml", cluster.name, actor.username),
            content: user_kubeconfig(&cluster.name, &endpoint, config, &console.scopes),
        })
    }

    /// Checks and queues the cluster's OIDC configuration (created or replaced).
    pub async fn set_cluster_oidc(
        &self,
        project: &str,
        actor: &Actor,
        id: &ClusterId,
        config: &OidcConfig,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        config.validate().into_result()?;
        let ca = config.ca_content.as_deref();
        if let Err(problem) = self.issuers.check_discovery(&config.issuer_url, ca).await {
            return Err(invalid("issuerUrl", problem));
        }
        self.change_cluster(
            project,
            actor,
            id,
            OperationRequest::SetClusterOidc(OpenIdConnect::from(config)),
            idempotency_key,
        )
        .await
    }

    /// Queues the removal of the cluster's OIDC configuration.
    pub async fn remove_cluster_oidc(
        &self,
        project: &str,
        actor: &Actor,
        id: &ClusterId,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        self.change_cluster(project, actor, id, OperationRequest::RemoveClusterOidc {}, idempotency_key).await
    }
}
