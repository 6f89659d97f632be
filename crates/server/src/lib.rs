//! clinpost's local web page and HTTP API.
//!
//! The server is glue, like the CLI: it turns a JSON body into a [`Document`](clinpost_core::Document),
//! calls the same [`Engine`] and prints the same [`ReportView`](clinpost_core::ReportView) that
//! `clinpost check --format json` prints. [`app`] builds the router (tested in-process with
//! `tower::ServiceExt::oneshot`); [`serve`] runs it on a listener the caller has already bound,
//! so a caller knows the server is reachable as soon as `bind` returns — no readiness polling.
//!
//! Design decisions:
//! - **Errors are always JSON** `{"error": {"code", "message"}}` with stable codes, including the
//!   responses axum and tower-http produce on their own (405, 408, 413): a response middleware
//!   rewrites any non-JSON error. Messages never quote the request.
//! - **No draft text in logs.** The request log ([`RequestLog`]) holds the method, the *route
//!   pattern* (not the raw path, which a client controls), status, latency and body sizes, and
//!   nothing else; a panic's message is withheld from the 500 response.
//! - **Closed by default**: loopback bind (the CLI's choice), strict CSP and friends on every
//!   response, no CORS headers unless origins are allow-listed, a 1 MiB body limit enforced twice
//!   (the extractor's limit and a hard `RequestBodyLimitLayer`), a per-request time limit.
//! - **The engine runs on the request's task** for ordinary posts (microseconds); bodies over
//!   [`BLOCKING_THRESHOLD`] go to the blocking pool. One [`Engine`] is built at start-up and
//!   shared; the registry is `'static`.
#![deny(missing_docs)]

mod api;
mod assets;
pub mod error;
mod files;

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Bytes, HttpBody};
use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use clinpost_core::{Context, Document, Engine, Registry, RuleMeta, RuleView, Settings};
use serde_json::json;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

pub use error::{ApiError, ErrorCode};

/// The largest request body accepted (1 MiB).
pub const BODY_LIMIT: usize = 1 << 20;

/// Bodies larger than this are checked on the blocking pool rather than the request's task.
pub const BLOCKING_THRESHOLD: usize = 64 * 1024;

/// The default time limit per request.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);
/// Largest upload `POST /v1/file` accepts.
pub const FILE_BODY_LIMIT: usize = 32 << 20;
/// Time limit for `POST /v1/file` (reading the text in a picture takes a second or two).
pub const FILE_TIMEOUT: Duration = Duration::from_secs(30);

/// The default port of `clinpost serve`.
pub const DEFAULT_PORT: u16 = 8765;

/// The Content-Security-Policy sent with every response: the page may load only its own script,
/// style and images, talk only to this server, and cannot be framed.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// One line of the request log. It holds no request content: the route is the pattern that
/// matched (`/v1/rules/{code}`), never the raw path or query.
#[derive(Debug, Clone)]
pub struct RequestLog {
    /// HTTP method.
    pub method: Method,
    /// The route pattern, or `None` when no route matched.
    pub route: Option<String>,
    /// Response status.
    pub status: StatusCode,
    /// Time to produce the response head.
    pub latency: Duration,
    /// Request body size from `Content-Length`, when given.
    pub request_bytes: Option<u64>,
    /// Response body size, when known.
    pub response_bytes: Option<u64>,
}

impl fmt::Display for RequestLog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let size = |n: Option<u64>| n.map_or_else(|| "-".to_string(), |n| format!("{n}B"));
        write!(
            f,
            "{} {} {} {:.2}ms in={} out={}",
            self.method,
            self.route.as_deref().unwrap_or("(no route)"),
            self.status.as_u16(),
            self.latency.as_secs_f64() * 1e3,
            size(self.request_bytes),
            size(self.response_bytes),
        )
    }
}

/// Where request log lines go (the CLI prints them on stderr; tests capture them).
pub type LogSink = Arc<dyn Fn(&RequestLog) + Send + Sync>;

