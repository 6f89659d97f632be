//! The word lists behind extraction, with the population fraction each detail carries.
//!
//! Phrases are written lower-case, one space between words, without possessive `'s` (the
//! tokenizer drops it: "Crohn's" is the token `crohn`). A phrase may carry markers:
//! - a leading `^`: the first word must be written in capitals (`^af` matches "AF", not "af");
//! - a leading `!`: the first word must start with a capital (`!may`, `!christian`);
//! - a trailing `~`: an eponym; needs a possessive or "disease/syndrome" after it, or the `-s`
//!   spelling listed separately ("Parkinson's", "Parkinson disease", not "Mr Parkinson");
//! - a trailing `@`: needs a person word after it ("Black man", "Somali family") or a word of
//!   descent ("of Pakistani heritage");
//! - a trailing `&`: needs an article or determiner before it ("a cleaner", not "cleaner air").
//!
//! # Fractions (rough, documented; the model uses them as population fractions)
//!
//! - **Conditions**: the QOF 2024-25 England registers (the figures below are copied from
//!   `qof_prevalence_2024-25_england_summary.csv`: register size, divided by the total registered
//!   list of 63,766,671 so that every figure is a fraction of the *whole* population, not of the
//!   register's age-restricted denominator); other conditions, cancers (people living with the
//!   cancer, UK) and rare diseases from medical knowledge, rounded. A condition is rare below
//!   1 in 2,000 (0.0005), the EU definition.
//! - **Occupations**: people in the occupation (UK, rounded) ÷ 67 million.
//! - **Relationships**: share of adults with such a relative: weak details.
//! - **Events**: people it happens to in a year (GB / UK), ÷ 67 million.
//! - **Ethnicity and religion**: Census 2021 England and Wales shares.

/// Whole registered population of England in the QOF 2024-25 extract.
const QOF_LIST: f64 = 63_766_671.0;

const fn qof(register: u32) -> f64 {
    register as f64 / QOF_LIST
}

/// Rare: below 1 in 2,000.
pub(crate) const RARE: f64 = 1.0 / 2000.0;

