//! CND005 `sexual` (sexual remarks about patients, relatives or colleagues) and CND011
//! `boundary` (seeking or accepting social contact with patients).
//!
//! Sexual remarks are phrase patterns: an attractiveness word next to a person word ("gorgeous
//! patient", "the mum in bay 3 was well fit"), comments on bodies, innuendo about examinations,
//! and the slang of the wards (GLM). Words with a clinical twin need an intensifier or the
//! absence of the twin's context: a patient who is "fit" is fit for discharge, a patient who is
//! "hot" may be febrile, a "great body of evidence" is not a body.
//!
//! Boundary findings need both a patient and social contact (a friend request, a date, a
//! personal number) and are dropped when the post says the contact was declined or redirected,
//! when it asks whether to accept, or when it gives the advice rather than breaking it.

use std::sync::LazyLock;

use clinpost_core::{Category, Cue, Detector, Document, Finding, Kind, RuleMeta, Severity};
use regex::Regex;

use crate::util::{finding, meta, quoted, rx, sentence_text, window_text};

/// CND005.
pub static SEXUAL: RuleMeta = RuleMeta {
    code: "CND005",
    name: "sexual",
    category: Category::Conduct,
    kind: Kind::Sexual,
    severity: Severity::Error,
    guidance: &[
        "gmc-sm/boundaries",
        "gmc-gmp/trust",
        "gmc-sm/privacy-not-guaranteed",
    ],
    summary: "Sexual remarks about patients, relatives or colleagues.",
    docs: "## What it does\n\
Finds sexual remarks about patients, relatives and colleagues: attractiveness (`gorgeous patient \
in bay 2`, `the mum was well fit`), comments on bodies, innuendo about examinations (`wouldn't \
mind examining her again`), and ward slang such as `GLM`. Clinical words are not remarks: a \
patient fit for discharge, a hot and clammy patient, a great body of evidence, chaperone \
guidance.\n\n\
## Why it matters\n\
Sexual remarks about patients in a WhatsApp group have reached the police and the regulator; \
no chat is private, and such remarks breach the trust patients place in the people who examine \
them.\n\n\
## Example\n\
`Absolutely gorgeous patient in bay 4, wouldn't mind examining her again` is reported; \
`Always offer a chaperone for intimate examinations` is not.\n\n\
## Fix\n\
Leave it out. No rewrite is offered.\n",
    placeholder: None,
    priority: 58,
    true_samples: &[
        "Absolutely «gorgeous patient» in bay 4 this morning.",
        "Honestly «wouldn't mind examining» her again 😉",
        "The «mum in cubicle 2 was well fit», made my night.",
        "Proper «GLM» in paeds ED tonight.",
        "«Nice boobs» on the lady in bed 6.",
    ],
    false_samples: &[
        "Always offer a chaperone for intimate examinations.",
        "Patient is fit for discharge, TTOs sorted.",
        "Pt hot and clammy, temp 39.2, sepsis screen sent.",
        "There's a great body of evidence for SGLT2 inhibitors in heart failure.",
        "Stunning images on this CT: a textbook volvulus.",
    ],
};

/// CND011.
pub static BOUNDARY: RuleMeta = RuleMeta {
    code: "CND011",
    name: "boundary",
    category: Category::Conduct,
    kind: Kind::Boundary,
    severity: Severity::Warning,
    guidance: &["gmc-sm/boundaries"],
    summary: "Seeking or accepting social contact with a patient (friend requests, dates, personal numbers).",
    docs: "## What it does\n\
Finds posts that seek or accept social contact with patients: accepting a patient's friend \
request, adding or following a patient, asking a patient out or getting their number, giving \
patients a personal number or account, inviting patients to add you. A post that says the \
request was declined or redirected to a professional page, a question about what to do, and \
the advice itself are not reported.\n\n\
## Why it matters\n\
Mixing social and professional relationships with patients blurs the boundary the GMC asks \
doctors to keep; patients who contact a personal profile should be pointed to professional \
channels.\n\n\
## Example\n\
`Accepted a friend request from one of my patients last night` is reported; `A patient sent me \
a friend request; I declined and pointed her to the practice page` is not.\n\n\
## Fix\n\
Decline, and direct the patient to the practice's or your professional page. No rewrite is \
offered.\n",
    placeholder: None,
    priority: 52,
    true_samples: &[
        "«Accepted a friend request from one of my patients» last night, she's lovely.",
        "Finally «asked her out», the patient from Tuesday's clinic 🙈",
        "«Gave my patients my personal mobile» so they can text me directly.",
        "«A patient slid into my DMs» and we're meeting for drinks Friday.",
    ],
    false_samples: &[
        "A patient sent me a friend request; I declined and pointed her to the practice page.",
        "Never accept friend requests from patients: GMC guidance is clear.",
        "A patient added me on Facebook. Should I accept?",
        "Our practice Facebook page is a good way for patients to get updates.",
    ],
};

