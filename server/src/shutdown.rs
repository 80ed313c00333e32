//! Graceful shutdown: on SIGINT or SIGTERM report not ready while load balancers take note (the
//! drain), then stop accepting, let open requests finish for a grace period, and stop.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::watch;

/// Whether the server is draining: `/readyz` answers 503 from the signal on.
#[derive(Clone, Debug, Default)]
pub struct Draining(Arc<AtomicBool>);

impl Draining {
    pub fn is_on(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    fn start(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Turns draining on as a signal would.
    pub fn start_for_tests(&self) {
        self.start();
    }
}

/// Two futures: the first ends `drain` after a signal arrives, `draining` on meanwhile (give it
/// to `with_graceful_shutdown`); the second `grace` after that (stop waiting for open requests).
pub fn on_signal(
    drain: Duration,
    grace: Duration,
    draining: Draining,
) -> (impl Future<Output = ()>, impl Future<Output = ()>) {
    let (signalled, mut on_signal) = watch::channel(false);
    let signal = async move {
        wait_for_signal().await;
        draining.start();
        if !drain.is_zero() {
            tracing::info!(drain_seconds = drain.as_secs_f64(), "shutting down: not ready, still serving");
            tokio::time::sleep(drain).await;
        }
        tracing::info!("shutting down: finishing open requests");
        let _ = signalled.send(true);
    };
    let deadline = async move {
        if on_signal.wait_for(|s| *s).await.is_err() {
            // The server ended without a signal: no deadline to enforce.
            std::future::pending::<()>().await;
        }
        tokio::time::sleep(grace).await;
        tracing::warn!(
            grace_seconds = grace.as_secs(),
            "requests still open after the grace period; stopping"
        );
    };
    (signal, deadline)
}

async fn wait_for_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
}
