//! The catalog: each project's clusters, pools and nodes as last read from the provider, which
//! pages and live streams read instead of calling the provider. One refresher per project for
//! the whole deployment keeps it current: a lease in the database picks the replica that reads
//! the provider; it stores every new snapshot in the database, and the other replicas load it
//! from there (see [`refresher`]).

pub mod refresher;
pub mod snapshot;
pub mod store;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use provider::client::TokenBucket;
use tokio::sync::{Notify, watch};

use crate::db::Db;
use crate::projects::{Project, Projects};
pub use snapshot::{Config, Detail, Entry, Lookup, Networks, Snapshot};

/// How often the refresher looks and reads.
#[derive(Clone, Copy, Debug)]
pub struct Timings {
    /// How often the loop looks at the database (the lease, operations, a newer snapshot).
    pub tick: Duration,
    /// The cluster list's interval while anything moves.
    pub list_active: Duration,
    /// The longest interval the list backs off to while nothing moves.
    pub list_idle: Duration,
    /// A page view asks for the list to be read again when it is older than this, so changes
    /// made outside the console show soon after someone looks (only the list: pools and nodes
    /// keep their own pace).
    pub view_refresh: Duration,
    /// Every cluster's pools and nodes are read at least this often.
    pub sweep: Duration,
    /// How long a replica's lease lasts without renewal.
    pub lease: Duration,
    /// The share of the project's rate the refresher may use; the operations runner keeps the
    /// rest.
    pub share: f64,
    /// How long the provider may fail before pages warn that they show an old copy.
    pub stale_after: Duration,
}

impl Default for Timings {
    fn default() -> Self {
        Self {
            tick: Duration::from_secs(1),
            list_active: Duration::from_secs(3),
            list_idle: Duration::from_secs(30),
            view_refresh: Duration::from_secs(15),
            sweep: Duration::from_secs(10 * 60),
            lease: Duration::from_secs(15),
            share: 0.5,
            stale_after: Duration::from_secs(model::freshness::STALE_AFTER_SECONDS as u64),
        }
    }
}

/// Every project's catalog on this replica.
#[derive(Debug)]
pub struct Catalog {
    projects: BTreeMap<String, Arc<ProjectCatalog>>,
    db: Db,
    /// This replica's name in leases.
    replica: String,
    pub timings: Timings,
}

/// One project's catalog.
pub struct ProjectCatalog {
    project: Arc<Project>,
    current: watch::Sender<Arc<Snapshot>>,
    /// Asks the refresher to read the list now (an operation moved, a page wants a cluster it
    /// does not have yet).
    poke: Notify,
    poked: AtomicBool,
    /// A page looked at a list older than [`Timings::view_refresh`].
    looked: AtomicBool,
    /// A page looked at the list.
    arrived: AtomicBool,
    view_refresh: Duration,
    /// Clusters open in pages here, with how many pages.
    viewed: Mutex<HashMap<String, usize>>,
    /// Clusters whose configuration a page asked for, each with the time after which it must
    /// have been read (the last operation on the cluster).
    configs_wanted: Mutex<BTreeMap<String, DateTime<Utc>>>,
    /// A page asked for the networks, read after this time.
    networks_wanted: Mutex<Option<DateTime<Utc>>>,
    started: AtomicBool,
    refresher: Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// The refresher's share of the project's rate.
    budget: TokenBucket,
    /// Whether this replica holds the lease.
    holding: AtomicBool,
    /// Provider calls this replica's refresher made.
    calls: AtomicU64,
}

impl std::fmt::Debug for ProjectCatalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProjectCatalog").field("project", &self.project.id).finish_non_exhaustive()
    }
}

/// Why a page cannot be given what it asked for from the catalog.
#[derive(Debug, PartialEq, Eq)]
pub enum Unavailable {
    /// The provider has not been read yet (a replica just started, or it does not answer).
    NotReadYet,
}

/// A page's interest in one cluster, released when dropped.
pub struct Viewing {
    catalog: Arc<ProjectCatalog>,
    cluster: String,
}

