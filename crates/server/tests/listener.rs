//! The server over a real socket: bind 127.0.0.1:0, serve, speak HTTP/1.1 over a raw
//! `TcpStream` (keep-alive, two requests on one connection), then shut down gracefully.
//!
//! Readiness needs no waiting: the listener is bound before `serve` is spawned, so the kernel
//! queues the connection until the server accepts it.

use std::time::Duration;

use clinpost_server::{serve, AppState};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A parsed response.
struct Resp {
    status: u16,
    head: String,
    body: Vec<u8>,
}

/// Send `request` and read one response (Content-Length framed) from `s`.
async fn roundtrip(s: &mut TcpStream, buf: &mut Vec<u8>, request: &[u8]) -> Resp {
    s.write_all(request).await.unwrap();
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8(buf[..end].to_vec()).unwrap();
            let status: u16 = head.split(' ').nth(1).unwrap().parse().unwrap();
            let len: usize = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse().unwrap())
                })
                .expect("content-length");
            let total = end + 4 + len;
            while buf.len() < total {
                read_more(s, buf).await;
            }
            let body = buf[end + 4..total].to_vec();
            buf.drain(..total);
            return Resp { status, head, body };
        }
        read_more(s, buf).await;
    }
}

async fn read_more(s: &mut TcpStream, buf: &mut Vec<u8>) {
    let mut chunk = [0u8; 8192];
    let n = tokio::time::timeout(Duration::from_secs(10), s.read(&mut chunk))
        .await
        .expect("response within 10 s")
        .unwrap();
    assert!(n > 0, "connection closed early");
    buf.extend_from_slice(&chunk[..n]);
}

fn post(path: &str, body: &str) -> Vec<u8> {
    format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_listener_keep_alive_and_graceful_shutdown() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let state = AppState::with_defaults(clinpost_registry::registry());
    let server = tokio::spawn(serve(listener, state, async {
        let _ = stopped.await;
    }));

    let mut s = TcpStream::connect(addr).await.unwrap();
    s.set_nodelay(true).unwrap();
    let mut buf = Vec::new();

    let r = roundtrip(
        &mut s,
        &mut buf,
        b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    )
    .await;
    assert_eq!(r.status, 200);
    let v: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["status"], "ok");
    assert!(r
        .head
        .to_ascii_lowercase()
        .contains("content-security-policy: default-src 'none'"));

    // Same connection: a check, a fix and an error.
    let body = r#"{"text":"Seen Mr Pennington today, NHS 943 476 5919.","context":{"audience":"closed-group:5000"}}"#;
    let r = roundtrip(&mut s, &mut buf, &post("/v1/check", body)).await;
    assert_eq!(r.status, 200);
    let v: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["verdict"], "do-not-post");
    let r = roundtrip(&mut s, &mut buf, &post("/v1/fix", body)).await;
    assert_eq!(r.status, 200);
    let v: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["verdict"], "ok");
    let r = roundtrip(&mut s, &mut buf, &post("/v1/check", "{")).await;
    assert_eq!(r.status, 400);
    let v: Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(v["error"]["code"], "bad-json");

    // Shut down with the keep-alive connection still open and idle: the server closes it and
    // returns.
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("graceful shutdown within 10 s")
        .expect("server task")
        .expect("serve returned Ok");
    let mut rest = Vec::new();
    let n = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut rest))
        .await
        .expect("connection closed")
        .unwrap_or(0);
    assert_eq!(n, 0, "no stray bytes after shutdown");
    // And nothing listens any more.
    assert!(TcpStream::connect(addr).await.is_err());
}
