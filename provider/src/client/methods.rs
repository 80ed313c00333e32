//! One typed method per endpoint the console uses (provider-api.md §3).

use model::flavor::Flavor;
use reqwest::Method;

use super::{Client, Error};
use crate::api::{
    Cluster, ClusterCreation, ClusterUpdate, Customization, EtcdUsage, IpRestrictionUpsert, Kubeconfig,
    LoadBalancersSubnet, Node, NodePool, NodePoolCreation, NodePoolUpdate, OpenIdConnect,
    PrivateNetworkConfiguration, ResetCreation, ResponseMessage, Restart, UpdateCreation, UpdatePolicyUpdate,
};

/// Nothing to send.
const NO_BODY: Option<&()> = None;

fn kube(project: &str) -> String {
    format!("/cloud/project/{project}/kube")
}

/// The path of cluster `id`, followed by `tail` (`/nodepool`).
fn cluster(project: &str, id: &str, tail: &str) -> String {
    format!("/cloud/project/{project}/kube/{id}{tail}")
}

impl Client {
    pub async fn regions(&self, project: &str) -> Result<Vec<String>, Error> {
        self.call(Method::GET, &format!("/cloud/project/{project}/capabilities/kube/regions"), NO_BODY).await
    }

    pub async fn flavors(&self, project: &str, region: &str) -> Result<Vec<Flavor>, Error> {
        let path = format!("/cloud/project/{project}/capabilities/kube/flavors?region={region}");
        self.call(Method::GET, &path, NO_BODY).await
    }

    /// Every cluster of the project, as objects.
    pub async fn list_clusters(&self, project: &str) -> Result<Vec<Cluster>, Error> {
        let expanded = [("X-Pagination-Mode", "CachedObjectList-Pages")];
        self.call_with_headers(Method::GET, &kube(project), NO_BODY, &expanded).await
    }

    pub async fn create_cluster(&self, project: &str, body: &ClusterCreation) -> Result<Cluster, Error> {
        self.call(Method::POST, &kube(project), Some(body)).await
    }

    pub async fn get_cluster(&self, project: &str, id: &str) -> Result<Cluster, Error> {
        self.call(Method::GET, &cluster(project, id, ""), NO_BODY).await
    }

    pub async fn update_cluster(&self, project: &str, id: &str, body: &ClusterUpdate) -> Result<(), Error> {
        self.call(Method::PUT, &cluster(project, id, ""), Some(body)).await
    }

    pub async fn update_policy(
        &self,
        project: &str,
        id: &str,
        body: &UpdatePolicyUpdate,
    ) -> Result<(), Error> {
        self.call(Method::PUT, &cluster(project, id, "/updatePolicy"), Some(body)).await
    }

    pub async fn delete_cluster(&self, project: &str, id: &str) -> Result<(), Error> {
        self.call(Method::DELETE, &cluster(project, id, ""), NO_BODY).await
    }

    pub async fn upgrade(&self, project: &str, id: &str, body: &UpdateCreation) -> Result<(), Error> {
        self.call(Method::POST, &cluster(project, id, "/update"), Some(body)).await
    }

    pub async fn reset(&self, project: &str, id: &str, body: &ResetCreation) -> Result<(), Error> {
        self.call(Method::POST, &cluster(project, id, "/reset"), Some(body)).await
    }

    pub async fn restart(&self, project: &str, id: &str, body: &Restart) -> Result<(), Error> {
        self.call(Method::POST, &cluster(project, id, "/restart"), Some(body)).await
    }

    pub async fn customization(&self, project: &str, id: &str) -> Result<Customization, Error> {
        self.call(Method::GET, &cluster(project, id, "/customization"), NO_BODY).await
    }

    pub async fn customize(
        &self,
        project: &str,
        id: &str,
        body: &Customization,
    ) -> Result<ResponseMessage, Error> {
        self.call(Method::PUT, &cluster(project, id, "/customization"), Some(body)).await
    }

    pub async fn update_private_network(
        &self,
        project: &str,
        id: &str,
        body: &PrivateNetworkConfiguration,
    ) -> Result<ResponseMessage, Error> {
        self.call(Method::PUT, &cluster(project, id, "/privateNetworkConfiguration"), Some(body)).await
    }

    pub async fn update_load_balancers_subnet(
        &self,
        project: &str,
        id: &str,
        body: &LoadBalancersSubnet,
    ) -> Result<(), Error> {
        self.call(Method::PUT, &cluster(project, id, "/updateLoadBalancersSubnetId"), Some(body)).await
    }

    pub async fn etcd_usage(&self, project: &str, id: &str) -> Result<EtcdUsage, Error> {
        self.call(Method::GET, &cluster(project, id, "/metrics/etcdUsage"), NO_BODY).await
    }

