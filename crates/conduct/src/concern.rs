//! CND009 `public-concern` and CND010 `complaint-reply`.
//!
//! Public concern: a patient-safety allegation about the author's own workplace ("our ward is
//! unsafe", "patients are dying on trolleys in our corridors", "the trust ignored my datix"),
//! or whistleblowing framing ("I'm going public", "blowing the whistle on my trust"). National
//! commentary (no workplace of the author's) and teaching ("wrong-site surgery is a never
//! event") are left alone, as are good-news posts (an award for fewer incidents).
//!
//! Complaint reply: a reply to a complaint or review (the `reply_to` context, or complaint words
//! in the post itself: "review", "feedback", "sorry to hear") that confirms the person is a
//! patient, an appointment, a clinician, a date or any detail of care ("when you attended on
//! Monday", "your blood results", "Dr Shah saw you"). The safe template ("we cannot comment on
//! individual cases; please contact the practice manager") is not reported.

use std::sync::LazyLock;

use clinpost_core::{Category, Cue, Detector, Document, Finding, Kind, RuleMeta, Severity};
use regex::Regex;

use crate::util::{finding, meta, prep, rx, sentence_text, window_text};

/// CND009.
pub static PUBLIC_CONCERN: RuleMeta = RuleMeta {
    code: "CND009",
    name: "public-concern",
    category: Category::Conduct,
    kind: Kind::PublicConcern,
    severity: Severity::Warning,
    guidance: &["gmc-sm/raising-concerns"],
    summary: "A patient-safety concern about your workplace raised on social media before local procedures and the regulator.",
    docs: "## What it does\n\
Finds patient-safety allegations about the author's own workplace (`our ward is unsafe`, \
`patients are dying on trolleys in our corridors`, `the trust ignored my datix`, `another \
never event on our unit`) and whistleblowing framing (`I'm going public`, `blowing the \
whistle on my trust`). National commentary, teaching about incidents and good news (an award \
for fewer incidents) are not reported.\n\n\
## Why it matters\n\
The GMC expects concerns to be raised through local procedures (the Freedom to Speak Up \
Guardian, the medical director) and then the regulator (CQC, GMC) before going public, and \
never in a way that identifies patients. Incident details posted publicly can identify the \
patients involved.\n\n\
## Example\n\
`Our ward is dangerously understaffed tonight and management won't listen` is reported; \
`Wrong-site surgery is a never event: use the WHO checklist` is not.\n\n\
## Fix\n\
Raise it with your line manager, the Freedom to Speak Up Guardian or the medical director, then \
the regulator; take advice from your defence organisation or the BMA. No rewrite is offered.\n",
    placeholder: None,
    priority: 45,
    true_samples: &[
        "«Our ward is dangerously understaffed» tonight and nobody cares.",
        "«Management ignored my datix» for the third time this month.",
        "Time to «blow the whistle» on what's happening in my trust.",
        "«Patients are dying on trolleys in our corridors» and nobody cares.",
    ],
    false_samples: &[
        "Wrong-site surgery is a never event: use the WHO checklist every time.",
        "If you are worried about patient safety, talk to your Freedom to Speak Up Guardian.",
        "Proud of our team: zero never events this year after the new checklist.",
        "How to write a good Datix: a short guide for new FY1s.",
    ],
};

/// CND010.
pub static COMPLAINT_REPLY: RuleMeta = RuleMeta {
    code: "CND010",
    name: "complaint-reply",
    category: Category::Conduct,
    kind: Kind::ComplaintReply,
    severity: Severity::Error,
    guidance: &["gmc-sm/complaints", "gmc-sm/no-public-patient-discussion"],
    summary: "A reply to a complaint or review that confirms the person is a patient or any detail of their care.",
    docs: "## What it does\n\
In a reply to a complaint or review (the `--reply-to` context, or complaint words in the post: \
`review`, `feedback`, `sorry to hear`), finds what confirms that the person is a patient or \
any detail of their care: `as your GP`, `when you attended on Monday`, `you were seen by`, \
`your blood results`, `our records show`, `you missed your appointment`, `Dr Shah saw you`. The \
safe template (`we cannot comment on individual cases; please contact the practice manager`) is \
not reported.\n\n\
## Why it matters\n\
Replying to a public complaint can itself breach confidentiality: confirming that someone is a \
patient, had an appointment on a given day or saw a given clinician discloses their care. The \
GMC advises limiting a reply to the duty of confidentiality.\n\n\
## Example\n\
`Thank you for your review. When you attended on Monday the GP explained your results` is \
reported; `We're sorry to read this. We can't comment on individual cases; please contact our \
practice manager` is not.\n\n\
## Fix\n\
Reply with the template: thank them, say you cannot discuss anyone's care in public, and invite \
them to contact the practice manager or the complaints team privately. No rewrite is offered.\n",
    placeholder: None,
    priority: 62,
    true_samples: &[
        "Thank you for your review. «When you attended» on Monday the GP explained everything.",
        "Sorry to hear this, but «our records show» «you did not attend».",
        "Re your complaint: «your blood results» were normal, which is why we didn't call.",
        "We're disappointed by this review; «Dr Shah saw you» for twenty minutes.",
    ],
    false_samples: &[
        "We're sorry to read this. We can't comment on individual cases; please contact our practice manager.",
        "Thank you for your feedback; we'll share it with the whole team.",
        "If you were seen in A&E and need a fit note, ask your GP.",
        "Your blood results will be on the NHS App within a week.",
    ],
};

