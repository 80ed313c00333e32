//! A cluster's settings: customization (admission plugins, kube-proxy), private network, and
//! etcd usage.

use model::operation::OperationKind;
use provider::api::{Customization, EtcdUsage, PrivateNetworkConfiguration};

use super::clusters::cluster_change;
use super::{Actor, ServiceError, Services, Submitted, invalid, provider_error};
use crate::operations::params;

impl Services {
    pub async fn customization(&self, project: &str, id: &str) -> Result<Customization, ServiceError> {
        let project = self.project(project)?;
        project
            .client
            .customization(&project.service_name, id)
            .await
            .map_err(provider_error(|| format!("cluster {id}")))
    }

    /// Queues a new customization (the whole document).
    pub async fn customize_cluster(
        &self,
        project: &str,
        actor: &Actor,
        id: &str,
        customization: Customization,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        self.change_cluster(
            project,
            actor,
            id,
            OperationKind::CustomizeCluster,
            customization,
            idempotency_key,
        )
        .await
    }

    /// Queues new private-network settings: the egress gateway and routing, and the load
    /// balancers' subnet, each only when given. The network itself is fixed at creation.
    pub async fn update_private_network(
        &self,
        project: &str,
        actor: &Actor,
        id: &str,
        configuration: Option<PrivateNetworkConfiguration>,
        load_balancers_subnet_id: Option<Option<String>>,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        let project = self.project(project)?;
        let cluster = self.cluster(project, id).await?;
        if cluster.private_network_id.is_none() {
            return Err(invalid(
                "privateNetwork",
                "This cluster is on the public network; a private network can only be chosen at creation or reset.",
            ));
        }
        if let Some(gateway) = configuration.as_ref().map(|c| c.default_vrack_gateway.as_str())
            && !gateway.is_empty()
            && gateway.parse::<std::net::Ipv4Addr>().is_err()
        {
            return Err(invalid("defaultVrackGateway", format!("{gateway} is not an IPv4 address.")));
        }
        if let Some(Some(_)) = &load_balancers_subnet_id
            && cluster.nodes_subnet_id.is_none()
        {
            return Err(invalid(
                "loadBalancersSubnetId",
                "A load-balancer subnet needs the nodes subnet to be chosen.",
            ));
        }
        let parameters = params::PrivateNetwork { configuration, load_balancers_subnet_id };
        let change = cluster_change(OperationKind::UpdatePrivateNetwork, &cluster, parameters);
        self.submit(project, actor, idempotency_key, change).await
    }

    /// How much of the plan's etcd quota the cluster uses.
    pub async fn etcd_usage(&self, project: &str, id: &str) -> Result<EtcdUsage, ServiceError> {
        let project = self.project(project)?;
        project
            .client
            .etcd_usage(&project.service_name, id)
            .await
            .map_err(provider_error(|| format!("cluster {id}")))
    }
}
