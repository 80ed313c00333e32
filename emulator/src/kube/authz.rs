//! Authorisation, as kube-apiserver does it: each request's attributes are read off its method
//! and path (verb, API group, resource, subresource, namespace, name — or a non-resource path),
//! impersonation headers are honoured for callers allowed the `impersonate` verb, and the
//! request is let through when `system:masters` sent it or a rule of a role bound to the
//! caller allows it (ClusterRoleBindings everywhere, RoleBindings in their namespace).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use model::rbac::rule::{Attributes, PolicyRule, Target, any_allows};
use serde_json::Value;

use super::KubeApi;
use super::authn::{ClusterId, User};
use super::status::KubeError;
use crate::workload::{Store, rbac};

/// The group that may do anything, bindings or not.
pub(super) const MASTERS: &str = "system:masters";
/// Subresources of a namespace (the rest after a namespace's name is a resource in it).
const NAMESPACE_SUBRESOURCES: [&str; 2] = ["status", "finalize"];

/// What `method` on `path` (with its `query`) asks, as kube-apiserver's request-info resolver
/// reads it.
pub fn resolve(method: &str, path: &str, query: Option<&str>) -> Attributes {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let non_resource = || Attributes::path(&method.to_ascii_lowercase(), path);
    let rest = match parts.first() {
        Some(&"api") if parts.len() >= 3 => &parts[2..],
        Some(&"apis") if parts.len() >= 4 => &parts[3..],
        _ => return non_resource(),
    };
    let group = if parts[0] == "apis" { parts[1] } else { "" };
    let mut rest = rest;
    let mut namespace = "";
    if rest[0] == "namespaces" && rest.len() > 1 {
        namespace = rest[1];
        if rest.len() > 2 && !NAMESPACE_SUBRESOURCES.contains(&rest[2]) {
            rest = &rest[2..];
        }
    }
    let resource = rest[0];
    let name = rest.get(1).copied().unwrap_or_default();
    let subresource = rest.get(2).copied().unwrap_or_default();
    let watching = query.into_iter().flat_map(|q| q.split('&')).any(|pair| {
        pair.strip_prefix("watch=").is_some_and(|v| !v.eq_ignore_ascii_case("false") && v != "0")
    });
    let verb = match method {
        "GET" | "HEAD" if name.is_empty() && watching => "watch",
        "GET" | "HEAD" if name.is_empty() => "list",
        "GET" | "HEAD" => "get",
        "POST" => "create",
        "PUT" => "update",
        "PATCH" => "patch",
        "DELETE" if name.is_empty() => "deletecollection",
        "DELETE" => "delete",
        other => return Attributes::path(&other.to_ascii_lowercase(), path),
    };
    let resource =
        if subresource.is_empty() { resource.to_string() } else { format!("{resource}/{subresource}") };
    Attributes::resource(verb, group, &resource, namespace, name)
}

/// Whether `subject` (of a binding in `namespace`) names `user`.
fn names(subject: &Value, user: &User, namespace: &str) -> bool {
    let name = subject["name"].as_str().unwrap_or_default();
    match subject["kind"].as_str().unwrap_or_default() {
        "User" => user.name == name,
        "Group" => user.groups.iter().any(|g| g == name),
        "ServiceAccount" => {
            let namespace = subject["namespace"].as_str().unwrap_or(namespace);
            user.name == format!("system:serviceaccount:{namespace}:{name}")
        }
        _ => false,
    }
}

fn binds(binding: &Value, user: &User) -> bool {
    let namespace = binding["metadata"]["namespace"].as_str().unwrap_or_default();
    binding["subjects"].as_array().into_iter().flatten().any(|subject| names(subject, user, namespace))
}

/// A binding that applies to a caller, and what it grants.
pub struct Grant {
    /// `ClusterRoleBinding "x" of ClusterRole "y"`.
    pub source: String,
    pub rules: Vec<PolicyRule>,
}

