//! The one error that crosses from the server to pages: what went wrong, in words a user can act
//! on, never the server's internals.

use serde::{Deserialize, Serialize};

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use model::validation::FieldErrors;

/// Why a request from a page failed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
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

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for AppError {}

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
