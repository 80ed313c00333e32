//! Personal API tokens: what a user asks for when creating one, and what lists show of them.
//! The secret is shown once, when the token is created, and kept only as a hash.

use serde::{Deserialize, Serialize};

use crate::access::Role;
use crate::validation::FieldErrors;

/// The longest a token's name may be.
pub const NAME_MAX: usize = 64;
/// The longest a token may live, in days.
pub const MAX_DAYS: u32 = 366;
/// The lifetimes offered, in days.
pub const OFFERED_DAYS: [u32; 4] = [7, 30, 90, 365];
/// What every token's secret starts with, so that secret scanners and people recognise it.
pub const SECRET_PREFIX: &str = "pilothouse_";

/// A token as asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TokenRequest {
    pub name: String,
    pub project_id: String,
    pub role: Role,
    /// Days until it expires; `None`: never, where the project allows it.
    pub expires_in_days: Option<u32>,
}

impl TokenRequest {
    /// The request's problems, given the caller's role in its project (`None`: no role) and
    /// whether the project allows tokens that never expire.
    pub fn check(&self, own_role: Option<Role>, never_allowed: bool) -> FieldErrors {
        let mut errors = FieldErrors::new();
        let name = self.name.trim();
        if name.is_empty() {
            errors.add("name", "Give the token a name, so you can tell it apart later.");
        } else if name.chars().count() > NAME_MAX {
            errors.add("name", format!("A token's name is at most {NAME_MAX} characters."));
        } else if name.chars().any(char::is_control) {
            errors.add("name", "A token's name cannot contain control characters.");
        }
        match own_role {
            None => errors.add("projectId", "You have no role in this project."),
            Some(own) if !own.allows(self.role) => {
                errors.add("role", format!("A token's role can be at most your own, {}.", own.label()))
            }
            Some(_) => {}
        }
        match self.expires_in_days {
            Some(0) => errors.add("expiresInDays", "A token must last at least a day."),
            Some(days) if days > MAX_DAYS => errors.add("expiresInDays", "A token can last at most a year."),
            None if !never_allowed => errors.add(
                "expiresInDays",
                "This project's tokens must expire; an administrator can allow tokens without expiry.",
            ),
            _ => {}
        }
        errors
    }
}

/// A token as lists show it: never its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TokenView {
    pub id: String,
    pub name: String,
    pub username: String,
    pub project_id: String,
    pub role: Role,
    /// The secret's last characters.
    pub hint: String,
    /// RFC 3339.
    pub created_at: String,
    pub expires_at: Option<String>,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
    pub revoked_by: Option<String>,
}

/// A token just created, with its secret: the only time it is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CreatedToken {
    pub token: TokenView,
    pub secret: String,
}

/// The tokens page: the caller's own, those of the projects they administer, and what they may
/// create.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TokensView {
    pub own: Vec<TokenView>,
    /// Other users' tokens in projects where the caller is an admin.
    pub administered: Vec<TokenView>,
    /// The projects whose tokens may never expire.
    pub never_expiring_projects: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(role: Role, days: Option<u32>) -> TokenRequest {
        TokenRequest { name: "deploy".into(), project_id: "p".into(), role, expires_in_days: days }
    }

    #[test]
    fn a_token_has_at_most_its_creators_role() {
        assert!(request(Role::Operator, Some(30)).check(Some(Role::Operator), false).is_empty());
        let errors = request(Role::Admin, Some(30)).check(Some(Role::Operator), false);
        assert_eq!(errors.iter().next().unwrap().field, "role");
        let errors = request(Role::Viewer, Some(30)).check(None, false);
        assert_eq!(errors.iter().next().unwrap().field, "projectId");
    }

    #[test]
    fn a_token_expires_within_a_year_unless_the_project_allows_never() {
        for days in [Some(0), Some(400), None] {
            let errors = request(Role::Viewer, days).check(Some(Role::Admin), false);
            assert_eq!(errors.iter().next().unwrap().field, "expiresInDays", "{days:?}");
        }
        assert!(request(Role::Viewer, None).check(Some(Role::Admin), true).is_empty());
        assert!(request(Role::Viewer, Some(365)).check(Some(Role::Admin), false).is_empty());
    }

    #[test]
    fn a_token_needs_a_short_printable_name() {
        for name in ["", "  ", "a\nb", &"x".repeat(65)] {
            let mut asked = request(Role::Viewer, Some(7));
            asked.name = name.into();
            let errors = asked.check(Some(Role::Viewer), false);
            assert_eq!(errors.iter().next().unwrap().field, "name", "{name:?}");
        }
    }
}
