//! The clusters' own Kubernetes API as Pilothouse reads it: objects in their wire format
//! (`k8s-openapi`'s types) read into the model's scheduling terms ([`model::scheduling`],
//! [`model::drain`]): what a pod asks of a node, what a node offers, which pods a disruption
//! budget counts. The emulator's scheduler and the console's pre-flight checks read objects
//! with these same functions.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Node, Pod, PodSpec, PodTemplateSpec};
use model::drain::{Budget, LabelSelector, PlacedPod, Requirement};
use model::metadata::TaintEffect;
use model::quantity;
use model::scheduling::{NodeRoom, NodeTaint, PodDemand, Toleration};
use serde_json::Value;

/// An object's labels.
pub fn labels(object: &Value) -> BTreeMap<String, String> {
    object["metadata"]["labels"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect())
        .unwrap_or_default()
}

/// A `metav1.LabelSelector` (`matchLabels` and `matchExpressions`).
pub fn label_selector(value: &Value) -> LabelSelector {
    let match_labels = value["matchLabels"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect())
        .unwrap_or_default();
    let match_expressions = value["matchExpressions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| {
            let key = e["key"].as_str()?.to_string();
            let values: Vec<String> = e["values"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect();
            Some(match e["operator"].as_str()? {
                "In" => Requirement::In(key, values),
                "NotIn" => Requirement::NotIn(key, values),
                "Exists" => Requirement::Exists(key),
                _ => Requirement::DoesNotExist(key),
            })
        })
        .collect();
    LabelSelector { match_labels, match_expressions }
}

/// A PodDisruptionBudget as its controller last counted it (`status.disruptionsAllowed`).
pub fn budget(object: &Value) -> Option<Budget> {
    let metadata = &object["metadata"];
    Some(Budget {
        namespace: metadata["namespace"].as_str().unwrap_or("default").to_string(),
        name: metadata["name"].as_str()?.to_string(),
        selector: label_selector(&object["spec"]["selector"]),
        disruptions_allowed: object["status"]["disruptionsAllowed"].as_u64().unwrap_or(0) as u32,
    })
}

/// A pod, the node it is bound to, and whether a controller owns it.
pub fn placed_pod(pod: &Value) -> Option<PlacedPod> {
    Some(PlacedPod {
        pod: pod_demand(pod)?,
        node: pod["spec"]["nodeName"].as_str().filter(|n| !n.is_empty()).map(str::to_string),
        controlled: owner(pod).is_some(),
    })
}

/// The controller that owns `object`: `(kind, uid)`.
pub fn owner(object: &Value) -> Option<(&str, &str)> {
    let references = object["metadata"]["ownerReferences"].as_array()?;
    let owner = references.iter().find(|r| r["controller"] == true)?;
    Some((owner["kind"].as_str()?, owner["uid"].as_str()?))
}

fn effect(name: &str) -> Option<TaintEffect> {
    TaintEffect::parse(name)
}

/// What a pod spec asks of its node.
fn demand_of(
    spec: &PodSpec,
    namespace: &str,
    name: &str,
    labels: BTreeMap<String, String>,
    daemon: bool,
) -> PodDemand {
    let (cpu_millicores, memory_bytes) = spec.containers.iter().fold((0, 0), |(cpu, memory), c| {
        let requests = c.resources.as_ref().and_then(|r| r.requests.as_ref());
        let value = |q: &str| requests.and_then(|r| r.get(q)).map(|q| q.0.clone());
        let cpu_m = value("cpu").and_then(|q| quantity::cpu_millicores(&q).ok()).unwrap_or(0);
        let bytes = value("memory").and_then(|q| quantity::bytes(&q).ok()).unwrap_or(0);
        (cpu + cpu_m, memory + bytes)
    });
    PodDemand {
        namespace: namespace.to_string(),
        name: name.to_string(),
        labels,
        cpu_millicores,
        memory_bytes,
        node_selector: spec.node_selector.clone().unwrap_or_default(),
        tolerations: spec
            .tolerations
            .iter()
            .flatten()
            .map(|t| Toleration {
                key: t.key.clone().unwrap_or_default(),
                exists: t.operator.as_deref() == Some("Exists"),
                value: t.value.clone().unwrap_or_default(),
                effect: t.effect.as_deref().and_then(effect),
            })
            .collect(),
        daemon,
    }
}

