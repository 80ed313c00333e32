//! OAuth2 service accounts (provider-api.md §1.6): the client-credentials grant at
//! `POST /auth/oauth2/token`, and bearer tokens accepted on every API call instead of a signature.
//!
//! The emulator has one service account: its application key is the client id and its
//! application secret the client secret. Tokens live one hour of real time, in memory.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde::{Deserialize, Serialize};

use super::Emulator;
use super::error::EmulatorError;
use provider::api::ApiErrorBody;

/// How long an access token is valid.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(3600);

/// The issued tokens and when each expires.
#[derive(Default)]
pub struct Tokens(std::sync::Mutex<HashMap<String, Instant>>);

/// How many tokens are valid, never which.
impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let count = self.0.lock().map(|tokens| tokens.len()).unwrap_or_default();
        f.debug_struct("Tokens").field("issued", &count).finish()
    }
}

impl Tokens {
    fn issue(&self) -> String {
        let token = format!("emu-{}", uuid::Uuid::new_v4().simple());
        let mut tokens = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        tokens.retain(|_, expiry| *expiry > now);
        tokens.insert(token.clone(), now + TOKEN_LIFETIME);
        token
    }

    /// Whether `token` was issued and has not expired.
    pub fn is_valid(&self, token: &str) -> bool {
        let tokens = self.0.lock().unwrap_or_else(|e| e.into_inner());
        tokens.get(token).is_some_and(|expiry| *expiry > Instant::now())
    }

    /// Ends every token, as if they had expired (for tests of the refresh).
    pub fn revoke_all(&self) {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

/// The form of a token request.
#[derive(Deserialize)]
pub struct TokenRequest {
    grant_type: String,
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    client_secret: String,
}

/// A token answer (RFC 6749 §5.1).
#[derive(Serialize)]
pub struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: u64,
    scope: &'static str,
}

/// An RFC 6749 §5.2 error answer.
fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (status, Json(serde_json::json!({ "error": error, "error_description": description }))).into_response()
}

/// `POST /auth/oauth2/token`: a bearer token for the service account.
pub async fn token(State(emulator): State<Arc<Emulator>>, Form(request): Form<TokenRequest>) -> Response {
    if request.grant_type != "client_credentials" {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "only client_credentials is supported",
        );
    }
    let config = &emulator.config;
    if request.client_id != config.application_key || request.client_secret != config.application_secret {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "unknown client or wrong secret");
    }
    Json(TokenResponse {
        access_token: emulator.tokens.issue(),
        token_type: "Bearer",
        expires_in: TOKEN_LIFETIME.as_secs(),
        scope: "all",
    })
    .into_response()
}

/// The provider's answer to a missing, unknown or expired bearer token.
pub fn invalid_token() -> EmulatorError {
    EmulatorError {
        status: StatusCode::UNAUTHORIZED,
        body: Box::new(ApiErrorBody::class(
            "Client::Unauthorized::InvalidAuthToken",
            "Invalid authorization token",
        )),
    }
}
