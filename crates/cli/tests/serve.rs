//! `clinpost serve` as a user runs it: the binary prints its URL once listening, answers over
//! HTTP, logs requests on stderr without any draft text, and exits 0 on SIGTERM.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

const CANARY: &str = "Wombatlantern4471";

fn request(url_host: &str, raw: &str) -> (u16, String) {
    let mut s = TcpStream::connect(url_host).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(raw.as_bytes()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = out
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn post(host: &str, path: &str, body: &str) -> (u16, String) {
    request(
        host,
        &format!(
            "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
}

#[cfg(unix)]
#[test]
fn serve_prints_url_answers_and_stops_on_sigterm() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_clinpost"))
        .args(["serve", "--port", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn clinpost serve");
    // The URL is printed once the listener is bound: reading it is the readiness signal.
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut url = String::new();
    stdout.read_line(&mut url).unwrap();
    let url = url.trim().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url:?}");
    let host = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();

    let (status, body) = request(
        &host,
        &format!("GET /healthz HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(status, 200, "{body}");
    let draft = format!(
        r#"{{"text":"Seen Mr {CANARY} today, NHS 943 476 5919","context":{{"author":"{CANARY}"}}}}"#
    );
    let (status, body) = post(&host, "/v1/check", &draft);
    assert_eq!(status, 200);
    assert!(body.contains("do-not-post"), "{body}");
    let (status, body) = post(&host, "/v1/check", &format!("{{\"text\": \"{CANARY}"));
    assert_eq!(status, 400);
    assert!(!body.contains(CANARY));

    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(kill.success());
    let out = child.wait_with_output().expect("wait");
    assert!(out.status.success(), "exit status {:?}", out.status);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains(CANARY),
        "the draft reached the log:\n{stderr}"
    );
    assert!(stderr.contains("POST /v1/check 200"), "{stderr}");
    assert!(stderr.contains("POST /v1/check 400"), "{stderr}");
    assert!(stderr.contains("stopped"), "{stderr}");
    assert!(
        !stderr.contains("warning"),
        "no warning on loopback: {stderr}"
    );
}

#[test]
fn serve_rejects_a_bad_cors_origin() {
    let out = Command::new(env!("CARGO_BIN_EXE_clinpost"))
        .args(["serve", "--port", "0", "--cors-origin", "forum.example/x"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid CORS origin"));
    assert!(out.stdout.is_empty());
}

#[test]
fn serve_help_lists_the_options() {
    let out = Command::new(env!("CARGO_BIN_EXE_clinpost"))
        .args(["serve", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for opt in [
        "--port",
        "--bind",
        "--open",
        "--cors-origin",
        "--quiet",
        "--config",
        "--select",
    ] {
        assert!(help.contains(opt), "{opt} missing from:\n{help}");
    }
}

#[test]
fn serve_reads_the_configuration_like_check() {
    let dir = std::env::temp_dir().join(format!("clinpost-serve-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("clinpost.toml"),
        "[rules]\nignore = [\"NOPE99\"]\n",
    )
    .unwrap();
    // A bad selector in the configuration stops `serve` as it stops `check`: exit 2, file named.
    let out = Command::new(env!("CARGO_BIN_EXE_clinpost"))
        .args(["serve", "--port", "0"])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("clinpost.toml"));
    assert!(out.stdout.is_empty());
    // --no-config skips it; a bad --select on the command line is refused too.
    let out = Command::new(env!("CARGO_BIN_EXE_clinpost"))
        .args(["serve", "--port", "0", "--no-config", "--select", "NOPE99"])
        .current_dir(&dir)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