impl Drop for Viewing {
    fn drop(&mut self) {
        let mut viewed = self.catalog.viewed.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = viewed.get_mut(&self.cluster) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                viewed.remove(&self.cluster);
            }
        }
    }
}

impl Catalog {
    pub fn new(db: Db, projects: &Projects, timings: Timings) -> Arc<Self> {
        let projects = projects
            .iter()
            .map(|project| (project.id.clone(), Arc::new(ProjectCatalog::new(project.clone(), timings))))
            .collect();
        let replica = format!("replica-{}", uuid::Uuid::new_v4().simple());
        Arc::new(Self { projects, db, replica, timings })
    }

    /// The sum of every project's snapshot version: grows whenever any snapshot is replaced.
    pub fn versions(&self) -> i64 {
        self.projects.values().map(|catalog| catalog.current.borrow().version).sum()
    }

    /// The catalog of `project`, its refresher started if it was not.
    pub fn project(&self, project: &str) -> Option<&Arc<ProjectCatalog>> {
        let catalog = self.projects.get(project)?;
        if !catalog.started.swap(true, Ordering::SeqCst) {
            let task = tokio::spawn(refresher::run(
                self.db.clone(),
                self.replica.clone(),
                self.timings,
                catalog.clone(),
            ));
            *catalog.refresher.lock().unwrap_or_else(|e| e.into_inner()) = Some(task);
        }
        Some(catalog)
    }

    /// Starts every project's refresher (at start-up, so the first page finds the catalog read).
    pub fn start(&self) {
        for id in self.projects.keys() {
            self.project(id);
        }
    }

    /// Pokes every project's refresher each time `changed` is signalled (the runner recorded a
    /// step), so the pages see its effect without waiting for the next read.
    pub async fn follow(self: Arc<Self>, changed: Arc<Notify>) {
        loop {
            changed.notified().await;
            for catalog in self.projects.values() {
                catalog.poke();
            }
        }
    }

    /// Stops the refreshers where they are, leases kept until they expire (as a crash would).
    pub fn abort(&self) {
        for catalog in self.projects.values() {
            if let Some(task) = catalog.refresher.lock().unwrap_or_else(|e| e.into_inner()).take() {
                task.abort();
            }
        }
    }

    /// Gives up this replica's leases (it is stopping), so another replica takes over at once.
    pub async fn release(&self) {
        for (id, catalog) in &self.projects {
            if catalog.holding.load(Ordering::SeqCst)
                && let Err(error) = store::release(&self.db, id, &self.replica).await
            {
                tracing::warn!(%error, project = %id, "could not release the catalog lease");
            }
        }
    }
}

impl ProjectCatalog {
    fn new(project: Arc<Project>, timings: Timings) -> Self {
        let (rate, burst) = project.client.rate();
        let budget_burst = ((f64::from(burst) * timings.share) as u32).max(1);
        let empty = Snapshot::empty(&project.id, timings.stale_after.as_secs() as i64);
        let (current, _) = watch::channel(Arc::new(empty));
        Self {
            budget: TokenBucket::new(rate * timings.share, budget_burst),
            project,
            current,
            poke: Notify::new(),
            poked: AtomicBool::new(false),
            looked: AtomicBool::new(false),
            arrived: AtomicBool::new(false),
            view_refresh: timings.view_refresh,
            viewed: Mutex::default(),
            configs_wanted: Mutex::default(),
            networks_wanted: Mutex::default(),
            started: AtomicBool::new(false),
            refresher: Mutex::new(None),
            holding: AtomicBool::new(false),
            calls: AtomicU64::new(0),
        }
    }

    /// The latest snapshot this replica has.
    pub fn current(&self) -> Arc<Snapshot> {
        self.current.borrow().clone()
    }

    /// Every new snapshot, as it arrives.
    pub fn subscribe(&self) -> watch::Receiver<Arc<Snapshot>> {
        self.current.subscribe()
    }

    /// Asks for the list to be read now (this replica's refresher, when it holds the lease).
    pub fn poke(&self) {
        self.poked.store(true, Ordering::SeqCst);
        self.poke.notify_one();
    }

