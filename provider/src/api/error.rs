//! The provider's error bodies (provider-api.md §2.1): the current `{class, message}` shape and
//! the auth layer's older `{errorCode, httpCode, message}` shape, read into one type.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The response header carrying the provider's request id; match it case-insensitively.
pub const QUERY_ID_HEADER: &str = "X-Ovh-QueryId";

/// Any error body the provider sends.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiErrorBody {
    /// `Client::BadRequest`, `Client::NotFound`, … (current shape).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// `INVALID_SIGNATURE`, `NOT_GRANTED_CALL`, … (auth-layer shape).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// `"403 Forbidden"` (auth-layer shape).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_code: Option<String>,
    #[serde(default)]
    pub message: String,
    /// Missing IAM actions and similar, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<BTreeMap<String, String>>,
}

impl ApiErrorBody {
    /// A current-shape error.
    pub fn class(class: &str, message: impl Into<String>) -> Self {
        Self { class: Some(class.to_string()), message: message.into(), ..Self::default() }
    }

    /// An auth-layer error: `errorCode` and `httpCode` (`"400 Bad Request"`).
    pub fn auth(error_code: &str, http_code: &str, message: impl Into<String>) -> Self {
        Self {
            error_code: Some(error_code.to_string()),
            http_code: Some(http_code.to_string()),
            message: message.into(),
            ..Self::default()
        }
    }
}
