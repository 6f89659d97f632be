//! CND008 `anonymous-doctor` and CND012 `whereabouts`: what a post says about its author.
//!
//! Anonymous-doctor needs the posting context: it fires only when the account is pseudonymous
//! and the audience public (`--account pseudonymous`, `context.account` in JSONL and the API) and
//! the post presents its author as a doctor ("as a GP", "I'm an FY2", "speaking as a
//! consultant", "my patients").
//!
//! Whereabouts finds real-time location at work or at home: the author (first person) at a
//! workplace or a named place with a "now" word (today, tonight, until 8), check-ins, and an
//! empty house ("home alone tonight", "away for two weeks").

use std::sync::LazyLock;

use clinpost_core::{
    Account, Audience, Category, Cue, Detector, Document, Finding, Kind, RuleMeta, Severity,
};
use regex::Regex;

use crate::util::{finding, meta, prep, rx, sentence_text};

/// CND008.
pub static ANONYMOUS_DOCTOR: RuleMeta = RuleMeta {
    code: "CND008",
    name: "anonymous-doctor",
    category: Category::Conduct,
    kind: Kind::AnonymousDoctor,
    severity: Severity::Warning,
    guidance: &["gmc-sm/identify-by-name"],
    summary: "A post that presents its author as a doctor, from a pseudonymous account in public.",
    docs: "## What it does\n\
When the account is pseudonymous and the post is public (`--account pseudonymous`; \
`\"context\": {\"account\": \"pseudonymous\"}` in JSONL and the API), finds where the post presents \
its author as a doctor: `as a GP`, `I'm an FY2`, `speaking as a consultant`, `20 years a \
surgeon`, `my patients`. Nothing is reported for a named account or a closed or private \
audience.\n\n\
## Why it matters\n\
The GMC expects doctors who identify themselves as doctors in public to give their name too: \
what they say is taken as the profession's view, and readers should be able to weigh it.\n\n\
## Example\n\
From a pseudonymous public account, `As a GP I can tell you the 8am rush is a nightmare` is \
reported.\n\n\
## Fix\n\
Post under your name, or leave out that you are a doctor. No rewrite is offered.\n",
    placeholder: None,
    priority: 40,
    true_samples: &[
        "«As a GP» I can tell you the 8am rush is a nightmare.",
        "«I'm an FY2» and honestly the rota is killing me.",
        "«Speaking as an NHS consultant», this plan will not work.",
        "«Twenty years as a surgeon» and I've never seen waits like this.",
    ],
    false_samples: &[
        "My GP said it was probably viral.",
        "As a patient I found the wait frustrating.",
        "I'm a nurse and proud of it.",
        "Is it worth seeing a doctor about a cough that won't go?",
    ],
};

/// CND012.
pub static WHEREABOUTS: RuleMeta = RuleMeta {
    code: "CND012",
    name: "whereabouts",
    category: Category::Conduct,
    kind: Kind::Whereabouts,
    severity: Severity::Warning,
    guidance: &["mdo/location-metadata"],
    summary: "Real-time whereabouts: where you are working now, a check-in, or an empty home.",
    docs: "## What it does\n\
Finds posts that say where the author is right now or soon: at a named hospital, practice or \
ward today or tonight (`on call at St Mary's tonight`, `I'm in resus at the Royal until 8`), \
check-ins (`📍`, `checked in at`), and an empty home (`home alone tonight`, `away for two \
weeks from Saturday`). Past visits, plans without a place and home visits to patients are not \
reported.\n\n\
## Why it matters\n\
Check-ins and real-time posts tell anyone — including a patient with a grievance — where to \
find you, and when your home is empty.\n\n\
## Example\n\
`On call at Addenbrooke's tonight, come say hi` is reported; `Working nights this week, any \
tips?` is not.\n\n\
## Fix\n\
Post after you have left, without the place or the time, or leave it out. No rewrite is \
offered.\n",
    placeholder: None,
    priority: 40,
    true_samples: &[
        "«On call at St Mary's» tonight, pray for me.",
        "«I'm in resus» until 8, send coffee.",
        "Finally «home alone tonight», husband away with the kids.",
        "«Checked in at Royal Sussex County Hospital for my last night shift».",
    ],
    false_samples: &[
        "Working nights this week, any tips for staying awake?",
        "I was at Addenbrooke's for my training years ago.",
        "Home visits today: remember your PPE and a charger.",
        "Patient at home alone tonight, daughter visiting tomorrow.",
    ],
};

