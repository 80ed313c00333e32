//! Strategic merge patches (`application/strategic-merge-patch+json`), as `kubectl apply`,
//! `edit` and `label` send them for built-in kinds: maps merge, `null` deletes, lists with a
//! merge key merge element by element, others are replaced; the directives `$patch`
//! (`replace`, `delete`, `merge`), `$retainKeys`, `$setElementOrder/<list>` and
//! `$deleteFromPrimitiveList/<list>` are honoured. Merge keys are those of the served kinds'
//! Go types, by field name.

use serde_json::{Map, Value};

/// The merge key of a list field, when its elements merge rather than the list being replaced.
fn merge_key(field: &str) -> Option<&'static str> {
    Some(match field {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets"
        | "resourceClaims"
        | "schedulingGates" => "name",
        "ports" => "containerPort",
        "volumeMounts" => "mountPath",
        "volumeDevices" => "devicePath",
        "hostAliases" => "ip",
        "ownerReferences" => "uid",
        "conditions" => "type",
        "topologySpreadConstraints" => "topologyKey",
        _ => return None,
    })
}

/// Lists of scalars that merge as sets rather than being replaced.
fn merges_as_set(field: &str) -> bool {
    field == "finalizers"
}

/// Applies `patch` to `target`.
pub fn apply(target: &mut Value, patch: &Value) -> Result<(), String> {
    match (target.as_object_mut(), patch.as_object()) {
        (Some(target), Some(patch)) => merge_map(target, patch),
        _ => Err("a strategic merge patch must be a JSON object".to_string()),
    }
}

fn merge_map(target: &mut Map<String, Value>, patch: &Map<String, Value>) -> Result<(), String> {
    match patch.get("$patch").and_then(Value::as_str) {
        Some("replace") => {
            *target = patch
                .iter()
                .filter(|(k, _)| !k.starts_with('$'))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            return Ok(());
        }
        Some("delete") => {
            target.clear();
            return Ok(());
        }
        Some("merge") | None => {}
        Some(other) => return Err(format!("unknown patch type: {other}")),
    }
    if let Some(keep) = patch.get("$retainKeys").and_then(Value::as_array) {
        let keep: Vec<&str> = keep.iter().filter_map(Value::as_str).collect();
        target.retain(|k, _| keep.contains(&k.as_str()));
    }
    for (key, value) in patch {
        if let Some(list) = key.strip_prefix("$deleteFromPrimitiveList/") {
            if let (Some(Value::Array(items)), Some(gone)) = (target.get_mut(list), value.as_array()) {
                items.retain(|item| !gone.contains(item));
            }
            continue;
        }
        if key.starts_with('$') {
            continue;
        }
        match value {
            Value::Null => {
                target.remove(key);
            }
            Value::Object(inner) => {
                let entry = target.entry(key.clone()).or_insert_with(|| Value::Object(Map::new()));
                if !entry.is_object() {
                    *entry = Value::Object(Map::new());
                }
                if let Some(map) = entry.as_object_mut() {
                    merge_map(map, inner)?;
                }
                if inner.get("$patch").and_then(Value::as_str) == Some("delete") {
                    target.remove(key);
                }
            }
            Value::Array(items) => {
                let current = target.remove(key).and_then(|v| match v {
                    Value::Array(a) => Some(a),
                    _ => None,
                });
                let merged = merge_list(key, current.unwrap_or_default(), items)?;
                target.insert(key.clone(), Value::Array(merged));
            }
            scalar => {
                target.insert(key.clone(), scalar.clone());
            }
        }
    }
    for (key, order) in
        patch.iter().filter_map(|(k, v)| Some((k.strip_prefix("$setElementOrder/")?, v.as_array()?)))
    {
        if let (Some(Value::Array(items)), Some(merge_key)) = (target.get_mut(key), merge_key(key)) {
            let position = |item: &Value| {
                order.iter().position(|o| o[merge_key] == item[merge_key]).unwrap_or(usize::MAX)
            };
            items.sort_by_key(position);
        }
    }
    Ok(())
}

