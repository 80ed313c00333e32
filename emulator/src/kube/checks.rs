//! What kube-apiserver checks of an object written to it: that the body decodes as its kind
//! (strictly, naming the unknown fields, when `fieldValidation=Strict`), and the rules beyond
//! its shape (names, selectors matching templates, required containers).

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{Event, Namespace, Pod};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::rbac::v1::{ClusterRole, ClusterRoleBinding, Role, RoleBinding};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::objects::Kind;
use super::rbac;
use super::status::KubeError;

fn round_trip<T: DeserializeOwned + serde::Serialize>(object: &Value) -> Result<Value, String> {
    let typed: T = serde_json::from_value(object.clone()).map_err(|e| e.to_string())?;
    serde_json::to_value(typed).map_err(|e| e.to_string())
}

/// The fields of `given` its kind does not have (`spec.replica`).
fn unknown_fields(given: &Value, known: &Value, path: &str, found: &mut Vec<String>) {
    match (given, known) {
        (Value::Object(given), Value::Object(known)) => {
            for (key, value) in given {
                let here = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                match known.get(key) {
                    None if !value.is_null() => found.push(here),
                    None => {}
                    Some(inner) => unknown_fields(value, inner, &here, found),
                }
            }
        }
        (Value::Array(given), Value::Array(known)) => {
            for (index, (value, inner)) in given.iter().zip(known).enumerate() {
                unknown_fields(value, inner, &format!("{path}[{index}]"), found);
            }
        }
        _ => {}
    }
}

/// Checks that `object` decodes as `kind`; with `strict`, that it has no field the kind lacks.
pub(super) fn decode(kind: &Kind, object: &Value, strict: bool) -> Result<(), KubeError> {
    let known = match kind.resource {
        "pods" => round_trip::<Pod>(object),
        "deployments" => round_trip::<Deployment>(object),
        "replicasets" => round_trip::<ReplicaSet>(object),
        "daemonsets" => round_trip::<DaemonSet>(object),
        "poddisruptionbudgets" => round_trip::<PodDisruptionBudget>(object),
        "events" => round_trip::<Event>(object),
        "namespaces" => round_trip::<Namespace>(object),
        "roles" => round_trip::<Role>(object),
        "clusterroles" => round_trip::<ClusterRole>(object),
        "rolebindings" => round_trip::<RoleBinding>(object),
        "clusterrolebindings" => round_trip::<ClusterRoleBinding>(object),
        _ => Ok(object.clone()),
    };
    let version = kind.api_version.rsplit('/').next().unwrap_or(kind.api_version);
    let cannot = |why: String| {
        KubeError::bad_request(format!(
            "{} in version \"{version}\" cannot be handled as a {}: {why}",
            kind.kind, kind.kind
        ))
    };
    let known = known.map_err(cannot)?;
    if strict {
        let mut found = Vec::new();
        unknown_fields(object, &known, "", &mut found);
        if !found.is_empty() {
            let list: Vec<String> = found.iter().map(|f| format!("unknown field \"{f}\"")).collect();
            return Err(cannot(format!("strict decoding error: {}", list.join(", "))));
        }
    }
    Ok(())
}

/// A lowercase RFC 1123 subdomain: dot-separated labels of `a-z`, `0-9` and `-`, each starting
/// and ending with a letter or digit, 253 characters at most.
fn is_subdomain(name: &str) -> bool {
    let label = |l: &str| {
        !l.is_empty()
            && l.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    name.len() <= 253 && name.split('.').all(label)
}

/// What kube-apiserver checks of a new or changed object of `kind` beyond its shape.
pub(super) fn validate(
    kind: &Kind,
    object: &Value,
    previous: Option<&Value>,
    name: &str,
) -> Result<(), KubeError> {
    let invalid = |field: &str, problem: &str| Err(KubeError::invalid(kind.kind, name, field, problem));
    if rbac::is_rbac(kind.resource) {
        if let Some(problem) = rbac::name_problem(name) {
            return invalid("metadata.name", problem);
        }
        if kind.resource.ends_with("bindings") {
            return rbac::check_binding(kind, object, previous, name);
        }
        return Ok(());
    }
    if !is_subdomain(name) {
        return invalid(
            "metadata.name",
            "Invalid value: a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        );
    }
    match kind.resource {
        "deployments" | "replicasets" | "daemonsets" => {
            let spec = &object["spec"];
            if spec["template"]["spec"]["containers"].as_array().is_none_or(Vec::is_empty) {
                return invalid("spec.template.spec.containers", "Required value");
            }
            let selector = &spec["selector"]["matchLabels"];
            let labels = &spec["template"]["metadata"]["labels"];
            if selector.as_object().is_none_or(|m| m.is_empty())
                && spec["selector"]["matchExpressions"].is_null()
            {
                return invalid("spec.selector", "Required value");
            }
            if selector.as_object().into_iter().flatten().any(|(k, v)| &labels[k] != v) {
                return invalid(
                    "spec.template.metadata.labels",
                    "Invalid value: `selector` does not match template `labels`",
                );
            }
            if spec["replicas"].as_i64().is_some_and(|r| r < 0) {
                return invalid("spec.replicas", "Invalid value: must be greater than or equal to 0");
            }
        }
        "pods" if object["spec"]["containers"].as_array().is_none_or(Vec::is_empty) => {
            return invalid("spec.containers", "Required value");
        }
        "poddisruptionbudgets"
            if !object["spec"]["minAvailable"].is_null() && !object["spec"]["maxUnavailable"].is_null() =>
        {
            return invalid("spec", "Invalid value: minAvailable and maxUnavailable cannot be both set");
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
pub(super) mod tests {
    use serde_json::json;

    use super::*;
    use crate::kube::workloads::DEPLOYMENTS;

    /// A valid Deployment of two `web` pods.
    pub fn deployment() -> Value {
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": { "name": "web", "namespace": "default" },
            "spec": {
                "replicas": 2,
                "selector": { "matchLabels": { "app": "web" } },
                "template": { "metadata": { "labels": { "app": "web" } }, "spec": { "containers": [{ "name": "web", "image": "nginx" }] } },
            },
        })
    }

    #[test]
    fn strict_decoding_names_unknown_fields() {
        let mut wrong = deployment();
        wrong["spec"]["replica"] = json!(3);
        assert!(decode(&DEPLOYMENTS, &deployment(), true).is_ok());
        let error = decode(&DEPLOYMENTS, &wrong, true).unwrap_err();
        assert!(
            format!("{error:?}").contains("strict decoding error: unknown field \\\"spec.replica\\\""),
            "{error:?}"
        );
        assert!(decode(&DEPLOYMENTS, &wrong, false).is_ok());
    }

    #[test]
    fn a_selector_must_match_the_template() {
        let mut wrong = deployment();
        wrong["spec"]["template"]["metadata"]["labels"]["app"] = json!("api");
        assert!(validate(&DEPLOYMENTS, &deployment(), None, "web").is_ok());
        assert!(
            format!("{:?}", validate(&DEPLOYMENTS, &wrong, None, "web").unwrap_err())
                .contains("does not match template")
        );
    }
}