    /// Says a page shows this snapshot now: when its list is older than
    /// [`Timings::view_refresh`], the refresher reads the list again (the page gets the news
    /// over its live stream); and while pages come, the list's interval backs off from
    /// [`Timings::view_refresh`] again, so a change made outside the console reaches open pages
    /// soon.
    pub fn looked_at(&self, snapshot: &Snapshot) {
        self.arrived.store(true, Ordering::SeqCst);
        let old = snapshot.listed_at.is_none_or(|at| {
            Utc::now().signed_duration_since(at).to_std().is_ok_and(|age| age >= self.view_refresh)
        });
        if old {
            self.looked.store(true, Ordering::SeqCst);
            self.poke.notify_one();
        }
    }

    /// Marks `cluster` as open in a page until the guard is dropped: its pools and nodes are
    /// read with every list.
    pub fn view(self: &Arc<Self>, cluster: &str) -> Viewing {
        *self.viewed.lock().unwrap_or_else(|e| e.into_inner()).entry(cluster.to_string()).or_insert(0) += 1;
        Viewing { catalog: self.clone(), cluster: cluster.to_string() }
    }

    /// How many pages here have `cluster` open.
    pub fn viewers(&self, cluster: &str) -> usize {
        self.viewed.lock().unwrap_or_else(|e| e.into_inner()).get(cluster).copied().unwrap_or(0)
    }

    fn viewed(&self) -> Vec<String> {
        self.viewed.lock().unwrap_or_else(|e| e.into_inner()).keys().cloned().collect()
    }

    /// Whether this replica's refresher holds the lease (reads the provider).
    pub fn is_polling(&self) -> bool {
        self.holding.load(Ordering::SeqCst)
    }

    /// Provider calls this replica's refresher has made.
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// The snapshot once it satisfies `ready`, waiting up to `deadline` for the refresher.
    pub async fn wait_for(
        &self,
        deadline: Duration,
        ready: impl Fn(&Snapshot) -> bool,
    ) -> Result<Arc<Snapshot>, Arc<Snapshot>> {
        let mut receiver = self.subscribe();
        let waited = tokio::time::timeout(deadline, receiver.wait_for(|s| ready(s))).await;
        match waited {
            Ok(Ok(snapshot)) => Ok(snapshot.clone()),
            _ => Err(self.current()),
        }
    }

    /// The snapshot with a list read, waiting up to `deadline` for the first read.
    pub async fn read(&self, deadline: Duration) -> Result<Arc<Snapshot>, Unavailable> {
        self.wait_for(deadline, |s| s.listed_at.is_some()).await.map_err(|_| Unavailable::NotReadYet)
    }

    /// The snapshot to show cluster `id` from: one that has it listed and its pools read after
    /// `changed_at` (the last operation on it, so a page shows what the user just did), or one
    /// read after `asked_at` without it (it does not exist); waits up to `deadline` for the
    /// refresher, poking it when the cluster is not there yet (it may have just been created).
    pub async fn cluster(
        self: &Arc<Self>,
        id: &str,
        asked_at: DateTime<Utc>,
        changed_at: Option<DateTime<Utc>>,
        deadline: Duration,
    ) -> Result<Arc<Snapshot>, Unavailable> {
        // The cluster's own fields come from the list, its pools and nodes from the detail:
        // both must be read after the change.
        let settled = |s: &Snapshot| match s.find(id) {
            Lookup::Found(entry) => entry.detail.as_ref().is_some_and(|d| {
                changed_at.is_none_or(|at| d.read_at >= at && s.listed_at.is_some_and(|listed| listed >= at))
            }),
            Lookup::Missing => s.listed_at.is_some_and(|t| t >= asked_at),
            Lookup::Unknown => false,
        };
        let now = self.current();
        if settled(&now) {
            return Ok(now);
        }
        let _viewing = self.view(id);
        self.poke();
        match self.wait_for(deadline, settled).await {
            Ok(snapshot) => Ok(snapshot),
            // The refresher is behind (or on another replica): what was last read is the answer.
            Err(snapshot) if snapshot.listed_at.is_some() => Ok(snapshot),
            Err(_) => Err(Unavailable::NotReadYet),
        }
    }

