//! `clinpost.toml` and author profiles: parsed once into typed values.
//!
//! Unknown keys are errors (`deny_unknown_fields`), and every error names the file and the line
//! (the toml crate gives byte spans; rule selectors keep theirs through `Spanned`), because a
//! typo in a privacy tool's configuration must not silently turn a rule off.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};
use clinpost_core::engine::selector_is_known;
use clinpost_core::{Account, Registry, Settings, Severity};
use serde::Deserialize;
use toml::Spanned;

use crate::args::{Common, FailOn};
use crate::input;

/// The file name looked for in the current directory and its parents.
pub const FILE_NAME: &str = "clinpost.toml";

/// `clinpost.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct ConfigFile {
    /// The lowest verdict that fails (exit 1).
    fail_on: Option<FailOn>,
    /// Words and phrases never reported (may also sit under `[rules]`).
    #[serde(default)]
    allow: Vec<String>,
    /// Rule selection.
    #[serde(default)]
    rules: RulesSection,
}

/// `[rules]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesSection {
    #[serde(default)]
    select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Severity>,
    #[serde(default)]
    allow: Vec<String>,
}

/// The settings in force for a run: the config file, then the command line on top.
#[derive(Debug, Default)]
pub struct Effective {
    /// Engine settings.
    pub settings: Settings,
    /// Exit-status threshold.
    pub fail_on: Option<FailOn>,
}

/// Find `clinpost.toml` in `dir` or its parents.
fn discover(dir: &Path) -> Option<PathBuf> {
    dir.ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

/// 1-based line and column of byte `offset` in `src`.
fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(src.len());
    let before = &src.as_bytes()[..offset];
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let col = src
        .get(line_start..offset)
        .map_or(1, |s| s.chars().count() + 1);
    (line, col)
}

/// Parse TOML into `T`, turning an error into `FILE:LINE:COL: message`.
pub fn parse_toml<T: serde::de::DeserializeOwned>(path: &Path, src: &str) -> Result<T> {
    toml::from_str(src).map_err(|e| {
        let msg = e.message().trim_end().replace('\n', " ");
        match e.span() {
            Some(span) => {
                let (l, c) = line_col(src, span.start);
                anyhow::anyhow!("{}:{l}:{c}: {msg}", path.display())
            }
            None => anyhow::anyhow!("{}: {msg}", path.display()),
        }
    })
}

/// Load the configuration the flags ask for and apply the command-line overrides. Selectors and
/// severity codes are checked against `registry` here so errors can name the line.
pub fn load(common: &Common, registry: &Registry) -> Result<Effective> {
    let path = if common.no_config {
        None
    } else if let Some(p) = &common.config {
        Some(p.clone())
    } else {
        std::env::current_dir().ok().and_then(|d| discover(&d))
    };
    let mut eff = Effective::default();
    if let Some(path) = path {
        let src = input::read_text(&path, "configuration")?;
        let file: ConfigFile = parse_toml(&path, &src)?;
        let at = |s: &Spanned<String>| {
            let (l, c) = line_col(&src, s.span().start);
            format!("{}:{l}:{c}", path.display())
        };
        for s in file.rules.select.iter().chain(&file.rules.ignore) {
            if !selector_is_known(s.get_ref(), registry) {
                bail!(
                    "{}: unknown rule selector '{}' (see `clinpost rules`)",
                    at(s),
                    s.get_ref()
                );
            }
        }
        for code in file.rules.severity.keys() {
            if find_rule(registry, code.get_ref()).is_none() {
                bail!(
                    "{}: severity override for unknown rule '{}' (see `clinpost rules`)",
                    at(code),
                    code.get_ref()
                );
            }
        }
        eff.fail_on = file.fail_on;
        eff.settings.select = file
            .rules
            .select
            .into_iter()
            .map(Spanned::into_inner)
            .collect();
        eff.settings.ignore = file
            .rules
            .ignore
            .into_iter()
            .map(Spanned::into_inner)
            .collect();
        eff.settings.severity = file
            .rules
            .severity
            .into_iter()
            .map(|(k, v)| (k.into_inner(), v))
            .collect();
        eff.settings.allow = file.allow;
        eff.settings.allow.extend(file.rules.allow);
    }
    if let Some(s) = &common.select {
        eff.settings.select = clean(s);
    }
    if let Some(s) = &common.ignore {
        eff.settings.ignore = clean(s);
    }
    if let Some(f) = common.fail_on {
        eff.fail_on = Some(f);
    }
    Ok(eff)
}

