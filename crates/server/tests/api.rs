//! Router tests: every endpoint, every error code, the headers, CORS, and the engine's answers on
//! the issue's drafts. In-process with `tower::ServiceExt::oneshot`; no socket.

mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use clinpost_core::{Context, Document, Engine, ReportView};
use clinpost_server::{Options, BODY_LIMIT, CONTENT_SECURITY_POLICY};
use common::*;
use serde_json::{json, Value};

fn findings(v: &Value) -> &Vec<Value> {
    v["findings"].as_array().expect("findings array")
}

fn names(v: &Value) -> Vec<&str> {
    findings(v)
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn check_flags_name_and_nhs_number() {
    let app = default_app();
    let r = post_text(&app, "/v1/check", DRAFT, json!({})).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let v = r.json();
    assert_eq!(v["verdict"], "do-not-post");
    let n = names(&v);
    assert!(n.contains(&"nhs-number"), "{n:?}");
    assert!(n.contains(&"person-name"), "{n:?}");
    for f in findings(&v) {
        let (s, e) = (
            f["start"].as_u64().unwrap() as usize,
            f["end"].as_u64().unwrap() as usize,
        );
        match f["name"].as_str().unwrap() {
            "nhs-number" => assert_eq!(&DRAFT[s..e], "943 476 5919"),
            "person-name" => assert!(DRAFT[s..e].contains("Pennington")),
            _ => {}
        }
    }
    let fixed = v["fixed"].as_str().unwrap();
    assert!(!fixed.contains("Pennington") && !fixed.contains("943 476 5919"));
    // No field but `fixed` may hold text from the draft.
    let mut without_fixed = v.clone();
    without_fixed["fixed"] = Value::Null;
    let s = without_fixed.to_string();
    assert!(!s.contains("Pennington") && !s.contains("5919"), "{s}");
}

#[tokio::test]
async fn check_is_the_same_report_as_the_engine() {
    let app = default_app();
    let text = "Mrs Eileen Thornbury (DOB 12/03/1941) from Knaresborough HG5 0AB, 07700 900462.";
    let ctx_json = json!({"author": "Dr A Jones, GP, Springwood Surgery, Harrogate", "audience": "closed-group:5000"});
    let r = post_text(&app, "/v1/check", text, json!({ "context": ctx_json })).await;
    assert_eq!(r.status, StatusCode::OK);
    let ctx: Context = serde_json::from_value(ctx_json).unwrap();
    let engine = Engine::with_defaults(clinpost_registry::registry());
    let doc = Document::new(text, &ctx);
    let mut view = ReportView::new(None, text, &engine.check(&doc));
    view.fixed = Some(engine.fix(&doc, false).text);
    assert_eq!(r.json(), serde_json::to_value(&view).unwrap());
}

#[tokio::test]
async fn utf16_offsets_for_non_ascii_text() {
    let app = default_app();
    let text = "Zoë 👍 NHS 943 476 5919";
    let v = post_text(&app, "/v1/check", text, json!({})).await.json();
    let f = findings(&v)
        .iter()
        .find(|f| f["name"] == "nhs-number")
        .expect("NHS number found");
    // "Zoë " is 5 bytes / 4 UTF-16 units; "👍" 4 bytes / 2 units (a surrogate pair); " NHS " 5.
    assert_eq!(
        (f["start"].as_u64(), f["end"].as_u64()),
        (Some(14), Some(26))
    );
    assert_eq!(
        (f["utf16_start"].as_u64(), f["utf16_end"].as_u64()),
        (Some(11), Some(23))
    );
    let utf16: Vec<u16> = text.encode_utf16().collect();
    let slice = String::from_utf16(&utf16[11..23]).unwrap();
    assert_eq!(slice, "943 476 5919");
    assert_eq!(f["line"], 1);
    assert_eq!(f["column"], 11); // characters, 1-based
}

#[tokio::test]
async fn fix_removes_identifiers() {
    let app = default_app();
    let r = post_text(&app, "/v1/fix", DRAFT, json!({})).await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    let text = v["text"].as_str().unwrap();
    assert!(!text.contains("Pennington"), "{text}");
    assert!(!text.contains("943 476 5919"), "{text}");
    assert!(v["applied"].as_u64().unwrap() >= 2);
    assert_eq!(v["verdict"], "ok", "{v}");
    assert!(findings(&v).is_empty(), "{v}");
    // Fixing is idempotent: the safe version needs nothing more.
    let again = post_text(&app, "/v1/fix", text, json!({})).await.json();
    assert_eq!(again["text"], text);
    assert_eq!(again["applied"], 0);
}

#[tokio::test]
async fn fix_accepts_unsafe_flag_and_context() {
    let app = default_app();
    let r = post_text(
        &app,
        "/v1/fix",
        DRAFT,
        json!({"unsafe": true, "context": {"audience": "private:3", "account": "pseudonymous", "reply_to": "Thanks doctor", "author": ""}}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let v = r.json();
    assert!(!v["text"].as_str().unwrap().contains("Pennington"));
}

#[tokio::test]
async fn clean_text_is_ok() {
    let app = default_app();
    let v = post_text(
        &app,
        "/v1/check",
        "Great turnout at the journal club tonight.",
        json!({}),
    )
    .await
    .json();
    assert_eq!(v["verdict"], "ok");
    assert!(findings(&v).is_empty());
    assert_eq!(v["fixed"], "Great turnout at the journal club tonight.");
}

#[tokio::test]
async fn rules_list_and_lookup() {
    let app = default_app();
    let r = get(&app, "/v1/rules").await;
    assert_eq!(r.status, StatusCode::OK);
    let v = r.json();
    let rules = v.as_array().unwrap();
    assert_eq!(rules.len(), clinpost_registry::registry().rules().len());
    let nhs = rules.iter().find(|r| r["name"] == "nhs-number").unwrap();
    for k in [
        "code",
        "name",
        "category",
        "kind",
        "severity",
        "summary",
        "docs",
        "placeholder",
        "guidance",
    ] {
        assert!(nhs.get(k).is_some(), "{k} missing");
    }
    let g = &nhs["guidance"][0];
    assert!(g["id"].is_string() && !g["source"].as_str().unwrap().is_empty());
    let code = nhs["code"].as_str().unwrap();

    for q in [
        code.to_string(),
        code.to_lowercase(),
        "nhs-number".into(),
        "NHS-Number".into(),
    ] {
        let r = get(&app, &format!("/v1/rules/{q}")).await;
        assert_eq!(r.status, StatusCode::OK, "{q}");
        assert_eq!(&r.json(), nhs);
    }
    let r = get(&app, "/v1/rules/PHI999").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.error_code(), "not-found");
    assert!(!r.text().contains("PHI999"));
}

#[tokio::test]
async fn healthz_and_openapi() {
    let app = default_app();
    let v = get(&app, "/healthz").await.json();
    assert_eq!(v["status"], "ok");
    assert_eq!(
        v["rules"].as_u64().unwrap() as usize,
        clinpost_registry::registry().rules().len()
    );
    assert_eq!(v["version"], env!("CARGO_PKG_VERSION"));
    let r = get(&app, "/v1/openapi.json").await;
    assert_eq!(r.status, StatusCode::OK);
    let doc = r.json();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn static_page_and_assets() {
    let app = default_app();
    for (path, ctype) in [
        ("/", "text/html; charset=utf-8"),
        ("/assets/app.js", "text/javascript; charset=utf-8"),
        ("/assets/app.css", "text/css; charset=utf-8"),
    ] {
        let r = get(&app, path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert_eq!(r.header("content-type"), Some(ctype), "{path}");
        assert_eq!(r.header("cache-control"), Some("no-cache"), "{path}");
        assert!(!r.body.is_empty());
        let etag = r.header("etag").expect("etag").to_string();
        let again = send(
            &app,
            Request::get(path)
                .header(header::IF_NONE_MATCH, &etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(again.status, StatusCode::NOT_MODIFIED, "{path}");
        assert!(again.body.is_empty());
    }
    let page = get(&app, "/").await.text();
    assert!(page.contains("/assets/app.js") && page.contains("/assets/app.css"));
    // HEAD works on GET routes.
    let r = send(&app, Request::head("/").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn security_headers_on_every_response() {
    let app = default_app();
    let responses = vec![
        get(&app, "/").await,
        get(&app, "/healthz").await,
        get(&app, "/nope").await,
        post_text(&app, "/v1/check", DRAFT, json!({})).await,
        post_json(&app, "/v1/check", "{").await,
        send(
            &app,
            Request::delete("/v1/check").body(Body::empty()).unwrap(),
        )
        .await,
    ];
    for r in responses {
        assert_eq!(
            r.header("content-security-policy"),
            Some(CONTENT_SECURITY_POLICY)
        );
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(r.header("referrer-policy"), Some("no-referrer"));
        assert_eq!(r.header("x-frame-options"), Some("DENY"));
        assert!(r.header("cache-control").is_some());
        assert!(
            !r.headers
                .keys()
                .any(|k| k.as_str().starts_with("access-control-")),
            "CORS must be closed by default"
        );
    }
    let r = post_text(&app, "/v1/check", DRAFT, json!({})).await;
    assert_eq!(r.header("cache-control"), Some("no-store"));
}

#[tokio::test]
async fn error_400_bad_json() {
    let app = default_app();
    for body in [
        "{",
        "",
        "{\"text\": \"Mr Pennington",
        "not json",
        "{\"text\": tru}",
    ] {
        let r = post_json(&app, "/v1/check", body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body:?}");
        assert_eq!(r.error_code(), "bad-json");
        assert!(!r.text().contains("Pennington") && !r.text().contains("tru}"));
    }
    let r = post_json(&app, "/v1/fix", "[").await;
    assert_eq!(r.error_code(), "bad-json");
}

#[tokio::test]
async fn error_404_json_for_unknown_paths() {
    let app = default_app();
    for path in [
        "/nope",
        "/v1",
        "/v1/check/extra",
        "/assets/other.js",
        "/v2/check",
    ] {
        let r = get(&app, path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(r.error_code(), "not-found");
    }
}

#[tokio::test]
async fn error_405_method_not_allowed() {
    let app = default_app();
    for (m, path) in [
        (Method::GET, "/v1/check"),
        (Method::PUT, "/v1/fix"),
        (Method::POST, "/v1/rules"),
        (Method::DELETE, "/"),
        (Method::POST, "/healthz"),
        (Method::OPTIONS, "/v1/check"),
    ] {
        let r = send(
            &app,
            Request::builder()
                .method(m.clone())
                .uri(path)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{m} {path}");
        assert_eq!(r.error_code(), "method-not-allowed");
        assert!(r.header("allow").is_some(), "{m} {path}: Allow header");
    }
}

#[tokio::test]
async fn error_413_body_too_large() {
    let app = default_app();
    // With a Content-Length over the limit.
    let big = format!("{{\"text\": \"{}\"}}", "a".repeat(BODY_LIMIT));
    let r = post_json(&app, "/v1/check", big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.error_code(), "body-too-large");
    // Streamed without a length.
    let r = post_json(
        &app,
        "/v1/fix",
        Body::new(Chunked {
            chunks: 20,
            size: 64 * 1024,
            fill: b'a',
        }),
    )
    .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.error_code(), "body-too-large");
    // Just under the limit is accepted (and checked on the blocking pool).
    let text = "No identifiers here. ".repeat((BODY_LIMIT - 100) / 21);
    let r = post_text(&app, "/v1/check", &text, json!({})).await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn error_415_wrong_content_type() {
    let app = default_app();
    let body = serde_json::to_vec(&json!({"text": DRAFT})).unwrap();
    for ct in [
        None,
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        Some("multipart/form-data; boundary=x"),
    ] {
        let mut req = Request::post("/v1/check");
        if let Some(ct) = ct {
            req = req.header(header::CONTENT_TYPE, ct);
        }
        let r = send(&app, req.body(Body::from(body.clone())).unwrap()).await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{ct:?}");
        assert_eq!(r.error_code(), "unsupported-media-type");
    }
    // Parameters and +json are fine.
    for ct in ["application/json; charset=utf-8", "Application/JSON"] {
        let r = send(
            &app,
            Request::post("/v1/check")
                .header(header::CONTENT_TYPE, ct)
                .body(Body::from(body.clone()))
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{ct}");
    }
}

#[tokio::test]
async fn error_422_invalid_request_and_context() {
    let app = default_app();
    let cases = [
        (json!({}), "invalid-request"),
        (json!([]), "invalid-request"),
        (json!("text"), "invalid-request"),
        (json!({"text": 42}), "invalid-request"),
        (json!({"text": "x", "colour": "red"}), "invalid-request"),
        (json!({"text": "x", "unsafe": "yes"}), "invalid-request"),
        (json!({"text": "x", "context": "public"}), "invalid-context"),
        (
            json!({"text": "x", "context": {"audience": "everyone"}}),
            "invalid-context",
        ),
        (
            json!({"text": "x", "context": {"audience": "closed-group:many"}}),
            "invalid-context",
        ),
        (
            json!({"text": "x", "context": {"audience": 5}}),
            "invalid-context",
        ),
        (
            json!({"text": "x", "context": {"account": "secret"}}),
            "invalid-context",
        ),
        (
            json!({"text": "x", "context": {"author": 1}}),
            "invalid-context",
        ),
        (
            json!({"text": "x", "context": {"audiences": "public"}}),
            "invalid-context",
        ),
    ];
    for (body, code) in cases {
        let r = post_json(&app, "/v1/check", serde_json::to_vec(&body).unwrap()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(r.error_code(), code, "{body}");
        assert!(!r.json()["error"]["message"].as_str().unwrap().is_empty());
    }
    // Valid audiences.
    for a in [
        "public",
        "closed-group:5000",
        "closed-group:5,000",
        "private:2",
    ] {
        let r = post_text(&app, "/v1/check", "x", json!({"context": {"audience": a}})).await;
        assert_eq!(r.status, StatusCode::OK, "{a}");
    }
}

#[tokio::test(start_paused = true)]
async fn error_408_timeout_on_a_stalled_body() {
    let app = app_with(Options {
        timeout: Some(Duration::from_secs(2)),
        ..Options::default()
    });
    let r = post_json(&app, "/v1/check", Body::new(Stalled)).await;
    assert_eq!(r.status, StatusCode::REQUEST_TIMEOUT);
    assert_eq!(r.error_code(), "timeout");
    assert_eq!(
        r.header("content-security-policy"),
        Some(CONTENT_SECURITY_POLICY)
    );
}

const FORUM: &str = "https://forum.example";

fn preflight(origin: &str) -> Request<Body> {
    Request::builder()
        .method(Method::OPTIONS)
        .uri("/v1/check")
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "content-type")
        .body(Body::empty())
        .unwrap()
}

fn cross_origin_post(origin: &str) -> Request<Body> {
    Request::post("/v1/check")
        .header(header::ORIGIN, origin)
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(r#"{"text":"hello"}"#))
        .unwrap()
}

#[tokio::test]
async fn cors_closed_by_default() {
    let app = default_app();
    let r = send(&app, preflight(FORUM)).await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(r.header("access-control-allow-origin").is_none());
    let r = send(&app, cross_origin_post(FORUM)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r
        .headers
        .keys()
        .any(|k| k.as_str().starts_with("access-control-")));
}

#[tokio::test]
async fn cors_allow_list() {
    let app = app_with(Options {
        cors_origins: vec![format!("{FORUM}/")],
        ..Options::default()
    });
    let r = send(&app, preflight(FORUM)).await;
    assert!(r.status.is_success(), "{}", r.status);
    assert_eq!(r.header("access-control-allow-origin"), Some(FORUM));
    let methods = r.header("access-control-allow-methods").unwrap();
    assert!(methods.contains("POST"), "{methods}");
    let allowed_headers = r
        .header("access-control-allow-headers")
        .unwrap()
        .to_ascii_lowercase();
    assert!(allowed_headers.contains("content-type"));
    assert_eq!(
        r.header("content-security-policy"),
        Some(CONTENT_SECURITY_POLICY)
    );

    let r = send(&app, cross_origin_post(FORUM)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.header("access-control-allow-origin"), Some(FORUM));

    // Another origin gets no grant.
    let evil = "https://evil.example";
    let r = send(&app, preflight(evil)).await;
    assert!(r.header("access-control-allow-origin").is_none());
    let r = send(&app, cross_origin_post(evil)).await;
    assert!(r.header("access-control-allow-origin").is_none());
}

#[test]
fn bad_cors_origins_are_refused() {
    for o in [
        "forum.example",
        "https://forum.example/path",
        "*",
        "ftp://x",
        "https://",
    ] {
        let r = clinpost_server::AppState::new(
            clinpost_registry::registry(),
            Options {
                cors_origins: vec![o.to_string()],
                ..Options::default()
            },
        );
        assert!(r.is_err(), "{o}");
    }
}

#[tokio::test]
async fn every_error_is_json_with_code_and_message() {
    let app = default_app();
    let responses = vec![
        get(&app, "/x").await,
        post_json(&app, "/v1/check", "{").await,
        post_json(&app, "/v1/check", "{}").await,
        send(&app, Request::get("/v1/fix").body(Body::empty()).unwrap()).await,
    ];
    for r in responses {
        let v = r.json();
        let e = v["error"].as_object().expect("error object");
        assert_eq!(e.len(), 2);
        assert!(e["code"].is_string() && e["message"].is_string());
    }
}

/// DNS rebinding: a page on another site whose name resolves to 127.0.0.1 sends its own host
/// name; the server refuses it unless told to accept any host.
#[tokio::test]
async fn error_421_for_requests_addressed_elsewhere() {
    let req = |host: &str| {
        Request::builder()
            .uri("/healthz")
            .header(header::HOST, host)
            .body(Body::empty())
            .unwrap()
    };
    let app = default_app();
    for host in [
        "evil.example",
        "evil.example:8765",
        "10.0.0.5:8765",
        "localhost.evil.example",
    ] {
        let r = send(&app, req(host)).await;
        assert_eq!(r.status, StatusCode::MISDIRECTED_REQUEST, "{host}");
        assert_eq!(r.error_code(), "bad-host");
    }
    for host in [
        "localhost",
        "localhost:8765",
        "127.0.0.1:8765",
        "127.1.2.3",
        "[::1]:8765",
        "LOCALHOST.",
    ] {
        assert_eq!(send(&app, req(host)).await.status, StatusCode::OK, "{host}");
    }
    let open = app_with(Options {
        any_host: true,
        ..Options::default()
    });
    assert_eq!(
        send(&open, req("clinpost.example:8765")).await.status,
        StatusCode::OK
    );
}