    /// The snapshot to show cluster `id`'s configuration from: one with it read after
    /// `changed_at` (the last operation on the cluster) and known to be current less than
    /// [`Timings::view_refresh`] before the page asked. A copy is current as of its own read
    /// and as of every later list read that showed the cluster unchanged: the refresher drops it
    /// when the list shows the cluster changed, as a change made elsewhere redeploys it. Waits
    /// up to `deadline` for the refresher, else serves the copy it has.
    pub async fn config(
        &self,
        id: &str,
        changed_at: Option<DateTime<Utc>>,
        deadline: Duration,
    ) -> Result<Arc<Snapshot>, Unavailable> {
        let current_since = Utc::now() - self.view_refresh;
        let after = changed_at.unwrap_or(DateTime::<Utc>::MIN_UTC);
        let settled = move |s: &Snapshot| match (s.find(id), s.listed_at) {
            (Lookup::Found(_), Some(listed_at)) => s
                .configs
                .get(id)
                .is_some_and(|c| c.read_at >= after && c.read_at.max(listed_at) >= current_since),
            (Lookup::Missing, Some(listed_at)) => listed_at >= current_since,
            _ => false,
        };
        let now = self.current();
        if settled(&now) {
            return Ok(now);
        }
        self.want_config(id, after);
        self.looked_at(&now);
        match self.wait_for(deadline, settled).await {
            Ok(snapshot) => Ok(snapshot),
            Err(snapshot) if snapshot.configs.contains_key(id) => Ok(snapshot),
            Err(_) => Err(Unavailable::NotReadYet),
        }
    }

    fn want_config(&self, id: &str, after: DateTime<Utc>) {
        let mut wanted = self.configs_wanted.lock().unwrap_or_else(|e| e.into_inner());
        let at = wanted.entry(id.to_string()).or_insert(after);
        *at = (*at).max(after);
        drop(wanted);
        self.poke.notify_one();
    }

    /// The configurations pages asked for since the last call, each with the time after which
    /// it must have been read.
    fn configs_wanted(&self) -> BTreeMap<String, DateTime<Utc>> {
        std::mem::take(&mut *self.configs_wanted.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// The snapshot to show the project's networks from: one with them read after `changed_at`
    /// (the last operation on a network) and less than [`Timings::view_refresh`] before the
    /// page asked, as for a cluster's configuration; waits up to `deadline` for the refresher,
    /// else serves the copy it has. Whatever the number of pages, the networks are read at most
    /// once per [`Timings::view_refresh`].
    pub async fn networks(
        &self,
        changed_at: Option<DateTime<Utc>>,
        deadline: Duration,
    ) -> Result<Arc<Snapshot>, Unavailable> {
        let after = changed_at.unwrap_or(DateTime::<Utc>::MIN_UTC);
        let current_since = Utc::now() - self.view_refresh;
        // The clusters on each network come from the list: as current as the networks.
        let settled = move |s: &Snapshot| {
            s.networks.as_ref().is_some_and(|n| n.read_at >= after && n.read_at >= current_since)
                && s.listed_at.is_some_and(|at| at >= current_since)
        };
        let now = self.current();
        if settled(&now) {
            return Ok(now);
        }
        self.looked_at(&now);
        self.want_networks(after);
        match self.wait_for(deadline, settled).await {
            Ok(snapshot) => Ok(snapshot),
            Err(snapshot) if snapshot.networks.is_some() => Ok(snapshot),
            Err(_) => Err(Unavailable::NotReadYet),
        }
    }

    fn want_networks(&self, after: DateTime<Utc>) {
        let mut wanted = self.networks_wanted.lock().unwrap_or_else(|e| e.into_inner());
        *wanted = Some(wanted.map_or(after, |at| at.max(after)));
        drop(wanted);
        self.poke.notify_one();
    }

    /// Whether a page asked for the networks since the last call.
    fn networks_wanted(&self) -> Option<DateTime<Utc>> {
        self.networks_wanted.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    fn publish(&self, snapshot: Snapshot) {
        self.current.send_replace(Arc::new(snapshot));
    }
}
