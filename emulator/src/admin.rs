//! The admin API under `/emulator` (not part of the provider's API, never signed): moves the
//! virtual clock, validates consumer keys, sets fault rules and the project's Free-cluster quota.
//! Anyone who reaches it can change "the cloud", so off loopback it is served only behind a
//! bearer token ([`Access`]).

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::Emulator;
use super::error::EmulatorError;
use super::fault::Fault;

/// `POST /emulator/clock/advance` body.
#[derive(Debug, Deserialize)]
struct Advance {
    seconds: u64,
}

/// Changes the emulator accepted for one cluster name since its state began.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tally {
    /// Creations (`POST …/kube`).
    pub created: u32,
    /// Deletions started (`DELETE …/kube/{kubeId}` on a cluster not yet being deleted).
    pub deleted: u32,
    /// Node-pool edits (`PUT …/nodepool/{nodePoolId}`).
    pub pool_updates: u32,
}

/// Who may use the admin API.
#[derive(Clone)]
pub enum Access {
    /// Anyone who reaches the emulator (a loopback address).
    Open,
    /// Requests with `Authorization: Bearer <token>`.
    Token(String),
    /// Nobody: the routes are not served.
    Off,
}

impl std::fmt::Debug for Access {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Access::Open => f.write_str("Open"),
            Access::Token(_) => f.write_str("Token([redacted])"),
            Access::Off => f.write_str("Off"),
        }
    }
}

impl Access {
    /// This access on an emulator listening on `ip`: open access only on loopback.
    pub fn for_address(self, ip: std::net::IpAddr) -> Self {
        match self {
            Access::Open if !ip.is_loopback() => {
                tracing::warn!(
                    %ip,
                    "the emulator's admin API is not served on an address other machines can reach without \
                     PILOTHOUSE_EMULATOR_ADMIN_TOKEN"
                );
                Access::Off
            }
            access => access,
        }
    }
}

/// The admin routes behind `access`.
pub fn guarded(access: &Access) -> Router<Arc<Emulator>> {
    match access {
        Access::Open => routes(),
        Access::Token(token) => {
            let token: Arc<str> = token.as_str().into();
            routes().layer(axum::middleware::from_fn(move |request: Request, next: Next| {
                let token = token.clone();
                async move { require_token(&token, request, next).await }
            }))
        }
        Access::Off => Router::new(),
    }
}

/// Lets through requests that carry `token` as their bearer token.
async fn require_token(token: &str, request: Request, next: Next) -> Response {
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    // Compared in full whatever the first difference, so timing says nothing about the token.
    let same =
        given.len() == token.len() && given.bytes().zip(token.bytes()).fold(0, |d, (a, b)| d | (a ^ b)) == 0;
    if !same {
        return EmulatorError::auth(
            StatusCode::UNAUTHORIZED,
            "INVALID_CREDENTIAL",
            "the admin API needs its bearer token",
        )
        .into_response();
    }
    next.run(request).await
}

fn routes() -> Router<Arc<Emulator>> {
    Router::new()
        .route("/clock/advance", post(advance))
        .route("/clock/speed", put(set_speed))
        .route("/credentials/{consumer_key}/validate", post(validate))
        .route("/faults", get(faults).put(set_faults).delete(clear_faults))
        .route("/quota", put(set_quota))
        .route("/tally", get(tally))
        .route("/nodes/{node_id}/break", post(break_node))
        .route("/clusters/{cluster_id}/etcd-usage", put(set_etcd_usage))
        .route("/flavors/{flavor}/stock", put(set_stock))
}

/// `PUT /emulator/flavors/{flavor}/stock` body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Stock {
    in_stock: bool,
}

/// Puts a flavor out of stock (its new nodes fail with `FLAVOR_OUT_OF_STOCK_ERROR`) or back.
async fn set_stock(
    State(emulator): State<Arc<Emulator>>,
    Path(flavor): Path<String>,
    Json(stock): Json<Stock>,
) -> Json<()> {
    let mut world = emulator.world();
    if stock.in_stock {
        world.out_of_stock.remove(&flavor);
    } else {
        world.out_of_stock.insert(flavor);
    }
    Json(())
}

/// Makes a node NotReady, to watch auto-healing.
async fn break_node(
    State(emulator): State<Arc<Emulator>>,
    Path(node_id): Path<String>,
) -> Result<Json<()>, EmulatorError> {
    super::healing::break_node(&emulator, &node_id).map(Json)
}

/// `PUT /emulator/clusters/{id}/etcd-usage` body.
#[derive(Debug, Deserialize)]
struct EtcdFill {
    bytes: u64,
}

async fn set_etcd_usage(
    State(emulator): State<Arc<Emulator>>,
    Path(cluster_id): Path<String>,
    Json(fill): Json<EtcdFill>,
) -> Result<Json<()>, EmulatorError> {
    super::cluster_settings::set_etcd_usage(&emulator, &cluster_id, fill.bytes).map(Json)
}

async fn faults(State(emulator): State<Arc<Emulator>>) -> Json<Vec<Fault>> {
    Json(emulator.faults())
}

/// Replaces the fault rules; the first rule matching a call applies.
async fn set_faults(
    State(emulator): State<Arc<Emulator>>,
    Json(faults): Json<Vec<Fault>>,
) -> Json<Vec<Fault>> {
    emulator.set_faults(faults);
    Json(emulator.faults())
}

async fn clear_faults(State(emulator): State<Arc<Emulator>>) -> Json<()> {
    emulator.set_faults(Vec::new());
    Json(())
}

/// `PUT /emulator/quota` body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Quota {
    free_clusters: u32,
}

/// Sets how many Free clusters the project may have.
async fn set_quota(State(emulator): State<Arc<Emulator>>, Json(quota): Json<Quota>) -> Json<()> {
    emulator.world().free_cluster_quota = quota.free_clusters;
    Json(())
}

/// Moves the virtual clock forward; answers the new virtual time.
async fn advance(State(emulator): State<Arc<Emulator>>, Json(body): Json<Advance>) -> Json<String> {
    emulator.clock.advance(Duration::from_secs(body.seconds));
    Json(emulator.clock.now().to_rfc3339())
}

/// `PUT /emulator/clock/speed` body.
#[derive(Debug, Deserialize)]
struct Speed {
    speed: f64,
}

/// Runs the virtual clock at another speed from now on; answers the virtual time.
async fn set_speed(State(emulator): State<Arc<Emulator>>, Json(body): Json<Speed>) -> Json<String> {
    emulator.clock.set_speed(body.speed);
    Json(emulator.clock.now().to_rfc3339())
}

/// Validates a consumer key as its owner would on the validation page.
async fn validate(
    State(emulator): State<Arc<Emulator>>,
    Path(consumer_key): Path<String>,
) -> Result<Json<()>, EmulatorError> {
    if emulator.validate_credential(&consumer_key) {
        Ok(Json(()))
    } else {
        Err(EmulatorError::not_found("This credential does not exist"))
    }
}

/// `GET /emulator/tally`: the changes accepted per cluster name.
async fn tally(State(emulator): State<Arc<Emulator>>) -> Json<std::collections::BTreeMap<String, Tally>> {
    Json(emulator.world().tally.clone())
}
