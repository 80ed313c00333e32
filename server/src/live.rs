//! Live updates: what open pages see change without reloading. Clusters, pools and nodes come
//! from the catalog (each new snapshot, see [`crate::catalog`]); operations come from the
//! operations feed here, which reads operations changed in the database (so steps run by any
//! replica's runner reach every replica's pages) and broadcasts them to the open streams.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
pub use model::live::{LiveEvent, OperationChanged};
use tokio::sync::{Notify, broadcast};

use crate::db::Db;
use crate::operations::store;

/// How often the sources look.
#[derive(Clone, Copy, Debug)]
pub struct Intervals {
    /// The operations feed, when no runner of this replica signalled a change.
    pub operations: Duration,
    /// How often an open stream checks that its session is still signed in with a role.
    pub session_recheck: Duration,
}

impl Default for Intervals {
    fn default() -> Self {
        Self { operations: Duration::from_secs(1), session_recheck: Duration::from_secs(60) }
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

/// The hub: the operations feed, the open streams' counts, and the signal that ends them.
pub struct Live {
    sender: broadcast::Sender<Arc<LiveEvent>>,
    /// True once the server is stopping: open streams end so shutdown need not wait for them.
    closing: tokio::sync::watch::Sender<bool>,
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

impl Live {
    pub fn new(intervals: Intervals) -> Arc<Self> {
        Self::with_limits(intervals, StreamLimits::default())
    }

    pub fn with_limits(intervals: Intervals, limits: StreamLimits) -> Arc<Self> {
        let (sender, _) = broadcast::channel(1024);
        let (closing, _) = tokio::sync::watch::channel(false);
        Arc::new(Self { sender, closing, intervals, limits, open: Mutex::default() })
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

    /// Streams open now.
    pub fn open_streams(&self) -> usize {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.iter().filter(|(key, _)| key.starts_with("project:")).map(|(_, count)| count).sum()
    }

    /// The operations as they change, from now on.
    pub fn operations(&self) -> broadcast::Receiver<Arc<LiveEvent>> {
        self.sender.subscribe()
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

    fn publish(&self, event: LiveEvent) {
        // No receiver is not an error: nobody is looking.
        let _ = self.sender.send(Arc::new(event));
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
                self.publish(LiveEvent::Operation(OperationChanged { operation: Box::new(operation) }));
            }
            let horizon = since - OVERLAP;
            sent.retain(|_, (at, _)| {
                DateTime::parse_from_rfc3339(at).is_ok_and(|t| t.with_timezone(&Utc) >= horizon)
            });
        }
    }
}
