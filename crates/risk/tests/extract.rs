//! Quasi-identifier extraction: true and near-miss samples for every kind.

use clinpost_risk::detail::{AgeRange, Sex, Value};
use clinpost_risk::extract::extract;

/// (matched text, value) for each detail.
fn found(text: &str) -> Vec<(&str, Value)> {
    extract(text)
        .into_iter()
        .map(|d| (&text[d.span.start..d.span.end], d.value))
        .collect()
}

fn kind(v: &Value) -> &'static str {
    v.kind().as_str()
}

fn of_kind<'a>(text: &'a str, k: &str) -> Vec<(&'a str, Value)> {
    found(text)
        .into_iter()
        .filter(|(_, v)| kind(v) == k)
        .collect()
}

#[track_caller]
fn none_of(text: &str, k: &str) {
    let f = of_kind(text, k);
    assert!(f.is_empty(), "{text:?}: unexpected {k}: {f:?}");
}

#[track_caller]
fn one_of<'a>(text: &'a str, k: &str) -> (&'a str, Value) {
    let f = of_kind(text, k);
    assert_eq!(
        f.len(),
        1,
        "{text:?}: expected one {k}, got {f:?} (all: {:?})",
        found(text)
    );
    f[0].clone()
}

#[track_caller]
fn age_is(text: &str, span: &str, lo: u8, hi: u8) {
    let (s, v) = one_of(text, "age");
    assert_eq!(s, span, "{text:?}");
    assert_eq!(v, Value::Age(AgeRange { lo, hi }), "{text:?}");
}

#[test]
fn extract_age_true() {
    age_is("Saw an 82 year old man", "82 year old", 82, 82);
    age_is("Saw an 82-year-old man", "82-year-old", 82, 82);
    age_is("82yo with chest pain", "82yo", 82, 82);
    age_is("82 yo with chest pain", "82 yo", 82, 82);
    age_is("82 y/o with chest pain", "82 y/o", 82, 82);
    age_is("Patient aged 82 with sepsis", "aged 82", 82, 82);
    age_is("a lady in her 80s", "80s", 80, 89);
    age_is("a man in his late 70s", "70s", 76, 79);
    age_is("a man in his twenties", "twenties", 20, 29);
    age_is("a girl in her late teens", "teens", 17, 19);
    age_is("an elderly patient", "elderly", 75, 120);
    age_is("a teenager with DKA", "teenager", 13, 19);
    age_is("a toddler with croup", "toddler", 1, 3);
    age_is("a newborn with jaundice", "newborn", 0, 0);
    age_is("the neonate was fine", "neonate", 0, 0);
    age_is("an octogenarian", "octogenarian", 80, 89);
    age_is("a centenarian", "centenarian", 100, 120);
    age_is("a 6-month-old", "6-month-old", 0, 0);
    age_is("Lovely man, 82, came in", "82", 82, 82);
    age_is("an older man", "older", 65, 120);
    age_is("Reminder: AF is common in over-65s", "over-65s", 65, 120);
}

#[test]
fn extract_age_near_misses() {
    none_of("HR 82, BP 120/80, sats 96%", "age");
    none_of("Gave 82 mg of something", "age");
    none_of("82 patients seen this year", "age");
    none_of("Music from the 80s is the best", "age");
    none_of("Ran 5 miles, 10 years ago", "age");
    none_of("Read older notes first", "age");
    none_of("Temp 38.2, RR 22", "age");
}

#[test]
fn extract_gestation() {
    let (s, v) = one_of("Primip at 24/40 with PV bleeding", "age");
    assert_eq!((s, v), ("24/40", Value::Gestation(24)));
    let (s, v) = one_of("She is 32 weeks pregnant", "age");
    assert_eq!((s, v), ("32 weeks", Value::Gestation(32)));
    let (s, v) = one_of("Pregnant lady at 30+2/40", "age");
    assert_eq!((s, v), ("30+2/40", Value::Gestation(30)));
    // Weeks without pregnancy are a duration.
    none_of("Cough for 3 weeks, no weight loss", "age");
    // Pregnancy context but a duration.
    none_of("Pregnant, symptoms for 6 weeks", "age");
    // Pain score and duration shorthand are not gestation.
    none_of("Pain 8/10 for 2/7", "age");
}

