//! Notifications: every replica looks at what happened ([`watch`]) and keeps each event once
//! (the inbox) and queues it once per subscription that wants it; deliveries are sent from a
//! durable queue ([`store`]) like operations are run — claimed with a lease by any replica,
//! retried with backoff, each with its id so receivers can drop repeats ([`deliver`]).

pub mod crypto;
pub mod deliver;
pub mod store;
pub mod watch;

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use model::notification::{Channel, DeliveryState, EventKind, Notification, Thresholds};

use crate::catalog::Catalog;
use crate::db::Db;
use crate::projects::Projects;
use store::{Notice, Subscription};

/// Most attempts of one delivery.
pub const MAX_ATTEMPTS: u32 = 10;
/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// How long a replica holds a delivery it is sending.
const LEASE: Duration = Duration::from_secs(60);

/// (project, key) pairs kept in the inbox, and (subscription, key) pairs queued.
#[derive(Debug, Default)]
struct Done {
    kept: HashSet<(String, String)>,
    queued: HashSet<(String, String)>,
}

/// How notifications are sent, and what this replica remembers between looks.
pub struct Notifier {
    pub keyring: crypto::Keyring,
    pub mailer: Option<deliver::Mailer>,
    /// The wait before the second attempt; doubled each time.
    pub retry_base: Duration,
    /// The console's address, for links in messages.
    pub public_url: Option<String>,
    /// Whether webhooks may be `http://` to a loopback address (a console listening on one).
    pub loopback_http: bool,
    client: reqwest::Client,
    watcher: watch::Watcher,
    /// What this replica has already kept and queued.
    done: Mutex<Done>,
    replica: String,
}

impl std::fmt::Debug for Notifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notifier").field("mailer", &self.mailer).finish_non_exhaustive()
    }
}

impl Notifier {
    pub fn new(
        keyring: crypto::Keyring,
        mailer: Option<deliver::Mailer>,
        retry_base: Duration,
        public_url: Option<String>,
        loopback_http: bool,
    ) -> Self {
        Self {
            keyring,
            mailer,
            retry_base,
            public_url: public_url.map(|u| u.trim_end_matches('/').to_string()),
            loopback_http,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap_or_default(),
            watcher: watch::Watcher::default(),
            done: Mutex::default(),
            replica: format!("notify-{}", uuid::Uuid::new_v4()),
        }
    }