fn merge_list(field: &str, mut current: Vec<Value>, patch: &[Value]) -> Result<Vec<Value>, String> {
    if patch.iter().any(|p| p.get("$patch").and_then(Value::as_str) == Some("replace")) {
        return Ok(patch.iter().filter(|p| p.get("$patch").is_none()).cloned().collect());
    }
    if merges_as_set(field) {
        for item in patch {
            if !current.contains(item) {
                current.push(item.clone());
            }
        }
        return Ok(current);
    }
    let Some(key) = merge_key(field) else { return Ok(patch.to_vec()) };
    for item in patch {
        let Some(wanted) = item.get(key) else {
            return Err(format!("map: {item} does not contain declared merge key: {key}"));
        };
        let found = current.iter().position(|c| c.get(key) == Some(wanted));
        match (found, item.get("$patch").and_then(Value::as_str)) {
            (Some(index), Some("delete")) => {
                current.remove(index);
            }
            (None, Some("delete")) => {}
            (Some(index), _) => {
                if let (Some(target), Some(patch)) = (current[index].as_object_mut(), item.as_object()) {
                    merge_map(target, patch)?;
                }
            }
            (None, _) => {
                let mut fresh = Value::Object(Map::new());
                apply(&mut fresh, item)?;
                current.push(fresh);
            }
        }
    }
    Ok(current)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn containers_merge_by_name_and_scalars_replace() {
        let mut deployment = json!({ "spec": { "replicas": 2, "template": { "spec": { "containers": [
            { "name": "web", "image": "nginx:1.27", "ports": [{ "containerPort": 80 }] },
            { "name": "log", "image": "busybox" },
        ] } } } });
        let patch = json!({ "spec": { "replicas": 6, "template": { "spec": {
            "$setElementOrder/containers": [{ "name": "web" }, { "name": "log" }],
            "containers": [{ "name": "web", "image": "nginx:1.28" }],
        } } } });
        apply(&mut deployment, &patch).unwrap();
        let containers = &deployment["spec"]["template"]["spec"]["containers"];
        assert_eq!(deployment["spec"]["replicas"], 6);
        assert_eq!(containers[0]["image"], "nginx:1.28");
        assert_eq!(containers[0]["ports"][0]["containerPort"], 80, "what the patch does not name stays");
        assert_eq!(containers[1]["name"], "log");
    }

    #[test]
    fn null_deletes_and_patch_delete_removes_an_element() {
        let mut object = json!({ "metadata": { "labels": { "a": "1", "b": "2" } }, "spec": { "containers": [{ "name": "x" }, { "name": "y" }] } });
        let patch = json!({ "metadata": { "labels": { "a": null } }, "spec": { "containers": [{ "name": "y", "$patch": "delete" }] } });
        apply(&mut object, &patch).unwrap();
        assert_eq!(object["metadata"]["labels"], json!({ "b": "2" }));
        assert_eq!(object["spec"]["containers"], json!([{ "name": "x" }]));
    }

    #[test]
    fn lists_without_a_merge_key_are_replaced_and_finalizers_merge() {
        let mut object =
            json!({ "spec": { "tolerations": [{ "key": "a" }] }, "metadata": { "finalizers": ["x"] } });
        let patch =
            json!({ "spec": { "tolerations": [{ "key": "b" }] }, "metadata": { "finalizers": ["y"] } });
        apply(&mut object, &patch).unwrap();
        assert_eq!(object["spec"]["tolerations"], json!([{ "key": "b" }]));
        assert_eq!(object["metadata"]["finalizers"], json!(["x", "y"]));
    }

    #[test]
    fn retain_keys_drops_the_others() {
        let mut object =
            json!({ "strategy": { "type": "RollingUpdate", "rollingUpdate": { "maxSurge": 1 } } });
        let patch = json!({ "strategy": { "$retainKeys": ["type"], "type": "Recreate" } });
        apply(&mut object, &patch).unwrap();
        assert_eq!(object["strategy"], json!({ "type": "Recreate" }));
    }
}