    pub async fn kubeconfig(&self, project: &str, id: &str) -> Result<Kubeconfig, Error> {
        self.call(Method::POST, &cluster(project, id, "/kubeconfig"), NO_BODY).await
    }

    pub async fn reset_kubeconfig(&self, project: &str, id: &str) -> Result<(), Error> {
        self.call(Method::POST, &cluster(project, id, "/kubeconfig/reset"), NO_BODY).await
    }

    pub async fn ip_restrictions(&self, project: &str, id: &str) -> Result<Vec<String>, Error> {
        self.call(Method::GET, &cluster(project, id, "/ipRestrictions"), NO_BODY).await
    }

    /// Replaces the allow-list (`[]` opens the API server to all).
    pub async fn replace_ip_restrictions(
        &self,
        project: &str,
        id: &str,
        ips: Vec<String>,
    ) -> Result<Vec<String>, Error> {
        let body = IpRestrictionUpsert { ips };
        self.call(Method::PUT, &cluster(project, id, "/ipRestrictions"), Some(&body)).await
    }

    /// Appends to the allow-list.
    pub async fn add_ip_restrictions(
        &self,
        project: &str,
        id: &str,
        ips: Vec<String>,
    ) -> Result<Vec<String>, Error> {
        let body = IpRestrictionUpsert { ips };
        self.call(Method::POST, &cluster(project, id, "/ipRestrictions"), Some(&body)).await
    }

    /// Removes one entry; the CIDR's `/` is URL-encoded.
    pub async fn remove_ip_restriction(&self, project: &str, id: &str, ip: &str) -> Result<(), Error> {
        let path = cluster(project, id, &format!("/ipRestrictions/{}", ip.replace('/', "%2F")));
        self.call(Method::DELETE, &path, NO_BODY).await
    }

    pub async fn oidc(&self, project: &str, id: &str) -> Result<OpenIdConnect, Error> {
        self.call(Method::GET, &cluster(project, id, "/openIdConnect"), NO_BODY).await
    }

    pub async fn create_oidc(
        &self,
        project: &str,
        id: &str,
        body: &OpenIdConnect,
    ) -> Result<OpenIdConnect, Error> {
        self.call(Method::POST, &cluster(project, id, "/openIdConnect"), Some(body)).await
    }

    pub async fn update_oidc(&self, project: &str, id: &str, body: &OpenIdConnect) -> Result<(), Error> {
        self.call(Method::PUT, &cluster(project, id, "/openIdConnect"), Some(body)).await
    }

    pub async fn delete_oidc(&self, project: &str, id: &str) -> Result<(), Error> {
        self.call(Method::DELETE, &cluster(project, id, "/openIdConnect"), NO_BODY).await
    }

    pub async fn list_node_pools(&self, project: &str, id: &str) -> Result<Vec<NodePool>, Error> {
        self.call(Method::GET, &cluster(project, id, "/nodepool"), NO_BODY).await
    }

    pub async fn create_node_pool(
        &self,
        project: &str,
        id: &str,
        body: &NodePoolCreation,
    ) -> Result<NodePool, Error> {
        self.call(Method::POST, &cluster(project, id, "/nodepool"), Some(body)).await
    }

    pub async fn get_node_pool(&self, project: &str, id: &str, pool: &str) -> Result<NodePool, Error> {
        self.call(Method::GET, &cluster(project, id, &format!("/nodepool/{pool}")), NO_BODY).await
    }

    pub async fn update_node_pool(
        &self,
        project: &str,
        id: &str,
        pool: &str,
        body: &NodePoolUpdate,
    ) -> Result<(), Error> {
        self.call(Method::PUT, &cluster(project, id, &format!("/nodepool/{pool}")), Some(body)).await
    }

    pub async fn delete_node_pool(&self, project: &str, id: &str, pool: &str) -> Result<(), Error> {
        self.call(Method::DELETE, &cluster(project, id, &format!("/nodepool/{pool}")), NO_BODY).await
    }

    /// Every node of the cluster, following the provider's cursor pages.
    pub async fn list_nodes(&self, project: &str, id: &str) -> Result<Vec<Node>, Error> {
        let path = cluster(project, id, "/node");
        let mut nodes = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut headers = vec![("X-Pagination-Size", "100")];
            if let Some(cursor) = &cursor {
                headers.push(("X-Pagination-Cursor", cursor.as_str()));
            }
            let (bytes, response_headers) = self.send(Method::GET, &path, NO_BODY, &headers).await?;
            let page: Vec<Node> =
                serde_json::from_slice(&bytes).map_err(|e| Error::Decode(format!("{path}: {e}")))?;
            nodes.extend(page);
            cursor = response_headers
                .get("X-Pagination-Cursor-Next")
                .and_then(|v| v.to_str().ok())
                .filter(|c| !c.is_empty())
                .map(str::to_string);
            if cursor.is_none() {
                return Ok(nodes);
            }
        }
    }
}
