//! Rendered pages, kept for a moment and served again to the same user: a page is rendered at
//! most once a second per user and address, and again at once after anything it shows may
//! have changed — a new catalog snapshot, or any request on this replica that is not a read
//! (so a user always sees what they just did). Each page is kept with its
//! Content-Security-Policy and compressed at most once per encoding.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, Response, StatusCode, header};
use axum::middleware::Next;
use model::access::User;

use crate::catalog::Catalog;
use crate::security_headers;

/// How long a rendered page is served again (the "updated 4 s ago" it shows is at most this
/// much behind; the browser's own clock takes over once the page is live).
const FRESH_FOR: Duration = Duration::from_secs(1);
/// The most the kept pages may hold, compressed copies included.
const MAX_BYTES: usize = 64 * 1024 * 1024;
/// brotli's quality and window for pages: fast, and most of the gain of the slow levels.
const BROTLI_QUALITY: u32 = 4;
const BROTLI_WINDOW: u32 = 22;

/// The pages of this replica.
pub struct PageCache {
    pages: Mutex<HashMap<Key, Arc<Page>>>,
    /// Pages being rendered: who asks for one meanwhile waits for it rather than rendering it too.
    rendering: Mutex<HashMap<Key, Arc<tokio::sync::Mutex<()>>>>,
    /// Counts requests that may have changed something (any but a read).
    changes: AtomicU64,
    /// Counts pages rendered rather than served again.
    rendered: AtomicU64,
    form_targets: Arc<str>,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCache")
            .field("changes", &self.changes)
            .field("rendered", &self.rendered)
            .finish_non_exhaustive()
    }
}

/// A page is the same for the same user (as the sign-in gate made them: name, groups, roles)
/// at the same address.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Key {
    user: String,
    uri: String,
}

/// What the pages were rendered from: this replica's changes and the catalog's versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct World {
    changes: u64,
    catalog: i64,
}

struct Page {
    rendered_at: Instant,
    world: World,
    status: StatusCode,
    headers: HeaderMap,
    html: Bytes,
    brotli: OnceLock<Bytes>,
    gzip: OnceLock<Bytes>,
}

/// The encodings pages are sent in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    /// The best encoding `accept` (an `Accept-Encoding` value) allows: brotli, then gzip.
    fn chosen(accept: Option<&str>) -> Self {
        let (mut brotli, mut gzip) = (false, false);
        for item in accept.unwrap_or("").split(',') {
            let mut fields = item.split(';');
            let name = fields.next().unwrap_or("").trim().to_ascii_lowercase();
            let weight = fields
                .filter_map(|f| f.trim().strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()))
                .next()
                .unwrap_or(1.0);
            let allowed = weight > 0.0;
            match name.as_str() {
                "br" => brotli = allowed,
                "gzip" | "x-gzip" => gzip = allowed,
                "*" => (brotli, gzip) = (brotli || allowed, gzip || allowed),
                _ => {}
            }
        }
        match (brotli, gzip) {
            (true, _) => Self::Brotli,
            (false, true) => Self::Gzip,
            _ => Self::Identity,
        }
    }
}

impl Page {
    fn bytes(&self, encoding: Encoding) -> (Bytes, Option<&'static str>) {
        match encoding {
            Encoding::Brotli => (self.brotli.get_or_init(|| brotli(&self.html)).clone(), Some("br")),
            Encoding::Gzip => (self.gzip.get_or_init(|| gzip(&self.html)).clone(), Some("gzip")),
            Encoding::Identity => (self.html.clone(), None),
        }
    }

    fn response(&self, encoding: Encoding) -> Response<Body> {
        let (bytes, coding) = self.bytes(encoding);
        let mut response = Response::new(Body::from(bytes));
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers.clone();
        let headers = response.headers_mut();
        headers.remove(header::CONTENT_LENGTH);
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
        if let Some(coding) = coding {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(coding));
        }
        response
    }

    fn size(&self) -> usize {
        self.html.len() + self.brotli.get().map_or(0, Bytes::len) + self.gzip.get().map_or(0, Bytes::len)
    }

    fn is_fresh(&self, world: World, now: Instant) -> bool {
        self.world == world && now.duration_since(self.rendered_at) < FRESH_FOR
    }
}

