//! Every conduct rule's true and false samples, run through an engine over the conduct
//! detectors; anonymous-doctor's under a pseudonymous public account.

use clinpost_conduct::{account, detectors, RULES};
use clinpost_core::{samples, Account, Context, Document, Engine, Registry};

fn registry() -> Registry {
    Registry::new(detectors()).expect("unique codes")
}

#[test]
fn metadata() {
    let failures = samples::check_metadata(RULES);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let reg = registry();
    assert_eq!(reg.rules().len(), RULES.len());
}

#[test]
fn samples_fire_where_marked_and_nowhere_else() {
    let reg = registry();
    let engine = Engine::with_defaults(&reg);
    let others: Vec<_> = RULES
        .iter()
        .copied()
        .filter(|r| r.code != account::ANONYMOUS_DOCTOR.code)
        .collect();
    let mut failures = samples::check_samples(&engine, &others, &Context::default());
    let pseudonymous = Context {
        account: Account::Pseudonymous,
        ..Context::default()
    };
    failures.extend(samples::check_samples(
        &engine,
        &[&account::ANONYMOUS_DOCTOR],
        &pseudonymous,
    ));
    failures.extend(samples::check_fixed_points(
        &engine,
        RULES,
        &Context::default(),
    ));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn anonymous_doctor_needs_a_pseudonymous_public_account() {
    let reg = registry();
    let engine = Engine::with_defaults(&reg);
    let text = "As a GP I can tell you the 8am rush is a nightmare.";
    let named = engine.check(&Document::new(text, &Context::default()));
    assert!(named.findings.is_empty());
    let closed = Context {
        account: Account::Pseudonymous,
        audience: "closed-group:500".parse().unwrap(),
        ..Context::default()
    };
    assert!(engine
        .check(&Document::new(text, &closed))
        .findings
        .is_empty());
}

#[test]
fn complaint_reply_uses_the_reply_context_and_never_prints_it() {
    let reg = registry();
    let engine = Engine::with_defaults(&reg);
    let text = "Hi, you were seen by the duty doctor, who followed the guidance.";
    assert!(engine
        .check(&Document::new(text, &Context::default()))
        .findings
        .is_empty());
    let ctx = Context {
        reply_to: Some(clinpost_core::Sensitive(
            "CANARY-reply worst surgery ever".to_string(),
        )),
        ..Context::default()
    };
    let rep = engine.check(&Document::new(text, &ctx));
    assert_eq!(rep.findings.len(), 1, "{:?}", rep.findings);
    for f in &rep.findings {
        assert!(!f.message.contains("CANARY") && !format!("{f:?}").contains("CANARY"));
    }
}

#[test]
fn messages_never_quote_the_post() {
    let reg = registry();
    let engine = Engine::with_defaults(&reg);
    let text = "Another frequent flyer in resus. Dr Zebedee Quux is an absolute fraud. \
                COVID was a hoax. Use my code QUUX20 for Ozempic, DM me.";
    let rep = engine.check(&Document::new(text, &Context::default()));
    assert!(rep.findings.len() >= 4, "{:?}", rep.findings);
    for f in &rep.findings {
        for w in ["frequent", "Zebedee", "Quux", "hoax", "QUUX20", "Ozempic"] {
            assert!(!f.message.contains(w), "{} quotes the post", f.rule.code);
        }
    }
}

#[test]
fn no_panic_on_odd_text() {
    let reg = registry();
    let engine = Engine::with_defaults(&reg);
    for t in [
        "",
        "📍",
        "’",
        "«»",
        "Zoë’s GP is an idiot’",
        "a\n\n\n.",
        "?",
        "I'm in ",
        "Dr ",
        "as a ",
    ] {
        let _ = engine.check(&Document::new(t, &Context::default()));
    }
}