#[test]
fn extract_sex() {
    for (text, cue, sex) in [
        ("Lovely old gent today", "gent", Sex::Male),
        ("A lady with a hip fracture", "lady", Sex::Female),
        ("The man was fine", "man", Sex::Male),
        ("A woman with chest pain", "woman", Sex::Female),
        ("A boy with asthma", "boy", Sex::Male),
        ("A girl with asthma", "girl", Sex::Female),
        ("Mr A was discharged", "Mr", Sex::Male),
        ("Mrs A was discharged", "Mrs", Sex::Female),
        ("Saw someone; he was fine and his wife too", "he", Sex::Male),
        ("Her bloods were fine", "Her", Sex::Female),
        ("82yoM with chest pain", "82yoM", Sex::Male),
        ("45 yo F, T1DM", "F", Sex::Female),
    ] {
        let (s, v) = one_of(text, "sex");
        assert_eq!((s, v), (cue, Value::Sex(sex)), "{text:?}");
    }
    // One per post, the first cue.
    let (s, _) = one_of("He said his wife and her sister...", "sex");
    assert_eq!(s, "He");
    none_of("Manchester is rainy; ladybirds and manholes", "sex");
    none_of("Grade: HE on the chart", "sex");
    none_of("I will miss the team", "sex");
    none_of("Womankind and mankind", "sex");
}

#[test]
fn extract_place() {
    let (s, v) = one_of("Transferred from Calvert Hospital overnight", "place");
    assert_eq!(
        (s, v),
        (
            "Calvert Hospital",
            Value::Place {
                population: 250_000,
                facility: true
            }
        )
    );
    let (s, v) = one_of("Plan: transfer to Nightingale Ward", "place");
    assert_eq!(
        (s, v),
        (
            "Nightingale Ward",
            Value::Place {
                population: 2_000,
                facility: true
            }
        )
    );
    let (s, _) = one_of("Back on Ward 7 today", "place");
    assert_eq!(s, "Ward 7");
    let (s, v) = one_of("Resident at Oak Lodge Care Home", "place");
    assert_eq!(
        (s, v),
        (
            "Oak Lodge Care Home",
            Value::Place {
                population: 40,
                facility: true
            }
        )
    );
    let (s, v) = one_of("Registered at Riverside Surgery", "place");
    assert_eq!(
        (s, v),
        (
            "Riverside Surgery",
            Value::Place {
                population: 10_000,
                facility: true
            }
        )
    );
    let (s, v) = one_of("Lovely patient from Leeds today", "place");
    assert_eq!(s, "Leeds");
    // Bucket 10: the geometric midpoint 2^19.
    assert_eq!(
        v,
        Value::Place {
            population: 524_288,
            facility: false
        }
    );
    let (s, _) = one_of("Lovely patient from Milton Keynes today", "place");
    assert_eq!(s, "Milton Keynes");
    let (s, _) = one_of("She lives in Bath with her son", "place");
    assert_eq!(s, "Bath");
    let (s, v) = one_of("A farmer in Kent", "place");
    assert_eq!(s, "Kent");
    assert!(matches!(v, Value::Place { population, facility: false } if population >= 1_000_000));
    let (s, v) = one_of("Under Leeds Teaching Hospitals NHS Trust", "place");
    assert_eq!(
        (s, v),
        (
            "Leeds Teaching Hospitals NHS Trust",
            Value::Place {
                population: 400_000,
                facility: true
            }
        )
    );
    let (s, _) = one_of("Born at St Thomas' Hospital", "place");
    assert_eq!(s, "St Thomas' Hospital");
    let (s, _) = one_of("Seen at the Royal Infirmary", "place");
    assert_eq!(s, "Royal Infirmary");
    let (s, v) = one_of("Lives in the LS6 area", "place");
    assert_eq!(
        (s, v),
        (
            "LS6",
            Value::Place {
                population: 25_000,
                facility: false
            }
        )
    );
    let (s, v) = one_of("Postcode LS6 2AB on the form", "place");
    assert_eq!(
        (s, v),
        (
            "LS6 2AB",
            Value::Place {
                population: 40,
                facility: false
            }
        )
    );
}

