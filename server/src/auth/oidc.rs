//! The OpenID Connect relying party: discovery (kept an hour, fetched again after a failure),
//! the authorization code flow with PKCE (S256), state and nonce, ID token validation (issuer,
//! audience, expiry, signature, nonce), userinfo merged in, refresh, and RP-initiated sign-out.

use std::time::{Duration, Instant};

use base64::Engine;
use openidconnect::core::{CoreAuthPrompt, CoreAuthenticationFlow, CoreClient, CoreIdToken};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet,
    IssuerUrl, LogoutRequest, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    PostLogoutRedirectUrl, ProviderMetadataWithLogout, RedirectUrl, RefreshToken, Scope, TokenResponse,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tokio::sync::RwLock;

use crate::config::Secret;

/// How long discovered metadata (and the issuer's keys) are kept.
const METADATA_TTL: Duration = Duration::from_secs(3600);

type Client = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Why a sign-in failed, in words for the page and the audit trail.
#[derive(Debug, thiserror::Error)]
pub enum SignInError {
    #[error("the identity provider cannot be reached ({0})")]
    Unreachable(String),
    #[error("no sign-in was in progress in this browser, or it was already completed")]
    NoAttempt,
    #[error("the sign-in answer does not belong to the sign-in this browser started")]
    WrongState,
    #[error("the identity provider refused the sign-in: {0}")]
    Refused(String),
    #[error("the identity provider's ID token is not valid: {0}")]
    InvalidToken(String),
    #[error("the identity provider did not say who you are: {0}")]
    MissingClaim(String),
}

/// What a sign-in in progress keeps (in its cookie, [`super::attempt`]) until the identity
/// provider sends the user back.
#[derive(Clone, Serialize, Deserialize)]
pub struct Attempt {
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    /// Where to go after signing in (a same-origin path).
    pub next: String,
    /// A silent re-authentication (`prompt=none`) of a signed-in user, to read their groups again.
    #[serde(default)]
    pub silent: bool,
}

impl std::fmt::Debug for Attempt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attempt")
            .field("next", &self.next)
            .field("silent", &self.silent)
            .finish_non_exhaustive()
    }
}

/// Who signed in, and the tokens to keep the session alive and end it.
#[derive(Clone)]
pub struct Identity {
    pub username: String,
    pub groups: Vec<String>,
    pub refresh_token: Option<String>,
    pub access_expires_in: Option<Duration>,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity")
            .field("username", &self.username)
            .field("groups", &self.groups)
            .field("access_expires_in", &self.access_expires_in)
            .finish_non_exhaustive()
    }
}

/// What a token refresh gives: new tokens, and the user's groups read again where the issuer
/// says them (the refreshed ID token, or userinfo).
pub struct Refreshed {
    pub refresh_token: Option<String>,
    pub expires_in: Option<Duration>,
    /// `None` when the issuer gave nothing to read them from.
    pub groups: Option<Vec<String>>,
}

/// The relying party's settings and the issuer's discovered metadata.
pub struct Oidc {
    issuer: String,
    client_id: String,
    client_secret: Option<Secret>,
    redirect_url: String,
    post_logout_url: String,
    scopes: Vec<String>,
    username_claim: String,
    groups_claim: String,
    http: reqwest::Client,
    metadata: RwLock<Option<(ProviderMetadataWithLogout, Instant)>>,
}

impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Oidc")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// The settings of an [`Oidc`].
pub struct OidcSettings {
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Option<Secret>,
    /// The console's public URL, without a trailing `/`.
    pub public_url: String,
    pub scopes: Vec<String>,
    pub username_claim: String,
    pub groups_claim: String,
    /// PEM certificates trusted for the issuer besides the public roots.
    pub extra_roots: Option<Vec<u8>>,
}

