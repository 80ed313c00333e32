//! API tokens through the whole console: created by a signed-in user (role at most their own,
//! shown once, stored hashed), used as `Authorization: Bearer`, revoked, expired, and cut down
//! or refused when the identity provider's groups for their user change or grow old.

use axum::body::Body;
use axum::http::Request;
use serde_json::{Value, json};
use server::projects::RoleGroups;

use crate::cloud::{Cloud, PROJECT};
use crate::helpers::{TestApp, TestResponse, count};
use crate::security::sign_in;
use crate::sign_in::{Provider, console_in, provider};

/// The groups the tests' provider gives: `admins`, `operators` and `viewers` of the project.
pub fn groups() -> RoleGroups {
    RoleGroups {
        admin: vec!["admins".into()],
        operator: vec!["operators".into()],
        viewer: vec!["viewers".into()],
        ..RoleGroups::default()
    }
}

/// A console signing in at the tests' provider, acting in `cloud`.
pub async fn console(provider: &Provider, cloud: &Cloud) -> TestApp {
    console_in(&provider.issuer, cloud.projects_with(groups())).await
}

/// A server function called as the tokens page calls it (JSON, same origin), with `cookie`.
pub async fn page_call(
    app: &TestApp,
    function: &str,
    body: Value,
    cookie: Option<&str>,
    bearer: Option<&str>,
) -> TestResponse {
    let mut request = Request::post(format!("/api/{function}"))
        .header("content-type", "application/json")
        .header("accept", "application/json");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    if let Some(secret) = bearer {
        request = request.header("authorization", format!("Bearer {secret}"));
    }
    app.request(request.body(Body::from(body.to_string())).unwrap(), false).await
}

/// Creates a token for the signed-in user; its secret.
pub async fn create_token(app: &TestApp, cookie: &str, name: &str, role: &str, days: Option<u32>) -> String {
    let request =
        json!({ "request": { "name": name, "projectId": PROJECT, "role": role, "expiresInDays": days } });
    let created = page_call(app, "create_token", request, Some(cookie), None).await;
    assert_eq!(created.status, 200, "{}", created.text());
    created.json()["secret"].as_str().unwrap().to_string()
}

/// An API request with `secret` as its bearer token.
pub async fn api(app: &TestApp, method: &str, path: &str, secret: &str, body: Option<Value>) -> TestResponse {
    let mut request =
        Request::builder().method(method).uri(path).header("authorization", format!("Bearer {secret}"));
    if body.is_some() {
        request = request.header("content-type", "application/json");
    }
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
    app.request(request.body(body).unwrap(), false).await
}

