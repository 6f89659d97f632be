//! API errors: always JSON `{"error": {"code", "message"}}` with a stable code.
//!
//! Messages are our own words. Nothing a client sent is ever quoted back: serde_json's messages
//! can contain pieces of the input (`invalid type: string "..."`), so parse errors are reduced
//! to their category and position. A middleware ([`json_errors`]) also rewrites the plain-text
//! error responses that axum and tower-http produce on their own (405 from a method router, 408
//! from the timeout layer, 413 from the body limit) so a client never sees an error that is not
//! JSON.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// The stable error codes of the API (the OpenAPI document lists the same set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ErrorCode {
    /// 400: the body is not well-formed JSON.
    BadJson,
    /// 400: the request could not be read.
    BadRequest,
    /// 413: the body is over the size limit.
    BodyTooLarge,
    /// 415: the body is not `application/json`.
    UnsupportedMediaType,
    /// 422: the JSON is well-formed but does not match the request schema.
    InvalidRequest,
    /// 422: the `context` object is invalid.
    InvalidContext,
    /// 404: no such route or rule.
    NotFound,
    /// 405: the route exists but not with this method.
    MethodNotAllowed,
    /// 408 / 503: the request took too long.
    Timeout,
    /// 500: a bug; the details are withheld.
    Internal,
    /// 421: the `Host` header names another machine (DNS rebinding protection).
    BadHost,
    /// 400: a file upload is not well-formed multipart/form-data.
    BadMultipart,
    /// 400: a file upload has no `file` part.
    MissingFile,
    /// 415: the uploaded file is neither an image nor a document clinpost reads.
    UnsupportedFile,
    /// 422: the uploaded file is too large in pixels, truncated or malformed.
    InvalidFile,
}

impl ErrorCode {
    /// The stable string.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadJson => "bad-json",
            ErrorCode::BadRequest => "bad-request",
            ErrorCode::BodyTooLarge => "body-too-large",
            ErrorCode::UnsupportedMediaType => "unsupported-media-type",
            ErrorCode::InvalidRequest => "invalid-request",
            ErrorCode::InvalidContext => "invalid-context",
            ErrorCode::NotFound => "not-found",
            ErrorCode::MethodNotAllowed => "method-not-allowed",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Internal => "internal",
            ErrorCode::BadHost => "bad-host",
            ErrorCode::BadMultipart => "bad-multipart",
            ErrorCode::MissingFile => "missing-file",
            ErrorCode::UnsupportedFile => "unsupported-file",
            ErrorCode::InvalidFile => "invalid-file",
        }
    }

    /// Every code, for the OpenAPI test.
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::BadJson,
        ErrorCode::BadRequest,
        ErrorCode::BodyTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::InvalidRequest,
        ErrorCode::InvalidContext,
        ErrorCode::NotFound,
        ErrorCode::MethodNotAllowed,
        ErrorCode::Timeout,
        ErrorCode::Internal,
        ErrorCode::BadHost,
        ErrorCode::BadMultipart,
        ErrorCode::MissingFile,
        ErrorCode::UnsupportedFile,
        ErrorCode::InvalidFile,
    ];
}

/// An error response.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable code.
    pub code: ErrorCode,
    /// A message in our own words (never contains request content).
    pub message: String,
}

#[derive(Serialize)]
struct Envelope<'a> {
    error: Inner<'a>,
}

#[derive(Serialize)]
struct Inner<'a> {
    code: ErrorCode,
    message: &'a str,
}

impl ApiError {
    /// A new error.
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }

    /// 422 `invalid-request`.
    pub fn invalid_request(message: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidRequest,
            message,
        )
    }

    /// 422 `invalid-context`.
    pub fn invalid_context(message: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidContext,
            message,
        )
    }

    /// 404 `not-found`.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, message)
    }

    /// 413 `body-too-large`.
    pub fn body_too_large() -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::BodyTooLarge,
            format!(
                "the request body is larger than the limit of {} bytes ({} bytes for POST /v1/file)",
                crate::BODY_LIMIT,
                crate::FILE_BODY_LIMIT
            ),
        )
    }

    /// 500 `internal`: details withheld (they could hold draft text).
    pub fn internal() -> ApiError {
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            "internal error; the details are withheld because they could contain the draft",
        )
    }

    /// The JSON error that stands for a bare status produced outside our handlers.
    pub fn from_status(status: StatusCode) -> ApiError {
        let (code, message) = match status {
            StatusCode::BAD_REQUEST => (ErrorCode::BadRequest, "the request could not be read"),
            StatusCode::NOT_FOUND => (ErrorCode::NotFound, "no such resource"),
            StatusCode::METHOD_NOT_ALLOWED => (
                ErrorCode::MethodNotAllowed,
                "this method is not allowed on this path (see the Allow header)",
            ),
            StatusCode::REQUEST_TIMEOUT | StatusCode::SERVICE_UNAVAILABLE => (
                ErrorCode::Timeout,
                "the request took longer than the server's time limit",
            ),
            StatusCode::PAYLOAD_TOO_LARGE => return ApiError::body_too_large(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => (
                ErrorCode::UnsupportedMediaType,
                "the request body must be application/json",
            ),
            StatusCode::UNPROCESSABLE_ENTITY => (
                ErrorCode::InvalidRequest,
                "the request does not match the API",
            ),
            s if s.is_client_error() => (ErrorCode::BadRequest, "the request was refused"),
            _ => return ApiError::internal(),
        };
        ApiError::new(status, code, message)
    }

    /// The JSON body.
    pub fn body(&self) -> Vec<u8> {
        serde_json::to_vec(&Envelope {
            error: Inner {
                code: self.code,
                message: &self.message,
            },
        })
        .expect("an error envelope serialises")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = Response::new(Body::from(self.body()));
        *res.status_mut() = self.status;
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        res
    }
}

/// True when the response already carries a JSON body.
fn is_json(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// Rewrite any non-JSON error response (from axum's method router, the timeout or body-limit
/// layers, the CORS layer) into the API's JSON error, keeping its status and headers (`Allow`).
pub fn json_errors(res: Response) -> Response {
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) || is_json(&res) {
        return res;
    }
    let err = ApiError::from_status(status);
    let (mut parts, _) = res.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Response::from_parts(parts, Body::from(err.body()))
}

/// The panic handler of `CatchPanicLayer`: a JSON 500 that says nothing about the panic (its
/// message could quote the draft).
pub fn panic_response(_payload: Box<dyn std::any::Any + Send + 'static>) -> Response {
    ApiError::internal().into_response()
}
