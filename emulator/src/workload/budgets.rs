//! Pod disruption budgets as their controller counts them, and draining nodes: pods leave
//! within their budgets, as evictions would.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use model::drain::{Budget, PlacedPod};
use provider::kube::{label_selector as selector, labels, placed_pod};
use serde_json::Value;

use super::controller::Nodes;
use super::pods::{self, owner};
use super::store::{Store, key_of};

/// `minAvailable` or `maxUnavailable` of `expected` pods, a count or a percentage.
pub(super) fn scaled(value: &IntOrString, expected: u64, round_up: bool) -> u64 {
    match value {
        IntOrString::Int(n) => (*n).max(0) as u64,
        IntOrString::String(text) => {
            let percent: f64 = text.trim_end_matches('%').parse().unwrap_or(0.0);
            let exact = expected as f64 * percent / 100.0;
            (if round_up { exact.ceil() } else { exact.floor() }) as u64
        }
    }
}

/// A budget as its controller counts it now: the pods it selects, how many are healthy, how
/// many must stay, and how many may go.
pub(super) struct Counted {
    pub budget: Budget,
    pub expected: u64,
    pub healthy: u64,
    pub desired: u64,
}

pub(super) fn count_budgets(store: &Store) -> Vec<(Value, Counted)> {
    store
        .list("poddisruptionbudgets")
        .filter_map(|object| {
            let typed: PodDisruptionBudget = serde_json::from_value(object.clone()).ok()?;
            let spec = typed.spec.unwrap_or_default();
            let namespace = object["metadata"]["namespace"].as_str().unwrap_or("default").to_string();
            let selector = selector(&object["spec"]["selector"]);
            let selected: Vec<&Value> = store
                .list("pods")
                .filter(|p| p["metadata"]["namespace"] == namespace.as_str() && selector.matches(&labels(p)))
                .collect();
            let expected = selected.len() as u64;
            let healthy = selected.iter().filter(|p| pods::is_bound(p)).count() as u64;
            let desired = match (&spec.min_available, &spec.max_unavailable) {
                (Some(min), _) => scaled(min, expected, true),
                (None, Some(max)) => expected.saturating_sub(scaled(max, expected, true)),
                (None, None) => expected,
            };
            let budget = Budget {
                namespace,
                name: object["metadata"]["name"].as_str().unwrap_or_default().to_string(),
                selector,
                disruptions_allowed: u32::try_from(healthy.saturating_sub(desired)).unwrap_or(u32::MAX),
            };
            Some((object.clone(), Counted { budget, expected, healthy, desired }))
        })
        .collect()
}

/// The budgets of the cluster as their controller counts them now.
pub fn budgets(store: &Store) -> Vec<Budget> {
    count_budgets(store).into_iter().map(|(_, counted)| counted.budget).collect()
}

/// Every pod and the node it is bound to, for the model's drain checks.
pub fn placed(store: &Store) -> Vec<PlacedPod> {
    store.list("pods").filter_map(placed_pod).collect()
}

/// Pods leave draining nodes as evictions would: within their budgets, one disruption at a
/// time; a drain a budget holds up waits `patience`, then evicts anyway.
pub(super) fn drain(store: &mut Store, nodes: &Nodes, now: DateTime<Utc>, patience: chrono::Duration) {
    let started =
        |pod: &Value| pod["status"]["startTime"].as_str().and_then(|t| t.parse::<DateTime<Utc>>().ok());
    // Pods that were on a node when its drain began, whenever the cluster is looked at.
    let leaving: Vec<Value> = store
        .list("pods")
        .filter(|p| owner(p).is_none_or(|(kind, _)| kind != "DaemonSet"))
        .filter(|p| {
            let drain = p["spec"]["nodeName"].as_str().and_then(|n| nodes.draining.get(n));
            drain.is_some_and(|from| started(p).is_none_or(|at| at <= *from))
        })
        .cloned()
        .collect();
    let mut budgets = budgets(store);
    let mut held_now = BTreeSet::new();
    for pod in leaving {
        let node = pod["spec"]["nodeName"].as_str().unwrap_or_default().to_string();
        let Some(demand) = pods::demand(&pod) else { continue };
        let covering: Vec<usize> = (0..budgets.len()).filter(|&i| budgets[i].covers(&demand)).collect();
        if let Some(&blocking) = covering.iter().find(|&&i| budgets[i].disruptions_allowed == 0) {
            // Held from the start of the drain.
            let from = nodes.draining.get(&node).copied().unwrap_or(now);
            let first = !store.held_since.contains_key(&node);
            let since = *store.held_since.entry(node.clone()).or_insert(from);
            if now - since < patience {
                held_now.insert(node.clone());
                if first {
                    let message = format!(
                        "Cannot evict pod as it would violate the pod's disruption budget {}.",
                        budgets[blocking].name
                    );
                    store.record(&pod, true, "EvictionBlocked", &message, "node-drain", now);
                }
                continue;
            }
        }
        for &i in &covering {
            budgets[i].disruptions_allowed = budgets[i].disruptions_allowed.saturating_sub(1);
        }
        store.remove("pods", &key_of(&pod));
        store.record(
            &pod,
            false,
            "Evicted",
            &format!("Evicted from node {node}, which is draining"),
            "node-drain",
            now,
        );
    }
    // A hold ends when its drain can go on, or has waited long enough.
    // (A hold that ran out stays while its drain lasts: the drain was postponed by all of it.)
    store.held_since.retain(|node, since| {
        held_now.contains(node) || (now - *since >= patience && nodes.draining.get(node) == Some(since))
    });
}
