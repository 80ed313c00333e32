//! The console's security promises, through HTTP, on both backends: ids that cannot leave their
//! project, no open redirect, bounded and throttled audit input, defused CSV exports, bounded
//! live streams that end with their session, an idle timeout that follows activity, failed
//! callbacks that sign nobody out, idempotency keys that cannot answer for another change, and
//! groups read again while a session lasts.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use chrono::Utc;
use model::activity::{AuditAction, Outcome};
use server::audit::{self, AuditEvent};
use server::live::{Intervals, Live, StreamLimits};
use tower::ServiceExt;

use crate::cloud::{Cloud, PROJECT, alice, drive, runner, spec};
use crate::helpers::{TestApp, TestResponse, count};
use crate::sign_in::{
    Provider, console, failed_sign_ins, is_signed_in, provider, session_cookie, start, visit,
};

/// Signs alice in at `provider` through the whole flow; returns her session cookie.
pub async fn sign_in(app: &TestApp, provider: &Provider) -> String {
    let (attempt, state, nonce) = start(app).await;
    provider.shape.lock().unwrap().nonce = Some(nonce);
    let back =
        visit(app, &format!("/auth/callback?code={}&state={state}", uuid::Uuid::new_v4()), Some(&attempt))
            .await;
    assert_eq!(back.status, 303, "{}", back.text());
    session_cookie(&back).expect("a session")
}

