//! Token refreshes, one at a time per session: requests of one session that find its access
//! token expired at the same moment wait for a single refresh and share its answer, instead of
//! each spending the refresh token (which issuers that rotate them would then treat as reuse).
//! This holds within a replica; across replicas the issuer's rotation decides.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::oidc::Oidc;

/// A refresh's answer, as the session keeps it.
#[derive(Clone)]
pub struct Answer {
    pub refresh_token: Option<String>,
    /// Unix seconds.
    pub expires_at: Option<i64>,
    pub groups: Option<Vec<String>>,
}

type Slot = Arc<tokio::sync::Mutex<Option<Option<Answer>>>>;

/// The refreshes under way, by the refresh token they spend.
#[derive(Default)]
pub struct Refreshes(Mutex<HashMap<String, Slot>>);

impl std::fmt::Debug for Refreshes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Refreshes { .. }")
    }
}

impl Refreshes {
    /// Refreshes with `refresh_token`, or waits for the refresh already spending it; `None` when
    /// the issuer refused.
    pub async fn refresh(&self, oidc: &Oidc, refresh_token: &str, now: i64) -> Option<Answer> {
        let slot = {
            let mut slots = self.0.lock().unwrap_or_else(|e| e.into_inner());
            slots.entry(refresh_token.to_string()).or_default().clone()
        };
        let mut answer = slot.lock().await;
        if let Some(done) = answer.as_ref() {
            return done.clone();
        }
        let refreshed = oidc.refresh(refresh_token).await.map(|r| Answer {
            refresh_token: r.refresh_token,
            expires_at: r.expires_in.map(|d| now + d.as_secs() as i64),
            groups: r.groups,
        });
        *answer = Some(refreshed.clone());
        // Requests already waiting take this answer; later ones refresh anew.
        let mut slots = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if slots.get(refresh_token).is_some_and(|kept| Arc::ptr_eq(kept, &slot)) {
            slots.remove(refresh_token);
        }
        refreshed
    }
}
