//! The OpenAPI document against the implementation: the same routes both ways, and real
//! responses of every endpoint (successes and errors) valid against the schemas the document
//! gives them — required properties present, no undeclared ones, enums and types respected.
//!
//! The checker implements the subset of JSON Schema the document uses: `$ref` (local),
//! `type` (a name or a list), `required`, `properties`, `additionalProperties: false`, `items`,
//! `enum`.

mod common;

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use clinpost_server::{routes, ErrorCode, Options, OPENAPI};
use common::*;
use serde_json::{json, Value};

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Resolve a local `$ref`.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> &'a Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let ptr = r.strip_prefix('#').expect("local $ref");
            let target = doc
                .pointer(ptr)
                .unwrap_or_else(|| panic!("dangling $ref {r}"));
            resolve(doc, target)
        }
        None => schema,
    }
}

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        other => panic!("unsupported type {other}"),
    }
}

/// Validate `v` against `schema`; push one message per violation.
fn validate(doc: &Value, schema: &Value, v: &Value, at: &str, errs: &mut Vec<String>) {
    let schema = resolve(doc, schema);
    if let Some(t) = schema.get("type") {
        let ok = match t {
            Value::String(t) => type_ok(t, v),
            Value::Array(ts) => ts.iter().any(|t| type_ok(t.as_str().unwrap(), v)),
            _ => panic!("bad type at {at}"),
        };
        if !ok {
            errs.push(format!("{at}: expected type {t}, got {v}"));
            return;
        }
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array) {
        if !e.contains(v) {
            errs.push(format!("{at}: {v} not in enum {e:?}"));
        }
    }
    if let Some(obj) = v.as_object() {
        if let Some(req) = schema.get("required").and_then(Value::as_array) {
            for k in req {
                let k = k.as_str().unwrap();
                if !obj.contains_key(k) {
                    errs.push(format!("{at}: required property '{k}' missing"));
                }
            }
        }
        let props = schema.get("properties").and_then(Value::as_object);
        let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
        for (k, val) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(s) => validate(doc, s, val, &format!("{at}.{k}"), errs),
                None if closed => errs.push(format!("{at}: property '{k}' not in the schema")),
                None => {}
            }
        }
    }
    if let (Some(items), Some(arr)) = (schema.get("items"), v.as_array()) {
        for (i, x) in arr.iter().enumerate() {
            validate(doc, items, x, &format!("{at}[{i}]"), errs);
        }
    }
}

fn doc() -> Value {
    serde_json::from_str(OPENAPI).expect("openapi.json parses")
}

