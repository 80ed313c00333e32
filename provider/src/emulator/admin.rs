//! The admin API under `/emulator` (not part of the provider's API, never signed): moves the
//! virtual clock and validates consumer keys.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use serde::Deserialize;

use super::Emulator;
use super::error::EmulatorError;

/// `POST /emulator/clock/advance` body.
#[derive(Debug, Deserialize)]
struct Advance {
    seconds: u64,
}

pub fn routes() -> Router<Arc<Emulator>> {
    Router::new()
        .route("/clock/advance", post(advance))
        .route("/credentials/{consumer_key}/validate", post(validate))
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
