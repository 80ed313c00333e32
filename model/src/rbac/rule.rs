//! Kubernetes RBAC rules and how a request is matched against them, as kube-apiserver's RBAC
//! authoriser does it (`rbac/v1` evaluation helpers): verbs, API groups, resources with their
//! subresources (`deployments/scale`, `*/scale`), resource names and non-resource URLs.

use serde::{Deserialize, Serialize};

/// Every verb a resource request can have.
pub const READ: [&str; 3] = ["get", "list", "watch"];
/// The verbs that change objects.
pub const WRITE: [&str; 5] = ["create", "delete", "deletecollection", "patch", "update"];

/// One rule of a Role or ClusterRole, in its wire form (`rules[]`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PolicyRule {
    pub verbs: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub api_groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_names: Vec<String>,
    #[serde(default, rename = "nonResourceURLs", skip_serializing_if = "Vec::is_empty")]
    pub non_resource_urls: Vec<String>,
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_string()).collect()
}

impl PolicyRule {
    /// `verbs` on `resources` of the API group `group` (`""` is the core group).
    pub fn resources(verbs: &[&str], group: &str, resources: &[&str]) -> Self {
        Self {
            verbs: strings(verbs),
            api_groups: vec![group.to_string()],
            resources: strings(resources),
            ..Self::default()
        }
    }

    /// `verbs` on the non-resource URLs `urls` (`/version`, `/apis/*`).
    pub fn urls(verbs: &[&str], urls: &[&str]) -> Self {
        Self { verbs: strings(verbs), non_resource_urls: strings(urls), ..Self::default() }
    }

    /// Whether this rule lets `request` through.
    pub fn allows(&self, request: &Attributes) -> bool {
        let verb = self.verbs.iter().any(|v| v == "*" || *v == request.verb);
        if !verb {
            return false;
        }
        match &request.target {
            Target::Resource(target) => {
                self.api_groups.iter().any(|g| g == "*" || *g == target.group)
                    && self.resource_matches(target)
                    && (self.resource_names.is_empty() || self.resource_names.contains(&target.name))
            }
            Target::Path(path) => self.non_resource_urls.iter().any(|url| url_matches(url, path)),
        }
    }

    fn resource_matches(&self, target: &ResourceTarget) -> bool {
        let combined = target.combined();
        self.resources.iter().any(|r| {
            r == "*"
                || *r == combined
                || (!target.subresource.is_empty()
                    && r.strip_prefix("*/").is_some_and(|sub| sub == target.subresource))
        })
    }
}

/// `pattern` is `*`, the path itself, or a prefix ending in `*`.
fn url_matches(pattern: &str, path: &str) -> bool {
    pattern == "*"
        || pattern == path
        || pattern.strip_suffix('*').is_some_and(|prefix| path.starts_with(prefix))
}

/// What a resource request is about.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResourceTarget {
    /// `""` for the core group.
    pub group: String,
    pub resource: String,
    pub subresource: String,
    /// `""` at the cluster scope.
    pub namespace: String,
    /// `""` when the request names no object (list, create).
    pub name: String,
}

impl ResourceTarget {
    /// `deployments/scale`, or the resource alone.
    pub fn combined(&self) -> String {
        if self.subresource.is_empty() {
            self.resource.clone()
        } else {
            format!("{}/{}", self.resource, self.subresource)
        }
    }
}

/// A resource, or a path outside the resource tree (`/version`, `/healthz`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Resource(ResourceTarget),
    Path(String),
}

/// A request as the authoriser sees it: the verb and what it is done to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attributes {
    pub verb: String,
    pub target: Target,
}

impl Attributes {
    /// `verb` on `resource` of `group`, in `namespace` (`""`: the cluster scope), named `name`.
    pub fn resource(verb: &str, group: &str, resource: &str, namespace: &str, name: &str) -> Self {
        let (resource, subresource) = resource.split_once('/').unwrap_or((resource, ""));
        Self {
            verb: verb.to_string(),
            target: Target::Resource(ResourceTarget {
                group: group.to_string(),
                resource: resource.to_string(),
                subresource: subresource.to_string(),
                namespace: namespace.to_string(),
                name: name.to_string(),
            }),
        }
    }

    /// `verb` (`get`, `post`…) on the path `path`.
    pub fn path(verb: &str, path: &str) -> Self {
        Self { verb: verb.to_string(), target: Target::Path(path.to_string()) }
    }

    /// kube-apiserver's reason for refusing `user` this request: `User "bob" cannot delete
    /// resource "nodes" in API group "" at the cluster scope`.
    pub fn refusal(&self, user: &str) -> String {
        match &self.target {
            Target::Path(path) => format!("User \"{user}\" cannot {} path \"{path}\"", self.verb),
            Target::Resource(target) => {
                let (verb, resource, group) = (&self.verb, target.combined(), &target.group);
                let scope = if target.namespace.is_empty() {
                    "at the cluster scope".to_string()
                } else {
                    format!("in the namespace \"{}\"", target.namespace)
                };
                format!(
                    "User \"{user}\" cannot {verb} resource \"{resource}\" in API group \"{group}\" {scope}"
                )
            }
        }
    }
}

