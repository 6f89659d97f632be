//! CND004 `misinformation`: health claims against established evidence.
//!
//! Claims are patterns over the claim's parts ("vaccines ... cause ... autism", "COVID is a
//! hoax", "ivermectin cures ..."), own wording after the shared seed list (its ids cross-refer to
//! the COVIDLies misconceptions). A claim is a claim only when it is asserted: it is not reported
//! when it is negated ("vaccines do not cause autism"), asked ("does the MMR cause autism?"),
//! attributed ("patients ask whether ...", "the claim that ...") or debunked nearby ("myth",
//! "no evidence", "retracted", "fact check" in the sentence or the one either side). For claims
//! whose wording is itself a negation ("vaccines don't work", "don't vaccinate your kids") only
//! the last three apply.

use std::sync::LazyLock;

use clinpost_core::{Category, Cue, Detector, Document, Finding, Kind, RuleMeta, Severity};
use regex::Regex;

use crate::util::{finding, rx, sentence, window_text, words_before};

/// CND004.
pub static MISINFORMATION: RuleMeta = RuleMeta {
    code: "CND004",
    name: "misinformation",
    category: Category::Conduct,
    kind: Kind::Misinformation,
    severity: Severity::Error,
    guidance: &["gmc-gmp/trust"],
    summary:
        "A health claim against established evidence (vaccines, COVID-19 denial, miracle cures).",
    docs: "## What it does\n\
Finds health claims that contradict established evidence: COVID-19 denial (`COVID was made up`, \
`plandemic`), vaccine myths (autism, infertility, DNA changes, microchips, `died suddenly`), \
unproven cures (ivermectin, hydroxychloroquine, cannabis oil for cancer, bleach), \
`chemo is poison`, HIV denial, homeopathy that works, antibiotics for colds. A post that \
corrects a myth is not reported: negated, questioned, attributed or debunked claims \
(`Myth: vaccines cause autism. They don't.`) are left alone.\n\n\
## Why it matters\n\
Patients and the public take a doctor's word as the profession's. Spreading misleading health \
information undermines trust and has led to suspensions (a doctor's years of \"COVID was made \
up\" posts).\n\n\
## Example\n\
`The MMR jab causes autism, do your research` is reported; `No, the MMR does not cause autism: \
the 1998 paper was retracted` is not.\n\n\
## Fix\n\
Leave it out, or state what the evidence shows and cite it. No rewrite is offered.\n",
    placeholder: None,
    priority: 54,
    true_samples: &[
        "«COVID was a hoax» from start to finish, wake up.",
        "The «MMR jab causes autism», do your own research.",
        "«Ivermectin cures» it, they just don't want you to know.",
        "So many young people «#diedsuddenly» since the rollout.",
        "«Chemo is poison»; my patients do better on juice fasts.",
        "Honestly, «don't vaccinate your kids».",
    ],
    false_samples: &[
        "Myth: vaccines cause autism. The 1998 paper was retracted and there is no link.",
        "No, the MMR does not cause autism.",
        "Patients often ask whether the COVID vaccine causes infertility. It doesn't.",
        "Does ivermectin cure COVID? Large trials say no.",
        "Antibiotics don't treat colds or flu.",
        "Homeopathy doesn't work beyond placebo.",
    ],
};

