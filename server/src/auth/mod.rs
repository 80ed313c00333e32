//! Who is using the console. With an OpenID Connect issuer configured, users sign in there
//! (`oidc`) and keep a server-side session (`store`, tower-sessions); their groups give them roles
//! per project. Without one, the console runs in local mode: a single local admin, allowed only
//! on a loopback address.
//!
//! [`gate`] runs before every route: it resolves the user (refreshing or ending the session as
//! needed), sends strangers to sign in, users without any role to the no-access page, and refuses
//! cross-site changes.

pub mod oidc;
mod routes;
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
use chrono::Utc;
use model::access::{ClientAddress, Membership, Role, User};
use model::activity::encode_query_value;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

pub use routes::routes;

use crate::audit::{self, AuditEvent};
use crate::config::Settings;
use crate::db::Db;
use crate::projects::Projects;
use oidc::{Oidc, OidcSettings};

/// The session key of the signed-in user.
const USER: &str = "user";
/// The session key of a sign-in in progress.
const ATTEMPT: &str = "sign_in";
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
}

/// What the session holds about its user.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct SessionUser {
    username: String,
    groups: Vec<String>,
    /// Unix seconds.
    signed_in_at: i64,
    refresh_token: Option<String>,
    /// Unix seconds; refreshed after this.
    access_expires_at: Option<i64>,
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
        })
    }

    pub fn is_local(&self) -> bool {
        matches!(self.mode, Mode::Local)
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
        }
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

/// Paths anyone may reach: sign-in itself, probes, and the static bundle.
fn is_public(path: &str) -> bool {
    path.starts_with("/auth/")
        || path.starts_with("/pkg/")
        || matches!(path, "/healthz" | "/readyz" | "/favicon.svg" | "/favicon.ico")
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

/// Resolves the user of every request, or sends them where they need to go.
pub async fn gate(State((auth, db)): State<(Arc<Auth>, Db)>, mut request: Request, next: Next) -> Response {
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
    let user = match &auth.mode {
        Mode::Local => auth.user(LOCAL_USER, &[]),
        Mode::Oidc(oidc) => {
            let Some(session) = request.extensions().get::<Session>().cloned() else {
                return refuse(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "no_session",
                    "Sessions are not available.",
                );
            };
            match signed_in(&auth, oidc, &db, &session, address).await {
                Some(user) => user,
                None if is_api(&path) => {
                    return refuse(StatusCode::UNAUTHORIZED, "signed_out", "Sign in to use the console.");
                }
                None => {
                    let wanted = request.uri().path_and_query().map_or("/", |p| p.as_str());
                    let next = encode_query_value(wanted);
                    return Redirect::to(&format!("/auth/login?next={next}")).into_response();
                }
            }
        }
    };
    if !user.has_access() && path != NO_ACCESS {
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

/// The session's user, after the checks that may end the session: its absolute lifetime, and
/// the issuer's refusal to refresh an expired access token.
async fn signed_in(
    auth: &Auth,
    oidc: &Oidc,
    db: &Db,
    session: &Session,
    address: Option<String>,
) -> Option<User> {
    let mut kept: SessionUser = session.get(USER).await.ok().flatten()?;
    let now = Utc::now().timestamp();
    let ended = |reason: &'static str| AuditEvent {
        project_id: None,
        actor: kept.username.clone(),
        actor_address: address.clone(),
        action: format!("session.{reason}"),
        target_kind: None,
        target_id: None,
        target_name: None,
        outcome: "succeeded",
        operation_id: None,
    };
    if now - kept.signed_in_at > auth.lifetime.as_secs() as i64 {
        let _ = audit::record(db, &ended("expired"), Utc::now()).await;
        let _ = session.flush().await;
        return None;
    }
    if let (Some(expires_at), Some(refresh)) = (kept.access_expires_at, kept.refresh_token.clone())
        && now >= expires_at
    {
        match oidc.refresh(&refresh).await {
            Some((new_refresh, expires_in)) => {
                kept.refresh_token = new_refresh.or(Some(refresh));
                kept.access_expires_at = expires_in.map(|d| now + d.as_secs() as i64);
                let _ = session.insert(USER, &kept).await;
            }
            None => {
                let _ = audit::record(db, &ended("refresh_refused"), Utc::now()).await;
                let _ = session.flush().await;
                return None;
            }
        }
    }
    Some(auth.user(&kept.username, &kept.groups))
}

/// `next` when it is a path of this console (`/clusters?x=1`); `/` otherwise, so sign-in never
/// sends anyone to another site.
pub fn same_origin_path(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.contains(['\r', '\n'])
                && !path.starts_with("/auth/") =>
        {
            path.to_string()
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
        ] {
            assert_eq!(same_origin_path(Some(hostile)), "/", "{hostile:?}");
        }
        assert_eq!(same_origin_path(None), "/");
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
