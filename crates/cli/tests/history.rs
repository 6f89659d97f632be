//! `clinpost history` and the history `check` reads: a post that shares details with an earlier
//! one (or refers back to it) is assessed with the combined details and names the earlier post;
//! the store holds no text; list and forget work; errors exit 2.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn cmd(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("clinpost").unwrap();
    c.current_dir(dir)
        .env("CLINPOST_HISTORY", dir.join("store/history.sqlite"));
    c
}

fn json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

/// An earlier post: a rare condition, an age and a place, in a closed group.
const EARLIER: &str =
    "Interesting case: a man in his 30s from Hebden Bridge with Wilson's disease.";
/// A later post that on its own says little — and shares the condition and age decade.
const LATER: &str = "Young chap, 34, with Wilson's disease: copper chelation going well.";

#[test]
fn a_post_sharing_details_with_an_earlier_one_is_assessed_with_both() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("earlier.txt"), EARLIER).unwrap();
    fs::write(d.join("later.txt"), LATER).unwrap();

    // Alone, with no history, the later post is not do-not-post.
    let alone = cmd(d)
        .args(["check", "--format", "json", "later.txt"])
        .output()
        .unwrap();
    let alone = json(&alone);
    assert!(alone["risk"]["earlier"].is_null(), "{alone}");
    let k_alone = alone["risk"]["k"].as_f64().unwrap();

    let add = cmd(d)
        .args([
            "history",
            "add",
            "--at",
            "2026-11-16",
            "--audience",
            "closed-group:5000",
            "earlier.txt",
        ])
        .output()
        .unwrap();
    assert!(
        add.status.success(),
        "{}",
        String::from_utf8_lossy(&add.stderr)
    );
    let msg = String::from_utf8(add.stdout).unwrap();
    assert!(
        msg.starts_with("recorded post 1 (2026-11-16, closed-group:5000)"),
        "{msg}"
    );

    let out = cmd(d)
        .args(["check", "--format", "json", "later.txt"])
        .output()
        .unwrap();
    let v = json(&out);
    let earlier = &v["risk"]["earlier"][0];
    assert_eq!(earlier["posted"], "2026-11-16", "{v}");
    assert_eq!(earlier["id"], 1);
    let shared: Vec<&str> = earlier["shared"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|k| k.as_str())
        .collect();
    assert!(
        shared.contains(&"condition") && shared.contains(&"age"),
        "{shared:?}"
    );
    assert!(
        v["risk"]["k"].as_f64().unwrap() < k_alone,
        "combining narrows: {v}"
    );
    assert_eq!(v["verdict"], "do-not-post", "{v}");
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["message"]
                .as_str()
                .unwrap()
                .contains("earlier post of 2026-11-16")),
        "{v}"
    );

    // --no-history ignores it.
    let off = json(
        &cmd(d)
            .args(["check", "--no-history", "--format", "json", "later.txt"])
            .output()
            .unwrap(),
    );
    assert!(off["risk"]["earlier"].is_null());

    // The store holds no text: no word of either post in the database, its WAL or the key.
    for entry in fs::read_dir(d.join("store")).unwrap() {
        let bytes = fs::read(entry.unwrap().path()).unwrap();
        let lower = String::from_utf8_lossy(&bytes).to_lowercase();
        for word in ["hebden", "wilson", "chelation", "interesting", "copper"] {
            assert!(!lower.contains(word), "the store holds {word:?}");
        }
    }
}

#[test]
fn a_back_reference_links_to_the_latest_post() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(
        d.join("a.txt"),
        "Lady in her 80s with a huge PSA... no wait, CA-125 of 9,000.",
    )
    .unwrap();
    fs::write(
        d.join("b.txt"),
        "Update on the lady from last week: she is comfortable now.",
    )
    .unwrap();
    assert!(cmd(d)
        .args(["history", "add", "--at", "2026-11-20", "a.txt"])
        .output()
        .unwrap()
        .status
        .success());
    let v = json(
        &cmd(d)
            .args(["check", "--format", "json", "b.txt"])
            .output()
            .unwrap(),
    );
    let e = &v["risk"]["earlier"][0];
    assert_eq!(e["back_reference"], true, "{v}");
    assert_eq!(e["posted"], "2026-11-20");
}

#[test]
fn list_and_forget() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("a.txt"), EARLIER).unwrap();
    for at in ["2026-01-01", "2026-06-01", "2026-11-01"] {
        assert!(cmd(d)
            .args(["history", "add", "--at", at, "a.txt"])
            .output()
            .unwrap()
            .status
            .success());
    }
    let list = json(
        &cmd(d)
            .args(["history", "list", "--format", "json"])
            .output()
            .unwrap(),
    );
    let dates: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["posted"].as_str().unwrap())
        .collect();
    assert_eq!(dates, ["2026-11-01", "2026-06-01", "2026-01-01"]);
    let human =
        String::from_utf8(cmd(d).args(["history", "list"]).output().unwrap().stdout).unwrap();
    assert!(
        human.contains("2026-06-01") && human.contains("condition"),
        "{human}"
    );

    let out = cmd(d)
        .args(["history", "forget", "--before", "2026-03-01"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        "forgot 1 post"
    );
    let id = list[0]["id"].as_i64().unwrap().to_string();
    let out = cmd(d).args(["history", "forget", &id]).output().unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        "forgot 1 post"
    );
    let out = cmd(d)
        .args(["history", "forget", "--all"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        "forgot 1 post"
    );
    let list = json(
        &cmd(d)
            .args(["history", "list", "--format", "json"])
            .output()
            .unwrap(),
    );
    assert_eq!(list, serde_json::json!([]));
    // forget needs something to forget.
    assert_eq!(
        cmd(d)
            .args(["history", "forget"])
            .output()
            .unwrap()
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn errors_exit_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("a.txt"), EARLIER).unwrap();
    // An explicit history that does not exist.
    let out = cmd(d)
        .args(["check", "--history", "nope.sqlite", "a.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such store"));
    // A bad date.
    let out = cmd(d)
        .args(["history", "add", "--at", "16/11/2026", "a.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("YYYY-MM-DD"));
    // A damaged key: refused, not silently replaced (that would orphan every fingerprint).
    assert!(cmd(d)
        .args(["history", "add", "a.txt"])
        .output()
        .unwrap()
        .status
        .success());
    fs::write(d.join("store/history.key"), b"short").unwrap();
    let out = cmd(d).args(["check", "a.txt"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("key file"), "{err}");
    assert!(!err.to_lowercase().contains("wilson"), "{err}");
}