/// A server function called as a page calls it (form-encoded POST, same origin).
async fn call(app: &TestApp, function: &str, form: &str, cookie: Option<&str>) -> TestResponse {
    let mut request = Request::post(format!("/api/{function}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    app.request(request.body(Body::from(form.to_string())).unwrap(), false).await
}

/// A created cluster's id, its creation run to the end.
async fn cluster(cloud: &Cloud, app: &TestApp, name: &str) -> String {
    app.services().create_cluster(PROJECT, &alice(), &spec(name), None).await.unwrap();
    drive(cloud, &[&runner(app, "r1")], Utc::now(), 15).await;
    let clusters = cloud.client.list_clusters(crate::cloud::SERVICE).await.unwrap();
    clusters.into_iter().find(|c| c.name == name).unwrap().id
}

async fn operations(app: &TestApp) -> i64 {
    count(app, "SELECT COUNT(*) FROM operations").await
}

#[tokio::test(flavor = "multi_thread")]
async fn ids_from_requests_cannot_name_another_path() {
    let cloud = Cloud::start().await;
    let app = cloud.app().await;
    let hostile = "..%2F..%2F0123456789abcdef0123456789abcdef%2Fkube%2Fx";
    let refused =
        call(&app, "delete_cluster", &format!("project=default&cluster={hostile}&confirm=x"), None).await;
    assert_eq!(refused.status, 400, "{}", refused.text());
    assert!(refused.text().contains("This is not a cluster id"), "{}", refused.text());
    let pool = call(
        &app,
        "delete_node_pool",
        "project=default&cluster=019adbb1-cfa5-76ab-8c3d-1234567890ab&pool=..%2Fx",
        None,
    )
    .await;
    assert_eq!(pool.status, 400, "{}", pool.text());
    assert!(pool.text().contains("This is not a node pool id"), "{}", pool.text());
    let project = call(&app, "list_clusters", "project=..%2Fother", None).await;
    assert_eq!(project.status, 400, "{}", project.text());
    let download =
        Request::post("/api/projects/default/clusters/..%2Fx/kubeconfig").body(Body::empty()).unwrap();
    assert_eq!(app.request(download, false).await.status, 400);
    let stream = app.get("/api/projects/default/clusters/..%2Fx/events").await;
    assert_eq!(stream.status, 400);
    assert_eq!(operations(&app).await, 0, "nothing queued");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_events").await, 0, "nothing stored");
}

#[tokio::test]
async fn sign_in_never_returns_to_another_site() {
    let app = TestApp::spawn().await;
    for next in [
        "/%09/evil.example",
        "/%2509/evil.example",
        "/%2F/evil.example",
        "/%5C/evil.example",
        "/%E3%80%80/evil.example",
        "//evil.example",
    ] {
        let response = visit(&app, &format!("/auth/login?next={next}"), None).await;
        assert_eq!(response.header("location"), Some("/"), "{next}");
    }
    let response = visit(&app, "/auth/login?next=%2Fclusters%3Fregion%3DGRA11", None).await;
    assert_eq!(response.header("location"), Some("/clusters?region=GRA11"));
}

#[tokio::test(flavor = "multi_thread")]
async fn anonymous_sign_in_traffic_stores_little() {
    let (provider, _task) = provider().await;
    let app = console(&provider.issuer).await;
    let sessions = match app.db.backend() {
        "postgres" => "SELECT COUNT(*) FROM tower_sessions.session",
        _ => "SELECT COUNT(*) FROM tower_sessions",
    };
    for _ in 0..10 {
        assert_eq!(visit(&app, "/auth/login?next=/clusters", None).await.status, 303);
    }
    assert_eq!(count(&app, sessions).await, 0, "starting a sign-in writes no session");

    // The identity provider's refusal, its description as long as anyone likes.
    let (attempt, state, _) = start(&app).await;
    let huge = "x".repeat(60 * 1024);
    let refusal = format!("/auth/callback?error=access_denied&error_description={huge}&state={state}");
    let page = visit(&app, &refusal, Some(&attempt)).await;
    assert_eq!(page.status, 400);
    let longest = "SELECT CAST(COALESCE(MAX(LENGTH(target_name)), 0) AS BIGINT) FROM audit_events";
    let stored: i64 = count(&app, longest).await;
    assert!((100..=audit::MOST_CHARS as i64).contains(&stored), "{stored} characters stored");
    let cut = count(&app, "SELECT COUNT(*) FROM audit_events WHERE target_name LIKE '%…[cut]'").await;
    assert_eq!(cut, 1, "marked as cut");
    for _ in 0..60 {
        visit(&app, "/auth/callback?error=access_denied", None).await;
    }
    let failed = failed_sign_ins(&app).await;
    assert!((10..=25).contains(&failed), "a burst is kept, the rest counted: {failed} rows");
    assert_eq!(count(&app, sessions).await, 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn refused_actions_are_throttled_per_user() {
    let (provider, _task) = provider().await;
    *provider.groups.lock().unwrap() = vec!["viewers".into()];
    let app = console(&provider.issuer).await;
    let cookie = sign_in(&app, &provider).await;
    let form = "project=default&cluster=019adbb1-cfa5-76ab-8c3d-1234567890ab&confirm=x";
    for _ in 0..60 {
        let refused = call(&app, "delete_cluster", form, Some(&cookie)).await;
        assert_eq!(refused.status, 403, "{}", refused.text());
    }
    let denied = count(&app, "SELECT COUNT(*) FROM audit_events WHERE outcome = 'denied'").await;
    assert!((10..=25).contains(&denied), "{denied} rows for 60 refusals");
}

#[tokio::test]
async fn csv_exports_defuse_formulas() {
    let app = TestApp::spawn().await;
    let event = AuditEvent {
        project_id: None,
        actor: "=HYPERLINK(\"http://evil.example\")".into(),
        actor_address: None,
        action: AuditAction::SignIn,
        target_kind: None,
        target_id: None,
        target_name: Some("@SUM(A1)".into()),
        outcome: Outcome::Failed,
        operation_id: None,
    };
    audit::record(&app.db, &event, Utc::now()).await.unwrap();
    let csv = app.get("/api/activity.csv").await;
    assert_eq!(csv.status, 200);
    let text = csv.text();
    assert!(text.contains("\"'=HYPERLINK(\"\"http://evil.example\"\")\""), "{text}");
    assert!(text.contains("\"'@SUM(A1)\""), "{text}");
    let json = app.get("/api/activity.json").await.text();
    assert!(json.contains("\"=HYPERLINK("), "JSON keeps the value as it is: {json}");
}

#[tokio::test(flavor = "multi_thread")]
async fn live_streams_are_bounded_and_only_for_clusters_that_exist() {
    let cloud = Cloud::start().await;
    let mut app = cloud.app().await;
    let limits = StreamLimits { per_user: 3, per_project: 100 };
    app.state.live = Live::with_limits(Intervals::default(), limits);
    let missing_id = "019adbb1-cfa5-76ab-8c3d-1234567890ab";
    let missing = app.get(&format!("/api/projects/default/clusters/{missing_id}/events")).await;
    assert_eq!(missing.status, 404, "{}", missing.text());
    let catalog = app.services().catalog.project("default").unwrap();
    assert_eq!(catalog.viewers(missing_id), 0, "nothing is read for it");
    let router = app.router(false);
    let mut open = Vec::new();
    for _ in 0..3 {
        let request = Request::get("/api/projects/default/events").body(Body::empty()).unwrap();
        let response = router.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), 200);
        open.push(response);
    }
    let fourth = app.get("/api/projects/default/events").await;
    assert_eq!(fourth.status, 429, "{}", fourth.text());
    open.pop();
    let again = Request::get("/api/projects/default/events").body(Body::empty()).unwrap();
    assert_eq!(router.oneshot(again).await.unwrap().status(), 200, "a closed stream gives its place back");
}

#[tokio::test(flavor = "multi_thread")]
async fn live_streams_end_with_their_session() {
    use futures::StreamExt;
    let (provider, _task) = provider().await;
    let mut app = console(&provider.issuer).await;
    let intervals = Intervals { session_recheck: Duration::from_millis(200), ..Intervals::default() };
    app.state.live = Live::new(intervals);
    let cookie = sign_in(&app, &provider).await;
    let request =
        Request::get("/api/projects/default/events").header("cookie", &cookie).body(Body::empty()).unwrap();
    let response = app.router(false).oneshot(request).await.unwrap();
    assert_eq!(response.status(), 200);
    let mut stream = response.into_body().into_data_stream();
    let signed_out = Request::post("/auth/logout").header("cookie", &cookie).body(Body::empty()).unwrap();
    assert_eq!(app.request(signed_out, false).await.status, 303);
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(chunk) = stream.next().await {
            chunk.unwrap();
        }
    })
    .await;
    assert!(ended.is_ok(), "the stream ends within a recheck of the sign-out");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_active_session_outlives_its_idle_window_and_an_idle_one_does_not() {
    let (provider, _task) = provider().await;
    let mut app = console(&provider.issuer).await;
    Arc::get_mut(&mut app.state.auth).expect("not shared yet").idle = Duration::from_secs(3);
    let cookie = sign_in(&app, &provider).await;
    for _ in 0..8 {
        tokio::time::sleep(Duration::from_millis(700)).await;
        assert!(is_signed_in(&app, &cookie).await, "active: still signed in");
    }
    tokio::time::sleep(Duration::from_millis(3500)).await;
    assert!(!is_signed_in(&app, &cookie).await, "idle longer than the window: signed out");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_stray_callback_signs_nobody_out() {
    let (provider, _task) = provider().await;
    let app = console(&provider.issuer).await;
    let cookie = sign_in(&app, &provider).await;
    let stray =
        visit(&app, "/auth/callback?error=access_denied&error_description=forged", Some(&cookie)).await;
    assert_eq!(stray.status, 400);
    assert!(is_signed_in(&app, &cookie).await);
    let forged = visit(&app, "/auth/callback?code=x&state=forged", Some(&cookie)).await;
    assert_eq!(forged.status, 400);
    assert!(is_signed_in(&app, &cookie).await);
}

#[tokio::test(flavor = "multi_thread")]
async fn deletion_keys_follow_the_last_ended_operation_and_keys_cannot_be_reused() {
    let cloud = Cloud::start().await;
    let app = cloud.app().await;
    let id = cluster(&cloud, &app, "keys").await;
    let other = cluster(&cloud, &app, "other").await;
    let third = cluster(&cloud, &app, "third").await;
    let form = format!("project=default&cluster={other}&confirm=other");
    let first = call(&app, "delete_cluster", &form, None).await;
    let again = call(&app, "delete_cluster", &form, None).await;
    assert_eq!((first.status, again.status), (200, 200), "{}", first.text());
    assert_eq!(first.text(), again.text(), "a double click is one deletion");
    let operation: String = serde_json::from_str(&first.text()).unwrap();
    let cancelled =
        app.services().cancel(PROJECT, &alice(), &model::id::OperationId::new(operation.clone())).await;
    assert!(cancelled.is_ok(), "{cancelled:?}");
    let after = call(&app, "delete_cluster", &form, None).await;
    assert_eq!(after.status, 200, "{}", after.text());
    assert_ne!(after.text(), first.text(), "asked again after the cancellation: a new deletion");

    // One key, two different changes.
    let pool = serde_json::to_value(crate::cloud::pool("extra", 1)).unwrap();
    let body = |cluster: &str| serde_json::json!({ "project": "default", "cluster": cluster, "spec": pool, "key": "k1" });
    let json = |cluster: &str| {
        Request::post("/api/create_node_pool")
            .header("content-type", "application/json")
            .body(Body::from(body(cluster).to_string()))
            .unwrap()
    };
    let created = app.request(json(&id), false).await;
    assert_eq!(created.status, 200, "{}", created.text());
    let before = operations(&app).await;
    let reused = app.request(json(&third), false).await;
    assert_eq!(reused.status, 409, "{}", reused.text());
    assert_eq!(operations(&app).await, before, "nothing queued");
}

#[tokio::test(flavor = "multi_thread")]
async fn groups_are_read_again_while_a_session_lasts() {
    // With a refresh token: each refresh reads them.
    let (provider, _task) = provider().await;
    let app = console(&provider.issuer).await;
    let (attempt, state, nonce) = start(&app).await;
    *provider.shape.lock().unwrap() =
        crate::sign_in::Shape { nonce: Some(nonce), short_lived: true, ..Default::default() };
    let back = visit(&app, &format!("/auth/callback?code=g1&state={state}"), Some(&attempt)).await;
    let cookie = session_cookie(&back).unwrap();
    assert!(is_signed_in(&app, &cookie).await);
    *provider.groups.lock().unwrap() = Vec::new();
    let page = visit(&app, "/plans", Some(&cookie)).await;
    assert_eq!(page.header("location"), Some("/no-access"), "the refresh took the role away");

    // Concurrent requests with an expired access token refresh once.
    *provider.groups.lock().unwrap() = vec!["admins".into()];
    let before = *provider.refreshes.lock().unwrap();
    let router = app.router(false);
    let mut requests = Vec::new();
    for _ in 0..5 {
        let request = Request::get("/plans").header("cookie", &cookie).body(Body::empty()).unwrap();
        requests.push(tokio::spawn(router.clone().oneshot(request)));
    }
    for request in requests {
        request.await.unwrap().unwrap();
    }
    assert_eq!(*provider.refreshes.lock().unwrap() - before, 1, "one refresh for five requests");

    // Without one: a page asks the issuer again silently once the groups are old; other
    // requests end the session.
    let (provider, _task) = crate::sign_in::provider().await;
    let mut app = console(&provider.issuer).await;
    Arc::get_mut(&mut app.state.auth).expect("not shared yet").groups_recheck = Duration::from_secs(1);
    let cookie = sign_in(&app, &provider).await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let page = visit(&app, "/plans", Some(&cookie)).await;
    assert_eq!(page.header("location"), Some("/auth/login?silent=1&next=/plans"));
    let silent = visit(&app, "/auth/login?silent=1&next=/plans", Some(&cookie)).await;
    assert!(silent.header("location").unwrap().contains("prompt=none"), "{:?}", silent.header("location"));
    let api = call(&app, "list_clusters", "project=default", Some(&cookie)).await;
    assert_eq!(api.status, 401);
    assert!(!is_signed_in(&app, &cookie).await, "the session ended");
}

#[tokio::test]
async fn pages_run_only_the_scripts_the_server_wrote() {
    use base64::Engine;
    use sha2::Digest;
    let app = TestApp::spawn().await;
    let page = app.get("/plans").await;
    let policy = page.header("content-security-policy").expect("a policy").to_string();
    assert!(policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe-inline"), "{policy}");
    assert!(!policy.contains("'nonce-"), "scripts are allowed by their hashes: {policy}");
    let html = page.text();
    // Every inline script is allowed by its hash; each hash is a script of this page.
    let mut inline = 0;
    for script in html.split("<script").skip(1) {
        let (attributes, rest) = script.split_once('>').unwrap();
        let body = rest.split("</script>").next().unwrap();
        if attributes.contains("src=") {
            continue;
        }
        inline += 1;
        let hash = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(body.as_bytes()));
        assert!(
            policy.contains(&format!("'sha256-{hash}'")),
            "an inline script the policy does not allow: {body}"
        );
    }
    assert!(inline >= 2, "the theme and boot scripts at least: {html}");
    assert!(policy.matches("'sha256-").count() <= inline, "{policy}");
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(page.header("referrer-policy"), Some("same-origin"));
    let api = app.get("/healthz").await;
    assert_eq!(
        api.header("content-security-policy"),
        Some("default-src 'none'; frame-ancestors 'none'; base-uri 'none'")
    );
    assert_eq!(api.header("x-content-type-options"), Some("nosniff"));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_secure_session_cookie_carries_the_host_prefix() {
    let (provider, _task) = provider().await;
    let mut settings = server::config::Settings::load_from(["pilothouse"], |_| None).unwrap();
    settings.oidc_issuer_url = Some(provider.issuer.clone());
    settings.oidc_client_id = "pilothouse".into();
    settings.oidc_client_secret =
        Some(serde_json::from_value(serde_json::json!("a-client-secret-long-enough-for-hs256")).unwrap());
    settings.public_url = Some("https://console.example.com".into());
    let groups = server::projects::RoleGroups { admin: vec!["admins".into()], ..Default::default() };
    let app = TestApp::with_settings(settings, Cloud::start().await.projects_with(groups)).await;
    let response = visit(&app, "/auth/login?next=/clusters", None).await;
    let set = response.header("set-cookie").unwrap().to_string();
    assert!(
        set.starts_with("__Host-pilothouse_sign_in=") && set.contains("Secure") && set.contains("Path=/"),
        "{set}"
    );
    let attempt = set.split(';').next().unwrap().to_string();
    let state = crate::sign_in::query_value(response.header("location").unwrap(), "state");
    let nonce = crate::sign_in::query_value(response.header("location").unwrap(), "nonce");
    provider.shape.lock().unwrap().nonce = Some(nonce);
    let back = visit(&app, &format!("/auth/callback?code=h1&state={state}"), Some(&attempt)).await;
    assert_eq!(back.status, 303, "{}", back.text());
    let cookies: Vec<&str> =
        back.headers.get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).collect();
    assert!(
        cookies.iter().any(|c| c.starts_with("__Host-pilothouse_session=") && c.contains("Secure")),
        "{cookies:?}"
    );
}

#[tokio::test]
async fn local_mode_answers_only_to_its_own_names() {
    let app = TestApp::spawn().await;
    let with_host = |host: &str| Request::get("/plans").header("host", host).body(Body::empty()).unwrap();
    assert_eq!(app.request(with_host("127.0.0.1:3000"), false).await.status, 200);
    assert_eq!(app.request(with_host("localhost:3000"), false).await.status, 200);
    let rebound = app.request(with_host("evil.example:3000"), false).await;
    assert_eq!(rebound.status, 421, "{}", rebound.text());
}