#[test]
fn extract_place_near_misses() {
    none_of("Reading the ECG again, no change.", "place");
    none_of("Back to the ward after the scan.", "place");
    none_of("Had surgery in the past.", "place");
    none_of("Went to hospital by ambulance.", "place");
    none_of("Mr Preston reviewed him.", "place");
    none_of("Low B12 and low T4 in a vegan", "place");
    none_of("Checked his CD4 count", "place");
    none_of("Quiet hospital today", "place");
}

#[track_caller]
fn condition(text: &str, span: &str) -> (f64, bool) {
    let (s, v) = one_of(text, "condition");
    assert_eq!(s, span, "{text:?}");
    match v {
        Value::Condition { prevalence, rare } => (prevalence, rare),
        _ => unreachable!(),
    }
}

#[test]
fn extract_condition() {
    let (p, rare) = condition("Known AF on apixaban", "AF");
    assert!((p - 1_427_589.0 / 63_766_671.0).abs() < 1e-9 && !rare);
    assert!(!condition("Her COPD is worse", "COPD").1);
    assert!(!condition("Newly diagnosed T2DM", "T2DM").1);
    assert!(condition("A young man with MND", "MND").1);
    assert!(condition("Teenager with CF", "CF").1);
    assert!(!condition("Parkinson's disease since 2010", "Parkinson's disease").1);
    assert!(!condition("Crohn's flare", "Crohn").1);
    assert!(condition("Huntington's in the family", "Huntington").1);
    assert!(condition("A mesothelioma case", "mesothelioma").1);
    let (p, _) = condition("Metastatic prostate cancer", "Metastatic prostate cancer");
    assert!(p < 0.01);
    let (p, rare) = condition("She is pregnant again", "pregnant");
    assert!(p > 0.001 && !rare);
    assert!(condition("Pancreatic cancer, sadly", "Pancreatic cancer").1);
}

#[test]
fn extract_condition_near_misses() {
    none_of("No AF on the ECG", "condition");
    none_of("nil COPD", "condition");
    none_of("?AF - will repeat ECG", "condition");
    none_of("AF excluded on Holter", "condition");
    none_of("After the shift we left", "condition"); // "AF" inside a word
    none_of("af is not an abbreviation in lower case", "condition");
    none_of("Ms Jones seen", "condition"); // a title, not multiple sclerosis
    none_of("Mr Parkinson reviewed the list", "condition");
    none_of("cf. the guideline", "condition");
    none_of("Ran 10k for Cancer Research UK", "condition");
    none_of("Thanks to Diabetes UK for the leaflets", "condition");
}

#[track_caller]
fn lab(text: &str, span: &str) -> (f64, bool) {
    let (s, v) = one_of(text, "lab-value");
    assert_eq!(s, span, "{text:?}");
    match v {
        Value::LabValue {
            fraction, exact, ..
        } => (fraction, exact),
        _ => unreachable!(),
    }
}

