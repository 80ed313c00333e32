//! A project's private networks, their subnets and gateways: read from the catalog (never from
//! the provider on a page's path while this replica reads the catalog), joined with the clusters
//! that use them, and changed through operations after the provider's rules are checked.

use std::time::Duration;

use model::activity::TargetKind;
use model::cidr::Ipv4Cidr;
use model::cluster_network::{ClusterNetwork, Routing, check_load_balancers_subnet};
use model::cluster_spec::ClusterSpec;
use model::private_network::{
    GatewayView, NetworkForm, NetworkInRegion, NetworkView, NetworksView, SubnetForm, SubnetView,
};
use provider::api::{
    Cluster, Gateway, GatewayCreation, Network, NetworkCreation, PrivateNetworkConfiguration, Subnet,
    SubnetCreation,
};

use super::{Actor, Change, ServiceError, Services, Submitted, invalid};
use crate::catalog::{Networks, refresher::read_networks, store::last_network_change};
use crate::operations::params::{self, OperationRequest};
use crate::operations::store;

/// How long a page waits for the catalog to read the networks.
const NETWORKS_WAIT: Duration = Duration::from_secs(5);

impl Services {
    /// What the catalog read of `project`'s networks, after the last operation on them.
    pub async fn network_state(&self, project: &str) -> Result<(Networks, Vec<Cluster>), ServiceError> {
        let (networks, clusters, _) = self.network_state_behind(project).await?;
        Ok((networks, clusters))
    }

    /// [`Self::network_state`], and whether that copy predates the last operation on the
    /// networks (the catalog could not read them again within [`NETWORKS_WAIT`]).
    async fn network_state_behind(
        &self,
        project: &str,
    ) -> Result<(Networks, Vec<Cluster>, bool), ServiceError> {
        let project_ref = self.project(project)?;
        let catalog =
            self.catalog.project(project).ok_or_else(|| ServiceError::UnknownProject(project.to_string()))?;
        let clusters = || catalog.current().clusters.iter().map(|e| e.cluster.clone()).collect::<Vec<_>>();
        if !catalog.is_polling() {
            // Another replica reads the catalog: ask the provider (as cluster configurations do).
            let networks = read_networks(project_ref, None).await.map_err(ServiceError::Provider)?;
            return Ok((networks, clusters(), false));
        }
        let changed_at = last_network_change(&self.db, project).await?;
        let snapshot =
            catalog.networks(changed_at, NETWORKS_WAIT).await.map_err(|_| ServiceError::NotReadYet)?;
        let networks = snapshot.networks.clone().ok_or(ServiceError::NotReadYet)?;
        let behind = changed_at.is_some_and(|at| networks.read_at < at);
        Ok((networks, snapshot.clusters.iter().map(|e| e.cluster.clone()).collect(), behind))
    }

    /// Every network of `project` with its subnets and gateways, and which clusters use each;
    /// `behind` when the catalog's copy predates the last operation on them.
    pub async fn networks(&self, project: &str) -> Result<NetworksView, ServiceError> {
        let (networks, clusters, behind) = self.network_state_behind(project).await?;
        let mut view = view(&networks, &clusters);
        view.operations = store::network_operations(&self.db, project, 10).await?;
        view.behind = behind;
        Ok(view)
    }

    /// `spec` with its private network's facts as last read: the nodes subnet's range and
    /// whether an active gateway serves it (the rules check those, never what a page claims);
    /// refused at the field that names a network or subnet the region does not have.
    pub async fn with_network_facts(
        &self,
        project: &str,
        spec: &ClusterSpec,
    ) -> Result<ClusterSpec, ServiceError> {
        let Some(wanted) = &spec.private_network else { return Ok(spec.clone()) };
        if wanted.private_network_id.trim().is_empty() {
            return Ok(spec.clone());
        }
        let (networks, _) = self.network_state(project).await?;
        let region = spec.region.as_str();
        let found = networks
            .networks
            .iter()
            .enumerate()
            .find(|(_, n)| n.openstack_id(region) == Some(wanted.private_network_id.as_str()));
        let Some((index, network)) = found else {
            return Err(invalid(
                "privateNetwork.privateNetworkId",
                format!("The project has no private network {} in {region}.", wanted.private_network_id),
            ));
        };
        let subnets = networks.subnets.get(index).map_or(&[][..], Vec::as_slice);
        let subnet_in = |field: &str, id: &str| {
            in_region(subnets, region).find(|s| s.id == id).ok_or_else(|| {
                invalid(field, format!("The network {} has no subnet {id} in {region}.", network.name))
            })
        };
        let mut checked = wanted.clone();
        checked.nodes_subnet_cidr = None;
        checked.subnet_has_gateway = false;
        if let Some(id) = &wanted.nodes_subnet_id {
            let subnet = subnet_in("privateNetwork.nodesSubnetId", id)?;
            checked.nodes_subnet_cidr = subnet.cidr.parse().ok();
            checked.subnet_has_gateway =
                gateway_on(&networks.gateways, id).is_some_and(|g| g.status == "active");
        }
        if let Some(id) = &wanted.load_balancers_subnet_id {
            subnet_in("privateNetwork.loadBalancersSubnetId", id)?;
        }
        Ok(ClusterSpec { private_network: Some(checked), ..spec.clone() })
    }

