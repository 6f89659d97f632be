//! CND006 `conflict-of-interest` (undisclosed promotion) and CND007
//! `prescription-only-promotion` (a prescription-only medicine promoted to the public).
//!
//! A product mention — a medicine (about 9,800 generic names from DrugBank's open vocabulary, in
//! `data/drugs.txt`), a brand (`data/brands.tsv`) or a company (`data/companies.tsv`) — is
//! looked up word by word in one hash table (one to four words a key). A mention is promotion
//! when the sentence, or one either side, carries a promotion cue: endorsement ("I highly
//! recommend", "game changer", "my go-to"), a call to action ("ask your GP for", "you need to
//! try"), or a commercial cue ("use my code", "20% off", "link in bio", "book now"). Company
//! names that are also ordinary words or surnames (Abbott, Lilly, Bayer, Sun) count only when
//! capitalised and near an industry word; public-health vaccination notices are not promotion.
//!
//! A disclosure anywhere in the post (`#ad`, `Disclosure:`, "I have received speaker fees from",
//! "paid partnership", "advisory board", "I own") clears CND006. Promoting a prescription-only
//! medicine to the public with a call to action is CND007 whatever is disclosed (UK law forbids
//! advertising prescription-only medicines to the public).

use std::collections::HashMap;
use std::sync::LazyLock;

use clinpost_core::{
    Audience, Category, Cue, Detector, Document, Finding, Kind, RuleMeta, Severity,
};
use regex::Regex;

use crate::util::{finding, rx, window_text};

/// CND006.
pub static CONFLICT: RuleMeta = RuleMeta {
    code: "CND006",
    name: "conflict-of-interest",
    category: Category::Conduct,
    kind: Kind::ConflictOfInterest,
    severity: Severity::Warning,
    guidance: &["gmc-sm/conflicts-of-interest"],
    summary: "Promotion of a named medicine, device, company or brand (or your own clinic or product) without a disclosure.",
    docs: "## What it does\n\
Finds posts that promote a named medicine, device, company or brand — endorsement (`I highly \
recommend`, `game changer`, `my go-to`), a call to action (`ask your GP for`) or a commercial \
cue (`use my code`, `20% off`, `link in bio`) next to the name — or that sell the author's own \
clinic or product, when the post carries no disclosure. A disclosure anywhere in the post \
(`#ad`, `Disclosure:`, `I have received speaker fees from ...`, `paid partnership`) clears it. \
Mentions without promotion (a teaching post, a news item, a vaccination clinic) are not \
reported.\n\n\
## Why it matters\n\
The GMC asks doctors to be open about financial and commercial interests in pharmaceutical and \
device companies; readers take a doctor's recommendation as independent unless told otherwise, \
and the ASA's rules require advertising to be labelled.\n\n\
## Example\n\
`Honestly the FreeStyle Libre is a game changer, use my code DOC20` is reported; the same post \
with `#ad` or `Disclosure: I am paid by Abbott` is not.\n\n\
## Fix\n\
Declare the interest in the post itself (`Disclosure: I have received fees from ...`, `#ad`), \
or leave the promotion out. No rewrite is offered.\n",
    placeholder: None,
    priority: 50,
    true_samples: &[
        "Honestly the «FreeStyle Libre» is a game changer for my type 1s. Use my code DOC20 for 20% off!",
        "I highly recommend «Pfizer»'s new migraine range to all my colleagues.",
        "My go-to for eczema is «Epaderm», switched all my patients to it.",
        "Book in at «my clinic» this month: 25% off skin consultations, link in bio.",
    ],
    false_samples: &[
        "Disclosure: I have received speaker fees from Abbott. The FreeStyle Libre is a game changer for my type 1s.",
        "NICE now recommends tirzepatide for some adults with obesity; see the TA for criteria.",
        "Pfizer COVID boosters available at the practice this Saturday for over-75s.",
        "#ad I highly recommend the Dexcom G7, it changed how I manage my patients' diabetes.",
    ],
};

