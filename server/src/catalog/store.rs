//! The catalog's rows: each project's latest snapshot, shared by every replica, and the lease
//! that lets one replica at a time read the provider for it.

use chrono::{DateTime, Utc};
use model::operation::OperationState;
use sqlx::Row;

use super::snapshot::Snapshot;
use crate::db::Db;
use crate::on_db;

/// Takes or renews the lease of `project` for `holder` until `until`; true when `holder` has it.
/// A lease held by another replica is taken only once it has expired.
pub async fn lease(
    db: &Db,
    project: &str,
    holder: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    const LEASE: &str = "INSERT INTO catalog_leases (project_id, holder, expires_at) VALUES ($1, $2, $3) \
        ON CONFLICT (project_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
        WHERE catalog_leases.holder = excluded.holder OR catalog_leases.expires_at < $4";
    let done = on_db!(db, pool => sqlx::query(LEASE)
        .bind(project).bind(holder).bind(until).bind(now)
        .execute(pool).await.map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// Gives the lease up (a replica stopping), so another takes over at once.
pub async fn release(db: &Db, project: &str, holder: &str) -> Result<(), sqlx::Error> {
    const RELEASE: &str = "DELETE FROM catalog_leases WHERE project_id = $1 AND holder = $2";
    on_db!(db, pool => sqlx::query(RELEASE).bind(project).bind(holder).execute(pool).await.map(|_| ()))?;
    Ok(())
}

/// Stores `snapshot` unless a newer one is there already.
pub async fn save(db: &Db, snapshot: &Snapshot, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    const SAVE: &str = "INSERT INTO catalog_snapshots (project_id, version, body, written_at) VALUES ($1, $2, $3, $4) \
        ON CONFLICT (project_id) DO UPDATE SET version = excluded.version, body = excluded.body, \
        written_at = excluded.written_at WHERE catalog_snapshots.version < excluded.version";
    let body = serde_json::to_string(snapshot).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    on_db!(db, pool => sqlx::query(SAVE)
        .bind(&snapshot.project_id).bind(snapshot.version).bind(body).bind(now)
        .execute(pool).await.map(|_| ()))?;
    Ok(())
}

/// The version of the stored snapshot of `project`, if there is one.
pub async fn version(db: &Db, project: &str) -> Result<Option<i64>, sqlx::Error> {
    const VERSION: &str = "SELECT version FROM catalog_snapshots WHERE project_id = $1";
    on_db!(db, pool => sqlx::query_scalar(VERSION).bind(project).fetch_optional(pool).await)
}

/// The stored snapshot of `project`, if there is one that can be read.
pub async fn load(db: &Db, project: &str) -> Result<Option<Snapshot>, sqlx::Error> {
    const LOAD: &str = "SELECT body FROM catalog_snapshots WHERE project_id = $1";
    let body: Option<String> =
        on_db!(db, pool => sqlx::query_scalar(LOAD).bind(project).fetch_optional(pool).await)?;
    Ok(body.and_then(|body| match serde_json::from_str(&body) {
        Ok(snapshot) => Some(snapshot),
        Err(error) => {
            // Written by another version of the console: read afresh instead.
            tracing::warn!(%error, project, "the stored catalog cannot be read; reading the provider afresh");
            None
        }
    }))
}

/// When an operation on `cluster` last changed (a page shown after it must show its effect).
pub async fn last_change(
    db: &Db,
    project: &str,
    cluster: &str,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    const LAST: &str = "SELECT MAX(updated_at) FROM operations WHERE project_id = $1 AND cluster_id = $2";
    on_db!(db, pool => sqlx::query_scalar(LAST).bind(project).bind(cluster).fetch_one(pool).await)
}

/// When an operation on the project's networks last changed.
pub async fn last_network_change(db: &Db, project: &str) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    const LAST: &str = "SELECT MAX(updated_at) FROM operations WHERE project_id = $1 \
        AND kind IN ('create_network', 'create_subnet', 'create_gateway', 'delete_network')";
    on_db!(db, pool => sqlx::query_scalar(LAST).bind(project).fetch_one(pool).await)
}

/// What the runners are doing in a project.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Activity {
    /// Some operation is pending or running.
    pub busy: bool,
    /// Clusters with an operation pending, running, or changed since the last look.
    pub clusters: Vec<String>,
    /// The latest change seen, for the next look.
    pub latest: Option<DateTime<Utc>>,
}

/// The operations of `project` that are under way or changed after `since`.
pub async fn activity(db: &Db, project: &str, since: DateTime<Utc>) -> Result<Activity, sqlx::Error> {
    const ACTIVE: &str = "SELECT cluster_id, state, updated_at FROM operations \
        WHERE project_id = $1 AND (state IN ('pending', 'running') OR updated_at > $2)";
    let rows = on_db!(db, pool => sqlx::query(ACTIVE).bind(project).bind(since).fetch_all(pool).await
        .map(|rows| rows.into_iter().map(|r| (
            r.get::<Option<String>, _>(0),
            r.get::<String, _>(1),
            r.get::<DateTime<Utc>, _>(2),
        )).collect::<Vec<_>>()))?;
    let mut activity = Activity::default();
    for (cluster, state, updated_at) in rows {
        activity.busy |= OperationState::from_stored(&state).is_some_and(|s| !s.is_finished());
        if updated_at > since {
            activity.latest = Some(activity.latest.map_or(updated_at, |t| t.max(updated_at)));
        }
        if let Some(cluster) = cluster
            && !activity.clusters.contains(&cluster)
        {
            activity.clusters.push(cluster);
        }
    }
    Ok(activity)
}
