//! The console's role bindings inside a cluster, through its admin credentials: read back with
//! the console's label, and made to match the mapping (`model::rbac::mapping`).

use model::rbac::mapping::{GROUP_ANNOTATION, MANAGED_BY};
use model::rbac::{Binding, FoundBinding};
use reqwest::Method;
use serde_json::{Value, json};

use crate::cluster_api::{ClusterApi, ClusterApiError};

const RBAC: &str = "rbac.authorization.k8s.io";
const BASE: &str = "/apis/rbac.authorization.k8s.io/v1";

/// The binding's object as the console writes it.
pub fn object(binding: &Binding) -> Value {
    let kind = if binding.namespace.is_some() { "RoleBinding" } else { "ClusterRoleBinding" };
    let mut metadata = json!({ "name": binding.name, "labels": {}, "annotations": {} });
    metadata["labels"][MANAGED_BY.0] = json!(MANAGED_BY.1);
    metadata["annotations"][GROUP_ANNOTATION] = json!(binding.group);
    if let Some(namespace) = &binding.namespace {
        metadata["namespace"] = json!(namespace);
    }
    json!({
        "apiVersion": format!("{RBAC}/v1"),
        "kind": kind,
        "metadata": metadata,
        "roleRef": { "apiGroup": RBAC, "kind": "ClusterRole", "name": binding.role.key() },
        "subjects": [{ "apiGroup": RBAC, "kind": "Group", "name": binding.subject }],
    })
}

/// Where the binding lives: its collection and its own path.
fn paths(namespace: Option<&str>, name: &str) -> (String, String) {
    let collection = match namespace {
        Some(namespace) => format!("{BASE}/namespaces/{namespace}/rolebindings"),
        None => format!("{BASE}/clusterrolebindings"),
    };
    let item = format!("{collection}/{}", utf8_percent(name));
    (collection, item)
}

/// `name` with the characters a path segment cannot hold as they are (`:` stays) escaped.
fn utf8_percent(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b':' | b'@' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// A binding as found: its role (when a ClusterRole), its groups and how many other subjects.
pub fn found(object: &Value) -> FoundBinding {
    let subjects = object["subjects"].as_array().cloned().unwrap_or_default();
    let role = &object["roleRef"];
    FoundBinding {
        namespace: object["metadata"]["namespace"].as_str().map(str::to_string),
        name: object["metadata"]["name"].as_str().unwrap_or_default().to_string(),
        cluster_role: (role["kind"] == "ClusterRole")
            .then(|| role["name"].as_str().unwrap_or_default().to_string()),
        groups: subjects
            .iter()
            .filter(|s| s["kind"] == "Group")
            .filter_map(|s| s["name"].as_str().map(str::to_string))
            .collect(),
        others: subjects.iter().filter(|s| s["kind"] != "Group").count(),
    }
}

/// Every binding carrying the console's label, cluster-wide and in every namespace.
pub async fn managed(api: &ClusterApi) -> Result<Vec<FoundBinding>, ClusterApiError> {
    let selector = format!("labelSelector={}%3D{}", MANAGED_BY.0.replace('/', "%2F"), MANAGED_BY.1);
    let (cluster_wide, in_namespaces) =
        (format!("{BASE}/clusterrolebindings?{selector}"), format!("{BASE}/rolebindings?{selector}"));
    let (cluster, namespaced) = tokio::try_join!(api.list(&cluster_wide), api.list(&in_namespaces))?;
    Ok(cluster.iter().chain(&namespaced).map(found).collect())
}

/// What [`apply`] did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Applied {
    pub created: usize,
    pub replaced: usize,
    pub unchanged: usize,
    pub deleted: usize,
}

impl Applied {
    /// "3 bindings in place: 1 created, 1 replaced, 1 as it was; 1 removed".
    pub fn describe(&self) -> String {
        let total = self.created + self.replaced + self.unchanged;
        let noun = if total == 1 { "binding" } else { "bindings" };
        format!(
            "{total} {noun} in place: {} created, {} replaced, {} as it was; {} removed",
            self.created, self.replaced, self.unchanged, self.deleted
        )
    }
}

/// Makes the console's bindings in the cluster exactly `wanted`: each created, or replaced when
/// it differs (deleted first when its role changes, which Kubernetes does not allow in place),
/// and every other binding with the console's label deleted. Running it again changes nothing.
pub async fn apply(api: &ClusterApi, wanted: &[Binding]) -> Result<Applied, ClusterApiError> {
    let mut applied = Applied::default();
    for binding in wanted {
        let (collection, item) = paths(binding.namespace.as_deref(), &binding.name);
        let desired = object(binding);
        match api.send(Method::GET, &item, None).await? {
            None => {
                api.send(Method::POST, &collection, Some(&desired)).await?;
                applied.created += 1;
            }
            Some(current) => {
                let same = |field: &str| current[field] == desired[field];
                let labelled = current["metadata"]["labels"][MANAGED_BY.0] == MANAGED_BY.1;
                if same("roleRef") && same("subjects") && labelled {
                    applied.unchanged += 1;
                } else if same("roleRef") {
                    let mut replacement = desired.clone();
                    replacement["metadata"]["resourceVersion"] =
                        current["metadata"]["resourceVersion"].clone();
                    api.send(Method::PUT, &item, Some(&replacement)).await?;
                    applied.replaced += 1;
                } else {
                    api.send(Method::DELETE, &item, None).await?;
                    api.send(Method::POST, &collection, Some(&desired)).await?;
                    applied.replaced += 1;
                }
            }
        }
    }
    for extra in managed(api).await? {
        let kept = wanted.iter().any(|b| b.name == extra.name && b.namespace == extra.namespace);
        if !kept {
            let (_, item) = paths(extra.namespace.as_deref(), &extra.name);
            api.send(Method::DELETE, &item, None).await?;
            applied.deleted += 1;
        }
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::rbac::{AccessMapping, BuiltInRole, GroupAccess};

    #[test]
    fn objects_read_back_as_what_was_wanted() {
        let mapping = AccessMapping {
            groups: vec![GroupAccess {
                group: "team/devs".into(),
                role: BuiltInRole::Edit,
                namespaces: vec!["web".into()],
            }],
        };
        let binding = &mapping.bindings("oidc:")[0];
        let object = object(binding);
        assert_eq!(object["kind"], "RoleBinding");
        assert_eq!(object["metadata"]["labels"]["app.kubernetes.io/managed-by"], "pilothouse");
        let back = found(&object);
        assert!(model::rbac::mapping::drift(std::slice::from_ref(binding), &[back]).is_empty());
        assert_eq!(
            paths(Some("web"), &binding.name).1,
            "/apis/rbac.authorization.k8s.io/v1/namespaces/web/rolebindings/pilothouse:team~devs"
        );
        assert_eq!(utf8_percent("a b/c"), "a%20b%2Fc");
    }
}
