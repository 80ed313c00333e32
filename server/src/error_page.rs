//! The page shown when the server fails while answering: it says what the user can do and gives
//! a reference to quote, and nothing about the server's internals.

use std::any::Any;

use axum::body::Body;
use axum::http::{HeaderValue, Response, StatusCode, header};

/// Turns a panic while handling a request into a 500 page; the panic itself goes to the log
/// under a reference shown to the user.
pub fn from_panic(panic: Box<dyn Any + Send + 'static>) -> Response<Body> {
    let reference = crate::request_id::current().unwrap_or_else(|| uuid::Uuid::new_v4().simple().to_string());
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(reference = %reference, panic = message, "request handler panicked");
    let mut response = Response::new(Body::from(page(&escape(&reference))));
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn page(reference: &str) -> String {
    message_page(
        "Something went wrong",
        &format!(
            "<p>The console could not complete this request.</p>\n<p>Try again in a moment. If it keeps \
             happening, give your administrator this reference: <code>{reference}</code></p>\n\
             <p><a href=\"/\">Back to the console</a></p>"
        ),
    )
}

/// A self-contained page (the stylesheet may be what failed) with `title` and a body of trusted
/// HTML: callers escape anything that came from outside.
pub fn message_page(title: &str, body_html: &str) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · Pilothouse</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem}}code{{font-size:.9em}}</style>
</head><body><main>
<h1>{title}</h1>
{body_html}
</main></body></html>"#
    )
}

/// `text` with the characters that mean something in HTML escaped.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn panic_page_hides_the_panic_and_gives_a_reference() {
        let response = from_panic(Box::new("connection string postgres://u:secret@db failed".to_string()));
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let html = String::from_utf8(body.to_vec()).unwrap();
        assert!(html.contains("Something went wrong"));
        assert!(!html.contains("secret"));
        assert!(html.contains("<code>") && html.contains("reference"));
    }
}
