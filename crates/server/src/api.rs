//! The JSON API: `POST /v1/check`, `POST /v1/fix`, `GET /v1/rules[/{code}]`, `GET /healthz`,
//! `GET /v1/openapi.json`.
//!
//! Request bodies are validated by hand from a `serde_json::Value` rather than by deriving
//! `Deserialize` on a request struct: it costs one small tree per request, and in exchange every
//! error message is ours and names a field and a rule (never a value), and malformed JSON (400)
//! is told apart from well-formed JSON of the wrong shape (422) without parsing serde's messages.

use axum::body::{Body, Bytes};
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use clinpost_core::{
    apply_fixes, Account, Audience, Context, Document, FindingView, Profile, ReportView, Sensitive,
    Verdict,
};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{ApiError, ErrorCode};
use crate::AppState;

/// A parsed `/v1/check` or `/v1/fix` body.
pub(crate) struct CheckRequest {
    pub text: String,
    pub context: Context,
    pub include_unsafe: bool,
}

/// A 200 response with a JSON body that is already serialised.
pub(crate) fn json_response(body: impl Into<Body>) -> Response {
    let mut res = Response::new(body.into());
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

/// 415 unless the request says `application/json` (or `application/*+json`), parameters such
/// as `charset` allowed.
fn require_json(headers: &HeaderMap) -> Result<(), ApiError> {
    let ok = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .is_some_and(|m| {
            m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
        });
    if ok {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            "the request body must be JSON sent with Content-Type: application/json",
        ))
    }
}

fn body_error(rejection: BytesRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::body_too_large()
    } else {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::BadRequest,
            "the request body could not be read",
        )
    }
}

/// serde_json's message can quote the input; keep only its category and position.
fn bad_json(e: &serde_json::Error) -> ApiError {
    let message = match e.classify() {
        serde_json::error::Category::Eof => {
            "the body is empty or ends before the JSON value is complete".to_string()
        }
        _ => format!(
            "the body is not valid JSON (line {}, column {})",
            e.line(),
            e.column()
        ),
    };
    ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::BadJson, message)
}

/// An optional free-text context field; an empty string counts as absent (a blank form field).
fn opt_text(v: Value, field: &str) -> Result<Option<Sensitive<String>>, ApiError> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.trim().is_empty() => Ok(None),
        Value::String(s) => Ok(Some(Sensitive(s))),
        _ => Err(ApiError::invalid_context(format!(
            "context.{field} must be a string"
        ))),
    }
}

const PROFILE_EXPECTED: &str = "context.profile must be an object with optional string fields \
name, role, workplace, practice, postcode and numbers list_size, patients_per_day";

pub(crate) fn parse_context(map: Map<String, Value>) -> Result<Context, ApiError> {
    let mut ctx = Context::default();
    for (k, v) in map {
        match k.as_str() {
            "author" => ctx.author = opt_text(v, "author")?,
            "reply_to" => ctx.reply_to = opt_text(v, "reply_to")?,
            "audience" => match v {
                Value::Null => {}
                Value::String(s) if s.trim().is_empty() => {}
                Value::String(s) => {
                    ctx.audience = s.parse::<Audience>().map_err(|e| {
                        ApiError::invalid_context(format!("context.audience: {e}"))
                    })?;
                }
                _ => {
                    return Err(ApiError::invalid_context(
                        "context.audience must be a string: public, closed-group:N or private:N",
                    ))
                }
            },
            "account" => match v {
                Value::Null => {}
                Value::String(s) if s.trim().is_empty() => {}
                Value::String(s) => {
                    ctx.account = s.parse::<Account>().map_err(|e| {
                        ApiError::invalid_context(format!("context.account: {e}"))
                    })?;
                }
                _ => {
                    return Err(ApiError::invalid_context(
                        "context.account must be a string: named or pseudonymous",
                    ))
                }
            },
            "profile" => match v {
                Value::Null => {}
                Value::Object(_) => {
                    // serde's message could quote a value; say what is expected instead.
                    ctx.profile = Some(serde_json::from_value::<Profile>(v).map_err(|_| {
                        ApiError::invalid_context(PROFILE_EXPECTED)
                    })?);
                }
                _ => return Err(ApiError::invalid_context(PROFILE_EXPECTED)),
            },
            _ => {
                return Err(ApiError::invalid_context(
                    "\"context\" has an unknown field; the fields are author, audience, account, reply_to, profile",
                ))
            }
        }
    }
    Ok(ctx)
}

