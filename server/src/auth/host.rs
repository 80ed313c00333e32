//! Local mode trusts everyone who can reach the console, so it must not be reachable through
//! another name: a page on another site whose name resolves to 127.0.0.1 (DNS rebinding) would
//! otherwise be the local admin. Requests must name the listen address, `localhost` on its
//! port, or the configured public URL's host.

use axum::extract::Request;
use axum::http::header;

use super::Auth;

/// Whether the request's host (`Host`, or the HTTP/2 authority) is one local mode answers to. A
/// request naming no host at all comes from no browser and is let through.
pub fn is_allowed(auth: &Auth, request: &Request) -> bool {
    let named = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| request.uri().authority().map(|a| a.to_string()));
    let Some(host) = named else {
        return true;
    };
    let host = host.to_ascii_lowercase();
    let port = auth.listen.port();
    let public =
        auth.public_url.split("://").nth(1).unwrap_or_default().split('/').next().unwrap_or_default();
    host == auth.listen.to_string()
        || host == format!("localhost:{port}")
        || (port == 80 && (host == "localhost" || host == auth.listen.ip().to_string()))
        || (!public.is_empty() && host == public.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use axum::body::Body;

    use super::*;
    use crate::config::Settings;
    use crate::projects::Projects;

    fn request(host: Option<&str>) -> Request {
        let mut request = Request::get("/clusters");
        if let Some(host) = host {
            request = request.header(header::HOST, host);
        }
        request.body(Body::empty()).unwrap()
    }

    #[test]
    fn only_the_listen_address_and_localhost_are_answered() {
        let mut settings = Settings::load_from(["pilothouse"], |_| None).unwrap();
        settings.listen = "127.0.0.1:3000".parse().unwrap();
        let auth = Auth::from_settings(&settings, Projects::default(), None).unwrap();
        for host in ["127.0.0.1:3000", "localhost:3000", "LOCALHOST:3000"] {
            assert!(is_allowed(&auth, &request(Some(host))), "{host}");
        }
        for host in ["evil.example:3000", "evil.example", "127.0.0.1:3001", "localhost", "127.0.0.2:3000"] {
            assert!(!is_allowed(&auth, &request(Some(host))), "{host}");
        }
        assert!(is_allowed(&auth, &request(None)));
    }
}