/// CND007.
pub static POM_PROMOTION: RuleMeta = RuleMeta {
    code: "CND007",
    name: "prescription-only-promotion",
    category: Category::Conduct,
    kind: Kind::ConflictOfInterest,
    severity: Severity::Error,
    guidance: &["gmc-sm/conflicts-of-interest", "gmc-sm/law-applies"],
    summary: "A prescription-only medicine promoted to the public.",
    docs: "## What it does\n\
Finds a prescription-only medicine (by brand, such as `Mounjaro`, `Ozempic`, `Botox`, or by \
generic name) promoted to the public with a call to action: `ask your GP for it`, `you need to \
try`, `DM me to book`, `order online`, a discount code. It fires whatever the post discloses, \
and only for posts to the public (a closed group of clinicians is not the public). Medicines \
sold in pharmacies and supplements are not prescription-only.\n\n\
## Why it matters\n\
Advertising prescription-only medicines to the public is unlawful in the UK (Human Medicines \
Regulations 2012); the MHRA and the ASA have acted against clinicians' posts about weight-loss \
injections and botulinum toxin.\n\n\
## Example\n\
`Mounjaro changed my life, DM me to book your consultation` is reported; `NICE has published \
guidance on tirzepatide` is not.\n\n\
## Fix\n\
Talk about the treatment and the condition without a brand and without a call to action, or \
leave it out. No rewrite is offered.\n",
    placeholder: None,
    priority: 60,
    true_samples: &[
        "«Mounjaro» changed my patients' lives. DM me to book your consultation!",
        "Lost 3 stone on «Ozempic»: you need to try it, ask your GP for it.",
        "Summer special: «Botox» 3 areas £199, use code GLOW10.",
    ],
    false_samples: &[
        "NICE has published guidance on tirzepatide for obesity.",
        "Paracetamol is cheap and works for most headaches; buy it at any pharmacy.",
        "Ask your GP about the shingles vaccine if you are over 70.",
    ],
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Product {
    /// A generic medicine; true when prescription-only.
    Medicine(bool),
    /// A brand; true when a prescription-only medicine.
    Brand(bool),
    /// A company; true when its name is also an ordinary word or surname.
    Company(bool),
}

static DRUGS: &str = include_str!("../data/drugs.txt");
static BRANDS: &str = include_str!("../data/brands.tsv");
static COMPANIES: &str = include_str!("../data/companies.tsv");
static OTC: &str = include_str!("../data/otc.txt");

/// Lower-cased words of `s` with their byte ranges (alphanumeric runs).
fn words(s: &str) -> Vec<(usize, usize, String)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
        let w = i < s.len() && c.is_alphanumeric();
        match (start, w) {
            (None, true) => start = Some(i),
            (Some(a), false) => {
                out.push((a, i, s[a..i].to_lowercase()));
                start = None;
            }
            _ => {}
        }
    }
    out
}

fn key(s: &str) -> String {
    words(s)
        .into_iter()
        .map(|w| w.2)
        .collect::<Vec<_>>()
        .join(" ")
}

fn data_lines(s: &str) -> impl Iterator<Item = &str> {
    s.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
}

static PRODUCTS: LazyLock<HashMap<String, Product>> = LazyLock::new(|| {
    let otc: Vec<&str> = data_lines(OTC).map(str::trim).collect();
    let mut m = HashMap::new();
    for d in data_lines(DRUGS) {
        let first = d.split([' ', '-']).next().unwrap_or(d);
        m.insert(key(d), Product::Medicine(!otc.contains(&first)));
    }
    for l in data_lines(BRANDS).skip(1) {
        let f: Vec<&str> = l.split('\t').collect();
        let p = match f.get(2).copied() {
            Some("generic-pom") => Product::Medicine(true),
            Some("generic-otc") => Product::Medicine(false),
            Some("pom") => Product::Brand(true),
            _ => Product::Brand(false),
        };
        m.insert(key(f[0]), p);
    }
    for l in data_lines(COMPANIES).skip(1) {
        let f: Vec<&str> = l.split('\t').collect();
        let amb: Vec<String> = f
            .get(2)
            .map(|a| a.split(';').filter(|x| !x.is_empty()).map(key).collect())
            .unwrap_or_default();
        let mut names = vec![f[0]];
        names.extend(
            f.get(1)
                .map(|a| a.split(';').collect::<Vec<_>>())
                .unwrap_or_default(),
        );
        names.extend(
            f.get(2)
                .map(|a| a.split(';').collect::<Vec<_>>())
                .unwrap_or_default(),
        );
        for n in names.into_iter().filter(|n| !n.trim().is_empty()) {
            let k = key(n);
            let is_amb = amb.contains(&k);
            m.entry(k).or_insert(Product::Company(is_amb));
        }
    }
    m
});

