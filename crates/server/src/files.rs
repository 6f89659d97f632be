//! `POST /v1/file`: a picture or document uploaded as `multipart/form-data` (issue 5 item 4).
//!
//! Parts: `file` (required: the bytes; the name is ignored, the type is read from the content)
//! and `context` (optional: the same JSON object as `/v1/check`'s). The answer is the report —
//! verdict, findings with their pixel `region` or metadata `field` — with the warnings and the
//! clean copy in base64 (`clean: null` when none can be made). The work (OCR takes a second or
//! two) runs on the blocking pool; nothing of the file is kept or logged.

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use clinpost_core::{Context, FindingView, LineIndex, Verdict};
use clinpost_media::{FileOptions, MediaError};
use serde::Serialize;

use crate::api::{json_response, parse_context};
use crate::error::{ApiError, ErrorCode};
use crate::AppState;

#[derive(Serialize)]
struct FileResponse {
    kind: &'static str,
    format: &'static str,
    media_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    width: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    height: Option<u32>,
    verdict: Verdict,
    findings: Vec<FindingView>,
    warnings: Vec<String>,
    clean: Option<Clean>,
}

#[derive(Serialize)]
struct Clean {
    media_type: &'static str,
    extension: &'static str,
    base64: String,
}

fn bad_multipart() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        ErrorCode::BadMultipart,
        "send multipart/form-data with a \"file\" part (and optionally a \"context\" part)",
    )
}

fn media_error(e: MediaError) -> ApiError {
    match e {
        MediaError::UnknownFormat => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedFile,
            "clinpost reads JPEG, PNG, WebP, HEIC, DOCX and DICOM files",
        ),
        MediaError::TooLarge { .. } | MediaError::DocumentLimit { .. } => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::BodyTooLarge,
            e.to_string(),
        ),
        // The messages name formats, sizes and offsets, never content.
        e => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::InvalidFile,
            e.to_string(),
        ),
    }
}

pub(crate) async fn file(
    State(state): State<AppState>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response, ApiError> {
    let mut multipart = multipart.map_err(|_| bad_multipart())?;
    let mut bytes = None;
    let mut context = Context::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(ApiError::body_too_large())
            }
            Err(_) => return Err(bad_multipart()),
        };
        match field.name() {
            Some("file") => {
                let b = field.bytes().await.map_err(|e| {
                    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                        ApiError::body_too_large()
                    } else {
                        bad_multipart()
                    }
                })?;
                bytes = Some(b);
            }
            Some("context") => {
                let b = field.bytes().await.map_err(|_| bad_multipart())?;
                let v: serde_json::Value = serde_json::from_slice(&b).map_err(|_| {
                    ApiError::invalid_context("the \"context\" part must be a JSON object")
                })?;
                context = match v {
                    serde_json::Value::Object(map) => parse_context(map)?,
                    serde_json::Value::Null => Context::default(),
                    _ => {
                        return Err(ApiError::invalid_context(
                            "the \"context\" part must be a JSON object",
                        ))
                    }
                };
            }
            _ => {}
        }
    }
    let bytes = bytes.ok_or_else(|| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::MissingFile,
            "no \"file\" part: send the picture or document as multipart/form-data field \"file\"",
        )
    })?;
    let body = tokio::task::spawn_blocking(move || -> Result<Vec<u8>, ApiError> {
        let opts = FileOptions::default();
        let engine = state.engine();
        let checked =
            clinpost_media::check_file(engine, &bytes, &context, &opts).map_err(media_error)?;
        let clean = match clinpost_media::clean_file(&bytes, &checked, &opts) {
            Ok(c) => Some(Clean {
                media_type: c.media_type,
                extension: c.extension,
                base64: base64(&c.bytes),
            }),
            Err(MediaError::Unsupported { .. }) => None,
            Err(e) => return Err(media_error(e)),
        };
        let ix = LineIndex::new("");
        let (width, height) = match checked.size {
            Some((w, h)) => (Some(w), Some(h)),
            None => (None, None),
        };
        let res = FileResponse {
            kind: checked.kind.class(),
            format: checked.kind.format_name(),
            media_type: checked.kind.mime(),
            width,
            height,
            verdict: checked.report.verdict,
            findings: checked
                .report
                .findings
                .iter()
                .map(|f| FindingView::new(f, &ix))
                .collect(),
            warnings: checked.warnings,
            clean,
        };
        serde_json::to_vec(&res).map_err(|_| ApiError::internal())
    })
    .await
    .map_err(|_| ApiError::internal())??;
    Ok(json_response(body))
}

/// Standard base64 with padding (RFC 4648 §4).
fn base64(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::base64;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
    }
}
