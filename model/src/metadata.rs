//! Kubernetes syntax for the node template's labels, annotations, taints and finalizers.
//!
//! Source: domain.md "Node pools" (keys follow Kubernetes syntax: optional DNS prefix + name of at
//! most 63 characters) and provider-api.md §5.3. The rules are Kubernetes' own: a qualified name
//! is `[prefix/]name`, where the prefix is a DNS subdomain of at most 253 characters and the
//! name is at most 63 characters of letters, digits, `-`, `_` and `.`, starting and ending with
//! a letter or digit. A label value (and a taint value) is empty or follows the name rule.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Longest name part of a key, and longest label value.
pub const MAX_NAME_LEN: usize = 63;
/// Longest DNS prefix of a key.
pub const MAX_PREFIX_LEN: usize = 253;
/// Most bytes all annotations of one object may hold together (Kubernetes' limit).
pub const MAX_ANNOTATIONS_BYTES: usize = 256 * 1024;

/// Why a key or value is not valid Kubernetes metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MetadataError {
    EmptyKey,
    EmptyName,
    NameTooLong { length: usize },
    BadNameCharacter(char),
    NameEdge,
    PrefixTooLong { length: usize },
    BadPrefix,
    ValueTooLong { length: usize },
    BadValueCharacter(char),
    ValueEdge,
    PrefixRequired,
    AnnotationsTooLarge { bytes: usize },
}

impl fmt::Display for MetadataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MetadataError::EmptyKey => f.write_str("Enter a key."),
            MetadataError::EmptyName => f.write_str("Add a name after the \"/\"."),
            MetadataError::NameTooLong { length } => write!(
                f,
                "The part after any \"/\" can have at most {MAX_NAME_LEN} characters (this one has {length})."
            ),
            MetadataError::BadNameCharacter(c) => {
                write!(f, "\"{c}\" is not allowed in a key: use letters, digits, \"-\", \"_\" and \".\".")
            }
            MetadataError::NameEdge => f.write_str("A key must start and end with a letter or a digit."),
            MetadataError::PrefixTooLong { length } => {
                write!(
                    f,
                    "The prefix before \"/\" can have at most {MAX_PREFIX_LEN} characters (this one has {length})."
                )
            }
            MetadataError::BadPrefix => {
                f.write_str("The prefix before \"/\" must be a lowercase DNS name, like example.com.")
            }
            MetadataError::ValueTooLong { length } => {
                write!(f, "A value can have at most {MAX_NAME_LEN} characters (this one has {length}).")
            }
            MetadataError::BadValueCharacter(c) => {
                write!(f, "\"{c}\" is not allowed in a value: use letters, digits, \"-\", \"_\" and \".\".")
            }
            MetadataError::ValueEdge => {
                f.write_str("A value must be empty or start and end with a letter or a digit.")
            }
            MetadataError::PrefixRequired => {
                f.write_str("A finalizer needs a domain prefix, like example.com/cleanup.")
            }
            MetadataError::AnnotationsTooLarge { bytes } => write!(
                f,
                "Annotations can hold at most {} KB together (these hold {} KB).",
                MAX_ANNOTATIONS_BYTES / 1024,
                bytes.div_ceil(1024)
            ),
        }
    }
}

impl std::error::Error for MetadataError {}

/// How a taint keeps pods away from a node (`cloud.kube.TaintEffectEnum`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum TaintEffect {
    /// New pods without a matching toleration are not scheduled.
    NoSchedule,
    /// The scheduler avoids the node when it can.
    PreferNoSchedule,
    /// Running pods without a matching toleration are evicted too.
    NoExecute,
}

impl TaintEffect {
    /// All effects, mildest last.
    pub const ALL: [TaintEffect; 3] =
        [TaintEffect::NoSchedule, TaintEffect::PreferNoSchedule, TaintEffect::NoExecute];

    /// Its name in Kubernetes and the provider's API (`NoSchedule`).
    pub const fn as_str(self) -> &'static str {
        match self {
            TaintEffect::NoSchedule => "NoSchedule",
            TaintEffect::PreferNoSchedule => "PreferNoSchedule",
            TaintEffect::NoExecute => "NoExecute",
        }
    }

    /// The effect named `name` ([`TaintEffect::as_str`]).
    pub fn parse(name: &str) -> Option<TaintEffect> {
        Self::ALL.into_iter().find(|e| e.as_str() == name)
    }
}

/// A taint on every node of a pool.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Taint {
    pub key: String,
    /// May be empty (provider-api.md §5.3: the API requires the field, Terraform treats it as optional).
    #[serde(default)]
    pub value: String,
    pub effect: TaintEffect,
}

