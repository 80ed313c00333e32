//! The signed HTTP client of the provider's API (provider-api.md §1, §2).
//!
//! Every call is signed with the `$1$` scheme (or carries an OAuth2 bearer token), with timestamps
//! corrected by the offset to the provider's clock, fetched once from `/auth/time` and fetched
//! again once after a refused signature. Idempotent calls (GET, PUT, DELETE) are retried on
//! transport errors, 429 and 5xx with exponential backoff and jitter; POSTs never are, as the
//! provider has no idempotency keys. A token bucket keeps the client within its rate.

mod error;
mod methods;
mod networks;
mod oauth2;
mod observe;
mod rate_limit;

use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use error::Error;
pub use oauth2::{CA_TOKEN_URL, EU_TOKEN_URL, US_TOKEN_URL};
pub use observe::{Observer, Try, endpoint_template};
pub use rate_limit::TokenBucket;

use crate::api::{ApiErrorBody, QUERY_ID_HEADER};
use crate::signature::SignedRequest;

/// The provider's regional API roots (provider-api.md §1.1).
pub const EU: &str = "https://eu.api.ovh.com/1.0";
pub const CA: &str = "https://ca.api.ovh.com/1.0";
pub const US: &str = "https://api.us.ovhcloud.com/1.0";

/// How the client proves who it is.
#[derive(Clone)]
pub enum Credentials {
    /// Application key, application secret and consumer key (`$1$` signatures).
    Application { application_key: String, application_secret: String, consumer_key: String },
    /// An OAuth2 service account: access tokens from `token_url` by the client-credentials grant.
    OAuth2 { token_url: String, client_id: String, client_secret: String },
    /// A pre-issued OAuth2 access token, sent as `Authorization: Bearer`.
    Bearer(String),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::Application { application_key, .. } => {
                write!(f, "Application {{ application_key: {application_key:?}, .. }}")
            }
            Credentials::OAuth2 { token_url, client_id, .. } => {
                write!(f, "OAuth2 {{ token_url: {token_url:?}, client_id: {client_id:?}, .. }}")
            }
            Credentials::Bearer(_) => f.write_str("Bearer([redacted])"),
        }
    }
}

/// How the client is set up.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// The API root, `…/1.0` (one of [`EU`], [`CA`], [`US`], or the emulator's).
    pub base_url: String,
    pub credentials: Credentials,
    /// Longest wait for one answer.
    pub timeout: Duration,
    /// Tries per idempotent call, the first included.
    pub max_attempts: u32,
    /// First retry delay; doubled each time, with up to 50 % jitter, capped at [`MAX_BACKOFF`].
    pub backoff: Duration,
    /// Calls per second on average (0: unlimited) and at once.
    pub rate_per_second: f64,
    pub burst: u32,
}

/// Longest wait between two tries.
pub const MAX_BACKOFF: Duration = Duration::from_secs(10);

impl ClientConfig {
    /// Defaults that suit the provider: 30 s timeout, 5 tries from 200 ms, 10 calls/s, bursts of 20.
    pub fn new(base_url: impl Into<String>, credentials: Credentials) -> Self {
        Self {
            base_url: base_url.into(),
            credentials,
            timeout: Duration::from_secs(30),
            max_attempts: 5,
            backoff: Duration::from_millis(200),
            rate_per_second: 10.0,
            burst: 20,
        }
    }
}

/// A client of one project's API.
pub struct Client {
    http: reqwest::Client,
    config: ClientConfig,
    /// Provider time minus local time, in seconds, once known.
    time_delta: Mutex<Option<i64>>,
    limiter: TokenBucket,
    tokens: oauth2::TokenCache,
    observer: OnceLock<Arc<dyn Observer>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("config", &self.config).finish_non_exhaustive()
    }
}

