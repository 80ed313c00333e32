//! Request authentication as the provider does it (provider-api.md §1): `GET /auth/time` and
//! `POST /auth/credential` without a signature; every other API call signed with `$1$` or carrying
//! a bearer token from [`super::oauth2`].
//!
//! Choices where the sources are silent (UNCONFIRMED in provider-api.md):
//! - a timestamp further than [`super::EmulatorConfig::timestamp_window`] from the server's clock is
//!   refused like a bad signature (400 `INVALID_SIGNATURE`), as §1.4 suggests;
//! - an unknown application key is 403 `INVALID_KEY`, a missing consumer key 403 `NOT_CREDENTIAL`,
//!   an unknown or unvalidated one 403 `INVALID_CREDENTIAL` (the codes python-ovh knows).

use std::sync::Arc;

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::Emulator;
use super::error::EmulatorError;
use provider::signature::SignedRequest;

/// Largest request body read for signing.
const MAX_BODY: usize = 1024 * 1024;

/// A consumer key and whether its owner has validated it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Credential {
    pub application_key: String,
    pub validated: bool,
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn invalid_signature() -> EmulatorError {
    EmulatorError::auth(StatusCode::BAD_REQUEST, "INVALID_SIGNATURE", "Invalid signature")
}

/// Whether a path needs no signature: the time, credential and price-catalog endpoints and the
/// admin API.
fn is_public(path: &str) -> bool {
    let api_path = path.strip_prefix("/1.0").or_else(|| path.strip_prefix("/v1"));
    matches!(api_path, Some("/auth/time") | Some("/auth/credential") | Some("/order/catalog/public/cloud"))
        || path.starts_with("/emulator/")
        || path == "/auth/oauth2/token"
}

/// Checks the `$1$` signature of every API call; passes the request on with its body intact.
pub async fn verify(State(emulator): State<Arc<Emulator>>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_string();
    if is_public(&path) {
        return next.run(request).await;
    }
    if let Some(authorization) = header(request.headers(), "Authorization") {
        let valid = authorization.strip_prefix("Bearer ").is_some_and(|t| emulator.tokens.is_valid(t.trim()));
        return match valid {
            true => next.run(request).await,
            false => super::oauth2::invalid_token().into_response(),
        };
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return EmulatorError::bad_request("Request body too large").into_response();
    };
    match check(&emulator, &parts.headers, parts.method.as_str(), &parts.uri, &bytes) {
        Ok(()) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Err(error) => error.into_response(),
    }
}

fn check(
    emulator: &Emulator,
    headers: &HeaderMap,
    method: &str,
    uri: &axum::http::Uri,
    body: &Bytes,
) -> Result<(), EmulatorError> {
    let config = &emulator.config;
    let application_key = header(headers, "X-Ovh-Application").unwrap_or_default();
    if application_key != config.application_key {
        return Err(EmulatorError::auth(
            StatusCode::FORBIDDEN,
            "INVALID_KEY",
            "This application key is invalid",
        ));
    }
    let Some(consumer_key) = header(headers, "X-Ovh-Consumer") else {
        return Err(EmulatorError::auth(
            StatusCode::FORBIDDEN,
            "NOT_CREDENTIAL",
            "This call has not been granted",
        ));
    };
    if !emulator.credential_is_valid(consumer_key) {
        return Err(EmulatorError::auth(
            StatusCode::FORBIDDEN,
            "INVALID_CREDENTIAL",
            "This credential is not valid",
        ));
    }
    let timestamp: i64 =
        header(headers, "X-Ovh-Timestamp").and_then(|t| t.parse().ok()).ok_or_else(invalid_signature)?;
    let skew = (chrono::Utc::now().timestamp() - timestamp).unsigned_abs();
    if skew > config.timestamp_window.as_secs() {
        return Err(invalid_signature());
    }
    let host = header(headers, "Host").unwrap_or("localhost");
    let base = config.public_url.clone().unwrap_or_else(|| format!("http://{host}"));
    let url = format!("{}{}", base.trim_end_matches('/'), uri.path_and_query().map_or("", |p| p.as_str()));
    let signed = SignedRequest {
        application_secret: &config.application_secret,
        consumer_key,
        method,
        url: &url,
        body,
        timestamp,
    };
    let signature = header(headers, "X-Ovh-Signature").unwrap_or_default();
    if signed.verify(signature) { Ok(()) } else { Err(invalid_signature()) }
}

/// `GET /auth/time`: the server's Unix time, a bare integer.
pub async fn time() -> Json<i64> {
    Json(chrono::Utc::now().timestamp())
}

/// `POST /auth/credential` body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialRequest {
    #[serde(default)]
    pub access_rules: Vec<serde_json::Value>,
    #[serde(default)]
    pub redirection: Option<String>,
}

/// `POST /auth/credential` answer.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CredentialResponse {
    pub consumer_key: String,
    pub state: &'static str,
    pub validation_url: String,
}

/// Issues a consumer key for the calling application; validated at once when the emulator is
/// configured so, otherwise through `POST /emulator/credentials/{key}/validate`.
pub async fn issue_credential(
    State(emulator): State<Arc<Emulator>>,
    headers: HeaderMap,
    Json(_request): Json<CredentialRequest>,
) -> Result<Json<CredentialResponse>, EmulatorError> {
    let application_key = header(&headers, "X-Ovh-Application").unwrap_or_default();
    if application_key != emulator.config.application_key {
        return Err(EmulatorError::auth(
            StatusCode::FORBIDDEN,
            "INVALID_KEY",
            "This application key is invalid",
        ));
    }
    let consumer_key = uuid::Uuid::new_v4().simple().to_string();
    let validated = emulator.config.auto_validate_credentials;
    emulator.add_credential(
        &consumer_key,
        Credential { application_key: application_key.to_string(), validated },
    );
    let host = header(&headers, "Host").unwrap_or("localhost");
    let base = emulator.config.public_url.clone().unwrap_or_else(|| format!("http://{host}"));
    Ok(Json(CredentialResponse {
        validation_url: format!("{base}/emulator/credentials/{consumer_key}"),
        consumer_key,
        state: if validated { "validated" } else { "pendingValidation" },
    }))
}
