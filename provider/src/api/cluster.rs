//! Cluster bodies: `cloud.ProjectKubeCreation`, `cloud.ProjectKubeUpdate` and the
//! `cloud.kube.Cluster` response (provider-api.md §4.1, §4.2, §5.1).

use model::plan::Plan;
use model::status::Status;
use model::version::{KubeProxyMode, UpdatePolicy};
use serde::{Deserialize, Serialize};

use super::customization::Customization;
use super::node_pool::NodePoolCreation;

/// `POST /cloud/project/{serviceName}/kube`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterCreation {
    pub region: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A minor (`"1.34"`); the newest when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// `free` (the default) or `standard`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_policy: Option<UpdatePolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kube_proxy_mode: Option<KubeProxyMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customization: Option<Customization>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_allocation_policy: Option<IpAllocationPolicy>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_network_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nodes_subnet_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load_balancers_subnet_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_network_configuration: Option<PrivateNetworkConfiguration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nodepools: Option<Vec<NodePoolCreation>>,
    /// Deprecated single-pool form, still accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nodepool: Option<NodePoolCreation>,
}

/// `PUT /cloud/project/{serviceName}/kube/{kubeId}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_policy: Option<UpdatePolicy>,
}

/// Pod and service ranges (Standard plan; provider-api.md §4.5).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct IpAllocationPolicy {
    pub pods_ipv4_cidr: Option<String>,
    pub services_ipv4_cidr: Option<String>,
}

/// Egress through the private network (provider-api.md §4.4).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PrivateNetworkConfiguration {
    /// All egress goes to this address; `""` disables it.
    pub default_vrack_gateway: String,
    pub private_network_routing_as_default: Option<bool>,
}

/// `cloud.kube.Cluster`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Cluster {
    pub id: String,
    pub name: String,
    pub region: String,
    pub plan: String,
    /// Full version, `major.minor.patch-build`.
    pub version: String,
    pub next_upgrade_versions: Option<Vec<String>>,
    pub status: Status,
    pub update_policy: UpdatePolicy,
    pub is_up_to_date: bool,
    pub control_plane_is_up_to_date: bool,
    /// API server host, without scheme.
    pub url: String,
    pub nodes_url: String,
    pub kube_proxy_mode: KubeProxyMode,
    pub customization: Option<Customization>,
    pub ip_allocation_policy: Option<IpAllocationPolicy>,
    pub private_network_id: Option<String>,
    pub nodes_subnet_id: Option<String>,
    pub load_balancers_subnet_id: Option<String>,
    pub private_network_configuration: Option<PrivateNetworkConfiguration>,
    pub audit_logs_subscribed: bool,
    /// RFC 3339.
    pub created_at: String,
    pub updated_at: String,
}

impl Cluster {
    /// The plan this cluster runs on; a plan this console does not know is treated as Standard,
    /// whose rules are the less restrictive (the one place that fallback lives).
    pub fn known_plan(&self) -> Plan {
        Plan::from_api(&self.plan).unwrap_or(Plan::Standard)
    }
}