/// (pattern, the claim's own wording is a negation).
const CLAIMS: &[(&str, bool)] = &[
    (
        r"\b(?:covid(?:-?19)?|coronavirus|the\s+virus|the\s+pandemic)\s+(?:is|was|has\s+been)\s+(?:all\s+|just\s+|nothing\s+but\s+|basically\s+|a\s+total\s+|one\s+big\s+)?(?:an?\s+)?(?:hoax|made\s+up|fake|scam|lie|fraud|psyop|fabricated|invented)\b|\bplandemic\b|\bscamdemic\b|\bcovid\s+hoax\b|#filmyourhospital\b|\bhospitals\s+(?:were|are)\s+(?:empty|quiet)\s+(?:during|in)\s+(?:covid|the\s+pandemic|lockdown)",
        false,
    ),
    (
        r"\b(?:covid|coronavirus)\s+(?:never\s+existed|doesn't\s+exist|does\s+not\s+exist|isn't\s+real|is\s+not\s+real|wasn't\s+real)\b|\bno\s*(?:one|body)\s+(?:actually\s+|really\s+)?died\s+(?:of|from)\s+covid\b|\bviruses\s+(?:don't|do\s+not)\s+exist\b|\bgerm\s+theory\s+is\s+(?:a\s+)?(?:lie|myth|hoax|wrong)\b|\bno\s+virus\s+has\s+(?:ever\s+)?been\s+isolated\b",
        true,
    ),
    (
        r"\b(?:covid|coronavirus)\b.{0,30}?\b(?:just|only|no\s+worse\s+than|nothing\s+more\s+than)\b.{0,15}?\b(?:a\s+)?(?:flu|cold|bad\s+cold)\b",
        false,
    ),
    (
        r"\b(?:covid|coronavirus|sars-?cov-?2)\b.{0,40}?\b(?:bio-?weapon|man-?made\s+weapon|released\s+on\s+purpose|deliberately\s+released)\b",
        false,
    ),
    (
        r"\b5g\b.{0,40}?\b(?:covid|coronavirus|virus|cancer|pandemic)\b|\b(?:covid|coronavirus|pandemic)\b.{0,40}?\b5g\b",
        false,
    ),
    (
        r"\b(?:ivermectin|(?:hydroxy)?chloroquine|hcq)\b.{0,40}?\b(?:cures?|cured|works|prevents?|miracle|suppressed|they\s+don't\s+want)\b",
        false,
    ),
    (
        r"\b(?:vitamin\s+[cd]|garlic|ginger|bleach|chlorine\s+dioxide|mms|colloidal\s+silver|salt\s+water|essential\s+oils?|zinc|hot\s+drinks)\b.{0,40}?\b(?:cures?|kills?|prevents?)\b.{0,30}?\b(?:covid|coronavirus|the\s+virus|autism|cancer|malaria)\b",
        false,
    ),
    (
        r"\bmasks?\b.{0,40}?\b(?:hypoxia|co2\s+poisoning|oxygen\s+deprivation|suffocat\w*|make\s+you\s+sick|cause\s+pneumonia)\b",
        false,
    ),
    (
        r"\b(?:vaccines?|jabs?|vaxx?|mrna|boosters?|vaccinations?)\b.{0,50}?\b(?:kill(?:s|ed|ing)?\s+(?:more|thousands|millions|people|kids|children|babies)|more\s+deaths|genocide|depopulation|poison(?:s|ed|ous)?|toxic\s+sludge|bioweapon|turbo[ -]?cancers?|sudden\s+(?:adult\s+)?deaths?|died\s+suddenly|full\s+of\s+(?:toxins|poison|heavy\s+metals|aluminium|mercury))\b",
        false,
    ),
    (
        r"#diedsuddenly\b|\bturbo[ -]?cancers?\b|\bclot\s+shots?\b|\bdeath\s+jabs?\b|\bkill\s+shots?\b|\bvaccine\s+holocaust\b|\bsafe\s+and\s+ineffective\b|\bvaxx?\s+injured\s+(?:everyone|millions)\b",
        false,
    ),
    (
        r"\b(?:mmr|vaccines?|jabs?|vaccinations?|injections?)\b.{0,40}?\b(?:cause[sd]?|causing|trigger(?:s|ed)?|linked\s+to|leads?\s+to|gave\s+\w+)\b.{0,20}?\b(?:autism|sids|cot\s+death|infertility|cancer|alzheimer\w*|diabetes|allergies)\b",
        false,
    ),
    (
        r"\b(?:mrna|vaccines?|jabs?)\b.{0,40}?\b(?:alters?|changes?|rewrites?|modif(?:y|ies))\s+(?:your\s+)?dna\b|\b(?:vaccines?|jabs?)\b.{0,40}?\b(?:microchips?|nanobots?|magnetic|graphene|tracking\s+devices?)\b|\b(?:vaccines?|jabs?)\b.{0,30}?\bexperimental\s+gene\s+therapy\b",
        false,
    ),
    (
        r"\b(?:vaccines?|jabs?|hpv\s+vaccine)\b.{0,40}?\b(?:infertil\w*|sterili[sz]\w*|miscarriages?)\b",
        false,
    ),
    (
        r"\bvaccine\s+shedding\b|\bshedding\b.{0,30}?\bvaccinated\b|\bvaccinated\s+(?:people\s+)?(?:are\s+)?shedding\b",
        false,
    ),
    (
        r"\b(?:measles|chickenpox|whooping\s+cough)\s+parties?\b|\b(?:measles|chickenpox)\s+is\s+(?:harmless|good\s+for|character\s+building|nothing\s+to\s+worry)|\bnatural\s+immunity\s+is\s+(?:always\s+)?(?:better|superior|safer)\s+than\s+(?:the\s+)?(?:vaccines?|jabs?|vaccination)\b",
        false,
    ),
    (
        r"\b(?:don't|do\s+not|never)\s+(?:vaccinate|jab|immuni[sz]e|let\s+them\s+(?:jab|vaccinate))\s+(?:your|their|our)\s+(?:kids|children|babies|baby|child|little\s+ones)\b|\b(?:won't|will\s+never|refuse\s+to|would\s+never)\s+(?:vaccinate|jab)\s+(?:my|our)\s+(?:kids|children|baby|babies|child)\b|\bvaccines?\s+(?:don't|do\s+not|never)\s+work\b",
        true,
    ),
    (
        r"\bvaccines?\s+(?:are|is)\s+(?:more\s+dangerous\s+than\s+(?:the\s+disease|measles|covid)|unsafe\s+for\s+(?:kids|children|everyone)|useless|pointless|a\s+scam|poison)\b",
        false,
    ),
    (
        r"\b(?:cannabis\s+oil|cbd|apricot\s+kernels?|laetrile|vitamin\s+b17|alkaline\s+(?:water|diet)|juic(?:e|ing)|juice\s+fasts?|baking\s+soda|turmeric|keto|fasting|coffee\s+enemas?|high[ -]dose\s+vitamin\s+c|fenbendazole|mistletoe)\b.{0,40}?\b(?:cures?|cured|kills?|shrinks?|reverses?)\s+(?:cancer|tumours?|tumors?)\b",
        false,
    ),
    (
        r"\bchemo(?:therapy)?\s+(?:is\s+)?(?:a\s+|just\s+)?(?:scam|poison|kills\s+more|does\s+more\s+harm)\b|\bcure\s+for\s+cancer\b.{0,40}?\b(?:suppress\w*|hidden|hiding|they\s+don't\s+want)\b",
        false,
    ),
    (
        r"\bhiv\s+(?:does\s+not|doesn't)\s+cause\s+aids\b|\b(?:arvs?|antiretrovirals?)\b.{0,20}?\bpoison\b",
        true,
    ),
    (
        r"\bfluorid\w*\b.{0,40}?\b(?:poison\w*|mind\s+control|lowers?\s+iq|toxic)\b",
        false,
    ),
    (
        r"\bhomeopath\w*\b.{0,40}?\b(?:cures?|cured|works|treats?|effective|better\s+than)\b",
        false,
    ),
    (
        r"\bantibiotics?\b.{0,30}?\b(?:cure|treat|fix|kill|clear|sort\s+out)\w*\b.{0,20}?\b(?:colds?|flu|viral|viruses|covid)\b",
        false,
    ),
    (
        r"\bstatins?\b.{0,30}?\b(?:scam|hoax|poison|big\s+pharma\s+con)\b|\bcholesterol\s+myth\b",
        false,
    ),
    (
        r"\bbig\s+pharma\b.{0,40}?\b(?:hid(?:e|es|ing)|suppress\w*|don't\s+want\s+you\s+to\s+know|covering\s+up|covered\s+up)\b",
        false,
    ),
    (
        r"\bsunscreen\b.{0,30}?\bcauses?\s+(?:skin\s+)?cancer\b",
        false,
    ),
];

