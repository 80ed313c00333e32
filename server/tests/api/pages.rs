use axum::body::Body;
use axum::http::Request;

use crate::helpers::TestApp;

#[tokio::test]
async fn plans_page_is_rendered_on_the_server_with_every_row() {
    let app = TestApp::spawn().await;
    let response = app.get("/plans").await;
    assert_eq!(response.status, 200);
    assert!(response.header("content-type").unwrap().starts_with("text/html"));
    let html = response.text();
    for expected in [
        // The seed's table, row by row.
        "Control plane",
        "Availability",
        "etcd storage",
        "Nodes per cluster",
        "Regions",
        "Network plugin (CNI)",
        // Figures computed from it.
        "99.5 % SLO",
        "99.99 % SLA",
        "3 h 36 min",
        "4 min 19 s",
        "43 min 12 s",
        "400 MB, shared",
        "8 GB, dedicated",
        "up to 100",
        "up to 500",
        // Upgrades, auto-healing, ranges, components.
        "In place, strictly one node at a time",
        "Rolling: a new node is added first",
        "After 10 minutes NotReady, the node is reinstalled in place",
        "After 10 minutes NotReady, the node is deleted and a new one is created",
        "10.2.0.0/16",
        "10.240.0.0/13",
        "172.17.0.0/16",
        "containerd 2.1.4",
        "Canal (Calico v3.30.1 + Flannel v0.24.4)",
        // The helper's first answer, before any script runs.
        "Free fits.",
    ] {
        assert!(html.contains(expected), "/plans lacks {expected:?}");
    }
}

#[tokio::test]
async fn unknown_address_is_a_404_page_that_reveals_nothing() {
    let app = TestApp::spawn().await;
    let response = app.get("/no/such/page").await;
    assert_eq!(response.status, 404);
    let html = response.text();
    assert!(html.contains("Page not found"));
    assert!(!html.contains("src/") && !html.contains("panicked"));
}

#[tokio::test]
async fn start_page_leads_to_the_clusters() {
    let app = TestApp::spawn().await;
    let response = app.get("/").await;
    assert!((300..400).contains(&response.status), "status {}", response.status);
    assert_eq!(response.header("location"), Some("/clusters"));
}

#[tokio::test]
async fn pages_are_compressed_and_revalidated() {
    let app = TestApp::spawn().await;
    for (accepted, expected) in [("br", "br"), ("gzip", "gzip")] {
        let request = Request::get("/plans").header("accept-encoding", accepted).body(Body::empty()).unwrap();
        let response = app.request(request, false).await;
        assert_eq!(response.header("content-encoding"), Some(expected));
        assert_eq!(response.header("cache-control"), Some("no-cache"));
    }
}

#[tokio::test]
async fn hashed_bundle_files_are_cached_for_good_but_misses_are_not() {
    let app = TestApp::spawn().await;
    std::fs::write(app.site.path().join("pkg/pilothouse.0123abcd.wasm"), vec![0u8; 4096]).unwrap();
    let hit =
        app.request(Request::get("/pkg/pilothouse.0123abcd.wasm").body(Body::empty()).unwrap(), true).await;
    assert_eq!(hit.status, 200);
    assert_eq!(hit.header("cache-control"), Some("public, max-age=31536000, immutable"));
    let miss = app.request(Request::get("/pkg/missing.wasm").body(Body::empty()).unwrap(), true).await;
    assert_eq!(miss.status, 404);
    assert_eq!(miss.header("cache-control"), Some("no-cache"));
    let unhashed =
        app.request(Request::get("/pkg/pilothouse.0123abcd.wasm").body(Body::empty()).unwrap(), false).await;
    assert_eq!(unhashed.header("cache-control"), Some("no-cache"));
}

#[tokio::test]
async fn bundle_files_are_served_as_precompressed_by_the_build() {
    let app = TestApp::spawn().await;
    let pkg = app.site.path().join("pkg");
    let wasm: Vec<u8> = (0..4096u32).map(|n| (n % 251) as u8).collect();
    std::fs::write(pkg.join("pilothouse.0123abcd.wasm"), &wasm).unwrap();
    std::fs::write(pkg.join("pilothouse.0123abcd.wasm.br"), b"brotli as written by the build").unwrap();
    std::fs::write(pkg.join("pilothouse.0123abcd.wasm.gz"), b"gzip as written by the build").unwrap();
    let get = |encoding: &str| {
        Request::get("/pkg/pilothouse.0123abcd.wasm")
            .header("accept-encoding", encoding)
            .body(Body::empty())
            .unwrap()
    };
    for (accepted, encoding, body) in [
        ("gzip, deflate, br", Some("br"), &b"brotli as written by the build"[..]),
        ("gzip", Some("gzip"), &b"gzip as written by the build"[..]),
        ("identity", None, &wasm[..]),
    ] {
        let response = app.request(get(accepted), true).await;
        assert_eq!(response.status, 200, "{accepted}");
        assert_eq!(response.header("content-encoding"), encoding, "{accepted}");
        assert_eq!(response.body, body, "{accepted}");
        assert_eq!(response.header("vary"), Some("accept-encoding"), "{accepted}");
        assert_eq!(response.header("content-type"), Some("application/wasm"), "{accepted}");
        assert_eq!(response.header("cache-control"), Some("public, max-age=31536000, immutable"));
    }
}

#[tokio::test]
async fn changes_from_other_sites_are_refused() {
    let app = TestApp::spawn().await;
    let forged = Request::post("/api/delete_cluster")
        .header("origin", "https://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from("project=default&cluster=x&confirm=x"))
        .unwrap();
    let response = app.request(forged, false).await;
    assert_eq!(response.status, 403);
    assert_eq!(response.json()["error"], "cross_site");
    let fetched =
        Request::post("/auth/logout").header("sec-fetch-site", "cross-site").body(Body::empty()).unwrap();
    assert_eq!(app.request(fetched, false).await.status, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_pages_render_at_once_on_one_router() {
    use tower::ServiceExt;
    let app = TestApp::spawn().await;
    // One router, as the server builds it once.
    let router = app.router(false);
    let mut renders = Vec::new();
    for _ in 0..16 {
        let router = router.clone();
        renders.push(tokio::spawn(async move {
            for _ in 0..25 {
                let request = Request::get("/plans").body(Body::empty()).unwrap();
                let render = async {
                    let response = router.clone().oneshot(request).await.unwrap();
                    assert_eq!(response.status(), 200);
                    axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap()
                };
                tokio::time::timeout(std::time::Duration::from_secs(5), render)
                    .await
                    .expect("rendered in time");
            }
        }));
    }
    for render in renders {
        render.await.unwrap();
    }
}

#[tokio::test]
async fn the_favicon_browsers_ask_for_leads_to_the_icon() {
    let app = TestApp::spawn().await;
    let response = app.get("/favicon.ico").await;
    assert_eq!(response.status, 308);
    assert_eq!(response.header("location"), Some("/favicon.svg"));
}