static SEX: LazyLock<Regex> = LazyLock::new(|| {
    rx(concat!(
        r"\b(?:sexy|gorgeous|stunning|fanciable|shaggable|doable|bangable|fuckable|smoking\s+hot|smokin'?\s+hot|well\s+fit|proper\s+fit|so\s+fit|fit\s+as\s+(?:fuck|hell|anything|owt)|well\s+hot|proper\s+hot|so\s+hot|really\s+hot|super\s+hot|a\s+(?:10|ten)(?:/10)?|milf|dilf|yummy)\s+",
        r"(?:patients?|pts?|mums?|mothers?|dads?|relatives?|girls?|guys?|lady|ladies|blokes?|woman|women|man|men|nurses?|students?|midwi(?:fe|ves)|registrars?|one|daughters?|wife|husbands?|sons?|sisters?|paramedics?|physios?|fy1|fy2|sho|reg)\b",
        r"|\b(?:patients?|pts?|mums?|mothers?|dads?|relatives?|girls?|guys?|lady|ladies|blokes?|woman|women|man|men|nurses?|students?|daughters?|wife|husbands?|physios?|doctors?|regs?|registrars?|fy1s?|fy2s?|sho|consultants?|midwi(?:fe|ves)|paramedics?|hcas?|receptionists?|locums?|surgeons?|anaesthetists?)",
        r"(?:\s+(?:in|on|from)\s+(?:bed|bay|cubicle|room|side\s+room|resus|majors|minors|clinic|ward)(?:\s+\w+)?)?",
        r"\s+(?:was|is|were|are|'s)\s+(?:(?:so|well|proper|absolutely|bloody|fucking|seriously|really|incredibly|properly)\s+)?",
        r"(?:sexy|gorgeous|stunning|fanciable|shaggable|(?:an?\s+)?(?:absolute\s+|total\s+|solid\s+|easy\s+|proper\s+)?(?:10|ten)(?:/10|\s+out\s+of\s+10)|a\s+(?:10|ten)|a\s+babe|a\s+stunner|a\s+looker|a\s+snack|eye\s+candy|a\s+milf|a\s+dilf|fit\s+as\s+(?:fuck|hell|anything)|(?:well|proper|so|absolutely|bloody|fucking|seriously|properly|smoking|smokin'?)\s+(?:fit|hot))",
        r"|\bhot\s+(?:mums?|dads?|nurses?|girls?|guys?|lady|ladies|blokes?|woman|women|physios?|doctors?|registrars?|students?|midwi(?:fe|ves)|relatives?|daughters?|sisters?)\b",
        r"|\b(?:great|nice|amazing|lovely|perfect|massive|huge|fantastic|cracking|incredible|perky|tight|peachy|juicy)\s+(?:boobs|tits|titties|arse|ass|bum|butt|rack|cleavage|package|bulge|booty|body|legs|abs)\b",
        r"|\bwouldn't\s+mind\s+(?:examining|examing|checking\s+(?:her|him)\s+out|giving\s+(?:her|him)|a\s+go\s+on|seeing\s+(?:her|him)\s+(?:naked|undressed))|\bhappy\s+to\s+examine\s+(?:her|him)\s+(?:again|any\s+time|anytime)|\bexamine\s+(?:her|him)\s+again\s*[;:]\)?|\b(?:i'd|i\s+would)\s+(?:do|shag|smash|bang|tap|ride|pull|snog)\s+(?:her|him|that)\b",
        r"|\b(?:intimate|breast|pv|pr|rectal|testicular|vaginal|bimanual|smear|genital)\s+exam\w*\s+(?:was|were)\s+(?:fun|a\s+pleasure|a\s+treat|enjoyable|a\s+perk|the\s+highlight|a\s+bonus|lovely|nice)\b",
        r"|\b(?:enjoyed|loved)\s+(?:that|the|her|his|this)\s+(?:intimate|breast|pv|pr|rectal|testicular|vaginal|bimanual|smear|genital)\s+exam\w*",
        r"|\bperks?\s+of\s+the\s+job\b",
        r"|\bGLMs?\b|\bgood[ -]looking\s+(?:mum|mom|mother|dad|relative|patient|pt|lady|woman|girl|bloke|guy|man|nurse|student)s?\b|\beye\s+candy\b|\bphwoa+r\b|\btotty\b|\bundress(?:ed|ing)?\s+(?:her|him)\s+with\s+my\s+eyes\b|\bturned\s+me\s+on\b|\bmade\s+me\s+horny\b",
    ))
});
static SEX_NOT: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:temp|temperature|febrile|fever|pyrexi\w*|sweaty|sweating|flushed|to\s+touch|clammy|rigors|degrees|°c|heat\s*stroke|sepsis)\b",
    )
});
static EXAMISH: LazyLock<Regex> = LazyLock::new(|| {
    rx(r"\b(?:exam\w*|chaperone|undress\w*|naked|strip\w*|breasts?|pv|pr|intimate|bits|gown)\b")
});

