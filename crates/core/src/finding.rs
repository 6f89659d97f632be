//! The finding model: what a detector reports.
//!
//! A finding is a *span* into the checked text plus typed metadata. It never holds the matched
//! text: printers slice the input when a person is looking (DESIGN §3.1). Severity (impact if
//! real), confidence (how sure) and fix applicability are three separate typed axes; confidence
//! is derived from typed [`Evidence`] in one documented function, [`Confidence::from_evidence`],
//! so no stage nudges a float.

use serde::{Deserialize, Serialize};

use crate::rule::RuleMeta;

/// The four finding categories of DESIGN §4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// A detail that identifies a person on its own.
    Identifier,
    /// A detail that narrows down who a person is when combined with others.
    QuasiIdentifier,
    /// Professional conduct (derogatory remarks, conflicts of interest...).
    Conduct,
    /// Something in an image or document's metadata or pixels.
    Media,
}

impl Category {
    /// The stable kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Identifier => "identifier",
            Category::QuasiIdentifier => "quasi-identifier",
            Category::Conduct => "conduct",
            Category::Media => "media",
        }
    }
}

macro_rules! kinds {
    ($($(#[$doc:meta])* $variant:ident => $name:literal,)*) => {
        /// The stable kebab-case kind of a finding within its category (DESIGN §4).
        ///
        /// Some kinds (`age`) occur in two categories; the pair (category, kind) is what is
        /// stable.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[non_exhaustive]
        pub enum Kind {
            $($(#[$doc])* #[serde(rename = $name)] $variant,)*
        }
        impl Kind {
            /// The stable kebab-case name.
            pub fn as_str(self) -> &'static str {
                match self { $(Kind::$variant => $name,)* }
            }
            /// Every kind, in declaration order.
            pub const ALL: &'static [Kind] = &[$(Kind::$variant,)*];
        }
    };
}

kinds! {
    /// A person's name (patient, relative or staff).
    PersonName => "person-name",
    /// NHS (England/Wales), CHI (Scotland) or H&C (Northern Ireland) number, checksum-valid.
    NhsNumber => "nhs-number",
    /// A labelled hospital, unit or medical record number.
    HospitalNumber => "hospital-number",
    /// A labelled date of birth.
    DateOfBirth => "date-of-birth",
    /// A date more specific than a year, or a year in a date context.
    Date => "date",
    /// An age (90 and over as an identifier; any age as a quasi-identifier).
    Age => "age",
    /// A telephone or pager number.
    Phone => "phone",
    /// An email address.
    Email => "email",
    /// A web address.
    Url => "url",
    /// A social media handle.
    SocialHandle => "social-handle",
    /// A street address.
    Address => "address",
    /// A UK postcode (full or outward code).
    Postcode => "postcode",
    /// A named place or facility smaller than a region.
    Location => "location",
    /// A UK National Insurance number.
    NationalInsuranceNumber => "national-insurance-number",
    /// Another labelled identifying number (record, account, device, IP address...).
    OtherId => "other-id",
    /// Sex or gender.
    Sex => "sex",
    /// A place (as a quasi-identifier).
    Place => "place",
    /// A medical condition.
    Condition => "condition",
    /// A laboratory value.
    LabValue => "lab-value",
    /// An occupation.
    Occupation => "occupation",
    /// A family or social relationship.
    Relationship => "relationship",
    /// A time reference.
    Time => "time",
    /// A notable event.
    Event => "event",
    /// Ethnicity.
    Ethnicity => "ethnicity",
    /// Religion.
    Religion => "religion",
    /// Derogatory or mocking remarks.
    Derogatory => "derogatory",
    /// Harassment or gratuitous allegations.
    Harassment => "harassment",
    /// Discrimination.
    Discrimination => "discrimination",
    /// Health misinformation.
    Misinformation => "misinformation",
    /// Sexual remarks about patients.
    Sexual => "sexual",
    /// Undeclared conflict of interest.
    ConflictOfInterest => "conflict-of-interest",
    /// A doctor posting anonymously.
    AnonymousDoctor => "anonymous-doctor",
    /// Patient-safety concern raised in public.
    PublicConcern => "public-concern",
    /// A reply to a complaint that confirms care.
    ComplaintReply => "complaint-reply",
    /// Professional boundary.
    Boundary => "boundary",
    /// Real-time whereabouts.
    Whereabouts => "whereabouts",
    /// An organisation policy-pack rule.
    Policy => "policy",
    /// A GPS position in metadata.
    GpsLocation => "gps-location",
    /// Identifying metadata.
    Metadata => "metadata",
    /// Text found in an image.
    TextInImage => "text-in-image",
    /// A face.
    Face => "face",
    /// An identifying DICOM tag.
    DicomTag => "dicom-tag",
}

/// Impact if the finding is real.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    /// Worth knowing; does not change the verdict.
    Info,
    /// Review before posting (verdict `caution`).
    Warning,
    /// Must not be posted as it is (verdict `do-not-post`).
    Error,
}

impl Severity {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
    /// Parse the stable name.
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// How sure the tool is that the finding is real.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    /// Plausible, weak evidence.
    Low,
    /// Likely.
    Medium,
    /// Near certain (validated format, checksum, explicit label).
    High,
}

impl Confidence {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }

    /// The one place confidence is derived from evidence.
    ///
    /// - `high`: a passed checksum, an explicit label ("DOB:", "NHS no"), a validated structural
    ///   format (email, URL, full postcode, IP), or a title/role cue together with a gazetteer hit;
    /// - `medium`: a context cue or a title, or two independent gazetteer/shape signals,
    ///   or an earlier finding of the same value in the document;
    /// - `low`: a single weak signal (a gazetteer hit alone, a failed checksum behind a label).
    pub fn from_evidence(evidence: &[Evidence]) -> Confidence {
        let mut strong = false;
        let mut cue = false;
        let mut weak = 0u32;
        let mut failed = false;
        for e in evidence {
            match e {
                Evidence::ChecksumValid | Evidence::FormatValid | Evidence::Label => strong = true,
                Evidence::ChecksumFailed => failed = true,
                Evidence::ContextWord(_)
                | Evidence::Title
                | Evidence::Propagated
                | Evidence::Combination => cue = true,
                Evidence::Gazetteer(_) | Evidence::Capitalised | Evidence::Shape => weak += 1,
                Evidence::Plausible => weak += 1,
            }
        }
        if failed {
            return Confidence::Low;
        }
        if strong || (cue && weak >= 1) {
            Confidence::High
        } else if cue || weak >= 2 {
            Confidence::Medium
        } else {
            Confidence::Low
        }
    }
}

/// A class of context cue. The cue word itself is never stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Cue {
    /// A title or honorific (Mr, Dr, Sister...).
    Title,
    /// A family relationship (son, daughter, wife...).
    Relative,
    /// A staff role (RN, NP, consultant...).
    Role,
    /// A field label (Patient:, Name:, DOB:...).
    Label,
    /// A verb or phrase that typically follows or precedes a name ("called", "aware").
    Verb,
    /// A place cue (transfer from, lives in, hospital).
    Place,
    /// A date cue (on, since, admitted).
    Date,
    /// A contact cue (phone, pager, tel).
    Contact,
    /// A term from a curated conduct lexicon (clinical slang, a company, a medicine).
    Term,
    /// A phrase pattern with its context checks (an insult aimed at a person, a health claim,
    /// a promotion, a reply that confirms care).
    Phrase,
    /// The posting context: the account, the audience or the message replied to.
    Account,
}

