//! The signed-in session: what it keeps about its user, and the checks each request makes of
//! it — absolute lifetime, token refresh (which reads the groups again), groups too old to
//! trust, and the idle window restarted by activity.

use chrono::Utc;
use model::access::{Role, User};
use model::activity::{AuditAction, Outcome};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::oidc::{self, Oidc};
use super::{Auth, USER, store};
use crate::audit::{self, AuditEvent};
use crate::db::Db;

/// What the session holds about its user.
#[derive(Clone, Serialize, Deserialize)]
pub(super) struct SessionUser {
    pub(super) username: String,
    groups: Vec<String>,
    /// Unix seconds.
    signed_in_at: i64,
    refresh_token: Option<String>,
    /// Unix seconds; refreshed after this.
    access_expires_at: Option<i64>,
    /// Unix seconds: when the session's idle window last restarted.
    #[serde(default)]
    seen_at: i64,
    /// Unix seconds: when the groups were last read from the identity provider.
    #[serde(default)]
    groups_read_at: i64,
}

impl std::fmt::Debug for SessionUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionUser")
            .field("username", &self.username)
            .field("groups", &self.groups)
            .field("signed_in_at", &self.signed_in_at)
            .field("access_expires_at", &self.access_expires_at)
            .field("seen_at", &self.seen_at)
            .field("groups_read_at", &self.groups_read_at)
            .finish_non_exhaustive()
    }
}

impl SessionUser {
    /// A session just signed in at `now`.
    pub(super) fn new(identity: oidc::Identity, now: i64) -> Self {
        Self {
            username: identity.username,
            groups: identity.groups,
            signed_in_at: now,
            access_expires_at: identity.access_expires_in.map(|d| now + d.as_secs() as i64),
            refresh_token: identity.refresh_token,
            seen_at: now,
            groups_read_at: now,
        }
    }

    /// Whether the session is older than its absolute lifetime at `now`.
    fn outlived(&self, auth: &Auth, now: i64) -> bool {
        now - self.signed_in_at > auth.lifetime.as_secs() as i64
    }
}

/// Why a request has no user.
#[derive(Debug)]
pub(super) enum NotSignedIn {
    SignedOut,
    /// Signed in, but the groups are due to be read again by a silent sign-in (pages only).
    Recheck,
}

/// The session's user, after the checks that may end the session: its absolute lifetime, the
/// issuer's refusal to refresh an expired access token, and groups that are too old to trust
/// without a refresh token. Restarts the idle window when less than half of it is left, so an
/// active user stays signed in without a write on every request.
pub(super) async fn signed_in(
    auth: &Auth,
    oidc: &Oidc,
    db: &Db,
    session: &Session,
    address: Option<String>,
    page: bool,
) -> Result<User, NotSignedIn> {
    let mut kept: SessionUser = session.get(USER).await.ok().flatten().ok_or(NotSignedIn::SignedOut)?;
    let now = Utc::now().timestamp();
    let end = |action: AuditAction, username: String| async move {
        let ended = AuditEvent {
            project_id: None,
            actor: username,
            actor_address: address,
            action,
            target_kind: None,
            target_id: None,
            target_name: None,
            outcome: Outcome::Succeeded,
            operation_id: None,
        };
        let _ = audit::record(db, &ended, Utc::now()).await;
        let _ = session.flush().await;
        NotSignedIn::SignedOut
    };
    if kept.outlived(auth, now) {
        return Err(end(AuditAction::SessionExpired, kept.username).await);
    }
    let mut changed = false;
    if let (Some(expires_at), Some(refresh_token)) = (kept.access_expires_at, kept.refresh_token.clone())
        && now >= expires_at
    {
        match auth.refreshes.refresh(oidc, &refresh_token, now).await {
            Some(refreshed) => {
                kept.refresh_token = refreshed.refresh_token.or(Some(refresh_token));
                kept.access_expires_at = refreshed.expires_at;
                if let Some(groups) = refreshed.groups {
                    let read_at = Utc::now();
                    if let Err(error) =
                        crate::tokens::store::remember_user(db, &kept.username, &groups, read_at).await
                    {
                        tracing::warn!(%error, "the user's groups could not be recorded for their API tokens");
                    }
                    kept.groups = groups;
                    kept.groups_read_at = now;
                }
                changed = true;
            }
            None => return Err(end(AuditAction::SessionRefreshRefused, kept.username).await),
        }
    }
    if kept.refresh_token.is_none() && now - kept.groups_read_at >= auth.groups_recheck.as_secs() as i64 {
        if page {
            return Err(NotSignedIn::Recheck);
        }
        return Err(end(AuditAction::SessionGroupsExpired, kept.username).await);
    }
    if now - kept.seen_at >= (auth.idle.as_secs() / 2) as i64 {
        kept.seen_at = now;
        changed = true;
    }
    if changed {
        // Saving restarts the idle window (and sends the cookie again).
        let _ = session.insert(USER, &kept).await;
    }
    Ok(auth.user(&kept.username, &kept.groups))
}

/// Whether the session `id` is still signed in with a role in `project`, as the store has it
/// now (a sign-out, an expiry or a change of groups on any replica shows here). Long-lived
/// responses (live streams) ask this again while they run.
pub async fn session_allows(auth: &Auth, db: &Db, id: &tower_sessions::session::Id, project: &str) -> bool {
    use tower_sessions::SessionStore;
    if auth.is_local() {
        return true;
    }
    let Ok(Some(record)) = store::DbSessionStore::new(db).load(id).await else {
        return false;
    };
    let Some(kept) =
        record.data.get(USER).and_then(|v| serde_json::from_value::<SessionUser>(v.clone()).ok())
    else {
        return false;
    };
    record.expiry_date > time::OffsetDateTime::now_utc()
        && !kept.outlived(auth, Utc::now().timestamp())
        && auth.user(&kept.username, &kept.groups).may(project, Role::Viewer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_of_sessions_and_sign_ins_never_shows_a_token_or_verifier() {
        let identity = oidc::Identity {
            username: "alice".into(),
            groups: vec!["admins".into()],
            refresh_token: Some("refresh-SECRET-1".into()),
            access_expires_in: None,
        };
        let user = SessionUser::new(identity.clone(), 0);
        let attempt = oidc::Attempt {
            state: "state-SECRET-2".into(),
            nonce: "nonce-SECRET-3".into(),
            pkce_verifier: "verifier-SECRET-4".into(),
            next: "/clusters".into(),
            silent: false,
        };
        for shown in [format!("{identity:?}"), format!("{user:?}"), format!("{attempt:?}")] {
            assert!(!shown.contains("SECRET"), "{shown}");
        }
        assert!(format!("{user:?}").contains("alice"));
    }
}