impl Client {
    pub fn new(config: ClientConfig) -> Result<Self, Error> {
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(Error::Transport)?;
        let limiter = TokenBucket::new(config.rate_per_second, config.burst);
        Ok(Self {
            http,
            config,
            time_delta: Mutex::new(None),
            limiter,
            tokens: Default::default(),
            observer: OnceLock::new(),
        })
    }

    /// Reports every try and every wait for the rate limiter to `observer` from now on (the
    /// first observer set stays).
    pub fn observe(&self, observer: Arc<dyn Observer>) {
        let _ = self.observer.set(observer);
    }

    /// Tells the observer, if any, about one try.
    fn report(
        &self,
        method: &Method,
        path: &str,
        attempt: u32,
        started: Instant,
        answer: &Result<Answer, Error>,
    ) {
        if let Some(observer) = self.observer.get() {
            let (status, query_id) = match answer {
                Ok(answer) => {
                    (Some(answer.status), answer.headers.get(QUERY_ID_HEADER).and_then(|v| v.to_str().ok()))
                }
                Err(error) => (error.status(), error.query_id()),
            };
            let endpoint = endpoint_template(path);
            let elapsed = started.elapsed();
            observer.answered(&Try { method, endpoint: &endpoint, status, elapsed, attempt, query_id });
        }
    }

    /// The API root this client calls (`…/1.0`).
    pub fn base_url(&self) -> &str {
        &self.config.base_url
    }

    /// Calls per second on average (0: unlimited) and at once, as configured.
    pub fn rate(&self) -> (f64, u32) {
        (self.config.rate_per_second, self.config.burst)
    }

