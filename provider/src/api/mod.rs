//! The provider's wire format: request and response bodies exactly as the provider writes them
//! (camelCase, nullable fields as `Option`, unknown fields ignored, unknown enum values kept).
//!
//! Sources: provider-api.md §4 (requests), §5 (responses), §2.1 (errors) and §11 (examples, which
//! the contract tests below parse). Response fields default when absent, so a response from a
//! newer or older provider version still reads. The client and the emulator both use these
//! types, so they cannot drift apart; conversion to `model` types happens at the border.

mod cluster;
mod convert;
mod customization;
mod error;
mod network;
mod node;
mod node_pool;
mod price_catalog;
mod small;

pub use cluster::{Cluster, ClusterCreation, ClusterUpdate, IpAllocationPolicy, PrivateNetworkConfiguration};
pub use convert::template;
pub use customization::{
    AdmissionPlugins, ApiServerCustomization, Customization, KubeProxyCustomization, SyncPeriods,
};
pub use error::{ApiErrorBody, QUERY_ID_HEADER};
pub use network::{
    CloudOperation, ExternalIp, Gateway, GatewayCreation, GatewayExternal, GatewayInterface, IpPool, Network,
    NetworkCreation, NetworkRegion, Subnet, SubnetCreation,
};
pub use node::Node;
pub use node_pool::{
    AutoscalingSettings, FloatingIps, NodePool, NodePoolCreation, NodePoolSizing, NodePoolTemplate,
    NodePoolUpdate, TemplateMetadata, TemplateSpec,
};
pub use price_catalog::{
    CatalogAddon, CatalogLocale, CatalogPricing, HOURLY_SUFFIX, MONTHLY_SUFFIX, PriceCatalog,
};
pub use small::{
    EtcdUsage, IpRestrictionUpsert, Kubeconfig, LoadBalancersSubnet, OpenIdConnect, ResetCreation,
    ResponseMessage, Restart, UpdateCreation, UpdatePolicyUpdate,
};

#[cfg(test)]
mod contract_tests;
