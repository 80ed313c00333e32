//! Personal API tokens: `Authorization: Bearer pilothouse_…` acts as the token's user with the
//! token's role, never more than the role the user's groups give them now. The groups are the
//! ones last read from the identity provider (at sign-in or a session's refresh); when that
//! was longer ago than the configured time, the token stops working until the user signs in
//! again. Only a SHA-256 hash of each secret is stored: secrets are 256 random bits, so a
//! plain hash is enough to make a stolen table useless.

pub mod store;

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use model::access::{Membership, User};
use model::activity::{AuditAction, Outcome, TargetKind};
use model::token::SECRET_PREFIX;
use sha2::{Digest, Sha256};

use crate::audit::{self, AuditEvent, Throttle};
use crate::auth::Auth;
use crate::db::Db;

/// A new secret: the prefix and 32 random bytes.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    bytes[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    bytes[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    format!("{SECRET_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// What is stored of `secret`.
pub fn hash(secret: &str) -> String {
    format!("{:x}", Sha256::digest(secret.as_bytes()))
}

/// What lists show of `secret`: its last four characters.
pub fn hint(secret: &str) -> String {
    let start = secret.char_indices().rev().nth(3).map_or(0, |(i, _)| i);
    format!("…{}", &secret[start..])
}

/// Why a token was not accepted, in words safe to send back.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("This token is not known. Check it, or create a new one in the console.")]
    Unknown,
    #[error("This token was revoked.")]
    Revoked,
    #[error("This token has expired.")]
    Expired,
    #[error(
        "Your groups were last confirmed by the identity provider too long ago. Sign in to the console \
         once to use your tokens again."
    )]
    GroupsTooOld,
}

/// The token a request was authenticated with (a request extension), so that long responses
/// (live streams) can check it again while they run.
#[derive(Clone, Debug)]
pub struct TokenUse {
    pub id: String,
}

/// The user a request with `secret` acts as: their memberships cut down to the token's project
/// and role (none, when their groups no longer give them a role there).
pub async fn authenticate(
    auth: &Auth,
    db: &Db,
    secret: &str,
    now: DateTime<Utc>,
) -> Result<(User, TokenUse), Refused> {
    let found = store::by_secret(db, &hash(secret)).await.ok().flatten().ok_or(Refused::Unknown)?;
    let id = found.view.id.clone();
    let user = user_of(auth, db, found, now).await?;
    if let Err(error) = store::touch(db, &id, now).await {
        tracing::warn!(%error, "a token's last use could not be recorded");
    }
    Ok((user, TokenUse { id }))
}

/// Whether the token `used` still gives a role in `project` now.
pub async fn still_allows(auth: &Auth, db: &Db, used: &TokenUse, project: &str) -> bool {
    let Ok(Some(found)) = store::by_id(db, &used.id).await else {
        return false;
    };
    user_of(auth, db, found, Utc::now())
        .await
        .is_ok_and(|user| user.may(project, model::access::Role::Viewer))
}

async fn user_of(
    auth: &Auth,
    db: &Db,
    found: store::StoredToken,
    now: DateTime<Utc>,
) -> Result<User, Refused> {
    if found.revoked {
        return Err(Refused::Revoked);
    }
    if found.expires_at.is_some_and(|at| at <= now) {
        return Err(Refused::Expired);
    }
    let token = found.view;
    let mut user = if auth.is_local() {
        auth.user(crate::auth::LOCAL_USER, &[])
    } else {
        let known =
            store::known_user(db, &token.username).await.ok().flatten().ok_or(Refused::GroupsTooOld)?;
        if too_old(known.groups_read_at, now, auth.token_groups_max_age) {
            return Err(Refused::GroupsTooOld);
        }
        auth.user(&token.username, &known.groups)
    };
    user.memberships = cut_down(user.memberships, &token.project_id, token.role);
    user.local_mode = false;
    user.via_token = Some(token.name);
    Ok(user)
}

fn too_old(read_at: DateTime<Utc>, now: DateTime<Utc>, max_age: Duration) -> bool {
    (now - read_at).to_std().is_ok_and(|age| age > max_age)
}

/// `memberships` reduced to `project`, with at most `role`.
fn cut_down(memberships: Vec<Membership>, project: &str, role: model::access::Role) -> Vec<Membership> {
    memberships
        .into_iter()
        .filter(|m| m.project_id == project)
        .map(|m| Membership { role: m.role.min(role), ..m })
        .collect()
}

/// Audits a refused token (throttled: a script looping with a dead token writes a few events).
pub async fn audit_refusal(db: &Db, throttle: &Throttle, refused: &Refused, address: Option<String>) {
    let event = AuditEvent {
        project_id: None,
        actor: audit::UNKNOWN_ACTOR.to_string(),
        actor_address: address,
        action: AuditAction::TokenRefused,
        target_kind: Some(TargetKind::Token),
        target_id: None,
        target_name: Some(refused.to_string()),
        outcome: Outcome::Denied,
        operation_id: None,
    };
    if let Err(error) = audit::record_throttled(db, throttle, &event, Utc::now()).await {
        tracing::warn!(%error, "a refused token could not be audited");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::access::Role;

    #[test]
    fn secrets_are_long_random_and_recognisable() {
        let (a, b) = (new_secret(), new_secret());
        assert!(a.starts_with(SECRET_PREFIX) && a.len() == SECRET_PREFIX.len() + 43, "{a}");
        assert_ne!(a, b);
        assert_ne!(hash(&a), hash(&b));
        assert_eq!(hash(&a).len(), 64);
        assert_eq!(hint("pilothouse_abcdWXYZ"), "…WXYZ");
    }

    #[test]
    fn a_token_acts_with_the_lower_of_its_role_and_its_users() {
        let membership = |project: &str, role| Membership {
            project_id: project.into(),
            project_name: project.into(),
            role,
        };
        let all = vec![membership("a", Role::Admin), membership("b", Role::Viewer)];
        assert_eq!(cut_down(all.clone(), "a", Role::Operator), vec![membership("a", Role::Operator)]);
        assert_eq!(cut_down(all.clone(), "b", Role::Admin), vec![membership("b", Role::Viewer)]);
        assert_eq!(cut_down(all, "c", Role::Admin), vec![]);
    }

    #[test]
    fn groups_read_too_long_ago_are_not_trusted() {
        let now = Utc::now();
        let day = Duration::from_secs(86_400);
        assert!(!too_old(now - chrono::Duration::hours(23), now, day));
        assert!(too_old(now - chrono::Duration::hours(25), now, day));
    }
}
