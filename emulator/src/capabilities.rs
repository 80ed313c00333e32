//! `GET …/capabilities/kube/*`: regions, flavors and admission plugins, from the model's catalogue.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::routing::get;
use axum::{Json, Router};
use model::catalogue;
use model::flavor::Flavor;
use serde::Deserialize;

use super::Emulator;
use super::cluster::check_project;
use super::error::EmulatorError;

pub fn routes() -> Router<Arc<Emulator>> {
    Router::new()
        .route("/cloud/project/{service_name}/capabilities/kube/regions", get(regions))
        .route("/cloud/project/{service_name}/capabilities/kube/flavors", get(flavors))
        .route("/cloud/project/{service_name}/capabilities/kube/admissionplugins", get(admission_plugins))
}

async fn regions(
    State(emulator): State<Arc<Emulator>>,
    Path(service_name): Path<String>,
) -> Result<Json<Vec<String>>, EmulatorError> {
    check_project(&emulator, &service_name)?;
    Ok(Json(catalogue::regions().into_iter().map(|r| r.name).collect()))
}

#[derive(Debug, Deserialize)]
struct FlavorQuery {
    region: Option<String>,
}

/// The flavors of one region (the first region when none is named), in the provider's fields
/// only: the disk size is the console's addition and is left out.
async fn flavors(
    State(emulator): State<Arc<Emulator>>,
    Path(service_name): Path<String>,
    Query(query): Query<FlavorQuery>,
) -> Result<Json<Vec<Flavor>>, EmulatorError> {
    check_project(&emulator, &service_name)?;
    let region = query.region.unwrap_or_else(|| catalogue::regions()[0].name.clone());
    if !catalogue::regions().iter().any(|r| r.name == region) {
        return Err(EmulatorError::bad_request(format!("Invalid region {region}")));
    }
    Ok(Json(emulator.flavors_in(&region)))
}

async fn admission_plugins(
    State(emulator): State<Arc<Emulator>>,
    Path(service_name): Path<String>,
) -> Result<Json<Vec<&'static str>>, EmulatorError> {
    check_project(&emulator, &service_name)?;
    Ok(Json(vec!["AlwaysPullImages", "NodeRestriction"]))
}
