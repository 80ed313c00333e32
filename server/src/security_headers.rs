//! Headers that make every response safer to handle in a browser: a Content-Security-Policy
//! (pages run only the scripts the server wrote into them, carried by a per-request nonce, and
//! the theme script by its hash; nothing may frame them), `X-Content-Type-Options: nosniff` and
//! `Referrer-Policy: same-origin`.

use std::sync::{Arc, LazyLock};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Response, header};
use axum::middleware::Next;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use leptos::nonce::Nonce;
use sha2::{Digest, Sha256};

/// The theme script's CSP source: `'sha256-…'` of its text.
static THEME_SCRIPT_HASH: LazyLock<String> = LazyLock::new(|| {
    let digest = Sha256::digest(app::components::theme::THEME_BOOT_SCRIPT.as_bytes());
    format!("'sha256-{}'", STANDARD.encode(digest))
});

/// What responses that are not pages may do: nothing.
const NOT_A_PAGE: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// The policy of a page whose scripts carry `nonce`. `form_targets` are origins besides the
/// console's that a form may lead to (the identity provider, after signing out).
pub fn page_policy(nonce: &str, form_targets: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' {theme} 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'{space}{form_targets}; frame-ancestors 'none'",
        theme = *THEME_SCRIPT_HASH,
        space = if form_targets.is_empty() { "" } else { " " },
    )
}

/// Gives the request a nonce for the page's scripts ([`Nonce`] in its extensions, read by the
/// Leptos context) and sets the headers on the response. `form_targets` as [`page_policy`].
pub async fn set(State(form_targets): State<Arc<str>>, mut request: Request, next: Next) -> Response<Body> {
    let nonce = Nonce::new();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"));
    let policy = match is_page {
        true => page_policy(&nonce, &form_targets),
        false => NOT_A_PAGE.to_string(),
    };
    let headers = response.headers_mut();
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

/// Makes the request's nonce the one Leptos writes on the scripts it renders (called in the
/// Leptos context of every page).
pub fn provide_page_nonce() {
    if let Some(parts) = leptos::prelude::use_context::<http::request::Parts>()
        && let Some(nonce) = parts.extensions.get::<Nonce>()
    {
        leptos::prelude::provide_context(nonce.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_may_run_only_its_own_scripts_and_no_one_may_frame_it() {
        let policy = page_policy("abc", "https://id.example.com");
        assert!(policy.contains("script-src 'self' 'nonce-abc' 'sha256-"), "{policy}");
        assert!(!policy.contains("unsafe-inline"), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(policy.contains("form-action 'self' https://id.example.com;"), "{policy}");
        assert!(page_policy("abc", "").contains("form-action 'self';"));
    }
}
