//! The one error that crosses from the server to pages: what went wrong, in words a user can act
//! on, never the server's internals.

use serde::{Deserialize, Deserializer, Serialize};

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use model::validation::FieldErrors;

/// Why a request from a page failed. On the wire `{"kind": "not_found", "message": …}`: the kind
/// ([`AppError::kind`]) and the variant's fields.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    /// Not signed in (any more).
    SignedOut,
    /// The request itself is malformed (an id of the wrong shape); the message says how.
    BadRequest {
        message: String,
    },
    /// The user's role does not allow this; the message says which role would.
    Forbidden {
        message: String,
    },
    NotFound {
        message: String,
    },
    /// The request breaks rules; each message is at its field.
    Invalid {
        errors: FieldErrors,
    },
    /// Valid, but the current state rules it out.
    Conflict {
        message: String,
    },
    /// The provider or the database did not answer; trying again later may work.
    Unavailable {
        message: String,
    },
    /// A fault on the server; the reference finds it in the server's log.
    Internal {
        reference: String,
    },
}

impl AppError {
    /// The HTTP status this error deserves.
    #[cfg(feature = "ssr")]
    pub fn status(&self) -> http::StatusCode {
        match self {
            AppError::SignedOut => http::StatusCode::UNAUTHORIZED,
            AppError::BadRequest { .. } => http::StatusCode::BAD_REQUEST,
            AppError::Forbidden { .. } => http::StatusCode::FORBIDDEN,
            AppError::NotFound { .. } => http::StatusCode::NOT_FOUND,
            AppError::Invalid { .. } => http::StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict { .. } => http::StatusCode::CONFLICT,
            AppError::Unavailable { .. } => http::StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal { .. } => http::StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The error's name in JSON answers (`not_found`), as serde tags it.
    pub fn kind(&self) -> &'static str {
        match self {
            AppError::SignedOut => "signed_out",
            AppError::BadRequest { .. } => "bad_request",
            AppError::Forbidden { .. } => "forbidden",
            AppError::NotFound { .. } => "not_found",
            AppError::Invalid { .. } => "invalid",
            AppError::Conflict { .. } => "conflict",
            AppError::Unavailable { .. } => "unavailable",
            AppError::Internal { .. } => "internal",
        }
    }

    /// A sentence for the page.
    pub fn message(&self) -> String {
        match self {
            AppError::SignedOut => "Your session has ended. Sign in again to continue.".into(),
            AppError::Forbidden { message }
            | AppError::BadRequest { message }
            | AppError::NotFound { message }
            | AppError::Conflict { message }
            | AppError::Unavailable { message } => message.clone(),
            AppError::Invalid { errors } => match errors.iter().next() {
                Some(first) => first.message.clone(),
                None => "The request is not valid.".into(),
            },
            AppError::Internal { reference } => {
                format!(
                    "Something went wrong on the server. Give your administrator this reference: {reference}"
                )
            }
        }
    }
}

/// An [`AppError`] as it arrives: read through this plain struct, so that the browser compiles no
/// decoding of a tagged enum (which buffers the whole value first).
#[derive(Deserialize)]
struct Wire {
    kind: String,
    message: Option<String>,
    errors: Option<FieldErrors>,
    reference: Option<String>,
}

impl<'de> Deserialize<'de> for AppError {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let Wire { kind, message, errors, reference } = Wire::deserialize(deserializer)?;
        let message = || message.ok_or_else(|| D::Error::missing_field("message"));
        Ok(match kind.as_str() {
            "signed_out" => AppError::SignedOut,
            "bad_request" => AppError::BadRequest { message: message()? },
            "forbidden" => AppError::Forbidden { message: message()? },
            "not_found" => AppError::NotFound { message: message()? },
            "invalid" => {
                AppError::Invalid { errors: errors.ok_or_else(|| D::Error::missing_field("errors"))? }
            }
            "conflict" => AppError::Conflict { message: message()? },
            "unavailable" => AppError::Unavailable { message: message()? },
            "internal" => AppError::Internal {
                reference: reference.ok_or_else(|| D::Error::missing_field("reference"))?,
            },
            other => return Err(D::Error::unknown_variant(other, &[])),
        })
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for AppError {}

/// The answer of an HTTP endpoint that is not a server function (downloads, exports): the status
/// the error deserves and `{"error": kind, "message": …}`, with the field errors when invalid.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let mut body = serde_json::json!({ "error": self.kind(), "message": self.message() });
        if let AppError::Invalid { errors } = &self {
            body["errors"] = serde_json::to_value(errors).unwrap_or_default();
        }
        (self.status(), axum::Json(body)).into_response()
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // The request never arrived or its answer was lost: the network, not the server.
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::Unavailable {
                message: "The console could not be reached. Check your connection and try again.".into(),
            },
            other => AppError::Internal { reference: format!("server function: {other}") },
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use axum::response::IntoResponse;

    use super::*;

    fn every_kind() -> Vec<AppError> {
        vec![
            AppError::SignedOut,
            AppError::BadRequest { message: "b".into() },
            AppError::Forbidden { message: "f".into() },
            AppError::NotFound { message: "n".into() },
            AppError::Invalid { errors: FieldErrors::new() },
            AppError::Conflict { message: "c".into() },
            AppError::Unavailable { message: "u".into() },
            AppError::Internal { reference: "r".into() },
        ]
    }

    #[test]
    fn the_kind_is_the_serde_tag() {
        for error in every_kind() {
            assert_eq!(serde_json::to_value(&error).unwrap()["kind"], error.kind());
        }
    }

    #[test]
    fn every_kind_reads_back_as_written() {
        let mut errors = FieldErrors::new();
        errors.add("name", "Too long.");
        for error in every_kind().into_iter().chain([AppError::Invalid { errors }]) {
            let text = serde_json::to_string(&error).unwrap();
            assert_eq!(serde_json::from_str::<AppError>(&text).unwrap(), error, "{text}");
        }
        let unknown = serde_json::from_str::<AppError>(r#"{"kind": "teapot", "message": "m"}"#);
        assert!(unknown.unwrap_err().to_string().contains("teapot"));
        let missing = serde_json::from_str::<AppError>(r#"{"kind": "not_found"}"#);
        assert!(missing.unwrap_err().to_string().contains("message"));
    }

    #[test]
    fn an_endpoint_answers_with_the_status_and_a_json_body() {
        let mut errors = FieldErrors::new();
        errors.add("name", "Too long.");
        let response = AppError::Invalid { errors }.into_response();
        assert_eq!(response.status(), http::StatusCode::UNPROCESSABLE_ENTITY);
        let response = AppError::NotFound { message: "The cluster does not exist.".into() }.into_response();
        assert_eq!(response.status(), http::StatusCode::NOT_FOUND);
        assert_eq!(response.headers()[http::header::CONTENT_TYPE], "application/json");
    }
}