/// A sink that prints each line on standard error, in one `write` (standard error is
/// unbuffered: `eprintln!` would issue one system call per formatted piece).
pub fn stderr_log() -> LogSink {
    Arc::new(|line: &RequestLog| {
        use std::io::Write;
        let text = format!("clinpost serve: {line}\n");
        let _ = std::io::stderr().lock().write_all(text.as_bytes());
    })
}

/// Server options.
#[derive(Clone, Default)]
pub struct Options {
    /// Engine settings (rule selection, severities, allow-list).
    pub settings: Settings,
    /// Exact origins (`https://forum.example`) allowed to call the API from a browser. Empty:
    /// CORS closed (no `Access-Control-*` headers at all).
    pub cors_origins: Vec<String>,
    /// Time limit per request ([`DEFAULT_TIMEOUT`] when `None`).
    pub timeout: Option<Duration>,
    /// Request log; `None` logs nothing.
    pub log: Option<LogSink>,
    /// Accept any `Host` header. Off (the default), a request whose `Host` names anything but
    /// this machine (localhost, 127.0.0.0/8, ::1) is refused with 421 `bad-host`: a web page
    /// elsewhere cannot reach the local server through DNS rebinding. `clinpost serve --bind`
    /// to a non-loopback address turns it on.
    pub any_host: bool,
}

impl fmt::Debug for Options {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Options")
            .field("settings", &self.settings)
            .field("cors_origins", &self.cors_origins)
            .field("timeout", &self.timeout)
            .field("log", &self.log.is_some())
            .field("any_host", &self.any_host)
            .finish()
    }
}

/// An invalid option (bad CORS origin, unknown rule selector).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionsError(String);

impl fmt::Display for OptionsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for OptionsError {}

/// Check and normalise a CORS origin: `scheme://host[:port]`, http or https, nothing after.
pub fn parse_origin(s: &str) -> Result<HeaderValue, OptionsError> {
    let o = s.trim().trim_end_matches('/').to_ascii_lowercase();
    let rest = o
        .strip_prefix("https://")
        .or_else(|| o.strip_prefix("http://"));
    let valid = rest.is_some_and(|r| {
        !r.is_empty()
            && r.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'))
    });
    if !valid {
        return Err(OptionsError(format!(
            "invalid CORS origin '{}': expected scheme://host[:port], e.g. https://forum.example",
            s.trim()
        )));
    }
    HeaderValue::from_str(&o).map_err(|_| OptionsError(format!("invalid CORS origin '{o}'")))
}

/// What every handler shares: the engine and the responses that never change, serialised once.
struct Shared {
    engine: Engine<'static>,
    rules_json: Bytes,
    /// By lower-case code and lower-case name.
    rule_json: HashMap<String, Bytes>,
    health_json: Bytes,
    openapi_json: Bytes,
    cors_origins: Vec<HeaderValue>,
    timeout: Duration,
    log: Option<LogSink>,
    any_host: bool,
}

/// The server's state: cheap to clone (one `Arc`).
#[derive(Clone)]
pub struct AppState(Arc<Shared>);

impl fmt::Debug for AppState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppState")
            .field("rules", &self.0.engine.registry().rules().len())
            .finish_non_exhaustive()
    }
}

/// The JSON of one rule, as `GET /v1/rules` lists it.
pub fn rule_json(r: &'static RuleMeta) -> serde_json::Value {
    serde_json::to_value(RuleView::new(r)).expect("a rule view serialises")
}

