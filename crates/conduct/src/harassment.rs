//! CND002 `harassment` and CND003 `discrimination`.
//!
//! Harassment is an insult, a gratuitous allegation or a call for sanction aimed at someone a
//! reader can identify — a handle, a titled name, a full name, a named organisation, a role with
//! a determiner ("my consultant", "the practice manager"), or "he"/"she"/"you" — plus threats,
//! pile-ons and doxxing, which need no named target. The target must be the grammatical subject
//! next to the predicate ("Dr Smith is a fraud", not "Dr Smith's new guidance is a disgrace"),
//! which keeps clinical uses out: an incompetent cervix, a dangerous potassium.
//!
//! Discrimination attacks people for their religion, belief, politics or a protected
//! characteristic: a group word next to a contemptuous predicate ("... are vermin", "filthy
//! ...", "go back to your own country"), a slur, or refusing care or work to a group. Sentences
//! that report or refute a stereotype ("the myth that migrants are a burden") are left alone.

use std::sync::LazyLock;

use clinpost_core::{Category, Cue, Detector, Document, Finding, Kind, RuleMeta, Severity};
use regex::Regex;

use crate::util::{finding, meta, prep, quoted, reported, rx, sentence_text};

/// CND002.
pub static HARASSMENT: RuleMeta = RuleMeta {
    code: "CND002",
    name: "harassment",
    category: Category::Conduct,
    kind: Kind::Harassment,
    severity: Severity::Error,
    guidance: &["gmc-sm/no-bullying", "gmc-sm/law-applies"],
    summary: "Insults, unsubstantiated allegations, threats or pile-ons aimed at an identifiable person or organisation.",
    docs: "## What it does\n\
Finds insults and gratuitous allegations aimed at someone readers can identify (`Dr Patel is a \
fraud`, `@jbloggs you absolute clown`, `my consultant is useless`, `the Trust covered it up`), \
calls for sanction (`he should be struck off`), threats (`watch your back`), pile-ons \
(`everyone report him`, `name and shame`) and doxxing (`here's her home address`). An adjective \
that is also clinical (`incompetent cervix`, `dangerous potassium`) is not an insult, and \
criticism of a policy or a document is not aimed at a person.\n\n\
## Why it matters\n\
Defamation and harassment law apply online as anywhere else, and the GMC expects doctors not to \
bully, harass or make gratuitous, unsubstantiated comments about individuals. An allegation \
about a named colleague or organisation can be defamatory even in a \"closed\" group.\n\n\
## Example\n\
`@DrJones you are an absolute disgrace` is reported; `The new rota is a disgrace` is not.\n\n\
## Fix\n\
Criticise decisions and policies, not people; raise concerns about a colleague's practice \
through local procedures or the regulator, not in public. No rewrite is offered.\n",
    placeholder: None,
    priority: 55,
    true_samples: &[
        "«Dr Hartley is an absolute fraud» and everyone at the practice knows it.",
        "«@nhsmanager99 you are a disgrace».",
        "Honestly «my consultant is completely useless», third missed diagnosis this month.",
        "«He should be struck off» for what he did to that family.",
        "Right, «everyone report him» until the account is gone.",
        "«Riverside Surgery covered it up» and nobody was held to account.",
    ],
    false_samples: &[
        "Incompetent cervix: cerclage at 14 weeks is an option.",
        "Potassium of 7.1 is dangerous; treat now.",
        "The new rota is a disgrace and the BMA should challenge it.",
        "Doctors who falsify records should be struck off.",
        "A patient called me an idiot today. Still smiling.",
        "I'll find you a bed on ward 9.",
    ],
};

