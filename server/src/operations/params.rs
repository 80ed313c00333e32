//! What an operation asks for: one [`OperationRequest`] per kind with its parameters, written by
//! the services once the request is validated and read back by the runner, which matches on it,
//! so the kind stored and the parameters the steps read cannot disagree.

use model::operation::OperationKind;
use model::version::{UpdatePolicy, UpdateStrategy};
use provider::api::{
    ClusterCreation, Customization, GatewayCreation, NetworkCreation, NodePoolCreation, NodePoolUpdate,
    OpenIdConnect, PrivateNetworkConfiguration, ResetCreation, Restart, SubnetCreation,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// An operation's kind and parameters. Stored as the kind (the `operations.kind` column, the
/// serde tag) and the parameters (the `parameters` column, the content).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "parameters", rename_all = "snake_case")]
pub enum OperationRequest {
    CreateCluster(Box<CreateCluster>),
    RenameCluster(Rename),
    UpdateClusterPolicy(Policy),
    UpgradeCluster(Upgrade),
    ResetCluster(ResetCreation),
    RestartCluster(Restart),
    DeleteCluster {},
    CustomizeCluster(Customization),
    UpdatePrivateNetwork(PrivateNetwork),
    CreateNodePool(NodePoolCreation),
    UpdateNodePool(UpdatePool),
    DeleteNodePool(Pool),
    RemoveNode(RemoveNode),
    ResetKubeconfig {},
    SetIpRestrictions(IpRestrictions),
    SetClusterOidc(OpenIdConnect),
    RemoveClusterOidc {},
    SetClusterAccess(ClusterAccess),
    CreateNetwork(CreateNetwork),
    CreateSubnet(CreateSubnet),
    CreateGateway(CreateGateway),
    DeleteNetwork(DeleteNetwork),
}

impl OperationRequest {
    /// What this request does.
    pub fn kind(&self) -> OperationKind {
        match self {
            OperationRequest::CreateCluster(_) => OperationKind::CreateCluster,
            OperationRequest::RenameCluster(_) => OperationKind::RenameCluster,
            OperationRequest::UpdateClusterPolicy(_) => OperationKind::UpdateClusterPolicy,
            OperationRequest::UpgradeCluster(_) => OperationKind::UpgradeCluster,
            OperationRequest::ResetCluster(_) => OperationKind::ResetCluster,
            OperationRequest::RestartCluster(_) => OperationKind::RestartCluster,
            OperationRequest::DeleteCluster {} => OperationKind::DeleteCluster,
            OperationRequest::CustomizeCluster(_) => OperationKind::CustomizeCluster,
            OperationRequest::UpdatePrivateNetwork(_) => OperationKind::UpdatePrivateNetwork,
            OperationRequest::CreateNodePool(_) => OperationKind::CreateNodePool,
            OperationRequest::UpdateNodePool(_) => OperationKind::UpdateNodePool,
            OperationRequest::DeleteNodePool(_) => OperationKind::DeleteNodePool,
            OperationRequest::RemoveNode(_) => OperationKind::RemoveNode,
            OperationRequest::ResetKubeconfig {} => OperationKind::ResetKubeconfig,
            OperationRequest::SetIpRestrictions(_) => OperationKind::SetIpRestrictions,
            OperationRequest::SetClusterOidc(_) => OperationKind::SetClusterOidc,
            OperationRequest::RemoveClusterOidc {} => OperationKind::RemoveClusterOidc,
            OperationRequest::SetClusterAccess(_) => OperationKind::SetClusterAccess,
            OperationRequest::CreateNetwork(_) => OperationKind::CreateNetwork,
            OperationRequest::CreateSubnet(_) => OperationKind::CreateSubnet,
            OperationRequest::CreateGateway(_) => OperationKind::CreateGateway,
            OperationRequest::DeleteNetwork(_) => OperationKind::DeleteNetwork,
        }
    }

    /// Whether it changes a cluster that exists at the provider: it then waits while the
    /// provider is busy with the cluster (bindings go to the cluster's own API, which answers).
    pub fn changes_a_cluster(&self) -> bool {
        !matches!(
            self,
            OperationRequest::CreateCluster(_)
                | OperationRequest::SetClusterAccess(_)
                | OperationRequest::CreateNetwork(_)
                | OperationRequest::CreateSubnet(_)
                | OperationRequest::CreateGateway(_)
                | OperationRequest::DeleteNetwork(_)
        )
    }

    /// The parameters as stored.
    pub fn parameters(&self) -> Result<Value, serde_json::Error> {
        let mut tagged = serde_json::to_value(self)?;
        Ok(tagged.get_mut("parameters").map(Value::take).unwrap_or_else(|| json!({})))
    }

    /// The request stored as `kind` with `parameters`, or why this version cannot read it.
    pub fn from_stored(kind: &str, parameters: Value) -> Result<Self, String> {
        if OperationKind::from_stored(kind).is_none() {
            return Err(format!("this version of the console cannot run `{kind}` operations"));
        }
        serde_json::from_value(json!({ "kind": kind, "parameters": parameters }))
            .map_err(|e| format!("the stored request cannot be read: {e}"))
    }
}

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

/// `set_cluster_access`: the role bindings the console's mapping stands for, with the cluster's
/// groups prefix applied; the console's other labelled bindings go.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterAccess {
    pub bindings: Vec<model::rbac::Binding>,
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

/// `create_network`: a network in one region, its first subnet, and a gateway on that subnet
/// when asked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateNetwork {
    pub network: NetworkCreation,
    pub subnet: SubnetCreation,
    #[serde(default)]
    pub gateway: Option<GatewayCreation>,
}