    /// Checks and queues a new network in one region with its first subnet (and a gateway on it
    /// when asked).
    pub async fn create_network(
        &self,
        project: &str,
        actor: &Actor,
        form: &NetworkForm,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        let (networks, _) = self.network_state(project).await?;
        let taken: Vec<u32> = networks.networks.iter().map(|n| n.vlan_id).collect();
        let mut errors = form.validate(&taken);
        if !form.region.is_empty() && self.region(project, &form.region).await?.is_none() {
            errors.add("region", format!("{} is not a region of this project.", form.region));
        }
        let subnet = form.subnet.parse(&[]).map_err(|e| errors.extend_under("subnet", e)).ok();
        let name = form.name.trim().to_string();
        if store::creating(&self.db, project, model::operation::OperationKind::CreateNetwork, None, &name)
            .await?
        {
            errors.add("name", format!("A network named {name} is already being created."));
        }
        let subnet = match (errors.into_result(), subnet) {
            (Ok(()), Some(subnet)) => subnet,
            (Err(errors), _) => return Err(ServiceError::Invalid(errors)),
            (Ok(()), None) => unreachable!("a subnet that did not parse left an error"),
        };
        let request = OperationRequest::CreateNetwork(params::CreateNetwork {
            network: NetworkCreation {
                name: name.clone(),
                vlan_id: form.vlan_id,
                regions: vec![form.region.clone()],
            },
            subnet: subnet_creation(&form.region, &subnet),
            gateway: gateway_creation(&name, &form.subnet),
        });
        let change = network_change(request, TargetKind::Network, None, &name);
        self.submit(self.project(project)?, actor, idempotency_key, change).await
    }

    /// Checks and queues a subnet of network `network_id` in `region` (and a gateway on it when
    /// asked).
    pub async fn create_subnet(
        &self,
        project: &str,
        actor: &Actor,
        network_id: &str,
        region: &str,
        form: &SubnetForm,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        let (networks, _) = self.network_state(project).await?;
        let (network, subnets) = find_network(&networks, network_id)?;
        if network.openstack_id(region).is_none() {
            return Err(invalid("region", format!("The network {} is not in {region}.", network.name)));
        }
        let neighbours: Vec<Ipv4Cidr> =
            in_region(subnets, region).filter_map(|s| s.cidr.parse().ok()).collect();
        let subnet = form.parse(&neighbours)?;
        let request = OperationRequest::CreateSubnet(params::CreateSubnet {
            network_id: network.id.clone(),
            subnet: subnet_creation(region, &subnet),
            gateway: gateway_creation(&network.name, form),
        });
        let change = network_change(request, TargetKind::Subnet, Some(&network.id), &subnet.cidr.to_string());
        self.submit(self.project(project)?, actor, idempotency_key, change).await
    }

