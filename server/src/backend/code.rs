//! Clusters as code: a cluster read from the catalog as the template that recreates it and as
//! the provider's Terraform resources.

use app::api::port::{Caller, Code};
use app::error::AppError;
use async_trait::async_trait;
use model::cluster_spec::ClusterSpec;
use model::id::{ClusterId, ProjectId};
use model::terraform::{AsCode, ClusterCode};

use super::ConsoleBackend;
use crate::catalog::{Entry, Lookup, Unavailable};
use crate::services::ServiceError;
use crate::services::settings::view_of;

#[async_trait]
impl Code for ConsoleBackend {
    async fn cluster_code(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<AsCode, AppError> {
        self.require_viewer(caller, project)?;
        let snapshot = self.cluster_snapshot(project, cluster).await?;
        let (found, pools) = match snapshot.find(cluster.as_str()) {
            Lookup::Found(Entry { cluster, detail: Some(detail) }) => (cluster, &detail.pools),
            Lookup::Found(_) => return Err(super::not_read(Unavailable::NotReadYet)),
            Lookup::Missing | Lookup::Unknown => {
                return Err(AppError::from(ServiceError::NotFound(format!("cluster {cluster}"))));
            }
        };
        let config = self.cluster_config(project, cluster).await?;
        let template = provider::api::template(found, pools, &config.ip_restrictions).map_err(|message| {
            AppError::Conflict { message: format!("The cluster cannot be exported: {message}") }
        })?;
        let customization = view_of(config.customization.clone());
        let service_name = self.services.project(project)?.service_name.clone();
        let terraform = ClusterCode {
            spec: &template,
            service_name: Some(&service_name),
            customization: Some(&customization),
            oidc: config.oidc.as_ref(),
        }
        .render();
        Ok(AsCode { template, terraform })
    }

    async fn spec_terraform(
        &self,
        caller: &Caller,
        project: &ProjectId,
        spec: &ClusterSpec,
    ) -> Result<String, AppError> {
        self.require_viewer(caller, project)?;
        let service_name = self.services.project(project)?.service_name.clone();
        Ok(ClusterCode { spec, service_name: Some(&service_name), customization: None, oidc: None }.render())
    }
}
