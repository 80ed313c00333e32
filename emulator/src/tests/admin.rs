//! Who may use the admin API: anyone on loopback, nobody off loopback without a token, and with a
//! token only its bearer.

use super::*;
use crate::admin::Access;

fn advance(token: Option<&str>) -> Request<Body> {
    let mut request = Request::post("/emulator/clock/advance").header("content-type", "application/json");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    request.body(Body::from(r#"{"seconds": 1}"#)).unwrap()
}

fn with_access(access: Access) -> Arc<Emulator> {
    Emulator::new(EmulatorConfig { admin: access, ..emulator().config.clone() })
}

#[tokio::test]
async fn the_admin_api_is_open_on_loopback_only() {
    let loopback = Access::Open.for_address("127.0.0.1".parse().unwrap());
    assert_eq!(send(&with_access(loopback), advance(None)).await.status, StatusCode::OK);
    let reachable = Access::Open.for_address("0.0.0.0".parse().unwrap());
    assert!(matches!(reachable, Access::Off));
    assert_eq!(send(&with_access(reachable), advance(None)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn with_a_token_the_admin_api_needs_it_on_any_address() {
    let access = Access::Token("s3cret-admin-token".into()).for_address("0.0.0.0".parse().unwrap());
    let emulator = with_access(access);
    assert_eq!(send(&emulator, advance(None)).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(send(&emulator, advance(Some("s3cret-admin-tokeX"))).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(send(&emulator, advance(Some("s3cret-admin-token"))).await.status, StatusCode::OK);
    assert!(!format!("{:?}", emulator.config).contains("s3cret"), "the token is not in Debug output");
}

#[tokio::test]
async fn an_emulator_served_on_a_reachable_address_keeps_its_admin_api_off() {
    let listener = tokio::net::TcpListener::bind("0.0.0.0:0").await.unwrap();
    let running = serve(listener, EmulatorConfig::new(PROJECT, "ak", "as", "ck")).unwrap();
    assert!(matches!(running.emulator.config.admin, Access::Off));
    running.task.abort();
}

#[tokio::test]
async fn the_tally_counts_each_accepted_change_once() {
    let emulator = emulator();
    let (id, pool) = cluster_with_pool(&emulator, "free", "GRA11", None).await;
    let scale = json!({ "desiredNodes": 3 }).to_string();
    let path = kube(&format!("/{id}/nodepool/{pool}"));
    assert_eq!(send(&emulator, signed("PUT", &path, &scale)).await.status, StatusCode::OK);
    super::advance(&emulator, 10 * 60).await;
    for _ in 0..2 {
        // A repeated deletion of a cluster already being deleted changes nothing more.
        assert_eq!(
            send(&emulator, signed("DELETE", &kube(&format!("/{id}")), "")).await.status,
            StatusCode::OK
        );
    }
    let tally = send(&emulator, Request::get("/emulator/tally").body(Body::empty()).unwrap()).await;
    assert_eq!(tally.status, StatusCode::OK);
    assert_eq!(tally.body, json!({ "demo": { "created": 1, "deleted": 1, "poolUpdates": 1 } }));
}