/// Conditions: (phrases separated by `|`, prevalence).
pub(crate) const CONDITIONS: &[(&str, f64)] = &[
    // QOF registers (England 2024-25).
    ("^af|atrial fibrillation|fast af|paroxysmal af|paf", qof(1_427_589)),
    ("asthma|asthmatic", qof(3_944_639)),
    ("cancer|carcinoma|malignancy", qof(2_424_102)),
    ("coronary heart disease|^chd|ischaemic heart disease|^ihd|angina", qof(1_899_633)),
    ("chronic kidney disease|^ckd|renal failure|kidney failure", qof(2_378_168)),
    ("^copd|emphysema|chronic bronchitis", qof(1_207_974)),
    ("dementia", qof(498_887)),
    ("depression", qof(7_317_368)),
    ("diabetes|diabetic|diabetes mellitus", qof(4_109_134)),
    ("epilepsy|epileptic", qof(409_409)),
    ("heart failure|^ccf|^hfref|^hfpef|congestive cardiac failure", qof(700_138)),
    ("hypertension|^htn|high blood pressure", qof(9_711_491)),
    ("learning disability|learning disabilities", qof(374_763)),
    ("severe mental illness|psychosis|psychotic", qof(648_282)),
    ("prediabetes|pre diabetes|non diabetic hyperglycaemia", qof(4_713_729)),
    ("obesity|obese|morbidly obese|morbid obesity", qof(7_119_370)),
    ("osteoporosis", qof(279_977)),
    ("peripheral arterial disease|peripheral vascular disease|^pad|^pvd", qof(353_888)),
    ("palliative|end of life", qof(356_543)),
    ("rheumatoid arthritis", qof(415_528)),
    ("stroke|^tia|^cva|transient ischaemic attack", qof(1_204_419)),
    // Split of registers, and other common conditions (rounded, medical knowledge).
    ("type 2 diabetes|^t2dm|^t2 dm|type ii diabetes", 0.060),
    ("type 1 diabetes|^t1dm|^t1 dm|type i diabetes", 0.0045),
    ("alzheimer~|alzheimers", 0.0047),
    ("schizophrenia|schizophrenic", 0.004),
    ("bipolar|bipolar disorder|manic depression", 0.005),
    ("anxiety", 0.06),
    ("heart attack|^mi|^stemi|^nstemi|myocardial infarction", 0.015),
    ("pregnant|pregnancy", 0.008),
    ("^hiv|^aids", 0.0016),
    ("hepatitis c|hep c", 0.001),
    ("hepatitis b|hep b", 0.003),
    ("tuberculosis|^tb", 0.0001),
    ("anorexia|anorexia nervosa|anorexic", 0.002),
    ("bulimia", 0.002),
    ("autism|autistic|^asd", 0.01),
    ("^adhd", 0.01),
    ("cerebral palsy", 0.002),
    ("spina bifida", 0.0002),
    ("down~|downs|down syndrome", 0.0007),
    ("crohn~|crohns|crohn disease", 0.0025),
    ("ulcerative colitis", 0.004),
    ("inflammatory bowel disease|^ibd", 0.0075),
    ("coeliac|coeliac disease|celiac", 0.0025),
    ("psoriasis", 0.02),
    ("gout", 0.025),
    ("multiple sclerosis|^ms", 0.0019),
    ("parkinson~|parkinsons|parkinson disease", 0.0022),
    ("lupus|^sle", 0.001),
    ("hypertrophic cardiomyopathy|^hcm", 0.002),
    ("klinefelter~|klinefelters", 0.00075),
    ("giant cell arteritis|^gca|temporal arteritis", 0.0005),
    ("sepsis|septic shock", 0.004),
    // Rare diseases (below 1 in 2,000; rough UK prevalence).
    ("motor neurone disease|motor neuron disease|^mnd|^als|amyotrophic lateral sclerosis", 0.00008),
    ("cystic fibrosis|^cf", 0.00016),
    ("huntington~|huntingtons|huntington disease|huntington chorea", 0.00012),
    ("sickle cell|sickle cell disease|sickle cell anaemia", 0.00022),
    ("thalassaemia|thalassemia|beta thalassaemia", 0.00002),
    ("haemophilia|hemophilia", 0.0001),
    ("duchenne~|duchenne muscular dystrophy|^dmd", 0.00004),
    ("muscular dystrophy", 0.0001),
    ("marfan~|marfans|marfan syndrome", 0.0002),
    ("ehlers danlos|ehlers danlos syndrome|^eds", 0.0002),
    ("myasthenia|myasthenia gravis", 0.00015),
    ("guillain barre|guillain barré|guillain barre syndrome", 0.00002),
    ("sarcoidosis|sarcoid", 0.0002),
    ("addison~|addisons|addison disease", 0.0001),
    ("cushing~|cushings|cushing syndrome|cushing disease", 0.00004),
    ("acromegaly", 0.00006),
    ("wilson disease", 0.00003),
    ("gaucher~|gaucher disease", 0.000017),
    ("fabry~|fabry disease", 0.000025),
    ("pompe~|pompe disease", 0.000025),
    ("phenylketonuria|^pku", 0.0001),
    ("spinal muscular atrophy", 0.00002),
    ("rett~|rett syndrome", 0.00005),
    ("prader willi|prader willi syndrome", 0.00005),
    ("turner syndrome|turners syndrome", 0.0001),
    ("fragile x|fragile x syndrome", 0.0001),
    ("tuberous sclerosis", 0.000125),
    ("neurofibromatosis|^nf1", 0.00033),
    ("progeria", 0.00000005),
    ("creutzfeldt jakob|creutzfeldt jakob disease|^cjd|^vcjd", 0.000001),
    ("scleroderma|systemic sclerosis", 0.0001),
    ("vasculitis|granulomatosis with polyangiitis", 0.00015),
    ("amyloidosis|amyloid", 0.00003),
    ("achondroplasia", 0.00004),
    ("primary biliary cholangitis|primary biliary cirrhosis|^pbc", 0.0003),
    ("primary sclerosing cholangitis", 0.0001),
    ("autoimmune hepatitis", 0.00015),
    ("necrotising fasciitis|necrotizing fasciitis", 0.000005),
    ("brugada|brugada syndrome", 0.0003),
    ("long qt|long qt syndrome", 0.0004),
    ("kawasaki~|kawasaki disease", 0.00005),
    ("behcet~|behcets|behçet", 0.00001),
    ("stevens johnson|stevens johnson syndrome", 0.000002),
    ("takotsubo", 0.00002),
    ("locked in syndrome", 0.000001),
    ("meningitis", 0.00003),
    ("measles", 0.00002),
    ("ebola", 0.00000001),
    ("rabies", 0.00000001),
    ("tetanus", 0.0000001),
    ("diphtheria", 0.00000005),
    ("leprosy", 0.000001),
    ("botulism", 0.00000005),
    ("mpox|monkeypox", 0.000005),
    ("conjoined twins", 0.00000002),
    // Cancers: people living with the cancer (UK, rounded).
    ("breast cancer|breast ca|ca breast|cancer of the breast", 0.009),
    ("male breast cancer", 0.00005),
    ("prostate cancer|prostate ca|ca prostate|prostatic cancer|cancer of the prostate|prostate carcinoma|metastatic prostate cancer", 0.0073),
    ("lung cancer|lung ca|ca lung|cancer of the lung|small cell lung cancer|^nsclc|^sclc", 0.001),
    ("bowel cancer|colorectal cancer|colon cancer|rectal cancer|bowel ca|colon ca|ca colon|ca bowel", 0.004),
    ("pancreatic cancer|pancreatic ca|ca pancreas|cancer of the pancreas", 0.00015),
    ("melanoma|malignant melanoma", 0.003),
    ("leukaemia|leukemia", 0.001),
    ("acute myeloid leukaemia|^aml", 0.0001),
    ("chronic lymphocytic leukaemia|^cll", 0.0005),
    ("chronic myeloid leukaemia|^cml", 0.0001),
    ("lymphoma|non hodgkin lymphoma", 0.0015),
    ("hodgkin~|hodgkin lymphoma", 0.0003),
    ("myeloma|multiple myeloma", 0.0004),
    ("glioblastoma|^gbm", 0.00003),
    ("brain tumour|brain tumor|glioma", 0.0003),
    ("ovarian cancer|ovarian ca|cancer of the ovary", 0.0006),
    ("cervical cancer|cervical ca|cancer of the cervix", 0.0006),
    ("womb cancer|uterine cancer|endometrial cancer", 0.0012),
    ("testicular cancer|testicular ca", 0.0005),
    ("bladder cancer|bladder ca", 0.0012),
    ("kidney cancer|renal cancer|renal cell carcinoma", 0.001),
    ("oesophageal cancer|esophageal cancer|oesophageal ca", 0.0002),
    ("stomach cancer|gastric cancer|gastric ca", 0.0002),
    ("liver cancer|hepatocellular carcinoma|^hcc", 0.0001),
    ("head and neck cancer|throat cancer|mouth cancer|oral cancer|laryngeal cancer", 0.0008),
    ("thyroid cancer", 0.001),
    ("mesothelioma", 0.00004),
    ("sarcoma", 0.0002),
    ("osteosarcoma", 0.00003),
    ("ewing sarcoma|ewing~", 0.00001),
    ("neuroblastoma", 0.00001),
    ("retinoblastoma", 0.00001),
    ("cholangiocarcinoma", 0.00005),
    ("cancer of unknown primary", 0.0001),
];

