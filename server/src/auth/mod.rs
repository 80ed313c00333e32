//! Who is using the console. With an OpenID Connect issuer configured, users sign in there
//! (`oidc`) and keep a server-side session (`store`, tower-sessions); their groups give them roles
//! per project. Without one, the console runs in local mode: a single local admin, allowed only
//! on a loopback address.
//!
//! [`gate`] runs before every route: it resolves the user (refreshing or ending the session as
//! needed), sends strangers to sign in, users without any role to the no-access page, and refuses
//! cross-site changes.

mod attempt;
mod host;
pub mod oidc;
mod refresh;
mod routes;
mod session;
pub mod store;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::bail;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use model::access::{ClientAddress, Membership, Role, User};
use model::activity::encode_query_value;
use tower_sessions::Session;

pub use routes::routes;
pub use session::session_allows;
use session::{NotSignedIn, signed_in};

use crate::config::Settings;
use crate::db::Db;
use crate::projects::Projects;
use oidc::{Oidc, OidcSettings};

/// The session key of the signed-in user.
const USER: &str = "user";
/// How long roles read from an ID token are trusted when there is no refresh token to read
/// them again with: then a silent re-authentication reads them, or the session ends.
pub const GROUPS_RECHECK: Duration = Duration::from_secs(15 * 60);
/// The page for users without any role.
pub const NO_ACCESS: &str = "/no-access";

/// How users are known.
#[derive(Debug)]
pub enum Mode {
    /// No identity provider: everyone is the local admin.
    Local,
    Oidc(Box<Oidc>),
}

/// The console's sign-in settings and the projects whose roles it hands out.
#[derive(Debug)]
pub struct Auth {
    pub mode: Mode,
    /// The console's public URL, without a trailing `/`.
    pub public_url: String,
    /// How long a session may last from sign-in, however active.
    pub lifetime: Duration,
    /// How long a session lasts without requests.
    pub idle: Duration,
    /// Whether the session cookie is marked Secure.
    pub secure_cookie: bool,
    pub projects: Projects,
    /// How long groups read from an ID token are trusted without a refresh token to read them
    /// again ([`GROUPS_RECHECK`]).
    pub groups_recheck: Duration,
    /// The address the console listens on; in local mode, requests must name it (or
    /// `localhost`) as their host.
    pub listen: SocketAddr,
    /// Token refreshes under way, so that concurrent requests of one session refresh once.
    refreshes: refresh::Refreshes,
    /// Sessions this replica read or wrote in the last few seconds ([`store::CachedSessionStore`]).
    pub sessions: store::SessionCache,
    /// How long after a user's groups were last read their API tokens keep working.
    pub token_groups_max_age: Duration,
}

/// The local admin's name.
pub const LOCAL_USER: &str = "local-admin";

impl Auth {
    /// The settings' sign-in mode; refuses local mode on an address other machines can reach.
    /// `extra_roots`: PEM certificates trusted for the issuer besides the public roots.
    pub fn from_settings(
        settings: &Settings,
        projects: Projects,
        extra_roots: Option<&Vec<u8>>,
    ) -> anyhow::Result<Self> {
        let public_url = settings
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", settings.listen))
            .trim_end_matches('/')
            .to_string();
        let mode = match &settings.oidc_issuer_url {
            None => {
                if !settings.listen.ip().is_loopback() {
                    bail!(
                        "no OpenID issuer is configured (PILOTHOUSE_OIDC_ISSUER_URL), so the console would run as a \
                         single local admin; that is allowed only on a loopback address, not {}",
                        settings.listen
                    );
                }
                Mode::Local
            }
            Some(issuer) => Mode::Oidc(Box::new(Oidc::new(OidcSettings {
                issuer: issuer.clone(),
                client_id: settings.oidc_client_id.clone(),
                client_secret: settings.oidc_client_secret.clone(),
                public_url: public_url.clone(),
                scopes: settings.oidc_scopes.split_whitespace().map(str::to_string).collect(),
                username_claim: settings.oidc_username_claim.clone(),
                groups_claim: settings.oidc_groups_claim.clone(),
                extra_roots: extra_roots.cloned(),
            })?)),
        };
        let loopback_http = public_url.starts_with("http://") && settings.listen.ip().is_loopback();
        Ok(Self {
            mode,
            public_url,
            lifetime: Duration::from_secs(settings.session_lifetime_hours * 3600),
            idle: Duration::from_secs(settings.session_idle_minutes * 60),
            secure_cookie: settings.cookie_secure.unwrap_or(!loopback_http),
            projects,
            listen: settings.listen,
            groups_recheck: GROUPS_RECHECK,
            refreshes: refresh::Refreshes::default(),
            sessions: store::SessionCache::default(),
            token_groups_max_age: Duration::from_secs(settings.token_groups_max_age_hours * 3600),
        })
    }

    pub fn is_local(&self) -> bool {
        matches!(self.mode, Mode::Local)
    }