/// Which gazetteer matched. The entry itself is never stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Gazetteer {
    /// First names.
    FirstName,
    /// Surnames.
    Surname,
    /// Settlements, cities and towns.
    Settlement,
    /// Hospitals, trusts, practices and other facilities.
    Facility,
    /// Street types and street names.
    Street,
}

/// Typed evidence for a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "type", content = "value")]
#[non_exhaustive]
pub enum Evidence {
    /// A check digit (modulus 11, Luhn...) passed.
    ChecksumValid,
    /// A check digit failed (reported at low confidence only when labelled).
    ChecksumFailed,
    /// A structural format was validated (email, URL, postcode, IP, date plausibility).
    FormatValid,
    /// An explicit field label precedes the value ("DOB:", "NHS no", "MRN").
    Label,
    /// A context cue nearby (whole tokens in a window).
    ContextWord(Cue),
    /// A title or honorific directly before a name.
    Title,
    /// A gazetteer hit.
    Gazetteer(Gazetteer),
    /// Capitalised or otherwise name-shaped.
    Capitalised,
    /// Shape of the token alone (digits in a plausible layout).
    Shape,
    /// The value is plausible (a real calendar date, an age in range).
    Plausible,
    /// The same value was found elsewhere in the document with stronger evidence.
    Propagated,
    /// With the document's other details it narrows the matching people below the audience's
    /// threshold (the report's `risk` object has the numbers; confidence follows κ).
    Combination,
}

