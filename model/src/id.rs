//! Identifiers as distinct types, so a node pool id can never be passed where a cluster id is
//! expected. All are strings on the wire (house style: no numbers as ids).
//!
//! Ids that come from a request are parsed once, where they enter the console ([`ClusterId::parse`]
//! and the others; deserialising checks the same way): an id that is not of its kind's shape is
//! refused there, so nothing a user types can become another path of the provider's API.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why text is not an id of some kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdError {
    /// What was expected: `cluster id`, `node pool id`, …
    pub kind: &'static str,
    /// What an id of that kind looks like.
    pub shape: &'static str,
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "This is not a {}: {}.", self.kind, self.shape)
    }
}

impl std::error::Error for IdError {}

/// A UUID as the provider writes them: 8-4-4-4-12 hexadecimal digits.
fn is_uuid(text: &str) -> bool {
    text.len() == 36
        && text.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// The console's project names: lowercase letters, digits and `-`, at most 63.
fn is_project_name(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 63
        && text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A node id as the provider gives it: letters, digits, `-`, `_` and `.`, at most 128, and not a
/// relative path segment (`.`, `..`).
fn is_node_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 128
        && text.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !matches!(text, "." | "..")
}

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident, $kind:literal, $shape:literal, $check:expr) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Wraps an id the console already trusts: one the provider or the database gave.
            /// Text from a request goes through [`Self::parse`].
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// `text` as an id of this kind, or why it is not one.
            pub fn parse(text: &str) -> Result<Self, IdError> {
                let check: fn(&str) -> bool = $check;
                match check(text) {
                    true => Ok(Self(text.to_string())),
                    false => Err(IdError { kind: $kind, shape: $shape }),
                }
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        $crate::schema::string_schema!($name, concat!("A ", $kind, " id: ", $shape, "."));

        impl TryFrom<String> for $name {
            type Error = IdError;

            fn try_from(text: String) -> Result<Self, IdError> {
                Self::parse(&text)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl From<&$name> for String {
            fn from(id: &$name) -> String {
                id.0.clone()
            }
        }

        /// Ids from the provider's answers are plain text: compared as text.
        impl PartialEq<$name> for String {
            fn eq(&self, id: &$name) -> bool {
                *self == id.0
            }
        }

        impl PartialEq<&$name> for String {
            fn eq(&self, id: &&$name) -> bool {
                *self == id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        /// An id reads as its text wherever text is expected; text becomes an id only through
        /// [`Self::parse`] or [`Self::new`].
        impl std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

id_type!(
    /// A console project (one provider project and its credentials).
    ProjectId,
    "project id",
    "lowercase letters, digits and -",
    is_project_name
);
id_type!(
    /// A cluster, as the provider identifies it (a UUID).
    ClusterId,
    "cluster id",
    "a UUID such as 6f1c6d2e-8a5b-4c1e-9d3f-2b7a4e5c6d7e",
    is_uuid
);
id_type!(
    /// A node pool of a cluster (a UUID).
    NodePoolId,
    "node pool id",
    "a UUID such as 6f1c6d2e-8a5b-4c1e-9d3f-2b7a4e5c6d7e",
    is_uuid
);
id_type!(
    /// A node of a node pool.
    NodeId,
    "node id",
    "letters, digits, -, _ and .",
    is_node_id
);
id_type!(
    /// A durable operation of the console (a UUID).
    OperationId,
    "operation id",
    "a UUID such as 6f1c6d2e-8a5b-4c1e-9d3f-2b7a4e5c6d7e",
    is_uuid
);
id_type!(
    /// A private network across its regions (`pn-…`).
    NetworkId,
    "private network id",
    "letters, digits, -, _ and . such as pn-123456_12",
    is_node_id
);
id_type!(
    /// A subnet of a private network (its OpenStack UUID).
    SubnetId,
    "subnet id",
    "a UUID such as 6f1c6d2e-8a5b-4c1e-9d3f-2b7a4e5c6d7e",
    is_uuid
);

#[cfg(test)]
mod tests {
    use super::*;

    const UUID: &str = "019adbb1-cfa5-76ab-8c3d-1234567890ab";

    #[test]
    fn ids_are_plain_strings_on_the_wire() {
        let id = ClusterId::new(UUID);
        assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{UUID}\""));
        assert_eq!(serde_json::from_str::<ClusterId>(&format!("\"{UUID}\"")).unwrap().as_str(), UUID);
        assert_eq!(id.to_string(), UUID);
    }

    #[test]
    fn text_that_could_leave_its_path_is_no_id() {
        for hostile in [
            "../../0123456789abcdef0123456789abcdef/kube/x",
            "..",
            ".",
            "",
            "a/b",
            "a%2Fb",
            "a?b",
            "a#b",
            "a b",
            "019adbb1-cfa5-76ab-8c3d-1234567890a/",
            "019adbb1/cfa5-76ab-8c3d-1234567890ab",
        ] {
            assert!(ClusterId::parse(hostile).is_err(), "{hostile:?}");
            assert!(NodePoolId::parse(hostile).is_err(), "{hostile:?}");
            assert!(NodeId::parse(hostile).is_err(), "{hostile:?}");
            assert!(ProjectId::parse(hostile).is_err(), "{hostile:?}");
            assert!(serde_json::from_str::<ClusterId>(&format!("{hostile:?}")).is_err(), "{hostile:?}");
        }
    }

    #[test]
    fn ids_of_the_right_shape_are_taken() {
        assert!(ClusterId::parse(UUID).is_ok());
        assert!(ClusterId::parse(&UUID.to_uppercase()).is_ok());
        assert!(NodePoolId::parse(UUID).is_ok());
        assert!(NodeId::parse("node-3f2a.b_1").is_ok());
        assert!(ProjectId::parse("team-a").is_ok());
        assert!(ProjectId::parse("Team-A").is_err());
        let error = ClusterId::parse("x").unwrap_err();
        assert_eq!(
            error.to_string(),
            "This is not a cluster id: a UUID such as 6f1c6d2e-8a5b-4c1e-9d3f-2b7a4e5c6d7e."
        );
    }
}