/// Every claim in one pattern: compiled for every check.
static CLAIMS_ALL: LazyLock<Regex> = LazyLock::new(|| {
    rx(&CLAIMS
        .iter()
        .map(|(p, _)| format!("(?:{p})"))
        .collect::<Vec<_>>()
        .join("|"))
});

/// Each claim alone, to tell which one matched: compiled only when one does (most posts make
/// no claim, and compiling these costs more than the check).
static CLAIMS_EACH: LazyLock<Vec<(Regex, bool)>> = LazyLock::new(|| {
    CLAIMS
        .iter()
        .map(|(p, neg)| (rx(&format!("^(?:{p})$")), *neg))
        .collect()
});

static DEBUNK: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:myths?|myth-?bust\w*|debunk\w*|false|falsehoods?|fake\s+news|misinformation|disinformation|misinfo|no\s+evidence|not\s+true|isn't\s+true|untrue|conspirac\w*|fact[ -]?check\w*|disproven|disproved|discredited|retracted|fraudulent|wakefield|no\s+link|isn't\s+linked|not\s+linked|nonsense|rubbish|misleading|baseless|unfounded|the\s+claims?\s+that|claims?\s+that|claiming|(?:are|were|is)\s+(?:saying|claiming|asking|worried)|some\s+(?:people\s+)?(?:claim|say|believe|think)|patients?\s+(?:often\s+|sometimes\s+|keep\s+)?(?:ask|asked|asking|told\s+me|worry|worried|believe)|asked\s+(?:me\s+)?(?:if|whether)|anti-?vax\w*|safe\s+and\s+effective|evidence\s+(?:shows|is\s+clear|says)|studies\s+(?:show|have\s+shown)|trials?\s+(?:show|showed|found|say)|don't\s+fall\s+for|don't\s+believe|do\s+not\s+believe|reassur\w*|circulating|going\s+round|doing\s+the\s+rounds|rumou?rs?|the\s+idea\s+that|the\s+notion\s+that|fact:|myth:|spreading\s+(?:misinformation|lies|myths))\b",
    )
});
const NEGATORS: &[&str] = &[
    "not",
    "never",
    "no",
    "doesn't",
    "don't",
    "didn't",
    "won't",
    "can't",
    "cannot",
    "isn't",
    "aren't",
    "wasn't",
    "weren't",
    "doesn’t",
    "don’t",
    "didn’t",
    "won’t",
    "can’t",
    "isn’t",
    "aren’t",
    "wasn’t",
];

