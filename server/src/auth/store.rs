//! The session store: tower-sessions' SQLx stores on whichever database the console uses, with
//! expired sessions deleted in the background, and the sessions read in the last few seconds
//! kept in memory so that most requests read no row.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{self, ExpiredDeletion, SessionStore};
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

use crate::db::Db;
use crate::ttl::TtlCache;

/// How long a session read or written here is used without reading it again: a sign-out or a
/// change of groups on another replica takes effect within this time (on this one, at once).
pub const SESSION_CACHE_TTL: Duration = Duration::from_secs(5);

/// The sessions this replica read or wrote lately.
#[derive(Clone, Debug)]
pub struct SessionCache(Arc<TtlCache<Id, Record>>);

impl Default for SessionCache {
    fn default() -> Self {
        Self::with_ttl(SESSION_CACHE_TTL)
    }
}

impl SessionCache {
    pub fn with_ttl(ttl: Duration) -> Self {
        Self(Arc::new(TtlCache::new(ttl)))
    }
}

/// [`DbSessionStore`] through the replica's [`SessionCache`].
#[derive(Clone, Debug)]
pub struct CachedSessionStore {
    pub store: DbSessionStore,
    pub cache: SessionCache,
}

#[async_trait]
impl SessionStore for CachedSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        self.store.create(record).await?;
        self.cache.0.put(record.id, record.clone());
        Ok(())
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        self.store.save(record).await?;
        self.cache.0.put(record.id, record.clone());
        Ok(())
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        if let Some(record) = self.cache.0.get(id).filter(|r| r.expiry_date > time::OffsetDateTime::now_utc())
        {
            return Ok(Some(record));
        }
        let loaded = self.store.load(id).await?;
        if let Some(record) = &loaded {
            self.cache.0.put(*id, record.clone());
        }
        Ok(loaded)
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        self.cache.0.remove(id);
        self.store.delete(id).await
    }
}

/// Sessions in the console's database.
#[derive(Clone, Debug)]
pub enum DbSessionStore {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl DbSessionStore {
    /// The store over `db` (its table is created by [`Db::migrate`]).
    pub fn new(db: &Db) -> Self {
        match db {
            Db::Sqlite(pool) => DbSessionStore::Sqlite(SqliteStore::new(pool.clone())),
            Db::Postgres(pool) => DbSessionStore::Postgres(PostgresStore::new(pool.clone())),
        }
    }

    /// Creates the session table if missing.
    pub async fn migrate(&self) -> Result<(), sqlx::Error> {
        match self {
            DbSessionStore::Sqlite(s) => s.migrate().await,
            DbSessionStore::Postgres(s) => s.migrate().await,
        }
    }

    /// Deletes expired sessions every `period`, for as long as the task runs.
    pub async fn delete_expired_every(self, period: Duration) {
        let result = match self {
            DbSessionStore::Sqlite(s) => s.continuously_delete_expired(period).await,
            DbSessionStore::Postgres(s) => s.continuously_delete_expired(period).await,
        };
        if let Err(error) = result {
            tracing::error!(%error, "expired sessions are no longer deleted");
        }
    }

    /// Sessions not yet expired (each is a signed-in user: sign-in attempts live in a cookie).
    pub async fn count_live(db: &Db) -> Result<i64, sqlx::Error> {
        // tower-sessions' tables: SQLite keeps Unix seconds, PostgreSQL a timestamp.
        match db {
            Db::Sqlite(pool) => {
                sqlx::query_scalar("SELECT count(*) FROM tower_sessions WHERE expiry_date > ?")
                    .bind(time::OffsetDateTime::now_utc().unix_timestamp())
                    .fetch_one(pool)
                    .await
            }
            Db::Postgres(pool) => {
                sqlx::query_scalar("SELECT count(*) FROM tower_sessions.session WHERE expiry_date > now()")
                    .fetch_one(pool)
                    .await
            }
        }
    }

    /// Deletes the sessions that have expired now.
    pub async fn delete_expired(&self) -> session_store::Result<()> {
        match self {
            DbSessionStore::Sqlite(s) => s.delete_expired().await,
            DbSessionStore::Postgres(s) => s.delete_expired().await,
        }
    }
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        match self {
            DbSessionStore::Sqlite(s) => s.create(record).await,
            DbSessionStore::Postgres(s) => s.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> session_store::Result<()> {
        match self {
            DbSessionStore::Sqlite(s) => s.save(record).await,
            DbSessionStore::Postgres(s) => s.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> session_store::Result<Option<Record>> {
        match self {
            DbSessionStore::Sqlite(s) => s.load(id).await,
            DbSessionStore::Postgres(s) => s.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> session_store::Result<()> {
        match self {
            DbSessionStore::Sqlite(s) => s.delete(id).await,
            DbSessionStore::Postgres(s) => s.delete(id).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[tokio::test]
    async fn a_sign_out_on_another_replica_shows_here_once_the_cache_expires() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(None, dir.path(), 2).await.unwrap();
        db.migrate().await.unwrap();
        let replica =
            |ttl| CachedSessionStore { store: DbSessionStore::new(&db), cache: SessionCache::with_ttl(ttl) };
        let (here, there) = (replica(Duration::from_millis(300)), replica(Duration::from_millis(300)));
        let expiry_date = time::OffsetDateTime::now_utc() + time::Duration::hours(1);
        let mut record = Record { id: Id::default(), data: HashMap::new(), expiry_date };
        here.create(&mut record).await.unwrap();
        assert!(here.load(&record.id).await.unwrap().is_some());

        there.delete(&record.id).await.unwrap();
        assert!(there.load(&record.id).await.unwrap().is_none(), "at once where it was signed out");
        assert!(here.load(&record.id).await.unwrap().is_some(), "kept here for a moment");
        tokio::time::sleep(Duration::from_millis(350)).await;
        assert!(here.load(&record.id).await.unwrap().is_none(), "then read again: signed out");
    }
}
