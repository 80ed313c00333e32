//! The project's private networks, subnets and gateways.

use app::api::port::{Caller, Networks};
use app::error::AppError;
use async_trait::async_trait;
use model::activity::TargetKind;
use model::cluster_network::{ClusterNetwork, Routing};
use model::id::{ClusterId, NetworkId, ProjectId, SubnetId};
use model::operation::OperationKind;
use model::private_network::{NetworkForm, NetworksView, SubnetForm};

use super::ConsoleBackend;
use crate::catalog::Lookup;
use crate::services::ServiceError;

#[async_trait]
impl Networks for ConsoleBackend {
    async fn networks(&self, caller: &Caller, project: &ProjectId) -> Result<NetworksView, AppError> {
        self.require_viewer(caller, project)?;
        Ok(self.services.networks(project).await?)
    }

    async fn create_network(
        &self,
        caller: &Caller,
        project: &ProjectId,
        form: &NetworkForm,
    ) -> Result<String, AppError> {
        let target = (TargetKind::Network, None);
        self.change_on(caller, project, target, OperationKind::CreateNetwork, |actor| async move {
            self.services.create_network(project, &actor, form, None).await
        })
        .await
    }

    async fn create_subnet(
        &self,
        caller: &Caller,
        project: &ProjectId,
        network: &NetworkId,
        region: &str,
        form: &SubnetForm,
    ) -> Result<String, AppError> {
        let target = (TargetKind::Network, Some(network.as_str()));
        self.change_on(caller, project, target, OperationKind::CreateSubnet, |actor| async move {
            self.services.create_subnet(project, &actor, network, region, form, None).await
        })
        .await
    }

    async fn create_gateway(
        &self,
        caller: &Caller,
        project: &ProjectId,
        network: &NetworkId,
        subnet: &SubnetId,
        size: &str,
    ) -> Result<String, AppError> {
        let target = (TargetKind::Subnet, Some(subnet.as_str()));
        self.change_on(caller, project, target, OperationKind::CreateGateway, |actor| async move {
            self.services.create_gateway(project, &actor, network, subnet, size, None).await
        })
        .await
    }

    async fn delete_network(
        &self,
        caller: &Caller,
        project: &ProjectId,
        network: &NetworkId,
    ) -> Result<String, AppError> {
        let target = (TargetKind::Network, Some(network.as_str()));
        self.change_on(caller, project, target, OperationKind::DeleteNetwork, |actor| async move {
            self.services.delete_network(project, &actor, network, None).await
        })
        .await
    }

    async fn cluster_network(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<ClusterNetwork, AppError> {
        self.require_viewer(caller, project)?;
        let snapshot = self.cluster_snapshot(project, cluster).await?;
        let Lookup::Found(entry) = snapshot.find(cluster.as_str()) else {
            return Err(AppError::from(ServiceError::NotFound(format!("cluster {cluster}"))));
        };
        let (networks, clusters) = self.services.network_state(project).await?;
        Ok(crate::services::networks::cluster_network(&entry.cluster, &networks, &clusters))
    }

    async fn set_load_balancers_subnet(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        subnet: Option<&SubnetId>,
    ) -> Result<String, AppError> {
        let wanted = Some(subnet.map(|s| s.as_str().to_string()));
        self.change(caller, project, cluster, OperationKind::UpdatePrivateNetwork, |actor| async move {
            self.services.change_cluster_network(project, &actor, cluster, wanted, None).await
        })
        .await
    }

    async fn set_cluster_routing(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        routing: &Routing,
    ) -> Result<String, AppError> {
        let routing = Some(routing.clone());
        self.change(caller, project, cluster, OperationKind::UpdatePrivateNetwork, |actor| async move {
            self.services.change_cluster_network(project, &actor, cluster, None, routing).await
        })
        .await
    }
}