#[test]
fn extract_lab_value() {
    let (f, exact) = lab("PSA of 4,850 in clinic", "PSA of 4,850");
    assert!(exact && f < 1e-5);
    assert!(lab("PSA 4850", "PSA 4850").0 < 1e-5);
    assert!(lab("Hb 45 on arrival", "Hb 45").0 < 1e-4);
    assert!(lab("Hb 4.5 on arrival", "Hb 4.5").0 < 1e-4);
    assert!(lab("sodium 108 this am", "sodium 108").0 < 1e-4);
    assert!(lab("Na was 108", "Na was 108").0 < 1e-4);
    assert!(lab("troponin 50,000!", "troponin 50,000").0 < 1e-5);
    assert!(lab("CRP 450", "CRP 450").0 < 1e-4);
    assert!(lab("INR 12 on warfarin", "INR 12").0 < 1e-4);
    assert!(lab("glucose 45", "glucose 45").0 < 1e-4);
    assert!(lab("K+ 8.1", "K+ 8.1").0 < 1e-4);
    let (f, exact) = lab("A markedly raised PSA", "markedly raised PSA");
    assert!(!exact && f > 1e-3 && f < 0.05);
    let (_, exact) = lab("Very high tumour markers", "Very high tumour markers");
    assert!(!exact);
    let (_, exact) = lab("His PSA was through the roof", "PSA was through the roof");
    assert!(!exact);
    // More extreme, smaller fraction.
    assert!(lab("PSA 20", "PSA 20").0 > lab("PSA 200", "PSA 200").0);
}

#[test]
fn extract_lab_near_misses() {
    none_of("Hb 135, Na 140, K 4.2 — all normal", "lab-value");
    none_of("PSA screening is controversial", "lab-value");
    none_of("INR checked 12 hours later", "lab-value");
    none_of("HR 82, BP 120/80", "lab-value");
    none_of("BM 3 times a day", "lab-value");
    none_of("Very high standards in this team", "lab-value");
    none_of("ca 300 patients a year", "lab-value");
}

#[test]
fn extract_occupation_relationship() {
    let (s, v) = one_of("A retired miner with COPD", "occupation");
    assert_eq!((s, v), ("miner", Value::Occupation { fraction: 0.0015 }));
    assert_eq!(
        one_of("A footballer with a knee injury", "occupation").0,
        "footballer"
    );
    assert_eq!(
        one_of("A teacher from the school", "occupation").0,
        "teacher"
    );
    assert_eq!(one_of("The surgeon operated", "occupation").0, "surgeon");
    assert_eq!(one_of("Works as a cleaner", "occupation").0, "cleaner");
    none_of("Cleaner air in the city", "occupation");
    none_of("Mining the data for insights", "occupation");
    let (s, _) = one_of("His daughter was upset", "relationship");
    assert_eq!(s, "His daughter");
    assert_eq!(
        one_of("came with her husband", "relationship").0,
        "her husband"
    );
    assert!(of_kind("Mum of twins", "relationship")
        .iter()
        .any(|(s, _)| *s == "twins"));
    // The author's own family is not the patient's.
    none_of("My daughter starts school", "relationship");
    none_of("Sonic hedgehog signalling", "relationship");
}

#[test]
fn extract_time() {
    for (text, span, w) in [
        ("Seen today in clinic", "today", 1.0),
        ("From clinic this morning", "this morning", 0.5),
        ("On call last night", "last night", 0.5),
        ("Admitted yesterday", "yesterday", 1.0),
        ("Came in on Monday", "Monday", 1.0),
        ("Busy this week", "this week", 7.0),
        ("Seen on 3rd March 2024", "3rd March 2024", 1.0),
        ("Seen on 12/03/2025", "12/03/2025", 1.0),
        ("Seen on 01.02.24.", "01.02.24", 1.0),
        ("Her INR was high on 14th January", "14th January", 1.0),
        ("Admitted in March", "March", 30.0),
    ] {
        let (s, v) = one_of(text, "time");
        assert_eq!((s, v), (span, Value::Time { window_days: w }), "{text:?}");
    }
    none_of("We march on", "time");
    none_of("It may help", "time");
    none_of("Clinic every Monday", "time");
    none_of("Pain 8/10, symptoms 2/7, BP 120/80", "time");
    none_of("Todays are hard", "time");
}