/// (METHOD, path) pairs the document describes.
fn doc_routes(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (m, _) in item.as_object().unwrap() {
            if METHODS.contains(&m.as_str()) {
                out.insert((m.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

/// The document's operation for a route.
fn operation<'a>(doc: &'a Value, method: &str, path: &str) -> &'a Value {
    doc["paths"][path]
        .get(method.to_lowercase())
        .unwrap_or_else(|| panic!("{method} {path} not in the document"))
}

/// Check a real response against the operation's declared response for its status.
fn check_response(doc: &Value, method: &str, path: &str, r: &Resp) -> Vec<String> {
    let op = operation(doc, method, path);
    let status = r.status.as_u16().to_string();
    let Some(decl) = op["responses"].get(&status) else {
        return vec![format!(
            "{method} {path}: status {status} is not declared in the document"
        )];
    };
    let decl = resolve(doc, decl);
    let Some(content) = decl.get("content").and_then(Value::as_object) else {
        return if r.body.is_empty() {
            vec![]
        } else {
            vec![format!(
                "{method} {path} {status}: body but no content declared"
            )]
        };
    };
    let ctype = r.header("content-type").unwrap_or("");
    let essence = ctype.split(';').next().unwrap().trim();
    let Some(media) = content.get(essence) else {
        return vec![format!(
            "{method} {path} {status}: content type {essence} not declared ({:?})",
            content.keys().collect::<Vec<_>>()
        )];
    };
    let mut errs = Vec::new();
    if essence == "application/json" {
        validate(
            doc,
            &media["schema"],
            &r.json(),
            &format!("{method} {path} {status}"),
            &mut errs,
        );
    }
    errs
}

fn concrete(path: &str) -> String {
    path.replace("{code}", "PHI001")
}

/// A multipart/form-data upload of `file` (and a `context` part).
fn multipart(file: &[u8], context: &Value) -> (String, Vec<u8>) {
    let boundary = "clinpost-test-boundary-7d1f";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"context\"\r\n\r\n{context}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.bin\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../media/fixtures")
            .join(name),
    )
    .unwrap()
}

async fn call(app: &Router, method: &Method, path: &str, body: &Value) -> Resp {
    let mut req = Request::builder().method(method.clone()).uri(path);
    if *method == Method::POST && path == "/v1/file" {
        let (ct, bytes) = multipart(&fixture("phone.jpg"), &body["context"]);
        req = req.header(header::CONTENT_TYPE, ct);
        return send(app, req.body(Body::from(bytes)).unwrap()).await;
    }
    let body = if *method == Method::POST {
        req = req.header(header::CONTENT_TYPE, "application/json");
        Body::from(serde_json::to_vec(body).unwrap())
    } else {
        Body::empty()
    };
    send(app, req.body(body).unwrap()).await
}

#[test]
fn document_is_openapi_3_1_and_refs_resolve() {
    let d = doc();
    assert_eq!(d["openapi"], "3.1.0");
    // Every $ref resolves.
    fn walk(doc: &Value, v: &Value) {
        match v {
            Value::Object(m) => {
                if m.contains_key("$ref") {
                    resolve(doc, v);
                }
                m.values().for_each(|x| walk(doc, x));
            }
            Value::Array(a) => a.iter().for_each(|x| walk(doc, x)),
            _ => {}
        }
    }
    walk(&d, &d);
    // The error codes are the implementation's.
    let codes: BTreeSet<String> = d["components"]["schemas"]["Error"]["properties"]["error"]
        ["properties"]["code"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    let ours: BTreeSet<String> = ErrorCode::ALL
        .iter()
        .map(|c| c.as_str().to_string())
        .collect();
    assert_eq!(codes, ours);
}

#[test]
fn routes_match_both_ways() {
    let served: BTreeSet<(String, String)> = routes()
        .into_iter()
        .map(|(m, p)| (m.as_str().to_string(), p.to_string()))
        .collect();
    let documented = doc_routes(&doc());
    let undocumented: Vec<_> = served.difference(&documented).collect();
    let unserved: Vec<_> = documented.difference(&served).collect();
    assert!(
        undocumented.is_empty() && unserved.is_empty(),
        "served but not documented: {undocumented:?}; documented but not served: {unserved:?}"
    );
}

#[tokio::test]
async fn every_documented_route_is_served_and_its_response_matches() {
    let d = doc();
    let app = default_app();
    let body = json!({"text": DRAFT, "context": {"audience": "public"}});
    let mut errs = Vec::new();
    for (m, path) in doc_routes(&d) {
        let method = Method::from_bytes(m.as_bytes()).unwrap();
        let r = call(&app, &method, &concrete(&path), &body).await;
        assert_eq!(r.status, StatusCode::OK, "{m} {path}: {}", r.text());
        errs.extend(check_response(&d, &m, &path, &r));
        // Every other common method is a documented 405 on that path.
        let other = if method == Method::GET {
            Method::POST
        } else {
            Method::GET
        };
        let r = call(&app, &other, &concrete(&path), &body).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{other} {path}");
        errs.extend(check_response(&d, &m, &path, &r));
    }
    assert!(errs.is_empty(), "{errs:#?}");
}

#[tokio::test]
async fn responses_with_findings_match_the_schema() {
    // Many findings of many kinds, unsafe fixes, non-ASCII: the Finding schema in full use.
    let d = doc();
    let app = default_app();
    let text = "Zoë Pennington (DOB 12/03/1941, NHS 943 476 5919) from 14 Mill Lane, \
                Knaresborough HG5 0AB rang 07700 900462; email z.p@nhs.net. Seen at \
                Harrogate District Hospital by Dr Siân Pritchard on Ward 23.";
    let mut errs = Vec::new();
    for path in ["/v1/check", "/v1/fix"] {
        for unsafe_ in [false, true] {
            let r = call(
                &app,
                &Method::POST,
                path,
                &json!({"text": text, "unsafe": unsafe_, "context": {"author": "Dr A, GP"}}),
            )
            .await;
            assert_eq!(r.status, StatusCode::OK);
            errs.extend(check_response(&d, "POST", path, &r));
        }
    }
    let r = call(&app, &Method::POST, "/v1/check", &json!({"text": text})).await;
    assert!(r.json()["findings"].as_array().unwrap().len() >= 5);
    assert!(errs.is_empty(), "{errs:#?}");
}

#[tokio::test(start_paused = true)]
async fn error_responses_match_the_schema() {
    let d = doc();
    let app = default_app();
    let mut errs = Vec::new();
    let mut seen = BTreeSet::new();
    let post = |body: Body, ct: &str| {
        Request::post("/v1/check")
            .header(header::CONTENT_TYPE, ct)
            .body(body)
            .unwrap()
    };
    let cases: Vec<(&str, &str, Request<Body>)> = vec![
        (
            "POST",
            "/v1/check",
            post(Body::from("{"), "application/json"),
        ),
        (
            "POST",
            "/v1/check",
            post(Body::from("{}"), "application/json"),
        ),
        (
            "POST",
            "/v1/check",
            post(
                Body::from(r#"{"text":"x","context":{"audience":"x"}}"#),
                "application/json",
            ),
        ),
        ("POST", "/v1/check", post(Body::from("{}"), "text/plain")),
        (
            "POST",
            "/v1/check",
            post(
                Body::from(vec![b' '; clinpost_server::BODY_LIMIT + 1]),
                "application/json",
            ),
        ),
        (
            "GET",
            "/v1/rules/{code}",
            Request::get("/v1/rules/NOPE").body(Body::empty()).unwrap(),
        ),
    ];
    let upload = |file: &[u8]| {
        let (ct, bytes) = multipart(file, &json!({}));
        Request::post("/v1/file")
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(bytes))
            .unwrap()
    };
    let mut cut = fixture("phone.jpg");
    cut.truncate(cut.len() / 3);
    let cases = cases.into_iter().chain([
        ("POST", "/v1/file", upload(b"just some text, not a picture")),
        ("POST", "/v1/file", upload(&cut)),
        (
            "POST",
            "/v1/file",
            Request::post("/v1/file")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap(),
        ),
    ]);
    for (m, path, req) in cases {
        let r = send(&app, req).await;
        seen.insert(r.status.as_u16());
        errs.extend(check_response(&d, m, path, &r));
    }
    // The timeout, with a stalled body and a short limit.
    let slow = app_with(Options {
        timeout: Some(std::time::Duration::from_millis(50)),
        ..Options::default()
    });
    let r = send(&slow, post(Body::new(Stalled), "application/json")).await;
    seen.insert(r.status.as_u16());
    errs.extend(check_response(&d, "POST", "/v1/check", &r));
    // Unknown paths are not operations; their body still has the Error schema.
    let r = get(&app, "/nope").await;
    validate(
        &d,
        &json!({"$ref": "#/components/schemas/Error"}),
        &r.json(),
        "404",
        &mut errs,
    );
    assert_eq!(
        seen,
        BTreeSet::from([400, 404, 408, 413, 415, 422]),
        "every error status exercised"
    );
    assert!(errs.is_empty(), "{errs:#?}");
}

#[test]
fn the_checker_catches_drift() {
    let d = doc();
    let finding = json!({"$ref": "#/components/schemas/CheckResponse"});
    let mut errs = Vec::new();
    validate(
        &d,
        &finding,
        &json!({"verdict": "fine", "findings": [{"rule": 1}], "extra": true}),
        "x",
        &mut errs,
    );
    let all = errs.join("\n");
    assert!(all.contains("not in enum"), "{all}");
    assert!(all.contains("'fixed' missing"), "{all}");
    assert!(all.contains("'extra' not in the schema"), "{all}");
    assert!(all.contains("expected type"), "{all}");
    assert!(all.contains("'utf16_start' missing"), "{all}");
}

#[test]
fn request_schema_accepts_a_full_request() {
    let d = doc();
    let mut errs = Vec::new();
    validate(
        &d,
        &json!({"$ref": "#/components/schemas/CheckRequest"}),
        &json!({"text": "x", "unsafe": true, "context": {"author": "Dr A", "audience": "private:2", "account": "named", "reply_to": "y"}}),
        "req",
        &mut errs,
    );
    assert!(errs.is_empty(), "{errs:?}");
}