/// CND003.
pub static DISCRIMINATION: RuleMeta = RuleMeta {
    code: "CND003",
    name: "discrimination",
    category: Category::Conduct,
    kind: Kind::Discrimination,
    severity: Severity::Error,
    guidance: &["gmc-sm/no-bullying", "gmc-sm/law-applies", "gmc-gmp/trust"],
    summary: "Attacks people for their religion, belief, politics or a protected characteristic.",
    docs: "## What it does\n\
Finds contempt for people as a group — for their religion or belief (`Muslims are ...`, \
`bible bashers`), politics (`Tory scum`), race, nationality, migration status, sex, sexual \
orientation, gender identity, disability or age — and slurs, `go back to your own country`, \
and refusing to treat or work with a group. A sentence that reports or refutes a stereotype \
(`the myth that migrants are a burden on the NHS`) and clinical facts about a group (`Muslim \
patients may be fasting in Ramadan`) are not reported.\n\n\
## Why it matters\n\
Offensive remarks about religion and other protected characteristics have led to tribunals and \
suspensions; discrimination law applies to posts, and patients of every group must be able to \
trust that they will be treated fairly.\n\n\
## Example\n\
`Immigrants are ruining the NHS` is reported; `Migrants are entitled to register with a GP` \
is not.\n\n\
## Fix\n\
Leave it out. No rewrite is offered.\n",
    placeholder: None,
    priority: 56,
    true_samples: &[
        "«Muslims are all the same», can't trust any of them.",
        "Honestly «Tory scum» the lot of them.",
        "Clinic full of «filthy immigrants» again today.",
        "If you don't like it «go back to your own country».",
        "«Religion is a mental illness» and I'm tired of pretending otherwise.",
        "«I refuse to treat trans» patients, simple as that.",
        "«Travellers shouldn't be allowed» to register at our practice.",
    ],
    false_samples: &[
        "Muslim patients may be fasting during Ramadan: review insulin doses.",
        "Migrants are entitled to free GP registration; no proof of address needed.",
        "The myth that immigrants are a burden on the NHS doesn't survive the data.",
        "Trans patients face long waits for gender services.",
        "Jehovah's Witnesses may refuse blood products; discuss alternatives early.",
        "Spastic diplegia is a common pattern in cerebral palsy.",
        "Travellers should be allowed to register without a fixed address.",
    ],
};

const INSULT: &str = r"idiots?|morons?|clowns?|muppets?|numpty|numpties|cretins?|imbeciles?|halfwits?|dimwits?|twats?|pricks?|knobheads?|dickheads?|wankers?|arseholes?|assholes?|bellends?|cunts?|pillocks?|prats?|tossers?|jokes?|disgraces?|embarrassments?|liars?|frauds?|fraudsters?|crooks?|criminals?|corrupt|charlatans?|quacks?|thie(?:f|ves)|abusers?|paedos?|paedophiles?|rapists?|bull(?:y|ies)|psychopaths?|sociopaths?|narcissists?|useless|incompetent|clueless|thick|stupid|dumb|moronic|idiotic|negligent|a\s+danger\s+to\s+(?:patients|the\s+public|everyone)|unfit\s+to\s+(?:practi[cs]e|be\s+a\s+doctor)|a\s+liability|pathetic|vile|scum|evil|spineless|gutless|waste\s+of\s+(?:space|oxygen)|racists?|sexists?|misogynists?|homophobes?|bigots?|vindictive|deranged|drunk\s+on\s+(?:shift|duty)|on\s+the\s+take|butchers?|cowboys?|menaces?|a\s+menace|hacks?|laughing\s+stock|cowards?|snakes?|weasels?|creeps?|sleazebags?|killers?|murderers?|dangerous";
const INSULT_NOUN: &str = r"idiots?|morons?|clowns?|muppets?|numpty|cretins?|imbeciles?|halfwits?|dimwits?|twats?|pricks?|knobheads?|dickheads?|wankers?|arseholes?|assholes?|bellends?|cunts?|pillocks?|prats?|tossers?|disgrace|embarrassment|liars?|frauds?|fraudsters?|crooks?|charlatans?|quacks?|bigots?|scumbags?|scum";
const INTENS: &str = r"(?:(?:such|a|an|the|total|complete|utter|absolute|fucking|bloody|effing|so|totally|completely|utterly|absolutely|just|clearly|obviously|frankly|really|nothing\s+but|nothing\s+more\s+than|known|serial|proven|compulsive|pathological|massive|huge|bit\s+of\s+a|right)\s+){0,3}";
const COP: &str =
    r"(?:is|are|was|were|'s|'re|has\s+been|have\s+been|seems|remains|is\s+still|was\s+always)";
