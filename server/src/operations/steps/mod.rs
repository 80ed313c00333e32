//! The steps of each kind of operation. Every step reads the provider's state before acting, so
//! running it again after a crash is safe; what was done is in the step log, and a resumed
//! operation starts at the first step not recorded as done.

mod access;
mod cluster;
mod network;
mod node_pool;
mod rbac;

use std::future::Future;

use chrono::{DateTime, Utc};
use model::id::ClusterId;
use model::operation::StepState;
use model::status::Status;
use provider::api::{Cluster, NodePool};
use provider::client::{Client, Error as ProviderError};

use super::params::OperationRequest;
use super::store::{self, Claimed, Step};
use crate::cluster_api::ClusterApiError;
use crate::db::Db;

/// What a run of the steps concluded.
pub enum Outcome {
    /// Every step is done.
    Done,
    /// The provider is still working; look again later.
    Wait,
}

/// Why the steps stopped.
pub enum StepError {
    Db(sqlx::Error),
    Provider(ProviderError),
    /// The cluster's own API server (bindings).
    Cluster(ClusterApiError),
    /// The request or the provider's state rules the operation out; not worth trying again.
    Invalid(String),
}

impl From<sqlx::Error> for StepError {
    fn from(e: sqlx::Error) -> Self {
        StepError::Db(e)
    }
}

impl From<ClusterApiError> for StepError {
    fn from(e: ClusterApiError) -> Self {
        StepError::Cluster(e)
    }
}

impl From<ProviderError> for StepError {
    fn from(e: ProviderError) -> Self {
        StepError::Provider(e)
    }
}

/// What a check of the provider found.
pub enum Check {
    /// The awaited state is reached; the detail says what was seen.
    Reached(String),
    /// Not yet; the detail says how far it got ("3 of 4 nodes ready").
    NotYet(String),
}

/// Everything a step needs: the operation, its log so far, and the provider project.
pub struct StepContext<'a> {
    pub db: &'a Db,
    pub client: &'a Client,
    /// The provider's project id.
    pub service: &'a str,
    pub op: &'a Claimed,
    pub log: Vec<Step>,
    /// When this pass began (the runner's clock), and the same moment on the monotonic clock:
    /// steps are stamped with `now` plus the time the pass has taken so far.
    pub now: DateTime<Utc>,
    pub began: std::time::Instant,
}

impl<'a> StepContext<'a> {
    /// The cluster the operation changes.
    pub fn cluster_id(&self) -> Result<ClusterId, StepError> {
        self.op
            .cluster_id
            .as_deref()
            .map(ClusterId::new)
            .ok_or_else(|| StepError::Invalid("the operation names no cluster".into()))
    }

    /// The runner's clock at this moment of the pass.
    pub fn clock(&self) -> DateTime<Utc> {
        self.now + chrono::Duration::from_std(self.began.elapsed()).unwrap_or_default()
    }

    fn logged(&self, seq: i64) -> Option<&Step> {
        self.log.iter().find(|s| s.seq == seq)
    }

    /// Whether step `seq` is recorded as done (or as not needed).
    pub fn is_done(&self, seq: i64) -> bool {
        self.logged(seq).is_some_and(|s| matches!(s.state, StepState::Succeeded | StepState::Skipped))
    }

    /// Whether an earlier try started step `seq` without recording its end: its call may or may
    /// not have reached the provider.
    pub fn was_started(&self, seq: i64) -> bool {
        self.logged(seq).is_some_and(|s| s.state == StepState::Running)
    }

    async fn record(
        &mut self,
        seq: i64,
        name: &str,
        state: StepState,
        detail: Option<&str>,
    ) -> Result<(), StepError> {
        let at = self.clock();
        store::record_step(self.db, &self.op.id, seq, name, state, detail, at).await?;
        let step = Step { seq, name: name.into(), state, detail: detail.map(str::to_string), started_at: at };
        match self.log.iter_mut().find(|s| s.seq == seq) {
            Some(kept) => *kept = Step { started_at: kept.started_at, ..step },
            None => self.log.push(step),
        }
        Ok(())
    }

    /// Step `seq`: unless the log says it is done, records it as running, then runs `act`, which
    /// answers `Succeeded` or `Skipped` (the provider was already there) with a detail.
    pub async fn once(
        &mut self,
        seq: i64,
        name: &str,
        act: impl Future<Output = Result<(StepState, String), StepError>>,
    ) -> Result<(), StepError> {
        if self.is_done(seq) {
            return Ok(());
        }
        self.record(seq, name, StepState::Running, None).await?;
        let (state, detail) = act.await?;
        self.record(seq, name, state, Some(&detail)).await
    }

    /// Step `seq`: waits until `check` finds the awaited state; false while it is not reached
    /// (the step stays running with the progress seen).
    pub async fn wait(
        &mut self,
        seq: i64,
        name: &str,
        check: impl Future<Output = Result<Check, StepError>>,
    ) -> Result<bool, StepError> {
        if self.is_done(seq) {
            return Ok(true);
        }
        match check.await? {
            Check::Reached(detail) => {
                self.record(seq, name, StepState::Succeeded, Some(&detail)).await?;
                Ok(true)
            }
            Check::NotYet(detail) => {
                self.record(seq, name, StepState::Running, Some(&detail)).await?;
                Ok(false)
            }
        }
    }

