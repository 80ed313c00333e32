//! A project's private networks, their subnets and gateways, read from the provider and joined
//! with the clusters that use them (from the catalog). The network page and the wizard's network
//! step show this.

use std::collections::{BTreeMap, BTreeSet};

use futures::future::try_join_all;
use model::private_network::{GatewayView, NetworkInRegion, NetworkView, NetworksView, SubnetView};
use provider::api::{Cluster, Gateway, Network, Subnet};

use super::{ServiceError, Services};

impl Services {
    /// Every network of `project` with its subnets and gateways, and which clusters use each.
    pub async fn networks(&self, project: &str) -> Result<NetworksView, ServiceError> {
        let project = self.project(project)?;
        let (client, service) = (&project.client, project.service_name.as_str());
        let networks = client.list_networks(service).await.map_err(ServiceError::Provider)?;
        let subnets = try_join_all(networks.iter().map(|n| client.list_subnets(service, &n.id)))
            .await
            .map_err(ServiceError::Provider)?;
        let regions: BTreeSet<&str> =
            networks.iter().flat_map(|n| n.regions.iter().map(|r| r.region.as_str())).collect();
        let gateways = try_join_all(regions.iter().map(|region| client.list_gateways(service, region)))
            .await
            .map_err(ServiceError::Provider)?
            .into_iter()
            .flatten()
            .collect::<Vec<_>>();
        let clusters: Vec<Cluster> = match self.catalog.project(&project.id) {
            Some(catalog) => catalog.current().clusters.iter().map(|e| e.cluster.clone()).collect(),
            None => Vec::new(),
        };
        let networks = networks.iter().zip(subnets).map(|(n, s)| view(n, &s, &gateways, &clusters)).collect();
        Ok(NetworksView { networks })
    }
}

/// `network` as pages show it, with its `subnets` (every region's), the region's `gateways` and
/// the `clusters` that use it.
fn view(network: &Network, subnets: &[Subnet], gateways: &[Gateway], clusters: &[Cluster]) -> NetworkView {
    let openstack_ids: BTreeMap<&str, &str> =
        network.regions.iter().map(|r| (r.region.as_str(), r.openstack_id.as_str())).collect();
    let on_network = |c: &Cluster| {
        c.private_network_id.as_deref().is_some_and(|id| openstack_ids.values().any(|o| *o == id))
    };
    let regions = network
        .regions
        .iter()
        .map(|region| NetworkInRegion {
            region: region.region.clone(),
            openstack_id: region.openstack_id.clone(),
            subnets: subnets
                .iter()
                .filter(|s| s.ip_pools.iter().any(|p| p.region == region.region) || s.ip_pools.is_empty())
                .map(|subnet| subnet_view(subnet, &region.region, gateways, clusters))
                .collect(),
        })
        .collect();
    NetworkView {
        id: network.id.clone(),
        name: network.name.clone(),
        vlan_id: network.vlan_id,
        status: network.status.clone(),
        regions,
        used_by: clusters.iter().filter(|c| on_network(c)).map(|c| c.name.clone()).collect(),
    }
}

fn subnet_view(subnet: &Subnet, region: &str, gateways: &[Gateway], clusters: &[Cluster]) -> SubnetView {
    let pool = subnet.ip_pools.iter().find(|p| p.region == region);
    let gateway = gateways
        .iter()
        .find(|g| g.region == region && g.interfaces.iter().any(|i| i.subnet_id == subnet.id))
        .map(|g| GatewayView {
            id: g.id.clone(),
            name: g.name.clone(),
            model: g.model.clone(),
            status: g.status.clone(),
            ip: g.interfaces.iter().find(|i| i.subnet_id == subnet.id).map(|i| i.ip.clone()),
        });
    let named = |id: &Option<String>| id.as_deref() == Some(subnet.id.as_str());
    SubnetView {
        id: subnet.id.clone(),
        cidr: subnet.cidr.clone(),
        dhcp_start: pool.map(|p| p.start.clone()),
        dhcp_end: pool.map(|p| p.end.clone()),
        gateway_ip: subnet.gateway_ip.clone(),
        gateway,
        used_by: clusters
            .iter()
            .filter(|c| named(&c.nodes_subnet_id) || named(&c.load_balancers_subnet_id))
            .map(|c| c.name.clone())
            .collect(),
    }
}