fn negated(text: &str, s: usize, e: usize) -> bool {
    let inside = text[s..e]
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .any(|w| NEGATORS.contains(&w.to_lowercase().as_str()));
    inside
        || words_before(text, s, 3)
            .iter()
            .any(|w| NEGATORS.contains(&w.as_str()))
}

struct Misinformation;

impl Detector for Misinformation {
    fn rules(&self) -> &'static [&'static RuleMeta] {
        static R: [&RuleMeta; 1] = [&MISINFORMATION];
        &R
    }

    fn check(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        let text = doc.text;
        for m in CLAIMS_ALL.find_iter(text) {
            let (s, e) = (m.start(), m.end());
            let Some((_, neg_is_claim)) = CLAIMS_EACH.iter().find(|(r, _)| r.is_match(m.as_str()))
            else {
                continue;
            };
            let (a, z) = sentence(text, s, e);
            if text[a..z].trim_end().ends_with('?') {
                continue;
            }
            // Debunking words anywhere near the claim, but not the claim's own words
            // ("cholesterol myth" is the claim).
            let win = window_text(text, s, e);
            let mut rest = String::with_capacity(win.len());
            let off = win.as_ptr() as usize - text.as_ptr() as usize;
            rest.push_str(&win[..s.saturating_sub(off).min(win.len())]);
            rest.push(' ');
            rest.push_str(&win[(e - off).min(win.len())..]);
            if DEBUNK.is_match(&rest) {
                continue;
            }
            if !neg_is_claim && negated(text, s, e) {
                continue;
            }
            out.push(finding(
                &MISINFORMATION,
                s,
                e,
                "A health claim that contradicts established evidence",
                &[Cue::Phrase],
                None,
            ));
        }
    }
}

/// The detector.
pub fn detectors() -> Vec<Box<dyn Detector>> {
    vec![Box::new(Misinformation)]
}
