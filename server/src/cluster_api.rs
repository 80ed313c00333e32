//! A cluster's own Kubernetes API, reached with the admin credentials of the provider's
//! kubeconfig: the server reads the cluster's workloads with them. The credentials stay in
//! this process: never logged, never in an answer to a browser.

use std::net::{SocketAddr, ToSocketAddrs};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use model::kubeconfig::ApiEndpoint;
use serde_json::Value;

/// Why the cluster's API could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ClusterApiError {
    #[error("the provider's kubeconfig lacks {0}")]
    Kubeconfig(&'static str),
    #[error("the cluster's API server did not answer ({0})")]
    Unreachable(String),
    #[error("the cluster's API server refused the console's credentials")]
    Unauthorized,
    #[error("the cluster's API server answered {0}")]
    Status(u16),
}

/// An HTTPS client holding a cluster's admin credentials.
pub struct ClusterApi {
    client: reqwest::Client,
    /// `https://host:port`, the host being the name the server's certificate is for.
    base: String,
}

impl std::fmt::Debug for ClusterApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ClusterApi {{ base: {:?}, .. }}", self.base)
    }
}

/// The value of `key` in a block-style kubeconfig.
fn field(yaml: &str, key: &str) -> Option<String> {
    yaml.lines().find_map(|line| {
        let rest = line.trim_start().strip_prefix(key)?.strip_prefix(':')?;
        let value = rest.trim().trim_matches(|c| c == '"' || c == '\'');
        (!value.is_empty()).then(|| value.to_string())
    })
}

fn pem(yaml: &str, key: &'static str) -> Result<Vec<u8>, ClusterApiError> {
    let data = field(yaml, key).ok_or(ClusterApiError::Kubeconfig(key))?;
    STANDARD.decode(data).map_err(|_| ClusterApiError::Kubeconfig(key))
}

impl ClusterApi {
    /// A client for the cluster `yaml` (the provider's admin kubeconfig) describes.
    pub fn from_kubeconfig(yaml: &str) -> Result<Self, ClusterApiError> {
        let endpoint = ApiEndpoint::from_kubeconfig(yaml).ok_or(ClusterApiError::Kubeconfig("server"))?;
        let authority = pem(yaml, "certificate-authority-data")?;
        let mut identity = pem(yaml, "client-certificate-data")?;
        identity.push(b'\n');
        identity.extend(pem(yaml, "client-key-data")?);
        let authority = reqwest::Certificate::from_pem(&authority)
            .map_err(|_| ClusterApiError::Kubeconfig("certificate-authority-data"))?;
        let identity = reqwest::Identity::from_pem(&identity)
            .map_err(|_| ClusterApiError::Kubeconfig("client-key-data"))?;
        let url = reqwest::Url::parse(&endpoint.server).map_err(|_| ClusterApiError::Kubeconfig("server"))?;
        let host = url.host_str().ok_or(ClusterApiError::Kubeconfig("server"))?.to_string();
        let port = url.port_or_known_default().unwrap_or(443);
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .tls_built_in_root_certs(false)
            .add_root_certificate(authority)
            .identity(identity)
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(15));
        let base = match endpoint.tls_server_name {
            // The server's certificate names another host than the address it answers on.
            Some(name) => {
                let address: SocketAddr = (host.as_str(), port)
                    .to_socket_addrs()
                    .ok()
                    .and_then(|mut a| a.next())
                    .ok_or_else(|| ClusterApiError::Unreachable(format!("{host} does not resolve")))?;
                builder = builder.resolve(&name, address);
                format!("https://{name}:{port}")
            }
            None => endpoint.server.trim_end_matches('/').to_string(),
        };
        let client = builder.build().map_err(|e| ClusterApiError::Unreachable(e.to_string()))?;
        Ok(Self { client, base })
    }

    /// The items of the list at `path` (`/api/v1/pods`).
    pub async fn list(&self, path: &str) -> Result<Vec<Value>, ClusterApiError> {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .map_err(|e| ClusterApiError::Unreachable(e.without_url().to_string()))?;
        match response.status().as_u16() {
            200 => {}
            401 => return Err(ClusterApiError::Unauthorized),
            other => return Err(ClusterApiError::Status(other)),
        }
        let list: Value =
            response.json().await.map_err(|e| ClusterApiError::Unreachable(e.without_url().to_string()))?;
        Ok(list["items"].as_array().cloned().unwrap_or_default())
    }
}

impl ClusterApiError {
    /// Whether trying again later may work: no answer, or a server error.
    pub fn is_retryable(&self) -> bool {
        match self {
            ClusterApiError::Unreachable(_) => true,
            ClusterApiError::Status(status) => *status >= 500 || *status == 429,
            ClusterApiError::Kubeconfig(_) | ClusterApiError::Unauthorized => false,
        }
    }
}

impl ClusterApi {
    /// Sends `method` to `path` with `body` (JSON); the answer's object, `None` for a 404.
    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Option<Value>, ClusterApiError> {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(body);
        }
        let response =
            request.send().await.map_err(|e| ClusterApiError::Unreachable(e.without_url().to_string()))?;
        match response.status().as_u16() {
            200..=299 => {}
            404 => return Ok(None),
            401 => return Err(ClusterApiError::Unauthorized),
            other => return Err(ClusterApiError::Status(other)),
        }
        let object =
            response.json().await.map_err(|e| ClusterApiError::Unreachable(e.without_url().to_string()))?;
        Ok(Some(object))
    }
}

/// What the console reads of a cluster to show its workloads and check drains.
#[derive(Clone, Debug, Default)]
pub struct ClusterObjects {
    pub namespaces: Vec<Value>,
    pub nodes: Vec<Value>,
    pub pods: Vec<Value>,
    pub deployments: Vec<Value>,
    pub budgets: Vec<Value>,
    /// Warnings about scheduling and drains.
    pub events: Vec<Value>,
}

impl ClusterApi {
    /// Every object the workload views need, read together.
    pub async fn objects(&self) -> Result<ClusterObjects, ClusterApiError> {
        let (namespaces, nodes, pods, deployments, budgets, events) = tokio::try_join!(
            self.list("/api/v1/namespaces"),
            self.list("/api/v1/nodes"),
            self.list("/api/v1/pods"),
            self.list("/apis/apps/v1/deployments"),
            self.list("/apis/policy/v1/poddisruptionbudgets"),
            self.list("/api/v1/events?fieldSelector=type%3DWarning"),
        )?;
        Ok(ClusterObjects { namespaces, nodes, pods, deployments, budgets, events })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kubeconfig_without_credentials_is_refused_without_echoing_it() {
        let yaml = "clusters:\n- cluster:\n    certificate-authority-data: AAAA\n    server: https://127.0.0.1:6443\n";
        let error = ClusterApi::from_kubeconfig(yaml).unwrap_err();
        assert_eq!(error.to_string(), "the provider's kubeconfig lacks client-certificate-data");
    }
}
