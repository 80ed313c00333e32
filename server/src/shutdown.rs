//! Graceful shutdown: on SIGINT or SIGTERM stop accepting, let open requests finish for a grace
//! period, then stop.

use std::future::Future;
use std::time::Duration;

use tokio::sync::watch;

/// Two futures: the first ends when a signal arrives (give it to `with_graceful_shutdown`), the
/// second `grace` after that (stop waiting for open requests then).
pub fn on_signal(grace: Duration) -> (impl Future<Output = ()>, impl Future<Output = ()>) {
    let (signalled, mut on_signal) = watch::channel(false);
    let signal = async move {
        wait_for_signal().await;
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
