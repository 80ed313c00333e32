//! Sign-in against a stand-in OpenID provider whose answers each test shapes: the happy path
//! (session id rotated, user resolved, audited), and each failure of the callback — wrong state,
//! replayed code, wrong nonce, expired or wrongly signed ID token, provider down — ending on a
//! clear page with no session and an audit event. Runs on both backends, so the session store
//! is tested on both.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use axum::extract::{Form, State};
use axum::http::Request;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{Duration, Utc};
use openidconnect::core::{CoreHmacKey, CoreIdToken, CoreIdTokenClaims, CoreJwsSigningAlgorithm};
use openidconnect::{Audience, EmptyAdditionalClaims, IssuerUrl, Nonce, StandardClaims, SubjectIdentifier};
use serde_json::json;
use server::config::Settings;
use server::projects::{Projects, RoleGroups};

use crate::helpers::{TestApp, TestResponse, count};

const CLIENT: &str = "pilothouse";
const SECRET: &str = "a-client-secret-long-enough-for-hs256";

/// Shapes the next ID token for a sign-in that asked for the given nonce.
type ShapeFor = fn(&mut Shape, &str);

/// How the stand-in provider signs its next ID token.
#[derive(Default)]
pub struct Shape {
    pub nonce: Option<String>,
    pub expired: bool,
    pub wrong_key: bool,
    /// Access tokens that expire at once, with a refresh token.
    pub short_lived: bool,
    pub refuse_refresh: bool,
}

pub struct Provider {
    pub issuer: String,
    pub shape: Mutex<Shape>,
    used_codes: Mutex<HashSet<String>>,
    pub refreshes: Mutex<u32>,
    /// The groups userinfo says alice is in.
    pub groups: Mutex<Vec<String>>,
}

async fn discovery(State(p): State<Arc<Provider>>) -> Json<serde_json::Value> {
    let i = &p.issuer;
    Json(json!({
        "issuer": i,
        "authorization_endpoint": format!("{i}/auth"),
        "token_endpoint": format!("{i}/token"),
        "userinfo_endpoint": format!("{i}/userinfo"),
        "jwks_uri": format!("{i}/jwks"),
        "end_session_endpoint": format!("{i}/session/end"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["HS256"],
    }))
}

async fn token(
    State(p): State<Arc<Provider>>,
    Form(form): Form<Vec<(String, String)>>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    if field("grant_type") == "refresh_token" {
        *p.refreshes.lock().unwrap() += 1;
        // Slow enough that concurrent requests overlap.
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        if p.shape.lock().unwrap().refuse_refresh {
            let error = json!({ "error": "invalid_grant", "error_description": "refresh token revoked" });
            return (axum::http::StatusCode::BAD_REQUEST, Json(error)).into_response();
        }
        let answer = json!({ "access_token": "access-2", "token_type": "Bearer", "expires_in": 0, "refresh_token": "refresh-2" });
        return Json(answer).into_response();
    }
    let code = field("code");
    if !p.used_codes.lock().unwrap().insert(code) {
        let error = json!({ "error": "invalid_grant", "error_description": "code already used" });
        return (axum::http::StatusCode::BAD_REQUEST, Json(error)).into_response();
    }
    let shape = p.shape.lock().unwrap();
    let now = Utc::now();
    let expiry = if shape.expired { now - Duration::minutes(5) } else { now + Duration::minutes(5) };
    let claims = CoreIdTokenClaims::new(
        IssuerUrl::new(p.issuer.clone()).unwrap(),
        vec![Audience::new(CLIENT.into())],
        expiry,
        now - Duration::minutes(6),
        StandardClaims::new(SubjectIdentifier::new("alice".into())),
        EmptyAdditionalClaims {},
    )
    .set_nonce(shape.nonce.clone().map(Nonce::new));
    let key = CoreHmacKey::new(if shape.wrong_key { "some-other-secret-entirely-not-it" } else { SECRET });
    let id_token = CoreIdToken::new(claims, &key, CoreJwsSigningAlgorithm::HmacSha256, None, None).unwrap();
    let mut answer = json!({
        "access_token": "access-1",
        "token_type": "Bearer",
        "expires_in": 300,
        "id_token": id_token.to_string(),
    });
    if shape.short_lived {
        answer["expires_in"] = json!(0);
        answer["refresh_token"] = json!("refresh-1");
    }
    Json(answer).into_response()
}

async fn userinfo(State(p): State<Arc<Provider>>) -> Json<serde_json::Value> {
    let groups = p.groups.lock().unwrap().clone();
    Json(json!({ "sub": "alice", "preferred_username": "alice", "groups": groups }))
}

/// Starts the stand-in provider; returns it and the task serving it.
pub async fn provider() -> (Arc<Provider>, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let issuer = format!("http://{}", listener.local_addr().unwrap());
    let provider = Arc::new(Provider {
        issuer,
        shape: Mutex::default(),
        used_codes: Mutex::default(),
        refreshes: Mutex::default(),
        groups: Mutex::new(vec!["admins".into()]),
    });
    let app = Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/token", post(token))
        .route("/userinfo", get(userinfo))
        .route("/jwks", get(|| async { Json(json!({ "keys": [] })) }))
        .with_state(provider.clone());
    let task = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (provider, task)
}

/// A console signing in at `issuer`, in which the group `admins` is admin and `viewers` viewer
/// of the cloud's project.
pub async fn console(issuer: &str) -> TestApp {
    let groups =
        RoleGroups { admin: vec!["admins".into()], viewer: vec!["viewers".into()], ..RoleGroups::default() };
    console_in(issuer, crate::cloud::Cloud::start().await.projects_with(groups)).await
}

/// A console signing in at `issuer`, acting in `projects`.
pub async fn console_in(issuer: &str, projects: Projects) -> TestApp {
    let mut settings = Settings::load_from(["pilothouse"], |_| None).unwrap();
    settings.oidc_issuer_url = Some(issuer.to_string());
    settings.oidc_client_id = CLIENT.into();
    settings.oidc_client_secret = Some(serde_json::from_value(json!(SECRET)).unwrap());
    settings.role_admin_groups = vec!["admins".into()];
    settings.public_url = Some("http://127.0.0.1:3000".into());
    TestApp::with_settings(settings, projects).await
}

/// The `name=value` pair of the cookie `name` that `response` sets, if it sets one with a value.
pub fn set_cookie(response: &TestResponse, name: &str) -> Option<String> {
    response.headers.get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).find_map(|v| {
        let pair = v.split(';').next().unwrap();
        pair.strip_prefix(&format!("{name}=")).filter(|value| !value.is_empty()).map(|_| pair.to_string())
    })
}

