//! The admin API under `/emulator` (not part of the provider's API, never signed): moves the
//! virtual clock, validates consumer keys, sets fault rules and the project's Free-cluster quota.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;

use super::Emulator;
use super::error::EmulatorError;
use super::fault::Fault;

/// `POST /emulator/clock/advance` body.
#[derive(Debug, Deserialize)]
struct Advance {
    seconds: u64,
}

pub fn routes() -> Router<Arc<Emulator>> {
    Router::new()
        .route("/clock/advance", post(advance))
        .route("/credentials/{consumer_key}/validate", post(validate))
        .route("/faults", get(faults).put(set_faults).delete(clear_faults))
        .route("/quota", put(set_quota))
        .route("/nodes/{node_id}/break", post(break_node))
}

/// Makes a node NotReady, to watch auto-healing.
async fn break_node(
    State(emulator): State<Arc<Emulator>>,
    Path(node_id): Path<String>,
) -> Result<Json<()>, EmulatorError> {
    super::healing::break_node(&emulator, &node_id).map(Json)
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
