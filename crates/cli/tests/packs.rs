//! Organisation policy packs through the binary: `--pack`, `packs = [...]` in clinpost.toml,
//! `rules` and `explain` with packs, and packs that fail to load (exit 2, the file and the rule
//! named, no value from the file quoted).

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

const DATIX: &str = "Just filed DATIX-48213 about the pump failure.";

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/policy-pack.toml")
}

fn cmd(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("clinpost").unwrap();
    c.current_dir(dir)
        .env("CLINPOST_HISTORY", dir.join("history.sqlite"));
    c
}

fn tmp() -> TempDir {
    tempfile::tempdir().unwrap()
}

fn policy_findings(out: &std::process::Output) -> Vec<Value> {
    let v: Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "policy")
        .cloned()
        .collect()
}

#[test]
fn check_with_pack_flags_a_policy_rule() {
    let d = tmp();
    let out = cmd(d.path())
        .args(["check", "--format", "json", "--pack"])
        .arg(example())
        .write_stdin(DATIX)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let f = policy_findings(&out);
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0]["rule"], "NMH004");
    assert_eq!(f[0]["name"], "incident-number");
    assert_eq!(f[0]["category"], "conduct");
    assert_eq!(f[0]["severity"], "error");
    assert_eq!(
        f[0]["message"],
        "Trust policy: incident reference numbers are internal and must not be shared"
    );
    assert_eq!(f[0]["fix"]["replacement"], "[incident number]");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verdict"], "do-not-post");

    // A pack error outranks an overlapping built-in conduct warning (CND009 reads "Datix" in
    // a post about the ward as a public concern): the verdict stays do-not-post.
    let out = cmd(d.path())
        .args(["check", "--format", "json", "--pack"])
        .arg(example())
        .write_stdin("Team selfie on the ward before handover! Just filed DATIX-48213.")
        .output()
        .unwrap();
    let codes: Vec<_> = policy_findings(&out)
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes, ["NMH001", "NMH004"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verdict"], "do-not-post");

    // Without the pack the rule does not exist; with it, `fix` applies its replacement and
    // selectors reach pack rules by prefix and by kind.
    let out = cmd(d.path())
        .args(["check", "--format", "json"])
        .write_stdin(DATIX)
        .output()
        .unwrap();
    assert!(policy_findings(&out).is_empty());
    cmd(d.path())
        .args(["fix", "--pack"])
        .arg(example())
        .write_stdin(DATIX)
        .assert()
        .stdout(predicate::str::contains(
            "Just filed [incident number] about",
        ));
    cmd(d.path())
        .args(["check", "--select", "NMH", "--pack"])
        .arg(example())
        .write_stdin("Team selfie on the ward before handover!")
        .assert()
        .code(1)
        .stdout(predicate::str::contains("warning[NMH001] ward-photos"));
    cmd(d.path())
        .args(["check", "--ignore", "policy", "--pack"])
        .arg(example())
        .write_stdin(DATIX)
        .assert()
        .code(0);
}

#[test]
fn rules_and_explain_list_pack_rules() {
    let d = tmp();
    cmd(d.path())
        .args(["rules", "--pack"])
        .arg(example())
        .assert()
        .success()
        .stdout(
            predicate::str::contains("NMH004  incident-number")
                .and(predicate::str::contains("conduct/policy")),
        );
    cmd(d.path())
        .args(["explain", "NMH001", "--pack"])
        .arg(example())
        .assert()
        .success()
        .stdout(
            predicate::str::contains("kind:     policy")
                .and(predicate::str::contains("## What it does"))
                .and(predicate::str::contains(
                    "https://intranet.northmoor.example/policies/social-media#photography",
                ))
                .and(predicate::str::contains("Team «selfie» on the ward")),
        );
    cmd(d.path()).args(["explain", "NMH001"]).assert().code(2);
}

#[test]
fn config_packs_are_relative_to_the_config_file() {
    let d = tmp();
    let sub = d.path().join("trust");
    fs::create_dir(&sub).unwrap();
    fs::copy(example(), sub.join("policy.toml")).unwrap();
    fs::write(
        d.path().join("clinpost.toml"),
        "packs = [\"trust/policy.toml\"]\n[rules.severity]\nNMH001 = \"error\"\n",
    )
    .unwrap();
    let work = d.path().join("drafts");
    fs::create_dir(&work).unwrap();
    let out = cmd(&work)
        .args(["check", "--format", "json"])
        .write_stdin("Team selfie on the ward before handover!")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let f = policy_findings(&out);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["rule"], "NMH001");
    assert_eq!(f[0]["severity"], "error", "the config's override applies");
    // `rules` reads the config's packs too; the same file given twice loads once.
    cmd(&work)
        .args(["rules", "--pack", "../trust/policy.toml"])
        .assert()
        .success()
        .stdout(predicate::str::contains("NMH002"));
    // A pack missing from the config is an error naming it.
    fs::write(d.path().join("clinpost.toml"), "packs = [\"nope.toml\"]\n").unwrap();
    cmd(&work)
        .args(["check"])
        .write_stdin("hello")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "nope.toml: cannot read: no such file",
        ));
}

#[test]
fn a_bad_pack_exits_2_naming_the_file_and_rule() {
    let d = tmp();
    let src = fs::read_to_string(example())
        .unwrap()
        .replace("Madness in «bay 4» tonight", "Madness in «the bay» tonight");
    fs::write(d.path().join("bad.toml"), &src).unwrap();
    cmd(d.path())
        .args(["check", "--pack", "bad.toml"])
        .write_stdin("hello")
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(
            predicate::str::contains("error: pack bad.toml:")
                .and(predicate::str::contains(
                    "rule NMH002 (ward-and-bay): true sample 1: 1 of its 1 «marked» span is not flagged",
                ))
                .and(predicate::str::contains("Madness").not()),
        );
    // An unknown key and a bad pattern, in `serve` and `rules` too.
    let src = fs::read_to_string(example())
        .unwrap()
        .replace("window = 6\n", "window = 6\nwindwo = 3\n");
    fs::write(d.path().join("typo.toml"), &src).unwrap();
    cmd(d.path())
        .args(["serve", "--port", "0", "--pack", "typo.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "rule NMH001 (ward-photos): unknown key `windwo` in [[rule]]",
        ));
    let src = fs::read_to_string(example())
        .unwrap()
        .replace(r"'\b\d{8}\b'", r"'\b\d{8\b'");
    fs::write(d.path().join("regex.toml"), &src).unwrap();
    cmd(d.path())
        .args(["rules", "--pack", "regex.toml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "rule NMH005 (staff-badge-number): pattern 1 is not a valid regular expression",
        ));
    // Two packs with the same prefix.
    fs::copy(example(), d.path().join("again.toml")).unwrap();
    cmd(d.path())
        .args(["check", "--pack", "again.toml", "--pack"])
        .arg(example())
        .write_stdin("hello")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "prefix NMH is already used by pack again.toml",
        ));
}
