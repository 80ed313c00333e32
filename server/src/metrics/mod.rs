//! Prometheus metrics: what a replica counts as it works (requests, provider calls, finished
//! operations) and what it reads at each scrape (the queue, the catalog's freshness, streams,
//! sessions, the database pool). Served at `/metrics` on its own address or behind a bearer token
//! (see [`endpoint`]).

pub mod endpoint;
mod http;
mod provider;

use std::time::Duration;

use model::operation::{OperationKind, OperationState};
use prometheus::{
    Encoder, Gauge, GaugeVec, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts,
    Registry, TextEncoder,
};

pub use self::http::record as record_http;
pub use self::provider::ProviderObserver;

/// Latencies of answers, from a few milliseconds to the provider's timeout.
const LATENCY_BUCKETS: [f64; 12] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];
/// Operations last from seconds (a setting) to the better part of an hour (an upgrade).
const OPERATION_BUCKETS: [f64; 11] =
    [1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0, 3600.0];
/// Waits for the rate limiter: none at all most of the time.
const WAIT_BUCKETS: [f64; 9] = [0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

/// The metrics of one replica.
pub struct Metrics {
    registry: Registry,
    http_requests: IntCounterVec,
    http_duration: HistogramVec,
    operations_finished: IntCounterVec,
    operation_duration: HistogramVec,
    operations: IntGaugeVec,
    oldest_pending: Gauge,
    provider_requests: IntCounterVec,
    provider_duration: HistogramVec,
    provider_rate_limited: IntCounterVec,
    provider_retries: IntCounterVec,
    provider_wait: HistogramVec,
    catalog_age: GaugeVec,
    catalog_failing: IntGaugeVec,
    live_streams: IntGauge,
    sessions: IntGauge,
    db_connections: IntGaugeVec,
    db_connections_max: IntGauge,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

/// What a scrape reads from the database and the replica's state.
#[derive(Debug, Default)]
pub struct Reading {
    pub pending: i64,
    pub running: i64,
    pub oldest_pending_age: Option<Duration>,
    /// Per project: seconds since the last successful read, and whether reads fail now.
    pub catalogs: Vec<(String, Option<f64>, bool)>,
    pub live_streams: usize,
    pub sessions: i64,
    pub connections_in_use: u32,
    pub connections_idle: u32,
    pub connections_max: u32,
}

fn counter(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    let metric = IntCounterVec::new(Opts::new(name, help), labels).expect("a valid counter");
    registry.register(Box::new(metric.clone())).expect("a counter registered once");
    metric
}

fn histogram(registry: &Registry, name: &str, help: &str, labels: &[&str], buckets: &[f64]) -> HistogramVec {
    let opts = HistogramOpts::new(name, help).buckets(buckets.to_vec());
    let metric = HistogramVec::new(opts, labels).expect("a valid histogram");
    registry.register(Box::new(metric.clone())).expect("a histogram registered once");
    metric
}

fn gauges(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> IntGaugeVec {
    let metric = IntGaugeVec::new(Opts::new(name, help), labels).expect("a valid gauge");
    registry.register(Box::new(metric.clone())).expect("a gauge registered once");
    metric
}

fn gauge(registry: &Registry, name: &str, help: &str) -> IntGauge {
    let metric = IntGauge::new(name, help).expect("a valid gauge");
    registry.register(Box::new(metric.clone())).expect("a gauge registered once");
    metric
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let r = Registry::new();
        let oldest_pending = Gauge::new(
            "pilothouse_operations_oldest_pending_age_seconds",
            "Age of the oldest operation waiting to start (0 when none waits).",
        )
        .expect("a valid gauge");
        r.register(Box::new(oldest_pending.clone())).expect("a gauge registered once");
        let catalog_age = GaugeVec::new(
            Opts::new(
                "pilothouse_catalog_age_seconds",
                "Seconds since the project's cluster list was last read from the provider.",
            ),
            &["project"],
        )
        .expect("a valid gauge");
        r.register(Box::new(catalog_age.clone())).expect("a gauge registered once");
        let operations_finished = counter(
            &r,
            "pilothouse_operations_finished_total",
            "Operations this replica finished, by kind and outcome.",
            &["kind", "outcome"],
        );
        // Every series exists from the start, at 0, so a rate over a fresh replica is 0, not absent.
        for kind in OperationKind::ALL {
            for outcome in [OperationState::Succeeded, OperationState::Failed, OperationState::Cancelled] {
                operations_finished.with_label_values(&[kind.as_str(), outcome.as_str()]);
            }
        }
        Self {
            http_requests: counter(
                &r,
                "pilothouse_http_requests_total",
                "HTTP requests answered, by route template, method and status.",
                &["route", "method", "status"],
            ),
            http_duration: histogram(
                &r,
                "pilothouse_http_request_duration_seconds",
                "Time to the response's headers, by route template and method.",
                &["route", "method"],
                &LATENCY_BUCKETS,
            ),
            operations_finished,
            operation_duration: histogram(
                &r,
                "pilothouse_operation_duration_seconds",
                "Time from submission to the end of operations this replica finished.",
                &["kind", "outcome"],
                &OPERATION_BUCKETS,
            ),
            operations: gauges(
                &r,
                "pilothouse_operations",
                "Operations not yet finished, by state (all replicas).",
                &["state"],
            ),
            oldest_pending,
            provider_requests: counter(
                &r,
                "pilothouse_provider_requests_total",
                "Tries of calls to the provider's API, by project, endpoint template, method and status class.",
                &["project", "endpoint", "method", "status_class"],
            ),
            provider_duration: histogram(
                &r,
                "pilothouse_provider_request_duration_seconds",
                "Duration of tries of calls to the provider's API.",
                &["project", "endpoint", "method"],
                &LATENCY_BUCKETS,
            ),
            provider_rate_limited: counter(
                &r,
                "pilothouse_provider_rate_limited_total",
                "Calls the provider refused with 429 Too Many Requests.",
                &["project", "endpoint"],
            ),
            provider_retries: counter(
                &r,
                "pilothouse_provider_retries_total",
                "Tries of calls to the provider after the first.",
                &["project", "endpoint"],
            ),
            provider_wait: histogram(
                &r,
                "pilothouse_provider_rate_limiter_wait_seconds",
                "Time calls waited for the console's own rate limiter before going out.",
                &["project"],
                &WAIT_BUCKETS,
            ),
            catalog_age,
            catalog_failing: gauges(
                &r,
                "pilothouse_catalog_failing",
                "1 while every read of the project's cluster list fails.",
                &["project"],
            ),
            live_streams: gauge(&r, "pilothouse_live_streams", "Live-update streams open on this replica."),
            sessions: gauge(&r, "pilothouse_sessions", "Signed-in sessions not yet expired (all replicas)."),
            db_connections: gauges(
                &r,
                "pilothouse_database_connections",
                "Connections of this replica's database pool, by state.",
                &["state"],
            ),
            db_connections_max: gauge(
                &r,
                "pilothouse_database_connections_max",
                "Most connections this replica's database pool opens.",
            ),
            registry: r,
        }
    }

    /// Counts an operation this replica finished, `took` after it was submitted.
    pub fn operation_finished(&self, kind: &str, state: OperationState, took: Duration) {
        let labels = [kind, state.as_str()];
        self.operations_finished.with_label_values(&labels).inc();
        self.operation_duration.with_label_values(&labels).observe(took.as_secs_f64());
    }

    /// The exposition text with `reading` applied to the gauges.
    pub fn render(&self, reading: &Reading) -> String {
        self.operations.with_label_values(&["pending"]).set(reading.pending);
        self.operations.with_label_values(&["running"]).set(reading.running);
        self.oldest_pending.set(reading.oldest_pending_age.map_or(0.0, |age| age.as_secs_f64()));
        for (project, age, failing) in &reading.catalogs {
            match age {
                Some(age) => self.catalog_age.with_label_values(&[project]).set(*age),
                None => {
                    let _ = self.catalog_age.remove_label_values(&[project]);
                }
            }
            self.catalog_failing.with_label_values(&[project]).set(i64::from(*failing));
        }
        self.live_streams.set(reading.live_streams as i64);
        self.sessions.set(reading.sessions);
        self.db_connections.with_label_values(&["in_use"]).set(i64::from(reading.connections_in_use));
        self.db_connections.with_label_values(&["idle"]).set(i64::from(reading.connections_idle));
        self.db_connections_max.set(i64::from(reading.connections_max));
        let mut text = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut text).expect("metrics encode as text");
        String::from_utf8(text).expect("the text format is UTF-8")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauges_show_the_reading_and_counters_what_was_counted() {
        let metrics = Metrics::new();
        metrics.operation_finished("create_cluster", OperationState::Succeeded, Duration::from_secs(90));
        let reading = Reading {
            pending: 3,
            running: 1,
            oldest_pending_age: Some(Duration::from_secs(12)),
            catalogs: vec![("default".into(), Some(4.5), false)],
            live_streams: 2,
            sessions: 5,
            connections_in_use: 1,
            connections_idle: 4,
            connections_max: 10,
        };
        let text = metrics.render(&reading);
        for line in [
            "pilothouse_operations{state=\"pending\"} 3",
            "pilothouse_operations_oldest_pending_age_seconds 12",
            "pilothouse_operations_finished_total{kind=\"create_cluster\",outcome=\"succeeded\"} 1",
            "pilothouse_operations_finished_total{kind=\"delete_cluster\",outcome=\"failed\"} 0",
            "pilothouse_operation_duration_seconds_bucket{kind=\"create_cluster\",outcome=\"succeeded\",le=\"120\"} 1",
            "pilothouse_operation_duration_seconds_bucket{kind=\"create_cluster\",outcome=\"succeeded\",le=\"60\"} 0",
            "pilothouse_catalog_age_seconds{project=\"default\"} 4.5",
            "pilothouse_catalog_failing{project=\"default\"} 0",
            "pilothouse_live_streams 2",
            "pilothouse_sessions 5",
            "pilothouse_database_connections{state=\"in_use\"} 1",
            "pilothouse_database_connections_max 10",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} missing from:\n{text}");
        }
    }
}
