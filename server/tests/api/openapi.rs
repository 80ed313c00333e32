//! The REST API's OpenAPI document: generated from the types and handlers, valid OpenAPI 3.1
//! (checked with PyPI's openapi-spec-validator), served at `/api/v1/openapi.json`, and equal to
//! the committed `docs/openapi.json`, so that every change to the API is a deliberate one.

use std::process::Command;

use crate::helpers::TestApp;

const COMMITTED: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/openapi.json");

fn generated() -> String {
    server::rest::document().to_pretty_json().unwrap()
}

#[test]
fn the_document_matches_the_committed_copy() {
    let committed = std::fs::read_to_string(COMMITTED).unwrap();
    assert!(
        committed.trim_end() == generated().trim_end(),
        "the API changed: check the change is meant, then run `cargo run -p server -- openapi > docs/openapi.json`"
    );
}

#[test]
fn the_document_is_valid_openapi_3_1() {
    let document: serde_json::Value = serde_json::from_str(&generated()).unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    let file = tempfile::NamedTempFile::with_suffix(".json").unwrap();
    std::fs::write(file.path(), generated()).unwrap();
    let output = Command::new("openapi-spec-validator")
        .arg(file.path())
        .output()
        .expect("openapi-spec-validator (scripts/install-tools installs it)");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // Every operation has a unique id and says what it does.
    let mut ids = std::collections::BTreeSet::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"].as_str().unwrap();
            assert!(ids.insert(id.to_string()), "{method} {path}: {id} twice");
            assert!(operation["summary"].as_str().is_some_and(|s| !s.is_empty()), "{method} {path}");
        }
    }
}

#[tokio::test]
async fn the_console_serves_the_document() {
    let app = TestApp::spawn().await;
    let served = app.get("/api/v1/openapi.json").await;
    assert_eq!(served.status, 200);
    assert_eq!(served.header("content-type"), Some("application/json"));
    assert_eq!(served.text(), generated());
}