const ALLEGE: &str = r"(?:(?:has\s+been|have\s+been|is|are|was|were|keeps?|kept)\s+(?:faking|lying\s+(?:to|about)|stealing|falsifying|fiddling|fabricating|covering\s+(?:it\s+|this\s+)?up|bullying|abusing|defrauding|harming|killing|drinking\s+on\s+(?:shift|duty)|taking\s+bribes|cooking\s+the\s+books)|(?:has\s+|have\s+|had\s+)?(?:killed|murdered|harmed|maimed|lied\s+(?:to|about)|stole|steals|covered\s+(?:it\s+|this\s+|everything\s+)?up|covers\s+(?:it\s+)?up|falsified|falsifies|fiddled|fabricated|faked|forged|assaulted|abused|bullied|bullies|defrauded|takes\s+bribes|took\s+bribes|drinks\s+on\s+shift|cooked\s+the\s+books|buried\s+the\s+report))";
const SANCTION: &str = r"(?:should|needs\s+to|ought\s+to|must|deserves\s+to)\s+(?:be\s+)?(?:struck\s+off|sacked|fired|jailed|locked\s+up|arrested|prosecuted|reported\s+to\s+the\s+(?:gmc|nmc|police)|hung|hanged|shot|banned\s+from\s+practi[cs]ing|ashamed\s+of\s+(?:himself|herself|themselves))";

/// A target the reader can identify, as the subject of what follows.
fn target() -> String {
    let role = r"(?i:(?:my|our|the|this|that|your|his|her|their)\s+(?:(?:new|old|current|senior|junior|locum|ward|practice|charge|clinical|medical|on-?call|night|day|duty|head|lead|named|educational|so-called|useless|bloody|fucking|registered)\s+){0,2}(?:consultants?|registrars?|reg|sho|fy1|fy2|f1|f2|gps?|partners?|nurses?|sisters?|matron|managers?|surgeons?|anaesthetists?|colleagues?|boss|bosses|director|ceo|chief\s+executive|locums?|trainer|supervisor|pharmacists?|midwife|pa|physios?|receptionists?|hr|radiologists?|doctors?|medics?|management|chair|dean|professor|lecturer|ccg|icb|trust|health\s+board|practice\s+manager|medical\s+director|clinical\s+lead|head\s+of\s+department|health\s+secretary|minister|mp))";
    let titled = r"(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Sister|Nurse|Sir|Dame|Lord|Cllr)\.?\s+[A-Z][A-Za-z'-]+(?:\s+[A-Z][A-Za-z'-]+)?";
    let full = r"[A-Z][a-z]+\s+[A-Z][a-z]{2,}";
    let org = r"(?:[A-Z][A-Za-z&'-]+\s+){1,4}(?:Trust|Hospitals?|Practice|Surgery|Medical\s+Centre|Health\s+Centre|Health\s+Board|ICB|CCG|Council|Clinic|Pharmacy|Ltd|plc|Group|University)|(?:the\s+)?(?:GMC|NMC|BMA|CQC|RCGP|RCN|NICE|DHSC|NHSE|HCPC)";
    let handle = r"@[A-Za-z0-9_]{2,30}";
    format!(r"(?:{handle}|\b(?:{titled}|{org}|{full}|{role}))")
}

