//! `Idempotency-Key` on the API's changes: the first request with a key runs and its answer is
//! kept for a day; the same request with the same key gets that answer again (with
//! `Idempotent-Replayed: true`) and changes nothing; another request with the key is refused
//! (422), and so is a repeat while the first still runs (409). Keys belong to the user (and
//! token) that sent them. Answers that are not JSON (kubeconfig files) are never kept — they
//! hold secrets — and neither are server errors, so those run again.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use model::access::User;
use sha2::{Digest, Sha256};
use sqlx::Row;

use crate::db::Db;
use crate::on_db;

pub const HEADER: &str = "idempotency-key";
/// Marks a replayed answer.
pub const REPLAYED: &str = "idempotent-replayed";
/// How long answers are kept.
const KEPT_FOR: Duration = Duration::hours(24);
/// A first request that has not answered after this long is taken as lost (the replica
/// stopped): the key may be used again.
const LOST_AFTER: Duration = Duration::minutes(5);
/// The largest body a keyed request may have.
const BODY_LIMIT: usize = 1 << 20;

pub async fn honour(State(db): State<Db>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let Some(key) = request.headers().get(HEADER).map(|v| v.to_str().unwrap_or_default().to_string()) else {
        return next.run(request).await;
    };
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return refuse(
            StatusCode::BAD_REQUEST,
            "The Idempotency-Key must be 1 to 255 visible ASCII characters.",
        );
    }
    let Some(owner) = request.extensions().get::<User>().map(User::actor) else {
        return next.run(request).await;
    };
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, BODY_LIMIT).await else {
        return refuse(StatusCode::PAYLOAD_TOO_LARGE, "The body is too large.");
    };
    let target = parts.uri.path_and_query().map_or("", |p| p.as_str());
    let fingerprint = fingerprint(parts.method.as_str(), target, &bytes);
    let now = Utc::now();
    match claim(&db, &owner, &key, &fingerprint, now).await {
        Err(error) => {
            tracing::error!(%error, "idempotency key could not be recorded");
            refuse(StatusCode::SERVICE_UNAVAILABLE, "The database did not answer. Try again in a moment.")
        }
        Ok(Claim::Mismatch) => refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "This Idempotency-Key was already used for a different request. Use a new key for a new request.",
        ),
        Ok(Claim::Running) => refuse(
            StatusCode::CONFLICT,
            "A request with this Idempotency-Key is still running. Try again once it has answered.",
        ),
        Ok(Claim::Done(kept)) => kept.replay(),
        Ok(Claim::Mine) => {
            let response = next.run(Request::from_parts(parts, Body::from(bytes))).await;
            keep(&db, &owner, &key, response).await
        }
    }
}

/// An answer kept for a key.
struct Kept {
    status: u16,
    location: Option<String>,
    body: String,
}

impl Kept {
    fn replay(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
        let mut response = (status, self.body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(REPLAYED, HeaderValue::from_static("true"));
        if let Some(location) = self.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
            headers.insert(header::LOCATION, location);
        }
        response
    }
}

enum Claim {
    /// This request is the first with the key: it runs.
    Mine,
    Running,
    Mismatch,
    Done(Kept),
}

fn fingerprint(method: &str, target: &str, body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(method.as_bytes());
    hash.update(b"\n");
    hash.update(target.as_bytes());
    hash.update(b"\n");
    hash.update(body);
    format!("{:x}", hash.finalize())
}

async fn claim(
    db: &Db,
    owner: &str,
    key: &str,
    fingerprint: &str,
    now: DateTime<Utc>,
) -> Result<Claim, sqlx::Error> {
    const FORGET: &str = "DELETE FROM api_idempotency WHERE created_at < $1 \
        OR (username = $2 AND key = $3 AND status IS NULL AND created_at < $4)";
    const INSERT: &str = "INSERT INTO api_idempotency (username, key, fingerprint, created_at) \
        VALUES ($1, $2, $3, $4) ON CONFLICT (username, key) DO NOTHING";
    const SELECT: &str =
        "SELECT fingerprint, status, location, body FROM api_idempotency WHERE username = $1 AND key = $2";
    on_db!(db, pool => sqlx::query(FORGET).bind(now - KEPT_FOR).bind(owner).bind(key).bind(now - LOST_AFTER)
        .execute(pool).await.map(|_| ()))?;
    let inserted = on_db!(db, pool => sqlx::query(INSERT).bind(owner).bind(key).bind(fingerprint).bind(now)
        .execute(pool).await.map(|r| r.rows_affected()))?;
    if inserted == 1 {
        return Ok(Claim::Mine);
    }
    let row = on_db!(db, pool => sqlx::query(SELECT).bind(owner).bind(key).fetch_optional(pool).await.map(|row| {
        row.map(|r| (r.get::<String, _>(0), r.get::<Option<i32>, _>(1), r.get::<Option<String>, _>(2), r.get::<Option<String>, _>(3)))
    }))?;
    Ok(match row {
        // Forgotten between the two statements: as if used for something else, to be safe.
        None => Claim::Running,
        Some((kept, _, _, _)) if kept != fingerprint => Claim::Mismatch,
        Some((_, None, _, _)) => Claim::Running,
        Some((_, Some(status), location, body)) => {
            Claim::Done(Kept { status: status as u16, location, body: body.unwrap_or_default() })
        }
    })
}

/// Keeps `response` for the key when it is a JSON answer that is not a server error;
/// otherwise frees the key. Returns the response as it was.
async fn keep(db: &Db, owner: &str, key: &str, response: Response) -> Response {
    const STORE: &str =
        "UPDATE api_idempotency SET status = $1, location = $2, body = $3 WHERE username = $4 AND key = $5";
    const FREE: &str = "DELETE FROM api_idempotency WHERE username = $1 AND key = $2";
    let json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !json || response.status().is_server_error() {
        if let Err(error) =
            on_db!(db, pool => sqlx::query(FREE).bind(owner).bind(key).execute(pool).await.map(|_| ()))
        {
            tracing::warn!(%error, "an idempotency key could not be freed");
        }
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "the answer could not be read").into_response();
    };
    let location = parts.headers.get(header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_string);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let status = i32::from(parts.status.as_u16());
    if let Err(error) = on_db!(db, pool => sqlx::query(STORE).bind(status).bind(location).bind(text)
        .bind(owner).bind(key).execute(pool).await.map(|_| ()))
    {
        tracing::warn!(%error, "an answer could not be kept for its idempotency key");
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn refuse(status: StatusCode, message: &str) -> Response {
    let error = match status {
        StatusCode::UNPROCESSABLE_ENTITY => "idempotency_key_reused",
        StatusCode::CONFLICT => "idempotency_key_in_use",
        _ => "bad_request",
    };
    (status, axum::Json(serde_json::json!({ "error": error, "message": message }))).into_response()
}
