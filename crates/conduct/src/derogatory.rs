//! CND001 `derogatory`: clinical slang that mocks patients, and games or "banter" about them.
//!
//! The slang lexicon (`data/slang.tsv`, compiled into the binary) has one line per term family:
//! its pattern, whether it is case-sensitive, the collision guard that keeps it from firing on
//! its innocent twin (an airline's frequent flyer, a cardiologist's PFO, brain-stem death
//! testing, CABG said "cabbage"), what it means and a neutral wording. All patterns are joined
//! into one alternation so a post is scanned once; a hit is attributed to its line by a
//! `RegexSet` run over the matched text only. Then the sentence decides: a term in quotation
//! marks or in a sentence that talks about the term ("we should stop saying bed blocker", "the
//! label heartsink is stigmatising") is a mention, not a use, and is not reported.
//!
//! Two phrase families complete the rule: mocking games about patients ("top trumps", "guess the
//! weight", a sweepstake, "bingo", "beat that") when the post is about patients or results, and
//! insults aimed at patients ("the patient in bed 4 is an idiot", "stupid relatives").

use std::sync::LazyLock;

use clinpost_core::{
    Applicability, Category, Cue, Detector, Document, Finding, Kind, RuleMeta, Severity,
};
use regex::{Regex, RegexSet};

use crate::util::{finding, meta, next_word, prep, quoted, rx, sentence_text, words_before};

/// CND001.
pub static DEROGATORY: RuleMeta = RuleMeta {
    code: "CND001",
    name: "derogatory",
    category: Category::Conduct,
    kind: Kind::Derogatory,
    severity: Severity::Error,
    guidance: &["gmc-sm/no-bullying", "gmc-gmp/trust"],
    summary:
        "Derogatory clinical slang about patients, mocking games or insults aimed at patients.",
    docs: "## What it does\n\
Finds clinical slang that belittles patients (`bed blocker`, `frequent flyer`, `heartsink`, \
`acopia`, `GOMER`, `status dramaticus`, death jokes such as `circling the drain`, addiction and \
mental-health slurs), mocking games about patients (`top trumps`, `guess the weight`, a \
sweepstake, `bingo`, `beat that`) and insults aimed at patients or relatives. A term that is \
quoted or criticised (`we should stop saying bed blocker`) is a mention, not a use, and is not \
reported; nor are the innocent twins of a term: an airline's frequent flyer, a patent foramen \
ovale (PFO), brain-stem death testing, CABG pronounced \"cabbage\".\n\n\
## Why it matters\n\
Posts that mock patients damage the public's trust in the profession and have ended careers: \
the GP whose \"top trumps\" post about a patient's tumour marker was recognised by the patient's \
daughter; the doctor whose years of derogatory posts were read out at a tribunal.\n\n\
## Example\n\
`Another frequent flyer in resus tonight` is reported; `BA says I'm a frequent flyer now` is \
not.\n\n\
## Fix\n\
Describe the clinical situation, not the person. Where the slang has a neutral equivalent \
(`patient who attends often`, `patient awaiting a care package`), it is offered as an unsafe \
fix (it changes the wording); games and insults have no rewrite: leave them out.\n",
    placeholder: None,
    priority: 50,
    true_samples: &[
        "Three «bed blockers» on the ward and no social workers. Brilliant.",
        "Our favourite «frequent flyer» is back in resus tonight.",
        "Classic «acopia» in bay 4, nothing acutely wrong.",
        "«Top trumps» from clinic this morning: PSA of 4,850. «Beat that»!",
        "Night shift game: «guess the weight» of the patient in bed 6.",
        "Lady in bed 2 has «status dramaticus» again lol",
        "Another «PFO» from the pub, pissed and fell over at 2am.",
        "The «man in cubicle 3 is an absolute idiot», pulled his cannula out again.",
    ],
    false_samples: &[
        "We should stop saying bed blocker: these are people waiting for care packages.",
        "Finally made BA Gold, a proper frequent flyer now!",
        "Bubble echo confirmed a PFO; referred to cardiology for closure.",
        "Brain stem death testing done today with the ICU consultant.",
        "The term 'heartsink' says more about us than about our patients.",
        "Guess the weight of the cake at the practice fete: all proceeds to the hospice.",
        "Post CABG day 2, mobilising well.",
    ],
};

