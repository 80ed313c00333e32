//! What the server implements for the pages, and how server functions reach it.

mod access;
mod cluster;
mod project;

use std::sync::Arc;

use crate::error::AppError;
use model::access::{ClientAddress, User};

pub use access::{Access, ClusterRbac, Oidc};
pub use cluster::{Clusters, Code, Customization, Operations, Pools, Settings, Workloads};
pub use project::{Activity, Fleet, Networks, Notifications, Tokens};

/// Who asks: the signed-in user and their address.
#[derive(Clone, Debug)]
pub struct Caller {
    pub user: User,
    pub address: Option<String>,
}

/// Everything the pages ask of the server: one trait per resource, each implemented by the
/// server's backend module of that name.
pub trait Backend:
    Clusters
    + Operations
    + Pools
    + Settings
    + Customization
    + Access
    + Oidc
    + ClusterRbac
    + Networks
    + Activity
    + Workloads
    + Tokens
    + Code
    + Fleet
    + Notifications
    + 'static
{
}

impl<
    T: Clusters
        + Operations
        + Pools
        + Settings
        + Customization
        + Access
        + Oidc
        + ClusterRbac
        + Networks
        + Activity
        + Workloads
        + Tokens
        + Code
        + Fleet
        + Notifications
        + 'static,
> Backend for T
{
}

/// The backend, as the server provides it.
pub fn backend() -> Result<Arc<dyn Backend>, AppError> {
    leptos::prelude::use_context::<Arc<dyn Backend>>()
        .ok_or_else(|| AppError::Internal { reference: "no backend in context".into() })
}

/// The caller of this request (the server's sign-in gate put the user in the request).
pub fn caller() -> Result<Caller, AppError> {
    let parts = leptos::prelude::use_context::<http::request::Parts>().ok_or(AppError::SignedOut)?;
    let user = parts.extensions.get::<User>().cloned().ok_or(AppError::SignedOut)?;
    let address = parts.extensions.get::<ClientAddress>().map(|a| a.0.clone());
    Ok(Caller { user, address })
}

/// An id parsed from a request, or a 400 saying what an id of its kind looks like.
pub fn id<T>(parsed: Result<T, model::id::IdError>) -> Result<T, AppError> {
    respond(parsed.map_err(|error| AppError::BadRequest { message: error.to_string() }))
}

/// `result`, with the HTTP status its error deserves.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result {
        let status = error.status();
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(status);
        }
    }
    result
}