    /// The wait before attempt `attempts + 1`.
    pub fn backoff(&self, attempts: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempts.saturating_sub(1).min(16));
        self.retry_base.saturating_mul(factor).min(MAX_BACKOFF)
    }

    /// The console's page of a cluster, when the console's address is known.
    fn link(&self, project: &str, cluster: Option<&str>) -> Option<String> {
        let base = self.public_url.as_ref()?;
        Some(match cluster {
            Some(cluster) => format!("{base}/clusters/{cluster}?project={project}"),
            None => format!("{base}/notifications"),
        })
    }

    /// The message a subscription is sent for `notice`, with a new delivery id.
    pub fn message(&self, notice: &Notice) -> Notification {
        Notification {
            id: uuid::Uuid::new_v4().to_string(),
            event: notice.event,
            project_id: notice.project_id.clone(),
            cluster_id: notice.cluster_id.clone(),
            cluster_name: notice.cluster_name.clone(),
            title: notice.title.clone(),
            text: notice.text.clone(),
            occurred_at: notice.occurred_at.to_rfc3339(),
            link: self.link(&notice.project_id, notice.cluster_id.as_deref()),
        }
    }

    /// One look at every project: what happened is kept and queued. Returns the notices seen.
    pub async fn look(
        &self,
        db: &Db,
        projects: &Projects,
        catalog: &Catalog,
        now: DateTime<Utc>,
    ) -> Result<Vec<Notice>, sqlx::Error> {
        let mut notices: Vec<Notice> =
            crate::operations::store::ended_since(db, watch::operations_since(now))
                .await?
                .iter()
                .flat_map(watch::from_operation)
                .collect();
        for project in projects.iter() {
            if let Some(project_catalog) = catalog.project(&project.id) {
                let snapshot = project_catalog.current();
                if snapshot.listed_at.is_some() {
                    notices.extend(self.watcher.from_catalog(&project.id, &snapshot, now));
                }
            }
        }
        let mut subscriptions: HashMap<String, Vec<Subscription>> = HashMap::new();
        for notice in &notices {
            self.keep(db, notice).await?;
            if !subscriptions.contains_key(&notice.project_id) {
                let found = store::subscriptions(db, &notice.project_id).await?;
                subscriptions.insert(notice.project_id.clone(), found);
            }
            for subscription in &subscriptions[&notice.project_id] {
                if wants(subscription, notice) {
                    self.queue(db, subscription, notice, now).await?;
                }
            }
        }
        Ok(notices)
    }

    async fn keep(&self, db: &Db, notice: &Notice) -> Result<(), sqlx::Error> {
        let id = (notice.project_id.clone(), notice.key.clone());
        if !watch::for_inbox(notice) || self.done.lock().unwrap_or_else(|e| e.into_inner()).kept.contains(&id)
        {
            return Ok(());
        }
        store::record(db, notice).await?;
        self.done.lock().unwrap_or_else(|e| e.into_inner()).kept.insert(id);
        Ok(())
    }

    async fn queue(
        &self,
        db: &Db,
        subscription: &Subscription,
        notice: &Notice,
        now: DateTime<Utc>,
    ) -> Result<(), sqlx::Error> {
        let id = (subscription.id.clone(), notice.key.clone());
        if self.done.lock().unwrap_or_else(|e| e.into_inner()).queued.contains(&id) {
            return Ok(());
        }
        store::enqueue(db, &subscription.id, &notice.key, &self.message(notice), now).await?;
        self.done.lock().unwrap_or_else(|e| e.into_inner()).queued.insert(id);
        Ok(())
    }

    /// Queues a test message for `subscription`.
    pub async fn queue_test(
        &self,
        db: &Db,
        subscription: &Subscription,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<String, sqlx::Error> {
        let notice = Notice {
            project_id: subscription.project_id.clone(),
            event: EventKind::Test,
            key: format!("test:{}", uuid::Uuid::new_v4()),
            cluster_id: None,
            cluster_name: None,
            title: format!("Test message for \"{}\"", subscription.name),
            text: format!("{actor} sent this test from Pilothouse. Deliveries to this address work."),
            occurred_at: now,
            figure: None,
        };
        let message = self.message(&notice);
        store::enqueue(db, &subscription.id, &notice.key, &message, now).await?;
        Ok(message.id)
    }

    /// Sends every delivery due at `now`; how many were attempted.
    pub async fn send_due(&self, db: &Db, now: DateTime<Utc>) -> Result<usize, sqlx::Error> {
        let mut attempted = 0;
        let lease = now + chrono::Duration::from_std(LEASE).unwrap_or_default();
        while let Some(claimed) = store::claim(db, &self.replica, now, lease).await? {
            attempted += 1;
            let Some(subscription) = store::subscription_any(db, &claimed.subscription_id).await? else {
                continue;
            };
            let attempt = self.attempt(&subscription, &claimed.message).await;
            let (outcome, retry_at) = match (&attempt.error, attempt.retryable) {
                (None, _) => (DeliveryState::Delivered, None),
                (Some(_), true) if claimed.attempts < MAX_ATTEMPTS => {
                    let wait = chrono::Duration::from_std(self.backoff(claimed.attempts)).unwrap_or_default();
                    (DeliveryState::Pending, Some(Utc::now() + wait))
                }
                (Some(_), _) => (DeliveryState::Failed, None),
            };
            if let Some(error) = &attempt.error {
                tracing::info!(delivery = %claimed.id, subscription = %subscription.id, attempt = claimed.attempts, %error, "notification not delivered");
            }
            store::attempted(
                db,
                &claimed.id,
                attempt.status,
                attempt.error.as_deref(),
                outcome,
                retry_at,
                Utc::now(),
            )
            .await?;
        }
        Ok(attempted)
    }

    async fn attempt(&self, subscription: &Subscription, message: &Notification) -> deliver::Attempt {
        let refused =
            |why: &str| deliver::Attempt { status: None, error: Some(why.to_string()), retryable: false };
        match &subscription.channel {
            Channel::Webhook { format, .. } => {
                let Some(key) = subscription.signing_key.as_deref().and_then(|k| self.keyring.open(k).ok())
                else {
                    return refused("The signing key cannot be read (PILOTHOUSE_ENCRYPTION_KEY changed?).");
                };
                let Some(url) =
                    subscription.sealed_url.as_deref().and_then(|u| self.keyring.open_or_plain(u).ok())
                else {
                    return refused("The address cannot be read (PILOTHOUSE_ENCRYPTION_KEY changed?).");
                };
                deliver::webhook(&self.client, &url, *format, &key, message).await
            }
            Channel::Email { address } => match &self.mailer {
                Some(mailer) => mailer.send(address, message).await,
                None => refused("Email is not configured (PILOTHOUSE_SMTP_URL)."),
            },
        }
    }

    /// Looks every `look` and sends every `send`, until the task is dropped.
    pub async fn run(
        self: std::sync::Arc<Self>,
        db: Db,
        projects: Projects,
        catalog: std::sync::Arc<Catalog>,
        look: Duration,
        send: Duration,
    ) {
        let mut last_look = tokio::time::Instant::now() - look;
        loop {
            if last_look.elapsed() >= look {
                last_look = tokio::time::Instant::now();
                if let Err(error) = self.look(&db, &projects, &catalog, Utc::now()).await {
                    tracing::warn!(%error, "notifications: could not look at what happened");
                }
            }
            if let Err(error) = self.send_due(&db, Utc::now()).await {
                tracing::warn!(%error, "notifications: could not send");
            }
            tokio::time::sleep(send).await;
        }
    }
}

/// Whether `subscription` wants `notice`: its event, past its threshold, and (for what happens
/// once) not before the subscription was made.
pub fn wants(subscription: &Subscription, notice: &Notice) -> bool {
    if !subscription.events.contains(&notice.event) {
        return false;
    }
    let Thresholds { end_of_life_days, node_not_ready_minutes, etcd_percent } = subscription.thresholds;
    let figure = notice.figure.unwrap_or(0);
    match notice.event {
        EventKind::EndOfLife => figure <= i64::from(end_of_life_days),
        EventKind::NodeNotReady => figure >= i64::from(node_not_ready_minutes),
        EventKind::EtcdHigh => figure > i64::from(etcd_percent),
        EventKind::OperationFailed
        | EventKind::OperationSucceeded
        | EventKind::ClusterCreated
        | EventKind::ClusterDeleted => notice.occurred_at >= subscription.created_at,
        _ => true,
    }
}
