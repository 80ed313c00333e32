//! Identifiers as distinct types, so a node pool id can never be passed where a cluster id is
//! expected. All are strings on the wire (house style: no numbers as ids).

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// Wraps an id as the provider or the database gives it.
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

id_type!(
    /// A console project (one provider project and its credentials).
    ProjectId
);
id_type!(
    /// A cluster, as the provider identifies it (a UUID).
    ClusterId
);
id_type!(
    /// A node pool of a cluster.
    NodePoolId
);
id_type!(
    /// A node of a node pool.
    NodeId
);
id_type!(
    /// A durable operation of the console.
    OperationId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_plain_strings_on_the_wire() {
        let id = ClusterId::new("019adbb1-cfa5-76ab");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"019adbb1-cfa5-76ab\"");
        assert_eq!(serde_json::from_str::<ClusterId>("\"x\"").unwrap().as_str(), "x");
        assert_eq!(id.to_string(), "019adbb1-cfa5-76ab");
    }
}
