use super::*;

const EXAMPLE: &str = include_str!("../../../examples/policy-pack.toml");

/// A one-rule pack with `rule` as the rule's body (after code and name).
fn pack(rule: &str) -> String {
    format!(
        "[pack]\nname = \"Test trust\"\nprefix = \"TST\"\nguidance = \"https://intranet.example/policy\"\n\n[[rule]]\ncode = \"TST001\"\nname = \"ward-photos\"\n{rule}"
    )
}

const GOOD: &str = "message = \"No ward selfies\"\nwords = [\"ward round selfie\"]\ntrue_samples = [\"Great «ward round selfie» today!\"]\nfalse_samples = [\"Ward round today, no selfie\"]\n";

fn err(src: &str) -> String {
    Pack::parse(src).unwrap_err().to_string()
}

fn flagged(p: &Pack, text: &str) -> Vec<(&'static str, String)> {
    let reg = Registry::new(vec![Box::new(p.clone())]).unwrap();
    let engine = Engine::with_defaults(&reg);
    let ctx = Context::default();
    engine
        .check(&Document::new(text, &ctx))
        .findings
        .iter()
        .map(|f| (f.rule.code, text[f.span.start..f.span.end].to_string()))
        .collect()
}

#[test]
fn the_example_pack_loads_and_its_rules_are_policy_rules() {
    let p = Pack::parse(EXAMPLE).unwrap();
    assert_eq!(p.prefix(), "NMH");
    assert_eq!(p.rules().len(), 5);
    for r in p.rules() {
        assert_eq!(r.category, Category::Conduct);
        assert_eq!(r.kind, Kind::Policy);
        assert_eq!(r.priority, priority(r.severity));
        assert!(r.code.starts_with("NMH"));
        for h in [
            "## What it does",
            "## Why it matters",
            "## Example",
            "## Fix",
        ] {
            assert!(r.docs.contains(h), "{} lacks {h}", r.code);
        }
        assert!(!r.guidance.is_empty());
    }
    // Metadata passes the same check as built-in rules, apart from the sample count (packs
    // need one true and one false sample, built-in rules three).
    let failures: Vec<String> = clinpost_core::samples::check_metadata(p.rules())
        .into_iter()
        .filter(|f| !f.contains("samples") && !f.contains("unknown guidance id https://"))
        .collect();
    assert!(failures.is_empty(), "{failures:?}");
}

#[test]
fn the_example_pack_flags_what_it_says() {
    let p = Pack::parse(EXAMPLE).unwrap();
    let f = flagged(
        &p,
        "Just filed DATIX-48213. Team selfie on the ward! Madness in bay 4, only reg on.",
    );
    let codes: Vec<_> = f.iter().map(|(c, _)| *c).collect();
    assert_eq!(codes, ["NMH004", "NMH001", "NMH002", "NMH003"], "{f:?}");
    assert_eq!(f[0].1, "DATIX-48213");
    assert!(flagged(&p, "Lovely walk by the river, saw a heron.").is_empty());
    // The fix replaces an incident number.
    let reg = Registry::new(vec![Box::new(p.clone())]).unwrap();
    let engine = Engine::with_defaults(&reg);
    let ctx = Context::default();
    let fixed = engine.fix(&Document::new("See DATIX 48213.", &ctx), false);
    assert_eq!(fixed.text, "See [incident number].");
}

#[test]
fn a_minimal_pack_loads() {
    let p = Pack::parse(&pack(GOOD)).unwrap();
    let r = p.rules()[0];
    assert_eq!((r.code, r.name), ("TST001", "ward-photos"));
    assert_eq!(r.severity, Severity::Warning);
    assert_eq!(r.guidance, ["https://intranet.example/policy"]);
    assert_eq!(r.summary, "No ward selfies");
    assert_eq!(
        flagged(&p, "WARD ROUND   SELFIE!"),
        [("TST001", "WARD ROUND   SELFIE".to_string())]
    );
    assert!(flagged(&p, "ward round selfies").is_empty(), "whole words");
}

#[test]
fn validators_context_and_unless() {
    let p = Pack::parse(&pack(
        "message = \"m\"\npatterns = ['\\b\\d{3} ?\\d{3} ?\\d{4}\\b']\nvalidator = \"nhs-number\"\ncontext = [\"handover list\"]\nunless = [\"test\"]\nwindow = 3\ntrue_samples = [\"handover list: «943 476 5919»\"]\nfalse_samples = [\"handover list: 943 476 5918\", \"943 476 5919 on the handover list later\", \"handover list test 943 476 5919\"]\n",
    ))
    .unwrap();
    assert_eq!(flagged(&p, "handover list 9434765919").len(), 1);
    assert!(Validator::Luhn.check("1234 5674"));
    assert!(!Validator::Luhn.check("12345678"));
    assert!(Validator::Postcode.check("SW1A 1AA"));
    assert!(!Validator::Postcode.check("QQ1 1AA"));
    assert!(Validator::NiNumber.check("AB 12 34 56 C"));
    assert!(!Validator::NiNumber.check("BG123456C"));
}