    /// Before the first step of a change to an existing cluster: false while the provider is
    /// still busy with it (an upgrade started elsewhere, the autoscaler adding nodes), so the
    /// change waits rather than being refused.
    pub async fn cluster_is_free(&self) -> Result<bool, StepError> {
        if !self.log.is_empty() {
            return Ok(true);
        }
        match self.client.get_cluster(self.service, &self.cluster_id()?).await {
            Ok(cluster) => Ok(!cluster.status.is_in_progress()),
            // Gone: the steps say what that means for them.
            Err(e) if e.is_not_found() => Ok(true),
            Err(e) => Err(e.into()),
        }
    }
}

/// Carries `op` as far as it can go now.
pub async fn run(ctx: &mut StepContext<'_>) -> Result<Outcome, StepError> {
    let request = ctx.op.request.clone().map_err(StepError::Invalid)?;
    if request.changes_a_cluster() && !ctx.cluster_is_free().await? {
        return Ok(Outcome::Wait);
    }
    match request {
        OperationRequest::CreateCluster(params) => cluster::create(ctx, *params).await,
        OperationRequest::RenameCluster(params) => cluster::rename(ctx, params).await,
        OperationRequest::UpdateClusterPolicy(params) => cluster::update_policy(ctx, params).await,
        OperationRequest::UpgradeCluster(params) => cluster::upgrade(ctx, params).await,
        OperationRequest::ResetCluster(body) => cluster::reset(ctx, body).await,
        OperationRequest::RestartCluster(body) => cluster::restart(ctx, body).await,
        OperationRequest::DeleteCluster {} => cluster::delete(ctx).await,
        OperationRequest::CustomizeCluster(body) => cluster::customize(ctx, body).await,
        OperationRequest::UpdatePrivateNetwork(params) => cluster::update_private_network(ctx, params).await,
        OperationRequest::CreateNodePool(body) => node_pool::create(ctx, body).await,
        OperationRequest::UpdateNodePool(params) => node_pool::update(ctx, params).await,
        OperationRequest::DeleteNodePool(params) => node_pool::delete(ctx, params).await,
        OperationRequest::RemoveNode(params) => node_pool::remove_node(ctx, params).await,
        OperationRequest::ResetKubeconfig {} => access::reset_kubeconfig(ctx).await,
        OperationRequest::SetIpRestrictions(params) => access::set_ip_restrictions(ctx, params).await,
        OperationRequest::SetClusterOidc(wanted) => access::set_oidc(ctx, wanted).await,
        OperationRequest::RemoveClusterOidc {} => access::remove_oidc(ctx).await,
        OperationRequest::SetClusterAccess(params) => rbac::apply(ctx, params).await,
        OperationRequest::CreateNetwork(params) => network::create(ctx, params).await,
        OperationRequest::CreateSubnet(params) => network::create_subnet(ctx, params).await,
        OperationRequest::CreateGateway(params) => network::create_gateway(ctx, params).await,
        OperationRequest::DeleteNetwork(params) => network::delete(ctx, params).await,
    }
}

/// The cluster READY (an error status fails the operation).
pub async fn cluster_ready(client: &Client, service: &str, id: &ClusterId) -> Result<Check, StepError> {
    let cluster = client.get_cluster(service, id).await?;
    cluster_check(&cluster)
}

fn cluster_check(cluster: &Cluster) -> Result<Check, StepError> {
    let detail = format!("cluster is {}", cluster.status.as_wire());
    match &cluster.status {
        Status::Ready => Ok(Check::Reached(detail)),
        status if status.is_error() => {
            Err(StepError::Invalid(format!("the provider reports the cluster as {}", status.as_wire())))
        }
        _ => Ok(Check::NotYet(detail)),
    }
}

/// Whether a pool has settled: READY with every wanted node available.
pub fn pool_settled(pool: &NodePool) -> bool {
    pool.status == Status::Ready
        && pool.available_nodes >= pool.desired_nodes
        && pool.current_nodes == pool.desired_nodes
}

/// Progress of `pools` in plain words, and whether they have all settled.
pub fn pools_check(pools: &[NodePool]) -> Result<Check, StepError> {
    if let Some(failed) = pools.iter().find(|p| p.status.is_error()) {
        return Err(StepError::Invalid(format!(
            "the provider reports node pool {} as {}",
            failed.name,
            failed.status.as_wire()
        )));
    }
    let wanted: u32 = pools.iter().map(|p| p.desired_nodes).sum();
    let available: u32 = pools.iter().map(|p| p.available_nodes.min(p.desired_nodes)).sum();
    let noun = if pools.len() == 1 { "pool" } else { "pools" };
    let detail = format!("{} {noun}: {available} of {wanted} nodes ready", pools.len());
    match pools.iter().all(pool_settled) {
        true => Ok(Check::Reached(detail)),
        false => Ok(Check::NotYet(detail)),
    }
}