fn brotli(html: &[u8]) -> Bytes {
    use std::io::Write;
    let mut out = Vec::with_capacity(html.len() / 8);
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 16 * 1024, BROTLI_QUALITY, BROTLI_WINDOW);
        let _ = writer.write_all(html);
    }
    out.into()
}

fn gzip(html: &[u8]) -> Bytes {
    use std::io::Write;
    let mut encoder =
        flate2::write::GzEncoder::new(Vec::with_capacity(html.len() / 6), flate2::Compression::fast());
    let _ = encoder.write_all(html);
    encoder.finish().unwrap_or_default().into()
}

/// Requests that only read.
fn is_read(request: &Request) -> bool {
    matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        && !request.uri().path().starts_with("/auth/")
}

/// Paths whose GET answers may be pages of the app.
fn may_be_page(path: &str) -> bool {
    !(path.starts_with("/api/") || path.starts_with("/auth/") || path.starts_with("/pkg/"))
}

impl PageCache {
    /// Pages whose policies let forms lead to `form_targets` (see [`security_headers::page_policy`]).
    pub fn new(form_targets: Arc<str>) -> Arc<Self> {
        Arc::new(Self {
            pages: Mutex::default(),
            rendering: Mutex::default(),
            changes: AtomicU64::new(0),
            rendered: AtomicU64::new(0),
            form_targets,
        })
    }

    /// How many pages were rendered (the others were served again).
    pub fn rendered(&self) -> u64 {
        self.rendered.load(Ordering::SeqCst)
    }

    fn world(&self, catalog: &Catalog) -> World {
        World { changes: self.changes.load(Ordering::SeqCst), catalog: catalog.versions() }
    }

    fn fresh(&self, key: &Key, world: World) -> Option<Arc<Page>> {
        let pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        pages.get(key).filter(|page| page.is_fresh(world, Instant::now())).cloned()
    }

    /// The turn to render `key`'s page: one request at a time renders it.
    fn turn(&self, key: &Key) -> Arc<tokio::sync::Mutex<()>> {
        let mut rendering = self.rendering.lock().unwrap_or_else(|e| e.into_inner());
        rendering.entry(key.clone()).or_default().clone()
    }

    fn rendered_by_turn(&self, key: &Key) {
        self.rendering.lock().unwrap_or_else(|e| e.into_inner()).remove(key);
    }

    /// Keeps `page` under `key` when there is room once pages past their time are dropped.
    fn keep(&self, key: Key, page: Arc<Page>) {
        let now = Instant::now();
        let mut pages = self.pages.lock().unwrap_or_else(|e| e.into_inner());
        pages.retain(|_, kept| now.duration_since(kept.rendered_at) < FRESH_FOR);
        let held: usize = pages.values().map(|p| p.size()).sum();
        if held + page.size() * 2 <= MAX_BYTES {
            pages.insert(key, page);
        }
    }
}

/// Serves a page from the cache when one is fresh, else renders it (setting its policy) and
/// keeps it; counts requests that are not reads. Runs after the sign-in gate: a page is kept
/// only for the user the gate let in.
pub async fn serve(
    State((cache, catalog)): State<(Arc<PageCache>, Arc<Catalog>)>,
    request: Request,
    next: Next,
) -> Response<Body> {
    if !is_read(&request) {
        let response = next.run(request).await;
        cache.changes.fetch_add(1, Ordering::SeqCst);
        return response;
    }
    let user = request.extensions().get::<User>().and_then(|user| serde_json::to_string(user).ok());
    let (Some(user), true) = (user, request.method() == Method::GET && may_be_page(request.uri().path()))
    else {
        return next.run(request).await;
    };
    let key = Key { user, uri: request.uri().to_string() };
    let accept = request.headers().get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok());
    let encoding = Encoding::chosen(accept);
    let world = cache.world(&catalog);
    // A reload asks for a page rendered now (RFC 9111 §5.2.1): it is rendered and kept.
    let reuse = !asks_for_a_new_page(request.headers());
    if let Some(page) = cache.fresh(&key, world).filter(|_| reuse) {
        return page.response(encoding);
    }
    // Requests for a page being rendered wait for it, then take it if it can be kept.
    let turn = cache.turn(&key);
    let _turn = turn.lock().await;
    if let Some(page) = cache.fresh(&key, world).filter(|_| reuse) {
        return page.response(encoding);
    }
    let response = render(&cache, key.clone(), world, encoding, next.run(request).await).await;
    cache.rendered_by_turn(&key);
    response
}