/// The session cookie (`pilothouse_session=…`) `response` sets.
pub fn session_cookie(response: &TestResponse) -> Option<String> {
    set_cookie(response, "pilothouse_session")
}

/// `path` with these cookies (`a=1; b=2`).
pub async fn visit(app: &TestApp, path: &str, cookies: Option<&str>) -> TestResponse {
    let mut request = Request::get(path);
    if let Some(cookies) = cookies {
        request = request.header("cookie", cookies);
    }
    app.request(request.body(axum::body::Body::empty()).unwrap(), false).await
}

pub fn query_value(url: &str, name: &str) -> String {
    let query = url.split_once('?').unwrap().1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("{name} in {url}"))
        .to_string()
}

/// Starts a sign-in for `/activity`; returns the sign-in cookie, the state and the nonce. No
/// session is created for it.
pub async fn start(app: &TestApp) -> (String, String, String) {
    let response = visit(app, "/auth/login?next=%2Factivity", None).await;
    assert_eq!(response.status, 303, "{}", response.text());
    assert_eq!(session_cookie(&response), None, "no session before signing in");
    let location = response.header("location").unwrap().to_string();
    assert!(location.contains("code_challenge_method=S256"), "{location}");
    (
        set_cookie(&response, "pilothouse_sign_in").expect("the sign-in cookie"),
        query_value(&location, "state"),
        query_value(&location, "nonce"),
    )
}

pub async fn failed_sign_ins(app: &TestApp) -> i64 {
    count(app, "SELECT COUNT(*) FROM audit_events WHERE action = 'session.sign_in' AND outcome = 'failed'")
        .await
}

/// Whether `cookie` carries a signed-in session: a page then renders instead of leading to sign-in.
pub async fn is_signed_in(app: &TestApp, cookie: &str) -> bool {
    let response = visit(app, "/plans", Some(cookie)).await;
    response.status == 200
}

