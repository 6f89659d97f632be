//! The quasi-identifier rules (QID001–QID011, category `quasi-identifier`), one per DESIGN §4
//! kind. They are reported by [`crate::assess::QuasiIdentifiers`] only when the post as a whole
//! is above its audience's risk threshold; each finding's severity then comes from the risk
//! (warning for `caution`, error for `do-not-post`), whatever the rule's default below.

use clinpost_core::{Category, Kind, RuleMeta, Severity};

const GUIDANCE: &[&str] = &[
    "gmc-sm/sum-of-information",
    "ico/anonymisation",
    "ema/threshold-0.09",
];

macro_rules! why {
    () => {
        "## Why it matters\n\
No single detail names the patient; the sum does. clinpost estimates how many people match \
everything the post reveals — as a stranger would see it (the author's practice list or the \
place named, narrowed by every detail) and as an insider would (a relative who knows when the \
author saw the patient) — and reports the details only when the chance that a match is the \
patient (κ) is above the audience's threshold (0.09 for public posts and closed groups, 0.05 \
with health detail in public). The report's `risk` object shows the arithmetic.\n\n"
    };
}

macro_rules! qi_rule {
    ($ident:ident, $code:literal, $name:literal, $kind:ident, $summary:literal, $what:literal,
     $example:literal, $fix:literal, [$($t:literal),* $(,)?], [$($f:literal),* $(,)?]) => {
        /// A quasi-identifier rule.
        pub static $ident: RuleMeta = RuleMeta {
            code: $code,
            name: $name,
            category: Category::QuasiIdentifier,
            kind: Kind::$kind,
            severity: Severity::Warning,
            guidance: GUIDANCE,
            summary: $summary,
            docs: concat!("## What it does\n", $what, "\n\n", why!(), "## Example\n", $example,
                          "\n\n## Fix\n", $fix, "\n"),
            placeholder: None,
            priority: 50,
            true_samples: &[$($t),*],
            false_samples: &[$($f),*],
        };
    };
}

qi_rule!(AGE, "QID001", "identifying-age", Age,
    "An age that, with the post's other details, narrows the patient down.",
    "Reads ages (\"82yo\", \"aged 82\", \"in her 80s\", \"elderly\", \"teenager\", gestation such as \
\"24 weeks\") and reports one when the post as a whole is too specific. Ages of 90 and over are \
also direct identifiers (PHI005).",
    "`82-year-old man, PSA of 4,850, from clinic this morning` posted by a named GP reports the \
age; `an older man with a raised PSA` does not.",
    "Widen it: a five- or ten-year band, or \"older\" / \"an adult\" / \"a child\" (the safe fix \
replaces an age with the broad word when that is what the model suggests).",
    [
        "Saw a «34-year-old» farmer from Hebden Bridge with motor neurone disease this morning.",
        "«82yo» man, PSA of 4,850, from clinic this morning. Top trumps!",
        "Lovely «19 year old» lad with cystic fibrosis, a jockey from Malton, in clinic today.",
    ],
    [
        "Motor neurone disease usually starts after 50; most patients are over 60.",
        "A man in his 80s with high blood pressure: how do you approach statins?",
        "Reminder: flu jabs for everyone aged 65 and over this autumn.",
    ]);

qi_rule!(
    SEX,
    "QID002",
    "identifying-sex",
    Sex,
    "The patient's sex, as one of the details that together identify them.",
    "Reads sex and gender cues (\"gent\", \"lady\", \"Mr\", pronouns, the M/F of \"82yoM\"), once \
per post, and reports it when the post as a whole is too specific.",
    "`82yo man, PSA of 4,850, seen this morning` reports `man`.",
    "Often fine to keep once the other details are widened; otherwise say \"a patient\" and \
\"they\".",
    [
        "82yo «man», PSA of 4,850, from clinic this morning. Top trumps!",
        "Saw a 34-year-old «woman» from Hebden Bridge with motor neurone disease this morning.",
        "Lovely 19 year old «lad» with cystic fibrosis, a jockey from Malton, in clinic today.",
    ],
    [
        "Men over 50 can ask their GP about a PSA test.",
        "She was right to ask: the guideline changed this year.",
        "A woman with asthma: when to step up treatment?",
    ]
);

