//! The status every controller writes of its objects, from what it owns: ReplicaSets and
//! DaemonSets count their pods, Deployments their ReplicaSets and conditions, disruption budgets
//! the pods they cover.

use chrono::{DateTime, Utc};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::{Value, json};

use super::budgets::{count_budgets, scaled};
use super::controller::{owned_by, uid};
use super::pods;
use super::store::Store;

/// Every controller's status of its objects.
pub(super) fn statuses(store: &mut Store, now: DateTime<Utc>) {
    for mut rs in store.list("replicasets").cloned().collect::<Vec<_>>() {
        let owned = owned_by(store, "pods", uid(&rs));
        let (total, bound) = (owned.len(), owned.iter().filter(|p| pods::is_bound(p)).count());
        rs["status"] = json!({
            "replicas": total, "fullyLabeledReplicas": total, "readyReplicas": bound, "availableReplicas": bound,
            "observedGeneration": rs["metadata"]["generation"],
        });
        store.update("replicasets", rs, now);
    }
    for mut deployment in store.list("deployments").cloned().collect::<Vec<_>>() {
        let hash = pods::template_hash(&deployment["spec"]["template"]);
        let sets = owned_by(store, "replicasets", uid(&deployment));
        let sum = |f: &dyn Fn(&Value) -> u64| sets.iter().map(|rs| f(rs)).sum::<u64>();
        let total = sum(&|rs| rs["status"]["replicas"].as_u64().unwrap_or(0));
        let available = sum(&|rs| rs["status"]["availableReplicas"].as_u64().unwrap_or(0));
        let current = sets.iter().find(|rs| rs["metadata"]["labels"]["pod-template-hash"] == hash.as_str());
        let updated = current.map_or(0, |rs| rs["status"]["replicas"].as_u64().unwrap_or(0));
        let desired = deployment["spec"]["replicas"].as_u64().unwrap_or(1);
        let max_unavailable = match deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"].clone()
        {
            Value::Number(n) => n.as_u64().unwrap_or(0),
            Value::String(s) => scaled(&IntOrString::String(s), desired, false),
            _ => 0,
        };
        let minimum = available >= desired.saturating_sub(max_unavailable);
        let rs_name = current.and_then(|rs| rs["metadata"]["name"].as_str()).unwrap_or_default().to_string();
        let previous = deployment["status"]["conditions"].clone();
        let condition = |kind: &str, ok: bool, reason: &str, message: String| {
            let since = previous
                .as_array()
                .into_iter()
                .flatten()
                .find(|c| c["type"] == kind && c["status"] == if ok { "True" } else { "False" })
                .map_or(json!(crate::kube::timestamp(now)), |c| c["lastTransitionTime"].clone());
            json!({ "type": kind, "status": if ok { "True" } else { "False" }, "reason": reason, "message": message,
                    "lastUpdateTime": since, "lastTransitionTime": since })
        };
        let available_condition = if minimum {
            condition(
                "Available",
                true,
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.".into(),
            )
        } else {
            condition(
                "Available",
                false,
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.".into(),
            )
        };
        let progressing = if updated == desired && available >= desired {
            condition(
                "Progressing",
                true,
                "NewReplicaSetAvailable",
                format!("ReplicaSet \"{rs_name}\" has successfully progressed."),
            )
        } else {
            condition(
                "Progressing",
                true,
                "ReplicaSetUpdated",
                format!("ReplicaSet \"{rs_name}\" is progressing."),
            )
        };
        let mut status = json!({
            "observedGeneration": deployment["metadata"]["generation"],
            "replicas": total, "updatedReplicas": updated, "readyReplicas": available, "availableReplicas": available,
            "conditions": [available_condition, progressing],
        });
        let unavailable = desired.saturating_sub(available);
        if unavailable > 0 {
            status["unavailableReplicas"] = json!(unavailable);
        }
        deployment["status"] = status;
        store.update("deployments", deployment, now);
    }
    for mut ds in store.list("daemonsets").cloned().collect::<Vec<_>>() {
        let owned = owned_by(store, "pods", uid(&ds));
        let (total, bound) = (owned.len(), owned.iter().filter(|p| pods::is_bound(p)).count());
        ds["status"] = json!({
            "currentNumberScheduled": total, "desiredNumberScheduled": total, "numberMisscheduled": 0,
            "numberReady": bound, "numberAvailable": bound, "updatedNumberScheduled": total,
            "observedGeneration": ds["metadata"]["generation"],
        });
        store.update("daemonsets", ds, now);
    }
    for (mut object, counted) in count_budgets(store) {
        let allowed = counted.budget.disruptions_allowed;
        let since = json!(crate::kube::timestamp(now));
        let (status, reason) =
            if allowed > 0 { ("True", "SufficientPods") } else { ("False", "InsufficientPods") };
        let previous = object["status"]["conditions"][0].clone();
        let transition =
            if previous["status"] == status { previous["lastTransitionTime"].clone() } else { since };
        object["status"] = json!({
            "observedGeneration": object["metadata"]["generation"],
            "disruptionsAllowed": allowed,
            "currentHealthy": counted.healthy,
            "desiredHealthy": counted.desired,
            "expectedPods": counted.expected,
            "conditions": [{ "type": "DisruptionAllowed", "status": status, "reason": reason, "message": "",
                             "observedGeneration": object["metadata"]["generation"], "lastTransitionTime": transition }],
        });
        store.update("poddisruptionbudgets", object, now);
    }
}
