//! Notifications, subscriptions and deliveries in the database (tables from
//! `migrations/*/0004_notifications.sql`).

use chrono::{DateTime, Utc};
use model::notification::{
    Channel, DeliveryState, DeliveryView, EventKind, Notification, SubscriptionView, Thresholds,
    WebhookFormat, shown_url,
};
use sqlx::Row;

use crate::db::{Db, placeholders};
use crate::on_db;

/// Something that happened in a project, before it is kept.
#[derive(Clone, Debug, PartialEq)]
pub struct Notice {
    pub project_id: String,
    pub event: EventKind,
    /// What makes two notices the same event: kept once per project, sent once per subscription.
    pub key: String,
    pub cluster_id: Option<String>,
    pub cluster_name: Option<String>,
    pub title: String,
    pub text: String,
    pub occurred_at: DateTime<Utc>,
    /// The figure a subscription's threshold is compared with: days before the end of life,
    /// minutes a node has been not ready, etcd's share in percent.
    pub figure: Option<i64>,
}

/// Keeps `notice` in the inbox unless it is there already; whether it was new.
pub async fn record(db: &Db, notice: &Notice) -> Result<bool, sqlx::Error> {
    const INSERT: &str = "INSERT INTO notifications (id, project_id, event, dedup_key, cluster_id, cluster_name, \
        title, text, facts, occurred_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
        ON CONFLICT (project_id, dedup_key) DO NOTHING";
    let id = uuid::Uuid::new_v4().to_string();
    let facts = serde_json::json!({ "figure": notice.figure }).to_string();
    let done = on_db!(db, pool => sqlx::query(INSERT)
        .bind(&id).bind(&notice.project_id).bind(notice.event.key()).bind(&notice.key)
        .bind(&notice.cluster_id).bind(&notice.cluster_name).bind(&notice.title).bind(&notice.text)
        .bind(&facts).bind(notice.occurred_at)
        .execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(done > 0)
}

/// The newest notifications of `projects`, at most `limit`.
pub async fn inbox(db: &Db, projects: &[String], limit: i64) -> Result<Vec<Notification>, sqlx::Error> {
    if projects.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id, event, project_id, cluster_id, cluster_name, title, text, occurred_at FROM notifications \
         WHERE project_id IN ({}) ORDER BY occurred_at DESC LIMIT $1",
        placeholders(2, projects.len())
    );
    let rows = on_db!(db, pool => {
        let mut query = sqlx::query(&sql).bind(limit);
        for project in projects {
            query = query.bind(project);
        }
        query.fetch_all(pool).await.map(|rows| rows.into_iter().map(|r| Notification {
            id: r.get(0),
            event: EventKind::from_key(&r.get::<String, _>(1)).unwrap_or(EventKind::Test),
            project_id: r.get(2),
            cluster_id: r.get(3),
            cluster_name: r.get(4),
            title: r.get(5),
            text: r.get(6),
            occurred_at: r.get::<DateTime<Utc>, _>(7).to_rfc3339(),
            link: None,
        }).collect::<Vec<_>>())
    })?;
    Ok(rows)
}

/// When `username` last marked their inbox read.
pub async fn read_at(db: &Db, username: &str) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    const READ: &str = "SELECT read_at FROM notification_reads WHERE username = $1";
    on_db!(db, pool => sqlx::query_scalar(READ).bind(username).fetch_optional(pool).await)
}

/// Marks everything in `username`'s inbox up to `now` read.
pub async fn mark_read(db: &Db, username: &str, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    const MARK: &str = "INSERT INTO notification_reads (username, read_at) VALUES ($1, $2) \
        ON CONFLICT (username) DO UPDATE SET read_at = excluded.read_at";
    on_db!(db, pool => sqlx::query(MARK).bind(username).bind(now).execute(pool).await.map(|_| ()))?;
    Ok(())
}