const LOCAL: &str = r"(?:(?:my|our|this|the)\s+(?:own\s+)?(?:ward|wards|trust|hospital|unit|department|dept|practice|surgery|a&e|ed|icu|itu|hdu|team|theatres?|maternity\s+unit|labour\s+ward|board|health\s+board|ccg|icb|management|bosses|employer|rota|corridors?|medical\s+director|clinical\s+director|chief\s+executive|ceo|consultants?|managers?|department's|ward's|trust's|hospital's)|management|the\s+bosses)";
const ALLEG: &str = r"(?:(?:is|are|was|were|'s|'re|has\s+been|remains?)\s+(?:so\s+|really\s+|now\s+|completely\s+|utterly\s+|genuinely\s+|frankly\s+)?(?:unsafe|dangerous|dangerously\s+(?:understaffed|short|busy|full)|killing\s+(?:people|patients)|a\s+death\s*trap|an\s+accident\s+waiting\s+to\s+happen|negligent)|(?:ignored|ignores|ignoring|dismissed|buried)\s+(?:my|our|every|all|the|staff)\s+(?:\w+\s+)?(?:concerns?|datix\w*|reports?|incident\s+reports?|emails?|warnings?)|(?:won't|will\s+not|refuses?\s+to|refused\s+to|doesn't|don't)\s+listen|covered\s+(?:it\s+)?up|covering\s+(?:it\s+)?up|did\s+nothing|do\s+nothing|does\s+nothing)";
const HARM: &str = r"(?:patients?|people|babies|someone|somebody|kids|children|mums?)\s+(?:are|is|will|could|have|has|were|keep)\s+(?:going\s+to\s+)?(?:dying|die|died|being\s+harmed|been\s+harmed|come\s+to\s+harm|at\s+risk|getting\s+hurt|waiting\s+\d+\s+hours)|(?:unsafe\s+staffing|never\s+events?|serious\s+incidents?|datix(?:ed)?|incident\s+reports?|near\s+miss(?:es)?|wrong[ -](?:site|patient|dose|leg|side|blood)|missed\s+(?:sepsis|diagnos\w+|fractures?|cancers?|stemis?|mis?|pes?)|(?:1|one)\s+(?:nurse|doctor|reg|registrar|fy1|sho)\s+(?:for|to|covering)\s+\d+|dangerously\s+(?:understaffed|short|busy|full)|corridor\s+care|on\s+trolleys|in\s+(?:the\s+)?corridors?)";

static CONCERN: LazyLock<Regex> = LazyLock::new(|| {
    rx(&format!(
        concat!(
            r"\b{local}(?:\s+\w+){{0,3}}?\s+{alleg}\b",
            r"|\b{harm}\b",
            r"|\b(?:whistle[ -]?blow(?:ing|er)?|blow(?:ing)?\s+the\s+whistle|going\s+public\s+(?:about|with|on)|go\s+public\s+(?:about|with|on)|speaking\s+out\s+about\s+(?:my|our)\s+(?:trust|hospital|practice|ward|employer|unit)|expos(?:e|ing)\s+(?:my|our|this)\s+(?:trust|hospital|practice|ward|unit)|the\s+public\s+(?:needs|deserve)s?\s+to\s+know|going\s+public|go\s+public)\b",
            r"|\bI'?ve\s+(?:raised|reported|escalated|flagged)\s+(?:this|it|concerns?)\s+(?:\w+\s+){{0,6}}?(?:times|repeatedly|again\s+and\s+again|for\s+months|for\s+years)\b",
        ),
        local = LOCAL,
        alleg = ALLEG,
        harm = HARM
    ))
});
static LOCAL_RX: LazyLock<Regex> = LazyLock::new(|| {
    rx(&format!(
        r"\b{LOCAL}\b|\b(?:here|tonight|today|this\s+(?:morning|week|shift))\b"
    ))
});
static GOOD_NEWS: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:award|awards|reduc\w*|improv\w*|zero|celebrat\w*|proud|learning|lessons|teaching|audit|qi|quality\s+improvement|fewer|drop(?:ped)?|guide|how\s+to|tips?|training|webinar|course|if\s+you|talk\s+to|speak\s+to|freedom\s+to\s+speak\s+up|ftsu)\b",
    )
});

