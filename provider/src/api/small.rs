//! The small bodies: kubeconfig, etcd usage, messages, IP restrictions, OIDC, upgrade, reset and
//! restart (provider-api.md §4.2, §4.6, §5.5).

use model::reset::WorkerNodesPolicy;
use model::version::{UpdatePolicy, UpdateStrategy};
use serde::{Deserialize, Serialize};

/// `cloud.kube.Kubeconfig`: the kubeconfig YAML.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kubeconfig {
    pub content: String,
}

/// `cloud.kube.EtcdUsage`, in bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EtcdUsage {
    pub quota: u64,
    pub usage: u64,
}

/// `cloud.kube.ResponseMessage`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseMessage {
    pub message: String,
}

/// `cloud.ProjectKubeIpRestrictionUpsert`: POST appends, PUT replaces; `[]` means open.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IpRestrictionUpsert {
    pub ips: Vec<String>,
}

/// `cloud.kube.OpenIdConnect`, also the creation and update bodies.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenIdConnect {
    pub client_id: String,
    pub issuer_url: String,
    #[serde(default)]
    pub username_claim: Option<String>,
    #[serde(default)]
    pub username_prefix: Option<String>,
    #[serde(default)]
    pub groups_claim: Option<Vec<String>>,
    #[serde(default)]
    pub groups_prefix: Option<String>,
    #[serde(default)]
    pub required_claim: Option<Vec<String>>,
    #[serde(default)]
    pub signing_algorithms: Option<Vec<String>>,
    #[serde(default)]
    pub ca_content: Option<String>,
}

/// `cloud.ProjectKubeUpdateCreation` (`POST …/update`); send `strategy` always.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateCreation {
    pub strategy: UpdateStrategy,
    /// Deprecated, no effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force: Option<bool>,
}

/// `cloud.ProjectKubeUpdatePolicyUpdate`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdatePolicyUpdate {
    pub update_policy: UpdatePolicy,
}

/// `cloud.ProjectKubeRestart`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restart {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force: Option<bool>,
}

/// `cloud.ProjectKubeResetCreation`: everything optional; `workerNodesPolicy` is `delete` (the
/// default) or `reinstall`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResetCreation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_policy: Option<UpdatePolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub worker_nodes_policy: Option<WorkerNodesPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_network_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nodes_subnet_id: Option<String>,
}

/// `cloud.ProjectKubeUpdateLoadBalancersSubnetId`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoadBalancersSubnet {
    #[serde(default)]
    pub load_balancers_subnet_id: Option<String>,
}