impl AppState {
    /// State over `registry` with `options`.
    pub fn new(registry: &'static Registry, options: Options) -> Result<AppState, OptionsError> {
        let engine =
            Engine::new(registry, &options.settings).map_err(|e| OptionsError(e.to_string()))?;
        // Build every detector's lazily built tables now, not on the first keystroke.
        let _ = engine.check(&Document::new(
            "Seen Mr Smith at Leeds General Infirmary, NHS 943 476 5919, DOB 01/02/1950.",
            &Context::default(),
        ));
        let cors_origins = options
            .cors_origins
            .iter()
            .map(|o| parse_origin(o))
            .collect::<Result<Vec<_>, _>>()?;
        let rules: Vec<serde_json::Value> = registry.rules().iter().map(|r| rule_json(r)).collect();
        let mut rule_index = HashMap::new();
        for (r, v) in registry.rules().iter().zip(&rules) {
            let b = Bytes::from(serde_json::to_vec(v).expect("rule JSON"));
            rule_index.insert(r.code.to_ascii_lowercase(), b.clone());
            rule_index.insert(r.name.to_ascii_lowercase(), b);
        }
        let health = json!({
            "status": "ok",
            "rules": registry.rules().len(),
            "version": env!("CARGO_PKG_VERSION"),
        });
        let mut openapi: serde_json::Value =
            serde_json::from_str(OPENAPI).expect("openapi.json is valid JSON");
        openapi["info"]["version"] = json!(env!("CARGO_PKG_VERSION"));
        Ok(AppState(Arc::new(Shared {
            engine,
            rules_json: serde_json::to_vec(&rules).expect("rules JSON").into(),
            rule_json: rule_index,
            health_json: serde_json::to_vec(&health).expect("health JSON").into(),
            openapi_json: serde_json::to_vec_pretty(&openapi)
                .expect("openapi JSON")
                .into(),
            cors_origins,
            timeout: options.timeout.unwrap_or(DEFAULT_TIMEOUT),
            log: options.log,
            any_host: options.any_host,
        })))
    }

    /// State over `registry` with every rule on, CORS closed and no log.
    pub fn with_defaults(registry: &'static Registry) -> AppState {
        AppState::new(registry, Options::default()).expect("default options are valid")
    }

    /// The engine.
    pub fn engine(&self) -> &Engine<'static> {
        &self.0.engine
    }

    fn shared(&self) -> &Shared {
        &self.0
    }
}

/// The hand-written OpenAPI 3.1 document (its `info.version` is filled in at start-up).
pub const OPENAPI: &str = include_str!("openapi.json");

/// Every route: method, path pattern and handler. The router is built from this table and
/// [`routes`] lists it, so the OpenAPI test compares the document with what is really served.
fn table() -> Vec<(Method, &'static str, MethodRouter<AppState>)> {
    vec![
        (Method::GET, "/", get(assets::index)),
        (Method::GET, "/assets/app.js", get(assets::app_js)),
        (Method::GET, "/assets/app.css", get(assets::app_css)),
        (Method::GET, "/healthz", get(api::healthz)),
        (Method::GET, "/v1/openapi.json", get(api::openapi)),
        (Method::POST, "/v1/check", post(api::check)),
        (Method::POST, "/v1/fix", post(api::fix)),
        (Method::GET, "/v1/rules", get(api::rules)),
        (Method::GET, "/v1/rules/{code}", get(api::rule)),
        (Method::POST, "/v1/file", post(files::file)),
    ]
}

/// The routes the router serves: (method, path pattern). `GET` routes also answer `HEAD`.
pub fn routes() -> Vec<(Method, &'static str)> {
    table().into_iter().map(|(m, p, _)| (m, p)).collect()
}

