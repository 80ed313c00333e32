//! Clusters: list, read, and every change to a whole cluster.

use model::activity::TargetKind;
use model::capabilities::ApiRequest;
use model::cluster_spec::ClusterSpec;
use model::flavor::check_pool_flavors;
use model::id::ClusterId;
use model::name::check_name;
use model::operation::OperationKind;
use model::reset::WorkerNodesPolicy;
use model::validation::FieldErrors;
use model::version::{self, KubeVersion, UpdatePolicy, UpdateStrategy};
use provider::api::{Cluster, ClusterCreation, ResetCreation, Restart};

use super::{Actor, Change, ServiceError, Services, Submitted, invalid};
use crate::operations::params::{self, OperationRequest};
use crate::operations::store;

impl Services {
    /// Every cluster of the project.
    pub async fn list_clusters(&self, project: &str) -> Result<Vec<Cluster>, ServiceError> {
        let project = self.project(project)?;
        project.client.list_clusters(&project.service_name).await.map_err(ServiceError::Provider)
    }

    /// Refuses, at the `confirm` field, a `typed` name that is not the cluster's (before a
    /// deletion or a reset).
    pub async fn confirm_name(&self, project: &str, id: &ClusterId, typed: &str) -> Result<(), ServiceError> {
        let found = self.get_cluster(project, id).await?;
        if typed == found.name {
            return Ok(());
        }
        Err(invalid("confirm", format!("Type the cluster's name, {}, to confirm.", found.name)))
    }

    pub async fn get_cluster(&self, project: &str, id: &ClusterId) -> Result<Cluster, ServiceError> {
        let project = self.project(project)?;
        self.cluster(project, id).await
    }

    /// Checks `spec` against the model's rules and the provider's regions, flavors and existing
    /// names, then queues its creation; returns the operation.
    pub async fn create_cluster(
        &self,
        project: &str,
        actor: &Actor,
        spec: &ClusterSpec,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        let project_ref = self.project(project)?.clone();
        // A repeated submission returns the first one's operation, before the checks that its
        // cluster (the same name, now taken) would fail.
        if let Some(existing) = self.existing_operation(project, actor, idempotency_key.as_deref()).await? {
            return Ok(existing);
        }
        let Some(region) = self.region(project, &spec.region).await? else {
            return Err(invalid("region", format!("{} is not a region this project can use.", spec.region)));
        };
        let spec = &self.with_network_facts(project, spec).await?;
        let mut errors = spec.validate(&region);
        let flavors = self.flavors(project, &spec.region).await?;
        errors.append(check_pool_flavors(&spec.node_pools, &flavors, &spec.region));
        errors.into_result()?;
        let body = ClusterCreation::from(spec);
        let change = Change {
            request: OperationRequest::CreateCluster(Box::new(params::CreateCluster {
                body,
                ip_restrictions: spec.api_allow_list.iter().map(|c| c.to_string()).collect(),
            })),
            cluster_id: None,
            target_kind: TargetKind::Cluster,
            target_id: None,
            target_name: Some(spec.name.clone()),
        };
        self.check_new_name(project, &spec.name).await?;
        self.submit(&project_ref, actor, idempotency_key, change).await
    }

    /// The provider request that creating `spec` sends, as the runner will send it.
    pub fn creation_request(&self, project: &str, spec: &ClusterSpec) -> Result<ApiRequest, ServiceError> {
        let project = self.project(project)?;
        let body = serde_json::to_string_pretty(&ClusterCreation::from(spec))
            .map_err(|e| ServiceError::Conflict(format!("the request cannot be written: {e}")))?;
        Ok(ApiRequest {
            method: "POST".into(),
            url: format!("{}/cloud/project/{}/kube", project.client.base_url(), project.service_name),
            body,
        })
    }

    async fn check_new_name(&self, project: &str, name: &str) -> Result<(), ServiceError> {
        let queued = store::creating(&self.db, project, OperationKind::CreateCluster, None, name).await?;
        if queued || self.list_clusters(project).await?.iter().any(|c| c.name == name) {
            return Err(invalid("name", format!("A cluster named {name} already exists in this project.")));
        }
        Ok(())
    }

    async fn existing_operation(
        &self,
        project: &str,
        actor: &Actor,
        key: Option<&str>,
    ) -> Result<Option<Submitted>, ServiceError> {
        let Some(key) = key else { return Ok(None) };
        let found = crate::operations::store::find_by_key(&self.db, project, &actor.name(), key).await?;
        match found {
            Some(found) if found.kind != OperationKind::CreateCluster.as_str() => Err(super::key_reused()),
            Some(found) => Ok(Some(Submitted { operation_id: found.id, new: false })),
            None => Ok(None),
        }
    }