impl Oidc {
    pub fn new(settings: OidcSettings) -> anyhow::Result<Self> {
        let mut http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            // Sign-ins are minutes apart: a connection kept longer than the provider's own
            // keep-alive (Node's is 5 s) is closed under the next token request.
            .pool_idle_timeout(Duration::from_secs(4));
        for root in
            reqwest::Certificate::from_pem_bundle(settings.extra_roots.as_deref().unwrap_or_default())?
        {
            http = http.add_root_certificate(root);
        }
        let http = http.build()?;
        Ok(Self {
            issuer: settings.issuer,
            client_id: settings.client_id,
            client_secret: settings.client_secret,
            redirect_url: format!("{}/auth/callback", settings.public_url),
            post_logout_url: format!("{}/auth/signed-out", settings.public_url),
            scopes: settings.scopes,
            username_claim: settings.username_claim,
            groups_claim: settings.groups_claim,
            http,
            metadata: RwLock::new(None),
        })
    }

    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// The issuer's metadata: kept, or discovered now.
    async fn metadata(&self) -> Result<ProviderMetadataWithLogout, SignInError> {
        if let Some((metadata, at)) = self.metadata.read().await.as_ref()
            && at.elapsed() < METADATA_TTL
        {
            return Ok(metadata.clone());
        }
        let issuer =
            IssuerUrl::new(self.issuer.clone()).map_err(|e| SignInError::Unreachable(e.to_string()))?;
        let metadata = ProviderMetadataWithLogout::discover_async(issuer, &self.http)
            .await
            .map_err(|e| SignInError::Unreachable(error_chain(&e)))?;
        *self.metadata.write().await = Some((metadata.clone(), Instant::now()));
        Ok(metadata)
    }

    async fn client(&self) -> Result<(Client, ProviderMetadataWithLogout), SignInError> {
        let metadata = self.metadata().await?;
        let secret = self.client_secret.as_ref().map(|s| ClientSecret::new(s.expose().to_string()));
        let redirect = RedirectUrl::new(self.redirect_url.clone())
            .map_err(|e| SignInError::Unreachable(e.to_string()))?;
        let client = CoreClient::from_provider_metadata(
            metadata.clone(),
            ClientId::new(self.client_id.clone()),
            secret,
        )
        .set_redirect_uri(redirect);
        Ok((client, metadata))
    }

    /// Where to send the browser to sign in, and what to keep until it comes back. A `silent`
    /// sign-in asks the issuer not to show anything (`prompt=none`): it answers at once, with a
    /// code or with `login_required`.
    pub async fn start(&self, next: String, silent: bool) -> Result<(String, Attempt), SignInError> {
        let (client, _) = self.client().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client.authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        );
        for scope in self.scopes.iter().filter(|s| *s != "openid") {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        if silent {
            request = request.add_prompt(CoreAuthPrompt::None);
        }
        let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
        let attempt = Attempt {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
            next,
            silent,
        };
        Ok((url.to_string(), attempt))
    }

    /// Completes a sign-in: checks the state, exchanges the code (with the PKCE verifier),
    /// validates the ID token with the nonce, and merges userinfo in.
    pub async fn finish(&self, attempt: &Attempt, code: &str, state: &str) -> Result<Identity, SignInError> {
        if state != attempt.state {
            return Err(SignInError::WrongState);
        }
        let (client, metadata) = self.client().await?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| SignInError::Unreachable(e.to_string()))?
            .set_pkce_verifier(PkceCodeVerifier::new(attempt.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|e| match &e {
                openidconnect::RequestTokenError::ServerResponse(answer) => {
                    SignInError::Refused(answer.to_string())
                }
                _ => SignInError::Unreachable(error_chain(&e)),
            })?;
        let id_token =
            tokens.id_token().ok_or_else(|| SignInError::InvalidToken("no ID token in the answer".into()))?;
        self.check_id_token(&client, &metadata, id_token, &Nonce::new(attempt.nonce.clone()))?;
        let mut claims = payload(id_token)?;
        if let Some(endpoint) = metadata.userinfo_endpoint() {
            let userinfo = self.userinfo(endpoint.url().as_str(), tokens.access_token().secret()).await?;
            if userinfo.get("sub") != claims.get("sub") {
                return Err(SignInError::InvalidToken("userinfo describes another user".into()));
            }
            for (key, value) in userinfo {
                claims.entry(key).or_insert(value);
            }
        }
        Ok(Identity {
            username: self.username(&claims)?,
            groups: self.groups(&claims),
            refresh_token: tokens.refresh_token().map(|t| t.secret().clone()),
            access_expires_in: tokens.expires_in(),
        })
    }

    fn check_id_token(
        &self,
        client: &Client,
        metadata: &ProviderMetadataWithLogout,
        id_token: &CoreIdToken,
        nonce: &Nonce,
    ) -> Result<(), SignInError> {
        // Accept the algorithms the issuer says it signs with (the library's default is RS256 only).
        let algorithms = metadata.id_token_signing_alg_values_supported().clone();
        let verifier = client.id_token_verifier().set_allowed_algs(algorithms);
        id_token.claims(&verifier, nonce).map(|_| ()).map_err(|e| SignInError::InvalidToken(e.to_string()))
    }

