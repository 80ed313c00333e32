//! The objects kubectl's typed commands send in protobuf (`kubectl create namespace`, `create
//! role`, `create clusterrole`, `create rolebinding`, `create clusterrolebinding`), read into the
//! JSON the rest of the emulated API server takes. Field numbers are those of each kind's
//! `generated.proto` in `k8s.io/api` (and `ObjectMeta`'s in `k8s.io/apimachinery`); the fields
//! left out (status, what the server sets) are not sent by these commands.

use serde_json::{Map, Value};

use super::protobuf::{self, fields};

/// How a field becomes JSON.
#[derive(Clone, Copy)]
enum Shape {
    Text,
    Texts,
    /// `map<string, string>`: one entry per field, its key at 1 and its value at 2.
    Map,
    Message(&'static [FieldSpec]),
    Messages(&'static [FieldSpec]),
}

use Shape::{Map as StringMap, Message, Messages, Text, Texts};

/// A field's number, its JSON name and its shape.
type FieldSpec = (u64, &'static str, Shape);

const OBJECT_META: &[FieldSpec] = &[
    (1, "name", Text),
    (2, "generateName", Text),
    (3, "namespace", Text),
    (11, "labels", StringMap),
    (12, "annotations", StringMap),
    (14, "finalizers", Texts),
];
const NAMESPACE_SPEC: &[FieldSpec] = &[(1, "finalizers", Texts)];
const NAMESPACE: &[FieldSpec] =
    &[(1, "metadata", Message(OBJECT_META)), (2, "spec", Message(NAMESPACE_SPEC))];
const POLICY_RULE: &[FieldSpec] = &[
    (1, "verbs", Texts),
    (2, "apiGroups", Texts),
    (3, "resources", Texts),
    (4, "resourceNames", Texts),
    (5, "nonResourceURLs", Texts),
];
const LABEL_REQUIREMENT: &[FieldSpec] = &[(1, "key", Text), (2, "operator", Text), (3, "values", Texts)];
const LABEL_SELECTOR: &[FieldSpec] =
    &[(1, "matchLabels", StringMap), (2, "matchExpressions", Messages(LABEL_REQUIREMENT))];
const AGGREGATION_RULE: &[FieldSpec] = &[(1, "clusterRoleSelectors", Messages(LABEL_SELECTOR))];
const ROLE: &[FieldSpec] = &[(1, "metadata", Message(OBJECT_META)), (2, "rules", Messages(POLICY_RULE))];
const CLUSTER_ROLE: &[FieldSpec] = &[
    (1, "metadata", Message(OBJECT_META)),
    (2, "rules", Messages(POLICY_RULE)),
    (3, "aggregationRule", Message(AGGREGATION_RULE)),
];
const SUBJECT: &[FieldSpec] =
    &[(1, "kind", Text), (2, "apiGroup", Text), (3, "name", Text), (4, "namespace", Text)];
const ROLE_REF: &[FieldSpec] = &[(1, "apiGroup", Text), (2, "kind", Text), (3, "name", Text)];
const BINDING: &[FieldSpec] = &[
    (1, "metadata", Message(OBJECT_META)),
    (2, "subjects", Messages(SUBJECT)),
    (3, "roleRef", Message(ROLE_REF)),
];

const RBAC: &str = "rbac.authorization.k8s.io/v1";

/// The kinds read from protobuf, by `apiVersion` and `kind`.
const KINDS: &[(&str, &str, &[FieldSpec])] = &[
    ("v1", "Namespace", NAMESPACE),
    (RBAC, "Role", ROLE),
    (RBAC, "ClusterRole", CLUSTER_ROLE),
    (RBAC, "RoleBinding", BINDING),
    (RBAC, "ClusterRoleBinding", BINDING),
];

/// Why a protobuf body was not read.
#[derive(Debug, PartialEq, Eq)]
pub enum Unread {
    /// Not a Kubernetes protobuf body, or not one of its kind.
    Malformed,
    /// A kind this server reads as JSON only.
    Kind(String),
}

/// The kinds [`to_json`] reads, for messages.
pub fn kinds() -> String {
    let names: Vec<&str> = KINDS.iter().map(|(_, kind, _)| *kind).collect();
    names.join(", ")
}

/// `body`, a Kubernetes protobuf body, as the JSON object it encodes.
pub fn to_json(body: &[u8]) -> Result<Value, Unread> {
    let (api_version, kind) = protobuf::type_meta(body).ok_or(Unread::Malformed)?;
    let Some((_, _, schema)) = KINDS.iter().find(|(v, k, _)| *v == api_version && *k == kind) else {
        return Err(Unread::Kind(kind));
    };
    let raw = protobuf::unwrap(body).ok_or(Unread::Malformed)?;
    let mut object = read(raw, schema).ok_or(Unread::Malformed)?;
    object.insert("apiVersion".into(), api_version.into());
    object.insert("kind".into(), kind.into());
    Ok(Value::Object(object))
}

/// `message` read by `schema`. Empty strings are left out, as kubectl's JSON leaves them out;
/// fields the schema does not name are skipped.
fn read(message: &[u8], schema: &[FieldSpec]) -> Option<Map<String, Value>> {
    let mut object = Map::new();
    for (number, bytes) in fields(message)? {
        let Some(&(_, name, shape)) = schema.iter().find(|(n, _, _)| *n == number) else { continue };
        let text = || std::str::from_utf8(bytes).ok().map(str::to_string);
        match shape {
            Text => {
                let text = text()?;
                if !text.is_empty() {
                    object.insert(name.into(), Value::String(text));
                }
            }
            Texts => list(&mut object, name)?.push(Value::String(text()?)),
            Messages(inner) => list(&mut object, name)?.push(Value::Object(read(bytes, inner)?)),
            StringMap => {
                let map = object.entry(name).or_insert_with(|| Value::Object(Map::new())).as_object_mut()?;
                map.insert(protobuf::text(bytes, 1), Value::String(protobuf::text(bytes, 2)));
            }
            Message(inner) => {
                object.insert(name.into(), Value::Object(read(bytes, inner)?));
            }
        }
    }
    Some(object)
}

/// The list `name` of `object`, made empty when absent.
fn list<'a>(object: &'a mut Map<String, Value>, name: &str) -> Option<&'a mut Vec<Value>> {
    object.entry(name).or_insert_with(|| Value::Array(Vec::new())).as_array_mut()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::kube::protobuf::tests::{encode, envelope};

    #[test]
    fn a_role_binding_reads_as_kubectl_would_write_it() {
        let labels = encode(&[(1, b"team"), (2, b"web")]);
        let empty_value = encode(&[(1, b"tier"), (2, b"")]);
        let metadata = encode(&[(1, b"devs"), (2, b""), (3, b"shop"), (11, &labels), (11, &empty_value)]);
        let group = encode(&[(1, b"Group"), (2, b"rbac.authorization.k8s.io"), (3, b"oidc:devs"), (4, b"")]);
        let account = encode(&[(1, b"ServiceAccount"), (2, b""), (3, b"ci"), (4, b"shop")]);
        let role_ref = encode(&[(1, b"rbac.authorization.k8s.io"), (2, b"ClusterRole"), (3, b"edit")]);
        let binding = encode(&[(1, &metadata), (2, &group), (2, &account), (3, &role_ref)]);
        let body = envelope(RBAC, "RoleBinding", &binding);
        assert_eq!(
            to_json(&body).unwrap(),
            json!({
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "RoleBinding",
                "metadata": { "name": "devs", "namespace": "shop", "labels": { "team": "web", "tier": "" } },
                "subjects": [
                    { "kind": "Group", "apiGroup": "rbac.authorization.k8s.io", "name": "oidc:devs" },
                    { "kind": "ServiceAccount", "name": "ci", "namespace": "shop" },
                ],
                "roleRef": { "apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "edit" },
            })
        );
    }

    #[test]
    fn a_cluster_role_keeps_its_rules_and_aggregation() {
        let rule = encode(&[(1, b"get"), (1, b"list"), (2, b""), (3, b"pods"), (3, b"pods/log")]);
        let selector = encode(&[(1, &encode(&[(1, b"aggregate-to-ops"), (2, b"true")]))]);
        let aggregation = encode(&[(1, &selector)]);
        let role = encode(&[(1, &encode(&[(1, b"ops")])), (2, &rule), (3, &aggregation)]);
        let object = to_json(&envelope(RBAC, "ClusterRole", &role)).unwrap();
        assert_eq!(
            object["rules"],
            json!([{ "verbs": ["get", "list"], "apiGroups": [""], "resources": ["pods", "pods/log"] }])
        );
        assert_eq!(
            object["aggregationRule"],
            json!({ "clusterRoleSelectors": [{ "matchLabels": { "aggregate-to-ops": "true" } }] })
        );
    }

    #[test]
    fn other_kinds_and_broken_bodies_are_told_apart() {
        let pod = envelope("v1", "Pod", &encode(&[(1, &encode(&[(1, b"web")]))]));
        assert_eq!(to_json(&pod), Err(Unread::Kind("Pod".into())));
        let namespace = envelope("v1", "Namespace", &encode(&[(1, &encode(&[(1, b"shop")]))]));
        assert_eq!(to_json(&namespace).unwrap()["metadata"]["name"], "shop");
        assert_eq!(to_json(b"{\"kind\":\"Namespace\"}"), Err(Unread::Malformed));
        let cut = envelope("v1", "Namespace", &[0x0a, 0x05, b'a']);
        assert_eq!(to_json(&cut), Err(Unread::Malformed));
    }
}
