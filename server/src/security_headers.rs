//! Headers that make every response safer to handle in a browser: a Content-Security-Policy
//! (a page runs only the inline scripts the server wrote into it, each allowed by its SHA-256,
//! plus the bundle from the console's own origin; nothing may frame it),
//! `X-Content-Type-Options: nosniff` and `Referrer-Policy: same-origin`.
//!
//! Hashes rather than a per-response nonce: the policy follows from the page's text alone, so a
//! rendered page can be served again ([`crate::page_cache`]) with the same policy.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Response, StatusCode, header};
use axum::middleware::Next;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

/// What responses that are not pages may do: nothing.
const NOT_A_PAGE: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// The largest page read whole to find its scripts.
pub const MAX_PAGE_BYTES: usize = 32 * 1024 * 1024;

/// The policy of the page `html`: its inline scripts allowed by hash. `form_targets` are
/// origins besides the console's that a form may lead to (the identity provider, after
/// signing out).
pub fn page_policy(html: &[u8], form_targets: &str) -> String {
    let mut hashes: Vec<String> = inline_scripts(html)
        .into_iter()
        .map(|script| format!(" 'sha256-{}'", STANDARD.encode(Sha256::digest(script))))
        .collect();
    hashes.sort();
    hashes.dedup();
    format!(
        "default-src 'self'; script-src 'self'{hashes} 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'{space}{form_targets}; frame-ancestors 'none'",
        hashes = hashes.concat(),
        space = if form_targets.is_empty() { "" } else { " " },
    )
}

/// The texts of the `<script>` elements of `html` that have no `src`, as a browser would run
/// them: tags are read with their quoted attribute values, comments skipped, so text that only
/// looks like a script (inside an attribute or a comment) is not taken for one.
fn inline_scripts(html: &[u8]) -> Vec<&[u8]> {
    let mut scripts = Vec::new();
    let mut at = 0;
    while let Some(offset) = html[at..].iter().position(|&b| b == b'<') {
        let start = at + offset;
        let rest = &html[start..];
        if rest.starts_with(b"<!--") {
            at = find(html, start + 4, b"-->").map_or(html.len(), |end| end + 3);
            continue;
        }
        let tag_end = end_of_tag(html, start + 1);
        let is_script = rest.len() > 7
            && rest[1..7].eq_ignore_ascii_case(b"script")
            && matches!(rest[7], b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/');
        if !is_script {
            at = tag_end;
            continue;
        }
        let tag = &html[start..tag_end];
        let content_end = find_ignoring_case(html, tag_end, b"</script").unwrap_or(html.len());
        if !has_src(tag) {
            scripts.push(&html[tag_end..content_end]);
        }
        at = content_end;
    }
    scripts
}

/// Just past the `>` that ends the tag whose name starts at `from`, quoted values skipped.
fn end_of_tag(html: &[u8], from: usize) -> usize {
    let mut quote = None;
    for (i, &b) in html.iter().enumerate().skip(from) {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if b == q => quote = None,
            (None, b'>') => return i + 1,
            _ => {}
        }
    }
    html.len()
}

/// Whether the start tag `tag` has a `src` attribute (outside quoted values).
fn has_src(tag: &[u8]) -> bool {
    let mut quote = None;
    for (i, &b) in tag.iter().enumerate() {
        match (quote, b) {
            (None, b'"' | b'\'') => quote = Some(b),
            (Some(q), _) if b == q => quote = None,
            (None, b' ' | b'\t' | b'\n' | b'\r') => {
                let name = &tag[i + 1..];
                let end =
                    name.iter().position(|c| matches!(c, b'=' | b' ' | b'>' | b'/')).unwrap_or(name.len());
                if name[..end].eq_ignore_ascii_case(b"src") {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

fn find(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    haystack.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|i| from + i)
}

fn find_ignoring_case(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    haystack.get(from..)?.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle)).map(|i| from + i)
}

/// Whether `response` is an HTML page.
pub fn is_page<B>(response: &Response<B>) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/html"))
}

/// The HTML page `response`, read whole, with its policy set; `None` when its body cannot be
/// read (too large, or it failed).
pub async fn with_page_policy(response: Response<Body>, form_targets: &str) -> Option<(Response<()>, Bytes)> {
    let (mut parts, body) = response.into_parts();
    let html = axum::body::to_bytes(body, MAX_PAGE_BYTES).await.ok()?;
    if let Ok(policy) = HeaderValue::from_str(&page_policy(&html, form_targets)) {
        parts.headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    Some((Response::from_parts(parts, ()), html))
}

/// Sets the headers on every response; a page that has no policy yet gets one from its scripts.
/// `form_targets` as [`page_policy`].
pub async fn set(State(form_targets): State<Arc<str>>, request: Request, next: Next) -> Response<Body> {
    let response = next.run(request).await;
    let mut response = match response.headers().contains_key(header::CONTENT_SECURITY_POLICY) {
        true => response,
        false if is_page(&response) => match with_page_policy(response, &form_targets).await {
            Some((head, html)) => head.map(|()| Body::from(html)),
            None => {
                let mut failed = Response::new(Body::empty());
                *failed.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
                failed
            }
        },
        false => {
            let mut response = response;
            response
                .headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(NOT_A_PAGE));
            response
        }
    };
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(text: &str) -> String {
        format!("'sha256-{}'", STANDARD.encode(Sha256::digest(text.as_bytes())))
    }

    #[test]
    fn a_page_may_run_only_its_own_scripts_and_no_one_may_frame_it() {
        let html = "<html><head><script>boot()</script><script type=\"module\">import x from \"/pkg/x.js\";</script>\
                    <script src=\"/pkg/y.js\"></script></head><body><SCRIPT>data=1</SCRIPT></body></html>";
        let policy = page_policy(html.as_bytes(), "https://id.example.com");
        for script in ["boot()", "import x from \"/pkg/x.js\";", "data=1"] {
            assert!(policy.contains(&hash(script)), "{script} in {policy}");
        }
        assert_eq!(policy.matches("'sha256-").count(), 3, "{policy}");
        assert!(policy.contains("script-src 'self' 'sha256-"), "{policy}");
        assert!(!policy.contains("unsafe-inline") && !policy.contains("nonce"), "{policy}");
        assert!(policy.contains("frame-ancestors 'none'"));
        assert!(policy.contains("form-action 'self' https://id.example.com;"), "{policy}");
        assert!(page_policy(b"", "").contains("form-action 'self';"));
    }

    #[test]
    fn text_that_only_looks_like_a_script_is_not_allowed() {
        let html = "<p title=\"<script>evil()</script>\">a</p><!-- <script>evil()</script> -->\
                    <div data-x='a>b'><script>good()</script></div><scripted>no</scripted>";
        let scripts: Vec<&[u8]> = inline_scripts(html.as_bytes());
        assert_eq!(scripts, vec![b"good()".as_slice()]);
    }

    #[test]
    fn external_scripts_are_not_hashed() {
        let scripts =
            inline_scripts(b"<script type=module src='/a.js'></script><script data-src=1>x</script>");
        assert_eq!(scripts, vec![b"x".as_slice()]);
    }
}