    /// Checks and queues a gateway of size `size` on subnet `subnet_id` of network `network_id`.
    pub async fn create_gateway(
        &self,
        project: &str,
        actor: &Actor,
        network_id: &str,
        subnet_id: &str,
        size: &str,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        let (networks, _) = self.network_state(project).await?;
        let (network, subnets) = find_network(&networks, network_id)?;
        let subnet = subnets
            .iter()
            .find(|s| s.id == subnet_id)
            .ok_or_else(|| ServiceError::NotFound(format!("subnet {subnet_id}")))?;
        let region = subnet
            .ip_pools
            .first()
            .map(|p| p.region.clone())
            .or_else(|| network.regions.first().map(|r| r.region.clone()))
            .unwrap_or_default();
        if let Some(gateway) = gateway_on(&networks.gateways, subnet_id) {
            return Err(ServiceError::Conflict(format!(
                "The subnet {} already has gateway {}.",
                subnet.cidr, gateway.name
            )));
        }
        if !model::private_network::GATEWAY_SIZES.iter().any(|(code, _)| *code == size) {
            return Err(invalid("gateway", format!("{size} is not a gateway size: choose s, m or l.")));
        }
        let gateway = GatewayCreation { name: format!("{}-gateway", network.name), model: size.to_string() };
        let request = OperationRequest::CreateGateway(params::CreateGateway {
            network_id: network.id.clone(),
            region,
            subnet_id: subnet_id.to_string(),
            gateway,
        });
        let change = network_change(request, TargetKind::Gateway, Some(subnet_id), &subnet.cidr);
        self.submit(self.project(project)?, actor, idempotency_key, change).await
    }

    /// Queues the deletion of network `network_id` with its subnets and their gateways, refused
    /// while a cluster uses it.
    pub async fn delete_network(
        &self,
        project: &str,
        actor: &Actor,
        network_id: &str,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        let (networks, clusters) = self.network_state(project).await?;
        let (network, _) = find_network(&networks, network_id)?;
        let users = users_of(network, &clusters);
        if !users.is_empty() {
            return Err(ServiceError::Conflict(format!(
                "The network {} is used by {}: delete or reset {} first.",
                network.name,
                users.join(", "),
                if users.len() == 1 { "that cluster" } else { "those clusters" }
            )));
        }
        let request =
            OperationRequest::DeleteNetwork(params::DeleteNetwork { network_id: network.id.clone() });
        let change = network_change(request, TargetKind::Network, Some(&network.id), &network.name);
        self.submit(self.project(project)?, actor, idempotency_key, change).await
    }
}

fn network_change(request: OperationRequest, kind: TargetKind, target: Option<&str>, name: &str) -> Change {
    Change {
        request,
        cluster_id: None,
        target_kind: kind,
        target_id: target.map(str::to_string),
        target_name: Some(name.to_string()),
    }
}

fn subnet_creation(region: &str, subnet: &model::private_network::SubnetRequest) -> SubnetCreation {
    SubnetCreation {
        region: region.to_string(),
        network: subnet.cidr.to_string(),
        start: subnet.start.to_string(),
        end: subnet.end.to_string(),
        dhcp: true,
        no_gateway: false,
    }
}

/// The gateway `form` asks for, named after the network.
fn gateway_creation(network_name: &str, form: &SubnetForm) -> Option<GatewayCreation> {
    let model = form.gateway.clone()?;
    Some(GatewayCreation { name: format!("{network_name}-gateway"), model })
}

fn find_network<'a>(networks: &'a Networks, id: &str) -> Result<(&'a Network, &'a [Subnet]), ServiceError> {
    let index = networks
        .networks
        .iter()
        .position(|n| n.id == id)
        .ok_or_else(|| ServiceError::NotFound(format!("private network {id}")))?;
    Ok((&networks.networks[index], networks.subnets.get(index).map_or(&[][..], Vec::as_slice)))
}

fn in_region<'a>(subnets: &'a [Subnet], region: &'a str) -> impl Iterator<Item = &'a Subnet> {
    subnets.iter().filter(move |s| s.ip_pools.is_empty() || s.ip_pools.iter().any(|p| p.region == region))
}

fn gateway_on<'a>(gateways: &'a [Gateway], subnet: &str) -> Option<&'a Gateway> {
    gateways.iter().find(|g| g.interfaces.iter().any(|i| i.subnet_id == subnet))
}

/// The names of the clusters on `network`, in any region.
fn users_of(network: &Network, clusters: &[Cluster]) -> Vec<String> {
    let ids: Vec<&str> = network.regions.iter().map(|r| r.openstack_id.as_str()).collect();
    clusters
        .iter()
        .filter(|c| c.private_network_id.as_deref().is_some_and(|id| ids.contains(&id)))
        .map(|c| c.name.clone())
        .collect()
}

