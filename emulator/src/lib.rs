//! The provider emulator: a local copy of the provider's managed-Kubernetes API, served over
//! HTTP on the `provider` crate's wire types and signature, so the client and the emulator cannot
//! disagree. The console embeds it (the server's `embedded-emulator` feature) as its default
//! provider, so everything runs offline.
//!
//! It has: authentication exactly as the provider does it, request ids,
//! the capabilities, clusters (create with or without pools, list, get, rename, delete) and node
//! pools with their nodes (create, resize with `nodesToRemove`, edit, delete), all on a virtual
//! clock; the API server allow-list, OIDC, etcd usage, kubeconfigs, upgrades (in place on
//! Free, rolling on Standard), the Free-cluster quota (403 `Client::Forbidden`, class
//! UNCONFIRMED), fault injection, auto-healing, restart, reset, customization and the private
//! network settings, autoscaling from the clusters' Pending pods, and flavors out of stock. Node lists
//! page with a cursor. Its clusters' Kubernetes API servers (`kube`) answer kubectl, with the
//! workloads (`workload`) its controllers and scheduler run in them.
//!
//! Choices where provider-api.md marks a point UNCONFIRMED:
//! - void answers are `null` with `Content-Type: application/json` (§1.2);
//! - a mutation of a cluster that is not `READY` is 409 `Client::Conflict` (§6);
//! - a new cluster's full version is `<minor>.<patch>-1` with the patch of [`LATEST_PATCH`] (§5.1);
//! - a cluster created without a name is called `kube-<first 8 characters of its id>`;
//! - `X-Ovh-QueryId` is `EMU.<counter>.<random hex>`.

pub mod admin;
pub mod auth;
mod autoscaler;
mod capabilities;
mod clock;
mod cluster;
mod cluster_ops;
mod cluster_settings;
mod error;
pub mod fault;
mod healing;
pub mod kube;
mod kubeconfig;
pub mod local;
mod network;
mod node;
mod node_pool;
pub mod oauth2;
mod persistence;
pub mod price_catalog;
pub mod rate_limit;
mod upgrade;
mod workload;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

pub use clock::VirtualClock;
pub use error::EmulatorError;

use auth::Credential;
use cluster::ClusterRecord;
use node::NodeRecord;
use node_pool::PoolRecord;

/// Patch number given to new clusters of any minor.
pub const LATEST_PATCH: u16 = 2;

/// How the emulator is set up.
#[derive(Clone)]
pub struct EmulatorConfig {
    pub application_key: String,
    pub application_secret: String,
    /// A consumer key valid from the start.
    pub consumer_key: String,
    /// The project id (`serviceName`): 32 hex characters.
    pub project: String,
    /// The URL clients are configured with (scheme and host, no path), used to rebuild the signed
    /// URL; the request's `Host` header when `None`.
    pub public_url: Option<String>,
    /// Largest accepted difference between a request's timestamp and the server's clock.
    pub timestamp_window: Duration,
    /// Whether consumer keys from `POST /auth/credential` work at once.
    pub auto_validate_credentials: bool,
    /// How much faster than the seed's real durations the lifecycle runs (0 stops the clock).
    pub speed: f64,
    /// Where the state is kept between runs; in memory only when `None`.
    pub state_file: Option<std::path::PathBuf>,
    /// Who may use the admin API under `/emulator`.
    pub admin: admin::Access,
    /// API calls per second beyond which the emulator answers 429, as a rate-limited provider
    /// would; 0 for no limit.
    pub rate_per_second: f64,
}

impl std::fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("application_key", &self.application_key)
            .field("project", &self.project)
            .field("public_url", &self.public_url)
            .field("speed", &self.speed)
            .field("state_file", &self.state_file)
            .field("admin", &self.admin)
            .field("rate_per_second", &self.rate_per_second)
            .finish_non_exhaustive()
    }
}

fn default_free_quota() -> u32 {
    model::plan::Plan::Free.default_cluster_quota().unwrap_or(u32::MAX)
}

impl EmulatorConfig {
    /// An emulator of `project` accepting these credentials, with a ±180 s timestamp window,
    /// consumer keys valid at once, real-time speed, no public URL and no state file.
    pub fn new(project: &str, application_key: &str, application_secret: &str, consumer_key: &str) -> Self {
        Self {
            application_key: application_key.to_string(),
            application_secret: application_secret.to_string(),
            consumer_key: consumer_key.to_string(),
            project: project.to_string(),
            public_url: None,
            timestamp_window: Duration::from_secs(180),
            auto_validate_credentials: true,
            speed: 1.0,
            state_file: None,
            admin: admin::Access::Open,
            rate_per_second: 0.0,
        }
    }
}

/// An emulator serving in the background.
pub struct Running {
    pub emulator: Arc<Emulator>,
    /// Its base URL (`http://127.0.0.1:PORT`); the API is under `/1.0`.
    pub url: String,
    pub task: tokio::task::JoinHandle<()>,
}

