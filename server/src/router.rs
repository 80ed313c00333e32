//! The HTTP routes of the console, built in one function so tests can drive them without a socket.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Request, Response, header};
use axum::middleware::{self, Next};
use axum::response::Redirect;
use axum::routing::{get, post};
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list};
use tower_http::CompressionLevel;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::auth::{self, store::CachedSessionStore, store::DbSessionStore};
use crate::page_cache;
use crate::routes::{activity, fleet, health, kubeconfig, live};
use crate::state::AppState;
use crate::{error_page, metrics, request_id, security_headers, telemetry};

/// Bundle files named by content hash never change: cache them for a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Where `/` leads a user with one project; the fleet when they have more.
const START_PAGE: &str = "/clusters";
const FLEET_PAGE: &str = "/fleet";
/// What is compressed as it is sent (answers of the API, bundle files of development builds) is
/// compressed fast: most of the gain for little time.
const ON_THE_FLY: CompressionLevel = CompressionLevel::Precise(4);
/// Everything else is revalidated on each use.
const REVALIDATE: &str = "no-cache";

/// The app's routes, worked out once per process: listing them renders the app in a special
/// mode, which must not run alongside real renders.
fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(app::App)).clone()
}

/// `/`: the fleet for a user with more than one project, their clusters otherwise.
async fn start(user: Option<axum::Extension<model::access::User>>) -> Redirect {
    match user {
        Some(axum::Extension(user)) if user.memberships.len() > 1 => Redirect::temporary(FLEET_PAGE),
        _ => Redirect::temporary(START_PAGE),
    }
}

/// The console's router over `state`.
pub fn app(state: AppState) -> Router {
    let options = state.leptos_options.clone();
    let routes = route_list();
    let pkg_dir = std::path::Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    let pkg_route = options.site_pkg_dir_route_base();
    // The release build writes each file brotli- and gzip-compressed beside it (at their best
    // levels): served as they are to browsers that accept them.
    let files = ServeDir::new(pkg_dir).precompressed_br().precompressed_gzip();
    let pkg = Router::new()
        .fallback_service(files)
        .layer(SetResponseHeaderLayer::appending(header::VARY, HeaderValue::from_static("accept-encoding")));
    let pkg = match state.hashed_assets {
        true => pkg.layer(middleware::from_fn(cache_forever_when_found)),
        false => pkg,
    };

    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::endpoint::with_token))
        .route("/", get(start))
        // Browsers ask for /favicon.ico by themselves; the icon is an SVG.
        .route("/favicon.ico", get(|| async { Redirect::permanent("/favicon.svg") }))
        .merge(auth::routes())
        .route("/api/activity.csv", get(activity::csv))
        .route("/api/fleet.csv", get(fleet::csv))
        .route("/api/activity.json", get(activity::json))
        .route("/api/projects/{project}/events", get(live::project_events))
        .route("/api/projects/{project}/clusters/{cluster}/events", get(live::cluster_events))
        .route("/api/projects/{project}/clusters/{cluster}/kubeconfig", post(kubeconfig::admin))
        .route("/api/projects/{project}/clusters/{cluster}/kubeconfig/user", post(kubeconfig::user))
        .merge(crate::rest::routes(&state))
        .route("/docs/api", get(crate::rest::reference::page))
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let db = state.db.clone();
                let backend = state.backend.clone();
                move || {
                    app::islands::prepare_render();
                    provide_context(db.clone());
                    provide_context(backend.clone());
                }
            },
            {
                let bundles = state.bundles.clone();
                move || app::shell(&bundles)
            },
        )
        .nest_service(pkg_route.trim_end_matches('/'), pkg)
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            app::islands::prepare_render,
            {
                let bundles = state.bundles.clone();
                move |_| app::shell(&bundles)
            },
        ))
        .layer(middleware::from_fn_with_state(
            (state.pages.clone(), state.services.catalog.clone()),
            page_cache::serve,
        ))
        .layer(middleware::from_fn_with_state(
            (state.auth.clone(), state.db.clone(), state.services.audit_throttle.clone()),
            auth::gate,
        ))
        .layer(sessions(&state))
        .layer(middleware::from_fn_with_state(state.auth.form_targets(), security_headers::set))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static(REVALIDATE),
        ))
        .layer(CompressionLayer::new().quality(ON_THE_FLY))
        .layer(CatchPanicLayer::custom(error_page::from_panic))
        .layer(middleware::from_fn_with_state(state.metrics.clone(), metrics::record_http))
        .layer(TraceLayer::new_for_http().make_span_with(telemetry::request_span::<Body>))
        .layer(middleware::from_fn(request_id::assign))
        .with_state(state)
}

/// Server-side sessions in the database: an HttpOnly, SameSite=Lax cookie holding only the id
/// (named with the `__Host-` prefix when Secure), ending after the configured idle time.
fn sessions(state: &AppState) -> SessionManagerLayer<CachedSessionStore> {
    let idle = time::Duration::seconds(state.auth.idle.as_secs() as i64);
    let store =
        CachedSessionStore { store: DbSessionStore::new(&state.db), cache: state.auth.sessions.clone() };
    SessionManagerLayer::new(store)
        .with_name(state.auth.session_cookie_name())
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.auth.secure_cookie)
        .with_expiry(Expiry::OnInactivity(idle))
}

/// Marks found bundle files as immutable; a 404 stays uncached.
async fn cache_forever_when_found(request: Request<Body>, next: Next) -> Response<Body> {
    let mut response = next.run(request).await;
    if response.status().is_success() {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE));
    }
    response
}
