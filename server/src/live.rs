//! Live updates: what open pages see change without reloading. Two sources feed one broadcast
//! channel: the operations feed, which reads operations changed in the database (so steps run by
//! any replica's runner reach every replica's pages), and watches, which poll the provider for
//! the clusters pages look at — one poll per cluster however many pages, faster while something
//! changes, backing off while nothing does, stopping when the last page goes.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use model::id::ClusterId;
pub use model::live::LiveEvent;
use model::live::{LiveCluster, PoolCounts};
use tokio::sync::{Notify, broadcast};

use crate::db::Db;
use crate::operations::store;
use crate::projects::Projects;

/// How often the sources look.
#[derive(Clone, Copy, Debug)]
pub struct Intervals {
    /// The operations feed, when no runner of this replica signalled a change.
    pub operations: Duration,
    /// A watch right after a change.
    pub watch_min: Duration,
    /// A watch after a long time without change.
    pub watch_max: Duration,
    /// How often an open stream checks that its session is still signed in with a role.
    pub session_recheck: Duration,
}

impl Default for Intervals {
    fn default() -> Self {
        Self {
            operations: Duration::from_secs(1),
            watch_min: Duration::from_secs(2),
            watch_max: Duration::from_secs(30),
            session_recheck: Duration::from_secs(60),
        }
    }
}

/// How many streams may be open at once.
#[derive(Clone, Copy, Debug)]
pub struct StreamLimits {
    /// Per user (a browser opens one or two per tab).
    pub per_user: usize,
    /// Per project, whoever opens them.
    pub per_project: usize,
}

impl Default for StreamLimits {
    fn default() -> Self {
        Self { per_user: 16, per_project: 1000 }
    }
}

/// An open stream's place in the counts, given back when dropped.
pub struct StreamSlot {
    live: Arc<Live>,
    keys: [String; 2],
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.live.open.lock().unwrap_or_else(|e| e.into_inner());
        for key in &self.keys {
            if let Some(count) = open.get_mut(key) {
                *count = count.saturating_sub(1);
                if *count == 0 {
                    open.remove(key);
                }
            }
        }
    }
}

/// What a page watches.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Scope {
    /// A project's cluster list.
    Project(String),
    /// One cluster (project, cluster id).
    Cluster(String, String),
}

struct Watch {
    viewers: usize,
    /// Wakes the poll early (an operation on the cluster moved).
    poke: Arc<Notify>,
    /// What the poll last saw, for pages that arrive later.
    last: Vec<Arc<LiveEvent>>,
}

/// The hub: subscriptions, watches, and the operations feed.
pub struct Live {
    sender: broadcast::Sender<Arc<LiveEvent>>,
    /// True once the server is stopping: open streams end so shutdown need not wait for them.
    closing: tokio::sync::watch::Sender<bool>,
    watches: Mutex<HashMap<Scope, Watch>>,
    projects: Projects,
    pub intervals: Intervals,
    pub limits: StreamLimits,
    /// Open streams per `user:…` and `project:…`.
    open: Mutex<HashMap<String, usize>>,
}

impl std::fmt::Debug for Live {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Live").field("intervals", &self.intervals).finish_non_exhaustive()
    }
}

/// A page's subscription: its events, and its share of a watch, released when dropped.
pub struct Subscription {
    pub events: broadcast::Receiver<Arc<LiveEvent>>,
    /// The watched scope's latest state, to show at once.
    pub snapshot: Vec<Arc<LiveEvent>>,
    live: Arc<Live>,
    scope: Scope,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        let mut watches = self.live.watches.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(watch) = watches.get_mut(&self.scope) {
            watch.viewers = watch.viewers.saturating_sub(1);
            watch.poke.notify_one();
        }
    }
}

impl Live {
    pub fn new(projects: Projects, intervals: Intervals) -> Arc<Self> {
        Self::with_limits(projects, intervals, StreamLimits::default())
    }

