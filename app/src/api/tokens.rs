//! Server functions of the API tokens page.

use leptos::prelude::*;
use leptos::server_fn;
use model::token::{CreatedToken, TokenRequest, TokenView, TokensView};

#[cfg(feature = "ssr")]
use super::port;
use crate::error::AppError;

/// The caller's tokens, and those of the projects they administer.
#[server(endpoint = "tokens")]
pub async fn tokens() -> Result<TokensView, AppError> {
    let caller = port::caller()?;
    port::respond(port::backend()?.tokens(&caller).await)
}

/// Creates a token; its secret is in the answer, shown once.
#[server(endpoint = "create_token", input = server_fn::codec::Json)]
pub async fn create_token(request: TokenRequest) -> Result<CreatedToken, AppError> {
    let caller = port::caller()?;
    port::respond(port::backend()?.create_token(&caller, &request).await)
}

/// Revokes a token.
#[server(endpoint = "revoke_token", input = server_fn::codec::Json)]
pub async fn revoke_token(id: String) -> Result<TokenView, AppError> {
    let caller = port::caller()?;
    port::respond(port::backend()?.revoke_token(&caller, &id).await)
}