/// Occupations: (phrases, fraction of the population in it). Colleagues count too: a post
/// naming a surgeon may be about a colleague; the model weighs details, not roles.
pub(crate) const OCCUPATIONS: &[(&str, f64)] = &[
    ("miner|coal miner|coalminer|pitman", 0.0015),
    (
        "teacher|schoolteacher|head teacher|headteacher|headmaster|headmistress",
        0.009,
    ),
    ("nurse", 0.011),
    ("doctor", 0.0045),
    ("surgeon", 0.0002),
    ("^gp|general practitioner", 0.0007),
    ("dentist", 0.0006),
    ("vet&|veterinary surgeon", 0.0004),
    ("pharmacist", 0.001),
    ("paramedic", 0.0006),
    ("midwife", 0.0006),
    ("police officer|policeman|policewoman|copper&", 0.0025),
    ("firefighter|fireman", 0.0007),
    ("soldier|serviceman|army officer", 0.0025),
    ("sailor|royal navy", 0.0005),
    ("farmer|dairy farmer|sheep farmer", 0.002),
    ("builder&", 0.006),
    ("electrician", 0.004),
    ("plumber", 0.002),
    ("lorry driver|hgv driver|truck driver|trucker", 0.005),
    ("taxi driver|cabbie|cab driver", 0.004),
    ("bus driver", 0.002),
    ("chef", 0.004),
    ("cleaner&", 0.008),
    ("shop assistant|shopkeeper", 0.015),
    ("solicitor|lawyer", 0.0025),
    ("barrister", 0.0003),
    ("judge&|magistrate", 0.0003),
    ("accountant", 0.004),
    ("engineer", 0.006),
    ("architect", 0.0007),
    ("airline pilot|raf pilot|helicopter pilot", 0.0003),
    ("footballer", 0.00008),
    ("professional footballer|pro footballer", 0.00005),
    ("premier league footballer|premiership footballer", 0.00001),
    ("rugby player|professional rugby player", 0.00003),
    ("cricketer", 0.00002),
    ("olympian|olympic athlete", 0.00003),
    ("jockey", 0.000007),
    ("boxer&", 0.00003),
    ("vicar|priest|clergyman|minister&", 0.0003),
    ("rabbi|imam", 0.00005),
    ("nun|monk", 0.00005),
    ("^mp|member of parliament", 0.00001),
    ("councillor|local councillor", 0.0003),
    ("mayor", 0.00001),
    ("professor", 0.0004),
    ("scientist", 0.002),
    ("student&|university student", 0.04),
    ("medical student", 0.0006),
    ("student nurse", 0.001),
    ("care worker|care assistant|healthcare assistant", 0.02),
    ("fisherman|trawlerman", 0.0002),
    ("postman|postwoman", 0.002),
    ("hairdresser|barber", 0.003),
    ("prison officer", 0.0005),
    ("prisoner|inmate", 0.0013),
    ("sex worker|prostitute", 0.001),
    ("musician", 0.002),
    ("actor|actress", 0.0007),
    ("journalist|reporter", 0.001),
    ("tv presenter|newsreader", 0.00001),
    ("influencer", 0.0002),
    ("homeless|rough sleeper", 0.004),
    ("undertaker|funeral director", 0.0002),
    ("scaffolder", 0.0006),
    ("bricklayer", 0.001),
    ("carpenter|joiner", 0.003),
    ("mechanic", 0.003),
    ("security guard|bouncer", 0.002),
    ("lifeguard", 0.0002),
    ("zookeeper", 0.00005),
    ("astronaut", 0.00000002),
];

