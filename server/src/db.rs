//! The one database pool of the process: SQLite by default, PostgreSQL for several replicas.
//!
//! Both backends are first-class and tested. Where their SQL differs, the two variants sit side by
//! side behind one method of [`Db`], so callers never branch on the backend.

use std::collections::BTreeSet;
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

/// Runs the same expression on whichever pool `db` holds: `on_db!(db, pool => query.execute(pool))`.
/// For SQL that reads the same on both backends; where it differs, match on [`Db`] instead.
#[macro_export]
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::db::Db::Sqlite($pool) => $body,
            $crate::db::Db::Postgres($pool) => $body,
        }
    };
}

/// `count` numbered placeholders from `$first` on, comma-separated, for `IN (…)`: the same text
/// for both backends (SQLite reads `$N` as PostgreSQL does).
pub fn placeholders(first: usize, count: usize) -> String {
    (first..first + count).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ")
}

/// A connection pool to whichever database is configured.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Why the database cannot be used, in terms safe to show to anyone.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("the database URL must start with postgres://, postgresql:// or sqlite:")]
    UnsupportedUrl,
    #[error("the database is unreachable")]
    Unreachable(#[source] sqlx::Error),
    #[error("the database schema could not be brought up to date")]
    Migration(#[source] sqlx::migrate::MigrateError),
    #[error("the database schema is not up to date")]
    MigrationsPending,
    #[error("the session table could not be created")]
    Sessions(#[source] sqlx::Error),
}

impl Db {
    /// Opens the database at `url`, or the SQLite file `pilothouse.db` in `data_dir` when `url`
    /// is `None`. SQLite files are created if missing and run in WAL mode.
    pub async fn connect(url: Option<&str>, data_dir: &Path, max_connections: u32) -> Result<Self, DbError> {
        let sqlite = match url {
            None => SqliteConnectOptions::new().filename(data_dir.join("pilothouse.db")),
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                let pool = PgPoolOptions::new()
                    .max_connections(max_connections)
                    .acquire_timeout(Duration::from_secs(5))
                    .connect(url)
                    .await
                    .map_err(DbError::Unreachable)?;
                return Ok(Db::Postgres(pool));
            }
            Some(url) if url.starts_with("sqlite:") => {
                SqliteConnectOptions::from_str(url).map_err(|_| DbError::UnsupportedUrl)?
            }
            Some(_) => return Err(DbError::UnsupportedUrl),
        };
        let options = sqlite
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await
            .map_err(DbError::Unreachable)?;
        Ok(Db::Sqlite(pool))
    }

    /// Which backend this is, for logs.
    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    fn migrator(&self) -> &'static Migrator {
        match self {
            Db::Sqlite(_) => &SQLITE_MIGRATIONS,
            Db::Postgres(_) => &POSTGRES_MIGRATIONS,
        }
    }

    /// Applies every migration not yet applied. Safe to run from several replicas at once:
    /// sqlx takes a database lock while migrating.
    pub async fn migrate(&self) -> Result<(), DbError> {
        let result = match self {
            Db::Sqlite(pool) => self.migrator().run(pool).await,
            Db::Postgres(pool) => self.migrator().run(pool).await,
        };
        result.map_err(DbError::Migration)?;
        // The session store keeps its own table (tower-sessions' schema).
        crate::auth::store::DbSessionStore::new(self).migrate().await.map_err(DbError::Sessions)
    }

    /// Ready when the database answers and every migration this build knows is applied.
    pub async fn check_ready(&self) -> Result<(), DbError> {
        const APPLIED: &str = "SELECT version FROM _sqlx_migrations WHERE success = TRUE";
        let applied: Vec<i64> = match self {
            Db::Sqlite(pool) => sqlx::query_scalar(APPLIED).fetch_all(pool).await,
            Db::Postgres(pool) => sqlx::query_scalar(APPLIED).fetch_all(pool).await,
        }
        .map_err(|e| match e {
            // No migrations table yet: reachable, but not migrated.
            sqlx::Error::Database(_) => DbError::MigrationsPending,
            other => DbError::Unreachable(other),
        })?;
        let applied: BTreeSet<i64> = applied.into_iter().collect();
        match self.migrator().iter().all(|m| applied.contains(&m.version)) {
            true => Ok(()),
            false => Err(DbError::MigrationsPending),
        }
    }

    /// Connections of the pool: (open, idle, most).
    pub fn connections(&self) -> (u32, u32, u32) {
        match self {
            Db::Sqlite(pool) => (pool.size(), pool.num_idle() as u32, pool.options().get_max_connections()),
            Db::Postgres(pool) => (pool.size(), pool.num_idle() as u32, pool.options().get_max_connections()),
        }
    }

    /// Closes every connection, waiting for those in use.
    pub async fn close(&self) {
        match self {
            Db::Sqlite(pool) => pool.close().await,
            Db::Postgres(pool) => pool.close().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::placeholders;

    #[test]
    fn placeholders_are_numbered_from_the_first_one() {
        assert_eq!(placeholders(2, 3), "$2, $3, $4");
        assert_eq!(placeholders(1, 1), "$1");
        assert_eq!(placeholders(1, 0), "");
    }
}