static TARGETED: LazyLock<Regex> = LazyLock::new(|| {
    let t = target();
    let pat = format!(
        r"{t}(?:\s+(?i:on|in|at|from|of)\s+(?:[\w&]+\s+){{0,4}}?[\w&]+)?,?\s+(?i:(?:{COP}\s+{INTENS}(?:{INSULT})\b|{ALLEGE}\b|{SANCTION}\b))"
    );
    Regex::new(&prep(&pat)).expect("targeted")
});

static PRONOUN: LazyLock<Regex> = LazyLock::new(|| {
    let insult = INSULT.trim_end_matches("|dangerous");
    rx(&format!(
        r"\b(?:he|she|you)(?:(?:\s+{COP}|'s|'re)\s+{INTENS}(?:{insult})\b|\s+{ALLEGE}\b|\s+{SANCTION}\b)|\b(?:you're|you\s+are)\s+{INTENS}(?:{insult})\b"
    ))
});

static ALWAYS: LazyLock<Regex> = LazyLock::new(|| {
    rx(&format!(
        concat!(
            r"\b(?:I'll|I\s+will|we\s+will|we'll|gonna|going\s+to)\s+(?:hurt|destroy|ruin|end|expose|come\s+for|make)\s+(?:you|him|her|them)(?:\s+pay)?\b|\bwatch\s+your\s+back\b|\byou'll\s+regret\s+(?:this|it)\b|\bknow\s+where\s+(?:you|he|she)\s+lives?\b",
            r"|\beveryone\s+(?:go\s+)?(?:report|block|tag|dm|email|complain\s+about)\s+(?:him|her|them|this\s+(?:guy|woman|man|doctor|nurse|account|gp))\b|\blet's\s+(?:all\s+)?(?:report|go\s+after|expose|get|pile\s+on)\s+(?:him|her|them|this)\b|\bname\s+and\s+shame\b|\bRT\s+to\s+expose\b|\bflood\s+(?:his|her|their)\s+(?:mentions|inbox|reviews|page)\b|\bleave\s+(?:him|her|them)\s+(?:1|one)[- ]star\s+reviews\b",
            r"|\b(?:here's|this\s+is|here\s+is)\s+(?:his|her|their)\s+(?:home\s+)?(?:address|number|phone\s+number|mobile|home|email|kids'?\s+school)\b|\b(?:his|her|their)\s+home\s+address\s+is\b",
            r"|\bstrike\s+(?:him|her|them)\s+off\b",
            r"|\byou\s+(?:absolute|utter|total|bloody|fucking|complete|stupid|pathetic)\s+(?:{n})\b",
            r"|@[A-Za-z0-9_]{{2,30}}\s*[,:]?\s+(?:what\s+an?\s+|such\s+an?\s+|absolute\s+|utter\s+|total\s+)+(?:{n})\b",
        ),
        n = INSULT_NOUN
    ))
});

static THAT_INSULT: LazyLock<Regex> = LazyLock::new(|| {
    let t = target();
    Regex::new(&prep(&format!(
        r"\b(?i:that|this)\s+(?i:{INSULT_NOUN})\s+{t}"
    )))
    .expect("that insult")
});

struct Harassment;

impl Detector for Harassment {
    fn rules(&self) -> &'static [&'static RuleMeta] {
        static R: [&RuleMeta; 1] = [&HARASSMENT];
        &R
    }

    fn check(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        let text = doc.text;
        let mut spans: Vec<(usize, usize, &str)> = Vec::new();
        for m in TARGETED.find_iter(text) {
            spans.push((m.start(), m.end(), "An insult, allegation or call for sanction aimed at an identifiable person or organisation"));
        }
        for m in PRONOUN.find_iter(text) {
            spans.push((
                m.start(),
                m.end(),
                "An insult or allegation aimed at a person",
            ));
        }
        for m in THAT_INSULT.find_iter(text) {
            spans.push((
                m.start(),
                m.end(),
                "An insult aimed at an identifiable person",
            ));
        }
        for m in ALWAYS.find_iter(text) {
            spans.push((
                m.start(),
                m.end(),
                "A threat, pile-on, exposure or personal attack",
            ));
        }
        for (s, e, msg) in spans {
            let sent = sentence_text(text, s, e);
            if quoted(text, s, e) || meta(sent) || reported(sent) {
                continue;
            }
            out.push(finding(&HARASSMENT, s, e, msg, &[Cue::Phrase], None));
        }
    }
}

