//! Errors as the provider answers them: status code plus one of the two body shapes.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

use provider::api::ApiErrorBody;

/// An error response of the emulator.
#[derive(Debug)]
pub struct EmulatorError {
    pub status: StatusCode,
    pub body: Box<ApiErrorBody>,
}

impl EmulatorError {
    /// 400 `Client::BadRequest`.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            body: Box::new(ApiErrorBody::class("Client::BadRequest", message)),
        }
    }

    /// 404 `Client::NotFound`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            body: Box::new(ApiErrorBody::class("Client::NotFound", message)),
        }
    }

    /// 403 `Client::Forbidden` (the class for an exceeded quota is UNCONFIRMED).
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::FORBIDDEN,
            body: Box::new(ApiErrorBody::class("Client::Forbidden", message)),
        }
    }

    /// 409 `Client::Conflict` (the class for a busy cluster is UNCONFIRMED; provider-api.md §6
    /// suggests this one).
    pub fn conflict(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::CONFLICT,
            body: Box::new(ApiErrorBody::class("Client::Conflict", message)),
        }
    }

    /// 500 `Server::InternalServerError`.
    pub fn internal(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            body: Box::new(ApiErrorBody::class("Server::InternalServerError", message)),
        }
    }

    /// An auth-layer error with its `errorCode`.
    pub fn auth(status: StatusCode, error_code: &str, message: &str) -> Self {
        let http_code = format!("{} {}", status.as_u16(), status.canonical_reason().unwrap_or_default());
        Self { status, body: Box::new(ApiErrorBody::auth(error_code, &http_code, message)) }
    }
}

impl IntoResponse for EmulatorError {
    fn into_response(self) -> Response {
        (self.status, Json(*self.body)).into_response()
    }
}
