//! The project's catalogue of professional guidance that findings cite.
//!
//! Ids are stable; the summaries are our own paraphrases (never the source's wording). A test
//! checks that every id a rule cites is listed here.

/// One guidance entry.
#[derive(Debug, Clone, Copy)]
pub struct Guidance {
    /// Stable id, e.g. `gmc-sm/no-public-patient-discussion`.
    pub id: &'static str,
    /// Where it comes from.
    pub source: &'static str,
    /// What it says, in our words.
    pub summary: &'static str,
}

/// Every guidance id the project may cite.
pub static CATALOGUE: &[Guidance] = &[
    Guidance {
        id: "gmc-sm/sum-of-information",
        source: "GMC, Doctors' use of social media (2013), confidentiality; GMC, Using social media as a medical professional (2024)",
        summary: "Details that are harmless one at a time can together identify a patient or someone close to them.",
    },
    Guidance {
        id: "gmc-sm/no-public-patient-discussion",
        source: "GMC, Doctors' use of social media (2013), confidentiality",
        summary: "Individual patients and their care are not to be discussed on publicly accessible social media.",
    },
    Guidance {
        id: "gmc-sm/privacy-not-guaranteed",
        source: "GMC, Doctors' use of social media (2013), para 8a",
        summary: "Privacy settings cannot guarantee confidentiality; a closed group is not a private place.",
    },
    Guidance {
        id: "gmc-sm/boundaries",
        source: "GMC, Doctors' use of social media (2013), para 11",
        summary: "Keep social and professional relationships apart; steer patients who contact a personal profile to professional channels.",
    },
    Guidance {
        id: "gmc-sm/no-bullying",
        source: "GMC, Doctors' use of social media (2013), para 15",
        summary: "No bullying, harassment, abuse, discrimination or deliberate targeting, and no gratuitous or unsubstantiated comments about individuals.",
    },
    Guidance {
        id: "gmc-sm/law-applies",
        source: "GMC, Doctors' use of social media (2013), para 16",
        summary: "Copyright, defamation, discrimination and harassment law apply to posts as to anything else written or said.",
    },
    Guidance {
        id: "gmc-sm/identify-by-name",
        source: "GMC, Doctors' use of social media (2013), para 17",
        summary: "A doctor who says they are a doctor on public social media should give their name too.",
    },
    Guidance {
        id: "gmc-sm/conflicts-of-interest",
        source: "GMC, Doctors' use of social media (2013), para 19",
        summary: "Declare financial or commercial interests in healthcare, pharmaceutical or biomedical organisations.",
    },
    Guidance {
        id: "gmc-sm/raising-concerns",
        source: "GMC guidance on raising concerns",
        summary: "Use local procedures and then the regulator before going public, and never breach confidentiality when doing so.",
    },
    Guidance {
        id: "gmc-gmp/trust",
        source: "GMC, Good medical practice (2024)",
        summary: "Online conduct must justify the public's trust; be honest and do not spread misleading health information.",
    },
    Guidance {
        id: "gmc-sm/complaints",
        source: "GMC guidance on responding to criticism",
        summary: "A reply to a public complaint should explain the duty of confidentiality and confirm nothing, not even that the person is a patient.",
    },
    Guidance {
        id: "mdo/location-metadata",
        source: "Medical Protection, Pitfalls of social media; MDU",
        summary: "Photos can carry the place they were taken; check-ins reveal where you are.",
    },
    Guidance {
        id: "mdo/screenshots",
        source: "MDU; Medical Protection",
        summary: "Anything posted can be screenshotted and shared far beyond the group it was meant for.",
    },
    Guidance {
        id: "mdo/closed-groups",
        source: "MDU",
        summary: "\"Closed\" groups can have thousands of members whose identities nobody has checked.",
    },
    Guidance {
        id: "hipaa/safe-harbor",
        source: "US HIPAA Privacy Rule, 45 CFR 164.514(b)(2)",
        summary: "The Safe Harbor identifiers: names, small geographic units, dates other than the year, ages over 89, contact details, record and account numbers, device ids, URLs, IP addresses and any other unique code.",
    },
    Guidance {
        id: "ico/anonymisation",
        source: "ICO, Anonymisation guidance (2025)",
        summary: "The motivated-intruder test: could a determined person with reasonable resources identify the individual?",
    },
    Guidance {
        id: "ema/threshold-0.09",
        source: "EMA Policy 0070; Health Canada public release of clinical information",
        summary: "A re-identification risk of 0.09 (about 1 in 11) is the accepted ceiling for public release.",
    },
];

/// Look up a guidance id.
pub fn lookup(id: &str) -> Option<&'static Guidance> {
    CATALOGUE.iter().find(|g| g.id == id)
}
