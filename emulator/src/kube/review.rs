//! `SelfSubjectAccessReview` and `SelfSubjectRulesReview` (`kubectl auth can-i`, and
//! `kubectl auth can-i --list`): the caller asks whether they may do something, or what they
//! may do in a namespace, and the authoriser answers as it would for a real request. Bodies
//! come as JSON or, from kubectl's typed clients, as protobuf.

use axum::Json;
use axum::body::Bytes;
use model::rbac::rule::{Attributes, PolicyRule};
use serde_json::{Value, json};

use super::authn::User;
use super::authz::{decide, grants, with_rbac};
use super::objects::Call;
use super::protobuf;
use super::status::KubeError;

const API_VERSION: &str = "authorization.k8s.io/v1";

/// The review's `spec`, from a JSON or protobuf body; for protobuf, only the fields these
/// reviews have (`resourceAttributes`, `nonResourceAttributes`, `namespace`).
fn spec(body: &Bytes, rules_review: bool) -> Result<Value, KubeError> {
    let Some(raw) = protobuf::unwrap(body) else {
        let review: Value = serde_json::from_slice(body)
            .map_err(|e| KubeError::bad_request(format!("the body could not be decoded: {e}")))?;
        return Ok(review["spec"].clone());
    };
    let spec = protobuf::message(raw, 2).unwrap_or_default();
    if rules_review {
        return Ok(json!({ "namespace": protobuf::text(spec, 1) }));
    }
    let mut decoded = json!({});
    if let Some(resource) = protobuf::message(spec, 1) {
        let names = ["namespace", "verb", "group", "version", "resource", "subresource", "name"];
        let mut attributes = json!({});
        for (number, name) in (1..).zip(names) {
            let value = protobuf::text(resource, number);
            if !value.is_empty() {
                attributes[name] = json!(value);
            }
        }
        decoded["resourceAttributes"] = attributes;
    }
    if let Some(path) = protobuf::message(spec, 2) {
        decoded["nonResourceAttributes"] =
            json!({ "path": protobuf::text(path, 1), "verb": protobuf::text(path, 2) });
    }
    Ok(decoded)
}

fn text<'a>(value: &'a Value, field: &str) -> &'a str {
    value[field].as_str().unwrap_or_default()
}

/// `POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews`.
pub async fn access(call: Call, body: Bytes) -> Result<Json<Value>, KubeError> {
    let spec = spec(&body, false)?;
    let request = if let Some(resource) = spec.get("resourceAttributes").filter(|v| v.is_object()) {
        let combined = match text(resource, "subresource") {
            "" => text(resource, "resource").to_string(),
            sub => format!("{}/{sub}", text(resource, "resource")),
        };
        Attributes::resource(
            text(resource, "verb"),
            text(resource, "group"),
            &combined,
            text(resource, "namespace"),
            text(resource, "name"),
        )
    } else if let Some(path) = spec.get("nonResourceAttributes").filter(|v| v.is_object()) {
        Attributes::path(text(path, "verb"), text(path, "path"))
    } else {
        return Err(KubeError::invalid(
            "SelfSubjectAccessReview",
            "",
            "spec.resourceAttributes",
            "Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified",
        ));
    };
    let decision = with_rbac(&call.api, &call.cluster, |store| decide(store, &call.user, &request));
    let status = match decision {
        Ok(reason) => json!({ "allowed": true, "reason": reason }),
        Err(reason) => json!({ "allowed": false, "reason": reason }),
    };
    Ok(Json(json!({
        "kind": "SelfSubjectAccessReview",
        "apiVersion": API_VERSION,
        "metadata": { "creationTimestamp": null },
        "spec": spec,
        "status": status,
    })))
}

/// Every rule `user` has in `namespace`, and whether a binding names a role that is missing.
fn rules(call: &Call, user: &User, namespace: &str) -> (Vec<PolicyRule>, Vec<String>) {
    with_rbac(&call.api, &call.cluster, |store| {
        let (grants, missing) = grants(store, user, namespace);
        let mut rules: Vec<PolicyRule> = Vec::new();
        if user.groups.iter().any(|g| g == "system:masters") {
            rules.push(PolicyRule::resources(&["*"], "*", &["*"]));
            rules.push(PolicyRule::urls(&["*"], &["*"]));
        }
        for rule in grants.into_iter().flat_map(|grant| grant.rules) {
            if !rules.contains(&rule) {
                rules.push(rule);
            }
        }
        (rules, missing)
    })
}

/// `POST /apis/authorization.k8s.io/v1/selfsubjectrulesreviews`.
pub async fn rules_review(call: Call, body: Bytes) -> Result<Json<Value>, KubeError> {
    let spec = spec(&body, true)?;
    let namespace = text(&spec, "namespace").to_string();
    let (rules, missing) = rules(&call, &call.user, &namespace);
    let resource_rules: Vec<Value> = rules
        .iter()
        .filter(|r| r.non_resource_urls.is_empty())
        .map(|r| {
            json!({
                "verbs": r.verbs, "apiGroups": r.api_groups, "resources": r.resources,
                "resourceNames": r.resource_names,
            })
        })
        .collect();
    let non_resource_rules: Vec<Value> = rules
        .iter()
        .filter(|r| !r.non_resource_urls.is_empty())
        .map(|r| json!({ "verbs": r.verbs, "nonResourceURLs": r.non_resource_urls }))
        .collect();
    let mut status = json!({
        "resourceRules": resource_rules,
        "nonResourceRules": non_resource_rules,
        "incomplete": !missing.is_empty(),
    });
    if !missing.is_empty() {
        status["evaluationError"] = json!(missing.join(", "));
    }
    Ok(Json(json!({
        "kind": "SelfSubjectRulesReview",
        "apiVersion": API_VERSION,
        "metadata": { "creationTimestamp": null },
        "spec": { "namespace": namespace },
        "status": status,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::protobuf::tests::{encode, envelope};

    #[test]
    fn specs_read_from_protobuf_as_from_json() {
        let attributes =
            encode(&[(1, b"web"), (2, b"patch"), (3, b"apps"), (5, b"deployments"), (6, b"scale")]);
        let review = encode(&[(2, &encode(&[(1, &attributes)]))]);
        let body = Bytes::from(envelope(API_VERSION, "SelfSubjectAccessReview", &review));
        assert_eq!(
            spec(&body, false).unwrap(),
            json!({ "resourceAttributes": { "namespace": "web", "verb": "patch", "group": "apps", "resource": "deployments", "subresource": "scale" } })
        );
        let rules = encode(&[(2, &encode(&[(1, b"default")]))]);
        let body = Bytes::from(envelope(API_VERSION, "SelfSubjectRulesReview", &rules));
        assert_eq!(spec(&body, true).unwrap(), json!({ "namespace": "default" }));
        let json = Bytes::from(r#"{"spec":{"nonResourceAttributes":{"path":"/version","verb":"get"}}}"#);
        assert_eq!(spec(&json, false).unwrap()["nonResourceAttributes"]["path"], "/version");
    }
}
