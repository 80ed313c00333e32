//! The ports the fake backend has nothing behind: each answers "not found".

use app::api::port::{
    Access, Activity, Caller, ClusterRbac, Code, Fleet, Networks, Notifications, Oidc, Tokens, Workloads,
};
use app::error::AppError;
use async_trait::async_trait;
use model::activity::{ActivityFilter, ActivityPage};
use model::cluster_network::{ClusterNetwork, Routing};
use model::cluster_spec::ClusterSpec;
use model::id::{ClusterId, NetworkId, NodePoolId, ProjectId, SubnetId};
use model::ip_restriction::AllowList;
use model::oidc::{OidcAccess, OidcConfig};
use model::private_network::{NetworkForm, NetworksView, SubnetForm};
use model::rbac::{AccessMapping, InClusterAccess};
use model::token::{CreatedToken, TokenRequest, TokenView, TokensView};
use model::workload_view::{Preflight, WorkloadsView};

use super::{FakeBackend, absent};

#[async_trait]
impl Access for FakeBackend {
    async fn allow_list(&self, _: &Caller, _: &ProjectId, _: &ClusterId) -> Result<AllowList, AppError> {
        absent("allow-list")
    }
    async fn set_allow_list(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &ClusterId,
        _: &[String],
    ) -> Result<String, AppError> {
        absent("allow-list")
    }
    async fn reset_kubeconfig(&self, _: &Caller, _: &ProjectId, _: &ClusterId) -> Result<String, AppError> {
        absent("kubeconfig")
    }
}

#[async_trait]
impl Oidc for FakeBackend {
    async fn cluster_oidc(&self, _: &Caller, _: &ProjectId, _: &ClusterId) -> Result<OidcAccess, AppError> {
        absent("OpenID Connect")
    }
    async fn set_cluster_oidc(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &ClusterId,
        _: &OidcConfig,
    ) -> Result<String, AppError> {
        absent("OpenID Connect")
    }
    async fn remove_cluster_oidc(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &ClusterId,
    ) -> Result<String, AppError> {
        absent("OpenID Connect")
    }
}

#[async_trait]
impl ClusterRbac for FakeBackend {
    async fn in_cluster_access(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &ClusterId,
    ) -> Result<InClusterAccess, AppError> {
        absent("role mapping")
    }
    async fn set_in_cluster_access(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &ClusterId,
        _: &AccessMapping,
    ) -> Result<String, AppError> {
        absent("role mapping")
    }
    async fn restore_in_cluster_access(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &ClusterId,
    ) -> Result<String, AppError> {
        absent("role mapping")
    }
}

#[async_trait]
impl Workloads for FakeBackend {
    async fn workloads(&self, _: &Caller, _: &ProjectId, _: &ClusterId) -> Result<WorkloadsView, AppError> {
        absent("workloads")
    }
    async fn upgrade_preflight(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &ClusterId,
    ) -> Result<Preflight, AppError> {
        absent("workloads")
    }
    async fn removal_preflight(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &ClusterId,
        _: &NodePoolId,
        _: Option<&str>,
        _: Option<u32>,
    ) -> Result<Preflight, AppError> {
        absent("workloads")
    }
}

#[async_trait]
impl Code for FakeBackend {
    async fn cluster_code(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &ClusterId,
    ) -> Result<model::terraform::AsCode, AppError> {
        absent("code")
    }
    async fn spec_terraform(&self, _: &Caller, _: &ProjectId, _: &ClusterSpec) -> Result<String, AppError> {
        absent("code")
    }
}

#[async_trait]
impl Notifications for FakeBackend {
    async fn notifications(&self, _: &Caller) -> Result<model::notification::NotificationsView, AppError> {
        absent("notifications")
    }
    async fn unread_notifications(&self, _: &Caller) -> Result<u32, AppError> {
        absent("notifications")
    }
    async fn mark_notifications_read(&self, _: &Caller) -> Result<(), AppError> {
        absent("notifications")
    }
    async fn create_subscription(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &model::notification::SubscriptionForm,
    ) -> Result<model::notification::CreatedSubscription, AppError> {
        absent("notifications")
    }
    async fn delete_subscription(&self, _: &Caller, _: &ProjectId, _: &str) -> Result<(), AppError> {
        absent("notifications")
    }
    async fn test_subscription(&self, _: &Caller, _: &ProjectId, _: &str) -> Result<String, AppError> {
        absent("notifications")
    }
}

#[async_trait]
impl Fleet for FakeBackend {
    async fn fleet(&self, _: &Caller) -> Result<model::fleet::FleetView, AppError> {
        absent("fleet")
    }
}

#[async_trait]
impl Tokens for FakeBackend {
    async fn tokens(&self, _: &Caller) -> Result<TokensView, AppError> {
        absent("tokens")
    }
    async fn create_token(&self, _: &Caller, _: &TokenRequest) -> Result<CreatedToken, AppError> {
        absent("tokens")
    }
    async fn revoke_token(&self, _: &Caller, _: &str) -> Result<TokenView, AppError> {
        absent("tokens")
    }
}

#[async_trait]
impl Networks for FakeBackend {
    async fn networks(&self, _: &Caller, _: &ProjectId) -> Result<NetworksView, AppError> {
        absent("networks")
    }
    async fn create_network(&self, _: &Caller, _: &ProjectId, _: &NetworkForm) -> Result<String, AppError> {
        absent("networks")
    }
    async fn create_subnet(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &NetworkId,
        _: &str,
        _: &SubnetForm,
    ) -> Result<String, AppError> {
        absent("networks")
    }
    async fn create_gateway(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &NetworkId,
        _: &SubnetId,
        _: &str,
    ) -> Result<String, AppError> {
        absent("networks")
    }
    async fn delete_network(&self, _: &Caller, _: &ProjectId, _: &NetworkId) -> Result<String, AppError> {
        absent("networks")
    }
    async fn cluster_network(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &ClusterId,
    ) -> Result<ClusterNetwork, AppError> {
        absent("network")
    }
    async fn set_load_balancers_subnet(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &ClusterId,
        _: Option<&SubnetId>,
    ) -> Result<String, AppError> {
        absent("network")
    }
    async fn set_cluster_routing(
        &self,
        _: &Caller,
        _: &ProjectId,
        _: &ClusterId,
        _: &Routing,
    ) -> Result<String, AppError> {
        absent("network")
    }
}

#[async_trait]
impl Activity for FakeBackend {
    async fn activity(&self, _: &Caller, _: ActivityFilter) -> Result<ActivityPage, AppError> {
        absent("activity")
    }
}