fn clean(v: &[String]) -> Vec<String> {
    v.iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A rule by code or name, both case-insensitive.
pub fn find_rule(
    registry: &Registry,
    code_or_name: &str,
) -> Option<&'static clinpost_core::RuleMeta> {
    let q = code_or_name.trim();
    registry.rule(q).or_else(|| {
        registry
            .rules()
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(q))
            .copied()
    })
}

/// A saved author profile (`--profile FILE`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The author's name as it appears on the account ("Dr Jane Smith").
    pub name: Option<String>,
    /// Role ("GP", "Consultant cardiologist").
    pub role: Option<String>,
    /// Employer or hospital.
    pub workplace: Option<String>,
    /// GP practice.
    pub practice: Option<String>,
    /// Postcode or town of the workplace.
    pub postcode: Option<String>,
    /// Registered list size or caseload. Accepted and validated; `Context` has no field for it
    /// yet (the risk-model issue adds one), so it is not passed on.
    #[allow(dead_code)]
    pub list_size: Option<u64>,
    /// Named or pseudonymous account.
    pub account: Option<Account>,
}

impl Profile {
    /// Read and parse a profile.
    pub fn load(path: &Path) -> Result<Profile> {
        let src = input::read_text(path, "profile")?;
        parse_toml(path, &src)
    }

    /// The free-text author line the context carries: "Dr A B, GP, Practice, Town".
    pub fn author_line(&self) -> Option<String> {
        let parts: Vec<&str> = [
            &self.name,
            &self.role,
            &self.practice,
            &self.workplace,
            &self.postcode,
        ]
        .into_iter()
        .filter_map(|p| p.as_deref())
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// Build the context shared by every plain-text input of a run from the flags.
pub fn context(common: &Common) -> Result<clinpost_core::Context> {
    use clinpost_core::Sensitive;
    let mut ctx = clinpost_core::Context::default();
    if let Some(p) = &common.profile {
        let profile = Profile::load(p)?;
        ctx.author = profile.author_line().map(Sensitive);
        if let Some(a) = profile.account {
            ctx.account = a;
        }
    }
    if let Some(a) = &common.author {
        ctx.author = Some(Sensitive(a.clone()));
    }
    if let Some(a) = common.audience {
        ctx.audience = a;
    }
    if let Some(a) = common.account {
        ctx.account = a;
    }
    if let Some(r) = &common.reply_to {
        let p = Path::new(r);
        let text = if !r.is_empty() && p.exists() {
            input::read_text(p, "reply-to file").context("--reply-to")?
        } else {
            r.clone()
        };
        ctx.reply_to = Some(Sensitive(text));
    }
    Ok(ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars() {
        let s = "a = 1\nzoë = 2\n";
        assert_eq!(line_col(s, 0), (1, 1));
        assert_eq!(line_col(s, s.find("= 2").unwrap()), (2, 5));
    }

    #[test]
    fn profile_author_line() {
        let p: Profile = toml::from_str(
            "name = \"Dr A B\"\nrole = \"GP\"\npractice = \"Riverside\"\npostcode = \"AB1\"\nlist_size = 8800\naccount = \"named\"\n",
        )
        .unwrap();
        assert_eq!(p.author_line().unwrap(), "Dr A B, GP, Riverside, AB1");
        assert!(toml::from_str::<Profile>("colour = 1").is_err());
    }

    #[test]
    fn config_parses_typed() {
        let c: ConfigFile = toml::from_str(
            "fail-on = \"do-not-post\"\nallow = [\"Dr Jane Smith\"]\n[rules]\nselect = [\"PHI\"]\n[rules.severity]\nPHI004 = \"warning\"\n",
        )
        .unwrap();
        assert_eq!(c.fail_on, Some(FailOn::DoNotPost));
        assert_eq!(c.rules.select[0].get_ref(), "PHI");
        assert!(toml::from_str::<ConfigFile>("[rules.severity]\nPHI004 = \"loud\"\n").is_err());
        assert!(toml::from_str::<ConfigFile>("failon = \"ok\"\n").is_err());
    }
}
