//! Typed quasi-identifier values: the contract between extraction and the model.
//!
//! A detail records what a post reveals, generalised to the level the text states ("82" is an
//! exact age, "in her 80s" a decade, "elderly" a band), with the byte span it came from. No
//! detail holds text from the post: places and conditions are resolved to table references.

use clinpost_core::{Kind, Span};

/// Sex or gender as stated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    /// Female.
    Female,
    /// Male.
    Male,
}

/// An age as stated, in years (inclusive bounds). Exact ages have `lo == hi`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AgeRange {
    /// Youngest age consistent with the text.
    pub lo: u8,
    /// Oldest age consistent with the text (120 for "over 90").
    pub hi: u8,
}

/// What kind of quasi-identifier a detail is (kinds as DESIGN §4, category `quasi-identifier`).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// An age or age band; gestation in weeks is `Gestation`.
    Age(AgeRange),
    /// Gestational age in weeks.
    Gestation(u8),
    /// Sex.
    Sex(Sex),
    /// A place with its resident population (from the tables) and whether it is a facility
    /// (hospital, practice, ward) rather than an area.
    Place {
        /// Population served or resident; 0 when unknown.
        population: u64,
        /// A practice, hospital, ward or care home rather than an area.
        facility: bool,
    },
    /// A condition with its population prevalence (0..1) and whether it is rare (< 1 in 2,000).
    Condition {
        /// Prevalence in the population.
        prevalence: f64,
        /// Rare disease.
        rare: bool,
    },
    /// A laboratory value: how unusual it is as a fraction of people tested or of the
    /// population (an extreme tumour marker is very small).
    LabValue {
        /// Fraction of the population with a value this extreme.
        fraction: f64,
        /// The exact value is given (rather than "very high").
        exact: bool,
        /// The analyte's display name ("PSA", "sodium"), when known: it lets advice say "a very
        /// high PSA" without quoting the post.
        analyte: Option<&'static str>,
        /// Above the reference range (false: below).
        high: bool,
    },
    /// An occupation with the fraction of the population in it.
    Occupation {
        /// Fraction of the population.
        fraction: f64,
    },
    /// A relationship ("his daughter"): a weak detail with the given fraction.
    Relationship {
        /// Fraction of the population.
        fraction: f64,
    },
    /// A time reference and the window it implies, in days (0.5 for "this morning").
    Time {
        /// Width of the window in days.
        window_days: f64,
    },
    /// A notable event (road traffic collision, stabbing, multiple birth, public figure).
    Event {
        /// Fraction of the population experiencing it in a year.
        fraction: f64,
    },
    /// Ethnicity with its population fraction.
    Ethnicity {
        /// Fraction of the population.
        fraction: f64,
    },
    /// Religion with its population fraction.
    Religion {
        /// Fraction of the population.
        fraction: f64,
    },
}

/// One quasi-identifier found in a post.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    /// Where in the text.
    pub span: Span,
    /// What it reveals.
    pub value: Value,
}

impl Value {
    /// The quasi-identifier kind of DESIGN §4 (gestation is an age).
    pub fn kind(&self) -> Kind {
        match self {
            Value::Age(_) | Value::Gestation(_) => Kind::Age,
            Value::Sex(_) => Kind::Sex,
            Value::Place { .. } => Kind::Place,
            Value::Condition { .. } => Kind::Condition,
            Value::LabValue { .. } => Kind::LabValue,
            Value::Occupation { .. } => Kind::Occupation,
            Value::Relationship { .. } => Kind::Relationship,
            Value::Time { .. } => Kind::Time,
            Value::Event { .. } => Kind::Event,
            Value::Ethnicity { .. } => Kind::Ethnicity,
            Value::Religion { .. } => Kind::Religion,
        }
    }
}