/// The grants of `user` in `namespace` (`""`: the cluster scope, ClusterRoleBindings only),
/// and the roles bindings name that do not exist, as kube-apiserver words them.
pub fn grants(store: &Store, user: &User, namespace: &str) -> (Vec<Grant>, Vec<String>) {
    let (mut grants, mut missing) = (Vec::new(), Vec::new());
    let mut visit = |binding: &Value, kind: &str| {
        let role = &binding["roleRef"];
        let (role_kind, role_name) =
            (role["kind"].as_str().unwrap_or_default(), role["name"].as_str().unwrap_or_default());
        let binding_namespace = binding["metadata"]["namespace"].as_str().unwrap_or_default();
        let found = match role_kind {
            "ClusterRole" => store.get("clusterroles", role_name),
            _ => store.get("roles", &format!("{binding_namespace}/{role_name}")),
        };
        match found {
            Some(role) => grants.push(Grant {
                source: format!(
                    "{kind} \"{}\" of {role_kind} \"{role_name}\"",
                    binding["metadata"]["name"].as_str().unwrap_or_default()
                ),
                rules: rbac::rules_of(role),
            }),
            None => missing.push(format!(
                "{}.rbac.authorization.k8s.io \"{role_name}\" not found",
                role_kind.to_lowercase()
            )),
        }
    };
    for binding in store.list("clusterrolebindings").filter(|b| binds(b, user)) {
        visit(binding, "ClusterRoleBinding");
    }
    if !namespace.is_empty() {
        for binding in
            store.list("rolebindings").filter(|b| b["metadata"]["namespace"] == namespace && binds(b, user))
        {
            visit(binding, "RoleBinding");
        }
    }
    (grants, missing)
}

/// Whether `user` may do `request`: `Ok` with the reason it is allowed, `Err` with the reason
/// it is not (empty when no binding is broken).
pub fn decide(store: &Store, user: &User, request: &Attributes) -> Result<String, String> {
    if user.groups.iter().any(|g| g == MASTERS) {
        return Ok(String::new());
    }
    let namespace = match &request.target {
        Target::Resource(target) => target.namespace.as_str(),
        Target::Path(_) => "",
    };
    let (grants, missing) = grants(store, user, namespace);
    match grants.iter().find(|grant| any_allows(&grant.rules, request)) {
        Some(grant) => Ok(format!("RBAC: allowed by {}", grant.source)),
        None if missing.is_empty() => Err(String::new()),
        None => Err(format!("RBAC: [{}]", missing.join(", "))),
    }
}

/// Runs `f` on the RBAC objects of `cluster`, installing the bootstrap policy first if needed.
pub fn with_rbac<T>(api: &KubeApi, cluster: &str, f: impl FnOnce(&Store) -> T) -> T {
    let now = api.emulator.clock.now();
    let mut world = api.emulator.world();
    let created = world.clusters.get(cluster).map_or(now, |c| c.ready_at);
    let store = world.workloads.entry(cluster.to_string()).or_default();
    rbac::ensure_defaults(store, created);
    f(store)
}

fn header_values(headers: &HeaderMap, name: &str) -> Vec<String> {
    headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).map(str::to_string).collect()
}

/// The user `actor` acts as through the `Impersonate-*` headers, once every part is allowed
/// (`impersonate` on `users`, `groups`, `serviceaccounts`, `uids`, `userextras/<key>`); `None`
/// without such headers.
fn impersonated(store: &Store, actor: &User, headers: &HeaderMap) -> Result<Option<User>, KubeError> {
    let user = headers.get("impersonate-user").and_then(|v| v.to_str().ok()).map(str::to_string);
    let groups = header_values(headers, "impersonate-group");
    let uid = headers.get("impersonate-uid").and_then(|v| v.to_str().ok());
    let extras: Vec<(String, String)> = headers
        .iter()
        .filter_map(|(name, value)| {
            let key = name.as_str().strip_prefix("impersonate-extra-")?;
            Some((key.to_string(), value.to_str().ok()?.to_string()))
        })
        .collect();
    let Some(user) = user else {
        if groups.is_empty() && uid.is_none() && extras.is_empty() {
            return Ok(None);
        }
        return Err(KubeError::internal(
            "requested impersonation of groups or extras without impersonating a user",
        ));
    };
    let mut checks = Vec::new();
    let service_account = user.strip_prefix("system:serviceaccount:").and_then(|rest| rest.split_once(':'));
    match service_account {
        Some((namespace, name)) => {
            checks.push(Attributes::resource("impersonate", "", "serviceaccounts", namespace, name))
        }
        None => checks.push(Attributes::resource("impersonate", "", "users", "", &user)),
    }
    for group in &groups {
        checks.push(Attributes::resource("impersonate", "", "groups", "", group));
    }
    if let Some(uid) = uid {
        checks.push(Attributes::resource("impersonate", "authentication.k8s.io", "uids", "", uid));
    }
    for (key, value) in &extras {
        checks.push(Attributes::resource(
            "impersonate",
            "authentication.k8s.io",
            &format!("userextras/{key}"),
            "",
            value,
        ));
    }
    for check in &checks {
        if let Err(reason) = decide(store, actor, check) {
            return Err(KubeError::forbidden(&actor.name, check, &reason));
        }
    }
    let mut all_groups = groups;
    if let Some((namespace, _)) = service_account {
        all_groups.push("system:serviceaccounts".into());
        all_groups.push(format!("system:serviceaccounts:{namespace}"));
    }
    if user != "system:anonymous" && !all_groups.iter().any(|g| g == "system:authenticated") {
        all_groups.push("system:authenticated".into());
    }
    Ok(Some(User { name: user, groups: all_groups }))
}

