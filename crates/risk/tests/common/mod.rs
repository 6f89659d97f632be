//! Shared by the speed test and the risk bench (`#[path]`-included there): a 1 kB post dense in
//! quasi-identifiers of every kind.

/// Every kind of detail, numbers, places and plain words.
pub const POST_1K: &str =
    "Top trumps from clinic this morning: elderly gent, 82, retired miner from \
Milton Keynes, PSA of 4,850! His daughter came with him and was lovely. Known AF and COPD, \
no history of stroke. Seen by the surgeon at Calvert Hospital last week, then Ward 7 overnight. \
Reminder to everyone that a markedly raised PSA in a man in his 80s is not always cancer, and \
that HR 82 and BP 120/80 are fine. Hb 135, Na 140, K 4.2, CRP 450 on Monday, INR 12 yesterday. \
She is 24/40 with twins and works as a teacher in Leeds; her husband is a footballer. Road \
traffic collision on the M6 this week, a stabbing on 12/03/2025 and a lottery winner from Bath \
who is a Jehovah's Witness of Somali heritage. Lovely team, great shift, thanks all. The quick \
brown fox jumps over the lazy dog while the registrar reviews the notes and the nurses do the \
drug round; the consultant discusses the plan with the family and the patient goes home.";