/// Whether any of `rules` lets `request` through.
pub fn any_allows(rules: &[PolicyRule], request: &Attributes) -> bool {
    rules.iter().any(|rule| rule.allows(request))
}

/// The parts of `wanted` that `held` does not cover, as kube-apiserver's escalation check finds
/// them: each verb on each resource (with each name) or URL on its own, then merged back per
/// resource in kube-apiserver's order. A writer may grant only what they hold.
pub fn uncovered(held: &[PolicyRule], wanted: &[PolicyRule]) -> Vec<PolicyRule> {
    let mut missing: Vec<PolicyRule> = Vec::new();
    let mut add = |part: PolicyRule| {
        let same = |m: &&mut PolicyRule| {
            (&m.api_groups, &m.resources, &m.resource_names, &m.non_resource_urls)
                == (&part.api_groups, &part.resources, &part.resource_names, &part.non_resource_urls)
        };
        match missing.iter_mut().find(same) {
            Some(found) => found.verbs.extend(part.verbs),
            None => missing.push(part),
        }
    };
    for rule in wanted {
        let names: Vec<&str> = match rule.resource_names.is_empty() {
            true => vec![""],
            false => rule.resource_names.iter().map(String::as_str).collect(),
        };
        for group in &rule.api_groups {
            for resource in &rule.resources {
                for verb in &rule.verbs {
                    for name in &names {
                        if !any_allows(held, &Attributes::resource(verb, group, resource, "", name)) {
                            let mut part = PolicyRule::resources(&[verb], group, &[resource]);
                            part.resource_names = names_of(name);
                            add(part);
                        }
                    }
                }
            }
        }
        for url in &rule.non_resource_urls {
            for verb in &rule.verbs {
                if !any_allows(held, &Attributes::path(verb, url)) {
                    add(PolicyRule::urls(&[verb], &[url]));
                }
            }
        }
    }
    missing
}

fn names_of(name: &str) -> Vec<String> {
    if name.is_empty() { Vec::new() } else { vec![name.to_string()] }
}

