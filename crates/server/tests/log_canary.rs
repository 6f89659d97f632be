//! No draft text in the server's log or error bodies (DESIGN §3.1).
//!
//! A unique canary is planted in everything a client controls — the draft, the context, a
//! malformed body, an oversized body, a wrong content type, field names, the path and the query —
//! and the captured request log and every error body must not contain it.

mod common;

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use clinpost_server::{Options, RequestLog, BODY_LIMIT};
use common::*;
use serde_json::json;

const CANARY: &str = "Quokkafeather7319";

#[tokio::test]
async fn canary_never_reaches_the_log_or_an_error() {
    let lines: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = lines.clone();
    let app = app_with(Options {
        log: Some(Arc::new(move |l: &RequestLog| {
            sink.lock().unwrap().push(format!("{l} {l:?}"));
        })),
        ..Options::default()
    });
    let draft = format!("Seen Mr {CANARY} today, NHS 943 476 5919. {CANARY} again.");
    let mut errors = Vec::new();

    // Well-formed drafts, with the canary in the text and in the context.
    for path in ["/v1/check", "/v1/fix"] {
        let r = post_text(
            &app,
            path,
            &draft,
            json!({"context": {"author": CANARY, "reply_to": CANARY, "audience": "public"}}),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
    }
    // Malformed JSON.
    for body in [
        format!("{{\"text\": \"{CANARY}"),
        format!("{{\"text\": {CANARY}}}"),
        CANARY.to_string(),
    ] {
        errors.push(post_json(&app, "/v1/check", body).await);
    }
    // Oversized, with and without a length.
    let big = format!(
        "{{\"text\": \"{}\"}}",
        CANARY.repeat(BODY_LIMIT / CANARY.len() + 1)
    );
    errors.push(post_json(&app, "/v1/check", big.clone()).await);
    errors.push(
        post_json(
            &app,
            "/v1/fix",
            Body::new(Chunked {
                chunks: 40,
                size: 32 * 1024,
                fill: b'Q',
            }),
        )
        .await,
    );
    // Wrong shapes and contexts.
    for body in [
        json!({"text": 1, CANARY: CANARY}),
        json!({"text": draft, "context": {"audience": CANARY}}),
        json!({"text": draft, "context": {"account": CANARY}}),
        json!({"text": draft, "context": {CANARY.to_lowercase(): 1}}),
        json!({"text": draft, "context": {"author": [CANARY]}}),
        json!({"text": [CANARY]}),
    ] {
        errors.push(post_json(&app, "/v1/check", serde_json::to_vec(&body).unwrap()).await);
    }
    // Wrong content type.
    errors.push(
        send(
            &app,
            Request::post("/v1/check")
                .header(header::CONTENT_TYPE, "text/plain")
                .body(Body::from(draft.clone()))
                .unwrap(),
        )
        .await,
    );
    // The path and the query.
    errors.push(get(&app, &format!("/{CANARY}?q={CANARY}")).await);
    errors.push(get(&app, &format!("/v1/rules/{CANARY}")).await);
    let r = get(&app, &format!("/healthz?draft={CANARY}")).await;
    assert_eq!(r.status, StatusCode::OK);

    for r in &errors {
        assert!(r.status.is_client_error(), "{}", r.status);
        let body = r.text().to_lowercase();
        assert!(
            !body.contains(&CANARY.to_lowercase()),
            "error body echoes the canary: {body}"
        );
        for (name, value) in &r.headers {
            assert!(
                !value
                    .to_str()
                    .unwrap_or("")
                    .to_lowercase()
                    .contains(&CANARY.to_lowercase()),
                "header {name} echoes the canary"
            );
        }
    }
    let lines = lines.lock().unwrap();
    assert!(lines.len() >= errors.len() + 3, "every request is logged");
    for l in lines.iter() {
        assert!(
            !l.to_lowercase().contains(&CANARY.to_lowercase()),
            "log line holds the canary: {l}"
        );
    }
    // The log does say what happened.
    let all = lines.join("\n");
    for expected in [
        "POST /v1/check 200",
        "POST /v1/fix 200",
        "POST /v1/check 400",
        "413",
        "415",
        "422",
        "(no route) 404",
        "GET /v1/rules/{code} 404",
    ] {
        assert!(all.contains(expected), "log lacks {expected:?}:\n{all}");
    }
}
