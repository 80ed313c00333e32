//! An emulator on a free loopback port with a client signed for it: what tests, examples and
//! benchmarks start, instead of each repeating the setup.

use std::sync::Arc;
use std::time::Duration;

use provider::client::{Client, ClientConfig, Credentials};

use crate::{Emulator, EmulatorConfig, Running, serve};

/// The provider project (`serviceName`) of a [`Local`] emulator.
pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";
/// Its application key, secret and consumer key.
pub const APPLICATION_KEY: &str = "ak";
pub const APPLICATION_SECRET: &str = "as";
pub const CONSUMER_KEY: &str = "ck";

/// A running emulator of [`PROJECT`] and a client for it.
pub struct Local {
    pub emulator: Arc<Emulator>,
    /// Its base URL (`http://127.0.0.1:PORT`); the API is under `/1.0`.
    pub url: String,
    /// Signs with the emulator's keys; no rate limit of its own, retries after 2 ms.
    pub client: Arc<Client>,
}

impl Local {
    /// Starts an emulator whose clock runs `speed` times real time (0: stopped, moved only
    /// when told to).
    pub async fn start(speed: f64) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
        let config = EmulatorConfig {
            speed,
            ..EmulatorConfig::new(PROJECT, APPLICATION_KEY, APPLICATION_SECRET, CONSUMER_KEY)
        };
        let Running { emulator, url, .. } =
            serve(listener, config).expect("an emulator without a state file");
        let mut config = client_config(&url);
        config.rate_per_second = 0.0;
        config.backoff = Duration::from_millis(2);
        let client = Arc::new(Client::new(config).expect("a client for the emulator"));
        Self { emulator, url, client }
    }
}

/// A client's settings for the emulator at `url`, signing with its keys.
pub fn client_config(url: &str) -> ClientConfig {
    let credentials = Credentials::Application {
        application_key: APPLICATION_KEY.into(),
        application_secret: APPLICATION_SECRET.into(),
        consumer_key: CONSUMER_KEY.into(),
    };
    ClientConfig::new(format!("{url}/1.0"), credentials)
}