/// Relationships: (phrases, share of adults with such a relative). Weak details.
pub(crate) const RELATIONSHIPS: &[(&str, f64)] = &[
    ("wife|husband|spouse|partner", 0.5),
    ("daughter|daughters", 0.45),
    ("son|sons", 0.45),
    ("mother|mum|mom|father|dad", 0.5),
    ("brother|sister|sibling|siblings", 0.6),
    (
        "grandson|granddaughter|grandchildren|grandchild|grandkids",
        0.25,
    ),
    (
        "grandmother|grandfather|grandma|grandad|granddad|grandpa|nan|nana|gran",
        0.3,
    ),
    ("twin|twins|twin brother|twin sister", 0.03),
    ("widow|widower|widowed", 0.045),
    ("lives alone|living alone", 0.125),
    ("carer", 0.08),
    ("foster|fostered|foster child|foster carer", 0.002),
    ("adopted|adoptive", 0.01),
    (
        "stepdaughter|stepson|stepdad|stepmum|stepfather|stepmother|step daughter|step son",
        0.05,
    ),
    ("fiance|fiancee|fiancé|fiancée", 0.02),
    ("girlfriend|boyfriend", 0.15),
    ("single mum|single mother|single parent", 0.03),
    ("single dad|single father", 0.005),
    ("nephew|niece|uncle|aunt|auntie", 0.5),
];

