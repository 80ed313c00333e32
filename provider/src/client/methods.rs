//! One typed method per endpoint the console uses (provider-api.md §3). Ids are typed, and every
//! path segment and query value is percent-encoded, so no id can name another path.

use model::flavor::Flavor;
use model::id::{ClusterId, NodePoolId};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::Method;

use super::{Client, Error};
use crate::api::{
    Cluster, ClusterCreation, ClusterUpdate, Customization, EtcdUsage, IpRestrictionUpsert, Kubeconfig,
    LoadBalancersSubnet, Node, NodePool, NodePoolCreation, NodePoolUpdate, OpenIdConnect, PriceCatalog,
    PrivateNetworkConfiguration, ResetCreation, ResponseMessage, Restart, UpdateCreation, UpdatePolicyUpdate,
};

/// Nothing to send.
const NO_BODY: Option<&()> = None;

/// What stays as it is in a path segment or a query value: RFC 3986's unreserved characters.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// `text` as one path segment (or query value): everything but unreserved characters escaped.
pub(super) fn segment(text: &str) -> String {
    utf8_percent_encode(text, UNRESERVED).to_string()
}

fn kube(project: &str) -> String {
    format!("/cloud/project/{}/kube", segment(project))
}

/// The path of cluster `id`, followed by `tail` (`/nodepool`).
fn cluster(project: &str, id: &ClusterId, tail: &str) -> String {
    format!("/cloud/project/{}/kube/{}{tail}", segment(project), segment(id.as_str()))
}

/// The path of pool `pool` of cluster `id`.
fn pool_path(project: &str, id: &ClusterId, pool: &NodePoolId) -> String {
    cluster(project, id, &format!("/nodepool/{}", segment(pool.as_str())))
}

impl Client {
    pub async fn regions(&self, project: &str) -> Result<Vec<String>, Error> {
        let path = format!("/cloud/project/{}/capabilities/kube/regions", segment(project));
        self.call(Method::GET, &path, NO_BODY).await
    }

    pub async fn flavors(&self, project: &str, region: &str) -> Result<Vec<Flavor>, Error> {
        let path = format!(
            "/cloud/project/{}/capabilities/kube/flavors?region={}",
            segment(project),
            segment(region)
        );
        self.call(Method::GET, &path, NO_BODY).await
    }

