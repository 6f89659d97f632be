//! clinpost's professional-conduct rules (category `conduct`, DESIGN §1 cases 5–8).
//!
//! | code | kind | what |
//! |---|---|---|
//! | CND001 | derogatory | clinical slang that mocks patients; games and insults about patients |
//! | CND002 | harassment | insults, allegations, threats aimed at an identifiable person or organisation |
//! | CND003 | discrimination | contempt for religion, belief, politics or a protected characteristic |
//! | CND004 | misinformation | health claims against established evidence (not myth-busting) |
//! | CND005 | sexual | sexual remarks about patients, relatives or colleagues |
//! | CND006 | conflict-of-interest | promotion of a named product without a disclosure |
//! | CND007 | conflict-of-interest | a prescription-only medicine promoted to the public |
//! | CND008 | anonymous-doctor | a doctor posting on a pseudonymous public account |
//! | CND009 | public-concern | patient-safety allegations about the workplace raised in public |
//! | CND010 | complaint-reply | a reply to a complaint that confirms care |
//! | CND011 | boundary | seeking or accepting social contact with patients |
//! | CND012 | whereabouts | real-time location at work or an empty home |
//!
//! # Design
//!
//! Conduct is about what a sentence *does*, not which words it holds: "bed blocker" in a post
//! that asks colleagues to stop saying it, "vaccines cause autism" in a myth-busting thread and
//! "frequent flyer" in a post about air miles are all fine. So every rule is a phrase pattern or
//! a lexicon hit followed by context checks on the sentence that holds it (quotation, talking
//! about the term, negation, debunking, a declined request), never a bare word list. Patterns use
//! ASCII word boundaries (the `regex` crate's fast DFA) and each rule's patterns are one
//! alternation, so a post is scanned once per rule family; lexicons with hundreds of entries
//! (slang, medicines, companies) are one alternation or one hash table.
//!
//! The tables under `data/` are compiled into the binary (`include_str!`) and parsed once on
//! first use; nothing is read at run time. Messages are fixed text (never the post's words);
//! the only rewrites offered are the slang table's neutral wordings, as unsafe fixes.
#![deny(missing_docs)]

use clinpost_core::{Context, Detector, Document, RuleMeta};

pub mod account;
pub mod coi;
pub mod concern;
pub mod derogatory;
pub mod harassment;
pub mod misinfo;
pub mod sexual;
mod util;

/// Every conduct rule, in code order.
pub static RULES: &[&RuleMeta] = &[
    &derogatory::DEROGATORY,
    &harassment::HARASSMENT,
    &harassment::DISCRIMINATION,
    &misinfo::MISINFORMATION,
    &sexual::SEXUAL,
    &coi::CONFLICT,
    &coi::POM_PROMOTION,
    &account::ANONYMOUS_DOCTOR,
    &concern::PUBLIC_CONCERN,
    &concern::COMPLAINT_REPLY,
    &sexual::BOUNDARY,
    &account::WHEREABOUTS,
];

/// The conduct detectors.
pub fn detectors() -> Vec<Box<dyn Detector>> {
    let mut v: Vec<Box<dyn Detector>> = Vec::new();
    v.extend(derogatory::detectors());
    v.extend(harassment::detectors());
    v.extend(misinfo::detectors());
    v.extend(sexual::detectors());
    v.extend(coi::detectors());
    v.extend(account::detectors());
    v.extend(concern::detectors());
    v
}

/// Compiles every conduct detector's patterns now, each on its own thread. They compile lazily
/// on first use, which costs tens of milliseconds in all; a surface that checks one post and
/// exits (the CLI) starts this on a background thread so that the compiling overlaps its other
/// start-up work and uses both cores. Calling it more than once is cheap.
pub fn warm_up() {
    let ctx = Context::default();
    let doc = Document::new("warm up", &ctx);
    std::thread::scope(|s| {
        for d in detectors() {
            s.spawn(move || d.check(&doc, &mut Vec::new()));
        }
    });
}