/// Events: (phrases, people it happens to in a year ÷ population).
pub(crate) const EVENTS: &[(&str, f64)] = &[
    // ~130,000 reported road casualties a year in GB.
    ("road traffic collision|road traffic accident|^rtc|^rta|car crash|car accident|hit by a car|knocked down by a car", 0.002),
    ("motorbike accident|motorcycle accident|motorbike crash|motorcycle crash", 0.0003),
    ("cycling accident|came off his bike|came off her bike|knocked off his bike|knocked off her bike", 0.0003),
    ("hit and run", 0.00005),
    // ~4,500 admissions a year for assault by a sharp object in England.
    ("stabbing|stabbed|stab wound|knife attack|knife wound", 0.00008),
    ("gunshot|gunshot wound|gun shot|shot dead", 0.000005),
    ("assault|assaulted|beaten up", 0.003),
    ("dog attack|dog bite|mauled", 0.00015),
    ("house fire|burns victim", 0.0001),
    ("drowning|near drowning|drowned", 0.00001),
    ("fall from height|fell from a ladder|fell off a ladder|fell off a roof", 0.0003),
    ("struck by lightning|lightning strike", 0.000001),
    ("plane crash|helicopter crash", 0.0000001),
    ("explosion|gas explosion", 0.000002),
    ("overdose", 0.003),
    ("suicide attempt|attempted suicide", 0.002),
    // ~11,000 twin, ~100 triplet maternities a year (UK); higher orders a handful.
    ("triplets", 0.0000045),
    ("quadruplets|quads|quintuplets", 0.00000005),
    ("born before arrival|^bba|born in the car|born on the motorway", 0.00005),
    ("home birth", 0.0002),
    ("lottery winner|won the lottery|lottery win", 0.000003),
    ("local celebrity|celebrity|public figure|household name", 0.0001),
    ("london marathon|ran a marathon|ran the marathon", 0.0007),
    ("shipwreck|capsized", 0.0000005),
    ("terror attack|terrorist attack", 0.000002),
    ("kidnapped|kidnap", 0.000001),
    ("murder|murdered|manslaughter", 0.00001),
];

