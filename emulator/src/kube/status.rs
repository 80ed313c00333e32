//! Errors as Kubernetes states them: a `Status` object (`apiVersion: v1`) with the HTTP code, a
//! reason kubectl recognises (`Unauthorized`, `Forbidden`, `NotFound`) and a message.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use model::rbac::rule::{Attributes, Target};
use serde_json::json;

/// A failed request to an emulated API server.
#[derive(Debug)]
pub struct KubeError {
    code: StatusCode,
    reason: &'static str,
    message: String,
    details: Option<serde_json::Value>,
}

impl KubeError {
    /// 401: no credentials, or credentials the cluster does not accept.
    pub fn unauthorized() -> Self {
        Self {
            code: StatusCode::UNAUTHORIZED,
            reason: "Unauthorized",
            message: "Unauthorized".into(),
            details: None,
        }
    }

    /// 403 with kube-apiserver's wording for `user` refused `request`, and the authoriser's
    /// `reason` if it has one (`RBAC: clusterrole.rbac.authorization.k8s.io "x" not found`).
    pub fn forbidden(user: &str, request: &Attributes, reason: &str) -> Self {
        let mut why = request.refusal(user);
        if !reason.is_empty() {
            why = format!("{why}: {reason}");
        }
        let (message, details) = match &request.target {
            Target::Path(_) => (format!("forbidden: {why}"), json!({})),
            Target::Resource(target) => {
                let qualified = if target.group.is_empty() {
                    target.resource.clone()
                } else {
                    format!("{}.{}", target.resource, target.group)
                };
                let message = if target.name.is_empty() {
                    format!("{qualified} is forbidden: {why}")
                } else {
                    format!("{qualified} \"{}\" is forbidden: {why}", target.name)
                };
                let mut details = json!({ "group": target.group, "kind": target.resource });
                if !target.name.is_empty() {
                    details["name"] = json!(target.name);
                }
                (message, details)
            }
        };
        Self { code: StatusCode::FORBIDDEN, reason: "Forbidden", message, details: Some(details) }
    }

    /// 403 for a write the authoriser let through but a later check refused: `roles.rbac.
    /// authorization.k8s.io "x" is forbidden: <reason>`.
    pub fn forbidden_object(resource: &str, group: &str, name: &str, reason: &str) -> Self {
        let message = format!("{resource}.{group} \"{name}\" is forbidden: {reason}");
        let details = json!({ "group": group, "kind": resource, "name": name });
        Self { code: StatusCode::FORBIDDEN, reason: "Forbidden", message, details: Some(details) }
    }

    /// 403 before any authentication: the caller's address is outside the allow-list.
    pub fn address_refused(address: std::net::IpAddr) -> Self {
        Self {
            code: StatusCode::FORBIDDEN,
            reason: "Forbidden",
            message: format!("address {address} is not allowed by this API server's IP restrictions"),
            details: None,
        }
    }

    /// 404 for a named object of `resource` in `group`.
    pub fn not_found(resource: &str, group: &str, name: &str) -> Self {
        let qualified = if group.is_empty() { resource.to_string() } else { format!("{resource}.{group}") };
        Self {
            code: StatusCode::NOT_FOUND,
            reason: "NotFound",
            message: format!("{qualified} \"{name}\" not found"),
            details: Some(json!({ "name": name, "group": group, "kind": resource })),
        }
    }

    /// 404 for a path the server does not serve.
    pub fn no_such_path() -> Self {
        Self {
            code: StatusCode::NOT_FOUND,
            reason: "NotFound",
            message: "the server could not find the requested resource".into(),
            details: None,
        }
    }

    /// 400: a request body that is not what the endpoint takes.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self { code: StatusCode::BAD_REQUEST, reason: "BadRequest", message: message.into(), details: None }
    }
}

impl KubeError {
    fn with(
        code: StatusCode,
        reason: &'static str,
        message: String,
        details: Option<serde_json::Value>,
    ) -> Self {
        Self { code, reason, message, details }
    }

    /// 500, as kube-apiserver answers requests it cannot make sense of internally.
    pub fn internal(message: &str) -> Self {
        Self::with(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            format!("Internal error occurred: {message}"),
            None,
        )
    }