#[tokio::test(flavor = "multi_thread")]
async fn signing_in_starts_a_new_session_and_returns_to_the_page_asked_for() {
    let (provider, _task) = provider().await;
    let app = console(&provider.issuer).await;
    assert_eq!(visit(&app, "/activity", None).await.header("location"), Some("/auth/login?next=/activity"));
    let (attempt, state, nonce) = start(&app).await;
    provider.shape.lock().unwrap().nonce = Some(nonce);
    // An id planted before sign-in is worth nothing after it.
    let planted = "pilothouse_session=planted-by-someone-else";
    let back =
        visit(&app, &format!("/auth/callback?code=c1&state={state}"), Some(&format!("{attempt}; {planted}")))
            .await;
    assert_eq!(back.status, 303, "{}", back.text());
    assert_eq!(back.header("location"), Some("/activity"));
    let signed_in = session_cookie(&back).expect("a session");
    assert_ne!(signed_in, planted);
    assert_eq!(set_cookie(&back, "pilothouse_sign_in"), None, "the sign-in cookie is removed");
    assert!(is_signed_in(&app, &signed_in).await);
    assert!(!is_signed_in(&app, planted).await);
    let ok = "SELECT COUNT(*) FROM audit_events WHERE action = 'session.sign_in' AND outcome = 'succeeded' AND actor = 'alice'";
    assert_eq!(count(&app, ok).await, 1);

    // The same code and state again, with a copy of the old sign-in cookie: refused by the
    // issuer, audited, and the session already there stays.
    let replay = visit(
        &app,
        &format!("/auth/callback?code=c1&state={state}"),
        Some(&format!("{attempt}; {signed_in}")),
    )
    .await;
    assert_eq!(replay.status, 400);
    assert!(replay.text().contains("code already used"), "{}", replay.text());
    assert_eq!(failed_sign_ins(&app).await, 1);
    assert!(is_signed_in(&app, &signed_in).await, "a failed callback leaves the session alone");
    // And without any sign-in in progress.
    let stray = visit(&app, &format!("/auth/callback?code=c1&state={state}"), Some(&signed_in)).await;
    assert!(stray.text().contains("no sign-in was in progress"), "{}", stray.text());
    assert!(is_signed_in(&app, &signed_in).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn each_bad_callback_ends_on_a_clear_page_with_no_session_and_an_audit_event() {
    let (provider, task) = provider().await;
    let app = console(&provider.issuer).await;
    let cases: [(&str, ShapeFor, &str); 4] = [
        ("wrong state", |s, n| s.nonce = Some(n.into()), "does not belong"),
        ("wrong nonce", |s, _| s.nonce = Some("not-the-nonce".into()), "ID token is not valid"),
        (
            "expired",
            |s, n| {
                s.nonce = Some(n.into());
                s.expired = true;
            },
            "ID token is not valid",
        ),
        (
            "wrongly signed",
            |s, n| {
                *s = Shape { nonce: Some(n.into()), wrong_key: true, ..Shape::default() };
            },
            "ID token is not valid",
        ),
    ];
    for (i, (case, shape, says)) in cases.into_iter().enumerate() {
        let (cookie, state, nonce) = start(&app).await;
        shape(&mut provider.shape.lock().unwrap(), &nonce);
        let state = if case == "wrong state" { "forged".to_string() } else { state };
        let page = visit(&app, &format!("/auth/callback?code=code-{i}&state={state}"), Some(&cookie)).await;
        assert_eq!(page.status, 400, "{case}: {}", page.text());
        assert!(
            page.text().contains("Sign-in failed") && page.text().contains(says),
            "{case}: {}",
            page.text()
        );
        assert!(!page.text().contains(SECRET));
        assert_eq!(session_cookie(&page), None, "{case}: no session");
        assert_eq!(failed_sign_ins(&app).await, i as i64 + 1, "{case}: audited");
        *provider.shape.lock().unwrap() = Shape::default();
    }

    // The provider goes away between the start and the end of a sign-in.
    let (cookie, state, _) = start(&app).await;
    task.abort();
    let _ = task.await;
    let page = visit(&app, &format!("/auth/callback?code=late&state={state}"), Some(&cookie)).await;
    assert_eq!(page.status, 400);
    assert!(page.text().contains("cannot be reached"), "{}", page.text());
    assert_eq!(failed_sign_ins(&app).await, 5);
    let down = visit(&app, "/auth/login", None).await;
    assert_eq!(down.status, 303, "metadata is kept, so the start still works: {}", down.text());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_provider_that_was_never_reached_gives_a_clear_page() {
    let app = console("http://127.0.0.1:9").await;
    let page = visit(&app, "/auth/login?next=/clusters", None).await;
    assert_eq!(page.status, 502);
    assert!(
        page.text().contains("cannot be reached") && page.text().contains("Try again"),
        "{}",
        page.text()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn expired_sessions_are_deleted_from_the_store() {
    use tower_sessions::session::{Id, Record};
    use tower_sessions::session_store::SessionStore;
    let app = TestApp::with_projects(Projects::default()).await;
    let store = server::auth::store::DbSessionStore::new(&app.db);
    let mut record = Record {
        id: Id::default(),
        data: Default::default(),
        expiry_date: time::OffsetDateTime::now_utc() - time::Duration::minutes(1),
    };
    store.create(&mut record).await.unwrap();
    let mut live = Record {
        id: Id::default(),
        data: Default::default(),
        expiry_date: time::OffsetDateTime::now_utc() + time::Duration::hours(1),
    };
    store.create(&mut live).await.unwrap();
    store.delete_expired().await.unwrap();
    assert!(store.load(&record.id).await.unwrap().is_none());
    assert!(store.load(&live.id).await.unwrap().is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn an_expired_access_token_is_refreshed_and_a_refused_refresh_ends_the_session() {
    let (provider, _task) = provider().await;
    let app = console(&provider.issuer).await;
    let (cookie, state, nonce) = start(&app).await;
    *provider.shape.lock().unwrap() = Shape { nonce: Some(nonce), short_lived: true, ..Shape::default() };
    let back = visit(&app, &format!("/auth/callback?code=r1&state={state}"), Some(&cookie)).await;
    let session = session_cookie(&back).unwrap();
    assert!(is_signed_in(&app, &session).await, "refreshed, still signed in");
    assert!(is_signed_in(&app, &session).await);
    assert_eq!(*provider.refreshes.lock().unwrap(), 2, "one refresh per expired access token");

    provider.shape.lock().unwrap().refuse_refresh = true;
    assert!(!is_signed_in(&app, &session).await, "the issuer revoked it: signed out");
    let ended =
        "SELECT COUNT(*) FROM audit_events WHERE action = 'session.refresh_refused' AND actor = 'alice'";
    assert_eq!(count(&app, ended).await, 1);
}
