//! The project's private networks, subnets and gateways (docs/provider-networks.md).

use reqwest::Method;

use super::methods::segment;
use super::{Client, Error};
use crate::api::{
    CloudOperation, Gateway, GatewayCreation, Network, NetworkCreation, Subnet, SubnetCreation,
};

const NO_BODY: Option<&()> = None;

fn private(project: &str, tail: &str) -> String {
    format!("/cloud/project/{}/network/private{tail}", segment(project))
}

fn region(project: &str, region: &str, tail: &str) -> String {
    format!("/cloud/project/{}/region/{}{tail}", segment(project), segment(region))
}

impl Client {
    pub async fn list_networks(&self, project: &str) -> Result<Vec<Network>, Error> {
        self.call(Method::GET, &private(project, ""), NO_BODY).await
    }

    /// Not retried (a POST): the caller looks for a network of that name before trying again.
    pub async fn create_network(&self, project: &str, body: &NetworkCreation) -> Result<Network, Error> {
        self.call(Method::POST, &private(project, ""), Some(body)).await
    }

    /// Deletes network `network` (its `pn-…` id) and its subnets; refused while in use.
    pub async fn delete_network(&self, project: &str, network: &str) -> Result<(), Error> {
        self.call(Method::DELETE, &private(project, &format!("/{}", segment(network))), NO_BODY).await
    }

    /// The subnets of network `network` (its `pn-…` id).
    pub async fn list_subnets(&self, project: &str, network: &str) -> Result<Vec<Subnet>, Error> {
        self.call(Method::GET, &private(project, &format!("/{}/subnet", segment(network))), NO_BODY).await
    }

    pub async fn create_subnet(
        &self,
        project: &str,
        network: &str,
        body: &SubnetCreation,
    ) -> Result<Subnet, Error> {
        let path = private(project, &format!("/{}/subnet", segment(network)));
        self.call(Method::POST, &path, Some(body)).await
    }

    pub async fn delete_subnet(&self, project: &str, network: &str, subnet: &str) -> Result<(), Error> {
        let path = private(project, &format!("/{}/subnet/{}", segment(network), segment(subnet)));
        self.call(Method::DELETE, &path, NO_BODY).await
    }

    pub async fn list_gateways(&self, project: &str, region_name: &str) -> Result<Vec<Gateway>, Error> {
        self.call(Method::GET, &region(project, region_name, "/gateway"), NO_BODY).await
    }

    /// Creates a gateway on subnet `subnet` of the network whose OpenStack id in the region is
    /// `network`; the provider answers with the operation that builds it.
    pub async fn create_gateway(
        &self,
        project: &str,
        region_name: &str,
        network: &str,
        subnet: &str,
        body: &GatewayCreation,
    ) -> Result<CloudOperation, Error> {
        let tail = format!("/network/{}/subnet/{}/gateway", segment(network), segment(subnet));
        self.call(Method::POST, &region(project, region_name, &tail), Some(body)).await
    }

    /// Deletes a gateway; the provider answers with the operation that removes it.
    pub async fn delete_gateway(
        &self,
        project: &str,
        region_name: &str,
        id: &str,
    ) -> Result<CloudOperation, Error> {
        let path = region(project, region_name, &format!("/gateway/{}", segment(id)));
        self.call(Method::DELETE, &path, NO_BODY).await
    }

    pub async fn cloud_operation(&self, project: &str, id: &str) -> Result<CloudOperation, Error> {
        let path = format!("/cloud/project/{}/operation/{}", segment(project), segment(id));
        self.call(Method::GET, &path, NO_BODY).await
    }
}
