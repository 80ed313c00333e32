//! Calls to the provider's API, reported by its client.

use std::sync::Arc;
use std::time::Duration;

use provider::client::{Observer, Try};

use super::Metrics;

/// Counts one project's calls.
pub struct ProviderObserver {
    pub metrics: Arc<Metrics>,
    pub project: String,
}

/// `2xx`, `4xx`, `5xx`, or `none` when no answer came.
fn status_class(status: Option<u16>) -> String {
    status.map_or_else(|| "none".to_string(), |status| format!("{}xx", status / 100))
}

impl Observer for ProviderObserver {
    fn answered(&self, call: &Try<'_>) {
        let m = &self.metrics;
        let project = self.project.as_str();
        let method = call.method.as_str();
        let class = status_class(call.status);
        m.provider_requests.with_label_values(&[project, call.endpoint, method, &class]).inc();
        m.provider_duration
            .with_label_values(&[project, call.endpoint, method])
            .observe(call.elapsed.as_secs_f64());
        if call.status == Some(429) {
            m.provider_rate_limited.with_label_values(&[project, call.endpoint]).inc();
        }
        if call.attempt > 1 {
            m.provider_retries.with_label_values(&[project, call.endpoint]).inc();
        }
        // In the span of the request or operation that caused it; the query id is what the
        // provider's support asks for.
        tracing::debug!(
            project,
            method,
            endpoint = call.endpoint,
            status = call.status,
            elapsed_ms = call.elapsed.as_millis() as u64,
            attempt = call.attempt,
            query_id = call.query_id,
            "provider call"
        );
    }

    fn waited(&self, wait: Duration) {
        self.metrics.provider_wait.with_label_values(&[self.project.as_str()]).observe(wait.as_secs_f64());
    }
}

#[cfg(test)]
mod tests {
    use super::status_class;

    #[test]
    fn statuses_fall_into_classes() {
        assert_eq!(status_class(Some(204)), "2xx");
        assert_eq!(status_class(Some(429)), "4xx");
        assert_eq!(status_class(Some(503)), "5xx");
        assert_eq!(status_class(None), "none");
    }
}
