//! `TestApp`: the console's router over a fresh database, driven without a socket.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response};
use server::config::Settings;
use server::db::Db;
use server::projects::Projects;
use server::router;
use server::services::Services;
use server::state::AppState;
use tempfile::TempDir;
use tower::ServiceExt;

/// A console with its own empty database and site directory, acting in `projects` (none
/// unless a test gives some, e.g. [`crate::cloud::Cloud`]'s).
pub struct TestApp {
    pub db: Db,
    pub site: TempDir,
    pub projects: Projects,
    pub settings: Settings,
    pub state: AppState,
    data: TempDir,
}

/// A response with its body read.
pub struct TestResponse {
    pub status: u16,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
}

impl TestResponse {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl TestApp {
    /// A console over a fresh, migrated database.
    pub async fn spawn() -> Self {
        Self::with_projects(Projects::default()).await
    }

    /// A console over a fresh, migrated database, acting in `projects`.
    pub async fn with_projects(projects: Projects) -> Self {
        Self::with_settings(Settings::load_from(["pilothouse"], |_| None).unwrap(), projects).await
    }

    /// A console with `settings` over a fresh, migrated database, acting in `projects`.
    pub async fn with_settings(settings: Settings, projects: Projects) -> Self {
        let mut app = Self::unmigrated().await;
        app.db.migrate().await.expect("migrations apply");
        app.projects = projects;
        app.settings = settings;
        app.state = app.new_state(false);
        app
    }

    /// The services, as server functions reach them.
    pub fn services(&self) -> &Services {
        &self.state.services
    }

    fn new_state(&self, hashed: bool) -> AppState {
        AppState::with_site(
            &self.settings,
            self.db.clone(),
            self.projects.clone(),
            self.site.path(),
            hashed.then_some("js: j\nwasm: w\ncss: c\n"),
        )
        .unwrap()
    }

    /// A console over a fresh database with no schema yet.
    pub async fn unmigrated() -> Self {
        let data = tempfile::tempdir().unwrap();
        let db = match std::env::var("TEST_DATABASE_URL") {
            Ok(server_url) => fresh_postgres_database(&server_url).await,
            Err(_) => Db::connect(None, data.path(), 4).await.expect("sqlite opens"),
        };
        let site = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(site.path().join("pkg")).unwrap();
        let settings = Settings::load_from(["pilothouse"], |_| None).unwrap();
        let state =
            AppState::with_site(&settings, db.clone(), Projects::default(), site.path(), None).unwrap();
        Self { db, site, projects: Projects::default(), settings, state, data }
    }

    /// The router, serving this app's site directory; `hashed` as if cargo-leptos hashed names.
    pub fn router(&self, hashed: bool) -> Router {
        let _ = &self.data;
        let state = AppState {
            services: self.state.services.clone(),
            live: self.state.live.clone(),
            changed: self.state.changed.clone(),
            auth: self.state.auth.clone(),
            backend: self.state.backend.clone(),
            metrics: self.state.metrics.clone(),
            draining: self.state.draining.clone(),
            ..self.new_state(hashed)
        };
        router::app(state)
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.request(Request::get(path).body(Body::empty()).unwrap(), false).await
    }

    pub async fn request(&self, request: Request<Body>, hashed: bool) -> TestResponse {
        let response: Response<Body> = self.router(hashed).oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap().to_vec();
        TestResponse { status, headers, body }
    }
}

/// Creates a database with a unique name on the server at `server_url` and connects to it.
async fn fresh_postgres_database(server_url: &str) -> Db {
    let name = format!("test_{}", uuid::Uuid::new_v4().simple());
    let admin = sqlx::PgPool::connect(server_url).await.expect("TEST_DATABASE_URL answers");
    sqlx::query(&format!("CREATE DATABASE \"{name}\"")).execute(&admin).await.unwrap();
    admin.close().await;
    let (base, _) = server_url.rsplit_once('/').expect("TEST_DATABASE_URL names a database");
    Db::connect(Some(&format!("{base}/{name}")), std::path::Path::new("."), 4)
        .await
        .expect("fresh database opens")
}

/// The single number `sql` (a `SELECT COUNT(*) …`) answers on `app`'s database.
pub async fn count(app: &TestApp, sql: &str) -> i64 {
    server::on_db!(&app.db, pool => sqlx::query_scalar(sql).fetch_one(pool).await).unwrap()
}

/// The single text `sql` answers on `app`'s database.
pub async fn scalar(app: &TestApp, sql: &str) -> String {
    server::on_db!(&app.db, pool => sqlx::query_scalar(sql).fetch_one(pool).await).unwrap()
}