static BOUND: LazyLock<Regex> = LazyLock::new(|| {
    rx(concat!(
        r"\b(?:accepted|accept|accepting|added|friended|followed\s+back|followed|added\s+back)\s+(?:a\s+)?(?:friend\s+request|follow\s+request|request)\s+from\s+(?:a|my|an?\s+ex-?|one\s+of\s+my|a\s+former|the)\s+(?:patients?|pts?)",
        r"|\bI\s+(?:just\s+|finally\s+|have\s+|'ve\s+)?(?:added|friended|followed|messaged|dm'?d|dmed|texted|asked\s+out|accepted|followed\s+back|added\s+back)\s+(?:a|my|an?\s+ex-?|one\s+of\s+my|a\s+former|the)\s+(?:patients?|pts?)\b",
        r"|\b(?:a|my|an?\s+ex-?|one\s+of\s+my|a\s+former|the)\s+(?:patients?|pts?)(?:'s\s+(?:mum|dad|daughter|son|wife|husband))?\s+(?:just\s+|has\s+|finally\s+)?(?:slid\s+into\s+my\s+dms|asked\s+me\s+out|asked\s+me\s+for\s+(?:a\s+)?(?:drink|date|coffee|my\s+number)|invited\s+me\s+(?:out|to\s+(?:dinner|drinks|her|his|their))|wants?\s+to\s+(?:be\s+friends|meet\s+up|go\s+out))",
        r"|\b(?:asked\s+(?:her|him|my\s+patient|the\s+patient)\s+out|got\s+(?:her|his|the\s+patient's|a\s+patient's|my\s+patient's)\s+(?:number|digits|insta|snap|snapchat|instagram)|slid\s+into\s+(?:her|his|the\s+patient's|a\s+patient's)\s+dms?)",
        r"|\b(?:date|dating|seeing|hook(?:ing)?\s+up\s+with|hooked\s+up\s+with|went\s+out\s+with|go\s+out\s+with|going\s+out\s+with|drinks\s+with|dinner\s+with|date\s+with|texting|messaging|snogging|flirting\s+with|chatting\s+up|sleeping\s+with|dm-?ing)\s+(?:a|my|the|an?\s+ex-?|one\s+of\s+my|a\s+former|an?\s+old|my\s+former|my\s+old|one\s+of\s+my\s+(?:former|old))\s+(?:patients?|pt)(?:'s\s+(?:mum|dad|daughter|son|wife|husband|sister|brother))?\b",
        r"|\b(?:gave|give|giving|sent|send)\s+(?:her|him|them|my\s+patients?|a\s+patient|the\s+patient|patients|all\s+my\s+patients)\s+my\s+(?:personal\s+|private\s+|own\s+)?(?:mobile|number|phone\s+number|whatsapp|insta(?:gram)?|snap(?:chat)?|facebook|email)",
        r"|\b(?:patients?|pts)\s*,?\s+(?:can|should|are\s+welcome\s+to|feel\s+free\s+to|please)\s+(?:add|follow|message|dm|text|whatsapp|friend)\s+me\b",
        r"|\b(?:added|friended|followed|accepted)\s+(?:a|my|the|one\s+of\s+my|a\s+former|my\s+former)\s+(?:patients?|pts?)\s+(?:on\s+(?:facebook|fb|insta|instagram|snap|snapchat|tiktok|twitter|x|linkedin|whatsapp)|as\s+a\s+friend)\b",
        r"|\badd\s+me\s+on\s+(?:my\s+)?(?:personal\s+)?(?:facebook|fb|insta|instagram|snap|snapchat|whatsapp)\b",
    ))
});
/// Contact a patient started: a finding only when the post says it was accepted.
static BOUND_INIT: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:a|my|an?\s+ex-?|one\s+of\s+my|a\s+former|the)\s+(?:patients?|pts?)(?:'s\s+(?:mum|dad|daughter|son|wife|husband))?\s+(?:just\s+|has\s+|finally\s+)?(?:added\s+me|friended\s+me|followed\s+me|messaged\s+me|dm'?d\s+me|texted\s+me|sent\s+me\s+a\s+(?:friend|follow)\s+request|found\s+me\s+on\s+\w+)",
    )
});
static ACCEPTED: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:accepted|accepting|said\s+yes|added\s+(?:her|him|them)\s+back|followed\s+(?:her|him|them)\s+back|we're\s+(?:now\s+)?friends|now\s+friends|meeting\s+(?:up|for)|going\s+for\s+(?:drinks|dinner|coffee)|date\s+(?:on|this|next|tonight|tomorrow)|replied|chatting|messaging\s+(?:her|him|them)|why\s+not)\b",
    )
});
static BOUND_PATIENT: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:patients?|pts?|clinic|ward|bed|bay|a&e|consultation|surgery|appointment|cubicle|resus|discharged)\b",
    )
});
static DECLINED: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:declined|decline|ignored|ignore|said\s+no|politely|refused|deleted|blocked|reported|redirect\w*|directed|pointed|signposted|practice\s+page|professional\s+page|didn't|did\s+not|won't|will\s+not|not\s+going\s+to|never|shouldn't|should\s+not|don't|do\s+not|avoid|guidance|gmc|boundar\w*|inappropriate|advice)\b",
    )
});