/// Ethnicity: (phrases, Census 2021 E&W share). Adjectives need a person word or a word of
/// descent after them (`@`), so "Indian restaurant", "black stools" and "white cell count" are
/// not ethnicities.
pub(crate) const ETHNICITIES: &[(&str, f64)] = &[
    ("white@|caucasian@", 0.817),
    ("white british", 0.745),
    ("irish@", 0.009),
    (
        "!gypsy|!romany|irish traveller|gypsy traveller|traveller community",
        0.002,
    ),
    ("asian@|south asian@|british asian", 0.093),
    ("indian@|british indian", 0.031),
    ("pakistani@|british pakistani", 0.027),
    ("bangladeshi@|british bangladeshi", 0.011),
    ("chinese@", 0.007),
    ("black@|black british", 0.04),
    ("african@|black african", 0.025),
    ("caribbean@|black caribbean|afro caribbean|jamaican@", 0.011),
    ("mixed race|dual heritage", 0.029),
    ("arab@", 0.006),
    ("polish@", 0.011),
    ("romanian@", 0.008),
    ("lithuanian@", 0.002),
    ("portuguese@", 0.003),
    ("somali@", 0.002),
    ("nigerian@", 0.005),
    ("ghanaian@", 0.002),
    ("eritrean@", 0.0005),
    ("afghan@", 0.001),
    ("syrian@", 0.0005),
    ("kurdish@", 0.002),
    ("turkish@", 0.004),
    ("vietnamese@", 0.0006),
    ("filipino@|filipina@", 0.003),
    ("sri lankan@|tamil@", 0.002),
    ("nepali@|nepalese@|gurkha", 0.001),
];

/// Religion: (phrases, Census 2021 E&W share; smaller groups from their own estimates).
pub(crate) const RELIGIONS: &[(&str, f64)] = &[
    ("!christian@", 0.463),
    ("catholic|roman catholic", 0.08),
    ("muslim|moslem", 0.065),
    ("hindu", 0.017),
    ("sikh", 0.009),
    ("jewish|jew", 0.005),
    ("buddhist", 0.005),
    ("jehovah witness|jehovah witnesses|jehovahs witness", 0.002),
    ("mormon|latter day saint", 0.003),
    ("orthodox jewish|haredi|hasidic|charedi", 0.0013),
    ("quaker", 0.0003),
    ("rastafarian|rasta", 0.0002),
    ("pagan|wiccan", 0.001),
    ("amish", 0.000001),
    ("scientologist", 0.00001),
];

/// Time references: (phrases, window in days).
pub(crate) const TIMES: &[(&str, f64)] = &[
    ("today|earlier today", 1.0),
    ("tonight|this morning|this afternoon|this evening|last night|overnight|just now|this shift|night shift|an hour ago|hours ago|this am|this pm", 0.5),
    ("yesterday|tomorrow|the other day", 1.0),
    ("yesterday morning|yesterday afternoon|yesterday evening", 0.5),
    ("this week|last week|earlier this week|next week", 7.0),
    ("this weekend|last weekend|at the weekend|over the weekend", 2.0),
    ("this month|last month|earlier this month", 30.0),
    ("this year|last year", 365.0),
    ("christmas day|christmas eve|boxing day|new year eve|new year day|easter sunday|bonfire night|valentine day", 1.0),
    ("!monday|!tuesday|!wednesday|!thursday|!friday|!saturday|!sunday", 1.0),
];

/// Ages stated in words: (phrases, lo, hi). `@`: needs a person word after ("older man").
/// Bands (documented): "elderly" 75–120 (the UK clinical sense — "frail elderly", the 75+ of
/// the worked example in RISK-MODEL §3.8; a narrower band is the pessimistic choice); "older
/// person" 65–120; "young man/woman" 16–35; "middle-aged" 40–65; "teenager" 13–19; "toddler"
/// 1–3; "baby/infant" 0–1; "newborn/neonate" 0; "pensioner" 66–120 (state pension age).
pub(crate) const AGE_WORDS: &[(&str, u8, u8)] = &[
    ("elderly|frail elderly|very elderly", 75, 120),
    ("older@|old@", 65, 120),
    ("young@", 16, 35),
    ("middle aged|middle age", 40, 65),
    ("teenager|teenage|teen|adolescent|teenaged", 13, 19),
    ("toddler", 1, 3),
    ("preschooler", 2, 4),
    ("baby|infant", 0, 1),
    ("newborn|new born|neonate|newborn baby", 0, 0),
    ("schoolboy|schoolgirl", 5, 17),
    ("pensioner|oap", 66, 120),
    ("sexagenarian", 60, 69),
    ("septuagenarian", 70, 79),
    ("octogenarian", 80, 89),
    ("nonagenarian", 90, 99),
    ("centenarian", 100, 120),
    ("supercentenarian", 110, 120),
];