    pub fn with_limits(projects: Projects, intervals: Intervals, limits: StreamLimits) -> Arc<Self> {
        let (sender, _) = broadcast::channel(1024);
        let (closing, _) = tokio::sync::watch::channel(false);
        Arc::new(Self {
            sender,
            closing,
            watches: Mutex::new(HashMap::new()),
            projects,
            intervals,
            limits,
            open: Mutex::default(),
        })
    }

    /// A place for one more stream of `user` in `project`, or `None` when either has its most.
    pub fn admit(self: &Arc<Self>, user: &str, project: &str) -> Option<StreamSlot> {
        let keys = [format!("user:{user}"), format!("project:{project}")];
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let count = |key: &String| open.get(key).copied().unwrap_or(0);
        if count(&keys[0]) >= self.limits.per_user || count(&keys[1]) >= self.limits.per_project {
            return None;
        }
        for key in &keys {
            *open.entry(key.clone()).or_insert(0) += 1;
        }
        Some(StreamSlot { live: self.clone(), keys })
    }

    /// Subscribes a page to `scope`, starting its watch if it is the first viewer.
    pub fn subscribe(self: &Arc<Self>, scope: Scope) -> Subscription {
        let events = self.sender.subscribe();
        let mut watches = self.watches.lock().unwrap_or_else(|e| e.into_inner());
        // Only the poll removes a watch, so a missing entry means no poll is running.
        let fresh = !watches.contains_key(&scope);
        let watch = watches.entry(scope.clone()).or_insert_with(|| Watch {
            viewers: 0,
            poke: Arc::new(Notify::new()),
            last: Vec::new(),
        });
        watch.viewers += 1;
        let snapshot = watch.last.clone();
        if fresh {
            let poke = watch.poke.clone();
            tokio::spawn(self.clone().poll(scope.clone(), poke));
        }
        drop(watches);
        Subscription { events, snapshot, live: self.clone(), scope }
    }

    /// Ends every open stream (the server is stopping).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Resolves once [`Self::close`] is called.
    pub async fn closed(&self) {
        let mut closing = self.closing.subscribe();
        let _ = closing.wait_for(|closed| *closed).await;
    }

    /// Whether `scope` is watched now.
    pub fn is_watched(&self, scope: &Scope) -> bool {
        self.watches.lock().unwrap_or_else(|e| e.into_inner()).contains_key(scope)
    }

    /// How many scopes are watched now.
    pub fn watched(&self) -> usize {
        self.watches.lock().unwrap_or_else(|e| e.into_inner()).len()
    }

    fn publish(&self, event: LiveEvent) {
        // No receiver is not an error: nobody is looking.
        let _ = self.sender.send(Arc::new(event));
    }

    /// Polls the provider for `scope` until nobody watches it.
    async fn poll(self: Arc<Self>, scope: Scope, poke: Arc<Notify>) {
        let mut interval = self.intervals.watch_min;
        let mut seen = String::new();
        loop {
            {
                let mut watches = self.watches.lock().unwrap_or_else(|e| e.into_inner());
                if watches.get(&scope).is_none_or(|w| w.viewers == 0) {
                    watches.remove(&scope);
                    return;
                }
            }
            let events = self.look(&scope).await;
            let text = serde_json::to_string(&events).unwrap_or_default();
            if !events.is_empty() && text != seen {
                seen = text;
                interval = self.intervals.watch_min;
                let events: Vec<Arc<LiveEvent>> = events.into_iter().map(Arc::new).collect();
                if let Some(watch) = self.watches.lock().unwrap_or_else(|e| e.into_inner()).get_mut(&scope) {
                    watch.last = events.clone();
                }
                for event in events {
                    let _ = self.sender.send(event);
                }
            } else {
                interval = (interval * 2).min(self.intervals.watch_max);
            }
            let _ = tokio::time::timeout(interval, poke.notified()).await;
        }
    }