const GROUP: &str = r"(?:muslims?|islamists?|jews|jewish\s+people|christians|catholics|hindus|sikhs|buddhists|atheists|mormons|jehovah's\s+witnesses|religious\s+people|the\s+religious|evangelicals|tories|tory\s+voters|conservatives|labour\s+voters|lefties|leftists|liberals|libs|socialists|communists|brexiters|brexiteers|remainers|remoaners|reform\s+voters|trump\s+supporters|the\s+woke|woke\s+(?:people|lot|brigade|mob)|immigrants|migrants|foreigners|asylum\s+seekers|refugees|illegals|gays|gay\s+people|gay\s+men|lesbians|homosexuals|bisexuals|trans\s+(?:people|women|men|folk|kids|patients)|transgender\s+(?:people|patients)|trannies|disabled\s+people|the\s+disabled|wheelchair\s+users|autistic\s+people|autistics|women|females|blacks|black\s+people|whites|asians|africans|indians|pakistanis|bangladeshis|nigerians|poles|romanians|eastern\s+europeans|chinese|arabs|gypsies|travellers|pikeys|old\s+people|pensioners|boomers|fat\s+people|obese\s+people|imgs|international\s+(?:medical\s+graduates|doctors|nurses)|foreign\s+(?:doctors|nurses)|overseas\s+(?:doctors|nurses)|(?:indian|nigerian|pakistani|african|polish|romanian)\s+(?:doctors|nurses)|(?:polish|romanian|irish|scottish|english|welsh|african|nigerian|indian|pakistani|bangladeshi|chinese|muslim|jewish|black|white|asian|gay|trans|foreign|eastern\s+european|albanian|somali|traveller)\s+(?:people|men|women|builders|drivers|patients|families|workers|lads|girls|mums|dads|kids|folk))";
const CONTEMPT: &str = r"(?:drunks|alcoholics|junkies|thieves|scroungers|benefit\s+scroungers|scum|vermin|parasites|animals|savages|subhuman|filth|filthy|disgusting|dirty|lazy|thick|stupid|idiots|morons|inferior|backward|primitive|evil|a\s+(?:disease|cancer|plague|virus|scourge|menace|drain|blight)|a\s+burden\s+on|terrorists|criminals|rapists|paedos|perverts|degenerates?|mentally\s+ill|sick\s+in\s+the\s+head|deluded|brainwashed|useless|worthless|freaks|not\s+(?:real|proper)\s+(?:women|men|doctors|nurses)|taking\s+over|invading|ruining\s+(?:this\s+country|the\s+nhs|everything|britain)|destroying\s+(?:the\s+nhs|this\s+country|britain)|bleeding\s+the\s+nhs\s+dry|can't\s+be\s+trusted|all\s+the\s+same|all\s+liars|a\s+waste\s+of\s+(?:space|resources|money)|the\s+problem|to\s+blame|incompetent|dangerous|unsafe|an\s+abomination|unnatural|disgusting)";

