//! Server functions of the project's private networks.

use leptos::prelude::*;
#[cfg(feature = "ssr")]
use model::id::ProjectId;
use model::private_network::NetworksView;

#[cfg(feature = "ssr")]
use super::port;
use crate::error::AppError;

/// The project's networks, their subnets and gateways, and the clusters on them.
#[server(endpoint = "networks")]
pub async fn list_networks(project: String) -> Result<NetworksView, AppError> {
    let caller = port::caller()?;
    let project = port::id(ProjectId::parse(&project))?;
    port::respond(port::backend()?.networks(&caller, &project).await)
}
