//! [`Backend`], the pages' port, over [`ConsoleBackend`]: each method checks the caller's role
//! and calls the services, mostly through the backend's own methods.

use app::api::port::{Backend, BoxFuture, Caller};
use app::error::AppError;
use model::activity::{ActivityFilter, ActivityPage, PAGE_SIZE};
use model::capabilities::{ApiRequest, Capabilities};
use model::cluster_spec::ClusterSpec;
use model::cluster_view::{ClusterOverview, ClustersView, EtcdUsage};
use model::customization::CustomizationView;
use model::flavor::Flavor;
use model::id::{ClusterId, NodeId, NodePoolId};
use model::ip_restriction::AllowList;
use model::node_pool::NodePoolSpec;
use model::oidc::{OidcAccess, OidcConfig};
use model::operation::OperationKind;
use model::operation::OperationView;
use model::pool_view::PoolView;
use model::version::UpdateStrategy;

use super::ConsoleBackend;

impl Backend for ConsoleBackend {
    fn clusters<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
    ) -> BoxFuture<'a, Result<ClustersView, AppError>> {
        Box::pin(ConsoleBackend::clusters(self, caller, project))
    }

    fn delete_cluster<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
        confirm: &'a str,
    ) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(self.change(
            caller,
            project,
            cluster,
            OperationKind::DeleteCluster,
            move |actor| async move {
                self.services.confirm_name(project, cluster, confirm).await?;
                // One deletion per cluster and user, however often it is clicked; a new one once
                // the last has failed or been cancelled.
                let key = self
                    .services
                    .key_after_ended(project, cluster, &format!("delete-cluster-{cluster}"))
                    .await?;
                let key = Some(key);
                self.services.delete_cluster(project, &actor, cluster, key).await
            },
        ))
    }

    fn capabilities<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
    ) -> BoxFuture<'a, Result<Capabilities, AppError>> {
        Box::pin(ConsoleBackend::capabilities(self, caller, project))
    }

    fn flavors<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        region: &'a str,
    ) -> BoxFuture<'a, Result<Vec<Flavor>, AppError>> {
        Box::pin(ConsoleBackend::flavors(self, caller, project, region))
    }

    fn creation_request<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        spec: &'a ClusterSpec,
    ) -> BoxFuture<'a, Result<ApiRequest, AppError>> {
        Box::pin(ConsoleBackend::creation_request(self, caller, project, spec))
    }

    fn create_cluster<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        spec: &'a ClusterSpec,
        key: &'a str,
    ) -> BoxFuture<'a, Result<OperationView, AppError>> {
        Box::pin(ConsoleBackend::create_cluster(self, caller, project, spec, key))
    }

    fn cluster_overview<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
    ) -> BoxFuture<'a, Result<ClusterOverview, AppError>> {
        Box::pin(ConsoleBackend::cluster_overview(self, caller, project, cluster))
    }

    fn etcd_usage<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
    ) -> BoxFuture<'a, Result<EtcdUsage, AppError>> {
        Box::pin(ConsoleBackend::etcd_usage(self, caller, project, cluster))
    }

    fn cluster_operations<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
    ) -> BoxFuture<'a, Result<Vec<OperationView>, AppError>> {
        Box::pin(ConsoleBackend::cluster_operations(self, caller, project, cluster))
    }

    fn operation<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        operation: &'a str,
    ) -> BoxFuture<'a, Result<OperationView, AppError>> {
        Box::pin(ConsoleBackend::operation(self, caller, project, operation))
    }

    fn retry_operation<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        operation: &'a str,
    ) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(ConsoleBackend::retry_operation(self, caller, project, operation))
    }

    fn node_pools<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
    ) -> BoxFuture<'a, Result<Vec<PoolView>, AppError>> {
        Box::pin(ConsoleBackend::node_pools(self, caller, project, cluster))
    }

    fn update_node_pool<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
        pool: &'a NodePoolId,
        spec: &'a NodePoolSpec,
        key: &'a str,
    ) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(ConsoleBackend::update_node_pool(self, caller, project, cluster, pool, spec, key))
    }

    fn delete_node_pool<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
        pool: &'a NodePoolId,
    ) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(ConsoleBackend::delete_node_pool(self, caller, project, cluster, pool))
    }

    fn remove_node<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
        pool: &'a NodePoolId,
        node: &'a NodeId,
    ) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(ConsoleBackend::remove_node(self, caller, project, cluster, pool, node))
    }

    fn rename_cluster<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
        name: &'a str,
    ) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(ConsoleBackend::rename_cluster(self, caller, project, cluster, name))
    }

    fn update_cluster_policy<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
        policy: &'a str,
    ) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(ConsoleBackend::update_cluster_policy(self, caller, project, cluster, policy))
    }

    fn reset_kubeconfig<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
    ) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(ConsoleBackend::reset_kubeconfig(self, caller, project, cluster))
    }

    fn upgrade_cluster<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
        strategy: UpdateStrategy,
    ) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(ConsoleBackend::upgrade_cluster(self, caller, project, cluster, strategy))
    }

    fn allow_list<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
    ) -> BoxFuture<'a, Result<AllowList, AppError>> {
        Box::pin(ConsoleBackend::allow_list(self, caller, project, cluster))
    }

    fn set_allow_list<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
        entries: &'a [String],
    ) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(ConsoleBackend::set_allow_list(self, caller, project, cluster, entries))
    }

    fn create_node_pool<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
        spec: &'a NodePoolSpec,
        key: &'a str,
    ) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(ConsoleBackend::create_node_pool(self, caller, project, cluster, spec, key))
    }

    fn customization<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
    ) -> BoxFuture<'a, Result<CustomizationView, AppError>> {
        Box::pin(ConsoleBackend::customization(self, caller, project, cluster))
    }

    fn customize_cluster<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
        view: &'a CustomizationView,
    ) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(ConsoleBackend::customize_cluster(self, caller, project, cluster, view))
    }

    fn reset_cluster<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
        nodes: &'a str,
        confirm: &'a str,
    ) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(ConsoleBackend::reset_cluster(self, caller, project, cluster, nodes, confirm))
    }

    fn cluster_oidc<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
    ) -> BoxFuture<'a, Result<OidcAccess, AppError>> {
        Box::pin(ConsoleBackend::cluster_oidc(self, caller, project, cluster))
    }

    fn set_cluster_oidc<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
        config: &'a OidcConfig,
    ) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(ConsoleBackend::set_cluster_oidc(self, caller, project, cluster, config))
    }

    fn remove_cluster_oidc<'a>(
        &'a self,
        caller: &'a Caller,
        project: &'a str,
        cluster: &'a ClusterId,
    ) -> BoxFuture<'a, Result<String, AppError>> {
        Box::pin(ConsoleBackend::remove_cluster_oidc(self, caller, project, cluster))
    }

    fn activity<'a>(
        &'a self,
        caller: &'a Caller,
        filter: ActivityFilter,
    ) -> BoxFuture<'a, Result<ActivityPage, AppError>> {
        Box::pin(async move {
            let page = filter.page.unwrap_or(1).max(1);
            let offset = i64::from(page - 1) * i64::from(PAGE_SIZE);
            let (entries, total) = self.audit(caller, &filter, i64::from(PAGE_SIZE), offset).await?;
            Ok(ActivityPage { entries, total, page })
        })
    }
}