fn is_alphanumeric(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

/// What is wrong with a non-empty name or value, before it is said for keys or for values.
enum ShapeError {
    TooLong(usize),
    BadCharacter(char),
    Edge,
}

/// Kubernetes' name shape: at most 63 letters, digits, `-`, `_` and `.`, with a letter or digit
/// at both ends.
fn check_shape(text: &str) -> Result<(), ShapeError> {
    let length = text.chars().count();
    if length > MAX_NAME_LEN {
        return Err(ShapeError::TooLong(length));
    }
    if let Some(bad) = text.chars().find(|c| !(is_alphanumeric(*c) || matches!(c, '-' | '_' | '.'))) {
        return Err(ShapeError::BadCharacter(bad));
    }
    if !text.starts_with(is_alphanumeric) || !text.ends_with(is_alphanumeric) {
        return Err(ShapeError::Edge);
    }
    Ok(())
}

fn check_name_part(name: &str) -> Result<(), MetadataError> {
    if name.is_empty() {
        return Err(MetadataError::EmptyName);
    }
    check_shape(name).map_err(|e| match e {
        ShapeError::TooLong(length) => MetadataError::NameTooLong { length },
        ShapeError::BadCharacter(c) => MetadataError::BadNameCharacter(c),
        ShapeError::Edge => MetadataError::NameEdge,
    })
}

/// A DNS-1123 subdomain: dot-separated lowercase labels of letters, digits and `-`.
fn check_prefix(prefix: &str) -> Result<(), MetadataError> {
    if prefix.len() > MAX_PREFIX_LEN {
        return Err(MetadataError::PrefixTooLong { length: prefix.len() });
    }
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && label.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    if prefix.split('.').all(label_ok) { Ok(()) } else { Err(MetadataError::BadPrefix) }
}

/// Checks a label, annotation or taint key: `[prefix/]name`.
pub fn check_key(key: &str) -> Result<(), MetadataError> {
    if key.is_empty() {
        return Err(MetadataError::EmptyKey);
    }
    match key.split_once('/') {
        Some((prefix, name)) => {
            check_prefix(prefix)?;
            check_name_part(name)
        }
        None => check_name_part(key),
    }
}

/// Checks a label or taint value: empty, or at most 63 name characters.
pub fn check_value(value: &str) -> Result<(), MetadataError> {
    if value.is_empty() {
        return Ok(());
    }
    check_shape(value).map_err(|e| match e {
        ShapeError::TooLong(length) => MetadataError::ValueTooLong { length },
        ShapeError::BadCharacter(c) => MetadataError::BadValueCharacter(c),
        ShapeError::Edge => MetadataError::ValueEdge,
    })
}

/// Checks a finalizer: a qualified name with a domain prefix (provider-api.md §5.3, after the
/// Terraform provider's documentation).
pub fn check_finalizer(finalizer: &str) -> Result<(), MetadataError> {
    if !finalizer.contains('/') {
        return Err(MetadataError::PrefixRequired);
    }
    check_key(finalizer)
}

/// Checks the combined size of a set of annotations (keys and values).
pub fn check_annotations_size<'a>(
    annotations: impl IntoIterator<Item = (&'a String, &'a String)>,
) -> Result<(), MetadataError> {
    let bytes: usize = annotations.into_iter().map(|(k, v)| k.len() + v.len()).sum();
    if bytes > MAX_ANNOTATIONS_BYTES { Err(MetadataError::AnnotationsTooLarge { bytes }) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_kubernetes_rules() {
        for key in ["app", "team_a", "node.kubernetes.io/role", "example.com/My.Key-1", "a"] {
            assert_eq!(check_key(key), Ok(()), "{key}");
        }
        assert_eq!(check_key(""), Err(MetadataError::EmptyKey));
        assert_eq!(check_key("example.com/"), Err(MetadataError::EmptyName));
        assert_eq!(check_key("Example.com/a"), Err(MetadataError::BadPrefix));
        assert_eq!(check_key("-app"), Err(MetadataError::NameEdge));
        assert_eq!(check_key("app name"), Err(MetadataError::BadNameCharacter(' ')));
        assert_eq!(check_key(&"a".repeat(64)), Err(MetadataError::NameTooLong { length: 64 }));
        let long_prefix = format!("{}/a", ["abc"; 64].join("."));
        assert!(matches!(check_key(&long_prefix), Err(MetadataError::PrefixTooLong { .. })));
    }

    #[test]
    fn values_may_be_empty_but_not_malformed() {
        assert_eq!(check_value(""), Ok(()));
        assert_eq!(check_value("gpu-A100_x.2"), Ok(()));
        assert_eq!(check_value("a/b"), Err(MetadataError::BadValueCharacter('/')));
        assert_eq!(check_value("x."), Err(MetadataError::ValueEdge));
        assert_eq!(check_value(&"v".repeat(64)), Err(MetadataError::ValueTooLong { length: 64 }));
    }

    #[test]
    fn finalizers_need_a_domain() {
        assert_eq!(check_finalizer("kubernetes.io/pv-protection"), Ok(()));
        assert_eq!(check_finalizer("cleanup"), Err(MetadataError::PrefixRequired));
    }

    #[test]
    fn annotations_have_a_total_size_limit() {
        let small = [("a".to_string(), "b".to_string())];
        assert_eq!(check_annotations_size(small.iter().map(|(k, v)| (k, v))), Ok(()));
        let big = [("a".to_string(), "b".repeat(MAX_ANNOTATIONS_BYTES))];
        assert!(check_annotations_size(big.iter().map(|(k, v)| (k, v))).is_err());
    }

    #[test]
    fn taints_use_the_api_spelling() {
        let taint = Taint { key: "gpu".into(), value: String::new(), effect: TaintEffect::NoSchedule };
        let json = serde_json::to_string(&taint).unwrap();
        assert_eq!(json, r#"{"key":"gpu","value":"","effect":"NoSchedule"}"#);
        let missing_value: Taint = serde_json::from_str(r#"{"key":"gpu","effect":"NoExecute"}"#).unwrap();
        assert_eq!(missing_value.value, "");
    }

    proptest::proptest! {
        #[test]
        fn accepted_values_are_short_and_clean(value in "[a-zA-Z0-9._/ -]{0,70}") {
            if check_value(&value).is_ok() && !value.is_empty() {
                proptest::prop_assert!(value.len() <= 63);
                proptest::prop_assert!(!value.contains('/') && !value.contains(' '));
            }
        }
    }
}
