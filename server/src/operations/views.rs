//! Operations as pages show them: the operation, its steps and its error.

use chrono::{DateTime, Utc};
use model::activity::TargetKind;
use model::id::OperationId;
use model::operation::{OperationError, OperationKind, OperationState, OperationView, StepState, StepView};
use sqlx::Row;

use crate::db::Db;
use crate::on_db;

const VIEW_COLUMNS: &str = "id, project_id, kind, cluster_id, target_kind, target_id, target_name, actor, state, \
    error_class, error_message, error_query_id, created_at, updated_at, finished_at";

/// Operations with their steps, for pages: those matching `filter` (a condition on the
/// operations table using `$1`, `$2`), newest first, at most `limit`.
async fn views(
    db: &Db,
    filter: &str,
    first: &str,
    second: Option<&str>,
    limit: i64,
) -> Result<Vec<OperationView>, sqlx::Error> {
    let sql = format!(
        "SELECT {VIEW_COLUMNS} FROM operations WHERE {filter} ORDER BY created_at DESC LIMIT {limit}"
    );
    let mut views = on_db!(db, pool => sqlx::query(&sql).bind(first).bind(second).fetch_all(pool).await
        .map(|rows| rows.into_iter().map(|r| {
            let time = |i: usize| r.get::<DateTime<Utc>, _>(i).to_rfc3339();
            let kind: String = r.get(2);
            let class: Option<String> = r.get(9);
            OperationView {
                id: r.get(0),
                project_id: r.get(1),
                kind: OperationKind::from_stored(&kind),
                cluster_id: r.get(3),
                target_kind: TargetKind::from_wire(&r.get::<String, _>(4)),
                target_id: r.get(5),
                target_name: r.get(6),
                actor: r.get(7),
                state: OperationState::from_stored(&r.get::<String, _>(8)).unwrap_or(OperationState::Failed),
                steps: Vec::new(),
                error: class.map(|class| OperationError {
                    class,
                    message: r.get::<Option<String>, _>(10).unwrap_or_default(),
                    query_id: r.get(11),
                }),
                created_at: time(12),
                updated_at: time(13),
                finished_at: r.get::<Option<DateTime<Utc>>, _>(14).map(|t| t.to_rfc3339()),
            }
        }).collect::<Vec<_>>()))?;
    for view in &mut views {
        view.steps = step_views(db, &view.id).await?;
    }
    Ok(views)
}

async fn step_views(db: &Db, id: &str) -> Result<Vec<StepView>, sqlx::Error> {
    const STEPS: &str = "SELECT seq, name, state, detail, started_at, finished_at FROM operation_steps \
        WHERE operation_id = $1 ORDER BY seq";
    on_db!(db, pool => sqlx::query(STEPS).bind(id).fetch_all(pool).await.map(|rows| rows.into_iter().map(|r| StepView {
        seq: r.get::<i32, _>(0) as u32,
        name: r.get(1),
        state: StepState::from_stored(&r.get::<String, _>(2)).unwrap_or(StepState::Failed),
        detail: r.get(3),
        started_at: r.get::<DateTime<Utc>, _>(4).to_rfc3339(),
        finished_at: r.get::<Option<DateTime<Utc>>, _>(5).map(|t| t.to_rfc3339()),
    }).collect()))
}

/// One operation as pages show it.
pub async fn view(db: &Db, id: &OperationId) -> Result<Option<OperationView>, sqlx::Error> {
    Ok(views(db, "id = $1 AND $2 IS NULL", id.as_str(), None, 1).await?.pop())
}

/// The latest operations of a project, or of one of its clusters, newest first.
pub async fn recent(
    db: &Db,
    project_id: &str,
    cluster_id: Option<&str>,
    limit: i64,
) -> Result<Vec<OperationView>, sqlx::Error> {
    match cluster_id {
        Some(cluster) => {
            views(db, "project_id = $1 AND cluster_id = $2", project_id, Some(cluster), limit).await
        }
        None => views(db, "project_id = $1 AND $2 IS NULL", project_id, None, limit).await,
    }
}

/// The latest operations on `project_id`'s networks, newest first.
pub async fn network_operations(
    db: &Db,
    project_id: &str,
    limit: i64,
) -> Result<Vec<OperationView>, sqlx::Error> {
    const NETWORKS: &str = "project_id = $1 AND $2 IS NULL \
        AND kind IN ('create_network', 'create_subnet', 'create_gateway', 'delete_network')";
    views(db, NETWORKS, project_id, None, limit).await
}

/// The operations of `project_id` (of its cluster `cluster_id` if given) changed after `since`,
/// oldest change first, at most 500: what a reconnecting stream missed.
pub async fn changed_in(
    db: &Db,
    project_id: &str,
    cluster_id: Option<&str>,
    since: DateTime<Utc>,
) -> Result<Vec<OperationView>, sqlx::Error> {
    const CHANGED: &str = "SELECT id FROM operations WHERE project_id = $1 AND ($2 IS NULL OR cluster_id = $2) \
        AND updated_at > $3 ORDER BY updated_at LIMIT 500";
    let ids: Vec<String> = on_db!(db, pool => sqlx::query_scalar(CHANGED).bind(project_id).bind(cluster_id)
        .bind(since).fetch_all(pool).await)?;
    views_of(db, ids).await
}

/// Operations changed after `since` (any project), for the live-update feed.
pub async fn changed_since(db: &Db, since: DateTime<Utc>) -> Result<Vec<OperationView>, sqlx::Error> {
    const CHANGED: &str = "SELECT id FROM operations WHERE updated_at > $1 ORDER BY updated_at LIMIT 500";
    let ids: Vec<String> = on_db!(db, pool => sqlx::query_scalar(CHANGED).bind(since).fetch_all(pool).await)?;
    views_of(db, ids).await
}

/// The operations `ids` as pages show them, in that order.
async fn views_of(db: &Db, ids: Vec<String>) -> Result<Vec<OperationView>, sqlx::Error> {
    let mut views = Vec::with_capacity(ids.len());
    for id in ids {
        views.extend(view(db, &OperationId::new(id)).await?);
    }
    Ok(views)
}
