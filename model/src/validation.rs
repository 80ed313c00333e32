//! Errors found in a spec, each attached to the field that caused it, in words a user can act on.
//!
//! Field paths use the provider's camelCase field names, dot-separated, with list indexes as
//! numbers: `nodePools.0.desiredNodes`, `template.metadata.labels.team`. The UI shows a message
//! next to the input whose path it carries; the server returns the same list.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One problem with one field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// Where the problem is (`nodePools.0.name`).
    pub field: String,
    /// What is wrong and, where possible, how to fix it.
    pub message: String,
}

/// Every problem found in one spec; empty when it is valid.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    /// No errors yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem with `field`.
    pub fn add(&mut self, field: impl Into<String>, message: impl fmt::Display) {
        self.0.push(FieldError { field: field.into(), message: message.to_string() });
    }

    /// Records the error of `result`, if any, against `field`.
    pub fn check<E: fmt::Display>(&mut self, field: impl Into<String>, result: Result<(), E>) {
        if let Err(error) = result {
            self.add(field, error);
        }
    }

    /// Adds `other`'s errors as they are.
    pub fn append(&mut self, other: FieldErrors) {
        self.0.extend(other.0);
    }

    /// Adds `other`'s errors with their paths placed under `prefix` (`nodePools.0`).
    pub fn extend_under(&mut self, prefix: &str, other: FieldErrors) {
        for error in other.0 {
            self.0.push(FieldError { field: format!("{prefix}.{}", error.field), message: error.message });
        }
    }

    /// Whether nothing is wrong.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first message about exactly `field`.
    pub fn message_for(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    /// All errors, in the order found.
    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        self.0.iter()
    }

    /// `Ok(())` when empty, the errors otherwise.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl fmt::Display for FieldErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.0.iter().map(|e| format!("{}: {}", e.field, e.message)).collect();
        f.write_str(&lines.join("; "))
    }
}

impl std::error::Error for FieldErrors {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nests_paths_and_finds_messages() {
        let mut pool = FieldErrors::new();
        pool.add("name", "Use lowercase letters.");
        pool.check::<String>("flavorName", Ok(()));
        let mut spec = FieldErrors::new();
        spec.extend_under("nodePools.1", pool);
        assert_eq!(spec.message_for("nodePools.1.name"), Some("Use lowercase letters."));
        assert_eq!(spec.iter().count(), 1);
        assert_eq!(spec.to_string(), "nodePools.1.name: Use lowercase letters.");
        assert!(spec.into_result().is_err());
        assert_eq!(FieldErrors::new().into_result(), Ok(()));
    }
}