/// A stored pod as the scheduler sees it; `None` when it does not read as a pod.
pub fn pod_demand(pod: &Value) -> Option<PodDemand> {
    let typed: Pod = serde_json::from_value(pod.clone()).ok()?;
    let metadata = typed.metadata;
    let daemon = owner(pod).is_some_and(|(kind, _)| kind == "DaemonSet");
    Some(demand_of(
        &typed.spec?,
        metadata.namespace.as_deref().unwrap_or("default"),
        metadata.name.as_deref().unwrap_or_default(),
        metadata.labels.unwrap_or_default(),
        daemon,
    ))
}

/// What a pod made from `template` would ask, for the autoscaler's what-ifs.
pub fn template_demand(template: &Value) -> Option<PodDemand> {
    let typed: PodTemplateSpec = serde_json::from_value(template.clone()).ok()?;
    let labels = typed.metadata.and_then(|m| m.labels).unwrap_or_default();
    Some(demand_of(&typed.spec?, "", "", labels, false))
}

/// A node object as the scheduler sees it: allocatable, labels, taints, cordon.
pub fn node_room(node: &Value) -> Option<NodeRoom> {
    let typed: Node = serde_json::from_value(node.clone()).ok()?;
    let status = typed.status?;
    let allocatable = status.allocatable?;
    let amount = |name: &str| allocatable.get(name).map(|q| q.0.clone());
    let spec = typed.spec.unwrap_or_default();
    Some(NodeRoom {
        name: typed.metadata.name?,
        labels: typed.metadata.labels.unwrap_or_default(),
        taints: spec
            .taints
            .unwrap_or_default()
            .into_iter()
            .filter_map(|t| {
                Some(NodeTaint { key: t.key, value: t.value.unwrap_or_default(), effect: effect(&t.effect)? })
            })
            .collect(),
        unschedulable: spec.unschedulable.unwrap_or(false),
        cpu_millicores: amount("cpu").and_then(|q| quantity::cpu_millicores(&q).ok()).unwrap_or(0),
        memory_bytes: amount("memory").and_then(|q| quantity::bytes(&q).ok()).unwrap_or(0),
        max_pods: amount("pods").and_then(|q| q.parse().ok()).unwrap_or(model::resources::MAX_PODS_PER_NODE),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_pod_reads_as_its_requests() {
        let pod = json!({
            "metadata": { "namespace": "shop", "name": "web-1", "labels": { "app": "web" } },
            "spec": {
                "containers": [
                    { "name": "a", "resources": { "requests": { "cpu": "250m", "memory": "64Mi" } } },
                    { "name": "b", "resources": { "requests": { "cpu": "0.5" } } },
                ],
                "nodeSelector": { "disk": "ssd" },
                "tolerations": [{ "key": "gpu", "operator": "Exists", "effect": "NoSchedule" }],
            },
        });
        let demand = pod_demand(&pod).unwrap();
        assert_eq!((demand.cpu_millicores, demand.memory_bytes), (750, 64 << 20));
        assert_eq!(demand.node_selector["disk"], "ssd");
        assert!(demand.tolerations[0].exists);
        assert_eq!(demand.key(), "shop/web-1");
    }

    #[test]
    fn a_node_reads_as_its_allocatable_labels_and_taints() {
        let node = json!({
            "metadata": { "name": "n1", "labels": { "nodepool": "web" } },
            "spec": { "unschedulable": true, "taints": [{ "key": "gpu", "value": "1", "effect": "NoSchedule" }] },
            "status": { "allocatable": { "cpu": "1840m", "memory": "6410M", "pods": "110" } },
        });
        let room = node_room(&node).unwrap();
        assert_eq!((room.cpu_millicores, room.memory_bytes, room.max_pods), (1840, 6_410_000_000, 110));
        assert!(room.unschedulable);
        assert_eq!(room.taints[0].effect, TaintEffect::NoSchedule);
        assert_eq!(room.labels["nodepool"], "web");
    }

    #[test]
    fn a_budget_reads_its_selector_and_allowance() {
        let pdb = json!({
            "metadata": { "namespace": "shop", "name": "web" },
            "spec": { "selector": { "matchLabels": { "app": "web" }, "matchExpressions": [{ "key": "tier", "operator": "In", "values": ["front"] }] } },
            "status": { "disruptionsAllowed": 1 },
        });
        let budget = budget(&pdb).unwrap();
        assert_eq!(budget.disruptions_allowed, 1);
        let labels: BTreeMap<String, String> =
            [("app".into(), "web".into()), ("tier".into(), "front".into())].into();
        assert!(budget.selector.matches(&labels));
    }
}
