//! Names of clusters and node pools.
//!
//! The sources disagree on the provider's rule (provider-api.md §7 lists three); domain.md picks the
//! safest one that satisfies all of them: a lowercase RFC 1123 label of 2–63 characters, i.e.
//! lowercase letters, digits and `-`, starting and ending with a letter or digit. Starting with
//! a letter also satisfies the control panel's rule for clusters (provider-api.md §4.1).

use std::fmt;

/// Shortest name accepted.
pub const MIN_NAME_LEN: usize = 2;
/// Longest name accepted.
pub const MAX_NAME_LEN: usize = 63;

/// Why a name is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NameError {
    Empty,
    TooShort,
    TooLong {
        length: usize,
    },
    /// A character other than a–z, 0–9 and `-`; upper case gets its own hint.
    BadCharacter(char),
    /// Does not start with a lowercase letter.
    BadStart,
    /// Ends with `-`.
    BadEnd,
}

impl fmt::Display for NameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NameError::Empty => f.write_str("Enter a name."),
            NameError::TooShort => write!(f, "Use at least {MIN_NAME_LEN} characters."),
            NameError::TooLong { length } => {
                write!(f, "Use at most {MAX_NAME_LEN} characters (this one has {length}).")
            }
            NameError::BadCharacter(c) if c.is_ascii_uppercase() => {
                write!(f, "Use lowercase letters: \"{c}\" is upper case.")
            }
            NameError::BadCharacter(c) => {
                write!(f, "\"{c}\" is not allowed: use lowercase letters, digits and hyphens.")
            }
            NameError::BadStart => f.write_str("Start with a lowercase letter."),
            NameError::BadEnd => f.write_str("End with a letter or a digit, not a hyphen."),
        }
    }
}

impl std::error::Error for NameError {}

/// Checks a cluster or node pool name.
pub fn check_name(name: &str) -> Result<(), NameError> {
    let length = name.chars().count();
    if length == 0 {
        return Err(NameError::Empty);
    }
    if let Some(bad) = name.chars().find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')) {
        return Err(NameError::BadCharacter(bad));
    }
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Err(NameError::BadStart);
    }
    if name.ends_with('-') {
        return Err(NameError::BadEnd);
    }
    if length < MIN_NAME_LEN {
        return Err(NameError::TooShort);
    }
    if length > MAX_NAME_LEN {
        return Err(NameError::TooLong { length });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_lowercase_labels() {
        for name in ["ab", "prod-eu", "pool-1", &"a".repeat(63)] {
            assert_eq!(check_name(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn refuses_what_any_source_refuses() {
        assert_eq!(check_name(""), Err(NameError::Empty));
        assert_eq!(check_name("a"), Err(NameError::TooShort));
        assert_eq!(check_name(&"a".repeat(64)), Err(NameError::TooLong { length: 64 }));
        assert_eq!(check_name("Prod"), Err(NameError::BadCharacter('P')));
        assert_eq!(check_name("my_pool"), Err(NameError::BadCharacter('_')));
        assert_eq!(check_name("pool.a"), Err(NameError::BadCharacter('.')));
        assert_eq!(check_name("1pool"), Err(NameError::BadStart));
        assert_eq!(check_name("-pool"), Err(NameError::BadStart));
        assert_eq!(check_name("pool-"), Err(NameError::BadEnd));
    }

    #[test]
    fn messages_say_how_to_fix() {
        assert_eq!(NameError::BadCharacter('P').to_string(), "Use lowercase letters: \"P\" is upper case.");
        assert_eq!(NameError::BadEnd.to_string(), "End with a letter or a digit, not a hyphen.");
    }

    proptest::proptest! {
        #[test]
        fn every_accepted_name_is_an_rfc1123_label(name in "[a-z0-9-]{0,70}") {
            if check_name(&name).is_ok() {
                proptest::prop_assert!((2..=63).contains(&name.len()));
                proptest::prop_assert!(name.starts_with(|c: char| c.is_ascii_lowercase()));
                proptest::prop_assert!(!name.ends_with('-'));
            }
        }
    }
}