/// The role the token's requests have in the project.
async fn role_through(app: &TestApp, secret: &str) -> Result<String, (u16, String)> {
    let answer = api(app, "GET", "/api/v1/projects", secret, None).await;
    match answer.status {
        200 => Ok(answer.json()[0]["role"].as_str().unwrap().to_string()),
        status => Err((status, answer.json()["message"].as_str().unwrap_or_default().to_string())),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_acts_as_its_user_with_its_role_until_revoked_or_expired() {
    let (provider, _task) = provider().await;
    let cloud = Cloud::start().await;
    let app = console(&provider, &cloud).await;
    let alice = sign_in(&app, &provider).await;

    let viewer = create_token(&app, &alice, "read-only", "viewer", Some(30)).await;
    assert!(viewer.starts_with("pilothouse_") && viewer.len() > 50, "{viewer}");
    assert_eq!(role_through(&app, &viewer).await, Ok("viewer".into()));
    // Only a hash is kept.
    let stored =
        format!("SELECT COUNT(*) FROM api_tokens WHERE secret_hash = '{viewer}' OR hint = '{viewer}'");
    assert_eq!(count(&app, &stored).await, 0);

    // The list shows it with its last use, never its secret.
    let list = page_call(&app, "tokens", json!({}), Some(&alice), None).await;
    assert_eq!(list.status, 200, "{}", list.text());
    assert!(!list.text().contains(&viewer[12..]), "the secret is not listed");
    let own = &list.json()["own"];
    assert_eq!(own[0]["name"], "read-only");
    assert!(own[0]["lastUsedAt"].is_string(), "{own}");

    // Names are unique among a user's live tokens; never-expiring tokens need the project's leave.
    let again = json!({ "request": { "name": "read-only", "projectId": PROJECT, "role": "viewer", "expiresInDays": 7 } });
    let refused = page_call(&app, "create_token", again, Some(&alice), None).await;
    assert_eq!(refused.status, 422, "{}", refused.text());
    let forever = json!({ "request": { "name": "forever", "projectId": PROJECT, "role": "viewer", "expiresInDays": null } });
    let refused = page_call(&app, "create_token", forever, Some(&alice), None).await;
    assert_eq!(refused.status, 422);
    assert!(refused.text().contains("expiresInDays"), "{}", refused.text());

    // A token cannot manage tokens, and does not open pages.
    let through = page_call(&app, "tokens", json!({}), None, Some(&viewer)).await;
    assert_eq!(through.status, 403, "{}", through.text());
    let page = api(&app, "GET", "/clusters", &viewer, None).await;
    assert_eq!(page.status, 400, "{}", page.text());

    // An unknown token: 401 with the RFC 6750 challenge, audited.
    let unknown = api(&app, "GET", "/api/v1/projects", "pilothouse_not-a-real-token", None).await;
    assert_eq!(unknown.status, 401);
    assert_eq!(unknown.header("www-authenticate"), Some("Bearer error=\"invalid_token\""));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_events WHERE action = 'token.refused'").await, 1);

    // Revoked: refused at once, and the revocation is audited.
    let id = list.json()["own"][0]["id"].as_str().unwrap().to_string();
    let revoked = page_call(&app, "revoke_token", json!({ "id": id }), Some(&alice), None).await;
    assert_eq!(revoked.status, 200, "{}", revoked.text());
    assert_eq!(role_through(&app, &viewer).await, Err((401, "This token was revoked.".into())));
    let audited = "SELECT COUNT(*) FROM audit_events WHERE action IN ('token.create', 'token.revoke') AND actor = 'alice'";
    assert_eq!(count(&app, audited).await, 2);

    // Expired: refused.
    let short = create_token(&app, &alice, "short", "operator", Some(1)).await;
    assert_eq!(role_through(&app, &short).await, Ok("operator".into()));
    let past = chrono::Utc::now() - chrono::Duration::minutes(1);
    server::on_db!(&app.db, pool => sqlx::query("UPDATE api_tokens SET expires_at = $1 WHERE name = 'short'")
        .bind(past).execute(pool).await.map(|_| ()))
    .unwrap();
    assert_eq!(role_through(&app, &short).await, Err((401, "This token has expired.".into())));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_token_follows_its_users_groups_and_stops_when_they_are_too_old() {
    let (provider, _task) = provider().await;
    let cloud = Cloud::start().await;
    let app = console(&provider, &cloud).await;
    let alice = sign_in(&app, &provider).await;
    let admin = create_token(&app, &alice, "admin", "admin", Some(90)).await;
    assert_eq!(role_through(&app, &admin).await, Ok("admin".into()));

    // Alice moves to the viewers: at her next sign-in her token is a viewer's.
    *provider.groups.lock().unwrap() = vec!["viewers".into()];
    sign_in(&app, &provider).await;
    assert_eq!(role_through(&app, &admin).await, Ok("viewer".into()));
    // A viewer's token cannot scale a pool: 403, before the pool is even looked for.
    let pool = format!(
        "/api/v1/projects/{PROJECT}/clusters/3b4d5e6f-0000-4000-8000-000000000001/node-pools/3b4d5e6f-0000-4000-8000-000000000002"
    );
    let scale = api(&app, "PUT", &pool, &admin, Some(json!(crate::cloud::pool("general", 5)))).await;
    assert_eq!(scale.status, 403, "{}", scale.text());

    // Out of every group: the token no longer works.
    *provider.groups.lock().unwrap() = vec![];
    sign_in(&app, &provider).await;
    let refused = role_through(&app, &admin).await.unwrap_err();
    assert_eq!(refused.0, 403, "{refused:?}");

    // Back in, but the groups were last read longer ago than the console trusts.
    *provider.groups.lock().unwrap() = vec!["admins".into()];
    sign_in(&app, &provider).await;
    assert_eq!(role_through(&app, &admin).await, Ok("admin".into()));
    let old = chrono::Utc::now() - chrono::Duration::days(8);
    server::on_db!(&app.db, pool => sqlx::query("UPDATE known_users SET groups_read_at = $1")
        .bind(old).execute(pool).await.map(|_| ()))
    .unwrap();
    let (status, message) = role_through(&app, &admin).await.unwrap_err();
    assert_eq!(status, 401);
    assert!(message.contains("Sign in to the console"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn admins_see_and_revoke_their_projects_tokens_and_no_one_else_does() {
    let (provider, _task) = provider().await;
    let cloud = Cloud::start().await;
    let app = console(&provider, &cloud).await;
    let caller = |username: &str, group: &str| app::api::port::Caller {
        user: app.state.auth.user(username, &[group.to_string()]),
        address: None,
    };
    let (bob, root, carol) =
        (caller("bob", "operators"), caller("root", "admins"), caller("carol", "viewers"));
    let backend = &app.state.backend;
    let asked = model::token::TokenRequest {
        name: "deploy".into(),
        project_id: PROJECT.into(),
        role: model::access::Role::Operator,
        expires_in_days: Some(7),
    };
    let created = backend.create_token(&bob, &asked).await.unwrap();
    // An operator cannot hand a token more than their own role.
    let too_much = model::token::TokenRequest { role: model::access::Role::Admin, ..asked.clone() };
    let refused = backend.create_token(&bob, &too_much).await.unwrap_err();
    assert!(matches!(refused, app::error::AppError::Invalid { .. }), "{refused:?}");

    // The admin sees bob's token among the project's; a viewer sees only their own (none).
    let listed = backend.tokens(&root).await.unwrap();
    assert_eq!(listed.administered.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["deploy"]);
    assert!(backend.tokens(&carol).await.unwrap().administered.is_empty());
    // Carol cannot revoke it (it does not exist for her); the admin can.
    let hidden = backend.revoke_token(&carol, &created.token.id).await.unwrap_err();
    assert!(matches!(hidden, app::error::AppError::NotFound { .. }), "{hidden:?}");
    let revoked = backend.revoke_token(&root, &created.token.id).await.unwrap();
    assert_eq!(revoked.revoked_by.as_deref(), Some("root"));
    let again = backend.revoke_token(&bob, &created.token.id).await.unwrap_err();
    assert!(matches!(again, app::error::AppError::Conflict { .. }), "{again:?}");
}
