//! The API tokens page: create, list, revoke.

use app::api::port::{Caller, Tokens};
use app::error::AppError;
use async_trait::async_trait;
use chrono::Utc;
use model::access::Role;
use model::token::{CreatedToken, TokenRequest, TokenView, TokensView};

use super::{ConsoleBackend, actor};

/// Tokens are managed with a signed-in session, never with another token.
fn signed_in(caller: &Caller) -> Result<(), AppError> {
    match caller.user.via_token {
        None => Ok(()),
        Some(_) => Err(AppError::Forbidden {
            message: "API tokens are managed in the console while signed in, not with a token.".into(),
        }),
    }
}

#[async_trait]
impl Tokens for ConsoleBackend {
    async fn tokens(&self, caller: &Caller) -> Result<TokensView, AppError> {
        signed_in(caller)?;
        Ok(self.services.tokens(&caller.user).await?)
    }

    async fn create_token(&self, caller: &Caller, request: &TokenRequest) -> Result<CreatedToken, AppError> {
        signed_in(caller)?;
        Ok(self.services.create_token(&caller.user, &actor(caller), request, Utc::now()).await?)
    }

    async fn revoke_token(&self, caller: &Caller, id: &str) -> Result<TokenView, AppError> {
        signed_in(caller)?;
        let token = self.services.token(id).await?;
        let own = token.username == caller.user.username;
        if !own && !caller.user.may(&token.project_id, Role::Admin) {
            // Someone else's token in a project the caller does not administer: as if absent.
            return Err(AppError::NotFound { message: "The token does not exist.".into() });
        }
        Ok(self.services.revoke_token(&actor(caller), id, Utc::now()).await?)
    }
}
