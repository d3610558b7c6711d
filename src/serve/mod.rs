//! `stadtatlas serve`: the inventory on the web as OGC API – Features
//! (read by QGIS, GDAL, ArcGIS, OWSLib), public profile only.
//!
//! The server is an adapter like the command line: it reads the store
//! through [`crate::store::Store`] and writes features with
//! [`crate::export::geojson_out`], so an item is byte for byte what
//! `export geojson` writes. A thread of its own reads the store (the
//! store's clients are blocking) and makes a new [`Published`] view when a
//! newer import has landed; requests only read the current view.

mod html;
mod moderate;
mod ogc;
mod openapi;
mod people;
mod published;
mod questions;
mod register;

pub use published::{Item, Published};

use crate::store::{Location, StoreError};
use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock, mpsc};
use std::time::{Duration, Instant};

/// How often the store is asked whether a newer import has landed.
const POLL: Duration = Duration::from_secs(1);

/// How `serve` runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// The address to listen on (port 0: any free port).
    pub bind: SocketAddr,
    /// The URL clients reach the server at, for the links in answers
    /// (behind a proxy); by default `http://` and the bound address. Links
    /// never echo a request's Host header.
    pub base_url: Option<String>,
    pub title: String,
    /// No registration, no logins, no decisions.
    pub read_only: bool,
    /// Form posts (proposals, logins) one client address may make per
    /// ten minutes.
    pub posts_per_client: usize,
    /// Reverse proxies in front of the server: for a request from one of
    /// them, the client is the address it names in `X-Forwarded-For`
    /// (otherwise every partner behind the proxy would share one limit).
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

/// Why the server could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("--base-url {0}: an http:// or https:// URL without query or fragment")]
    BaseUrl(String),
    #[error("the server failed: {0}")]
    Io(#[from] std::io::Error),
}

/// What every request shares.
pub struct Shared {
    base: String,
    /// The base URL's scheme, host and port (what a browser sends as `Origin`).
    origin: String,
    title: String,
    /// Where submissions and decisions are written, and accounts read.
    location: Location,
    read_only: bool,
    sessions: people::Sessions,
    /// Registrations and logins per client.
    limiter: people::Limiter,
    /// See [`Options::trusted_proxies`].
    trusted_proxies: Vec<std::net::IpAddr>,
    /// The map page's Content-Security-Policy (its script and style by hash).
    map_policy: HeaderValue,
    view: RwLock<Arc<Published>>,
}

impl Shared {
    fn view(&self) -> Arc<Published> {
        Arc::clone(&self.view.read().unwrap_or_else(|e| e.into_inner()))
    }
}

/// Reads the store's public profile; a read-only server's map offers no
/// registration form.
fn publish(location: &Location, read_only: bool) -> Result<Published, StoreError> {
    let store = location.open_for_reading()?;
    let import = store.last_import()?;
    let served = crate::report::Served {
        proposals: !read_only,
    };
    Ok(Published::new(store.snapshot()?, import, served))
}

/// The store's last import (a fresh connection: a database reader sees one
/// snapshot for as long as it is open).
fn last_import(location: &Location) -> Result<i64, StoreError> {
    location.open_for_reading()?.last_import()
}

/// Serves until Ctrl-C or SIGTERM; `ready` hears the address it listens
/// on (the port, when 0 was asked) once it does.
///
/// # Errors
/// [`ServeError`] when the store cannot be read at the start, the address
/// cannot be bound or the server fails.
pub fn run(
    location: Location,
    options: Options,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), ServeError> {
    let first = publish(&location, options.read_only)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind(options.bind))
        .map_err(|source| ServeError::Bind {
            addr: options.bind,
            source,
        })?;
    let addr = listener.local_addr()?;
    let base = match &options.base_url {
        Some(url) => {
            let url = url.trim_end_matches('/');
            let plain = !url.contains(['?', '#', ' ', '"', '<', '>']);
            if !(plain && (url.starts_with("http://") || url.starts_with("https://"))) {
                return Err(ServeError::BaseUrl(url.to_string()));
            }
            url.to_string()
        }
        None => format!("http://{addr}"),
    };
    let origin = match base.find("://") {
        Some(i) => match base[i + 3..].find('/') {
            Some(j) => base[..i + 3 + j].to_string(),
            None => base.clone(),
        },
        None => base.clone(),
    };
    let shared = Arc::new(Shared {
        base,
        origin,
        title: options.title.clone(),
        location: location.clone(),
        read_only: options.read_only,
        sessions: people::Sessions::default(),
        limiter: people::Limiter::new(options.posts_per_client, LIMIT_WINDOW),
        trusted_proxies: options.trusted_proxies.clone(),
        map_policy: HeaderValue::from_str(&crate::report::content_security_policy())
            .expect("the policy is ASCII"),
        view: RwLock::new(Arc::new(first)),
    });
    let (stop, stopped) = mpsc::channel::<()>();
    let refresher = {
        let shared = Arc::clone(&shared);
        std::thread::spawn(move || refresh(&location, &shared, &stopped))
    };
    let app = router(Arc::clone(&shared));
    ready(addr);
    let served = runtime.block_on(async {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await
    });
    drop(stop);
    let _ = refresher.join();
    served?;
    Ok(())
}