static DOCTOR: LazyLock<Regex> = LazyLock::new(|| {
    let role = r"(?:(?:nhs|junior|senior|hospital|locum|salaried|trainee|gp|a&e|ed|emergency|practising|retired|consultant|foundation|specialty|resident)\s+){0,2}(?:doctor|doc|medic|gp|consultant|surgeon|registrar|reg|physician|anaesthetist|anesthetist|psychiatrist|paediatrician|pediatrician|intensivist|radiologist|oncologist|cardiologist|neurologist|dermatologist|pathologist|obstetrician|gynaecologist|urologist|haematologist|rheumatologist|geriatrician|gastroenterologist|endocrinologist|nephrologist|histopathologist|microbiologist|fy1|fy2|f1|f2|sho|house\s+officer|st[1-8]|ct[1-3]|partner\s+in\s+general\s+practice|general\s+practitioner|medical\s+student|med\s+student)";
    rx(&format!(
        concat!(
            r"\b(?:as\s+(?:an?|the|your|their)\s+{r}|speaking\s+as\s+(?:an?\s+)?{r}|(?:i'm|i\s+am|im|i\s+work\s+as|i've\s+been|i\s+have\s+been|i\s+was)\s+(?:an?\s+|the\s+)?{r}|(?:\d+|one|two|three|four|five|ten|fifteen|twenty|thirty)\s+years\s+(?:as\s+)?an?\s+{r}|\bbeen\s+an?\s+{r}(?:\s+partner)?\s+(?:for|since)|(?:your|a)\s+(?:friendly|local|humble|tired|knackered|jaded)\s+(?:neighbourhood\s+)?{r}|(?:fellow|other)\s+(?:doctors|gps|medics|consultants|surgeons|registrars|juniors)|my\s+(?:patients|surgery\s+list|ward\s+round|clinic\s+list|on-?call\s+shift|gmc\s+number|trainer|consultant|rota))\b",
        ),
        r = role
    ))
});

static WORK_NOW: LazyLock<Regex> = LazyLock::new(|| {
    let named = r"(?:St\.?\s+[A-Z][A-Za-z'’]+(?:'s)?(?:\s+[A-Z][A-Za-z'’]+){0,3}|(?:the\s+)?[A-Z][A-Za-z'’&-]+(?:\s+(?:[A-Z][A-Za-z'’&-]+|of|and|on)){0,4})";
    let place = r"(?i:resus|majors|minors|a&e|ed|icu|itu|theatres?|the\s+ward|ward\s+\w+|work|(?:my|the|our)\s+(?:surgery|practice|clinic|hospital|health\s+centre|medical\s+centre|department|unit|ward|trust))";
    let pat = format!(
        r"\b(?:(?i:on\s+call|working|on\s+shift|on\s+nights|on\s+days|doing\s+(?:a|my)\s+(?:locum|shift|night|long\s+day)|locuming|covering|holding\s+the\s+bleep|clocked\s+(?:in|on)|rostered|stuck|by\s+myself|on\s+my\s+own|alone|solo)(?i:\s+on\s+(?:the\s+)?(?:ward|wards|floor|site|shift|nights))?\s+(?i:at|in)\s+(?:{named}|{place})|(?i:i'm|i\s+am|i'll\s+be|i\s+will\s+be|we're|we\s+are|currently|just\s+arrived|arrived|just\s+got|just\s+clocked\s+in)\s+(?i:(?:back\s+)?(?:at|in))\s+(?:{place}|St\.?\s+[A-Z][A-Za-z'’]+(?:'s)?|the\s+[A-Z][A-Za-z'’&-]+(?:\s+[A-Z][A-Za-z'’&-]+){{0,2}}|[A-Z][A-Za-z'’&-]+(?:\s+[A-Z][A-Za-z'’&-]+){{0,3}}\s+(?:Hospital|Infirmary|Surgery|Practice|Medical\s+Centre|Health\s+Centre|Clinic|General)))"
    );
    Regex::new(&prep(&pat)).expect("work now")
});
static NOW: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:now|right\s+now|today|tonight|this\s+(?:morning|afternoon|evening|weekend)|currently|at\s+the\s+moment|atm|until|till|til|all\s+(?:day|night|weekend)|from\s+\d|\d{1,2}(?::\d{2})?\s*(?:am|pm)|till\s+late|until\s+late|for\s+the\s+next|this\s+week|come\s+(?:and\s+)?say\s+(?:hi|hello)|pray\s+for\s+me|send\s+(?:coffee|help|cake|snacks)|bring\s+(?:coffee|snacks|cake|food)|hours?\s+to\s+go|\d+\s+hours?\s+(?:left|more)|night\s+\d|day\s+\d|shift\s+\d|\d\s+of\s+\d)\b",
    )
});
static PAST: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:was|were|used\s+to|years\s+ago|last\s+(?:year|month|week)|back\s+in|next\s+(?:week|month|year))\b",
    )
});
static STRONG: LazyLock<Regex> = LazyLock::new(|| {
    rx(concat!(
        r"📍|\bchecked\s+in\s+(?:at|to)\b[^.!?\n]*|\bchecking\s+in\s+(?:at|from)\b[^.!?\n]*|\blive\s+from\s+(?:the\s+)?(?:resus|a&e|the\s+ward|theatre|my\s+(?:surgery|clinic))\b",
        r"|\b(?:home\s+alone|alone\s+(?:at\s+home|in\s+the\s+house)|(?:house|flat|home)\s+(?:is\s+|will\s+be\s+)?(?:empty|to\s+myself)|away\s+(?:from\s+home\s+)?(?:on\s+holiday\s+)?(?:until|till|for\s+(?:the\s+next\s+)?(?:a|one|two|three|2|3|\d+)\s+(?:weeks?|nights|days|fortnight))|on\s+holiday\s+(?:until|till|for\s+(?:the\s+next\s+)?(?:a|two|three|2|3|\d+)\s+(?:weeks?|days)))\b",
    ))
});
static NOT_MINE: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:patients?|pt|pts|mum|dad|mother|father|gran|grandad|granny|neighbour|he|she|they|his|her|their|client|resident|residents)\b",
    )
});

