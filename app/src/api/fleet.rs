//! Server function of the fleet page.

use leptos::prelude::*;
use model::fleet::FleetView;

#[cfg(feature = "ssr")]
use super::port;
use crate::error::AppError;

/// Every cluster the caller can see, across their projects.
#[server(endpoint = "fleet")]
pub async fn fleet() -> Result<FleetView, AppError> {
    let caller = port::caller()?;
    port::respond(port::backend()?.fleet(&caller).await)
}
