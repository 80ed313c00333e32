//! Server functions of the project's private networks, subnets and gateways.

use leptos::prelude::*;
use leptos::server_fn;
use model::cluster_network::{ClusterNetwork, Routing};
#[cfg(feature = "ssr")]
use model::id::{ClusterId, NetworkId, ProjectId, SubnetId};
use model::private_network::{NetworkForm, NetworksView, SubnetForm};

#[cfg(feature = "ssr")]
use super::port;
use crate::error::AppError;

/// The project's networks, their subnets and gateways, and the clusters on each.
#[server(endpoint = "networks")]
pub async fn networks(project: String) -> Result<NetworksView, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    port::respond(port::backend()?.networks(&caller, &project).await)
}

/// Queues a network in one region with its first subnet (operators); the operation id.
#[server(endpoint = "create_network", input = server_fn::codec::Json)]
pub async fn create_network(project: String, form: NetworkForm) -> Result<String, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    port::respond(port::backend()?.create_network(&caller, &project, &form).await)
}

/// Queues a subnet of `network` in `region` (operators); the operation id.
#[server(endpoint = "create_subnet", input = server_fn::codec::Json)]
pub async fn create_subnet(
    project: String,
    network: String,
    region: String,
    form: SubnetForm,
) -> Result<String, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let network = port::id(NetworkId::parse(&network))?;
    port::respond(port::backend()?.create_subnet(&caller, &project, &network, &region, &form).await)
}

/// Queues a gateway of `size` on `subnet` (operators); the operation id.
#[server(endpoint = "create_gateway")]
pub async fn create_gateway(
    project: String,
    network: String,
    subnet: String,
    size: String,
) -> Result<String, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let network = port::id(NetworkId::parse(&network))?;
    let subnet = port::id(SubnetId::parse(&subnet))?;
    port::respond(port::backend()?.create_gateway(&caller, &project, &network, &subnet, &size).await)
}

/// Queues the deletion of `network` with its subnets and gateways (admins); the operation id.
#[server(endpoint = "delete_network")]
pub async fn delete_network(project: String, network: String) -> Result<String, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let network = port::id(NetworkId::parse(&network))?;
    port::respond(port::backend()?.delete_network(&caller, &project, &network).await)
}

/// Cluster `cluster`'s private network, subnets and routing, for its Network card.
#[server(endpoint = "cluster_network")]
pub async fn cluster_network_settings(project: String, cluster: String) -> Result<ClusterNetwork, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    port::respond(port::backend()?.cluster_network(&caller, &project, &cluster).await)
}

/// Moves the cluster's load balancers to `subnet` (`None`: the nodes subnet) (operators).
#[server(endpoint = "set_load_balancers_subnet", input = server_fn::codec::Json)]
pub async fn set_load_balancers_subnet(
    project: String,
    cluster: String,
    subnet: Option<String>,
) -> Result<String, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    let subnet = subnet.map(|s| port::id(SubnetId::parse(&s))).transpose()?;
    port::respond(
        port::backend()?.set_load_balancers_subnet(&caller, &project, &cluster, subnet.as_ref()).await,
    )
}

/// Changes how the cluster's nodes route traffic out of the private network (operators).
#[server(endpoint = "set_cluster_routing", input = server_fn::codec::Json)]
pub async fn set_cluster_routing(
    project: String,
    cluster: String,
    routing: Routing,
) -> Result<String, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    let cluster = port::id(ClusterId::parse(&cluster))?;
    port::respond(port::backend()?.set_cluster_routing(&caller, &project, &cluster, &routing).await)
}