/// `create_subnet`: a subnet of network `network_id` (`pn-…`), and a gateway on it when asked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateSubnet {
    pub network_id: String,
    pub subnet: SubnetCreation,
    #[serde(default)]
    pub gateway: Option<GatewayCreation>,
}

/// `create_gateway`: a gateway on subnet `subnet_id` of network `network_id` in `region`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateGateway {
    pub network_id: String,
    pub region: String,
    pub subnet_id: String,
    pub gateway: GatewayCreation,
}

/// `delete_network`: the network, its subnets, and the gateways that serve them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteNetwork {
    pub network_id: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_kind_is_the_requests_and_it_reads_back() {
        let requests = [
            OperationRequest::RenameCluster(Rename { name: "prod".into() }),
            OperationRequest::DeleteCluster {},
            OperationRequest::DeleteNodePool(Pool { node_pool_id: "p1".into() }),
            OperationRequest::SetIpRestrictions(IpRestrictions { ips: vec!["10.0.0.0/8".into()] }),
            OperationRequest::RemoveClusterOidc {},
            OperationRequest::SetClusterAccess(ClusterAccess {
                bindings: model::rbac::AccessMapping {
                    groups: vec![model::rbac::GroupAccess {
                        group: "devs".into(),
                        role: model::rbac::BuiltInRole::Edit,
                        namespaces: vec!["web".into()],
                    }],
                }
                .bindings("oidc:"),
            }),
        ];
        for request in requests {
            let tagged = serde_json::to_value(&request).unwrap();
            assert_eq!(tagged["kind"], request.kind().as_str());
            let stored = request.parameters().unwrap();
            assert_eq!(OperationRequest::from_stored(request.kind().as_str(), stored), Ok(request));
        }
    }

    #[test]
    fn parameterless_requests_are_stored_as_an_empty_object() {
        assert_eq!(OperationRequest::ResetKubeconfig {}.parameters().unwrap(), json!({}));
    }

    #[test]
    fn a_request_this_version_cannot_read_is_named() {
        let unknown = OperationRequest::from_stored("defragment_etcd", json!({})).unwrap_err();
        assert!(unknown.contains("cannot run `defragment_etcd` operations"), "{unknown}");
        let bad = OperationRequest::from_stored("rename_cluster", json!({ "title": "x" })).unwrap_err();
        assert!(bad.starts_with("the stored request cannot be read"), "{bad}");
    }
}
