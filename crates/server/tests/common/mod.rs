//! Helpers shared by the server's tests: in-process requests with `oneshot`, and bodies that
//! stream or never end.
#![allow(dead_code)]

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use clinpost_server::{app, AppState, Options};
use http_body::Frame;
use serde_json::Value;
use tower::ServiceExt;

/// The draft of the issue: a name and a checksum-valid NHS number.
pub const DRAFT: &str = "Seen Mr Pennington today, NHS 943 476 5919.";

/// An app with default options.
pub fn default_app() -> Router {
    app(AppState::with_defaults(clinpost_registry::registry()))
}

/// An app with `options`.
pub fn app_with(options: Options) -> Router {
    app(AppState::new(clinpost_registry::registry(), options).expect("valid options"))
}

/// A response, read whole.
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Resp {
    /// The body as JSON (panics with the body when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }
    /// The error code of a JSON error body.
    pub fn error_code(&self) -> String {
        let v = self.json();
        v["error"]["code"]
            .as_str()
            .unwrap_or_else(|| panic!("not an error body: {v}"))
            .to_string()
    }
    /// A header as a string.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Send `req` to `app` and read the whole response.
pub async fn send(app: &Router, req: Request<Body>) -> Resp {
    let res = app.clone().oneshot(req).await.expect("infallible");
    let (parts, body) = res.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .expect("response body");
    Resp {
        status: parts.status,
        headers: parts.headers,
        body,
    }
}

/// GET `path`.
pub async fn get(app: &Router, path: &str) -> Resp {
    send(
        app,
        Request::get(path).body(Body::empty()).expect("request"),
    )
    .await
}

/// POST a JSON body (any bytes) to `path` with `Content-Type: application/json`.
pub async fn post_json(app: &Router, path: &str, body: impl Into<Body>) -> Resp {
    send(
        app,
        Request::post(path)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.into())
            .expect("request"),
    )
    .await
}

/// POST `{"text": text}` plus `extra` fields to `path`.
pub async fn post_text(app: &Router, path: &str, text: &str, extra: Value) -> Resp {
    let mut v = serde_json::json!({ "text": text });
    if let (Some(m), Value::Object(e)) = (v.as_object_mut(), extra) {
        m.extend(e);
    }
    post_json(app, path, serde_json::to_vec(&v).expect("json")).await
}

/// A body that yields `chunks` chunks of `size` bytes with no length known in advance
/// (a chunked upload).
pub struct Chunked {
    pub chunks: usize,
    pub size: usize,
    pub fill: u8,
}

impl http_body::Body for Chunked {
    type Data = Bytes;
    type Error = Infallible;
    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.chunks == 0 {
            return Poll::Ready(None);
        }
        self.chunks -= 1;
        Poll::Ready(Some(Ok(Frame::data(Bytes::from(vec![
            self.fill;
            self.size
        ])))))
    }
}

/// A body that never sends anything (a stalled client).
pub struct Stalled;

impl http_body::Body for Stalled {
    type Data = Bytes;
    type Error = Infallible;
    fn poll_frame(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Poll::Pending
    }
}