static DISCRIM: LazyLock<Regex> = LazyLock::new(|| {
    rx(&format!(
        concat!(
            r"\b(?:all\s+|these\s+|those\s+|bloody\s+|fucking\s+|typical\s+)?{g}\s+(?:are|is|were)\s+(?:all\s+|just\s+|basically\s+|so\s+|such\s+|fucking\s+|bloody\s+|nothing\s+but\s+|literally\s+|clearly\s+)*{c}\b",
            r"|\b(?:filthy|dirty|lazy|stupid|thick|smelly|scrounging|thieving|greedy|backward|primitive|inbred|vile|disgusting|useless|sponging|rat-faced|bloody|fucking)\s+{g}\b",
            r"|\b(?:tory|labour|lefty|leftie|liberal|remainer|brexiter|woke|muslim|jewish|christian|catholic|immigrant|migrant|foreign|trans|gay|paki)\s+(?:scum|vermin|filth|parasites|bastards|snowflakes|nutters|freaks|traitors)\b",
            r"|\bgo\s+back\s+(?:to|home\s+to)\s+(?:your|their|his|her)\s+(?:own\s+)?(?:country|countries)\b|\bsend\s+(?:them|'em|em|the\s+lot)\s+(?:all\s+)?back\b|\b(?:deport|ban|kick\s+out|get\s+rid\s+of)\s+(?:all\s+(?:the\s+)?|the\s+)?{g}\b",
            // Denying a group care, entry or rights: "travellers shouldn't be allowed to
            // register", "immigrants don't deserve NHS care".
            r"|\b{g}\s+(?:shouldn't|should\s+not|should\s+never|must\s+not|mustn't|can't|cannot)\s+be\s+(?:allowed|let|permitted)\b",
            r"|\b{g}\s+(?:don't|do\s+not|doesn't)\s+deserve\s+(?:treatment|care|help|nhs|the\s+nhs|to\s+be\s+treated|a\s+gp|a\s+doctor)\b",
            r"|\bI\s+(?:won't|refuse\s+to|will\s+not|don't|wouldn't)\s+(?:treat|see|examine|employ|hire|work\s+with|train|teach)\s+(?:any\s+)?(?:muslims?|jews|christians|hindus|sikhs|gays?|gay\s+(?:people|men|patients)|lesbians|trans|transgender|immigrants|migrants|foreigners|asylum\s+seekers|refugees|women|disabled\s+people|black\s+people|asians|travellers|fat\s+people|obese\s+people|tories|tory\s+voters|labour\s+voters|imgs|foreign\s+doctors)\b",
            r"|\b(?:religion|islam|christianity|judaism|hinduism|sikhism|faith)\s+is\s+(?:a\s+|just\s+a\s+)?(?:mental\s+illness|cancer|disease|poison|delusion|evil|for\s+idiots|for\s+morons|a\s+fairy\s+tale)\b",
            r"|\b(?:sky\s+fair(?:y|ies)|god[ -]botherers?|bible[ -]bashers?|bible[ -]thumpers?|jesus\s+freaks?|happy[ -]clappers?|towel\s?heads?|rag\s?heads?|pakis|paki|kikes?|trann(?:y|ies)|faggots?|fags|poofters?|dykes|shemales?|chinks?|gyppos?|pikeys?|wogs?|nig-?nogs?|spaz|spazzy|spacker|mongs|mongoloids?|libtards?|feminazis?|coconuts)\b",
            r"|\b(?:a|you|such\s+a|total|complete|like\s+a|what\s+a|bunch\s+of)\s+(?:spastic|spastics|mong|mongoloid)\b",
        ),
        g = GROUP,
        c = CONTEMPT
    ))
});

struct Discrimination;

impl Detector for Discrimination {
    fn rules(&self) -> &'static [&'static RuleMeta] {
        static R: [&RuleMeta; 1] = [&DISCRIMINATION];
        &R
    }

    fn check(&self, doc: &Document<'_>, out: &mut Vec<Finding>) {
        let text = doc.text;
        for m in DISCRIM.find_iter(text) {
            let (s, e) = (m.start(), m.end());
            let sent = sentence_text(text, s, e);
            if quoted(text, s, e) || meta(sent) || reported(sent) {
                continue;
            }
            out.push(finding(
                &DISCRIMINATION,
                s,
                e,
                "Contempt for people because of their religion, belief, politics or a protected characteristic",
                &[Cue::Phrase],
                None,
            ));
        }
    }
}

/// The detectors.
pub fn detectors() -> Vec<Box<dyn Detector>> {
    vec![Box::new(Harassment), Box::new(Discrimination)]
}