/// How a slang term is told from its innocent twin.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Guard {
    /// No collision known.
    None,
    /// Not in a post about flights, airlines or airports.
    Airline,
    /// Patent foramen ovale: needs alcohol or fall words and no cardiac words.
    Pfo,
    /// Brain-stem death: only as an insult, never near testing, donation or ICU words.
    BrainDead,
    /// Food and plants: not followed by a food noun, no cardiac-surgery words (CABG).
    Food,
    /// Cars (BMW): not near car words.
    Car,
    /// Whales at sea.
    Marine,
    /// A song.
    Music,
    /// Pharmacology (`nifedipine retard`), psychomotor retardation.
    Retard,
    /// A solvent (`ethanolic extract`).
    Solvent,
    /// Adrenaline junkie, gym junkie.
    Junkie,
    /// A real insect: needs patient words, no pest words.
    Pest,
    /// Not after a negation ("is not attention-seeking").
    Negatable,
    /// About things, not patients (a meeting is a time-waster).
    NotThings,
    /// Cereal.
    Cereal,
}

struct Term {
    pattern: String,
    case_sensitive: bool,
    guard: Guard,
    gloss: String,
    suggestion: String,
}

/// The slang table: `data/slang.tsv` (own compilation; see data/NOTICE and the file header).
static TABLE: &str = include_str!("../data/slang.tsv");

fn parse_guard(s: &str) -> Guard {
    match s {
        "airline" => Guard::Airline,
        "pfo" => Guard::Pfo,
        "brain-dead" => Guard::BrainDead,
        "food" => Guard::Food,
        "car" => Guard::Car,
        "marine" => Guard::Marine,
        "music" => Guard::Music,
        "retard" => Guard::Retard,
        "solvent" => Guard::Solvent,
        "junkie" => Guard::Junkie,
        "pest" => Guard::Pest,
        "negatable" => Guard::Negatable,
        "not-things" => Guard::NotThings,
        "cereal" => Guard::Cereal,
        "" | "-" => Guard::None,
        other => panic!("slang.tsv: unknown guard {other}"),
    }
}

struct Lexicon {
    terms: Vec<Term>,
    all: Regex,
    /// Each term alone, anchored, to tell which one matched: compiled on the first match.
    set: LazyLock<RegexSet, Box<dyn FnOnce() -> RegexSet + Send>>,
}

static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    let terms: Vec<Term> = TABLE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            assert!(f.len() == 6, "slang.tsv: 6 fields a line");
            Term {
                pattern: f[1].to_string(),
                case_sensitive: f[2] == "case",
                guard: parse_guard(f[3]),
                gloss: f[4].to_string(),
                suggestion: f[5].to_string(),
            }
        })
        .collect();
    let wrap = |t: &Term| {
        if t.case_sensitive {
            format!("(?-i:{})", prep(&t.pattern))
        } else {
            format!("(?i:{})", prep(&t.pattern))
        }
    };
    let all = Regex::new(&terms.iter().map(wrap).collect::<Vec<_>>().join("|")).expect("slang");
    let anchored: Vec<String> = terms.iter().map(|t| format!("^(?:{})$", wrap(t))).collect();
    let set = LazyLock::new(
        Box::new(move || RegexSet::new(anchored).expect("slang set"))
            as Box<dyn FnOnce() -> RegexSet + Send>,
    );
    Lexicon { terms, all, set }
});