/// Decades in words: needs "his/her/their/early/mid/late" before ("in her eighties").
pub(crate) const DECADE_WORDS: &[(&str, u8)] = &[
    ("teens", 13),
    ("twenties", 20),
    ("thirties", 30),
    ("forties", 40),
    ("fifties", 50),
    ("sixties", 60),
    ("seventies", 70),
    ("eighties", 80),
    ("nineties", 90),
];

/// Words that state a person (for `@` guards and "man, 82").
pub(crate) const PERSON_WORDS: &[&str] = &[
    "man",
    "woman",
    "lady",
    "gent",
    "gentleman",
    "boy",
    "girl",
    "male",
    "female",
    "patient",
    "person",
    "adult",
    "chap",
    "lad",
    "lass",
    "fella",
    "bloke",
    "guy",
    "people",
    "patients",
    "men",
    "women",
    "ladies",
    "couple",
    "mum",
    "dad",
    "mother",
    "father",
    "pt",
    "family",
    "community",
    "descent",
    "origin",
    "heritage",
    "background",
    "teenager",
    "child",
    "baby",
    "student",
    "pensioner",
    "gentlemen",
    "boys",
    "girls",
    "families",
    "grandmother",
    "grandfather",
    "wife",
    "husband",
    "son",
    "daughter",
    "individual",
    "worker",
];

/// Sex words; `!miss` needs a capital and a capitalised word after it.
pub(crate) const SEX_WORDS: &[(&str, bool)] = &[
    (
        "man|gent|gentleman|boy|male|mr|he|his|him|himself|lad|chap|bloke|fella|schoolboy",
        true,
    ),
    (
        "woman|lady|girl|female|mrs|ms|!miss|she|her|hers|herself|lass|schoolgirl",
        false,
    ),
];

/// Negation cues before a condition ("no AF", "nil", "denies", "r/o").
pub(crate) const NEGATIONS: &[&str] = &[
    "no", "not", "nil", "without", "denies", "denied", "deny", "negative", "excluded", "exclude",
    "r", "rule", "ruled", "nor", "never", "non",
];

/// After a condition: it is negated or only a question.
pub(crate) const NEGATIONS_AFTER: &[&str] = &["excluded", "negative", "unlikely", "ruled"];

/// Intensifiers before "raised/high/low" ("markedly raised PSA").
pub(crate) const INTENSIFIERS: &[&str] = &[
    "very",
    "markedly",
    "extremely",
    "massively",
    "hugely",
    "grossly",
    "severely",
    "really",
    "significantly",
    "incredibly",
    "ridiculously",
    "insanely",
    "crazy",
    "super",
    "critically",
    "dangerously",
    "profoundly",
    "astronomically",
    "wildly",
    "sky",
    "huge",
    "massive",
    "astronomical",
    "enormous",
    "stratospheric",
];

/// Direction words after an intensifier.
pub(crate) const DIRECTIONS: &[&str] = &[
    "raised",
    "high",
    "elevated",
    "low",
    "deranged",
    "up",
    "abnormal",
    "increased",
];

/// Place cues before an ambiguous place name ("lives in Bath").
pub(crate) const PLACE_CUES: &[&str] = &[
    "in", "at", "from", "near", "to", "around", "outside", "nr", "into", "towards", "across",
    "within", "round", "area", "postcode",
];

/// Titles before a name: a following place word is a surname ("Mr Preston").
pub(crate) const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "lord",
    "rev",
    "nurse",
];

/// Determiners that make an `&` word a noun ("a cleaner").
pub(crate) const ARTICLES: &[&str] = &[
    "a",
    "an",
    "the",
    "retired",
    "former",
    "ex",
    "local",
    "his",
    "her",
    "their",
    "our",
    "as",
    "semi",
    "trainee",
    "professional",
];