#[test]
fn extract_event() {
    for (text, span) in [
        (
            "Came in after a road traffic collision",
            "road traffic collision",
        ),
        ("RTC on the M6", "RTC"),
        ("Stabbing victim in resus", "Stabbing"),
        ("Delivered triplets", "triplets"),
        ("A lottery winner, apparently", "lottery winner"),
        ("He is a local celebrity", "local celebrity"),
    ] {
        let (s, v) = one_of(text, "event");
        assert_eq!(s, span, "{text:?}");
        assert!(matches!(v, Value::Event { fraction } if fraction < 0.01));
    }
    none_of("rtc is lower case here and a shooting pain", "event");
    none_of("Collision detection in software", "event");
}

#[test]
fn extract_ethnicity_religion() {
    assert_eq!(one_of("A Somali family", "ethnicity").0, "Somali");
    assert_eq!(one_of("of Pakistani heritage", "ethnicity").0, "Pakistani");
    assert_eq!(one_of("Black British", "ethnicity").0, "Black British");
    none_of("Black stools and a white cell count of 14", "ethnicity");
    none_of("Indian restaurant nearby", "ethnicity");
    none_of("Polish the shoes", "ethnicity");
    none_of("Traveller returning from Thailand with fever", "ethnicity");
    assert_eq!(one_of("Sikh gentleman", "religion").0, "Sikh");
    assert_eq!(
        one_of("She is a Jehovah's Witness", "religion").0,
        "Jehovah's Witness"
    );
    assert_eq!(one_of("A devout Muslim", "religion").0, "Muslim");
    none_of("Christian Smith reviewed", "religion");
}

#[test]
fn extract_case_one_post() {
    // The "top trumps" case.
    let text = "Top trumps from clinic this morning: elderly gent, 82, PSA of 4,850!";
    let kinds: Vec<&str> = found(text).iter().map(|(_, v)| kind(v)).collect();
    for k in ["time", "age", "sex", "lab-value"] {
        assert!(kinds.contains(&k), "{k} missing: {:?}", found(text));
    }
    // Spans are byte ranges into the text, in order.
    let d = extract(text);
    assert!(d.windows(2).all(|w| w[0].span.start <= w[1].span.start));
    assert!(d
        .iter()
        .all(|d| d.span.end <= text.len() && d.span.start < d.span.end));
}

#[test]
fn extract_unicode_safe() {
    // Non-ASCII text around details keeps spans on char boundaries.
    let text = "Zoë, 82yo — “very high” CRP 450 in Bristol… café";
    for d in extract(text) {
        assert!(text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end));
    }
    assert!(!extract("Guillain-Barré in a 30 year old").is_empty());
}

#[test]
fn extract_never_panics_and_spans_are_valid() {
    const BITS: &[&str] = &[
        "82",
        "yo",
        "/",
        "40",
        " ",
        "-",
        "PSA",
        ",",
        "4",
        "850",
        ".",
        "5",
        "Ward",
        "7",
        "LS6",
        "2AB",
        "é",
        "’s",
        "'s",
        "'",
        "?",
        "AF",
        "no",
        "in",
        "her",
        "80s",
        "March",
        "3rd",
        "\n",
        "Hospital",
        "Care",
        "Home",
        "over",
        "aged",
        "+",
        "K",
        "very",
        "high",
        "through",
        "the",
        "roof",
        "Zoë",
        "😀",
        "Leeds",
        "y",
        "o",
        "weeks",
        "pregnant",
        "Mr",
        "İstanbul",
        "12",
        "2025",
        "of",
        "s",
        "M",
        "F",
        "Parkinson",
        "Cancer",
        "UK",
        "his",
        "daughter",
        "ß",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..3000 {
        let mut text = String::new();
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let len = (seed >> 59) as usize + 1;
        for _ in 0..len * 2 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            text.push_str(BITS[(seed >> 33) as usize % BITS.len()]);
        }
        for d in extract(&text) {
            assert!(
                d.span.start < d.span.end && d.span.end <= text.len(),
                "{text:?}"
            );
            assert!(text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end));
        }
    }
}
