use crate::helpers::TestApp;

#[tokio::test]
async fn healthz_answers_while_up() {
    let app = TestApp::spawn().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json()["status"], "ok");
}

#[tokio::test]
async fn readyz_is_ready_once_migrations_are_applied() {
    let app = TestApp::spawn().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status, 200, "{}", response.text());
}

#[tokio::test]
async fn readyz_refuses_traffic_before_migrations() {
    let app = TestApp::unmigrated().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status, 503);
    let body = response.json();
    assert_eq!(body["status"], "unavailable");
    assert_eq!(body["reason"], "the database schema is not up to date");
}

#[tokio::test]
async fn readyz_refuses_traffic_when_the_database_is_gone() {
    let app = TestApp::spawn().await;
    app.db.close().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status, 503);
    assert_eq!(response.json()["reason"], "the database is unreachable");
}

#[tokio::test]
async fn readyz_refuses_traffic_while_the_server_drains() {
    let app = TestApp::spawn().await;
    app.state.draining.start_for_tests();
    let response = app.get("/readyz").await;
    assert_eq!(response.status, 503);
    assert_eq!(response.json()["reason"], "the server is shutting down");
    // Still alive, and still serving what comes.
    assert_eq!(app.get("/healthz").await.status, 200);
}