/// Polls the store and publishes each newer import, until `stopped`
/// hangs up.
fn refresh(location: &Location, shared: &Shared, stopped: &mpsc::Receiver<()>) {
    while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(POLL) {
        republish(location, shared);
    }
}

/// Publishes the store's last import when it is newer than the one
/// served (after the poll's interval, or at once after an approval on
/// this server). A store that cannot be read keeps the last view (and
/// says so).
fn republish(location: &Location, shared: &Shared) {
    let current = shared.view().import;
    let result = last_import(location).and_then(|latest| {
        if latest == current {
            return Ok(None);
        }
        let started = Instant::now();
        publish(location, shared.read_only).map(|v| Some((v, started.elapsed())))
    });
    match result {
        Ok(None) => {}
        Ok(Some((view, took))) => {
            event(serde_json::json!({
                "event": "published", "import": view.import,
                "entities": view.entities.len(), "districts": view.districts.len(),
                "ms": took.as_secs_f64() * 1000.0,
            }));
            let mut slot = shared.view.write().unwrap_or_else(|e| e.into_inner());
            // Another thread may have published a newer one meanwhile.
            if slot.import < view.import {
                *slot = Arc::new(view);
            }
        }
        Err(e) => event(serde_json::json!({
            "event": "store unreadable, serving import", "import": current,
            "error": e.to_string(),
        })),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

/// The window of `Options::posts_per_client` (proposals and logins counted apart).
const LIMIT_WINDOW: Duration = Duration::from_secs(600);
/// The largest form body accepted.
const FORM_BYTES: usize = 16 * 1024;

/// One JSON line on stderr for what the access log does not tell (who
/// decided, what was stored).
fn event(value: serde_json::Value) {
    let mut value = value;
    value["at"] = chrono::Utc::now()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        .into();
    eprintln!("{value}");
}

/// A page that must not be cached or read by other sites (forms, the
/// queue): `no-store`, and a policy that allows forms to post here only.
fn private_page(status: axum::http::StatusCode, html: String) -> Response {
    use axum::response::IntoResponse;
    (
        status,
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(
                    "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
                ),
            ),
        ],
        html,
    )
        .into_response()
}

fn router(shared: Arc<Shared>) -> Router {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::post;
    let forms = Router::new()
        .route("/register", get(register::show).post(register::submit))
        .route("/login", get(moderate::login_page).post(moderate::login))
        .route("/logout", post(moderate::logout))
        .route("/moderation", get(moderate::queue))
        .route("/moderation/{id}", get(moderate::one))
        .route("/moderation/{id}/approve", post(moderate::approve))
        .route("/moderation/{id}/reject", post(moderate::reject))
        .layer(DefaultBodyLimit::max(FORM_BYTES));
    Router::new()
        .merge(forms)
        .route("/", get(ogc::landing))
        .route("/conformance", get(ogc::conformance))
        .route("/api", get(ogc::api))
        .route("/collections", get(ogc::collections))
        .route("/collections/{id}", get(ogc::one_collection))
        .route("/collections/{id}/items", get(ogc::items))
        .route("/collections/{id}/items/{fid}", get(ogc::item))
        .route("/map", get(map))
        .route("/where", get(questions::where_))
        .route("/in", get(questions::in_))
        .route("/near", get(questions::near_))
        .route("/matrix", get(questions::matrix_))
        .route("/gaps", get(questions::gaps_))
        .route("/districts", get(questions::districts_))
        .route("/network", get(questions::network_))
        .route("/board/{body}/check", get(questions::board_check))
        .fallback(ogc::not_found)
        .layer(middleware::from_fn(headers_and_log))
        .with_state(shared)
}

/// `/map`: the report's page of the published records (German), with a
/// policy that lets only its own script and style run.
async fn map(
    axum::extract::State(s): axum::extract::State<Arc<Shared>>,
    axum::extract::RawQuery(q): axum::extract::RawQuery,
) -> Response {
    use axum::response::IntoResponse;
    if q.is_some_and(|q| !q.is_empty()) {
        return ogc::Problem::bad_request("/map takes no parameters").into_response();
    }
    let view = s.view();
    match &view.map {
        Ok(page) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                ),
                (header::CONTENT_SECURITY_POLICY, s.map_policy.clone()),
            ],
            page.clone(),
        )
            .into_response(),
        Err(why) => ogc::Problem::not_found(format!("no map: {why}")).into_response(),
    }
}

/// Every answer: headers that keep a browser from reading it as anything
/// but data, and one JSON line of access log on stderr.
async fn headers_and_log(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let path = request.uri().path().to_string();
    let query = request.uri().query().map(str::to_string);
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Data allows nothing; a page brings its own policy.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        );
    }
    // No address of ours goes to another site. Not `no-referrer`: under it
    // a browser sends `Origin: null` with the pages' own form posts, which
    // the Origin check (people::same_origin) must refuse (found by driving
    // Chromium through the forms, tests/moderation.rs).
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    // Public data: any page may read it; private pages (no-store) no other site.
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        );
    }
    eprintln!(
        "{}",
        serde_json::json!({
            "at": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "method": method, "path": path, "query": query,
            "status": response.status().as_u16(),
            "ms": (started.elapsed().as_secs_f64() * 1e6).round() / 1e3,
        })
    );
    response
}
