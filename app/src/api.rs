//! The server functions pages call, and (on the server) the port they reach the backend through.
//! Each function: find the signed-in user, call one backend method, return its result — rules and
//! role checks live in the backend.

use leptos::prelude::*;
use model::access::User;
use model::activity::{ActivityFilter, ActivityPage};
use model::cluster_view::ClusterRow;

use crate::error::AppError;

/// What the server implements for the pages (server build only).
#[cfg(feature = "ssr")]
pub mod port {
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::Arc;

    use model::access::{ClientAddress, User};
    use model::activity::{ActivityFilter, ActivityPage};
    use model::cluster_view::ClusterRow;

    use crate::error::AppError;

    pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

    /// Who asks: the signed-in user and their address.
    #[derive(Clone, Debug)]
    pub struct Caller {
        pub user: User,
        pub address: Option<String>,
    }

    /// The backend's side of every server function.
    pub trait Backend: Send + Sync + 'static {
        fn clusters<'a>(
            &'a self,
            caller: &'a Caller,
            project: &'a str,
        ) -> BoxFuture<'a, Result<Vec<ClusterRow>, AppError>>;
        /// Queues the deletion after checking the role and that `confirm` is the cluster's name;
        /// returns the operation id.
        fn delete_cluster<'a>(
            &'a self,
            caller: &'a Caller,
            project: &'a str,
            cluster: &'a str,
            confirm: &'a str,
        ) -> BoxFuture<'a, Result<String, AppError>>;
        fn activity<'a>(
            &'a self,
            caller: &'a Caller,
            filter: ActivityFilter,
        ) -> BoxFuture<'a, Result<ActivityPage, AppError>>;
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

    /// `result`, with the HTTP status its error deserves.
    pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
        if let Err(error) = &result {
            let status = match error {
                AppError::SignedOut => http::StatusCode::UNAUTHORIZED,
                AppError::Forbidden { .. } => http::StatusCode::FORBIDDEN,
                AppError::NotFound { .. } => http::StatusCode::NOT_FOUND,
                AppError::Invalid { .. } => http::StatusCode::UNPROCESSABLE_ENTITY,
                AppError::Conflict { .. } => http::StatusCode::CONFLICT,
                AppError::Unavailable { .. } => http::StatusCode::SERVICE_UNAVAILABLE,
                AppError::Internal { .. } => http::StatusCode::INTERNAL_SERVER_ERROR,
            };
            if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
                response.set_status(status);
            }
        }
        result
    }
}

/// The signed-in user.
#[server(endpoint = "current_user")]
pub async fn current_user() -> Result<User, AppError> {
    port::respond(port::caller().map(|caller| caller.user))
}

/// The clusters of `project`, as the list shows them.
#[server(endpoint = "list_clusters")]
pub async fn list_clusters(project: String) -> Result<Vec<ClusterRow>, AppError> {
    let caller = port::caller()?;
    port::respond(port::backend()?.clusters(&caller, &project).await)
}

/// Deletes a cluster (admins only) once `confirm` repeats its name; returns the operation id.
#[server(endpoint = "delete_cluster")]
pub async fn delete_cluster(project: String, cluster: String, confirm: String) -> Result<String, AppError> {
    let caller = port::caller()?;
    port::respond(port::backend()?.delete_cluster(&caller, &project, &cluster, &confirm).await)
}

/// One page of the audit trail the user may see.
#[server(endpoint = "activity")]
pub async fn activity(filter: ActivityFilter) -> Result<ActivityPage, AppError> {
    let caller = port::caller()?;
    port::respond(port::backend()?.activity(&caller, filter).await)
}
