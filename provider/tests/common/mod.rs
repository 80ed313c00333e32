//! An emulator on a free loopback port, for tests that talk to it over real HTTP.

use std::sync::Arc;

use provider::emulator::{Emulator, EmulatorConfig, serve};

pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";

/// A stopped-clock emulator accepting application key `ak`, secret `as`, consumer key `ck`;
/// returns it and its base URL.
pub async fn spawn_emulator() -> (Arc<Emulator>, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let running =
        serve(listener, EmulatorConfig { speed: 0.0, ..EmulatorConfig::new(PROJECT, "ak", "as", "ck") })
            .unwrap();
    (running.emulator, running.url)
}
