//! The console's REST API, `/api/v1`: the same backend the pages use (every role check and
//! rule in one place), as resources. JSON in and out with the model's types; errors as
//! `{"error", "message"}` with the status they deserve, field errors as
//! `{"errors": [{"field", "message"}]}` with 422; changes answered with 202, the operation, and
//! a `Location` to poll; an `Idempotency-Key` honoured on every change ([`idempotency`]).
//! Reached with an API token (`Authorization: Bearer …`) or a signed-in session.

mod access;
mod clusters;
pub mod doc;
pub mod idempotency;
mod operations;
mod pools;
mod projects;
pub mod reference;

use std::sync::Arc;

use app::api::port::{Backend, Caller};
use app::error::AppError;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use model::access::{ClientAddress, User};
use model::id::{IdError, ProjectId};
use serde::de::DeserializeOwned;
use utoipa_axum::router::OpenApiRouter;

use crate::state::AppState;

/// Where the API lives.
pub const ROOT: &str = "/api/v1";

/// Every endpoint, each with its description.
fn described() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(projects::routes())
        .merge(clusters::routes())
        .merge(pools::routes())
        .merge(operations::routes())
        .merge(access::routes())
}

/// The API's routes, under [`ROOT`].
pub fn routes(state: &AppState) -> Router<AppState> {
    let (api, _) = described().split_for_parts();
    let api = api
        .route("/openapi.json", axum::routing::get(openapi_json))
        .fallback(|| async { AppError::NotFound { message: "There is no such endpoint in /api/v1.".into() } })
        .layer(axum::middleware::from_fn_with_state(state.db.clone(), idempotency::honour));
    Router::new().nest(ROOT, api)
}

/// The OpenAPI document of the API, as `/api/v1/openapi.json` serves it.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut document = OpenApiRouter::with_openapi(doc::base()).nest(ROOT, described()).into_openapi();
    doc::name_operations(&mut document);
    document
}

/// `GET /api/v1/openapi.json`.
pub async fn openapi_json() -> Response {
    static DOCUMENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let body = DOCUMENT.get_or_init(|| document().to_pretty_json().unwrap_or_default()).clone();
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The caller of an API request, with the backend to ask.
pub struct Api {
    pub caller: Caller,
    pub backend: Arc<dyn Backend>,
    /// The request's `Idempotency-Key`, if any.
    pub key: Option<String>,
}

impl FromRequestParts<AppState> for Api {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let user = parts.extensions.get::<User>().cloned().ok_or(AppError::SignedOut)?;
        let address = parts.extensions.get::<ClientAddress>().map(|a| a.0.clone());
        let key = parts.headers.get(idempotency::HEADER).and_then(|v| v.to_str().ok()).map(str::to_string);
        Ok(Api { caller: Caller { user, address }, backend: state.backend.clone(), key })
    }
}

/// A JSON body, refused with a 400 that says where it is wrong.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Body<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !json {
            return Err(AppError::BadRequest {
                message: "Send the body as JSON (Content-Type: application/json).".into(),
            });
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|e| AppError::BadRequest { message: format!("The body could not be read: {e}") })?;
        serde_json::from_slice(&bytes).map(Body).map_err(|e| AppError::BadRequest {
            message: format!("The body is not what this endpoint takes: {e}"),
        })
    }
}

/// An id from the path, or a 400 saying what ids of its kind look like.
pub fn id<T>(parsed: Result<T, IdError>) -> Result<T, AppError> {
    parsed.map_err(|error| AppError::BadRequest { message: error.to_string() })
}

pub fn project(text: &str) -> Result<ProjectId, AppError> {
    id(ProjectId::parse(text))
}

/// `value` as a JSON answer with 200.
pub fn ok<T: serde::Serialize>(value: T) -> Response {
    axum::Json(value).into_response()
}

/// The answer to a change: 202, the operation, and where to follow it.
pub async fn accepted(api: &Api, project: &ProjectId, operation: &str) -> Result<Response, AppError> {
    let id = id(model::id::OperationId::parse(operation))?;
    let view = api.backend.operation(&api.caller, project, &id).await?;
    Ok(accepted_view(project, view))
}

/// [`accepted`] with the operation already read.
pub fn accepted_view(project: &ProjectId, view: model::operation::OperationView) -> Response {
    let location = format!("{ROOT}/projects/{project}/operations/{}", view.id);
    let mut response = (StatusCode::ACCEPTED, axum::Json(view)).into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// What every handler returns.
pub type Answer = Result<Response, AppError>;
