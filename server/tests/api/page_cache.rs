//! Pages served again: the same page to the same user for a moment, a fresh one as soon as
//! anything it shows may have changed, never one user's page to another.

use std::io::Read;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::Request;
use server::router;
use tower::ServiceExt;

use crate::catalog::{clusters, quick, settled, with_catalog};
use crate::cloud::{Cloud, PROJECT};
use crate::helpers::TestResponse;
use crate::sign_in::{console, provider, session_cookie, start, visit};

async fn fetch(router: &Router, request: Request<Body>) -> TestResponse {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec();
    TestResponse { status, headers, body }
}

/// `path` as a browser asks for it; returns the response and its page, decompressed.
async fn view(router: &Router, path: &str, cookie: Option<&str>) -> (TestResponse, String) {
    let mut request = Request::get(path).header("accept-encoding", "gzip, deflate, br");
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    let response = fetch(router, request.body(Body::empty()).unwrap()).await;
    assert_eq!(response.status, 200, "{path}");
    assert_eq!(response.header("content-encoding"), Some("br"));
    assert!(response.header("vary").is_some_and(|v| v.contains("accept-encoding")));
    let mut html = String::new();
    brotli::Decompressor::new(&response.body[..], 4096).read_to_string(&mut html).unwrap();
    (response, html)
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_is_served_again_until_something_it_shows_may_have_changed() {
    let cloud = Cloud::start().await;
    let mut app = cloud.app().await;
    let catalog = with_catalog(&mut app, quick());
    clusters(&cloud, &["first"]).await;
    let project = catalog.project(PROJECT).unwrap().clone();
    settled(&project, 1).await;
    let router = router::app(app.state.clone());
    let pages = app.state.pages.clone();

    let (one, html) = view(&router, "/clusters", None).await;
    assert!(html.contains("data-cluster=\"first\""), "{html}");
    let (again, _) = view(&router, "/clusters", None).await;
    assert_eq!(pages.rendered(), 1, "the second view is the first page again");
    assert_eq!(again.body, one.body);
    assert_eq!(again.header("content-security-policy"), one.header("content-security-policy"));
    let identity = fetch(&router, Request::get("/clusters").body(Body::empty()).unwrap()).await;
    assert_eq!(
        (identity.header("content-encoding"), identity.text()),
        (None, html.clone()),
        "one page, any encoding"
    );
    assert_eq!(pages.rendered(), 1);

    // Another address is another page.
    view(&router, "/clusters?q=fir", None).await;
    assert_eq!(pages.rendered(), 2);

    // A request that may change something: the next view is rendered afresh.
    let form = Request::post("/api/list_clusters")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!("project={PROJECT}")))
        .unwrap();
    assert_eq!(fetch(&router, form).await.status, 200);
    view(&router, "/clusters", None).await;
    assert_eq!(pages.rendered(), 3);

    // A new snapshot: the page shows it at once.
    clusters(&cloud, &["second"]).await;
    project.poke();
    settled(&project, 2).await;
    let (_, html) = view(&router, "/clusters", None).await;
    assert!(html.contains("data-cluster=\"second\""), "{html}");
    assert_eq!(pages.rendered(), 4);

    // And after a moment, even with nothing changed.
    view(&router, "/clusters", None).await;
    assert_eq!(pages.rendered(), 4);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    view(&router, "/clusters", None).await;
    assert_eq!(pages.rendered(), 5);

    // Many asking at once for a page not rendered yet: it is rendered once.
    let views: Vec<_> = (0..8).map(|_| view(&router, "/clusters?q=sec", None)).collect();
    let pages_seen = futures::future::join_all(views).await;
    assert!(pages_seen.iter().all(|(_, html)| html.contains("data-cluster=\"second\"")));
    assert_eq!(pages.rendered(), 6, "one render for eight requests");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_is_served_again_only_to_the_user_it_was_rendered_for() {
    let (provider, _task) = provider().await;
    let app = console(&provider.issuer).await;
    let router = router::app(app.state.clone());
    let sign_in_as = async |groups: &[&str]| {
        *provider.groups.lock().unwrap() = groups.iter().map(|g| g.to_string()).collect();
        let (attempt, state, nonce) = start(&app).await;
        provider.shape.lock().unwrap().nonce = Some(nonce);
        let back = visit(
            &app,
            &format!("/auth/callback?code={}&state={state}", uuid::Uuid::new_v4()),
            Some(&attempt),
        )
        .await;
        session_cookie(&back).expect("a session")
    };
    let admin = sign_in_as(&["admins"]).await;
    let viewer = sign_in_as(&["viewers"]).await;

    let (_, as_admin) = view(&router, "/clusters", Some(&admin)).await;
    assert!(as_admin.contains("Admin</p>") && as_admin.contains(">New cluster</a>"), "{as_admin}");
    let (_, as_viewer) = view(&router, "/clusters", Some(&viewer)).await;
    assert!(as_viewer.contains("Viewer</p>") && !as_viewer.contains(">New cluster</a>"), "{as_viewer}");
    assert_eq!(app.state.pages.rendered(), 2);
    let signed_out = fetch(&router, Request::get("/clusters").body(Body::empty()).unwrap()).await;
    assert_eq!(signed_out.status, 303, "no page without a session");
}
