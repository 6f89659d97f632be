//! The bar cases as real posts through the whole engine (detectors, extraction, the
//! model and the verdict), with the context a surface would pass.

use clinpost_core::{Account, Audience, Context, Document, Engine, Profile, Sensitive, Verdict};
use clinpost_risk::registry;

fn check(text: &str, ctx: &Context) -> clinpost_core::Report {
    Engine::with_defaults(registry()).check(&Document::new(text, ctx))
}

fn named_gp_closed_group() -> Context {
    Context {
        author: Some(Sensitive("Dr John Smith, GP".into())),
        audience: Audience::ClosedGroup(5000),
        profile: Some(Profile {
            name: Some(Sensitive("Dr John Smith".into())),
            role: Some("GP".into()),
            practice: Some(Sensitive("H81034".into())),
            ..Default::default()
        }),
        ..Default::default()
    }
}

const TOP_TRUMPS: &str =
    "Top trumps from clinic this morning: 82-year-old man, PSA of 4,850. Beat that!";

#[test]
fn top_trumps_by_a_named_gp_is_do_not_post_with_the_arithmetic() {
    let r = check(TOP_TRUMPS, &named_gp_closed_group());
    assert_eq!(r.verdict, Verdict::DoNotPost);
    let risk = r.risk.expect("risk object");
    assert_eq!(risk.verdict, Verdict::DoNotPost);
    assert!(risk.kappa >= 0.5, "{risk:#?}");
    assert_eq!(risk.base.kind, "practice");
    let text = risk.explanation.join("\n");
    for want in [
        "practice list of",
        "a man aged 82",
        "k = 1 + (",
        "κ = ",
        "insider",
    ] {
        assert!(text.contains(want), "missing {want:?} in\n{text}");
    }
    // Every detail is reported as a quasi-identifier finding, and the advice makes it safe.
    let kinds: Vec<&str> = r
        .findings
        .iter()
        .filter(|f| f.category == clinpost_core::Category::QuasiIdentifier)
        .map(|f| f.kind.as_str())
        .collect();
    for k in ["age", "sex", "lab-value", "time"] {
        assert!(kinds.contains(&k), "{k} not reported: {kinds:?}");
    }
    let after = risk.after.expect("a fix exists");
    assert!(after.kappa <= risk.threshold, "{after:?}");
    assert!(!risk.suggestions.is_empty());
}

#[test]
fn the_same_content_anonymous_without_time_or_value_is_not_do_not_post() {
    let ctx = Context {
        account: Account::Pseudonymous,
        audience: Audience::ClosedGroup(5000),
        ..Default::default()
    };
    let r = check(
        "Top trumps: elderly man with a very high PSA. Beat that!",
        &ctx,
    );
    assert!(
        matches!(r.verdict, Verdict::Ok | Verdict::Caution),
        "{r:#?}"
    );
}

#[test]
fn fixing_top_trumps_makes_it_safe() {
    let ctx = named_gp_closed_group();
    let engine = Engine::with_defaults(registry());
    let fixed = engine.fix(&Document::new(TOP_TRUMPS, &ctx), false);
    assert!(fixed.converged);
    assert_ne!(fixed.report.verdict, Verdict::DoNotPost, "{}", fixed.text);
    assert!(!fixed.text.contains("this morning"), "{}", fixed.text);
}

#[test]
fn a_teaching_post_is_ok() {
    let ctx = named_gp_closed_group();
    for t in [
        "AF is common in people over 65; anticoagulation reduces stroke risk.",
        "Teaching session this morning on PSA testing: a PSA above 4 needs a second look.",
        "Motor neurone disease usually starts after 50. Riluzole modestly extends survival.",
    ] {
        let r = check(t, &ctx);
        assert_eq!(r.verdict, Verdict::Ok, "{t}: {r:#?}");
    }
}

#[test]
fn a_young_adult_with_a_rare_disease_an_occupation_and_a_village() {
    let ctx = Context::default();
    let r = check(
        "A 24-year-old jockey from Middleham with cystic fibrosis, doing brilliantly.",
        &ctx,
    );
    assert_eq!(r.verdict, Verdict::DoNotPost);
    assert_eq!(r.risk.unwrap().verdict, Verdict::DoNotPost);
    // The village generalised to a county and the occupation dropped.
    let r = check(
        "A 24-year-old from North Yorkshire with cystic fibrosis, doing brilliantly.",
        &ctx,
    );
    assert_ne!(r.verdict, Verdict::DoNotPost, "{:#?}", r.risk);
}

#[test]
fn the_author_line_finds_the_practice() {
    let ctx = Context {
        author: Some(Sensitive("Dr A B, GP, H81034".into())),
        ..Default::default()
    };
    let r = check(TOP_TRUMPS, &ctx);
    let risk = r.risk.unwrap();
    assert_eq!(risk.base.kind, "practice", "{risk:#?}");
    assert!(risk.base.why.contains("H81034"));
}

#[test]
fn risk_messages_hold_no_draft_text() {
    let text = "Zebedee-canary, 82-year-old man from Hebden Bridge, PSA of 4,850 this morning.";
    let r = check(text, &named_gp_closed_group());
    let risk = r.risk.clone().unwrap();
    let mut all = risk.explanation.join(" ");
    for s in &risk.suggestions {
        all.push_str(&s.advice);
        all.push_str(s.replacement.as_deref().unwrap_or(""));
    }
    for f in &r.findings {
        all.push_str(&f.message);
    }
    for word in ["Zebedee", "canary", "Hebden", "4,850", "4850"] {
        assert!(!all.contains(word), "{word} leaked: {all}");
    }
}

#[test]
fn a_profile_and_an_author_line_are_merged() {
    // The page sends a role from its menu and the practice in the author line.
    let ctx = Context {
        author: Some(Sensitive("Dr A B, H81034".into())),
        profile: Some(Profile {
            role: Some("GP".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let risk = check(TOP_TRUMPS, &ctx).risk.unwrap();
    assert_eq!(risk.base.kind, "practice", "{risk:#?}");
    assert!(risk.describes_person);
    let teaching = check("AF is common in people over 65.", &ctx).risk.unwrap();
    assert!(!teaching.describes_person);
    assert_eq!(teaching.verdict, Verdict::Ok);
}
