//! An emulator on a free loopback port, for tests that talk to it over real HTTP.

use std::sync::Arc;
use std::time::Duration;

use provider::emulator::{Emulator, EmulatorConfig, router};

pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";

/// A stopped-clock emulator accepting application key `ak`, secret `as`, consumer key `ck`;
/// returns it and its base URL.
pub async fn spawn_emulator() -> (Arc<Emulator>, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let emulator = Emulator::new(EmulatorConfig {
        application_key: "ak".into(),
        application_secret: "as".into(),
        consumer_key: "ck".into(),
        project: PROJECT.into(),
        public_url: Some(url.clone()),
        timestamp_window: Duration::from_secs(180),
        auto_validate_credentials: true,
        speed: 0.0,
        state_file: None,
    });
    let app = router(emulator.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (emulator, url)
}