qi_rule!(
    PLACE,
    "QID003",
    "identifying-place",
    Place,
    "A place (town, village, postcode district, hospital, ward, practice, care home) that narrows \
the patient down.",
    "Reads places and facilities smaller than a region and sizes them from the population tables \
(a village of 1,000 people narrows far more than a city). Towns, villages and named facilities \
are also direct identifiers (PHI012) and are then reported there only; this rule reports the \
wider areas (a county, an island, a postcode district) when the sum of details makes them \
identifying.",
    "`a 34-year-old farmer from Hebden Bridge with MND` reports the town.",
    "Widen it: the county or region, or leave it out.",
    [
        "Farmer, 34, from «Rutland» with motor neurone disease, seen this morning.",
        "Jockey, 19, from «Anglesey» with cystic fibrosis, in clinic today.",
        "Teenage footballer from «Shetland» with Marfan syndrome seen in clinic today.",
    ],
    [
        "Motor neurone disease services in Yorkshire are reorganising.",
        "Great conference in Leeds this week on asthma care.",
        "Cystic fibrosis clinics across the North East are recruiting.",
    ]
);

qi_rule!(CONDITION, "QID004", "identifying-condition", Condition,
    "A condition (rare disease, cancer, pregnancy or a common register condition) that narrows the \
patient down.",
    "Reads conditions and weighs them by prevalence (QOF registers for common ones; rare diseases \
are rarer than 1 in 2,000). Negated and queried conditions (\"no AF\", \"?AF\") are skipped.",
    "`a 34-year-old farmer from Hebden Bridge with motor neurone disease` reports the condition.",
    "Name the group (\"a rare neurological condition\") or leave it out.",
    [
        "Saw a 34-year-old farmer from Hebden Bridge with «motor neurone disease» this morning.",
        "Lovely 19 year old lad with «cystic fibrosis», a jockey from Malton, in clinic today.",
        "Teenage goalkeeper from Ilkley with «Marfan syndrome» seen in clinic today.",
    ],
    [
        "Motor neurone disease usually starts after 50; most patients are over 60.",
        "Cystic fibrosis clinics across the North East are recruiting.",
        "No AF on the ECG, reassuringly.",
    ]);

qi_rule!(
    LAB_VALUE,
    "QID005",
    "identifying-lab-value",
    LabValue,
    "A test result extreme enough to single the patient out (\"PSA of 4,850\").",
    "Reads an analyte with its value and places the value against its reference range and tail \
(a PSA above 1,000 is seen in a few people per 100,000).",
    "`82yo man, PSA of 4,850` reports the value.",
    "Describe it (\"a very high PSA\") rather than give the number.",
    [
        "82yo man, «PSA of 4,850», from clinic this morning. Top trumps!",
        "Lady in her 90s from Whitby, «sodium 98» this morning!",
        "Gent, 71, farmer from Masham, «CK 95,000» after a fall yesterday.",
    ],
    [
        "A PSA above 4 in a man in his 60s: refer or repeat?",
        "Sodium below 125 needs a careful, slow correction.",
        "CK is often raised after a fall; check renal function.",
    ]
);

qi_rule!(
    OCCUPATION,
    "QID006",
    "identifying-occupation",
    Occupation,
    "An occupation that narrows the patient down (a jockey, a vicar, a local councillor).",
    "Reads occupations and weighs them by how many people do that job.",
    "`a 34-year-old farmer from Hebden Bridge with MND` reports the occupation.",
    "Leave it out unless it is the clinical point; if it is, drop the place instead.",
    [
        "Saw a 34-year-old «farmer» from Hebden Bridge with motor neurone disease this morning.",
        "Lovely 19 year old lad with cystic fibrosis, a «jockey» from Malton, in clinic today.",
        "Teenage «footballer» from Ilkley with Marfan syndrome seen in clinic today.",
    ],
    [
        "Farmers have higher rates of some cancers: worth asking about pesticides.",
        "Any tips for jockeys making weight safely?",
        "Teachers get free flu jabs in some areas.",
    ]
);

qi_rule!(RELATIONSHIP, "QID007", "identifying-relationship", Relationship,
    "A family or social relationship of the patient that narrows them down (\"his twin\").",
    "Reads relationships of the patient (\"his daughter\", \"her twin sister\"); the author's own \
relatives (\"my daughter\") are not details of the patient.",
    "`82yo man from Whitby with his twin brother, both with MND` reports the relationship.",
    "Leave it out.",
    [
        "34-year-old farmer from Hebden Bridge with motor neurone disease, like «his twin brother», seen this morning.",
        "Jockey, 19, from Malton with cystic fibrosis; «her twin sister» has it too. Clinic today.",
        "Goalkeeper, 17, from Ilkley with Marfan syndrome, as has «his father». Clinic today.",
    ],
    [
        "My daughter has started medical school!",
        "Twins share more than you think: a review.",
        "Family history matters in Marfan syndrome.",
    ]);