struct Sexual;

impl Detector for Sexual {
    fn rules(&self) -> &'static [&'static RuleMeta] {
        static R: [&RuleMeta; 2] = [&SEXUAL, &BOUNDARY];
        &R
    }

    fn check(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        let text = doc.text;
        for m in SEX.find_iter(text) {
            let (s, e) = (m.start(), m.end());
            let sent = sentence_text(text, s, e);
            let lower = m.as_str().to_ascii_lowercase();
            if quoted(text, s, e) || meta(sent) {
                continue;
            }
            if (lower.contains("hot") || lower.contains("fit")) && SEX_NOT.is_match(sent) {
                continue;
            }
            if lower.contains("body") && crate::util::next_word(text, e).as_deref() == Some("of") {
                continue;
            }
            if lower.starts_with("perk") && !EXAMISH.is_match(window_text(text, s, e)) {
                continue;
            }
            out.push(finding(
                &SEXUAL,
                s,
                e,
                "A sexual remark about a patient, relative or colleague",
                &[Cue::Phrase],
                None,
            ));
        }
        for m in BOUND.find_iter(text) {
            let (s, e) = (m.start(), m.end());
            let sent = sentence_text(text, s, e);
            if sent.trim_end().ends_with('?')
                || DECLINED.is_match(window_text(text, s, e))
                || meta(sent)
            {
                continue;
            }
            let lower = m.as_str().to_ascii_lowercase();
            if !lower.contains("patient") && !lower.contains("pt") && !BOUND_PATIENT.is_match(text)
            {
                continue;
            }
            out.push(finding(
                &BOUNDARY,
                s,
                e,
                "Social contact with a patient outside the professional relationship",
                &[Cue::Phrase],
                None,
            ));
        }
        for m in BOUND_INIT.find_iter(text) {
            let (s, e) = (m.start(), m.end());
            let win = window_text(text, s, e);
            if !ACCEPTED.is_match(win) || DECLINED.is_match(win) || meta(sentence_text(text, s, e))
            {
                continue;
            }
            out.push(finding(
                &BOUNDARY,
                s,
                e,
                "Accepting social contact from a patient",
                &[Cue::Phrase],
                None,
            ));
        }
    }
}

/// The detector.
pub fn detectors() -> Vec<Box<dyn Detector>> {
    vec![Box::new(Sexual)]
}