/// How many notifications of `projects` are newer than `since` (all, without it).
pub async fn count_since(
    db: &Db,
    projects: &[String],
    since: Option<DateTime<Utc>>,
) -> Result<u32, sqlx::Error> {
    if projects.is_empty() {
        return Ok(0);
    }
    let sql = format!(
        "SELECT COUNT(*) FROM notifications WHERE occurred_at > $1 AND project_id IN ({})",
        placeholders(2, projects.len())
    );
    let since = since.unwrap_or(DateTime::UNIX_EPOCH);
    let count: i64 = on_db!(db, pool => {
        let mut query = sqlx::query_scalar(&sql).bind(since);
        for project in projects {
            query = query.bind(project);
        }
        query.fetch_one(pool).await
    })?;
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

/// A subscription as stored.
#[derive(Clone, Debug)]
pub struct Subscription {
    pub id: String,
    pub project_id: String,
    pub name: String,
    /// Where it sends, as members see it: a webhook's address is only its scheme and host.
    pub channel: Channel,
    /// A webhook's whole address, encrypted (rows written before encryption hold it plain).
    pub sealed_url: Option<String>,
    pub events: Vec<EventKind>,
    pub thresholds: Thresholds,
    /// Encrypted.
    pub signing_key: Option<String>,
    pub key_hint: Option<String>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

impl Subscription {
    pub fn view(&self, deliveries: Vec<DeliveryView>) -> SubscriptionView {
        SubscriptionView {
            id: self.id.clone(),
            project_id: self.project_id.clone(),
            name: self.name.clone(),
            channel: self.channel.clone(),
            events: self.events.clone(),
            thresholds: self.thresholds,
            created_by: self.created_by.clone(),
            created_at: self.created_at.to_rfc3339(),
            key_hint: self.key_hint.clone(),
            deliveries,
        }
    }
}

pub async fn create_subscription(db: &Db, s: &Subscription) -> Result<(), sqlx::Error> {
    const INSERT: &str = "INSERT INTO notification_subscriptions (id, project_id, name, channel, target, format, \
        events, end_of_life_days, node_not_ready_minutes, etcd_percent, signing_key, key_hint, created_by, created_at, \
        target_shown) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
    let (channel, target, format, shown) = match &s.channel {
        Channel::Webhook { url, format } => {
            ("webhook", s.sealed_url.clone().unwrap_or_default(), format.key(), Some(url.clone()))
        }
        Channel::Email { address } => ("email", address.clone(), "json", None),
    };
    let events = s.events.iter().map(|e| e.key()).collect::<Vec<_>>().join(" ");
    let t = s.thresholds;
    let as_int = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
    on_db!(db, pool => sqlx::query(INSERT)
        .bind(&s.id).bind(&s.project_id).bind(&s.name).bind(channel).bind(&target).bind(format).bind(&events)
        .bind(as_int(t.end_of_life_days)).bind(as_int(t.node_not_ready_minutes)).bind(as_int(t.etcd_percent))
        .bind(&s.signing_key).bind(&s.key_hint).bind(&s.created_by).bind(s.created_at).bind(&shown)
        .execute(pool).await.map(|_| ()))?;
    Ok(())
}

const SUBSCRIPTION_COLUMNS: &str = "id, project_id, name, channel, target, format, events, end_of_life_days, \
    node_not_ready_minutes, etcd_percent, signing_key, key_hint, created_by, created_at, target_shown";

fn subscription(r: &impl SubscriptionRow) -> Subscription {
    r.read()
}

/// Reads a subscription from a row of either database.
trait SubscriptionRow {
    fn read(&self) -> Subscription;
}

macro_rules! subscription_row {
    ($row:ty) => {
        impl SubscriptionRow for $row {
            fn read(&self) -> Subscription {
                let r = self;
                let target: String = r.get(4);
                let (channel, sealed_url) = match r.get::<String, _>(3).as_str() {
                    "email" => (Channel::Email { address: target }, None),
                    _ => {
                        let shown = r.get::<Option<String>, _>(14).unwrap_or_else(|| shown_url(&target));
                        let format = WebhookFormat::from_key(&r.get::<String, _>(5)).unwrap_or_default();
                        (Channel::Webhook { url: shown, format }, Some(target))
                    }
                };
                let threshold = |i: usize| u32::try_from(r.get::<i32, _>(i)).unwrap_or(0);
                Subscription {
                    id: r.get(0),
                    project_id: r.get(1),
                    name: r.get(2),
                    channel,
                    sealed_url,
                    events: r
                        .get::<String, _>(6)
                        .split_whitespace()
                        .filter_map(EventKind::from_key)
                        .collect(),
                    thresholds: Thresholds {
                        end_of_life_days: threshold(7),
                        node_not_ready_minutes: threshold(8),
                        etcd_percent: threshold(9),
                    },
                    signing_key: r.get(10),
                    key_hint: r.get(11),
                    created_by: r.get(12),
                    created_at: r.get(13),
                }
            }
        }
    };
}

subscription_row!(sqlx::sqlite::SqliteRow);
subscription_row!(sqlx::postgres::PgRow);

/// The live subscriptions of `project`, oldest first.
pub async fn subscriptions(db: &Db, project: &str) -> Result<Vec<Subscription>, sqlx::Error> {
    let sql = format!(
        "SELECT {SUBSCRIPTION_COLUMNS} FROM notification_subscriptions \
         WHERE project_id = $1 AND deleted_at IS NULL ORDER BY created_at, id"
    );
    on_db!(db, pool => sqlx::query(&sql).bind(project).fetch_all(pool).await
        .map(|rows| rows.iter().map(subscription).collect()))
}

/// Subscription `id` of `project`, unless deleted.
pub async fn subscription_by_id(
    db: &Db,
    project: &str,
    id: &str,
) -> Result<Option<Subscription>, sqlx::Error> {
    let sql = format!(
        "SELECT {SUBSCRIPTION_COLUMNS} FROM notification_subscriptions \
         WHERE project_id = $1 AND id = $2 AND deleted_at IS NULL"
    );
    on_db!(db, pool => sqlx::query(&sql).bind(project).bind(id).fetch_optional(pool).await
        .map(|row| row.as_ref().map(subscription)))
}

/// Subscription `id` whatever its project, deleted or not (for deliveries under way).
pub async fn subscription_any(db: &Db, id: &str) -> Result<Option<Subscription>, sqlx::Error> {
    let sql = format!("SELECT {SUBSCRIPTION_COLUMNS} FROM notification_subscriptions WHERE id = $1");
    on_db!(db, pool => sqlx::query(&sql).bind(id).fetch_optional(pool).await
        .map(|row| row.as_ref().map(subscription)))
}

/// Deletes subscription `id` of `project`; its pending deliveries are dropped. Whether it was
/// there.
pub async fn delete_subscription(
    db: &Db,
    project: &str,
    id: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    const DELETE: &str = "UPDATE notification_subscriptions SET deleted_at = $3 \
        WHERE project_id = $1 AND id = $2 AND deleted_at IS NULL";
    const DROP: &str = "UPDATE notification_deliveries SET state = 'failed', last_error = 'The subscription was deleted.', \
        lease_owner = NULL, lease_expires_at = NULL WHERE subscription_id = $1 AND state = 'pending'";
    on_db!(db, pool => {
        let mut tx = pool.begin().await?;
        let done = sqlx::query(DELETE).bind(project).bind(id).bind(now).execute(&mut *tx).await?;
        sqlx::query(DROP).bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(done.rows_affected() > 0)
    })
}

/// Queues `message` (its `id` is the delivery's) for `subscription`, once per `key`; whether it
/// was new.
pub async fn enqueue(
    db: &Db,
    subscription: &str,
    key: &str,
    message: &Notification,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    const INSERT: &str = "INSERT INTO notification_deliveries (id, subscription_id, notification_id, event, title, \
        payload, next_attempt_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) \
        ON CONFLICT (subscription_id, notification_id) DO NOTHING";
    let payload = serde_json::to_string(message).unwrap_or_else(|_| "{}".into());
    let done = on_db!(db, pool => sqlx::query(INSERT)
        .bind(&message.id).bind(subscription).bind(key).bind(message.event.key()).bind(&message.title)
        .bind(&payload).bind(now)
        .execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(done > 0)
}

/// A delivery claimed for sending.
#[derive(Clone, Debug)]
pub struct Claimed {
    pub id: String,
    pub subscription_id: String,
    pub message: Notification,
    /// Including this one.
    pub attempts: u32,
}

/// Takes the next due delivery for `owner` until `lease_until`.
pub async fn claim(
    db: &Db,
    owner: &str,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
) -> Result<Option<Claimed>, sqlx::Error> {
    const DUE: &str = "SELECT id FROM notification_deliveries WHERE state = 'pending' AND next_attempt_at <= $1 \
        AND (lease_expires_at IS NULL OR lease_expires_at <= $1) ORDER BY next_attempt_at LIMIT 1";
    let claim = |lock: &str| {
        format!(
            "UPDATE notification_deliveries SET lease_owner = $2, lease_expires_at = $3, attempts = attempts + 1 \
             WHERE id = ({DUE}{lock}) RETURNING id, subscription_id, payload, attempts"
        )
    };
    let sql = match db {
        Db::Sqlite(_) => claim(""),
        Db::Postgres(_) => claim(" FOR UPDATE SKIP LOCKED"),
    };
    let row = on_db!(db, pool => sqlx::query(&sql).bind(now).bind(owner).bind(lease_until).fetch_optional(pool).await
        .map(|row| row.map(|r| (r.get::<String, _>(0), r.get::<String, _>(1), r.get::<String, _>(2), r.get::<i32, _>(3)))))?;
    Ok(row.and_then(|(id, subscription_id, payload, attempts)| {
        let message = serde_json::from_str(&payload).ok()?;
        Some(Claimed { id, subscription_id, message, attempts: u32::try_from(attempts).unwrap_or(0) })
    }))
}

/// Records the outcome of an attempt: delivered, to be tried again at `retry_at`, or given up
/// (neither).
pub async fn attempted(
    db: &Db,
    id: &str,
    status: Option<u16>,
    error: Option<&str>,
    outcome: DeliveryState,
    retry_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const UPDATE: &str = "UPDATE notification_deliveries SET state = $2, last_status = $3, last_error = $4, \
        next_attempt_at = COALESCE($5, next_attempt_at), delivered_at = $6, lease_owner = NULL, \
        lease_expires_at = NULL WHERE id = $1";
    let delivered = (outcome == DeliveryState::Delivered).then_some(now);
    let status = status.map(i32::from);
    on_db!(db, pool => sqlx::query(UPDATE)
        .bind(id).bind(outcome.as_str()).bind(status).bind(error).bind(retry_at).bind(delivered)
        .execute(pool).await.map(|_| ()))?;
    Ok(())
}

/// The newest deliveries of `subscription`, at most `limit`.
pub async fn deliveries(db: &Db, subscription: &str, limit: i64) -> Result<Vec<DeliveryView>, sqlx::Error> {
    const LIST: &str = "SELECT id, event, title, state, attempts, last_status, last_error, created_at, \
        delivered_at, next_attempt_at FROM notification_deliveries WHERE subscription_id = $1 \
        ORDER BY created_at DESC, id LIMIT $2";
    on_db!(db, pool => sqlx::query(LIST).bind(subscription).bind(limit).fetch_all(pool).await.map(|rows| rows
        .into_iter()
        .map(|r| {
            let state = DeliveryState::parse(&r.get::<String, _>(3));
            DeliveryView {
                id: r.get(0),
                event: EventKind::from_key(&r.get::<String, _>(1)).unwrap_or(EventKind::Test),
                title: r.get(2),
                state,
                attempts: u32::try_from(r.get::<i32, _>(4)).unwrap_or(0),
                last_status: r.get::<Option<i32>, _>(5).and_then(|s| u16::try_from(s).ok()),
                last_error: r.get(6),
                created_at: r.get::<DateTime<Utc>, _>(7).to_rfc3339(),
                delivered_at: r.get::<Option<DateTime<Utc>>, _>(8).map(|t| t.to_rfc3339()),
                next_attempt_at: (state == DeliveryState::Pending)
                    .then(|| r.get::<DateTime<Utc>, _>(9).to_rfc3339()),
            }
        })
        .collect()))
}