    async fn userinfo(&self, url: &str, access_token: &str) -> Result<Map<String, Value>, SignInError> {
        let answer = self
            .http
            .get(url)
            .bearer_auth(access_token)
            .header("Accept", "application/json")
            .send()
            .await
            .map_err(|e| SignInError::Unreachable(error_chain(&e)))?;
        if !answer.status().is_success() {
            return Err(SignInError::Refused(format!("userinfo answered {}", answer.status())));
        }
        answer.json().await.map_err(|e| SignInError::Refused(format!("userinfo is not JSON: {e}")))
    }

    fn username(&self, claims: &Map<String, Value>) -> Result<String, SignInError> {
        [self.username_claim.as_str(), "preferred_username", "email", "sub"]
            .iter()
            .find_map(|name| claims.get(*name).and_then(Value::as_str).filter(|v| !v.is_empty()))
            .map(str::to_string)
            .ok_or_else(|| SignInError::MissingClaim(self.username_claim.clone()))
    }

    fn groups(&self, claims: &Map<String, Value>) -> Vec<String> {
        match claims.get(&self.groups_claim) {
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(str::to_string).collect(),
            Some(Value::String(one)) => vec![one.clone()],
            _ => Vec::new(),
        }
    }

    /// New tokens for a session whose access token expired, with the user's groups read again;
    /// `None` when the issuer refuses. A refreshed ID token must be validly signed by the issuer
    /// for this client and name the same subject as userinfo.
    pub async fn refresh(&self, refresh_token: &str) -> Option<Refreshed> {
        let (client, metadata) = self.client().await.ok()?;
        let token = RefreshToken::new(refresh_token.to_string());
        let tokens = client.exchange_refresh_token(&token).ok()?.request_async(&self.http).await.ok()?;
        let mut claims = Map::new();
        if let Some(id_token) = tokens.id_token() {
            let algorithms = metadata.id_token_signing_alg_values_supported().clone();
            let verifier = client.id_token_verifier().set_allowed_algs(algorithms);
            // No nonce: a refreshed ID token answers no authorization request.
            id_token.claims(&verifier, |_: Option<&Nonce>| Ok(())).ok()?;
            claims = payload(id_token).ok()?;
        }
        if let Some(endpoint) = metadata.userinfo_endpoint() {
            let userinfo =
                self.userinfo(endpoint.url().as_str(), tokens.access_token().secret()).await.ok()?;
            if claims.get("sub").is_some_and(|sub| userinfo.get("sub") != Some(sub)) {
                return None;
            }
            claims.extend(userinfo);
        }
        Some(Refreshed {
            refresh_token: tokens.refresh_token().map(|t| t.secret().clone()),
            expires_in: tokens.expires_in(),
            groups: (!claims.is_empty()).then(|| self.groups(&claims)),
        })
    }

    /// The issuer's sign-out address, if it offers one. It names the client rather than carrying
    /// the ID token (`id_token_hint`), so no token travels in a URL.
    pub async fn end_session_url(&self) -> Option<String> {
        let metadata = self.metadata().await.ok()?;
        let endpoint = metadata.additional_metadata().end_session_endpoint.clone()?;
        let request = LogoutRequest::from(endpoint)
            .set_client_id(ClientId::new(self.client_id.clone()))
            .set_post_logout_redirect_uri(PostLogoutRedirectUrl::new(self.post_logout_url.clone()).ok()?);
        Some(request.http_get_url().to_string())
    }
}

/// The claims of a validated ID token, every one of them (the library keeps only the standard
/// ones).
fn payload(id_token: &CoreIdToken) -> Result<Map<String, Value>, SignInError> {
    let text = id_token.to_string();
    let part = text.split('.').nth(1).ok_or_else(|| SignInError::InvalidToken("malformed".into()))?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(part.trim_end_matches('='))
        .map_err(|e| SignInError::InvalidToken(e.to_string()))?;
    serde_json::from_slice(&bytes).map_err(|e| SignInError::InvalidToken(e.to_string()))
}

/// An error and its causes on one line (reqwest hides the useful part in its sources).
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
