//! A sign-in in progress lives in a short-lived cookie of its own, not in a session: an
//! anonymous visit to `/auth/login` then writes nothing to the database, and a session row is
//! created only once someone has signed in. The cookie is HttpOnly, lasts ten minutes, is sent
//! back on the identity provider's top-level redirect (SameSite=Lax), and carries the `__Host-`
//! prefix when Secure so that no other site can plant one.

use axum::http::{HeaderMap, HeaderValue, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use tower_sessions::cookie::{Cookie, SameSite};

use super::oidc::Attempt;

/// How long a sign-in may take at the identity provider.
const LIFETIME_SECONDS: i64 = 600;

/// The cookie's name: with the `__Host-` prefix when it is Secure.
pub fn name(secure: bool) -> &'static str {
    if secure { "__Host-pilothouse_sign_in" } else { "pilothouse_sign_in" }
}

fn cookie(secure: bool, value: String, max_age: i64) -> HeaderValue {
    let cookie = Cookie::build((name(secure), value))
        .path("/")
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Lax)
        .max_age(time::Duration::seconds(max_age))
        .build();
    HeaderValue::from_str(&cookie.to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The `Set-Cookie` value that keeps `attempt` until the browser comes back.
pub fn keep(attempt: &Attempt, secure: bool) -> HeaderValue {
    let json = serde_json::to_vec(attempt).unwrap_or_default();
    cookie(secure, URL_SAFE_NO_PAD.encode(json), LIFETIME_SECONDS)
}

/// The `Set-Cookie` value that removes it.
pub fn forget(secure: bool) -> HeaderValue {
    cookie(secure, String::new(), 0)
}

/// The attempt the request's cookie carries, if any.
pub fn read(headers: &HeaderMap, secure: bool) -> Option<Attempt> {
    let wanted = name(secure);
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == wanted)
        .and_then(|cookie| URL_SAFE_NO_PAD.decode(cookie.value()).ok())
        .and_then(|json| serde_json::from_slice(&json).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt() -> Attempt {
        Attempt {
            state: "s".into(),
            nonce: "n".into(),
            pkce_verifier: "v".into(),
            next: "/clusters".into(),
            silent: false,
        }
    }

    #[test]
    fn an_attempt_comes_back_from_its_cookie() {
        for secure in [false, true] {
            let set = keep(&attempt(), secure);
            let set = set.to_str().unwrap();
            assert!(set.contains("HttpOnly") && set.contains("SameSite=Lax") && set.contains("Max-Age=600"));
            assert_eq!(set.contains("Secure"), secure);
            assert_eq!(set.starts_with("__Host-"), secure);
            let pair = set.split(';').next().unwrap();
            let mut headers = HeaderMap::new();
            headers.insert(header::COOKIE, HeaderValue::from_str(&format!("other=1; {pair}")).unwrap());
            let back = read(&headers, secure).expect("the attempt");
            assert_eq!((back.state.as_str(), back.next.as_str()), ("s", "/clusters"));
            assert!(forget(secure).to_str().unwrap().contains("Max-Age=0"));
        }
    }

    #[test]
    fn a_garbled_cookie_is_no_attempt() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("pilothouse_sign_in=%%%"));
        assert!(read(&headers, false).is_none());
    }
}