/// Security headers, `Cache-Control` for API responses, and JSON for every error.
async fn finish(res: Response) -> Response {
    let mut res = error::json_errors(res);
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !h.contains_key(header::CACHE_CONTROL) {
        // Responses about drafts must not be stored anywhere.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// The request log: method, route pattern, status, latency, sizes. Never the path, query,
/// headers or body.
async fn log_requests(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(log) = state.0.log.clone() else {
        return next.run(req).await;
    };
    let start = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string());
    let request_bytes = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let res = next.run(req).await;
    log(&RequestLog {
        method,
        route,
        status: res.status(),
        latency: start.elapsed(),
        request_bytes,
        response_bytes: res.body().size_hint().exact(),
    });
    res
}

/// The application: every route, the JSON fallback and the middleware stack.
///
/// Layers, innermost first: panic → JSON 500; the extractors' body limit; the hard body limit
/// (413); the time limit (408); CORS when origins are allow-listed; JSON errors, security headers
/// and `Cache-Control`; the request log.
pub fn app(state: AppState) -> Router {
    let (mut text, mut file) = (Router::new(), Router::new());
    for (_, path, handler) in table() {
        if path == "/v1/file" {
            file = file.route(path, handler);
        } else {
            text = text.route(path, handler);
        }
    }
    with_middleware(text.fallback(api::not_found), file, state)
}

/// Panic → JSON 500, the extractors' and the hard body limit (413), the time limit (408).
fn limited(router: Router<AppState>, body: usize, timeout: Duration) -> Router<AppState> {
    router
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(DefaultBodyLimit::max(body))
        .layer(RequestBodyLimitLayer::new(body))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
}

/// The middleware stack of [`app`]: drafts (`text`) and uploads (`file`) each with their own
/// size and time limits, then what every route shares.
fn with_middleware(text: Router<AppState>, file: Router<AppState>, state: AppState) -> Router {
    let file_timeout = state.0.timeout.max(FILE_TIMEOUT);
    let mut router = limited(text, BODY_LIMIT, state.0.timeout).merge(limited(
        file,
        FILE_BODY_LIMIT,
        file_timeout,
    ));
    if !state.0.cors_origins.is_empty() {
        router = router.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(state.0.cors_origins.iter().cloned()))
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([header::CONTENT_TYPE])
                .max_age(Duration::from_secs(600)),
        );
    }
    router
        .layer(middleware::from_fn_with_state(state.clone(), check_host))
        .layer(middleware::map_response(finish))
        .layer(middleware::from_fn_with_state(state.clone(), log_requests))
        .with_state(state)
}

/// True when a `Host` header value names this machine: localhost, 127.0.0.0/8 or ::1, with
/// any port.
pub fn is_local_host(host: &str) -> bool {
    let host = host.trim();
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map_or(host, |(h, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                h
            } else {
                host
            }
        })
    };
    let name = name.trim_end_matches('.');
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Refuse requests addressed to another host (DNS rebinding), unless [`Options::any_host`].
async fn check_host(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !state.0.any_host {
        if let Some(h) = req.headers().get(header::HOST) {
            if !h.to_str().is_ok_and(is_local_host) {
                return error::ApiError::new(
                    StatusCode::MISDIRECTED_REQUEST,
                    error::ErrorCode::BadHost,
                    "this server answers only requests addressed to this machine (localhost)",
                )
                .into_response();
            }
        }
    }
    next.run(req).await
}

/// Serve [`app`] on an already-bound listener until `shutdown` completes, then finish the
/// requests in flight (graceful shutdown) and return.
pub async fn serve<F>(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: F,
) -> std::io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    use axum::serve::ListenerExt;
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Completes on Ctrl-C (SIGINT) or, on Unix, SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use tower::ServiceExt;

    #[tokio::test]
    async fn a_panic_is_a_json_500_that_says_nothing() {
        let lines: Arc<Mutex<Vec<String>>> = Arc::default();
        let sink = lines.clone();
        let state = AppState::new(
            clinpost_registry::registry(),
            Options {
                log: Some(Arc::new(move |l: &RequestLog| {
                    sink.lock().unwrap().push(l.to_string())
                })),
                ..Options::default()
            },
        )
        .unwrap();
        let router: Router<AppState> = Router::new().route(
            "/boom",
            get(|| async {
                if true {
                    panic!("CANARY draft text");
                }
                "unreachable"
            }),
        );
        let app = with_middleware(router, Router::new(), state);
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let res = app
            .oneshot(
                axum::http::Request::get("/boom")
                    .body(axum::body::Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        std::panic::set_hook(hook);
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            res.headers().get("content-security-policy").unwrap(),
            CONTENT_SECURITY_POLICY
        );
        let body = axum::body::to_bytes(res.into_body(), usize::MAX)
            .await
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["error"]["code"], "internal");
        assert!(!String::from_utf8_lossy(&body).contains("CANARY"));
        let lines = lines.lock().unwrap();
        assert_eq!(lines.len(), 1);
        assert!(lines[0].starts_with("GET /boom 500"), "{}", lines[0]);
    }
}