    fn delta(&self) -> Option<i64> {
        *self.time_delta.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Fetches the provider's time (unsigned, retried like any GET) and keeps the offset to the
    /// local clock.
    async fn sync_time(&self) -> Result<i64, Error> {
        let url = format!("{}/auth/time", self.config.base_url);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let started = Instant::now();
            let answer = match self.http.get(&url).send().await {
                Ok(response) => read_answer(response).await,
                Err(error) => Err(Error::Transport(error)),
            };
            self.report(&Method::GET, "/auth/time", attempt, started, &answer);
            match answer {
                Ok(Answer { bytes, .. }) => {
                    let server: i64 = serde_json::from_slice(&bytes)
                        .map_err(|e| Error::Decode(format!("/auth/time: {e}")))?;
                    let delta = server - chrono::Utc::now().timestamp();
                    *self.time_delta.lock().unwrap_or_else(|e| e.into_inner()) = Some(delta);
                    return Ok(delta);
                }
                Err(error) if error.is_retryable() && attempt < self.config.max_attempts => {
                    tokio::time::sleep(self.backoff(attempt)).await;
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// One call: signed, rate-limited, retried where that is safe.
    pub async fn call<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, Error> {
        self.call_with_headers(method, path, body, &[]).await
    }

    /// [`Self::call`] with extra request headers (pagination).
    pub async fn call_with_headers<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        headers: &[(&str, &str)],
    ) -> Result<T, Error> {
        let (bytes, _) = self.send(method, path, body, headers).await?;
        let bytes = if bytes.is_empty() { b"null".to_vec() } else { bytes };
        serde_json::from_slice(&bytes).map_err(|e| Error::Decode(format!("{path}: {e}")))
    }

    /// Sends the call, retrying as allowed; returns the body and response headers.
    async fn send<B: Serialize + ?Sized>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        headers: &[(&str, &str)],
    ) -> Result<(Vec<u8>, reqwest::header::HeaderMap), Error> {
        // Compact JSON: the bytes signed are the bytes sent.
        let body = match body {
            Some(body) => serde_json::to_vec(body).map_err(|e| Error::Decode(e.to_string()))?,
            None => Vec::new(),
        };
        let idempotent = matches!(method, Method::GET | Method::PUT | Method::DELETE);
        let mut resynced = false;
        let mut new_token = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let waited = self.limiter.acquire().await;
            if let Some(observer) = self.observer.get() {
                observer.waited(waited);
            }
            let started = Instant::now();
            let answer = self.send_once(&method, path, &body, headers).await;
            self.report(&method, path, attempt, started, &answer);
            match answer {
                Ok(Answer { bytes, headers, .. }) => return Ok((bytes, headers)),
                Err(error) if error.is_signature_refusal() && !resynced => {
                    resynced = true;
                    self.sync_time().await?;
                }
                Err(error)
                    if error.is_token_refusal()
                        && !new_token
                        && matches!(self.config.credentials, Credentials::OAuth2 { .. }) =>
                {
                    new_token = true;
                    self.tokens.forget().await;
                }
                Err(error) if idempotent && error.is_retryable() && attempt < self.config.max_attempts => {
                    let delay = self.backoff(attempt);
                    tracing::debug!(%method, path, attempt, status = ?error.status(), ?delay, "retrying");
                    tokio::time::sleep(delay).await;
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// The wait before try `attempt + 1`: exponential, capped, with up to 50 % random jitter.
    fn backoff(&self, attempt: u32) -> Duration {
        let base = self.config.backoff.saturating_mul(1 << (attempt - 1).min(16)).min(MAX_BACKOFF);
        let jitter = (uuid::Uuid::new_v4().as_u128() % 1000) as f64 / 2000.0;
        base.mul_f64(1.0 + jitter)
    }

    async fn send_once(
        &self,
        method: &Method,
        path: &str,
        body: &[u8],
        headers: &[(&str, &str)],
    ) -> Result<Answer, Error> {
        let url = format!("{}{path}", self.config.base_url);
        let mut request = self
            .http
            .request(method.clone(), &url)
            .header("Accept", "application/json")
            .header("Content-Type", "application/json;charset=utf-8");
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        match &self.config.credentials {
            Credentials::Application { application_key, application_secret, consumer_key } => {
                let delta = match self.delta() {
                    Some(delta) => delta,
                    None => self.sync_time().await?,
                };
                let timestamp = chrono::Utc::now().timestamp() + delta;
                let signature = SignedRequest {
                    application_secret,
                    consumer_key,
                    method: method.as_str(),
                    url: &url,
                    body,
                    timestamp,
                }
                .signature();
                request = request
                    .header("X-Ovh-Application", application_key)
                    .header("X-Ovh-Consumer", consumer_key)
                    .header("X-Ovh-Timestamp", timestamp.to_string())
                    .header("X-Ovh-Signature", signature);
            }
            Credentials::OAuth2 { token_url, client_id, client_secret } => {
                let token = self.tokens.token(&self.http, token_url, client_id, client_secret).await?;
                request = request.bearer_auth(token);
            }
            Credentials::Bearer(token) => request = request.bearer_auth(token),
        }
        let response = request.body(body.to_vec()).send().await.map_err(Error::Transport)?;
        read_answer(response).await
    }
}

/// A successful answer.
struct Answer {
    status: u16,
    bytes: Vec<u8>,
    headers: reqwest::header::HeaderMap,
}

/// The status, body and headers of a success; the provider's error otherwise.
async fn read_answer(response: reqwest::Response) -> Result<Answer, Error> {
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.bytes().await.map_err(Error::Transport)?.to_vec();
    if status.is_success() {
        return Ok(Answer { status: status.as_u16(), bytes, headers });
    }
    let query_id = headers.get(QUERY_ID_HEADER).and_then(|v| v.to_str().ok()).map(str::to_string);
    // A body that is not JSON becomes the message (as go-ovh does).
    let body = serde_json::from_slice::<ApiErrorBody>(&bytes).unwrap_or_else(|_| ApiErrorBody {
        message: String::from_utf8_lossy(&bytes).into_owned(),
        ..ApiErrorBody::default()
    });
    Err(Error::Api { status: status.as_u16(), body: Box::new(body), query_id })
}
