//! What the OpenAPI document says besides the paths: the API's description, how callers
//! authenticate, the error body, the refusals every endpoint may answer with, and the path
//! parameters.

use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{InfoBuilder, OpenApi, OpenApiBuilder};
use utoipa::{IntoParams, IntoResponses, OpenApi as _, ToSchema};

/// The document before the paths are added.
pub fn base() -> OpenApi {
    let info = InfoBuilder::new()
        .title("Pilothouse API")
        .version("1")
        .description(Some(
            "The console's clusters, node pools, operations and access, for scripts. Authenticate with an API \
             token (`Authorization: Bearer pilothouse_…`, created on the console's API tokens page): it acts \
             as its user with its role, at most the user's own. Changes answer 202 with the operation and a \
             `Location` to poll until its `state` is `succeeded`, `failed` or `cancelled`. Every change takes \
             an `Idempotency-Key` header: the same request with the same key within a day answers the first \
             answer again (`Idempotent-Replayed: true`) and changes nothing.",
        ))
        .build();
    let mut api = OpenApiBuilder::new().info(info).build();
    api.merge(Schemas::openapi());
    let components = api.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "token",
        SecurityScheme::Http(
            HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("pilothouse_…").build(),
        ),
    );
    components.add_security_scheme(
        "session",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("__Host-pilothouse_session"))),
    );
    api.security = Some(vec![
        utoipa::openapi::security::SecurityRequirement::new("token", Vec::<String>::new()),
        utoipa::openapi::security::SecurityRequirement::new("session", Vec::<String>::new()),
    ]);
    api
}

/// Schemas only the refusals name.
#[derive(utoipa::OpenApi)]
#[openapi(components(schemas(Problem, model::FieldError)))]
struct Schemas;

/// Each operation's id, unique across the document: its tag and its function (`clusters_list`).
pub fn name_operations(api: &mut OpenApi) {
    for item in api.paths.paths.values_mut() {
        let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
        for operation in operations.into_iter().flatten() {
            let tag = operation.tags.as_ref().and_then(|t| t.first()).cloned().unwrap_or_default();
            if let Some(id) = &operation.operation_id {
                operation.operation_id = Some(format!("{}_{id}", tag.replace(' ', "_")));
            }
        }
    }
}

/// Why a request was refused.
#[derive(Serialize, ToSchema)]
pub struct Problem {
    /// `bad_request`, `signed_out`, `token_refused`, `forbidden`, `not_found`, `invalid`,
    /// `conflict`, `unavailable`, `internal`, `idempotency_key_reused`, `idempotency_key_in_use`.
    pub error: String,
    /// In words a person can act on.
    pub message: String,
    /// With `invalid` (422): each problem at its field (`nodePools.0.desiredNodes`).
    #[schema(nullable = false)]
    pub errors: Option<Vec<model::FieldError>>,
}

/// The refusals any endpoint may answer with.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub enum Refusals {
    /// A malformed id, body or `Idempotency-Key`.
    #[response(status = 400)]
    BadRequest(Problem),
    /// No token or session, or a token that is unknown, revoked, expired or whose user's groups
    /// are too old.
    #[response(status = 401)]
    Unauthorized(Problem),
    /// The role does not allow this.
    #[response(status = 403)]
    Forbidden(Problem),
    #[response(status = 404)]
    NotFound(Problem),
    /// The current state rules it out, or the `Idempotency-Key` is in use by a running request.
    #[response(status = 409)]
    Conflict(Problem),
    /// The request breaks a rule (`errors` says which, at each field), or its
    /// `Idempotency-Key` was used for another request.
    #[response(status = 422)]
    Invalid(Problem),
    /// The provider or the database did not answer; try again.
    #[response(status = 503)]
    Unavailable(Problem),
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ProjectPath {
    /// The console's project id (`default`).
    pub project: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct ClusterPath {
    pub project: String,
    /// The cluster's id (a UUID).
    pub cluster: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct PoolPath {
    pub project: String,
    pub cluster: String,
    /// The node pool's id (a UUID).
    pub pool: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct NodePath {
    pub project: String,
    pub cluster: String,
    pub pool: String,
    /// The node's id.
    pub node: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct OperationPath {
    pub project: String,
    /// The operation's id (a UUID).
    pub operation: String,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct RegionPath {
    pub project: String,
    /// The region's name (`GRA11`).
    pub region: String,
}