    /// What the provider says about `scope` now; nothing when it cannot be reached (the next
    /// look tries again).
    async fn look(&self, scope: &Scope) -> Vec<LiveEvent> {
        let (Scope::Project(project_id) | Scope::Cluster(project_id, _)) = scope;
        let Some(project) = self.projects.get(project_id) else { return Vec::new() };
        let (client, service) = (&project.client, &project.service_name);
        let result = match scope {
            Scope::Project(_) => client.list_clusters(service).await.map(|clusters| {
                let clusters = clusters.iter().map(LiveCluster::from).collect();
                vec![LiveEvent::Clusters { project_id: project_id.clone(), clusters }]
            }),
            Scope::Cluster(_, id) => match client.get_cluster(service, &ClusterId::new(id.as_str())).await {
                Err(e) if e.status() == Some(404) => Ok(vec![LiveEvent::ClusterGone {
                    project_id: project_id.clone(),
                    cluster_id: id.clone(),
                }]),
                Err(e) => Err(e),
                Ok(cluster) => {
                    client.list_node_pools(service, &ClusterId::new(id.as_str())).await.map(|node_pools| {
                        vec![LiveEvent::Cluster {
                            project_id: project_id.clone(),
                            cluster: Box::new(LiveCluster::from(&cluster)),
                            node_pools: node_pools.iter().map(PoolCounts::from).collect(),
                        }]
                    })
                }
            },
        };
        result.unwrap_or_else(|error| {
            tracing::debug!(%error, "live watch: the provider did not answer");
            Vec::new()
        })
    }

    /// Wakes the watches of `project` (its list) and of `cluster`, after an operation moved.
    fn poke(&self, project: &str, cluster: Option<&str>) {
        let watches = self.watches.lock().unwrap_or_else(|e| e.into_inner());
        for (scope, watch) in watches.iter() {
            let hit = match scope {
                Scope::Project(p) => p == project,
                Scope::Cluster(p, c) => p == project && Some(c.as_str()) == cluster,
            };
            if hit {
                watch.poke.notify_one();
            }
        }
    }

    /// The operations feed: publishes operations changed in the database, looking when
    /// `changed` is signalled (this replica's runner) or every `intervals.operations` (others').
    pub async fn feed_operations(self: Arc<Self>, db: Db, changed: Arc<Notify>) {
        // Times from other replicas may lag a little; look back this far and skip repeats.
        const OVERLAP: chrono::Duration = chrono::Duration::seconds(5);
        let mut since: DateTime<Utc> = Utc::now();
        // What was last sent of each operation (its text), kept while within the look-back.
        let mut sent: HashMap<String, (String, String)> = HashMap::new();
        loop {
            let _ = tokio::time::timeout(self.intervals.operations, changed.notified()).await;
            if self.sender.receiver_count() == 0 {
                since = Utc::now();
                sent.clear();
                continue;
            }
            let changes = match store::changed_since(&db, since - OVERLAP).await {
                Ok(changes) => changes,
                Err(error) => {
                    tracing::warn!(%error, "live updates: could not read operations");
                    continue;
                }
            };
            for operation in changes {
                // Writes of one runner pass may share a time stamp: compare the whole operation.
                let text = serde_json::to_string(&operation).unwrap_or_default();
                if sent.get(&operation.id).is_some_and(|(_, last)| *last == text) {
                    continue;
                }
                if let Ok(at) = DateTime::parse_from_rfc3339(&operation.updated_at) {
                    since = since.max(at.with_timezone(&Utc));
                }
                sent.insert(operation.id.clone(), (operation.updated_at.clone(), text));
                self.poke(&operation.project_id, operation.cluster_id.as_deref());
                self.publish(LiveEvent::Operation { operation: Box::new(operation) });
            }
            let horizon = since - OVERLAP;
            sent.retain(|_, (at, _)| {
                DateTime::parse_from_rfc3339(at).is_ok_and(|t| t.with_timezone(&Utc) >= horizon)
            });
        }
    }
}