static AIRLINE: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:airlines?|airways|air\s+miles|avios|flights?|flying|flew|airports?|plane|BA|easyjet|ryanair|virgin|emirates|lufthansa|klm|jet2|tier\s+points|miles|honeymoon|trip|travel\w*|points|executive\s+club|gold\s+card|silver\s+card|holiday|boarding|check-in|terminal|heathrow|gatwick|stansted|lounge\s+access)\b",
    )
});
static ALCOHOL: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:pissed|drunk|fell|falling|fall|pub|pints?|beers?|booze|boozed|intoxicated|etoh|alcohol|lager|vodka|wasted|hammered|legless|bladdered|steaming|saturday\s+night|friday\s+night|night\s+out)\b",
    )
});
static CARDIAC: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:foramen|ovale|echo|echocardiogram|bubble|shunt|stroke|tia|closure|cardiolog\w*|cardiac|tte|toe|septal|asd|migraine|paradoxical|embol\w*|cryptogenic|cabg|bypass|grafts?|sternotomy|theatre|cardiothoracic|valve)\b",
    )
});
static BRAIN_CLINICAL: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:stem|brainstem|brain-stem|testing|tests?|tested|criteria|declared|diagnos\w*|confirm\w*|donors?|donation|organs?|snod|ventilat\w*|icu|itu|withdraw\w*|apnoea|apnea|reflexes|neurolog\w*|family|families|coroner|certif\w*|death\s+verification|clinically)\b",
    )
});
static CAR: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:bmw|car|cars|drive|drives|drove|driving|motor|parked|garage|wheels|lease|m3|m5|series|saloon|convertible|dealership)\b",
    )
});
static MARINE: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:beach|coast|sea|ocean|shore|rspca|dolphins?|marine|rescuers?|tide|estuary|thames|stranded)\b",
    )
});
static MUSIC: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:beatles|song|songs|sing|sang|singing|album|karaoke|band|playlist|lyrics|ringo|lennon|mccartney)\b",
    )
});
static PEST: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:infest\w*|pest|pests|kitchen|bugs?|insects?|environmental\s+health|spotted|found\s+an?|traps?|exterminator|pest\s+control|sink|drain)\b",
    )
});
static PATIENTISH: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:patients?|pts?|attenders?|regulars?|they|them|these\s+people|those\s+people|keep\s+coming\s+back|frequent|a&e|resus|ed|bed|bay|cubicle)\b",
    )
});
static THINGS: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:meetings?|paperwork|admin|emails?|forms?|app|apps|training|mandatory|e-?learning|portfolio|eportfolio|audit|process|system|software|computer|it|committee|webinar|course|module|policy|rota)\b",
    )
});
static CEREAL: LazyLock<Regex> =
    LazyLock::new(|| rx(r"\b(?:cereal|breakfast|bowl|kellogg\w*|milk|box)\b"));

const FOOD_NEXT: &[&str] = &[
    "soup", "patch", "garden", "gardens", "stew", "curry", "oil", "plot", "box", "stall", "stock",
    "dish", "bake", "pie", "crumble", "cheese", "texture", "bone", "bones", "biscuit", "biscuits",
    "pastry", "topping", "lasagne", "salad", "seeds", "bed", "beds", "growing", "intake",
];
const JUNKIE_BEFORE: &[&str] = &[
    "adrenaline",
    "gym",
    "caffeine",
    "news",
    "fitness",
    "coffee",
    "sugar",
    "data",
    "travel",
    "festival",
    "politics",
    "exercise",
    "running",
    "sports",
    "culture",
    "podcast",
    "book",
    "tech",
    "audit",
    "research",
    "evidence",
    "stats",
];
const RETARD_BEFORE: &[&str] = &[
    "psychomotor",
    "growth",
    "motor",
    "mr",
    "nifedipine",
    "adalat",
    "slow",
];
const RETARD_AFTER: &[&str] = &[
    "tablet",
    "tablets",
    "tabs",
    "capsule",
    "capsules",
    "formulation",
    "formulations",
    "preparation",
    "preparations",
    "release",
    "form",
    "mg",
];
const NEGATORS: &[&str] = &[
    "not", "isn't", "isn’t", "aren't", "aren’t", "never", "no", "wasn't", "wasn’t",
];

