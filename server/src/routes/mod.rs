//! HTTP endpoints that are not Leptos pages.

pub mod activity;
pub mod fleet;
pub mod health;
pub mod kubeconfig;
pub mod live;

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// `body` as a file to save as `name`, never kept by a cache.
pub fn download(name: &str, content_type: &'static str, body: String) -> Response {
    // Only characters that need no quoting in a header (user names can hold anything).
    let name: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || "._-@".contains(c) { c } else { '-' }).collect();
    let disposition = format!("attachment; filename=\"{name}\"");
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        body,
    )
        .into_response()
}