/// Serves an emulator with `config` on `listener`, its public URL being the listener's address.
/// On an address other machines can reach, an admin API without a token is not served.
pub fn serve(listener: tokio::net::TcpListener, config: EmulatorConfig) -> std::io::Result<Running> {
    let address = listener.local_addr()?;
    let url = format!("http://{address}");
    let admin = config.admin.clone().for_address(address.ip());
    let emulator = Emulator::open(EmulatorConfig { public_url: Some(url.clone()), admin, ..config })?;
    let app = router(emulator.clone());
    let task = tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            tracing::error!(%error, "the emulator stopped");
        }
    });
    Ok(Running { emulator, url, task })
}

/// Everything the emulator holds.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct World {
    credentials: HashMap<String, Credential>,
    clusters: BTreeMap<String, ClusterRecord>,
    /// Most Free clusters the project may have (domain.md: 20 by default).
    #[serde(default = "default_free_quota")]
    free_cluster_quota: u32,
    /// Flavors the admin API has put out of stock.
    #[serde(default)]
    out_of_stock: std::collections::BTreeSet<String>,
    pools: BTreeMap<String, PoolRecord>,
    nodes: BTreeMap<String, NodeRecord>,
    /// Where the clusters' API servers last answered, to keep downloaded kubeconfigs working
    /// across restarts.
    #[serde(default)]
    kube_address: Option<std::net::SocketAddr>,
    /// Changes accepted per cluster name, for tests that check each was asked for once.
    #[serde(default)]
    tally: BTreeMap<String, admin::Tally>,
    /// Private networks, subnets and gateways.
    #[serde(default)]
    networking: network::Networking,
    /// What runs inside each cluster, by cluster id.
    #[serde(default)]
    workloads: BTreeMap<String, workload::Store>,
    /// etcd usage set through the admin API, in bytes, by cluster id (data written that the
    /// emulated API servers do not hold).
    #[serde(default)]
    etcd_usage: BTreeMap<String, u64>,
}

impl Default for World {
    fn default() -> Self {
        Self {
            credentials: HashMap::new(),
            clusters: BTreeMap::new(),
            free_cluster_quota: default_free_quota(),
            out_of_stock: Default::default(),
            pools: BTreeMap::new(),
            nodes: BTreeMap::new(),
            kube_address: None,
            tally: BTreeMap::new(),
            networking: network::Networking::default(),
            workloads: BTreeMap::new(),
            etcd_usage: BTreeMap::new(),
        }
    }
}

/// The emulator's shared state.
#[derive(Debug)]
pub struct Emulator {
    pub config: EmulatorConfig,
    pub clock: VirtualClock,
    world: Mutex<World>,
    faults: Mutex<Vec<fault::Fault>>,
    queries: AtomicU64,
    /// Bearer tokens issued to the service account.
    pub tokens: oauth2::Tokens,
    /// Where [`kube::serve`] answers for the clusters' API servers.
    kube_address: std::sync::OnceLock<std::net::SocketAddr>,
    /// The provider-side rate limit ([`EmulatorConfig::rate_per_second`]).
    limiter: rate_limit::Limiter,
}

impl Emulator {
    /// An emulator with the state saved in `config.state_file`, or none.
    pub fn open(config: EmulatorConfig) -> std::io::Result<Arc<Self>> {
        let saved = match &config.state_file {
            Some(path) => persistence::load(path)?,
            None => None,
        };
        let (mut world, clock) = match saved {
            Some(snapshot) => (snapshot.world, VirtualClock::starting_at(snapshot.virtual_now, config.speed)),
            None => (World::default(), VirtualClock::new(config.speed)),
        };
        world.credentials.insert(
            config.consumer_key.clone(),
            Credential { application_key: config.application_key.clone(), validated: true },
        );
        Ok(Arc::new(Self {
            clock,
            limiter: rate_limit::Limiter::new(config.rate_per_second),
            config,
            world: Mutex::new(world),
            faults: Mutex::new(Vec::new()),
            queries: AtomicU64::new(0),
            tokens: oauth2::Tokens::default(),
            kube_address: std::sync::OnceLock::new(),
        }))
    }

    /// A fresh emulator kept in memory only.
    pub fn new(config: EmulatorConfig) -> Arc<Self> {
        Self::open(EmulatorConfig { state_file: None, ..config }).expect("nothing to read")
    }

    /// Writes the state to the state file, if there is one.
    fn save(&self) -> std::io::Result<()> {
        let Some(path) = &self.config.state_file else { return Ok(()) };
        let snapshot = persistence::Snapshot { virtual_now: self.clock.now(), world: self.world().clone() };
        persistence::save(path, &snapshot)
    }

    /// The address the clusters' API servers answered on in an earlier run, if any.
    pub fn saved_kube_address(&self) -> Option<std::net::SocketAddr> {
        self.world().kube_address
    }

    fn remember_kube_address(&self, address: std::net::SocketAddr) {
        let changed = self.world().kube_address.replace(address) != Some(address);
        if changed && let Err(error) = self.save() {
            tracing::warn!(%error, "the emulator could not save its state");
        }
    }