impl PolicyRule {
    /// kube-apiserver's short form of a rule, as its messages show it:
    /// `{APIGroups:["apps"], Resources:["deployments"], Verbs:["get" "list"]}`.
    pub fn compact(&self) -> String {
        let parts = [
            ("APIGroups", &self.api_groups),
            ("Resources", &self.resources),
            ("NonResourceURLs", &self.non_resource_urls),
            ("ResourceNames", &self.resource_names),
            ("Verbs", &self.verbs),
        ];
        let shown: Vec<String> = parts
            .iter()
            .filter(|(_, items)| !items.is_empty())
            .map(|(name, items)| {
                let quoted: Vec<String> = items.iter().map(|item| format!("{item:?}")).collect();
                format!("{name}:[{}]", quoted.join(" "))
            })
            .collect();
        format!("{{{}}}", shown.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_is_not_held_cannot_be_granted() {
        let held = vec![
            PolicyRule::resources(&["get", "list", "watch"], "", &["pods", "services"]),
            PolicyRule::resources(&["*"], "apps", &["deployments", "*/scale"]),
            PolicyRule::urls(&["get"], &["/healthz", "/apis/*"]),
        ];
        assert!(uncovered(&held, &[PolicyRule::resources(&["get", "list"], "", &["pods"])]).is_empty());
        assert!(
            uncovered(&held, &[PolicyRule::resources(&["patch"], "apps", &["replicasets/scale"])]).is_empty()
        );
        assert!(uncovered(&held, &[PolicyRule::urls(&["get"], &["/apis/apps"])]).is_empty());
        let wanted = vec![
            PolicyRule::resources(&["get", "delete", "patch"], "", &["pods", "secrets"]),
            PolicyRule::resources(&["*"], "apps", &["deployments"]),
            PolicyRule::resources(&["get"], "", &["*"]),
            PolicyRule::urls(&["get", "post"], &["/healthz"]),
        ];
        let missing: Vec<String> = uncovered(&held, &wanted).iter().map(PolicyRule::compact).collect();
        assert_eq!(
            missing,
            vec![
                r#"{APIGroups:[""], Resources:["pods"], Verbs:["delete" "patch"]}"#,
                r#"{APIGroups:[""], Resources:["secrets"], Verbs:["get" "delete" "patch"]}"#,
                r#"{APIGroups:[""], Resources:["*"], Verbs:["get"]}"#,
                r#"{NonResourceURLs:["/healthz"], Verbs:["post"]}"#,
            ]
        );
        // A right on named objects does not cover the whole kind, nor another name.
        let mut named = PolicyRule::resources(&["get"], "", &["configmaps"]);
        named.resource_names = vec!["settings".into()];
        assert!(uncovered(std::slice::from_ref(&named), std::slice::from_ref(&named)).is_empty());
        let whole = PolicyRule::resources(&["get"], "", &["configmaps"]);
        assert_eq!(uncovered(std::slice::from_ref(&named), &[whole]).len(), 1);
        let mut other = named.clone();
        other.resource_names = vec!["secret-settings".into()];
        assert_eq!(
            uncovered(&[named], &[other])[0].compact(),
            r#"{APIGroups:[""], Resources:["configmaps"], ResourceNames:["secret-settings"], Verbs:["get"]}"#
        );
    }

    #[test]
    fn verbs_groups_and_resources_must_all_match() {
        let rule = PolicyRule::resources(&["get", "list"], "apps", &["deployments"]);
        assert!(rule.allows(&Attributes::resource("list", "apps", "deployments", "default", "")));
        assert!(!rule.allows(&Attributes::resource("delete", "apps", "deployments", "default", "web")));
        assert!(!rule.allows(&Attributes::resource("list", "", "deployments", "default", "")));
        assert!(!rule.allows(&Attributes::resource("list", "apps", "replicasets", "default", "")));
        let everything = PolicyRule::resources(&["*"], "*", &["*"]);
        assert!(everything.allows(&Attributes::resource("delete", "", "nodes", "", "n1")));
        assert!(!everything.allows(&Attributes::path("get", "/healthz")));
    }

    #[test]
    fn subresources_are_named_or_matched_by_star() {
        let scale = PolicyRule::resources(&["patch"], "apps", &["deployments/scale"]);
        assert!(scale.allows(&Attributes::resource("patch", "apps", "deployments/scale", "ns", "web")));
        assert!(!scale.allows(&Attributes::resource("patch", "apps", "deployments", "ns", "web")));
        let any_scale = PolicyRule::resources(&["patch"], "apps", &["*/scale"]);
        assert!(any_scale.allows(&Attributes::resource("patch", "apps", "replicasets/scale", "ns", "x")));
        assert!(!any_scale.allows(&Attributes::resource("patch", "apps", "replicasets", "ns", "x")));
        let whole = PolicyRule::resources(&["patch"], "apps", &["deployments"]);
        assert!(!whole.allows(&Attributes::resource("patch", "apps", "deployments/scale", "ns", "web")));
    }

    #[test]
    fn resource_names_limit_to_those_objects() {
        let mut rule = PolicyRule::resources(&["get"], "", &["configmaps"]);
        rule.resource_names = vec!["settings".into()];
        assert!(rule.allows(&Attributes::resource("get", "", "configmaps", "ns", "settings")));
        assert!(!rule.allows(&Attributes::resource("get", "", "configmaps", "ns", "other")));
    }

    #[test]
    fn urls_match_exactly_or_by_prefix() {
        let rule = PolicyRule::urls(&["get"], &["/version", "/apis/*"]);
        assert!(rule.allows(&Attributes::path("get", "/version")));
        assert!(rule.allows(&Attributes::path("get", "/apis/apps/v1")));
        assert!(!rule.allows(&Attributes::path("get", "/version/x")));
        assert!(!rule.allows(&Attributes::path("post", "/version")));
        assert!(!rule.allows(&Attributes::resource("get", "", "pods", "", "")));
    }

    #[test]
    fn refusals_read_as_kube_apiserver_writes_them() {
        let node = Attributes::resource("delete", "", "nodes", "", "n1");
        assert_eq!(
            node.refusal("oidc:bob"),
            "User \"oidc:bob\" cannot delete resource \"nodes\" in API group \"\" at the cluster scope"
        );
        let scale = Attributes::resource("patch", "apps", "deployments/scale", "web", "api");
        assert_eq!(
            scale.refusal("carol"),
            "User \"carol\" cannot patch resource \"deployments/scale\" in API group \"apps\" in the namespace \"web\""
        );
        assert_eq!(
            Attributes::path("get", "/metrics").refusal("carol"),
            "User \"carol\" cannot get path \"/metrics\""
        );
    }

    #[test]
    fn rules_read_and_write_kubernetes_json() {
        let json = r#"{"verbs":["get"],"apiGroups":[""],"resources":["pods"],"nonResourceURLs":[]}"#;
        let rule: PolicyRule = serde_json::from_str(json).unwrap();
        assert_eq!(rule, PolicyRule::resources(&["get"], "", &["pods"]));
        let urls = serde_json::to_value(PolicyRule::urls(&["get"], &["/version"])).unwrap();
        assert_eq!(urls, serde_json::json!({ "verbs": ["get"], "nonResourceURLs": ["/version"] }));
    }
}