/// Whether the request refuses a stored page: `Cache-Control: no-cache` or `max-age=0` (what
/// browsers send on reload), or `Pragma: no-cache`.
fn asks_for_a_new_page(headers: &HeaderMap) -> bool {
    let directives =
        |name| headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(','));
    directives(header::CACHE_CONTROL)
        .chain(directives(header::PRAGMA))
        .map(|d| d.trim().to_ascii_lowercase())
        .any(|d| d == "no-cache" || d == "max-age=0")
}

/// `response`, a page just rendered for `key` in `world`, with its policy; kept when it can be.
async fn render(
    cache: &PageCache,
    key: Key,
    world: World,
    encoding: Encoding,
    response: Response<Body>,
) -> Response<Body> {
    if !security_headers::is_page(&response) {
        return response;
    }
    cache.rendered.fetch_add(1, Ordering::SeqCst);
    let Some((head, html)) = security_headers::with_page_policy(response, &cache.form_targets).await else {
        let mut failed = Response::new(Body::empty());
        *failed.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        return failed;
    };
    let (head, ()) = head.into_parts();
    let page = Arc::new(Page {
        rendered_at: Instant::now(),
        world,
        status: head.status,
        headers: head.headers,
        html,
        brotli: OnceLock::new(),
        gzip: OnceLock::new(),
    });
    let response = page.response(encoding);
    if page.status == StatusCode::OK && !page.headers.contains_key(header::SET_COOKIE) {
        cache.keep(key, page);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reload_asks_for_a_new_page() {
        let with = |name, value| {
            let mut headers = HeaderMap::new();
            headers.insert(name, HeaderValue::from_static(value));
            asks_for_a_new_page(&headers)
        };
        assert!(with(header::CACHE_CONTROL, "max-age=0"));
        assert!(with(header::CACHE_CONTROL, "private, No-Cache"));
        assert!(with(header::PRAGMA, "no-cache"));
        assert!(!with(header::CACHE_CONTROL, "max-age=60"));
        assert!(!asks_for_a_new_page(&HeaderMap::new()));
    }

    #[test]
    fn brotli_then_gzip_then_nothing_as_the_browser_allows() {
        assert_eq!(Encoding::chosen(Some("gzip, deflate, br, zstd")), Encoding::Brotli);
        assert_eq!(Encoding::chosen(Some("br;q=0, gzip")), Encoding::Gzip);
        assert_eq!(Encoding::chosen(Some("gzip;q=0.5")), Encoding::Gzip);
        assert_eq!(Encoding::chosen(Some("deflate")), Encoding::Identity);
        assert_eq!(Encoding::chosen(Some("*")), Encoding::Brotli);
        assert_eq!(Encoding::chosen(Some("*, br;q=0")), Encoding::Gzip);
        assert_eq!(Encoding::chosen(None), Encoding::Identity);
    }

    #[test]
    fn compressed_pages_read_back_as_the_page() {
        use std::io::Read;
        let html = "<!DOCTYPE html><p>clusters</p>".repeat(100);
        let mut unbrotli = String::new();
        brotli::Decompressor::new(&brotli(html.as_bytes())[..], 4096).read_to_string(&mut unbrotli).unwrap();
        assert_eq!(unbrotli, html);
        let mut ungzip = String::new();
        flate2::read::GzDecoder::new(&gzip(html.as_bytes())[..]).read_to_string(&mut ungzip).unwrap();
        assert_eq!(ungzip, html);
    }

    #[test]
    fn a_page_is_fresh_for_a_moment_and_only_in_its_world() {
        let world = World { changes: 3, catalog: 7 };
        let page = Page {
            rendered_at: Instant::now(),
            world,
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            html: Bytes::from_static(b"<p>x</p>"),
            brotli: OnceLock::new(),
            gzip: OnceLock::new(),
        };
        let now = Instant::now();
        assert!(page.is_fresh(world, now));
        assert!(!page.is_fresh(World { changes: 4, ..world }, now));
        assert!(!page.is_fresh(World { catalog: 8, ..world }, now));
        assert!(!page.is_fresh(world, now + FRESH_FOR));
    }
}