#[test]
fn samples_are_enforced_at_load() {
    // A true sample the rule does not flag.
    let src = pack(&GOOD.replace(
        "Great «ward round selfie» today!",
        "Great «ward selfie» today!",
    ));
    assert_eq!(
        err(&src),
        "pack, line 11, column 17: rule TST001 (ward-photos): true sample 1: 1 of its 1 «marked» span is not flagged"
    );
    // Flagged outside the marks.
    let src = pack(&GOOD.replace(
        "Great «ward round selfie» today!",
        "Great «ward round» selfie today!",
    ));
    assert!(err(&src).ends_with("true sample 1: text outside its «marks» is flagged"));
    // A false sample flagged.
    let src = pack(&GOOD.replace("Ward round today, no selfie", "a ward round selfie"));
    assert!(err(&src).ends_with("rule TST001 (ward-photos): false sample 1 is flagged"));
    // No marks, unpaired marks, no samples.
    assert!(err(&pack(&GOOD.replace(['«', '»'], ""))).contains("true sample 1 has no «marks»"));
    assert!(err(&pack(&GOOD.replace('»', ""))).contains("do not pair up"));
    let no_false = GOOD.replace("false_samples = [\"Ward round today, no selfie\"]\n", "");
    assert!(err(&pack(&no_false)).contains("needs `false_samples`"));
    // A replacement that the rule flags again never settles.
    let src = pack(&format!("{GOOD}replacement = \"[ward round selfie]\"\n"));
    assert!(
        err(&src).contains("fixing does not settle"),
        "{}",
        err(&src)
    );
}

#[test]
fn errors_name_the_key_and_rule_and_never_quote_values() {
    let cases: &[(&str, &str)] = &[
        (
            "colour = \"CANARY\"\n",
            "unknown key `colour` in [[rule]]; the keys are code, name,",
        ),
        (
            "severity = \"CANARY\"\n",
            "`severity` must be \"info\", \"warning\" or \"error\"",
        ),
        (
            "patterns = ['(CANARY']\n",
            "pattern 1 is not a valid regular expression: unclosed group",
        ),
        ("patterns = ['CANARY|']\n", "pattern 1 matches empty text"),
        (
            "validator = \"CANARY\"\n",
            "`validator` must be one of nhs-number, postcode, ni-number, luhn",
        ),
        (
            "window = 0\ncontext = [\"x\"]\n",
            "`window` must be a whole number of words from 1 to 50",
        ),
        (
            "guidance = \"CANARY\"\n",
            "`guidance` entries must be http(s) links or ids",
        ),
        (
            "context = \"CANARY\"\n",
            "`context` must be a list of strings",
        ),
        ("\"CANARY key\" = 1\n", "unknown key in [[rule]]"),
    ];
    for (extra, want) in cases {
        let m = err(&pack(&format!("{GOOD}{extra}")));
        assert!(m.contains(want), "{extra:?}\n=> {m}");
        assert!(m.contains("rule TST001 (ward-photos)"), "{m}");
        assert!(!m.contains("CANARY"), "{m}");
        assert!(m.starts_with("pack, line 1"), "{m}");
    }
    // Pack-level problems.
    assert!(err("[pack]\nname = \"x\"\n").contains("[pack] needs `prefix`"));
    assert!(err("[pack]\nname = \"x\"\nprefix = \"PHI\"\n").contains("reserved"));
    assert!(err("[pack]\nname = \"x\"\nprefix = \"Tst\"\n").contains("three capital letters"));
    assert!(err("[pack]\nname = \"x\"\nprefix = \"TST\"\n").contains("no [[rule]] tables"));
    assert!(err("[pakc]\n").contains("unknown key `pakc` in the file"));
    let m = err("[pack]\nname = \"CANARY\nx");
    assert!(
        m.starts_with("pack, line 3, column 2: invalid TOML") && !m.contains("CANARY"),
        "{m}"
    );
    // Rule codes and names.
    let bad_code = pack(GOOD).replace("TST001", "ABC001");
    assert!(err(&bad_code).contains("`code` must be the pack's prefix and three digits (TST001"));
    let bad_name = pack(GOOD).replace("ward-photos", "Ward Photos");
    assert!(err(&bad_name).contains("`name` must be kebab-case"));
    let twice = format!(
        "{}\n[[rule]]\ncode = \"TST002\"\nname = \"ward-photos\"\n{GOOD}",
        pack(GOOD)
    );
    assert!(
        err(&twice).contains("rule TST002 (ward-photos): code or name already used by rule TST001")
    );
    // Words or patterns are required.
    assert!(err(&pack(
        "message = \"m\"\ntrue_samples = [\"«x»\"]\nfalse_samples = [\"y\"]\n"
    ))
    .contains("needs `words` or `patterns`"));
}

#[test]
fn load_names_the_file() {
    let dir = std::env::temp_dir().join(format!("clinpost-packs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.toml");
    std::fs::write(&path, pack(&format!("{GOOD}window = 3\n"))).unwrap();
    let m = Pack::load(&path).unwrap_err().to_string();
    assert!(
        m.starts_with(&format!("pack {}:", path.display()))
            && m.contains("rule TST001 (ward-photos): `window` needs `context` or `unless`"),
        "{m}"
    );
    let good = dir.join("good.toml");
    std::fs::write(&good, pack(GOOD)).unwrap();
    assert_eq!(
        Pack::load(&good).unwrap().origin(),
        Some(good.display().to_string().as_str())
    );
    let m = Pack::load(&dir.join("missing.toml"))
        .unwrap_err()
        .to_string();
    assert!(m.ends_with("cannot read: no such file"), "{m}");
    std::fs::remove_dir_all(&dir).unwrap();
}