/// Parse and validate a check/fix body.
pub(crate) fn parse_request(body: &[u8]) -> Result<CheckRequest, ApiError> {
    let v: Value = serde_json::from_slice(body).map_err(|e| bad_json(&e))?;
    let Value::Object(mut map) = v else {
        return Err(ApiError::invalid_request(
            "the body must be a JSON object: {\"text\": \"...\", \"context\": {...}}",
        ));
    };
    // Field names are never repeated in a message: a client could have put anything there.
    if map
        .keys()
        .any(|k| !matches!(k.as_str(), "text" | "context" | "unsafe"))
    {
        return Err(ApiError::invalid_request(
            "the body has an unknown field; the fields are text, context, unsafe",
        ));
    }
    let text = match map.remove("text") {
        Some(Value::String(s)) => s,
        None | Some(Value::Null) => {
            return Err(ApiError::invalid_request(
                "missing field \"text\": the draft to check, a string",
            ))
        }
        Some(_) => return Err(ApiError::invalid_request("\"text\" must be a string")),
    };
    let include_unsafe = match map.remove("unsafe") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => b,
        Some(_) => {
            return Err(ApiError::invalid_request(
                "\"unsafe\" must be true or false",
            ))
        }
    };
    let context = match map.remove("context") {
        None | Some(Value::Null) => Context::default(),
        Some(Value::Object(c)) => parse_context(c)?,
        Some(_) => return Err(ApiError::invalid_context("\"context\" must be an object")),
    };
    Ok(CheckRequest {
        text,
        context,
        include_unsafe,
    })
}

/// `/v1/check`: the report, with the safe version in `fixed`.
///
/// `Engine::fix` would check the original text again in its first round; instead the first
/// round is done here on the report already at hand (`apply_fixes` on its findings) and
/// `Engine::fix` continues from the once-fixed text: the same rounds, the same result (a test
/// compares it with `Engine::fix`), one engine pass fewer per request.
fn run_check(state: &AppState, req: &CheckRequest) -> Vec<u8> {
    let engine = state.engine();
    let doc = Document::new(&req.text, &req.context);
    let report = engine.check(&doc);
    let (once, n) = apply_fixes(&req.text, &report.findings, req.include_unsafe);
    let fixed = if n == 0 || once == req.text {
        req.text.clone()
    } else {
        engine
            .fix(&Document::new(&once, &req.context), req.include_unsafe)
            .text
    };
    let mut view = ReportView::new(None, &req.text, &report);
    view.fixed = Some(fixed);
    serde_json::to_vec(&view).expect("a report serialises")
}

/// The body of a `/v1/fix` response.
#[derive(Serialize)]
struct FixView<'a> {
    text: &'a str,
    applied: usize,
    verdict: Verdict,
    findings: Vec<FindingView>,
}

/// `/v1/fix`: the safe version, the number of edits and what is left.
fn run_fix(state: &AppState, req: &CheckRequest) -> Vec<u8> {
    let doc = Document::new(&req.text, &req.context);
    let fixed = state.engine().fix(&doc, req.include_unsafe);
    let left = ReportView::new(None, &fixed.text, &fixed.report);
    serde_json::to_vec(&FixView {
        text: &fixed.text,
        applied: fixed.applied,
        verdict: left.verdict,
        findings: left.findings,
    })
    .expect("a fix report serialises")
}