    /// Where pages' forms may lead besides the console: the identity provider's origin, to
    /// which signing out redirects.
    pub fn form_targets(&self) -> Arc<str> {
        match &self.mode {
            Mode::Oidc(oidc) => oidc.issuer().splitn(4, '/').take(3).collect::<Vec<_>>().join("/").into(),
            Mode::Local => "".into(),
        }
    }

    /// `username` with `groups`, and the roles they give in each project.
    pub fn user(&self, username: &str, groups: &[String]) -> User {
        let memberships = self
            .projects
            .iter()
            .filter_map(|project| {
                let role = if self.is_local() { Some(Role::Admin) } else { project.groups.role_for(groups) };
                role.map(|role| Membership {
                    project_id: project.id.clone(),
                    project_name: project.name.clone(),
                    role,
                })
            })
            .collect();
        User {
            username: username.to_string(),
            groups: groups.to_vec(),
            local_mode: self.is_local(),
            memberships,
            via_token: None,
        }
    }

    /// The session cookie's name: with the `__Host-` prefix when it is Secure, so that no other
    /// host (a sibling subdomain) can set it.
    pub fn session_cookie_name(&self) -> &'static str {
        if self.secure_cookie { "__Host-pilothouse_session" } else { "pilothouse_session" }
    }

    /// The origin (`scheme://host:port`) pages are served from.
    fn origin(&self) -> &str {
        let after_scheme = self.public_url.find("://").map_or(0, |i| i + 3);
        match self.public_url[after_scheme..].find('/') {
            Some(slash) => &self.public_url[..after_scheme + slash],
            None => &self.public_url,
        }
    }
}

/// Paths anyone may reach: sign-in itself, probes, the static bundle, and the metrics (which
/// check their own token).
fn is_public(path: &str) -> bool {
    path.starts_with("/auth/")
        || path.starts_with("/pkg/")
        || matches!(path, "/healthz" | "/readyz" | "/favicon.svg" | "/favicon.ico" | "/metrics")
}

/// Paths answered with data rather than pages: refused with a status, never redirected.
fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

fn refuse(status: StatusCode, error: &str, message: &str) -> Response {
    let body = serde_json::json!({ "error": error, "message": message });
    (status, axum::Json(body)).into_response()
}

/// Only same-origin requests may change anything: a browser sends `Origin` (or `Sec-Fetch-Site`)
/// with every cross-site POST.
fn is_cross_site(auth: &Auth, request: &Request) -> bool {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return false;
    }
    let headers = request.headers();
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        return origin != auth.origin();
    }
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    matches!(site, Some("cross-site") | Some("same-site"))
}

/// The client's address, for the audit trail.
fn client_address(request: &Request) -> Option<String> {
    request.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip().to_string())
}

/// The secret of an `Authorization: Bearer` header.
fn bearer(request: &Request) -> Option<String> {
    let value = request.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, secret) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| secret.trim().to_string())
}

/// The refusal of a request whose token is not accepted (RFC 6750).
fn refuse_token(message: &str) -> Response {
    let mut response = refuse(StatusCode::UNAUTHORIZED, "token_refused", message);
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer error=\"invalid_token\""));
    response
}

/// What the sign-in gate needs.
pub type GateState = (Arc<Auth>, Db, Arc<crate::audit::Throttle>);

/// Resolves the user of every request, or sends them where they need to go.
pub async fn gate(
    State((auth, db, throttle)): State<GateState>,
    mut request: Request,
    next: Next,
) -> Response {
    if auth.is_local() && !host::is_allowed(&auth, &request) {
        return refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "wrong_host",
            "In local mode the console answers only to its own address and localhost.",
        );
    }
    if is_cross_site(&auth, &request) {
        return refuse(
            StatusCode::FORBIDDEN,
            "cross_site",
            "Changes are accepted only from the console's own pages.",
        );
    }
    // Recorded once for everything after the gate: audit events, sign-in routes, server functions.
    let address = client_address(&request);
    if let Some(address) = &address {
        request.extensions_mut().insert(ClientAddress(address.clone()));
    }
    let path = request.uri().path().to_string();
    if is_public(&path) {
        return next.run(request).await;
    }
    let token = bearer(&request);
    let user = match (&auth.mode, token) {
        (_, Some(_)) if !is_api(&path) => {
            return refuse(
                StatusCode::BAD_REQUEST,
                "token_not_for_pages",
                "API tokens are accepted by /api/ only; pages need a signed-in session.",
            );
        }
        (_, Some(secret)) => match crate::tokens::authenticate(&auth, &db, &secret, chrono::Utc::now()).await
        {
            Ok((user, used)) => {
                request.extensions_mut().insert(used);
                user
            }
            Err(refused) => {
                crate::tokens::audit_refusal(&db, &throttle, &refused, address).await;
                return refuse_token(&refused.to_string());
            }
        },
        (Mode::Local, None) => auth.user(LOCAL_USER, &[]),
        (Mode::Oidc(oidc), None) => {
            let Some(session) = request.extensions().get::<Session>().cloned() else {
                return refuse(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "no_session",
                    "Sessions are not available.",
                );
            };
            let wanted = request.uri().path_and_query().map_or("/", |p| p.as_str());
            let page = !is_api(&path) && request.method() == Method::GET;
            match signed_in(&auth, oidc, &db, &session, address, page).await {
                Ok(user) => user,
                Err(_) if is_api(&path) => {
                    return refuse(StatusCode::UNAUTHORIZED, "signed_out", "Sign in to use the console.");
                }
                Err(NotSignedIn::Recheck) => {
                    let next = encode_query_value(wanted);
                    return Redirect::to(&format!("/auth/login?silent=1&next={next}")).into_response();
                }
                Err(NotSignedIn::SignedOut) => {
                    let next = encode_query_value(wanted);
                    return Redirect::to(&format!("/auth/login?next={next}")).into_response();
                }
            }
        }
    };
    if !user.has_access() && path != NO_ACCESS {
        if user.via_token.is_some() {
            return refuse(
                StatusCode::FORBIDDEN,
                "no_access",
                "Your groups no longer give you a role in this token's project.",
            );
        }
        if is_api(&path) {
            return refuse(
                StatusCode::FORBIDDEN,
                "no_access",
                "Your groups give you no role in any project.",
            );
        }
        return Redirect::to(NO_ACCESS).into_response();
    }
    request.extensions_mut().insert(user);
    next.run(request).await
}

