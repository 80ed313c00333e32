//! What can go wrong calling the provider, with what the provider said about it.

use crate::api::ApiErrorBody;

/// A failed call to the provider. Never carries credentials.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No answer: connection refused, timeout, TLS.
    #[error("the provider could not be reached: {0}")]
    Transport(#[source] reqwest::Error),
    /// The provider answered with an error.
    #[error("the provider refused the call ({status}): {}", body.message)]
    Api {
        status: u16,
        body: Box<ApiErrorBody>,
        /// The provider's `X-Ovh-QueryId`, to quote to its support.
        query_id: Option<String>,
    },
    /// The OAuth2 token endpoint refused the client's credentials.
    #[error("the provider refused the service account: {0}")]
    Token(String),
    /// The answer was not what the API documents.
    #[error("the provider's answer could not be read: {0}")]
    Decode(String),
}

impl Error {
    /// Whether trying the same idempotent call again may succeed: no answer, rate limited, or a
    /// server-side failure (provider-api.md §2.3).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(_) => true,
            Error::Api { status, .. } => matches!(status, 429 | 500 | 502 | 503 | 504),
            Error::Decode(_) | Error::Token(_) => false,
        }
    }

    /// The HTTP status the provider answered with.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the provider answered 404: what was asked for does not exist (any more).
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// The provider's request id, when it answered.
    pub fn query_id(&self) -> Option<&str> {
        match self {
            Error::Api { query_id, .. } => query_id.as_deref(),
            _ => None,
        }
    }

    /// What a user is told: the provider's own message when it answered, otherwise a sentence
    /// that names no internals (addresses, library errors and credentials stay in the log).
    pub fn user_message(&self) -> String {
        match self {
            Error::Api { body, .. } if !body.message.is_empty() => body.message.clone(),
            Error::Api { status, .. } => format!("the provider answered with HTTP status {status}"),
            Error::Transport(_) => "the provider could not be reached".into(),
            Error::Token(_) => "the provider refused the console's service account".into(),
            Error::Decode(_) => "the provider's answer could not be read".into(),
        }
    }

    /// The provider's error body, when it answered with one.
    pub fn body(&self) -> Option<&ApiErrorBody> {
        match self {
            Error::Api { body, .. } => Some(body),
            _ => None,
        }
    }

    /// Whether the provider refused a bearer token (expired or revoked).
    pub fn is_token_refusal(&self) -> bool {
        self.status() == Some(401)
            && self.body().and_then(|b| b.class.as_deref()) == Some("Client::Unauthorized::InvalidAuthToken")
    }

    /// Whether the provider refused the signature or its timestamp (then the clock offset is
    /// re-synchronised once and the call repeated).
    pub fn is_signature_refusal(&self) -> bool {
        self.body().is_some_and(|b| b.error_code.as_deref() == Some("INVALID_SIGNATURE"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn users_read_the_providers_message_and_never_the_internals() {
        let body = ApiErrorBody { message: "Version 1.29 is not available".into(), ..Default::default() };
        let refused = Error::Api { status: 400, body: Box::new(body), query_id: None };
        assert_eq!(refused.user_message(), "Version 1.29 is not available");
        let silent = Error::Api { status: 502, body: Box::default(), query_id: None };
        assert_eq!(silent.user_message(), "the provider answered with HTTP status 502");
        let token = Error::Token("client_secret=s3cr3t rejected by https://auth.internal/".into());
        assert!(!token.user_message().contains("s3cr3t") && !token.user_message().contains("internal"));
        let decode = Error::Decode("expected `,` at line 1 column 7 of https://api.internal/".into());
        assert!(!decode.user_message().contains("internal"));
    }
}
