//! What the project-wide pages ask of the server: activity, private networks, tokens, the
//! fleet and notifications.

use async_trait::async_trait;

use model::activity::{ActivityFilter, ActivityPage};
use model::cluster_network::{ClusterNetwork, Routing};
use model::fleet::FleetView;
use model::id::{ClusterId, NetworkId, ProjectId, SubnetId};
use model::notification::{CreatedSubscription, NotificationsView, SubscriptionForm};
use model::private_network::{NetworkForm, NetworksView, SubnetForm};
use model::token::{CreatedToken, TokenRequest, TokenView, TokensView};

use super::Caller;
use crate::error::AppError;

/// The audit trail.
#[async_trait]
pub trait Activity: Send + Sync {
    async fn activity(&self, caller: &Caller, filter: ActivityFilter) -> Result<ActivityPage, AppError>;
}

/// The project's private networks, subnets and gateways.
#[async_trait]
pub trait Networks: Send + Sync {
    /// The networks, their subnets and gateways, and the clusters on each.
    async fn networks(&self, caller: &Caller, project: &ProjectId) -> Result<NetworksView, AppError>;
    /// Checks and queues a network with its first subnet (operators); the operation id.
    async fn create_network(
        &self,
        caller: &Caller,
        project: &ProjectId,
        form: &NetworkForm,
    ) -> Result<String, AppError>;
    /// Checks and queues a subnet of `network` in `region` (operators); the operation id.
    async fn create_subnet(
        &self,
        caller: &Caller,
        project: &ProjectId,
        network: &NetworkId,
        region: &str,
        form: &SubnetForm,
    ) -> Result<String, AppError>;
    /// Checks and queues a gateway of `size` on `subnet` (operators); the operation id.
    async fn create_gateway(
        &self,
        caller: &Caller,
        project: &ProjectId,
        network: &NetworkId,
        subnet: &SubnetId,
        size: &str,
    ) -> Result<String, AppError>;
    /// Queues the deletion of `network` (admins), refused while a cluster uses it.
    async fn delete_network(
        &self,
        caller: &Caller,
        project: &ProjectId,
        network: &NetworkId,
    ) -> Result<String, AppError>;
    /// Cluster `cluster`'s network, subnets and routing.
    async fn cluster_network(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
    ) -> Result<ClusterNetwork, AppError>;
    /// Checks and queues a new load-balancer subnet (`None`: the nodes subnet) (operators).
    async fn set_load_balancers_subnet(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        subnet: Option<&SubnetId>,
    ) -> Result<String, AppError>;
    /// Checks and queues new routing for the cluster's nodes (operators).
    async fn set_cluster_routing(
        &self,
        caller: &Caller,
        project: &ProjectId,
        cluster: &ClusterId,
        routing: &Routing,
    ) -> Result<String, AppError>;
}

/// Personal API tokens. Managed with a signed-in session only: a token cannot make or revoke
/// tokens.
#[async_trait]
pub trait Tokens: Send + Sync {
    /// The caller's tokens, and those of the projects they administer.
    async fn tokens(&self, caller: &Caller) -> Result<TokensView, AppError>;
    /// Creates a token; the answer holds its secret, shown this once.
    async fn create_token(&self, caller: &Caller, request: &TokenRequest) -> Result<CreatedToken, AppError>;
    /// Revokes one of the caller's tokens, or (admins) any token of their projects.
    async fn revoke_token(&self, caller: &Caller, id: &str) -> Result<TokenView, AppError>;
}

#[async_trait]
pub trait Fleet: Send + Sync {
    /// Every cluster the caller can see, across their projects, with what needs attention and
    /// each project's estimated cost.
    async fn fleet(&self, caller: &Caller) -> Result<FleetView, AppError>;
}

#[async_trait]
pub trait Notifications: Send + Sync {
    /// The caller's inbox, and the subscriptions of their projects.
    async fn notifications(&self, caller: &Caller) -> Result<NotificationsView, AppError>;
    /// How many notifications the caller has not read.
    async fn unread_notifications(&self, caller: &Caller) -> Result<u32, AppError>;
    /// Marks the caller's inbox read.
    async fn mark_notifications_read(&self, caller: &Caller) -> Result<(), AppError>;
    /// Adds a subscription (admins); the answer holds a webhook's signing key, shown this once.
    async fn create_subscription(
        &self,
        caller: &Caller,
        project: &ProjectId,
        form: &SubscriptionForm,
    ) -> Result<CreatedSubscription, AppError>;
    /// Deletes a subscription (admins).
    async fn delete_subscription(
        &self,
        caller: &Caller,
        project: &ProjectId,
        id: &str,
    ) -> Result<(), AppError>;
    /// Queues a test message to a subscription (admins); its delivery's id.
    async fn test_subscription(
        &self,
        caller: &Caller,
        project: &ProjectId,
        id: &str,
    ) -> Result<String, AppError>;
}
