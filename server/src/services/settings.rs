//! A cluster's settings: customization (admission plugins, kube-proxy), private network, and
//! etcd usage.

use model::customization::CustomizationView;
use model::id::ClusterId;
use model::reset::WorkerNodesPolicy;
use model::version::KubeVersion;
use provider::api::{
    AdmissionPlugins, ApiServerCustomization, Cluster, Customization, EtcdUsage, KubeProxyCustomization,
    PrivateNetworkConfiguration, ResetCreation, SyncPeriods,
};

use super::clusters::cluster_change;
use super::{Actor, ServiceError, Services, Submitted, invalid, provider_error};
use crate::operations::params::{self, OperationRequest};

impl Services {
    pub async fn customization(&self, project: &str, id: &ClusterId) -> Result<Customization, ServiceError> {
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
        id: &ClusterId,
        customization: Customization,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        self.change_cluster(
            project,
            actor,
            id,
            OperationRequest::CustomizeCluster(customization),
            idempotency_key,
        )
        .await
    }

    /// Checks `view` and queues it: the admission plugins block and kube-proxy's iptables periods
    /// are replaced, its ipvs settings and the Cilium block are kept as they are.
    pub async fn apply_customization(
        &self,
        project: &str,
        actor: &Actor,
        id: &ClusterId,
        view: &CustomizationView,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        view.validate().into_result()?;
        let current = self.customization(project, id).await?;
        let given = |text: &str| Some(text.trim().to_string()).filter(|t| !t.is_empty());
        let iptables = SyncPeriods {
            min_sync_period: given(&view.min_sync_period),
            sync_period: given(&view.sync_period),
        };
        let kube_proxy = KubeProxyCustomization {
            iptables: (iptables != SyncPeriods::default()).then_some(iptables),
            ipvs: current.kube_proxy.and_then(|k| k.ipvs),
        };
        let customization = Customization {
            api_server: Some(ApiServerCustomization {
                admission_plugins: Some(AdmissionPlugins {
                    enabled: Some(view.enabled_plugins()),
                    disabled: Some(view.disabled_plugins.clone()),
                }),
            }),
            kube_proxy: Some(kube_proxy),
            cilium: None,
        };
        self.customize_cluster(project, actor, id, customization, idempotency_key).await
    }

    /// Queues a reset that keeps the cluster's name, version, patch policy and network, with its
    /// nodes deleted or reinstalled (`worker_nodes_policy`).
    pub async fn reset_keeping_settings(
        &self,
        project: &str,
        actor: &Actor,
        id: &ClusterId,
        worker_nodes_policy: WorkerNodesPolicy,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        let cluster = self.get_cluster(project, id).await?;
        let version = cluster.version.parse::<KubeVersion>().ok().map(|v| v.minor_version().to_string());
        let body = ResetCreation {
            name: Some(cluster.name),
            version,
            update_policy: Some(cluster.update_policy),
            worker_nodes_policy: Some(worker_nodes_policy),
            private_network_id: cluster.private_network_id,
            nodes_subnet_id: cluster.nodes_subnet_id,
        };
        self.reset_cluster(project, actor, id, body, idempotency_key).await
    }

    /// Queues new private-network settings: the egress gateway and routing, and the load
    /// balancers' subnet, each only when given. The network itself is fixed at creation.
    pub async fn update_private_network(
        &self,
        project: &str,
        actor: &Actor,
        id: &ClusterId,
        configuration: Option<PrivateNetworkConfiguration>,
        load_balancers_subnet_id: Option<Option<String>>,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        let cluster = self.cluster(self.project(project)?, id).await?;
        self.submit_private_network(
            project,
            actor,
            &cluster,
            configuration,
            load_balancers_subnet_id,
            idempotency_key,
        )
        .await
    }

    /// [`Self::update_private_network`] for `cluster` as just read.
    pub async fn submit_private_network(
        &self,
        project: &str,
        actor: &Actor,
        cluster: &Cluster,
        configuration: Option<PrivateNetworkConfiguration>,
        load_balancers_subnet_id: Option<Option<String>>,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        let project = self.project(project)?;
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
        let change = cluster_change(OperationRequest::UpdatePrivateNetwork(parameters), cluster);
        self.submit(project, actor, idempotency_key, change).await
    }

    /// How much of the plan's etcd quota the cluster uses (kept for a minute).
    pub async fn etcd_usage(&self, project: &str, id: &ClusterId) -> Result<EtcdUsage, ServiceError> {
        let project = self.project(project)?;
        let load = project.client.etcd_usage(&project.service_name, id);
        let key = (project.id.clone(), id.as_str().to_string());
        self.caches.etcd.get_or_load(key, load).await.map_err(provider_error(|| format!("cluster {id}")))
    }
}

/// What the Settings tab shows of a cluster's customization.
pub fn view_of(current: Customization) -> CustomizationView {
    let plugins = current.api_server.and_then(|a| a.admission_plugins).unwrap_or_default();
    let iptables = current.kube_proxy.and_then(|k| k.iptables).unwrap_or_default();
    CustomizationView {
        disabled_plugins: plugins.disabled.unwrap_or_default(),
        min_sync_period: iptables.min_sync_period.unwrap_or_default(),
        sync_period: iptables.sync_period.unwrap_or_default(),
    }
}