    /// The public-cloud price catalog of `subsidiary` (`FR`): public, the same for every project.
    pub async fn price_catalog(&self, subsidiary: &str) -> Result<PriceCatalog, Error> {
        let path = format!("/order/catalog/public/cloud?ovhSubsidiary={}", segment(subsidiary));
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

    pub async fn get_cluster(&self, project: &str, id: &ClusterId) -> Result<Cluster, Error> {
        self.call(Method::GET, &cluster(project, id, ""), NO_BODY).await
    }

    pub async fn update_cluster(
        &self,
        project: &str,
        id: &ClusterId,
        body: &ClusterUpdate,
    ) -> Result<(), Error> {
        self.call(Method::PUT, &cluster(project, id, ""), Some(body)).await
    }

    pub async fn update_policy(
        &self,
        project: &str,
        id: &ClusterId,
        body: &UpdatePolicyUpdate,
    ) -> Result<(), Error> {
        self.call(Method::PUT, &cluster(project, id, "/updatePolicy"), Some(body)).await
    }

    pub async fn delete_cluster(&self, project: &str, id: &ClusterId) -> Result<(), Error> {
        self.call(Method::DELETE, &cluster(project, id, ""), NO_BODY).await
    }

    pub async fn upgrade(&self, project: &str, id: &ClusterId, body: &UpdateCreation) -> Result<(), Error> {
        self.call(Method::POST, &cluster(project, id, "/update"), Some(body)).await
    }

    pub async fn reset(&self, project: &str, id: &ClusterId, body: &ResetCreation) -> Result<(), Error> {
        self.call(Method::POST, &cluster(project, id, "/reset"), Some(body)).await
    }

    pub async fn restart(&self, project: &str, id: &ClusterId, body: &Restart) -> Result<(), Error> {
        self.call(Method::POST, &cluster(project, id, "/restart"), Some(body)).await
    }

    pub async fn customization(&self, project: &str, id: &ClusterId) -> Result<Customization, Error> {
        self.call(Method::GET, &cluster(project, id, "/customization"), NO_BODY).await
    }

    pub async fn customize(
        &self,
        project: &str,
        id: &ClusterId,
        body: &Customization,
    ) -> Result<ResponseMessage, Error> {
        self.call(Method::PUT, &cluster(project, id, "/customization"), Some(body)).await
    }

    pub async fn update_private_network(
        &self,
        project: &str,
        id: &ClusterId,
        body: &PrivateNetworkConfiguration,
    ) -> Result<ResponseMessage, Error> {
        self.call(Method::PUT, &cluster(project, id, "/privateNetworkConfiguration"), Some(body)).await
    }

    pub async fn update_load_balancers_subnet(
        &self,
        project: &str,
        id: &ClusterId,
        body: &LoadBalancersSubnet,
    ) -> Result<(), Error> {
        self.call(Method::PUT, &cluster(project, id, "/updateLoadBalancersSubnetId"), Some(body)).await
    }

    pub async fn etcd_usage(&self, project: &str, id: &ClusterId) -> Result<EtcdUsage, Error> {
        self.call(Method::GET, &cluster(project, id, "/metrics/etcdUsage"), NO_BODY).await
    }

    pub async fn kubeconfig(&self, project: &str, id: &ClusterId) -> Result<Kubeconfig, Error> {
        self.call(Method::POST, &cluster(project, id, "/kubeconfig"), NO_BODY).await
    }

    pub async fn reset_kubeconfig(&self, project: &str, id: &ClusterId) -> Result<(), Error> {
        self.call(Method::POST, &cluster(project, id, "/kubeconfig/reset"), NO_BODY).await
    }

    pub async fn ip_restrictions(&self, project: &str, id: &ClusterId) -> Result<Vec<String>, Error> {
        self.call(Method::GET, &cluster(project, id, "/ipRestrictions"), NO_BODY).await
    }

    /// Replaces the allow-list (`[]` opens the API server to all).
    pub async fn replace_ip_restrictions(
        &self,
        project: &str,
        id: &ClusterId,
        ips: Vec<String>,
    ) -> Result<Vec<String>, Error> {
        let body = IpRestrictionUpsert { ips };
        self.call(Method::PUT, &cluster(project, id, "/ipRestrictions"), Some(&body)).await
    }

    /// Appends to the allow-list.
    pub async fn add_ip_restrictions(
        &self,
        project: &str,
        id: &ClusterId,
        ips: Vec<String>,
    ) -> Result<Vec<String>, Error> {
        let body = IpRestrictionUpsert { ips };
        self.call(Method::POST, &cluster(project, id, "/ipRestrictions"), Some(&body)).await
    }

    /// Removes one entry; the CIDR is one path segment (its `/` escaped).
    pub async fn remove_ip_restriction(&self, project: &str, id: &ClusterId, ip: &str) -> Result<(), Error> {
        let path = cluster(project, id, &format!("/ipRestrictions/{}", segment(ip)));
        self.call(Method::DELETE, &path, NO_BODY).await
    }

    pub async fn oidc(&self, project: &str, id: &ClusterId) -> Result<OpenIdConnect, Error> {
        self.call(Method::GET, &cluster(project, id, "/openIdConnect"), NO_BODY).await
    }

    pub async fn create_oidc(
        &self,
        project: &str,
        id: &ClusterId,
        body: &OpenIdConnect,
    ) -> Result<OpenIdConnect, Error> {
        self.call(Method::POST, &cluster(project, id, "/openIdConnect"), Some(body)).await
    }

    pub async fn update_oidc(
        &self,
        project: &str,
        id: &ClusterId,
        body: &OpenIdConnect,
    ) -> Result<(), Error> {
        self.call(Method::PUT, &cluster(project, id, "/openIdConnect"), Some(body)).await
    }

    pub async fn delete_oidc(&self, project: &str, id: &ClusterId) -> Result<(), Error> {
        self.call(Method::DELETE, &cluster(project, id, "/openIdConnect"), NO_BODY).await
    }

    pub async fn list_node_pools(&self, project: &str, id: &ClusterId) -> Result<Vec<NodePool>, Error> {
        self.call(Method::GET, &cluster(project, id, "/nodepool"), NO_BODY).await
    }

    pub async fn create_node_pool(
        &self,
        project: &str,
        id: &ClusterId,
        body: &NodePoolCreation,
    ) -> Result<NodePool, Error> {
        self.call(Method::POST, &cluster(project, id, "/nodepool"), Some(body)).await
    }

    pub async fn get_node_pool(
        &self,
        project: &str,
        id: &ClusterId,
        pool: &NodePoolId,
    ) -> Result<NodePool, Error> {
        self.call(Method::GET, &pool_path(project, id, pool), NO_BODY).await
    }

    pub async fn update_node_pool(
        &self,
        project: &str,
        id: &ClusterId,
        pool: &NodePoolId,
        body: &NodePoolUpdate,
    ) -> Result<(), Error> {
        self.call(Method::PUT, &pool_path(project, id, pool), Some(body)).await
    }

    pub async fn delete_node_pool(
        &self,
        project: &str,
        id: &ClusterId,
        pool: &NodePoolId,
    ) -> Result<(), Error> {
        self.call(Method::DELETE, &pool_path(project, id, pool), NO_BODY).await
    }

    /// Every node of the cluster, following the provider's cursor pages.
    pub async fn list_nodes(&self, project: &str, id: &ClusterId) -> Result<Vec<Node>, Error> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_segment_and_query_value_is_escaped() {
        // Trusted constructors: the client must hold even when an id was not parsed.
        let hostile = ClusterId::new("../../other/kube/x");
        let path = cluster("0123", &hostile, "/nodepool");
        assert_eq!(path, "/cloud/project/0123/kube/..%2F..%2Fother%2Fkube%2Fx/nodepool");
        let url = reqwest::Url::parse(&format!("https://eu.api.ovh.com/1.0{path}")).unwrap();
        assert_eq!(url.path(), "/1.0/cloud/project/0123/kube/..%2F..%2Fother%2Fkube%2Fx/nodepool");
        let pool = pool_path("0123", &ClusterId::new("c"), &NodePoolId::new("p?x=1#y"));
        assert_eq!(pool, "/cloud/project/0123/kube/c/nodepool/p%3Fx%3D1%23y");
        assert_eq!(segment("10.0.0.0/8"), "10.0.0.0%2F8");
        assert_eq!(segment("GRA11&x=1"), "GRA11%26x%3D1");
    }
}