/// `next` when it is a path of this console (`/clusters?x=1`); `/` otherwise, so sign-in never
/// sends anyone to another site. Only the characters of a URL's path and query are accepted (RFC
/// 3986), and the path must stay harmless once its percent-escapes are decoded too: no control
/// characters, whitespace or backslashes, which browsers drop or turn into `/`, and no `//`
/// start, which names another host.
pub fn same_origin_path(next: Option<&str>) -> String {
    fn url_char(c: char) -> bool {
        c.is_ascii_alphanumeric() || "-._~!$&'()*+,;=:@/?%".contains(c)
    }
    fn harmless(path: &str) -> bool {
        let before_query = path.split('?').next().unwrap_or_default();
        path.starts_with('/')
            && !path.starts_with("//")
            && !path.chars().any(|c| c.is_control() || c == '\\')
            && !before_query.chars().any(char::is_whitespace)
    }
    match next {
        Some(path) if path.chars().all(url_char) && !path.starts_with("/auth/") => {
            let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
            match harmless(path) && harmless(&decoded) {
                true => path.to_string(),
                false => "/".to_string(),
            }
        }
        _ => "/".to_string(),
    }
}

/// A page response.
fn html(status: StatusCode, page: String) -> Response {
    let mut response = Response::new(Body::from(page));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, header::HeaderValue::from_static("text/html; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_of_this_console_are_returned_to() {
        assert_eq!(same_origin_path(Some("/clusters?region=GRA11")), "/clusters?region=GRA11");
        for hostile in [
            "https://evil.example/",
            "//evil.example/x",
            "/\\evil.example",
            "/a\r\nSet-Cookie: x",
            "/auth/logout",
            "/\t/evil.example",
            "/%09/evil.example",
            "/%2F/evil.example",
            "/%2fevil.example",
            "/%5C/evil.example",
            "/%5cevil.example",
            "/\u{3000}/evil.example",
            "/\u{a0}/evil.example",
            "/ /evil.example",
            "/clusters\\x",
            "/\n/evil.example",
            "/%E3%80%80/evil.example",
            "/%0d%0aSet-Cookie:x",
        ] {
            assert_eq!(same_origin_path(Some(hostile)), "/", "{hostile:?}");
        }
        assert_eq!(same_origin_path(None), "/");
        assert_eq!(
            same_origin_path(Some("/activity?since=2026-11-27&q=a%20b")),
            "/activity?since=2026-11-27&q=a%20b"
        );
    }

    #[test]
    fn local_mode_is_refused_off_loopback() {
        let mut settings = Settings::load_from(["pilothouse"], |_| None).unwrap();
        settings.listen = "0.0.0.0:3000".parse().unwrap();
        let error = Auth::from_settings(&settings, Projects::default(), None).unwrap_err();
        assert!(error.to_string().contains("only on a loopback address"), "{error}");
        settings.listen = "127.0.0.1:3000".parse().unwrap();
        let auth = Auth::from_settings(&settings, Projects::default(), None).unwrap();
        assert!(auth.is_local() && !auth.secure_cookie);
        assert_eq!(auth.origin(), "http://127.0.0.1:3000");
    }

    #[test]
    fn cookies_are_secure_unless_served_over_http_on_loopback() {
        let mut settings = Settings::load_from(["pilothouse"], |_| None).unwrap();
        settings.oidc_issuer_url = Some("https://id.example.com".into());
        settings.public_url = Some("https://console.example.com/".into());
        let auth = Auth::from_settings(&settings, Projects::default(), None).unwrap();
        assert!(auth.secure_cookie);
        assert_eq!(auth.public_url, "https://console.example.com");
    }
}