    /// Queues a rename.
    pub async fn rename_cluster(
        &self,
        project: &str,
        actor: &Actor,
        id: &ClusterId,
        name: &str,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        check_name(name).map_err(|e| invalid("name", e))?;
        let project = self.project(project)?;
        let cluster = self.cluster(project, id).await?;
        let others =
            project.client.list_clusters(&project.service_name).await.map_err(ServiceError::Provider)?;
        if others.iter().any(|c| c.name == name && c.id != id) {
            return Err(invalid("name", format!("A cluster named {name} already exists in this project.")));
        }
        let change =
            cluster_change(OperationRequest::RenameCluster(params::Rename { name: name.into() }), &cluster);
        self.submit(project, actor, idempotency_key, change).await
    }

    /// Queues a change of update policy.
    pub async fn update_cluster_policy(
        &self,
        project: &str,
        actor: &Actor,
        id: &ClusterId,
        update_policy: UpdatePolicy,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        if let UpdatePolicy::Other(value) = &update_policy {
            return Err(invalid("updatePolicy", format!("{value} is not an update policy.")));
        }
        self.change_cluster(
            project,
            actor,
            id,
            OperationRequest::UpdateClusterPolicy(params::Policy { update_policy }),
            idempotency_key,
        )
        .await
    }

    /// Queues an upgrade: the next minor (one at a time, as offered) or the latest patch (only
    /// when the cluster is not up to date).
    pub async fn upgrade_cluster(
        &self,
        project: &str,
        actor: &Actor,
        id: &ClusterId,
        strategy: UpdateStrategy,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        let project = self.project(project)?;
        let cluster = self.cluster(project, id).await?;
        let current: KubeVersion = cluster.version.parse().map_err(|e| invalid("version", e))?;
        let checked = match strategy {
            UpdateStrategy::NextMinor => {
                let offered: Vec<KubeVersion> =
                    cluster.next_upgrade_versions.iter().flatten().filter_map(|v| v.parse().ok()).collect();
                version::check_minor_upgrade(current, current.next_minor(), &offered)
            }
            UpdateStrategy::LatestPatch => version::check_patch_upgrade(current, cluster.is_up_to_date),
        };
        checked.map_err(|e| invalid("strategy", e))?;
        let parameters = params::Upgrade { strategy, from_version: cluster.version.clone() };
        let change = cluster_change(OperationRequest::UpgradeCluster(parameters), &cluster);
        self.submit(project, actor, idempotency_key, change).await
    }

    /// Queues a reset: every Kubernetes object is erased; nodes deleted or reinstalled as
    /// `body.worker_nodes_policy` says.
    pub async fn reset_cluster(
        &self,
        project: &str,
        actor: &Actor,
        id: &ClusterId,
        body: ResetCreation,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        let mut errors = FieldErrors::new();
        if let Some(name) = &body.name {
            errors.check("name", check_name(name));
        }
        if let Some(text) = &body.version {
            match text.parse::<KubeVersion>() {
                Ok(v) if version::is_offered(v) => {}
                Ok(v) => errors.add("version", format!("Kubernetes {v} is not offered.")),
                Err(e) => errors.add("version", e),
            }
        }
        if let Some(WorkerNodesPolicy::Other(_)) = &body.worker_nodes_policy {
            errors.add("workerNodesPolicy", "Choose whether the nodes are deleted or reinstalled.");
        }
        errors.into_result()?;
        self.change_cluster(project, actor, id, OperationRequest::ResetCluster(body), idempotency_key).await
    }

    /// Queues a restart of the control plane.
    pub async fn restart_cluster(
        &self,
        project: &str,
        actor: &Actor,
        id: &ClusterId,
        force: bool,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        self.change_cluster(
            project,
            actor,
            id,
            OperationRequest::RestartCluster(Restart { force: force.then_some(true) }),
            idempotency_key,
        )
        .await
    }

    /// Queues the deletion of a cluster.
    pub async fn delete_cluster(
        &self,
        project: &str,
        actor: &Actor,
        id: &ClusterId,
        idempotency_key: Option<String>,
    ) -> Result<Submitted, ServiceError> {
        self.change_cluster(project, actor, id, OperationRequest::DeleteCluster {}, idempotency_key).await
    }
}

/// A change to the whole of `cluster`.
pub fn cluster_change(request: OperationRequest, cluster: &Cluster) -> Change {
    Change {
        request,
        cluster_id: Some(cluster.id.clone()),
        target_kind: TargetKind::Cluster,
        target_id: Some(cluster.id.clone()),
        target_name: Some(cluster.name.clone()),
    }
}
