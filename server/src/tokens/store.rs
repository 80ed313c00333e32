//! The rows of API tokens and of the users they act for.

use chrono::{DateTime, SecondsFormat, Utc};
use model::access::Role;
use model::token::TokenView;
use sqlx::Row;

use crate::db::Db;
use crate::on_db;

/// A user's groups as last read, and when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KnownUser {
    pub groups: Vec<String>,
    pub groups_read_at: DateTime<Utc>,
}

/// Records `username`'s groups as read from the identity provider at `now`.
pub async fn remember_user(
    db: &Db,
    username: &str,
    groups: &[String],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    const UPSERT: &str = "INSERT INTO known_users (username, groups, groups_read_at) VALUES ($1, $2, $3) \
        ON CONFLICT (username) DO UPDATE SET groups = excluded.groups, groups_read_at = excluded.groups_read_at";
    let groups = serde_json::to_string(groups).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    on_db!(db, pool => sqlx::query(UPSERT).bind(username).bind(groups).bind(now).execute(pool).await.map(|_| ()))
}

pub async fn known_user(db: &Db, username: &str) -> Result<Option<KnownUser>, sqlx::Error> {
    const SELECT: &str = "SELECT groups, groups_read_at FROM known_users WHERE username = $1";
    let row = on_db!(db, pool => sqlx::query(SELECT).bind(username).fetch_optional(pool).await.map(|row| {
        row.map(|r| (r.get::<String, _>(0), r.get::<DateTime<Utc>, _>(1)))
    }))?;
    Ok(row.map(|(groups, groups_read_at)| KnownUser {
        groups: serde_json::from_str(&groups).unwrap_or_default(),
        groups_read_at,
    }))
}

/// A token to store.
pub struct NewToken<'a> {
    pub id: &'a str,
    pub username: &'a str,
    pub name: &'a str,
    pub project_id: &'a str,
    pub role: Role,
    pub secret_hash: &'a str,
    pub hint: &'a str,
    pub expires_at: Option<DateTime<Utc>>,
}

pub async fn insert(db: &Db, token: &NewToken<'_>, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    const INSERT: &str = "INSERT INTO api_tokens (id, username, name, project_id, role, secret_hash, hint, \
        created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";
    on_db!(db, pool => sqlx::query(INSERT)
        .bind(token.id).bind(token.username).bind(token.name).bind(token.project_id)
        .bind(token.role.as_str()).bind(token.secret_hash).bind(token.hint).bind(now).bind(token.expires_at)
        .execute(pool).await.map(|_| ()))
}

/// A stored token.
#[derive(Clone, Debug)]
pub struct StoredToken {
    pub view: TokenView,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked: bool,
}

const COLUMNS: &str = "id, name, username, project_id, role, hint, created_at, expires_at, last_used_at, revoked_at, revoked_by";

fn text(time: Option<DateTime<Utc>>) -> Option<String> {
    time.map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

macro_rules! stored {
    ($row:expr) => {{
        let r = $row;
        let expires_at: Option<DateTime<Utc>> = r.get(7);
        let revoked_at: Option<DateTime<Utc>> = r.get(9);
        StoredToken {
            view: TokenView {
                id: r.get(0),
                name: r.get(1),
                username: r.get(2),
                project_id: r.get(3),
                role: Role::parse(&r.get::<String, _>(4)).unwrap_or(Role::Viewer),
                hint: r.get(5),
                created_at: text(Some(r.get(6))).unwrap_or_default(),
                expires_at: text(expires_at),
                last_used_at: text(r.get(8)),
                revoked_at: text(revoked_at),
                revoked_by: r.get(10),
            },
            expires_at,
            revoked: revoked_at.is_some(),
        }
    }};
}

/// The token whose secret hashes to `secret_hash`.
pub async fn by_secret(db: &Db, secret_hash: &str) -> Result<Option<StoredToken>, sqlx::Error> {
    let select = format!("SELECT {COLUMNS} FROM api_tokens WHERE secret_hash = $1");
    on_db!(db, pool => sqlx::query(&select).bind(secret_hash).fetch_optional(pool).await
        .map(|row| row.map(|r| stored!(r))))
}

pub async fn by_id(db: &Db, id: &str) -> Result<Option<StoredToken>, sqlx::Error> {
    let select = format!("SELECT {COLUMNS} FROM api_tokens WHERE id = $1");
    on_db!(db, pool => sqlx::query(&select).bind(id).fetch_optional(pool).await.map(|row| row.map(|r| stored!(r))))
}

/// `username`'s tokens, newest first.
pub async fn of_user(db: &Db, username: &str) -> Result<Vec<StoredToken>, sqlx::Error> {
    let select = format!("SELECT {COLUMNS} FROM api_tokens WHERE username = $1 ORDER BY created_at DESC, id");
    on_db!(db, pool => sqlx::query(&select).bind(username).fetch_all(pool).await
        .map(|rows| rows.into_iter().map(|r| stored!(r)).collect()))
}

/// The tokens of `project`, newest first.
pub async fn of_project(db: &Db, project: &str) -> Result<Vec<StoredToken>, sqlx::Error> {
    let select =
        format!("SELECT {COLUMNS} FROM api_tokens WHERE project_id = $1 ORDER BY created_at DESC, id");
    on_db!(db, pool => sqlx::query(&select).bind(project).fetch_all(pool).await
        .map(|rows| rows.into_iter().map(|r| stored!(r)).collect()))
}

/// Whether `username` has a token named `name` that is still in use (not revoked, not expired).
pub async fn name_in_use(
    db: &Db,
    username: &str,
    name: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    const SELECT: &str = "SELECT COUNT(*) FROM api_tokens WHERE username = $1 AND name = $2 \
        AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $3)";
    let count: i64 = on_db!(db, pool => sqlx::query_scalar(SELECT).bind(username).bind(name).bind(now).fetch_one(pool).await)?;
    Ok(count > 0)
}

/// Marks the token revoked by `by`; false when it already was.
pub async fn revoke(db: &Db, id: &str, by: &str, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    const UPDATE: &str =
        "UPDATE api_tokens SET revoked_at = $1, revoked_by = $2 WHERE id = $3 AND revoked_at IS NULL";
    let done = on_db!(db, pool => sqlx::query(UPDATE).bind(now).bind(by).bind(id).execute(pool).await
        .map(|r| r.rows_affected()))?;
    Ok(done == 1)
}

/// Records a use of the token at `now`, at most once a minute.
pub async fn touch(db: &Db, id: &str, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    const UPDATE: &str = "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)";
    let before = now - chrono::Duration::seconds(60);
    on_db!(db, pool => sqlx::query(UPDATE).bind(now).bind(id).bind(before).execute(pool).await.map(|_| ()))
}
