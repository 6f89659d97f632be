//! End-to-end tests of the `clinpost` binary: every subcommand and format, exit codes, config,
//! malformed input, and canaries proving document text never reaches errors or machine output.
//!
//! Positive cases use inputs that certainly trigger PHI001 (a checksum-valid NHS number) and
//! PHI007 (an email address).

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use tempfile::TempDir;

const NHS: &str = "Saw him today, NHS 943 476 5919, doing well.";
const EMAIL: &str = "Write to jo@example.com for the rota.";
const CLEAN: &str = "Remember to wash your hands.";

/// A command run inside `dir` (so no stray clinpost.toml from the tree is picked up).
fn cmd(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("clinpost").unwrap();
    // A history of its own (absent unless a test records posts), not the user's.
    c.current_dir(dir)
        .env_remove("NO_COLOR")
        .env("CLINPOST_HISTORY", dir.join("history.sqlite"));
    c
}

fn tmp() -> TempDir {
    tempfile::tempdir().unwrap()
}

fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) -> std::path::PathBuf {
    let p = dir.join(name);
    fs::write(&p, text).unwrap();
    p
}

fn stdout_json(out: &std::process::Output) -> Value {
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

fn rules_of(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

// ---------------------------------------------------------------- check: human

#[test]
fn check_human_annotates_the_span() {
    let d = tmp();
    write(d.path(), "post.txt", NHS);
    cmd(d.path())
        .args(["check", "post.txt"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("error[PHI001] nhs-number:"))
        .stdout(predicate::str::contains(" --> post.txt:1:20"))
        .stdout(predicate::str::contains("^^^^^^^^^^^^ fix: [NHS number]"))
        .stdout(predicate::str::contains("= why:"))
        .stdout(predicate::str::contains("= confidence: high"))
        .stdout(predicate::str::contains("post.txt: do-not-post"))
        .stdout(predicate::str::contains("\x1b[").not());
}

#[test]
fn check_human_underlines_multibyte_text_by_char() {
    let d = tmp();
    // "Zoë José 👍 " precede the number: 3 + 1 + 4 + 1 + 1 (+1 wide) + 1 + "NHS " columns.
    let text = "Zoë José 👍 NHS 943 476 5919\n";
    let out = cmd(d.path())
        .args(["check", "--color", "never", "--select", "PHI001"])
        .write_stdin(text)
        .output()
        .unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains(" --> <stdin>:1:16"), "{s}");
    let lines: Vec<&str> = s.lines().collect();
    let src = lines.iter().position(|l| l.contains("Zoë José")).unwrap();
    let carets = lines[src + 1];
    let bar = carets.find('|').unwrap();
    let lead = carets[bar + 2..].find('^').unwrap();
    // Display width of "Zoë José 👍 NHS ": the emoji is two columns wide.
    assert_eq!(lead, 3 + 1 + 4 + 1 + 2 + 1 + 4, "{s}");
    assert!(carets.contains(&"^".repeat(12)));
}

#[test]
fn check_color_always_and_no_color() {
    let d = tmp();
    cmd(d.path())
        .args(["check", "--color", "always"])
        .write_stdin(NHS)
        .assert()
        .stdout(predicate::str::contains("\x1b["));
    cmd(d.path())
        .args(["check"])
        .env("NO_COLOR", "1")
        .write_stdin(NHS)
        .assert()
        .stdout(predicate::str::contains("\x1b[").not());
}

#[test]
fn check_clean_post_exits_zero() {
    let d = tmp();
    cmd(d.path())
        .arg("check")
        .write_stdin(CLEAN)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("<stdin>: ok"));
}

#[test]
fn check_several_files_prints_verdicts_and_summary() {
    let d = tmp();
    write(d.path(), "a.txt", NHS);
    write(d.path(), "b.txt", CLEAN);
    cmd(d.path())
        .args(["check", "a.txt", "b.txt"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("a.txt: do-not-post"))
        .stdout(predicate::str::contains("b.txt: ok"))
        .stdout(predicate::str::contains(
            "Checked 2 documents: 1 do-not-post, 0 caution, 1 ok",
        ));
}

// ---------------------------------------------------------------- check: machine formats

#[test]
fn check_json_single_is_an_object_with_id() {
    let d = tmp();
    write(d.path(), "post.txt", NHS);
    let out = cmd(d.path())
        .args(["check", "--format", "json", "post.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = stdout_json(&out);
    assert_eq!(v["id"], "post.txt");
    assert_eq!(v["verdict"], "do-not-post");
    let f = &v["findings"][0];
    assert_eq!(f["rule"], "PHI001");
    assert_eq!(f["kind"], "nhs-number");
    let (s, e) = (
        f["start"].as_u64().unwrap() as usize,
        f["end"].as_u64().unwrap() as usize,
    );
    assert_eq!(&NHS[s..e], "943 476 5919");
    assert_eq!(f["line"], 1);
    assert_eq!(f["column"], s as u64 + 1);
}

#[test]
fn check_json_stdin_id_is_dash_and_several_is_array() {
    let d = tmp();
    let v = stdout_json(
        &cmd(d.path())
            .args(["check", "--format", "json"])
            .write_stdin(EMAIL)
            .output()
            .unwrap(),
    );
    assert_eq!(v["id"], "-");
    assert!(rules_of(&v).contains(&"PHI007".to_string()));

    write(d.path(), "a.txt", NHS);
    write(d.path(), "b.txt", CLEAN);
    let v = stdout_json(
        &cmd(d.path())
            .args(["check", "--format", "json", "a.txt", "b.txt"])
            .output()
            .unwrap(),
    );
    let arr = v.as_array().unwrap();
    assert_eq!(arr.len(), 2);
    assert_eq!(arr[0]["id"], "a.txt");
    assert_eq!(arr[1]["verdict"], "ok");
}

#[test]
fn check_jsonl_format_one_report_per_line() {
    let d = tmp();
    write(d.path(), "a.txt", NHS);
    write(d.path(), "b.txt", EMAIL);
    let out = cmd(d.path())
        .args(["check", "--format", "jsonl", "a.txt", "b.txt"])
        .output()
        .unwrap();
    let lines: Vec<Value> = out
        .stdout
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["id"], "b.txt");
}

#[test]
fn check_sarif_has_required_keys_and_utf16_regions() {
    let d = tmp();
    // "Zoë 👍 " : the emoji is 2 UTF-16 units.
    let text = "Zoë 👍 NHS 943 476 5919";
    write(d.path(), "post.txt", text);
    let out = cmd(d.path())
        .args(["check", "--format", "sarif", "post.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v = stdout_json(&out);
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif"));
    let run = &v["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "clinpost");
    let rules = driver["rules"].as_array().unwrap();
    let phi001 = rules.iter().find(|r| r["id"] == "PHI001").unwrap();
    assert!(!phi001["help"]["text"].as_str().unwrap().is_empty());
    assert!(phi001["shortDescription"]["text"].is_string());
    let res = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "PHI001")
        .unwrap();
    assert_eq!(res["level"], "error");
    assert!(res["message"]["text"].is_string());
    let loc = &res["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "post.txt");
    let r = &loc["region"];
    let units_before = "Zoë 👍 NHS ".encode_utf16().count() as u64;
    assert_eq!(r["startLine"], 1);
    assert_eq!(r["startColumn"], units_before + 1);
    assert_eq!(r["endLine"], 1);
    assert_eq!(r["endColumn"], units_before + 1 + 12);
    assert_eq!(r["charOffset"], units_before);
    assert_eq!(r["charLength"], 12);
    let idx = res["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[idx]["id"], "PHI001");
}

// ---------------------------------------------------------------- check --jsonl (batch)

#[test]
fn jsonl_batch_in_order_with_context() {
    let d = tmp();
    let input = format!(
        "{}\n{}\n\n{}\n",
        serde_json::json!({"id": "a", "text": NHS}),
        serde_json::json!({"id": "b", "text": CLEAN, "context": {"audience": "closed-group:5000", "account": "pseudonymous", "author": "Dr A B, GP", "reply_to": "hi"}}),
        serde_json::json!({"id": "c", "text": EMAIL}),
    );
    write(d.path(), "in.jsonl", &input);
    let out = cmd(d.path())
        .args(["check", "--jsonl", "in.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let s = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Value> = s
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let ids: Vec<&str> = lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["a", "b", "c"]);
    assert_eq!(lines[0]["verdict"], "do-not-post");
    assert_eq!(lines[1]["verdict"], "ok");
    assert!(rules_of(&lines[2]).contains(&"PHI007".to_string()));
    assert!(lines[0].get("fixed").is_none());

    // Same from stdin with `-`.
    cmd(d.path())
        .args(["check", "--jsonl", "-"])
        .write_stdin(input)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\"id\":\"c\""));
}

#[test]
fn jsonl_fix_adds_fixed_field() {
    let d = tmp();
    let input = format!("{}\n", serde_json::json!({"id": "a", "text": NHS}));
    let out = cmd(d.path())
        .args(["check", "--jsonl", "-", "--fix"])
        .write_stdin(input)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let fixed = v["fixed"].as_str().unwrap();
    assert!(fixed.contains("[NHS number]"));
    assert!(!fixed.contains("943 476 5919"));
}

#[test]
fn jsonl_malformed_line_keeps_good_lines_and_names_the_line() {
    let d = tmp();
    let input = format!(
        "{}\n{}\n{}\n{}\n",
        serde_json::json!({"id": "a", "text": NHS}),
        r#"{"id": "b", "text": "CANARY-7f3a not closed"#,
        r#"{"id": "c", "text": "CANARY-7f3a", "context": "CANARY-7f3a"}"#,
        serde_json::json!({"id": "d", "text": CLEAN}),
    );
    write(d.path(), "in.jsonl", input);
    let out = cmd(d.path())
        .args(["check", "--jsonl", "in.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let ids: Vec<String> = stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids, ["a", "d"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("in.jsonl:2:"), "{stderr}");
    assert!(stderr.contains("in.jsonl:3:"), "{stderr}");
    assert!(!stderr.contains("CANARY"), "{stderr}");
}

#[test]
fn jsonl_invalid_utf8_line_names_offset() {
    let d = tmp();
    let mut input = format!("{}\n", serde_json::json!({"id": "a", "text": CLEAN})).into_bytes();
    input.extend_from_slice(b"{\"id\": \"b\", \"text\": \"CANARY-utf8 \xff\xfe\"}\n");
    write(d.path(), "in.jsonl", input);
    cmd(d.path())
        .args(["check", "--jsonl", "in.jsonl"])
        .assert()
        .code(2)
        .stdout(predicate::str::contains("\"id\":\"a\""))
        .stderr(predicate::str::contains(
            "in.jsonl:2: invalid UTF-8 at byte offset 33",
        ))
        .stderr(predicate::str::contains("CANARY").not());
}

#[test]
fn jsonl_rejects_other_formats() {
    let d = tmp();
    cmd(d.path())
        .args(["check", "--jsonl", "-", "--format", "sarif"])
        .write_stdin("")
        .assert()
        .code(2);
}

// ---------------------------------------------------------------- fix

#[test]
fn fix_prints_safe_version() {
    let d = tmp();
    write(d.path(), "post.txt", format!("{NHS}\n{EMAIL}\n"));
    let out = cmd(d.path()).args(["fix", "post.txt"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("[NHS number]"), "{s}");
    assert!(!s.contains("943 476 5919"));
    assert!(!s.contains("jo@example.com"));
    assert!(s.starts_with("Saw him today, NHS "));
}

#[test]
fn check_fix_human_and_json() {
    let d = tmp();
    cmd(d.path())
        .args(["check", "--fix"])
        .write_stdin(NHS)
        .assert()
        .code(1)
        .stdout(predicate::str::contains("safe version of <stdin>"))
        .stdout(predicate::str::contains("NHS [NHS number]"));
    let v = stdout_json(
        &cmd(d.path())
            .args(["check", "--fix", "--format", "json", "--unsafe-fixes"])
            .write_stdin(NHS)
            .output()
            .unwrap(),
    );
    assert!(v["fixed"].as_str().unwrap().contains("[NHS number]"));
}

#[test]
fn fix_output_file_is_written_atomically() {
    let d = tmp();
    write(d.path(), "post.txt", NHS);
    cmd(d.path())
        .args(["fix", "post.txt", "-o", "safe.txt"])
        .assert()
        .code(0)
        .stdout(predicate::str::is_empty());
    let safe = fs::read_to_string(d.path().join("safe.txt")).unwrap();
    assert!(safe.contains("[NHS number]"));
    // A failed run leaves the old output untouched and no temporary file behind.
    cmd(d.path())
        .args(["fix", "missing.txt", "-o", "safe.txt"])
        .assert()
        .code(2);
    assert_eq!(fs::read_to_string(d.path().join("safe.txt")).unwrap(), safe);
    let names: Vec<_> = fs::read_dir(d.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}

#[test]
fn fix_jsonl_output_file_not_written_on_bad_line() {
    let d = tmp();
    let input = format!(
        "{}\nnot json\n",
        serde_json::json!({"id": "a", "text": NHS})
    );
    write(d.path(), "in.jsonl", input);
    cmd(d.path())
        .args(["fix", "--jsonl", "in.jsonl", "-o", "out.jsonl"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("in.jsonl:2:"));
    assert!(!d.path().join("out.jsonl").exists());
    fs::write(
        d.path().join("in.jsonl"),
        format!("{}\n", serde_json::json!({"id": "a", "text": NHS})),
    )
    .unwrap();
    cmd(d.path())
        .args(["fix", "--jsonl", "in.jsonl", "-o", "out.jsonl"])
        .assert()
        .code(0);
    let v: Value = serde_json::from_str(
        fs::read_to_string(d.path().join("out.jsonl"))
            .unwrap()
            .trim(),
    )
    .unwrap();
    assert!(v["fixed"].as_str().unwrap().contains("[NHS number]"));
}

// ---------------------------------------------------------------- rules / explain

#[test]
fn rules_table_and_json() {
    let d = tmp();
    cmd(d.path())
        .arg("rules")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("CODE"))
        .stdout(predicate::str::contains("PHI001"))
        .stdout(predicate::str::contains("identifier/nhs-number"));
    let v = stdout_json(
        &cmd(d.path())
            .args(["rules", "--format", "json"])
            .output()
            .unwrap(),
    );
    let r = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "PHI001")
        .unwrap();
    assert_eq!(r["name"], "nhs-number");
    assert_eq!(r["category"], "identifier");
    assert_eq!(r["severity"], "error");
    assert!(r["summary"].is_string());
}

#[test]
fn explain_by_code_and_name() {
    let d = tmp();
    for q in ["PHI001", "phi001", "NHS-Number"] {
        cmd(d.path())
            .args(["explain", q])
            .assert()
            .code(0)
            .stdout(predicate::str::contains("PHI001 nhs-number"))
            .stdout(predicate::str::contains("severity: error"))
            .stdout(predicate::str::contains("category: identifier"))
            .stdout(predicate::str::contains(
                "gmc-sm/no-public-patient-discussion",
            ))
            .stdout(predicate::str::contains("source: GMC"))
            .stdout(predicate::str::contains(
                "Flagged («» marks what the rule reports):",
            ));
    }
}

#[test]
fn explain_unknown_suggests_nearest() {
    let d = tmp();
    cmd(d.path())
        .args(["explain", "PHI01"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule 'PHI01'"))
        .stderr(predicate::str::contains("did you mean PHI001"));
}

// ---------------------------------------------------------------- exit codes and fail-on

#[test]
fn fail_on_levels() {
    let d = tmp();
    let run = |args: &[&str], input: &str| {
        cmd(d.path())
            .arg("check")
            .args(args)
            .write_stdin(input.to_string())
            .output()
            .unwrap()
            .status
            .code()
            .unwrap()
    };
    assert_eq!(run(&[], NHS), 1);
    assert_eq!(run(&["--fail-on", "never"], NHS), 0);
    assert_eq!(run(&["--fail-on", "do-not-post"], NHS), 1);
    assert_eq!(run(&["--fail-on", "ok"], CLEAN), 0);
    assert_eq!(run(&["--fail-on", "ok"], NHS), 1);
    assert_eq!(run(&["--fail-on", "bogus"], NHS), 2);
    assert_eq!(run(&["--no-such-flag"], NHS), 2);
}

// ---------------------------------------------------------------- context flags

#[test]
fn context_flags_are_accepted() {
    let d = tmp();
    write(d.path(), "reply.txt", "The complaint text");
    write(
        d.path(),
        "me.toml",
        "name = \"Dr Jane Smith\"\nrole = \"GP\"\npractice = \"Riverside Surgery\"\npostcode = \"AB1 2CD\"\nlist_size = 8800\naccount = \"named\"\n",
    );
    cmd(d.path())
        .args([
            "check",
            "--author",
            "Dr A B, GP, Practice, Town",
            "--audience",
            "closed-group:5000",
            "--account",
            "pseudonymous",
            "--reply-to",
            "reply.txt",
            "--profile",
            "me.toml",
        ])
        .write_stdin(CLEAN)
        .assert()
        .code(0);
    cmd(d.path())
        .args(["check", "--reply-to", "a literal message, not a file"])
        .write_stdin(CLEAN)
        .assert()
        .code(0);
    cmd(d.path())
        .args(["check", "--audience", "everyone"])
        .write_stdin(CLEAN)
        .assert()
        .code(2);
}

#[test]
fn profile_unknown_key_points_at_line() {
    let d = tmp();
    write(d.path(), "me.toml", "name = \"Dr A\"\ncolour = \"red\"\n");
    cmd(d.path())
        .args(["check", "--profile", "me.toml"])
        .write_stdin(CLEAN)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("me.toml:2:"))
        .stderr(predicate::str::contains("colour"));
}

// ---------------------------------------------------------------- config

#[test]
fn config_select_ignore_severity_allow() {
    let d = tmp();
    let both = format!("{NHS} {EMAIL}");
    let found = |dir: &Path, args: &[&str]| -> (i32, Vec<String>, Value) {
        let out = cmd(dir)
            .args(["check", "--format", "json"])
            .args(args)
            .write_stdin(both.clone())
            .output()
            .unwrap();
        let v = stdout_json(&out);
        (out.status.code().unwrap(), rules_of(&v), v)
    };

    write(
        d.path(),
        "clinpost.toml",
        "[rules]\nselect = [\"PHI007\"]\n",
    );
    let (_, rules, _) = found(d.path(), &[]);
    assert_eq!(rules, ["PHI007"]);

    write(d.path(), "clinpost.toml", "[rules]\nignore = [\"email\"]\n");
    let (_, rules, _) = found(d.path(), &[]);
    assert!(rules.contains(&"PHI001".to_string()) && !rules.contains(&"PHI007".to_string()));
    // CLI flags override the file.
    let (_, rules, _) = found(d.path(), &["--ignore", "PHI001"]);
    assert!(!rules.contains(&"PHI001".to_string()) && rules.contains(&"PHI007".to_string()));
    let (_, rules, _) = found(d.path(), &["--no-config"]);
    assert!(rules.contains(&"PHI007".to_string()));

    write(
        d.path(),
        "clinpost.toml",
        "[rules]\nselect = [\"PHI001\"]\n[rules.severity]\nPHI001 = \"warning\"\n",
    );
    let (code, _, v) = found(d.path(), &[]);
    assert_eq!(v["findings"][0]["severity"], "warning");
    assert_eq!(v["verdict"], "caution");
    assert_eq!(code, 1);
    let (code, _, _) = found(d.path(), &["--fail-on", "do-not-post"]);
    assert_eq!(code, 0);

    write(
        d.path(),
        "clinpost.toml",
        "fail-on = \"do-not-post\"\n[rules]\nselect = [\"PHI001\"]\n[rules.severity]\nPHI001 = \"warning\"\n",
    );
    assert_eq!(found(d.path(), &[]).0, 0);

    write(d.path(), "clinpost.toml", "allow = [\"jo@example.com\"]\n");
    let (_, rules, _) = found(d.path(), &[]);
    assert!(!rules.contains(&"PHI007".to_string()), "{rules:?}");
    assert!(rules.contains(&"PHI001".to_string()));
}

#[test]
fn config_found_in_parent_and_explicit() {
    let d = tmp();
    write(
        d.path(),
        "clinpost.toml",
        "[rules]\nignore = [\"PHI001\"]\n",
    );
    let sub = d.path().join("a/b");
    fs::create_dir_all(&sub).unwrap();
    cmd(&sub)
        .args(["check", "--select", "PHI001"])
        .write_stdin(NHS)
        .assert()
        .code(0);
    write(d.path(), "other.toml", "[rules]\nselect = [\"PHI007\"]\n");
    cmd(&sub)
        .args(["check", "--config", "../../other.toml"])
        .write_stdin(NHS)
        .assert()
        .code(0);
    cmd(&sub).arg("check").write_stdin(NHS).assert().code(0);
    cmd(&sub)
        .args(["check", "--no-config"])
        .write_stdin(NHS)
        .assert()
        .code(1);
}

#[test]
fn config_errors_point_at_file_and_line() {
    let d = tmp();
    write(
        d.path(),
        "clinpost.toml",
        "fail-on = \"caution\"\n[rules]\nselekt = []\n",
    );
    cmd(d.path())
        .arg("check")
        .write_stdin(CLEAN)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("clinpost.toml:3:1"))
        .stderr(predicate::str::contains("selekt"));
    write(
        d.path(),
        "clinpost.toml",
        "[rules]\nselect = [\"PHI001\", \"NOPE99\"]\n",
    );
    cmd(d.path())
        .arg("check")
        .write_stdin(CLEAN)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("clinpost.toml:2:"))
        .stderr(predicate::str::contains("unknown rule selector 'NOPE99'"));
    write(
        d.path(),
        "clinpost.toml",
        "[rules.severity]\nPHI001 = \"loud\"\n",
    );
    cmd(d.path())
        .arg("check")
        .write_stdin(CLEAN)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("clinpost.toml:2:"));
    write(
        d.path(),
        "clinpost.toml",
        "[rules.severity]\nNOPE99 = \"info\"\n",
    );
    cmd(d.path())
        .arg("check")
        .write_stdin(CLEAN)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("NOPE99"));
    fs::remove_file(d.path().join("clinpost.toml")).unwrap();
    cmd(d.path())
        .args(["check", "--select", "NOPE99"])
        .write_stdin(CLEAN)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown rule selector 'NOPE99'"));
}

// ---------------------------------------------------------------- input errors

#[test]
fn invalid_utf8_names_offset_not_bytes() {
    let d = tmp();
    let mut b = b"first line\nCANARY-bytes-91c ".to_vec();
    b.push(0xff);
    write(d.path(), "bad.txt", b);
    cmd(d.path())
        .args(["check", "bad.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.txt: invalid UTF-8 at byte offset 28 (line 2, column 18)",
        ))
        .stderr(predicate::str::contains("CANARY").not());
}

#[test]
fn missing_file_and_directory_are_errors_but_others_are_checked() {
    let d = tmp();
    write(d.path(), "good.txt", NHS);
    fs::create_dir(d.path().join("dir")).unwrap();
    cmd(d.path())
        .args(["check", "missing.txt", "dir", "good.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.txt: no such file"))
        .stderr(predicate::str::contains("dir: is a directory"))
        .stdout(predicate::str::contains("good.txt: do-not-post"));
}

#[test]
fn oversized_file_is_refused() {
    let d = tmp();
    let f = fs::File::create(d.path().join("big.txt")).unwrap();
    f.set_len(65 << 20).unwrap();
    cmd(d.path())
        .args(["check", "big.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("over the 64 MiB limit"));
}

// ---------------------------------------------------------------- canaries

const CANARY: &str = "Zq7CANARYx9 Mrs Canaryfield";

#[test]
fn canary_absent_from_json_and_sarif_output() {
    let d = tmp();
    // Identifiers not used in any rule's docs (SARIF carries the docs as help text).
    let text = format!("{CANARY} NHS 485 777 3015 zq7canary@example.org");
    for fmt in ["json", "jsonl", "sarif"] {
        let out = cmd(d.path())
            .args(["check", "--format", fmt])
            .write_stdin(text.clone())
            .output()
            .unwrap();
        let s = String::from_utf8(out.stdout).unwrap();
        assert!(s.contains("PHI001"), "{fmt}: {s}");
        assert!(!s.contains("CANARY") && !s.contains("Canaryfield"), "{fmt}");
        assert!(
            !s.contains("485 777 3015") && !s.contains("zq7canary"),
            "{fmt}"
        );
        assert!(!String::from_utf8(out.stderr).unwrap().contains("CANARY"));
    }
    let line = format!("{}\n", serde_json::json!({"id": "x", "text": text}));
    let out = cmd(d.path())
        .args(["check", "--jsonl", "-"])
        .write_stdin(line)
        .output()
        .unwrap();
    let s = String::from_utf8(out.stdout).unwrap();
    assert!(s.contains("PHI001"));
    assert!(!s.contains("CANARY") && !s.contains("485 777 3015"));
}

#[test]
fn canary_absent_from_stderr_on_errors() {
    let d = tmp();
    let mut bad = format!("{CANARY}\n{CANARY} ").into_bytes();
    bad.push(0xc3);
    write(d.path(), "bad.txt", &bad);
    let lines = [
        format!("{{\"id\": \"{CANARY}\", \"text\": 5}}"),
        format!("{{\"id\": \"a\", \"text\": \"{CANARY}\", \"context\": {{\"audience\": \"{CANARY}\"}}}}"),
        format!("{{\"id\": \"a\", \"text\": \"{CANARY}\", \"context\": {{\"account\": \"{CANARY}\"}}}}"),
        format!("{{\"id\": \"a\", \"text\": \"{CANARY}\", \"context\": {{\"{CANARY}\": 1}}}}"),
        format!("{{\"id\": \"a\", \"text\": \"{CANARY}\", \"{CANARY}"),
        CANARY.to_string(),
    ];
    write(d.path(), "bad.jsonl", lines.join("\n"));
    let mut badj = format!("{{\"id\": \"a\", \"text\": \"{CANARY} ").into_bytes();
    badj.push(0xff);
    badj.extend_from_slice(b"\"}\n");
    write(d.path(), "bad2.jsonl", badj);
    for args in [
        vec!["check", "bad.txt"],
        vec!["check", "--format", "json", "bad.txt"],
        vec!["fix", "bad.txt"],
        vec!["check", "--jsonl", "bad.jsonl"],
        vec!["check", "--jsonl", "bad2.jsonl"],
        vec!["fix", "--jsonl", "bad.jsonl"],
        vec!["check", "--reply-to", "bad.txt"],
    ] {
        let out = cmd(d.path()).args(&args).write_stdin("x").output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.is_empty(), "{args:?}");
        assert!(
            !err.contains("CANARY") && !err.contains("Canaryfield"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn jsonl_numeric_and_missing_ids() {
    let d = tmp();
    let input = "{\"id\": 7, \"text\": \"hello\"}\n{\"text\": \"hello\"}\n";
    let out = cmd(d.path())
        .args(["check", "--jsonl", "-"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let s = String::from_utf8(out.stdout).unwrap();
    let ids: Vec<String> = s
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids, ["7", "2"]);
}

// ---------------------------------------------------------------- review fixes (L1, L4, L5, P3)

/// Values shaped like serde's and toml's own wording, so that a parser of their messages would
/// keep part of them.
const WORDY: &[&str] = &[
    "Reply to Mrs Jane CANARY, expected home Tuesday",
    "CANARY`, expected one of `named`, `pseudonymous`",
    "unknown variant `CANARY`, expected `named` or `pseudonymous`",
    "invalid type: string \"CANARY\", expected a string",
];

#[test]
fn jsonl_errors_never_echo_values_that_look_like_error_wording() {
    let d = tmp();
    let mut lines = Vec::new();
    for w in WORDY {
        let q = serde_json::to_string(w).unwrap();
        for tpl in [
            r#"{"id":"a","text":"x","context":{"reply_to":Q,"account":5}}"#,
            r#"{"id":"a","text":"x","context":{"author":Q,"audience":Q}}"#,
            r#"{"id":"a","text":"x","context":{"account":Q}}"#,
            r#"{"id":"a","text":"x","context":{Q:Q}}"#,
            r#"{"id":"a","text":"x","context":Q}"#,
            r#"{"id":Q,"text":{"t":Q}}"#,
            r#"{"id":[Q],"text":Q}"#,
            r#"{"id":Q,"text":Q,"text":Q}"#,
            r#"{"id":Q,"context":{"author":Q}}"#,
            r#"{"id":Q,"text":Q,"context":{"author":Q} x"#,
        ] {
            lines.push(tpl.replace('Q', &q));
        }
    }
    let n = lines.len();
    write(d.path(), "in.jsonl", lines.join("\n") + "\n");
    let out = cmd(d.path())
        .args(["check", "--jsonl", "in.jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), n, "{err}");
    assert!(
        !err.contains("CANARY") && !err.contains("Jane") && !err.contains("Tuesday"),
        "{err}"
    );
    assert!(
        err.contains(
            "in.jsonl:3: \"context.account\" must be \"named\" or \"pseudonymous\" (line skipped)"
        ),
        "{err}"
    );
}

#[test]
fn config_and_profile_errors_never_echo_values() {
    let d = tmp();
    for w in WORDY {
        let q = format!("'{}'", w.replace('\'', ""));
        for (i, src) in [
            format!("name = {q}\naccount = {q}\n"),
            format!("name = [{q}]\n"),
            format!("list_size = {q}\n"),
            format!("name = {q}\n{q} = 1\n"),
            format!("name = {q} {q}\n"),
        ]
        .iter()
        .enumerate()
        {
            write(d.path(), "me.toml", src);
            let out = cmd(d.path())
                .args(["check", "--no-config", "--profile", "me.toml"])
                .write_stdin(CLEAN)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2));
            let err = String::from_utf8(out.stderr).unwrap();
            assert!(err.contains("me.toml:"), "{err}");
            assert!(
                !err.contains("CANARY") && !err.contains("Jane"),
                "{i}: {err}"
            );
        }
        for src in [
            format!("fail-on = {q}\n"),
            format!("allow = {q}\n"),
            format!("allow = [{q}, 1]\n"),
            format!("[rules]\nselect = [{q}]\n"),
            format!("[rules.severity]\nPHI001 = {q}\n"),
            format!("[rules.severity]\n{q} = \"info\"\n"),
            format!("[rules]\n{q} = 1\n"),
        ] {
            write(d.path(), "clinpost.toml", &src);
            let out = cmd(d.path())
                .arg("check")
                .write_stdin(CLEAN)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2));
            let err = String::from_utf8(out.stderr).unwrap();
            assert!(err.contains("clinpost.toml:"), "{err}");
            assert!(
                !err.contains("CANARY") && !err.contains("Jane"),
                "{src}: {err}"
            );
        }
    }
    write(
        d.path(),
        "me.toml",
        "name = \"Dr A\"\naccount = \"Dr Jane Smith\"\n",
    );
    cmd(d.path())
        .args(["check", "--no-config", "--profile", "me.toml"])
        .write_stdin(CLEAN)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "me.toml:2:11: `account` must be \"named\" or \"pseudonymous\"",
        ));
}

#[test]
fn text_given_as_a_file_argument_is_not_echoed() {
    let d = tmp();
    for cmdname in ["check", "fix"] {
        cmd(d.path())
            .args([cmdname, "Mrs Jane CANARY DOB 1/2/40"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(
                "error: argument 1: no such file (to check text, pipe it on stdin: echo TEXT | clinpost check)",
            ))
            .stderr(predicate::str::contains("CANARY").not());
    }
}

#[test]
fn one_huge_line_with_thousands_of_findings_stays_small_and_fast() {
    let d = tmp();
    let mut text = String::new();
    for i in 0..5000 {
        text.push_str(&format!("please write to u{i}@example.com today, ok? "));
    }
    assert!(text.len() > 200_000 && !text.contains('\n'));
    write(d.path(), "big.txt", &text);
    let t = std::time::Instant::now();
    let out = cmd(d.path())
        .args(["check", "--no-config", "--select", "PHI007", "big.txt"])
        .output()
        .unwrap();
    let elapsed = t.elapsed();
    assert_eq!(out.status.code(), Some(1));
    let s = String::from_utf8(out.stdout).unwrap();
    assert_eq!(s.matches("[PHI007]").count(), 5000);
    assert!(s.len() < 4 << 20, "{} bytes", s.len());
    assert!(elapsed.as_secs() < 20, "{elapsed:?}");
    assert!(s.contains("1 | please write to u0@example.com today, ok? please write to u1@"));
    assert!(s.contains("…"));
}
