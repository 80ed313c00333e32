//! The OAuth2 client-credentials grant (provider-api.md §1.6): an access token fetched from the
//! regional token URL with `scope=all`, kept until shortly before it expires, fetched again after
//! the API refuses it.

use std::time::{Duration, Instant};

use serde::Deserialize;
use tokio::sync::Mutex;

use super::Error;

/// The regional token URLs (provider-api.md §1.1).
pub const EU_TOKEN_URL: &str = "https://www.ovh.com/auth/oauth2/token";
pub const CA_TOKEN_URL: &str = "https://ca.ovh.com/auth/oauth2/token";
pub const US_TOKEN_URL: &str = "https://us.ovhcloud.com/auth/oauth2/token";

/// A token is replaced this long before the provider says it expires.
const EARLY: Duration = Duration::from_secs(60);

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

/// The current access token, shared by every call of one client.
#[derive(Default)]
pub struct TokenCache(Mutex<Option<(String, Instant)>>);

/// Says whether a token is kept, never the token.
impl std::fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kept = self.0.try_lock().map(|kept| kept.is_some());
        f.debug_struct("TokenCache").field("kept", &kept.ok()).finish()
    }
}

impl TokenCache {
    /// A valid access token: the kept one, or a new one from `token_url`.
    pub async fn token(
        &self,
        http: &reqwest::Client,
        token_url: &str,
        client_id: &str,
        client_secret: &str,
    ) -> Result<String, Error> {
        // Held across the fetch, so concurrent calls wait for one token instead of each asking.
        let mut kept = self.0.lock().await;
        if let Some((token, until)) = kept.as_ref()
            && Instant::now() < *until
        {
            return Ok(token.clone());
        }
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", client_id),
            ("client_secret", client_secret),
            ("scope", "all"),
        ];
        let response = http.post(token_url).form(&form).send().await.map_err(Error::Transport)?;
        let status = response.status();
        let bytes = response.bytes().await.map_err(Error::Transport)?;
        if !status.is_success() {
            // The body is the token endpoint's RFC 6749 error; it holds no secret.
            let text = String::from_utf8_lossy(&bytes);
            return Err(Error::Token(format!("the token endpoint answered {status}: {text}")));
        }
        let answer: TokenAnswer =
            serde_json::from_slice(&bytes).map_err(|e| Error::Decode(format!("token answer: {e}")))?;
        let lifetime = Duration::from_secs(answer.expires_in.unwrap_or(3600));
        *kept = Some((answer.access_token.clone(), Instant::now() + lifetime.saturating_sub(EARLY)));
        Ok(answer.access_token)
    }

    /// Forgets the kept token (the API refused it).
    pub async fn forget(&self) {
        *self.0.lock().await = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn debug_output_never_shows_the_token() {
        let cache = TokenCache::default();
        *cache.0.lock().await = Some(("eyJ-very-secret-access-token".into(), Instant::now()));
        let shown = format!("{cache:?}");
        assert!(!shown.contains("very-secret"), "{shown}");
        assert!(shown.contains("kept: Some(true)"), "{shown}");
    }
}