/// Passes the term's collision guard.
fn guard_ok(g: Guard, text: &str, s: usize, e: usize) -> bool {
    let sent = sentence_text(text, s, e);
    match g {
        Guard::None => true,
        Guard::Airline => !AIRLINE.is_match(text),
        Guard::Pfo => ALCOHOL.is_match(sent) && !CARDIAC.is_match(text),
        Guard::BrainDead => {
            if BRAIN_CLINICAL.is_match(sent) {
                return false;
            }
            let before = words_before(text, s, 2);
            let insulting_before = before.iter().any(|w| {
                matches!(
                    w.as_str(),
                    "is" | "are"
                        | "so"
                        | "totally"
                        | "completely"
                        | "utterly"
                        | "absolutely"
                        | "you"
                        | "you're"
                        | "you’re"
                        | "he's"
                        | "she's"
                        | "they're"
                        | "bunch"
                        | "proper"
                        | "bloody"
                        | "fucking"
                        | "must"
                        | "clearly"
                )
            });
            let after = next_word(text, e).unwrap_or_default();
            let insulting_after = matches!(
                after.as_str(),
                "manager"
                    | "managers"
                    | "management"
                    | "idiot"
                    | "idiots"
                    | "colleague"
                    | "colleagues"
                    | "bosses"
                    | "policy"
                    | "decision"
                    | "muppets"
                    | "morons"
            );
            insulting_before || insulting_after
        }
        Guard::Food => {
            let after = next_word(text, e).unwrap_or_default();
            !FOOD_NEXT.contains(&after.as_str()) && !CARDIAC.is_match(sent)
        }
        Guard::Car => !CAR.is_match(sent),
        Guard::Marine => !MARINE.is_match(sent),
        Guard::Music => !MUSIC.is_match(sent),
        Guard::Retard => {
            let before = words_before(text, s, 1);
            let after = next_word(text, e).unwrap_or_default();
            !before.iter().any(|w| RETARD_BEFORE.contains(&w.as_str()))
                && !RETARD_AFTER.contains(&after.as_str())
        }
        Guard::Solvent => {
            let after = next_word(text, e).unwrap_or_default();
            !matches!(
                after.as_str(),
                "extract" | "extracts" | "solution" | "solutions" | "koh" | "fraction"
            )
        }
        Guard::Junkie => !words_before(text, s, 1)
            .iter()
            .any(|w| JUNKIE_BEFORE.contains(&w.as_str())),
        Guard::Pest => PATIENTISH.is_match(sent) && !PEST.is_match(sent),
        Guard::Negatable => !words_before(text, s, 2)
            .iter()
            .any(|w| NEGATORS.contains(&w.as_str())),
        Guard::NotThings => !THINGS.is_match(sent),
        Guard::Cereal => !CEREAL.is_match(sent),
    }
}

/// A hyphenated compound continues past the match (`psycho-oncology`): not the slang word.
fn compound(text: &str, s: usize, e: usize) -> bool {
    let after = &text.as_bytes()[e..];
    let before = &text.as_bytes()[..s];
    (after.len() >= 2 && after[0] == b'-' && after[1].is_ascii_alphabetic())
        || (before.len() >= 2
            && before[before.len() - 1] == b'-'
            && before[before.len() - 2].is_ascii_alphabetic())
}

/// Mocking games about patients and results.
static GAME: LazyLock<Regex> = LazyLock::new(|| {
    rx(concat!(
        r"\btop[ -]trumps?\b|\bguess\s+the\s+(?:weight|bmi|age|alcohol|blood\s+alcohol|level|diagnosis|foreign\s+body|object)\b",
        r"|\bsweep(?:stake)?s?\b|\bplace\s+your\s+bets\b|\b(?:take|taking|any)\s+bets\b|\bbets\s+on\b",
        r"|\b(?:a&e|ed|resus|ward|on-?call|night\s+shift|comorbidity|frequent\s+flyer|patient|clinic|gp|locum)\s+bingo\b",
        r"|\b(?:beat|top)\s+that\b|\b(?:can|could)\s+any(?:one|body)\s+(?:beat|top)\b|\bany(?:one|body)\s+(?:beat|top)\s+(?:this|that)\b",
        r"|\bleader\s?board\b|\bhigh(?:est)?\s+score\b|\bnew\s+(?:record|pb)\b|\bpersonal\s+best\b",
    ))
});
static CLINICAL_CONTENT: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:patients?|pts?|bed|bay|cubicle|clinic|ward|resus|a&e|ed|admissions?|admitted|bmi|psa|crp|ca-?125|cea|lactate|sodium|potassium|glucose|sugar|hba1c|troponin|alcohol\s+level|ketones|inr|creatinine|egfr|ferritin|tumour|marker|result|results|level|bloods|kg|stone|obese|morbidly|on-?call|shift|rectum|rectal|foreign\s+body|x-?ray|ct|scan|gp|surgery|frequent|attender|relatives?|die|dies|died|death|dead|diagnosis|comorbidit\w*)\b",
    )
});
static GAME_NOT: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:cake|fete|fête|raffle|charity|fundrais\w*|quiz|pumpkin|baby\s+shower|marrow|world\s+cup|euros|grand\s+national|eurovision|christmas\s+jumper|bake\s+off|football|derby|race|sponsored|run|marathon|parkrun|fantasy|teaching\s+game|card\s+game|revision|flashcards?|students?)\b",
    )
});

