//! `GET /api/fleet.csv?show=&q=&sort=`: the fleet page's table, as filtered there, as a download.

use app::api::port::{Caller, Fleet};
use axum::Extension;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use model::access::{ClientAddress, User};
use model::fleet::{Show, SortKey, select, to_csv};
use serde::Deserialize;

use super::download;
use crate::backend::ConsoleBackend;
use crate::state::AppState;

/// The page's filters, as its address carries them.
#[derive(Debug, Default, Deserialize)]
pub struct FleetQuery {
    #[serde(default)]
    show: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    sort: String,
}

pub async fn csv(
    State(state): State<AppState>,
    Extension(user): Extension<User>,
    address: Option<Extension<ClientAddress>>,
    Query(query): Query<FleetQuery>,
) -> Response {
    let caller = Caller { user, address: address.map(|Extension(a)| a.0) };
    let backend = ConsoleBackend { services: state.services.clone(), db: state.db.clone() };
    match backend.fleet(&caller).await {
        Ok(view) => {
            let rows =
                select(&view.rows, Show::from_key(&query.show), &query.q, SortKey::from_key(&query.sort));
            download("fleet.csv", "text/csv; charset=utf-8", to_csv(&rows))
        }
        Err(error) => error.into_response(),
    }
}
