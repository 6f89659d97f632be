//! clinpost's engine: the finding model, the detector trait, the registry and the one entry
//! point every surface calls, [`Engine::check`].
//!
//! Dependencies point one way: this crate knows nothing of particular rules, printing, HTTP or
//! storage. Rules live in `clinpost-rules`; the CLI and the server only build [`Document`]s and
//! print [`Report`]s.
#![deny(missing_docs)]

pub mod document;
pub mod engine;
pub mod error;
pub mod finding;
pub mod guidance;
pub mod report;
pub mod risk;
pub mod rule;
pub mod samples;
pub mod text;

pub use document::{
    Account, Audience, Context, Document, EarlierDetail, EarlierPost, Fingerprint, History,
    Profile, Sensitive,
};
pub use engine::{
    apply_fixes, resolve_overlaps, verdict_of, Engine, Fixed, Registry, Report, Settings, Verdict,
};
pub use error::{Error, ErrorKind};
pub use finding::{
    Applicability, Category, Confidence, Cue, Evidence, Finding, Fix, Gazetteer, Kind, Region,
    Severity, Span,
};
pub use report::{FindingView, GuidanceView, ReportView, RuleView};
pub use risk::{Assessor, EarlierLink, Risk, RiskBase, RiskChange, RiskDetail, RiskView};
pub use rule::{Detector, RuleMeta};
pub use text::LineIndex;
