//! The schema the operations runner and the audit trail rely on, checked on both backends.

use server::db::Db;

use crate::helpers::TestApp;

const NOW: &str = "2026-11-27T12:00:00Z";

/// Runs one statement with text parameters on whichever backend the test uses.
async fn execute(db: &Db, sql: &str, params: &[&str]) -> Result<u64, sqlx::Error> {
    let now = chrono::DateTime::parse_from_rfc3339(NOW).unwrap().to_utc();
    match db {
        Db::Sqlite(pool) => {
            let mut query = sqlx::query(sql).bind(now);
            for p in params {
                query = query.bind(*p);
            }
            query.execute(pool).await.map(|r| r.rows_affected())
        }
        Db::Postgres(pool) => {
            let mut query = sqlx::query(sql).bind(now);
            for p in params {
                query = query.bind(*p);
            }
            query.execute(pool).await.map(|r| r.rows_affected())
        }
    }
}

async fn count(db: &Db, table: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table}");
    match db {
        Db::Sqlite(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await.unwrap(),
        Db::Postgres(pool) => sqlx::query_scalar(&sql).fetch_one(pool).await.unwrap(),
    }
}

const INSERT_OPERATION: &str = "INSERT INTO operations \
    (id, project_id, kind, target_kind, actor, idempotency_key, next_attempt_at, created_at, updated_at) \
    VALUES ($2, 'default', 'create_cluster', 'cluster', 'alice', $3, $1, $1, $1)";

#[tokio::test]
async fn a_repeated_idempotency_key_is_refused_by_the_schema() {
    let app = TestApp::spawn().await;
    execute(&app.db, INSERT_OPERATION, &["op-1", "key-1"]).await.unwrap();
    let again = execute(&app.db, INSERT_OPERATION, &["op-2", "key-1"]).await;
    let Err(sqlx::Error::Database(error)) = again else { panic!("duplicate key accepted: {again:?}") };
    assert!(error.is_unique_violation());
    // Operations without a key never collide.
    execute(&app.db, INSERT_OPERATION.replace("$3", "NULL").as_str(), &["op-3"]).await.unwrap();
    execute(&app.db, INSERT_OPERATION.replace("$3", "NULL").as_str(), &["op-4"]).await.unwrap();
    assert_eq!(count(&app.db, "operations").await, 3);
}

#[tokio::test]
async fn steps_go_with_their_operation_and_audit_events_outlive_it() {
    let app = TestApp::spawn().await;
    execute(&app.db, INSERT_OPERATION, &["op-1", "key-1"]).await.unwrap();
    for seq in ["1", "2"] {
        let sql = format!(
            "INSERT INTO operation_steps (operation_id, seq, name, state, started_at) \
             VALUES ($2, {seq}, 'wait_for_ready', 'succeeded', $1)"
        );
        execute(&app.db, &sql, &["op-1"]).await.unwrap();
    }
    execute(
        &app.db,
        "INSERT INTO audit_events (occurred_at, project_id, actor, action, outcome, operation_id) \
         VALUES ($1, 'default', 'alice', 'cluster.create', 'requested', $2)",
        &["op-1"],
    )
    .await
    .unwrap();

    execute(&app.db, "DELETE FROM operations WHERE id = $2 AND created_at = $1", &["op-1"]).await.unwrap();
    assert_eq!(count(&app.db, "operation_steps").await, 0);
    assert_eq!(count(&app.db, "audit_events").await, 1);
}

#[tokio::test]
async fn unknown_states_and_outcomes_are_refused() {
    let app = TestApp::spawn().await;
    let bad_state = INSERT_OPERATION.replace("(id,", "(state, id,").replace("VALUES (", "VALUES ('stuck', ");
    assert!(execute(&app.db, &bad_state, &["op-1", "k"]).await.is_err());
    let bad_outcome =
        "INSERT INTO audit_events (occurred_at, actor, action, outcome) VALUES ($1, 'a', 'x', $2)";
    assert!(execute(&app.db, bad_outcome, &["maybe"]).await.is_err());
}

#[tokio::test]
async fn sqlite_runs_in_wal_mode_with_foreign_keys() {
    let app = TestApp::spawn().await;
    let Db::Sqlite(pool) = &app.db else { return }; // PostgreSQL has neither setting.
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(pool).await.unwrap();
    assert_eq!(mode, "wal");
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(pool).await.unwrap();
    assert_eq!(foreign_keys, 1);
}