static COMPLAINT_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:reviews?|complaints?|complained|feedback|comments?|1\s*star|one\s+star|trustpilot|google\s+review|iwantgreatcare|doctify|sorry\s+to\s+(?:hear|read|see)|sorry\s+you|disappointed\s+(?:to\s+(?:hear|read)|by)|your\s+(?:post|tweet|message|experience)|thank\s+you\s+for\s+(?:your|taking)|thanks\s+for\s+(?:your|taking)|re\s+your|in\s+response\s+to|responding\s+to)\b",
    )
});
static CONFIRMS: LazyLock<Regex> = LazyLock::new(|| {
    let clinician = r"(?:Dr|Doctor|Nurse|Sister|Mr|Mrs|Ms|Miss)\.?\s+[A-Z][A-Za-z'-]+";
    let pat = format!(
        concat!(
            r"(?i:\b(?:as\s+your\s+(?:gp|doctor|surgeon|consultant|dentist|nurse|practice|pharmacist|midwife)",
            r"|when\s+(?:you|your\s+\w+)\s+(?:came|attended|were\s+seen|visited|called|phoned|rang|came\s+in|presented|were\s+admitted|were\s+here)",
            r"|you\s+were\s+(?:seen|treated|examined|admitted|discharged|referred|prescribed|given|offered|booked|triaged|assessed|told|advised|called|registered)",
            r"|you\s+(?:have\s+been|are|were)\s+(?:a\s+)?(?:patient|registered)\s+(?:here|with\s+us|at\s+(?:the|our|this))",
            r"|our\s+(?:records|notes|system)\s+(?:show|shows|indicate|say|confirm)",
            r"|(?:I|we)\s+(?:saw|treated|examined|reviewed|assessed|referred|prescribed|discharged|admitted|triaged|called|rang|spoke\s+to|spoke\s+with)\s+(?:you|your\s+(?:mum|dad|mother|father|son|daughter|wife|husband|child|baby|partner))",
            r"|your\s+(?:bloods?|blood\s+(?:tests?|results?)|results?|scan|x-?ray|mri|ct|prescription|medications?|medicines?|repeat\s+prescription|appointments?|referral|notes|records|diagnosis|test|tests|consultation|visit|treatment|operation|procedure|smear|injection|vaccination|biopsy|ecg|swab|sick\s+note|fit\s+note|care\s+plan|dressing|blood\s+pressure|(?:recent|last)\s+(?:visit|appointment|consultation)|(?:mum|dad|mother|father|son|daughter|wife|husband|child|baby)'?s?\s+(?:care|treatment|appointment|results?|referral|admission))",
            r"|you\s+(?:arrived|were|came)\s+(?:\d+\s+(?:minutes?|mins?|hours?)\s+)?late|you\s+(?:came\s+in|came|rang|called|phoned|attended|visited|were\s+here)\s+(?:on|at|last|this|yesterday|earlier)|you\s+(?:missed|cancelled|did\s+not\s+attend|didn't\s+attend|dna'?d|arrived\s+late|were\s+late|were\s+rude|were\s+abusive|refused|declined|left\s+before|walked\s+out)",
            r"|the\s+(?:doctor|gp|nurse|clinician|receptionist|pharmacist|consultant)\s+(?:you\s+saw|who\s+saw\s+you|who\s+treated\s+you|you\s+spoke\s+to)",
            r"|on\s+(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|the\s+\d{{1,2}}(?:st|nd|rd|th)?)\s+you\b",
            r")\b)",
            r"|\b{c}\s+(?i:saw|treated|examined|reviewed|assessed|spoke\s+to|spoke\s+with|called|rang|referred|prescribed)\s+(?i:you|your)\b",
        ),
        c = clinician
    );
    Regex::new(&prep(&pat)).expect("confirms")
});

struct Concern;

impl Detector for Concern {
    fn rules(&self) -> &'static [&'static RuleMeta] {
        static R: [&RuleMeta; 2] = [&PUBLIC_CONCERN, &COMPLAINT_REPLY];
        &R
    }

    fn check(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        let text = doc.text;
        for m in CONCERN.find_iter(text) {
            let (s, e) = (m.start(), m.end());
            let sent = sentence_text(text, s, e);
            if sent.trim_end().ends_with('?') && !LOCAL_RX.is_match(sent) {
                continue;
            }
            if GOOD_NEWS.is_match(sent) || meta(sent) {
                continue;
            }
            // Harm and incident words need the author's own workplace or "now" nearby.
            if !LOCAL_RX.is_match(window_text(text, s, e)) {
                continue;
            }
            out.push(finding(
                &PUBLIC_CONCERN,
                s,
                e,
                "A patient-safety concern raised in public: use local procedures and the regulator first",
                &[Cue::Phrase, Cue::Place],
                None,
            ));
        }
        let replying = doc
            .context
            .reply_to
            .as_ref()
            .is_some_and(|r| !r.expose().trim().is_empty());
        if replying || COMPLAINT_CONTEXT.is_match(text) || text.trim_start().starts_with('@') {
            for m in CONFIRMS.find_iter(text) {
                out.push(finding(
                    &COMPLAINT_REPLY,
                    m.start(),
                    m.end(),
                    "A reply that confirms the person is a patient or a detail of their care",
                    &[Cue::Phrase, Cue::Account],
                    None,
                ));
            }
        }
    }
}

/// The detectors.
pub fn detectors() -> Vec<Box<dyn Detector>> {
    vec![Box::new(Concern)]
}