/// The networks as pages show them.
pub fn view(networks: &Networks, clusters: &[Cluster]) -> NetworksView {
    let networks = networks
        .networks
        .iter()
        .enumerate()
        .map(|(index, network)| {
            let subnets = networks.subnets.get(index).map_or(&[][..], Vec::as_slice);
            network_view(network, subnets, &networks.gateways, clusters)
        })
        .collect();
    NetworksView { networks, ..NetworksView::default() }
}

fn network_view(
    network: &Network,
    subnets: &[Subnet],
    gateways: &[Gateway],
    clusters: &[Cluster],
) -> NetworkView {
    let regions = network
        .regions
        .iter()
        .map(|region| NetworkInRegion {
            region: region.region.clone(),
            openstack_id: region.openstack_id.clone(),
            subnets: in_region(subnets, &region.region)
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
        used_by: users_of(network, clusters),
    }
}

fn subnet_view(subnet: &Subnet, region: &str, gateways: &[Gateway], clusters: &[Cluster]) -> SubnetView {
    let pool = subnet.ip_pools.iter().find(|p| p.region == region);
    let gateway = gateway_on(gateways, &subnet.id).filter(|g| g.region == region).map(|g| GatewayView {
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

/// Cluster `cluster`'s place on the project's `networks`, as its Network card shows it.
pub fn cluster_network(cluster: &Cluster, networks: &Networks, clusters: &[Cluster]) -> ClusterNetwork {
    let region = cluster.region.as_str();
    let routing = cluster.private_network_configuration.as_ref().map_or(Routing::Public, |c| {
        Routing::from_provider(
            &c.default_vrack_gateway,
            c.private_network_routing_as_default.unwrap_or(false),
        )
    });
    let mut shown = ClusterNetwork {
        region: region.to_string(),
        private_network_id: cluster.private_network_id.clone(),
        routing,
        ..ClusterNetwork::default()
    };
    let Some(id) = cluster.private_network_id.as_deref() else { return shown };
    let found = networks.networks.iter().enumerate().find(|(_, n)| n.openstack_id(region) == Some(id));
    let Some((index, network)) = found else { return shown };
    let subnets: Vec<SubnetView> =
        in_region(networks.subnets.get(index).map_or(&[][..], Vec::as_slice), region)
            .map(|s| subnet_view(s, region, &networks.gateways, clusters))
            .collect();
    let named =
        |id: &Option<String>| id.as_ref().and_then(|id| subnets.iter().find(|s| &s.id == id).cloned());
    shown.network_name = Some(network.name.clone());
    shown.network_id = Some(network.id.clone());
    shown.nodes_subnet = named(&cluster.nodes_subnet_id);
    shown.load_balancers_subnet = named(&cluster.load_balancers_subnet_id);
    shown.subnets = subnets;
    shown
}

impl Services {
    /// Checks and queues a new load-balancer subnet (`Some(None)`: back to the nodes subnet)
    /// and new routing for cluster `id`, each only when given.
    pub async fn change_cluster_network(
        &self,
        project: &str,
        actor: &Actor,
        id: &model::id::ClusterId,
        load_balancers_subnet_id: Option<Option<String>>,
        routing: Option<Routing>,
    ) -> Result<Submitted, ServiceError> {
        let cluster = self.cluster(self.project(project)?, id).await?;
        let (networks, clusters) = self.network_state(project).await?;
        let shown = cluster_network(&cluster, &networks, &clusters);
        let mut errors = model::validation::FieldErrors::new();
        if let Some(wanted) = &load_balancers_subnet_id {
            errors.append(check_load_balancers_subnet(&shown, wanted.as_deref()));
        }
        if let Some(routing) = &routing {
            let nodes = shown.nodes_subnet.as_ref().and_then(|s| s.cidr.parse::<Ipv4Cidr>().ok());
            errors.append(routing.validate(nodes.as_ref()));
        }
        errors.into_result()?;
        let configuration = routing.map(|routing| {
            let (default_vrack_gateway, routing_as_default) = routing.to_provider();
            PrivateNetworkConfiguration {
                default_vrack_gateway,
                private_network_routing_as_default: Some(routing_as_default),
            }
        });
        self.submit_private_network(project, actor, &cluster, configuration, load_balancers_subnet_id, None)
            .await
    }
}