/// The middleware: resolves impersonation, then lets the request through or answers 403.
pub async fn authorize(State(api): State<Arc<KubeApi>>, mut request: Request, next: Next) -> Response {
    let (Some(user), Some(ClusterId(cluster))) =
        (request.extensions().get::<User>().cloned(), request.extensions().get::<ClusterId>().cloned())
    else {
        // `/version`, which admission lets anyone reach.
        return next.run(request).await;
    };
    let attributes = resolve(request.method().as_str(), request.uri().path(), request.uri().query());
    let decided = with_rbac(&api, &cluster, |store| {
        let user = impersonated(store, &user, request.headers())?.unwrap_or(user);
        decide(store, &user, &attributes)
            .map_err(|reason| KubeError::forbidden(&user.name, &attributes, &reason))?;
        Ok::<User, KubeError>(user)
    });
    match decided {
        Ok(user) => {
            request.extensions_mut().insert(user);
            next.run(request).await
        }
        Err(error) => error.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use serde_json::json;

    fn user(name: &str, groups: &[&str]) -> User {
        User::authenticated(name.into(), groups.iter().map(|g| g.to_string()).collect())
    }

    fn store() -> Store {
        let mut store = Store::default();
        let now = Utc::now();
        rbac::ensure_defaults(&mut store, now);
        let binding = |kind: &str, namespace: Option<&str>, name: &str, role: &str, group: &str| {
            let mut object = json!({
                "kind": kind, "apiVersion": "rbac.authorization.k8s.io/v1",
                "metadata": { "name": name },
                "roleRef": { "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role },
                "subjects": [{ "kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": group }],
            });
            if let Some(namespace) = namespace {
                object["metadata"]["namespace"] = json!(namespace);
            }
            object
        };
        store.put(
            "clusterrolebindings",
            binding("ClusterRoleBinding", None, "ops", "edit", "oidc:operators"),
            now,
        );
        store.put("rolebindings", binding("RoleBinding", Some("web"), "devs", "admin", "oidc:devs"), now);
        store.put("rolebindings", binding("RoleBinding", Some("web"), "broken", "gone", "oidc:devs"), now);
        store
    }

    #[test]
    fn paths_resolve_as_kube_apiserver_reads_them() {
        let r = |m: &str, p: &str, q: Option<&str>| resolve(m, p, q);
        assert_eq!(r("GET", "/api/v1/pods", None), Attributes::resource("list", "", "pods", "", ""));
        assert_eq!(
            r("GET", "/api/v1/pods", Some("watch=true&x=1")),
            Attributes::resource("watch", "", "pods", "", "")
        );
        assert_eq!(
            r("GET", "/api/v1/namespaces/web/pods/a", None),
            Attributes::resource("get", "", "pods", "web", "a")
        );
        assert_eq!(
            r("GET", "/api/v1/namespaces/web", None),
            Attributes::resource("get", "", "namespaces", "web", "web")
        );
        assert_eq!(
            r("PUT", "/api/v1/namespaces/web/status", None),
            Attributes::resource("update", "", "namespaces/status", "web", "web")
        );
        assert_eq!(
            r("PATCH", "/apis/apps/v1/namespaces/web/deployments/api/scale", None),
            Attributes::resource("patch", "apps", "deployments/scale", "web", "api")
        );
        assert_eq!(
            r("DELETE", "/api/v1/nodes/n1", None),
            Attributes::resource("delete", "", "nodes", "", "n1")
        );
        assert_eq!(
            r("DELETE", "/api/v1/namespaces/web/pods", None),
            Attributes::resource("deletecollection", "", "pods", "web", "")
        );
        assert_eq!(
            r("POST", "/apis/rbac.authorization.k8s.io/v1/clusterroles", None),
            Attributes::resource("create", "rbac.authorization.k8s.io", "clusterroles", "", "")
        );
        assert_eq!(r("GET", "/apis/apps/v1", None), Attributes::path("get", "/apis/apps/v1"));
        assert_eq!(r("GET", "/api/v1", None), Attributes::path("get", "/api/v1"));
        assert_eq!(r("GET", "/openapi/v3", None), Attributes::path("get", "/openapi/v3"));
    }

    #[test]
    fn bindings_grant_their_roles_where_they_apply() {
        let store = store();
        let bob = user("oidc:bob", &["oidc:operators"]);
        let list_pods = Attributes::resource("list", "", "pods", "", "");
        assert_eq!(
            decide(&store, &bob, &list_pods),
            Ok("RBAC: allowed by ClusterRoleBinding \"ops\" of ClusterRole \"edit\"".into())
        );
        assert!(
            decide(&store, &bob, &Attributes::resource("patch", "apps", "deployments/scale", "web", "api"))
                .is_ok()
        );
        assert_eq!(
            decide(&store, &bob, &Attributes::resource("delete", "", "nodes", "", "n1")),
            Err(String::new())
        );
        assert!(decide(&store, &bob, &Attributes::path("get", "/apis")).is_ok(), "discovery");

        let dev = user("oidc:dana", &["oidc:devs"]);
        let bind = Attributes::resource("create", "rbac.authorization.k8s.io", "rolebindings", "web", "");
        assert!(decide(&store, &dev, &bind).is_ok());
        let elsewhere =
            Attributes::resource("create", "rbac.authorization.k8s.io", "rolebindings", "default", "");
        assert_eq!(decide(&store, &dev, &elsewhere), Err(String::new()));
        let pods_everywhere = decide(&store, &dev, &list_pods);
        assert_eq!(pods_everywhere, Err(String::new()), "a RoleBinding says nothing of the cluster scope");
        let delete_web = Attributes::resource("delete", "", "secrets", "web", "x");
        assert!(decide(&store, &dev, &delete_web).is_ok());
        let in_web = Attributes::resource("delete", "", "nodes", "web", "");
        assert_eq!(
            decide(&store, &dev, &in_web),
            Err("RBAC: [clusterrole.rbac.authorization.k8s.io \"gone\" not found]".into())
        );

        let carol = user("oidc:carol", &[]);
        assert_eq!(decide(&store, &carol, &list_pods), Err(String::new()));
        assert!(
            decide(
                &store,
                &carol,
                &Attributes::resource("create", "authorization.k8s.io", "selfsubjectaccessreviews", "", "")
            )
            .is_ok()
        );
        assert!(
            decide(
                &store,
                &user("admin", &[MASTERS]),
                &Attributes::resource("delete", "", "nodes", "", "n1")
            )
            .is_ok()
        );
    }

    #[test]
    fn impersonation_needs_the_impersonate_verb() {
        let store = store();
        let mut headers = HeaderMap::new();
        headers.insert("impersonate-user", "oidc:bob".parse().unwrap());
        headers.append("impersonate-group", "oidc:operators".parse().unwrap());
        let admin = user("kubernetes-admin", &[MASTERS]);
        let bob = impersonated(&store, &admin, &headers).unwrap().unwrap();
        assert_eq!(bob, user("oidc:bob", &["oidc:operators"]));
        let refused = impersonated(&store, &bob, &headers).unwrap_err();
        assert!(
            format!("{refused:?}").contains("users \\\"oidc:bob\\\" is forbidden: User \\\"oidc:bob\\\" cannot impersonate resource \\\"users\\\" in API group \\\"\\\" at the cluster scope"),
            "{refused:?}"
        );
        assert!(impersonated(&store, &bob, &HeaderMap::new()).unwrap().is_none());
        let mut only_group = HeaderMap::new();
        only_group.insert("impersonate-group", "x".parse().unwrap());
        assert!(impersonated(&store, &admin, &only_group).is_err());
    }
}
