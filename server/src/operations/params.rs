//! What each kind of operation stores as its parameters: written by the services once the
//! request is validated, read back by the runner's steps.

use model::version::{UpdatePolicy, UpdateStrategy};
use provider::api::{ClusterCreation, NodePoolUpdate, PrivateNetworkConfiguration};
use serde::{Deserialize, Serialize};

/// `create_cluster`: the provider's creation body and the API allow-list set once it is READY.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateCluster {
    pub body: ClusterCreation,
    #[serde(default)]
    pub ip_restrictions: Vec<String>,
}

/// `rename_cluster`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rename {
    pub name: String,
}

/// `update_cluster_policy`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    pub update_policy: UpdatePolicy,
}

/// `upgrade_cluster`: the strategy, and the version the cluster ran when it was asked, so a
/// repeated step can tell whether the upgrade already happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Upgrade {
    pub strategy: UpdateStrategy,
    pub from_version: String,
}

/// `update_node_pool`: the pool and the full body sent (the template as edited, with every field
/// the form did not show kept from the provider's copy).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdatePool {
    pub node_pool_id: String,
    pub update: NodePoolUpdate,
}

/// `delete_node_pool`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Pool {
    pub node_pool_id: String,
}

/// `remove_node`: that node and no other; the pool shrinks by one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RemoveNode {
    pub node_pool_id: String,
    pub node_id: String,
}

/// `set_ip_restrictions`: the whole new allow-list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IpRestrictions {
    pub ips: Vec<String>,
}

/// `update_private_network`: the gateway and routing settings, and the load balancers' subnet
/// (`Some(None)` to clear it), each only when it changes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrivateNetwork {
    #[serde(default)]
    pub configuration: Option<PrivateNetworkConfiguration>,
    #[serde(default)]
    pub load_balancers_subnet_id: Option<Option<String>>,
}