/// Validate the request, then run `f` on this thread for ordinary posts, or on the blocking pool
/// for large bodies (a 1 MiB body takes tens of milliseconds; a post takes microseconds).
async fn run(
    state: AppState,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
    f: fn(&AppState, &CheckRequest) -> Vec<u8>,
) -> Result<Response, ApiError> {
    require_json(headers)?;
    let body = body.map_err(body_error)?;
    let large = body.len() > crate::BLOCKING_THRESHOLD;
    let req = parse_request(&body)?;
    drop(body);
    let out = if large {
        tokio::task::spawn_blocking(move || f(&state, &req))
            .await
            .map_err(|_| ApiError::internal())?
    } else {
        f(&state, &req)
    };
    Ok(json_response(out))
}

pub(crate) async fn check(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    run(state, &headers, body, run_check).await
}

pub(crate) async fn fix(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    run(state, &headers, body, run_fix).await
}

pub(crate) async fn rules(State(state): State<AppState>) -> Response {
    json_response(state.shared().rules_json.clone())
}

pub(crate) async fn rule(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    let key = code.trim().to_ascii_lowercase();
    state
        .shared()
        .rule_json
        .get(&key)
        .map(|b| json_response(b.clone()))
        .ok_or_else(|| {
            ApiError::not_found("no rule with this code or name (GET /v1/rules lists them)")
        })
}

pub(crate) async fn healthz(State(state): State<AppState>) -> Response {
    json_response(state.shared().health_json.clone())
}

pub(crate) async fn openapi(State(state): State<AppState>) -> Response {
    json_response(state.shared().openapi_json.clone())
}

pub(crate) async fn not_found() -> Response {
    ApiError::not_found("no such resource (GET /v1/openapi.json describes the API)").into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(body: &str) -> ApiError {
        match parse_request(body.as_bytes()) {
            Err(e) => e,
            Ok(_) => panic!("accepted"),
        }
    }

    #[test]
    fn parses_a_full_request() {
        let r = parse_request(
            br#"{"text":"hi","context":{"author":"Dr A","audience":"closed-group:5000","account":"pseudonymous","reply_to":""},"unsafe":true}"#,
        )
        .unwrap();
        assert_eq!(r.text, "hi");
        assert!(r.include_unsafe);
        assert_eq!(r.context.audience, Audience::ClosedGroup(5000));
        assert_eq!(r.context.account, Account::Pseudonymous);
        assert!(r.context.reply_to.is_none());
    }

    #[test]
    fn classifies_errors_without_echoing() {
        assert_eq!(err("{\"text\": \"CANARY").code, ErrorCode::BadJson);
        assert_eq!(err("").code, ErrorCode::BadJson);
        assert_eq!(err("[1]").code, ErrorCode::InvalidRequest);
        assert_eq!(err("{}").code, ErrorCode::InvalidRequest);
        assert_eq!(err(r#"{"text": 1}"#).code, ErrorCode::InvalidRequest);
        assert_eq!(
            err(r#"{"text":"x","colour":1}"#).code,
            ErrorCode::InvalidRequest
        );
        let e = err(r#"{"text":"x","context":{"audience":"CANARY"}}"#);
        assert_eq!(e.code, ErrorCode::InvalidContext);
        assert!(!e.message.contains("CANARY"));
        let e = err(r#"{"text":"x","context":{"Seen CANARY":1}}"#);
        assert_eq!(e.code, ErrorCode::InvalidContext);
        assert!(!e.message.contains("CANARY"), "{}", e.message);
        let e = err(r#"{"text":"x","context":{"canary":1}}"#);
        assert!(!e.message.contains("canary"), "{}", e.message);
        let e = err(r#"{"text": "CANARY" "#);
        assert!(!e.message.contains("CANARY"), "{}", e.message);
    }
}