    /// 409: an object of that name exists already.
    pub fn already_exists(resource: &str, group: &str, name: &str) -> Self {
        let qualified = if group.is_empty() { resource.to_string() } else { format!("{resource}.{group}") };
        let details = json!({ "name": name, "group": group, "kind": resource });
        Self::with(
            StatusCode::CONFLICT,
            "AlreadyExists",
            format!("{qualified} \"{name}\" already exists"),
            Some(details),
        )
    }

    /// 409: the object changed since the caller read it.
    pub fn conflict(resource: &str, group: &str, name: &str) -> Self {
        let qualified = if group.is_empty() { resource.to_string() } else { format!("{resource}.{group}") };
        let message = format!(
            "Operation cannot be fulfilled on {qualified} \"{name}\": the object has been modified; please apply your changes to the latest version and try again"
        );
        Self::with(
            StatusCode::CONFLICT,
            "Conflict",
            message,
            Some(json!({ "name": name, "group": group, "kind": resource })),
        )
    }

    /// 422: the object breaks a rule of its kind.
    pub fn invalid(kind: &str, name: &str, field: &str, problem: &str) -> Self {
        let message = format!("{kind} \"{name}\" is invalid: {field}: {problem}");
        let details = json!({ "name": name, "kind": kind, "causes": [{ "reason": "FieldValueInvalid", "message": problem, "field": field }] });
        Self::with(StatusCode::UNPROCESSABLE_ENTITY, "Invalid", message, Some(details))
    }

    /// Whether this is the 404 of a missing object of `resource`.
    pub fn is_not_found_of(&self, resource: &str) -> bool {
        self.code == StatusCode::NOT_FOUND && self.details.as_ref().is_some_and(|d| d["kind"] == resource)
    }

    /// 403 for what no user may do, whatever their rights (deleting a system namespace).
    pub fn refused(message: String) -> Self {
        Self::with(StatusCode::FORBIDDEN, "Forbidden", message, None)
    }

    /// 405: the kind cannot be written through this API server.
    pub fn method_not_allowed() -> Self {
        Self::with(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "the server does not allow this method on the requested resource".into(),
            None,
        )
    }

    /// 415: a body in Kubernetes' protobuf encoding.
    pub fn protobuf_refused(kind: &str) -> Self {
        let message = format!(
            "the emulated API server reads protobuf bodies for {} only, and this command sent a {kind}: write the object to a file and use `kubectl apply -f` or `kubectl create -f`",
            super::protobuf_objects::kinds()
        );
        Self::with(StatusCode::UNSUPPORTED_MEDIA_TYPE, "UnsupportedMediaType", message, None)
    }

    /// 415: a patch type the server does not take.
    pub fn unsupported_media_type(content_type: &str) -> Self {
        let message = format!(
            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json (got {content_type})"
        );
        Self::with(StatusCode::UNSUPPORTED_MEDIA_TYPE, "UnsupportedMediaType", message, None)
    }
}

impl IntoResponse for KubeError {
    fn into_response(self) -> Response {
        let mut body = json!({
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code.as_u16(),
        });
        if let Some(details) = self.details {
            body["details"] = details;
        }
        (self.code, Json(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_reads_like_kube_apiserver() {
        let nodes = Attributes::resource("list", "", "nodes", "", "");
        let error = KubeError::forbidden("oidc:alice", &nodes, "");
        assert_eq!(
            error.message,
            "nodes is forbidden: User \"oidc:alice\" cannot list resource \"nodes\" in API group \"\" at the cluster scope"
        );
        let scale = Attributes::resource("patch", "apps", "deployments/scale", "web", "api");
        let error = KubeError::forbidden(
            "bob",
            &scale,
            "RBAC: clusterrole.rbac.authorization.k8s.io \"x\" not found",
        );
        assert_eq!(
            error.message,
            "deployments.apps \"api\" is forbidden: User \"bob\" cannot patch resource \"deployments/scale\" in API group \"apps\" in the namespace \"web\": RBAC: clusterrole.rbac.authorization.k8s.io \"x\" not found"
        );
        let path = KubeError::forbidden("carol", &Attributes::path("get", "/apis"), "");
        assert_eq!(path.message, "forbidden: User \"carol\" cannot get path \"/apis\"");
        assert_eq!(error.into_response().status(), StatusCode::FORBIDDEN);
    }

    #[test]
    fn not_found_names_the_group() {
        let error = KubeError::not_found("nodepools", "kube.cloud.ovh.com", "gone");
        assert_eq!(error.message, "nodepools.kube.cloud.ovh.com \"gone\" not found");
    }
}