/// Insults aimed at patients or relatives (an insult at a named colleague is `harassment`).
static PATIENT_INSULT: LazyLock<Regex> = LazyLock::new(|| {
    rx(concat!(
        r"\b(?:patients?|pts?|relatives?|family|families|parents?|mums?|dads?|lady|man|woman|bloke|guy|chap|gent|girl|lad|kid|child|husband|wife|son|daughter|attenders?|people)",
        r"(?:\s+(?:in|on|at|from)\s+(?:bed|bay|cubicle|room|side\s+room|resus|majors|minors|clinic|ward|the\s+waiting\s+room)(?:\s+\w+)?)?",
        r"\s+(?:is|are|was|were|'s|'re|being)\s+(?:(?:such|a|an|the|total|complete|utter|absolute|fucking|bloody|effing|so|totally|completely|utterly|absolutely|just|clearly|proper|right)\s+){0,3}",
        r"(?:idiots?|morons?|cretins?|imbeciles?|halfwits?|dimwits?|thick|stupid|dumb|brainless|twats?|pricks?|knobs?|knobheads?|dickheads?|wankers?|arseholes?|assholes?|bellends?|pillocks?|prats?|tossers?|scum|vermin|animals|wastes?\s+of\s+(?:space|oxygen|a\s+bed|time|skin)|oxygen\s+thie(?:f|ves)|nightmares?|pain\s+in\s+the\s+arse|pita|thick\s+as\s+(?:mince|shit|two\s+short\s+planks))\b",
        r"|\b(?:stupid|thick|dumb|moronic|idiotic|brainless|fat|lazy|smelly|filthy|feral|entitled|demanding|whiny|whingeing|ungrateful)\s+(?:patients?|pts?|relatives|families|parents|mums|dads|attenders|people\s+in\s+(?:a&e|resus|the\s+waiting\s+room))\b",
        r"|\b(?:waste\s+of\s+(?:a\s+bed|an?\s+ambulance|oxygen|nhs\s+money)|oxygen\s+thie(?:f|ves)|coffin[ -]dodgers?|wrinklies|fat\s+(?:cows?|pigs?|slobs?|bastards?)|lard\s?(?:ass|arse)s?|benefit\s+scroungers?|scroungers|chavs?|pond\s+life)\b",
    ))
});

struct Derogatory;

impl Detector for Derogatory {
    fn rules(&self) -> &'static [&'static RuleMeta] {
        static R: [&RuleMeta; 1] = [&DEROGATORY];
        &R
    }

    fn check(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        let text = doc.text;
        let lex = &*LEXICON;
        for m in lex.all.find_iter(text) {
            let (s, e) = (m.start(), m.end());
            let Some(i) = lex.set.matches(m.as_str()).iter().next() else {
                continue;
            };
            let t = &lex.terms[i];
            if compound(text, s, e) || quoted(text, s, e) || meta(sentence_text(text, s, e)) {
                continue;
            }
            if !guard_ok(t.guard, text, s, e) {
                continue;
            }
            let message = format!("Derogatory clinical slang: {}", t.gloss);
            out.push(finding(
                &DEROGATORY,
                s,
                e,
                &message,
                &[Cue::Term],
                Some((t.suggestion.as_str(), Applicability::Unsafe)),
            ));
        }
        for m in GAME.find_iter(text) {
            let (s, e) = (m.start(), m.end());
            let sent = sentence_text(text, s, e);
            if quoted(text, s, e) || meta(sent) || GAME_NOT.is_match(sent) {
                continue;
            }
            if !CLINICAL_CONTENT.is_match(crate::util::window_text(text, s, e)) {
                continue;
            }
            out.push(finding(
                &DEROGATORY,
                s,
                e,
                "A game or competition about patients or their results",
                &[Cue::Phrase, Cue::Verb],
                None,
            ));
        }
        for m in PATIENT_INSULT.find_iter(text) {
            let (s, e) = (m.start(), m.end());
            if quoted(text, s, e) || meta(sentence_text(text, s, e)) {
                continue;
            }
            out.push(finding(
                &DEROGATORY,
                s,
                e,
                "An insult aimed at a patient or relative",
                &[Cue::Phrase],
                None,
            ));
        }
    }
}

/// The detector.
pub fn detectors() -> Vec<Box<dyn Detector>> {
    vec![Box::new(Derogatory)]
}