    /// The fault rules in force.
    pub fn faults(&self) -> Vec<fault::Fault> {
        self.faults.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Replaces the fault rules.
    pub fn set_faults(&self, faults: Vec<fault::Fault>) {
        *self.faults.lock().unwrap_or_else(|e| e.into_inner()) = faults;
    }

    /// The flavors of `region` as the provider lists them: its own fields only, and `unavailable`
    /// while out of stock.
    fn flavors_in(&self, region: &str) -> Vec<model::flavor::Flavor> {
        let out = self.world().out_of_stock.clone();
        model::catalogue::flavors_in(region)
            .into_iter()
            .map(|f| model::flavor::Flavor {
                disk_gb: None,
                state: if out.contains(&f.name) {
                    model::flavor::FlavorState::Unavailable
                } else {
                    model::flavor::FlavorState::Available
                },
                ..f
            })
            .collect()
    }

    fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn credential_is_valid(&self, consumer_key: &str) -> bool {
        self.world()
            .credentials
            .get(consumer_key)
            .is_some_and(|c| c.validated && c.application_key == self.config.application_key)
    }

    fn add_credential(&self, consumer_key: &str, credential: Credential) {
        self.world().credentials.insert(consumer_key.to_string(), credential);
    }

    /// Marks a consumer key as validated by its owner; false when unknown.
    pub fn validate_credential(&self, consumer_key: &str) -> bool {
        match self.world().credentials.get_mut(consumer_key) {
            Some(credential) => {
                credential.validated = true;
                true
            }
            None => false,
        }
    }

    /// How many requests the emulator has answered.
    pub fn answered(&self) -> u64 {
        self.queries.load(Ordering::Relaxed)
    }

    /// Breaks node `id` as the admin API's `POST /emulator/nodes/{id}/break` does (it goes
    /// NotReady and is healed after the plan's delay); the provider's message when it cannot.
    pub fn break_node(&self, id: &str) -> Result<(), String> {
        healing::break_node(self, id).map_err(|e| e.body.message.clone())
    }

    /// Sets what cluster `id`'s etcd holds, as the admin API's `PUT
    /// /emulator/clusters/{id}/etcd-usage` does.
    pub fn set_etcd_usage(&self, id: &str, bytes: u64) -> Result<(), String> {
        cluster_settings::set_etcd_usage(self, id, bytes).map_err(|e| e.body.message.clone())
    }

    fn next_query_id(&self) -> String {
        let n = self.queries.fetch_add(1, Ordering::Relaxed);
        format!("EMU.{n}.{}", &uuid::Uuid::new_v4().simple().to_string()[..12])
    }
}

/// The emulator's HTTP routes: the API under `/1.0` and `/v1`, the admin API under `/emulator`.
pub fn router(emulator: Arc<Emulator>) -> Router {
    let api = Router::new()
        .route("/auth/time", get(auth::time))
        .route("/auth/credential", post(auth::issue_credential))
        .merge(capabilities::routes())
        .merge(cluster::routes())
        .merge(cluster_settings::routes())
        .merge(cluster_ops::routes())
        .merge(kubeconfig::routes())
        .merge(node_pool::routes())
        .merge(node::list::routes())
        .merge(network::routes())
        .merge(upgrade::routes())
        .merge(price_catalog::routes());
    Router::new()
        .nest("/1.0", api.clone())
        .nest("/v1", api)
        .nest("/emulator", admin::guarded(&emulator.config.admin))
        .route("/auth/oauth2/token", post(oauth2::token))
        .layer(middleware::from_fn_with_state(emulator.clone(), save_after_change))
        .layer(middleware::from_fn_with_state(emulator.clone(), autoscale))
        .layer(middleware::from_fn_with_state(emulator.clone(), fault::inject))
        .layer(middleware::from_fn_with_state(emulator.clone(), auth::verify))
        .layer(middleware::from_fn_with_state(emulator.clone(), rate_limit::limit))
        .layer(middleware::from_fn_with_state(emulator.clone(), add_query_id))
        .with_state(emulator)
}

/// Saves the state after every request that may have changed it; a failed save is a 500, so a
/// client never believes a change was kept when it was not.
async fn save_after_change(
    axum::extract::State(emulator): axum::extract::State<Arc<Emulator>>,
    request: Request,
    next: Next,
) -> Response {
    let changes = request.method() != axum::http::Method::GET;
    let response = next.run(request).await;
    if changes && let Err(error) = emulator.save() {
        return EmulatorError::internal(format!("the emulator could not save its state: {error}"))
            .into_response();
    }
    response
}

/// Lets the autoscaler catch up with the virtual clock before every request is answered.
async fn autoscale(
    axum::extract::State(emulator): axum::extract::State<Arc<Emulator>>,
    request: Request,
    next: Next,
) -> Response {
    {
        let now = emulator.clock.now();
        let mut world = emulator.world();
        autoscaler::reconcile(&emulator, &mut world, now);
    }
    next.run(request).await
}

/// Puts a fresh `X-Ovh-QueryId` on every response.
async fn add_query_id(
    axum::extract::State(emulator): axum::extract::State<Arc<Emulator>>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&emulator.next_query_id()) {
        response.headers_mut().insert(provider::api::QUERY_ID_HEADER, value);
    }
    response
}

#[cfg(test)]
mod tests;