static PROMO: LazyLock<Regex> = LazyLock::new(|| {
    rx(concat!(
        r"\b(?:I\s+(?:highly\s+|really\s+|strongly\s+|totally\s+|cannot\s+|can't\s+)?recommend|(?:highly|strongly)\s+recommend(?:ed)?|recommend\s+\w+\s+enough|game[ -]?changer|miracle|must[ -]have|holy\s+grail|life[ -]?changing|changed\s+my\s+(?:life|practice)|changed\s+(?:my\s+)?patients'\s+lives|best\s+(?:thing|treatment|drug|product|medicine|device|brand|money|sensor|app)|swear\s+by|obsessed\s+with|my\s+go-?to|(?:I|we)\s+love\s+(?:this|these|it|my|the\s+new)|switch(?:ing|ed)?\s+(?:all\s+)?(?:my\s+|your\s+)?patients\s+(?:to|onto)|I\s+prescribe\s+\S+\s+to\s+(?:all|everyone)|lov(?:e|ing)\s+my\s+new|best\s+\w+(?:\s+\w+)?\s+(?:on\s+the\s+market|out\s+there|money\s+can\s+buy))\b",
        r"|(?P<cta>\b(?:you\s+(?:need|have|ought|should|must)\s+(?:to\s+)?(?:try|get|ask\s+for)|ask\s+your\s+(?:gp|doctor|pharmacist|prescriber)\s+(?:for|about)\s+(?:it|them|this)|go\s+and\s+(?:try|get|buy)|get\s+yours|buy\s+now|order\s+(?:now|today|yours|online)|available\s+(?:now\s+)?(?:at|from|in\s+my|through\s+my)|shop\s+now|limited\s+(?:time\s+)?offer|\d+\s*%\s*off|use\s+(?:my\s+)?code|(?:discount|promo|voucher)\s+code|code\s+(?-i:[A-Z]*[0-9][A-Z0-9]*)|affiliate\s+link|link\s+in\s+(?:my\s+)?bio|dm\s+(?:me|us)|book\s+(?:now|today|in|your)|summer\s+special|special\s+offer)\b|£\d+)",
    ))
});
static SELF_PROMO: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\bmy\s+(?:private\s+|new\s+|own\s+)?(?:clinic|supplements?|products?|range|app|course|skincare\s+line|brand|aesthetics\s+(?:clinic|practice))\b",
    )
});
static DISCLOSURE: LazyLock<Regex> = LazyLock::new(|| {
    rx(concat!(
        r"#(?:ad|advert|advertisement|sponsored|spon|gifted|paidpartnership|partner|collab|affiliate)\b",
        r"|\b(?:disclosures?|disclaimer|conflicts?\s+of\s+interest|coi|competing\s+interests?|declarations?\s+of\s+interests?|declaration)\s*[:\-]",
        r"|\bI\s+(?:have\s+|'ve\s+)?(?:received|been\s+paid|am\s+paid|get\s+paid|receive|was\s+paid)\b",
        r"|\b(?:advisory\s+board|speaker\s+bureau|key\s+opinion\s+leader|KOL|brand\s+ambassador|ambassador\s+for|medical\s+advis[oe]r\s+(?:to|for)|consultan(?:t|cy)\s+(?:to|for|with)\s+[A-Z]|I\s+(?:work|consult)\s+for|paid\s+(?:partnership|post|promotion|for\s+by)|sponsored\s+(?:by|post)|in\s+(?:paid\s+)?partnership\s+with|supported\s+by\s+an?\s+(?:educational\s+)?grant|thanks\s+to\s+\S+\s+for\s+(?:sponsoring|supporting)|I\s+own\s+(?:shares|the|this|a\s+stake)|shareholder|financial\s+interest|I\s+(?:co-?)?founded|my\s+company|declare\s+an?\s+interest|I\s+have\s+an\s+interest|gifted\s+by|PR\s+(?:package|sample))\b",
    ))
});
static INDUSTRY: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:pharma\w*|drugs?|medicines?|company|companies|reps?|sponsor\w*|device|devices|pump|sensor|monitor|vaccines?|trial|conference|honorari\w*|lunch|product|products|prescrib\w*|formula|insulin|implant|stent|hearing|laboratories|diagnostics|aesthetics|launch|new)\b",
    )
});
static VACCINE_CAMPAIGN: LazyLock<Regex> = LazyLock::new(|| {
    rx(
        r"\b(?:vaccin\w*|jabs?|boosters?|immunis\w*|clinic\s+(?:this|on|next)|eligible|over-\d+s?)\b",
    )
});