qi_rule!(
    TIME,
    "QID008",
    "identifying-time",
    Time,
    "When the patient was seen (\"this morning\", \"last night\", a weekday or date).",
    "Reads time references and the window they imply. A time lets an insider — a relative or \
colleague who knows the author saw the patient then — choose among the few patients the author \
saw in that window.",
    "`82yo man, PSA of 4,850, from clinic this morning` reports `this morning`.",
    "Leave it out (the safe fix does): the clinical point rarely depends on when.",
    [
        "82yo man, PSA of 4,850, from clinic «this morning». Top trumps!",
        "Saw a 34-year-old farmer from Hebden Bridge with motor neurone disease «this morning».",
        "Lovely 19 year old lad with cystic fibrosis, a jockey from Malton, in clinic «today».",
    ],
    [
        "Teaching session this morning on PSA testing.",
        "Clinic was busy today: remember to hydrate, colleagues!",
        "Great talk last night on heart failure.",
    ]
);

qi_rule!(
    EVENT,
    "QID009",
    "identifying-event",
    Event,
    "A notable event (a road traffic collision, a stabbing, a multiple birth, a public figure).",
    "Reads events that reach the local news or are rare in themselves; readers can match them to \
a report.",
    "`the lad from the M62 crash last night` reports the crash.",
    "Leave it out, or wait until it cannot be matched to the news.",
    [
        "19 year old from Malton after a «stabbing» last night, now in theatre.",
        "34-year-old farmer from Hebden Bridge, «triplets» delivered this morning!",
        "Teenage goalkeeper from Ilkley after a «road traffic collision» last night.",
    ],
    [
        "Knife crime prevention: what can A&E staff do?",
        "Triplets are more common with IVF.",
        "Road traffic collisions are a leading cause of death in young adults.",
    ]
);

qi_rule!(
    ETHNICITY,
    "QID010",
    "identifying-ethnicity",
    Ethnicity,
    "The patient's ethnicity, as one of the details that together identify them.",
    "Reads ethnic groups and weighs them by their share of the population (a special category of \
data under UK GDPR).",
    "`a Somali lady, 34, from Malton with MND` reports the ethnicity.",
    "Leave it out unless it is the clinical point.",
    [
        "«Somali» lady, 34, from Malton with motor neurone disease, seen this morning.",
        "«Chinese» student, 19, from Ilkley with Marfan syndrome, in clinic today.",
        "«Polish» man, 34, from Hebden Bridge with motor neurone disease, seen today.",
    ],
    [
        "Sickle cell disease is commoner in people of African descent.",
        "Vitamin D deficiency is common in people with darker skin in the UK.",
        "Interpreters for Polish speakers are available through the practice.",
    ]
);

qi_rule!(
    RELIGION,
    "QID011",
    "identifying-religion",
    Religion,
    "The patient's religion, as one of the details that together identify them.",
    "Reads religions and weighs them by their share of the population (a special category of data \
under UK GDPR).",
    "`a Sikh farmer, 34, from Hebden Bridge with MND` reports the religion.",
    "Leave it out unless it is the clinical point.",
    [
        "«Sikh» farmer, 34, from Hebden Bridge with motor neurone disease, seen this morning.",
        "«Jehovah's Witness», 19, from Malton with a haemoglobin of 45 today.",
        "«Buddhist» monk, 34, from Ilkley with Marfan syndrome, in clinic today.",
    ],
    [
        "Fasting during Ramadan: advice for patients with diabetes.",
        "Jehovah's Witnesses may accept some blood fractions; ask early.",
        "Chaplaincy supports patients of every faith.",
    ]
);

/// Every quasi-identifier rule.
pub static RULES: &[&RuleMeta] = &[
    &AGE,
    &SEX,
    &PLACE,
    &CONDITION,
    &LAB_VALUE,
    &OCCUPATION,
    &RELATIONSHIP,
    &TIME,
    &EVENT,
    &ETHNICITY,
    &RELIGION,
];

/// The rule for a quasi-identifier kind.
pub fn for_kind(kind: Kind) -> Option<&'static RuleMeta> {
    RULES.iter().copied().find(|r| r.kind == kind)
}