/// A half-open byte range `[start, end)` into the checked text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A new span; `start <= end`.
    pub fn new(start: usize, end: usize) -> Span {
        debug_assert!(start <= end);
        Span { start, end }
    }
    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
    /// True when the two spans share at least one byte.
    pub fn overlaps(&self, other: &Span) -> bool {
        self.start < other.end && other.start < self.end
    }
    /// True when `other` lies inside `self`.
    pub fn contains(&self, other: &Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// Whether a fix can be applied without a person looking (ruff's `Applicability`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Shown only; never applied automatically.
    DisplayOnly,
    /// Applied by `--fix --unsafe-fixes` only: it changes meaning.
    Unsafe,
    /// Applied by `clinpost fix`: removes the risk without changing the clinical point.
    Safe,
}

/// A concrete rewrite of the finding's span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    /// Text that replaces the span (a placeholder such as `[name]`, never derived from input).
    pub replacement: String,
    /// Whether it may be applied automatically.
    pub applicability: Applicability,
}

/// A pixel box in an image or page (issue 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Region {
    /// Page or frame, from 0.
    pub page: u32,
    /// Left.
    pub x: u32,
    /// Top.
    pub y: u32,
    /// Width.
    pub w: u32,
    /// Height.
    pub h: u32,
}

/// One thing found in a document.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The rule that produced it (code, name, category, kind, default severity, docs).
    pub rule: &'static RuleMeta,
    /// Category; usually the rule's.
    pub category: Category,
    /// Kind; usually the rule's.
    pub kind: Kind,
    /// Severity after configuration overrides.
    pub severity: Severity,
    /// Derived from `evidence` by [`Confidence::from_evidence`] unless a rule fixes it.
    pub confidence: Confidence,
    /// Byte span into the text.
    pub span: Span,
    /// A message built from static text and derived facts, never from the matched text.
    pub message: String,
    /// Typed evidence.
    pub evidence: Vec<Evidence>,
    /// A rewrite, if one exists.
    pub fix: Option<Fix>,
    /// For image findings.
    pub region: Option<Region>,
    /// For metadata findings: the field's name.
    pub field: Option<String>,
}

impl Finding {
    /// A finding for `rule` over `span` with the given evidence; confidence is derived, the
    /// rule's default fix placeholder (if any) is attached as a safe fix.
    pub fn new(
        rule: &'static RuleMeta,
        span: Span,
        message: impl Into<String>,
        evidence: Vec<Evidence>,
    ) -> Finding {
        let confidence = Confidence::from_evidence(&evidence);
        Finding {
            rule,
            category: rule.category,
            kind: rule.kind,
            severity: rule.severity,
            confidence,
            span,
            message: message.into(),
            evidence,
            fix: rule.placeholder.map(|p| Fix {
                replacement: p.to_string(),
                applicability: Applicability::Safe,
            }),
            region: None,
            field: None,
        }
    }

    /// Replace the fix.
    pub fn with_fix(mut self, fix: Option<Fix>) -> Finding {
        self.fix = fix;
        self
    }

    /// Override the derived confidence (for rules whose evidence model is documented elsewhere).
    pub fn with_confidence(mut self, c: Confidence) -> Finding {
        self.confidence = c;
        self
    }

    /// Override category/kind (a rule that reports a checksum failure as `other-id`, say).
    pub fn with_kind(mut self, category: Category, kind: Kind) -> Finding {
        self.category = category;
        self.kind = kind;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confidence_is_derived_from_evidence() {
        assert_eq!(
            Confidence::from_evidence(&[Evidence::ChecksumValid]),
            Confidence::High
        );
        assert_eq!(
            Confidence::from_evidence(&[Evidence::Gazetteer(Gazetteer::Surname)]),
            Confidence::Low
        );
        assert_eq!(
            Confidence::from_evidence(&[Evidence::Gazetteer(Gazetteer::Surname), Evidence::Title]),
            Confidence::High
        );
        assert_eq!(
            Confidence::from_evidence(&[
                Evidence::Gazetteer(Gazetteer::Surname),
                Evidence::Capitalised
            ]),
            Confidence::Medium
        );
        assert_eq!(
            Confidence::from_evidence(&[Evidence::Label, Evidence::ChecksumFailed]),
            Confidence::Low
        );
    }

    #[test]
    fn kinds_serialise_kebab() {
        assert_eq!(
            serde_json::to_string(&Kind::NhsNumber).unwrap(),
            "\"nhs-number\""
        );
        for k in Kind::ALL {
            let s = serde_json::to_string(k).unwrap();
            assert_eq!(s, format!("\"{}\"", k.as_str()));
        }
    }

    #[test]
    fn span_overlap() {
        let a = Span::new(0, 5);
        assert!(a.overlaps(&Span::new(4, 6)));
        assert!(!a.overlaps(&Span::new(5, 6)));
        assert!(a.contains(&Span::new(1, 5)));
    }
}