struct Coi;

impl Detector for Coi {
    fn rules(&self) -> &'static [&'static RuleMeta] {
        static R: [&RuleMeta; 2] = [&CONFLICT, &POM_PROMOTION];
        &R
    }

    fn check(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        let text = doc.text;
        if !PROMO.is_match(text) {
            return;
        }
        let disclosed = DISCLOSURE.is_match(text);
        let public = doc.context.audience == Audience::Public;
        let ws = words(text);
        let products = &*PRODUCTS;
        let mut i = 0;
        let mut reported_sentences: Vec<usize> = Vec::new();
        while i < ws.len() {
            let mut hit = None;
            for n in (1..=4).rev() {
                if i + n > ws.len() {
                    continue;
                }
                let k = ws[i..i + n]
                    .iter()
                    .map(|w| w.2.as_str())
                    .collect::<Vec<_>>()
                    .join(" ");
                if let Some(p) = products.get(&k) {
                    hit = Some((n, *p));
                    break;
                }
            }
            let Some((n, p)) = hit else {
                i += 1;
                continue;
            };
            let (s, e) = (ws[i].0, ws[i + n - 1].1);
            i += n;
            let first_upper = text[s..].chars().next().is_some_and(char::is_uppercase);
            if matches!(p, Product::Company(true)) && !(first_upper && INDUSTRY.is_match(text)) {
                continue;
            }
            if matches!(p, Product::Brand(_))
                && !first_upper
                && !text[s..e].contains(char::is_numeric)
            {
                continue;
            }
            let win = window_text(text, s, e);
            let Some(c) = PROMO.captures(win) else {
                continue;
            };
            let cta = c.name("cta").is_some()
                || PROMO.captures_iter(win).any(|c| c.name("cta").is_some());
            if matches!(p, Product::Company(_)) && VACCINE_CAMPAIGN.is_match(win) {
                continue;
            }
            let (a, _) = crate::util::sentence(text, s, e);
            if reported_sentences.contains(&a) {
                continue;
            }
            let pom = matches!(p, Product::Medicine(true) | Product::Brand(true));
            if pom && cta && public {
                reported_sentences.push(a);
                out.push(finding(
                    &POM_PROMOTION,
                    s,
                    e,
                    "A prescription-only medicine promoted to the public",
                    &[Cue::Term, Cue::Phrase, Cue::Account],
                    None,
                ));
            } else if !disclosed {
                reported_sentences.push(a);
                out.push(finding(
                    &CONFLICT,
                    s,
                    e,
                    "A named product or company promoted without a disclosure of interest",
                    &[Cue::Term, Cue::Phrase],
                    None,
                ));
            }
        }
        if !disclosed {
            for m in SELF_PROMO.find_iter(text) {
                let (s, e) = (m.start(), m.end());
                let win = window_text(text, s, e);
                let commercial = PROMO.captures_iter(win).any(|c| c.name("cta").is_some());
                let (a, _) = crate::util::sentence(text, s, e);
                if commercial && !reported_sentences.contains(&a) {
                    reported_sentences.push(a);
                    out.push(finding(
                        &CONFLICT,
                        s,
                        e,
                        "Promotion of your own clinic or product without stating the interest",
                        &[Cue::Phrase],
                        None,
                    ));
                }
            }
        }
    }
}

/// The detector.
pub fn detectors() -> Vec<Box<dyn Detector>> {
    vec![Box::new(Coi)]
}
