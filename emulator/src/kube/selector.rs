//! Label selectors (`kubectl get … -l`): the equality forms (`k=v`, `k==v`, `k!=v`), existence
//! (`k`, `!k`) and sets (`k in (a,b)`, `k notin (a,b)`), all of them to hold.

use serde_json::Value;

#[derive(Clone, Debug, PartialEq)]
enum Requirement {
    In(String, Vec<String>),
    NotIn(String, Vec<String>),
    Exists(String),
    Absent(String),
}

/// A parsed selector; the empty one matches everything.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Selector(Vec<Requirement>);

/// Splits at commas outside parentheses.
fn terms(text: &str) -> Vec<&str> {
    let (mut terms, mut depth, mut start) = (Vec::new(), 0, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                terms.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    terms.push(&text[start..]);
    terms.into_iter().map(str::trim).filter(|t| !t.is_empty()).collect()
}

fn set(text: &str) -> Option<Vec<String>> {
    let inner = text.trim().strip_prefix('(')?.strip_suffix(')')?;
    Some(inner.split(',').map(|v| v.trim().to_string()).collect())
}

impl Selector {
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("unable to parse requirement: {text:?}");
        let mut requirements = Vec::new();
        for term in terms(text) {
            let requirement = if let Some((key, value)) = term.split_once("!=") {
                Requirement::NotIn(key.trim().into(), vec![value.trim().into()])
            } else if let Some((key, value)) = term.split_once("==").or_else(|| term.split_once('=')) {
                Requirement::In(key.trim().into(), vec![value.trim().into()])
            } else if let Some((key, values)) = term.split_once(" notin ") {
                Requirement::NotIn(key.trim().into(), set(values).ok_or_else(bad)?)
            } else if let Some((key, values)) = term.split_once(" in ") {
                Requirement::In(key.trim().into(), set(values).ok_or_else(bad)?)
            } else if let Some(key) = term.strip_prefix('!') {
                Requirement::Absent(key.trim().into())
            } else if term.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c)) {
                Requirement::Exists(term.into())
            } else {
                return Err(bad());
            };
            requirements.push(requirement);
        }
        Ok(Self(requirements))
    }

    /// Whether `labels` (a JSON object of strings) satisfy every requirement.
    pub fn matches(&self, labels: &Value) -> bool {
        self.0.iter().all(|requirement| match requirement {
            Requirement::In(key, values) => {
                labels[key].as_str().is_some_and(|v| values.iter().any(|w| w == v))
            }
            Requirement::NotIn(key, values) => {
                labels[key].as_str().is_none_or(|v| values.iter().all(|w| w != v))
            }
            Requirement::Exists(key) => labels[key].is_string(),
            Requirement::Absent(key) => !labels[key].is_string(),
        })
    }
}

/// A label map as selectors write it: `app=web,tier=front` (empty for none).
pub fn label_text(labels: &Value) -> String {
    let pairs = labels.as_object().into_iter().flatten();
    pairs.map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default())).collect::<Vec<_>>().join(",")
}

/// A field selector (`spec.nodeName=n1,status.phase!=Failed`): each field path read off the
/// object as a string (absent reads as empty), compared with `=`, `==` or `!=`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FieldSelector(Vec<(String, bool, String)>);

impl FieldSelector {
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut terms = Vec::new();
        for term in text.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            let (field, equal, value) = if let Some((f, v)) = term.split_once("!=") {
                (f, false, v)
            } else if let Some((f, v)) = term.split_once("==") {
                (f, true, v)
            } else if let Some((f, v)) = term.split_once('=') {
                (f, true, v)
            } else {
                return Err(format!("invalid selector: '{text}'; can't understand '{term}'"));
            };
            terms.push((field.trim().to_string(), equal, value.trim().to_string()));
        }
        Ok(Self(terms))
    }

    pub fn matches(&self, object: &Value) -> bool {
        self.0.iter().all(|(field, equal, value)| {
            let found = field.split('.').fold(object, |v, part| &v[part]);
            let text = match found {
                Value::String(s) => s.clone(),
                Value::Null => String::new(),
                other => other.to_string(),
            };
            (text == *value) == *equal
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_form_kubectl_sends() {
        let labels = json!({ "nodepool": "web", "tier": "front" });
        let holds = |text: &str| Selector::parse(text).unwrap().matches(&labels);
        assert!(holds(""));
        assert!(holds("nodepool=web"));
        assert!(holds("nodepool==web,tier"));
        assert!(!holds("nodepool!=web"));
        assert!(holds("nodepool in (db, web)"));
        assert!(!holds("nodepool notin (db,web)"));
        assert!(holds("!gpu"));
        assert!(!holds("gpu"));
        assert!(Selector::parse("a b c").is_err());
    }
}

#[cfg(test)]
mod field_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kubectl_describe_nodes_field_selector() {
        let pod = json!({ "spec": { "nodeName": "n1" }, "status": { "phase": "Running" } });
        let holds = |text: &str| FieldSelector::parse(text).unwrap().matches(&pod);
        assert!(holds("spec.nodeName=n1,status.phase!=Failed,status.phase!=Succeeded"));
        assert!(!holds("spec.nodeName==n2"));
        assert!(holds("spec.schedulerName="));
        assert!(FieldSelector::parse("spec.nodeName").is_err());
    }
}