struct Account_;

impl Detector for Account_ {
    fn rules(&self) -> &'static [&'static RuleMeta] {
        static R: [&RuleMeta; 2] = [&ANONYMOUS_DOCTOR, &WHEREABOUTS];
        &R
    }

    fn check(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        let text = doc.text;
        if doc.context.account == Account::Pseudonymous && doc.context.audience == Audience::Public
        {
            let possessive = |e: usize| {
                let rest = &text[e..];
                rest.starts_with("'s") || rest.starts_with("’s")
            };
            if let Some(m) = DOCTOR
                .find_iter(text)
                .find(|m| !possessive(m.end()) && !meta(sentence_text(text, m.start(), m.end())))
            {
                out.push(finding(
                    &ANONYMOUS_DOCTOR,
                    m.start(),
                    m.end(),
                    "Identifies the author as a doctor on a pseudonymous public account",
                    &[Cue::Role, Cue::Account],
                    None,
                ));
            }
        }
        for m in WORK_NOW.find_iter(text) {
            let (s, e) = (m.start(), m.end());
            let sent = sentence_text(text, s, e);
            if NOW.is_match(sent) && !PAST.is_match(sent) {
                out.push(finding(
                    &WHEREABOUTS,
                    s,
                    e,
                    "Where you are working now",
                    &[Cue::Place, Cue::Date],
                    None,
                ));
            }
        }
        for m in STRONG.find_iter(text) {
            let (s, e) = (m.start(), m.end());
            let sent = sentence_text(text, s, e);
            let lower = m.as_str().to_lowercase();
            let home = !lower.contains("check") && !lower.contains("live") && !lower.contains('📍');
            if home
                && NOT_MINE.is_match(&sent.to_lowercase().replace(&m.as_str().to_lowercase(), " "))
            {
                continue;
            }
            let e = if m.as_str().starts_with('📍') {
                // The pin and the place after it, up to the end of the line or sentence.
                let rest = &text[e..];
                e + rest.find(['\n', '.', '!', '?']).unwrap_or(rest.len())
            } else {
                e
            };
            out.push(finding(
                &WHEREABOUTS,
                s,
                e.min(text.len()),
                "A check-in or an empty home",
                &[Cue::Place, Cue::Date],
                None,
            ));
        }
    }
}

/// The detector.
pub fn detectors() -> Vec<Box<dyn Detector>> {
    vec![Box::new(Account_)]
}
