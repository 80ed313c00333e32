//! An emulator on a free loopback port, for tests that talk to it over real HTTP.

use std::sync::Arc;

use emulator::Emulator;
use emulator::local::Local;

pub use emulator::local::PROJECT;

/// A stopped-clock emulator accepting application key `ak`, secret `as`, consumer key `ck`;
/// returns it and its base URL.
pub async fn spawn_emulator() -> (Arc<Emulator>, String) {
    let Local { emulator, url, .. } = Local::start(0.0).await;
    (emulator, url)
}
