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
    /// Organisation policy packs, relative to the configuration file.
    #[serde(default)]
    packs: Vec<String>,
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

/// What one key of a TOML file holds, for error messages.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// A string.
    Str,
    /// An array of strings.
    StrList,
    /// One of these strings.
    OneOf(&'static [&'static str]),
    /// A non-negative integer.
    Count,
    /// A table with these keys.
    Table(&'static [Key]),
    /// A table whose keys are free (rule codes) and whose values are all of this kind.
    MapOf(&'static Kind),
}

/// A known key: its name, what it holds, and how to say so ("must be ...").
#[derive(Debug, Clone, Copy)]
pub struct Key {
    name: &'static str,
    kind: Kind,
    expected: &'static str,
}

const SEVERITY: Kind = Kind::OneOf(&["info", "warning", "error"]);

/// `clinpost.toml`, as [`ConfigFile`] reads it.
const CONFIG_KEYS: &[Key] = &[
    Key {
        name: "fail-on",
        kind: Kind::OneOf(&["ok", "caution", "do-not-post", "never"]),
        expected: "\"ok\", \"caution\", \"do-not-post\" or \"never\"",
    },
    Key {
        name: "allow",
        kind: Kind::StrList,
        expected: "a list of strings",
    },
    Key {
        name: "packs",
        kind: Kind::StrList,
        expected: "a list of policy pack files (strings)",
    },
    Key {
        name: "rules",
        kind: Kind::Table(&[
            Key {
                name: "select",
                kind: Kind::StrList,
                expected: "a list of rule selectors (strings)",
            },
            Key {
                name: "ignore",
                kind: Kind::StrList,
                expected: "a list of rule selectors (strings)",
            },
            Key {
                name: "severity",
                kind: Kind::MapOf(&SEVERITY),
                expected: "\"info\", \"warning\" or \"error\"",
            },
            Key {
                name: "allow",
                kind: Kind::StrList,
                expected: "a list of strings",
            },
        ]),
        expected: "a table",
    },
];

/// An author profile, as [`Profile`] reads it.
const PROFILE_KEYS: &[Key] = &[
    Key {
        name: "name",
        kind: Kind::Str,
        expected: "a string",
    },
    Key {
        name: "role",
        kind: Kind::Str,
        expected: "a string",
    },
    Key {
        name: "workplace",
        kind: Kind::Str,
        expected: "a string",
    },
    Key {
        name: "practice",
        kind: Kind::Str,
        expected: "a string",
    },
    Key {
        name: "postcode",
        kind: Kind::Str,
        expected: "a string",
    },
    Key {
        name: "list_size",
        kind: Kind::Count,
        expected: "a whole number of at least 0",
    },
    Key {
        name: "patients_per_day",
        kind: Kind::Count,
        expected: "a whole number of at least 0",
    },
    Key {
        name: "account",
        kind: Kind::OneOf(&["named", "pseudonymous"]),
        expected: "\"named\" or \"pseudonymous\"",
    },
];

/// Whether a key or selector may be repeated in a message: it has the shape of a key we define
/// or a rule code, not of a name or a sentence. Anything else is the user's own text.
pub fn key_shaped(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 32
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Parse TOML into `T`, turning an error into `FILE:LINE:COL: message`. The message never holds
/// a value from the file (the toml crate's data errors quote them: a profile's values are the
/// clinician's identity): it is rebuilt from `keys`, the schema `T` reads.
pub fn parse_toml<T: serde::de::DeserializeOwned>(
    path: &Path,
    src: &str,
    keys: &'static [Key],
) -> Result<T> {
    toml::from_str(src).map_err(|e| {
        let (span, msg) = describe_toml_error(src, &e, keys);
        match span {
            Some(at) => {
                let (l, c) = line_col(src, at);
                anyhow::anyhow!("{}:{l}:{c}: {msg}", path.display())
            }
            None => anyhow::anyhow!("{}: {msg}", path.display()),
        }
    })
}

/// Where (byte offset) and what, for a failed parse of `src`.
fn describe_toml_error(
    src: &str,
    e: &toml::de::Error,
    keys: &'static [Key],
) -> (Option<usize>, String) {
    match toml::de::DeTable::parse(src) {
        // A syntax error: the parser's descriptions are fixed phrases ("unclosed table",
        // "duplicate key") and its expectations grammar tokens; kept only while they look so.
        Err(pe) => {
            let at = pe.span().map(|s| s.start);
            (
                at,
                format!(
                    "invalid TOML: {}",
                    clinpost_packs::toml_syntax_message(pe.message())
                ),
            )
        }
        Ok(table) => match check_table(table.get_ref(), keys, "") {
            Some((at, msg)) => (Some(at), msg),
            None => (
                e.span().map(|s| s.start),
                "invalid value (see the documentation for this file)".to_string(),
            ),
        },
    }
}

fn join_path(prefix: &str, key: &str) -> String {
    let key = if key_shaped(key) { key } else { "<key>" };
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

/// The first problem (in file order) in `table` against `keys`: its byte offset and message.
fn check_table(
    table: &toml::de::DeTable<'_>,
    keys: &'static [Key],
    prefix: &str,
) -> Option<(usize, String)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    for (k, v) in entries {
        let name: &str = k.get_ref();
        let Some(key) = keys.iter().find(|key| key.name == name) else {
            let known: Vec<&str> = keys.iter().map(|k| k.name).collect();
            let what = if key_shaped(name) {
                format!("unknown key `{}`", join_path(prefix, name))
            } else if prefix.is_empty() {
                "unknown key".to_string()
            } else {
                format!("unknown key in `{prefix}`")
            };
            return Some((
                k.span().start,
                format!("{what}; the keys are {}", known.join(", ")),
            ));
        };
        let path = join_path(prefix, name);
        if let Some(p) = check_value(v, key.kind, key.expected, &path) {
            return Some(p);
        }
    }
    None
}

fn check_value(
    v: &toml::Spanned<toml::de::DeValue<'_>>,
    kind: Kind,
    expected: &'static str,
    path: &str,
) -> Option<(usize, String)> {
    use toml::de::DeValue;
    let bad = || Some((v.span().start, format!("`{path}` must be {expected}")));
    match (kind, v.get_ref()) {
        (Kind::Str, DeValue::String(_)) => None,
        (Kind::StrList, DeValue::Array(items)) => items
            .iter()
            .find(|i| !matches!(i.get_ref(), DeValue::String(_)))
            .map(|i| (i.span().start, format!("`{path}` must be {expected}"))),
        (Kind::OneOf(options), DeValue::String(s)) if options.contains(&s.as_ref()) => None,
        (Kind::Count, DeValue::Integer(i))
            if u64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).is_ok() =>
        {
            None
        }
        (Kind::Table(keys), DeValue::Table(t)) => check_table(t, keys, path),
        (Kind::MapOf(inner), DeValue::Table(t)) => {
            let mut entries: Vec<_> = t.iter().collect();
            entries.sort_by_key(|(k, _)| k.span().start);
            entries
                .into_iter()
                .find_map(|(k, v)| check_value(v, *inner, expected, &join_path(path, k.get_ref())))
        }
        (Kind::MapOf(_), _) => Some((v.span().start, format!("`{path}` must be a table"))),
        _ => bad(),
    }
}

/// A configuration file, read and parsed but not yet checked against a registry.
pub struct Loaded {
    path: PathBuf,
    src: String,
    file: ConfigFile,
}

impl Loaded {
    /// The policy packs it lists, relative to its own folder.
    pub fn pack_paths(&self) -> Vec<PathBuf> {
        let dir = self.path.parent().unwrap_or(Path::new(""));
        self.file.packs.iter().map(|p| dir.join(p)).collect()
    }
}

/// Read and parse the configuration file the flags ask for, if any.
pub fn read(common: &Common) -> Result<Option<Loaded>> {
    let path = if common.no_config {
        None
    } else if let Some(p) = &common.config {
        Some(p.clone())
    } else {
        std::env::current_dir().ok().and_then(|d| discover(&d))
    };
    let Some(path) = path else {
        return Ok(None);
    };
    let src = input::read_text(&path, "configuration")?;
    let file: ConfigFile = parse_toml(&path, &src, CONFIG_KEYS)?;
    Ok(Some(Loaded { path, src, file }))
}

/// The registry for a run: every rule, plus the policy packs of the configuration file and of
/// `--pack` (each file once). Built once per process (see `clinpost_registry::with_packs`).
pub fn registry(common: &Common, loaded: Option<&Loaded>) -> Result<&'static Registry> {
    let mut paths = loaded.map(Loaded::pack_paths).unwrap_or_default();
    paths.extend(common.packs.iter().cloned());
    let mut seen = Vec::new();
    let mut packs = Vec::new();
    for p in paths {
        let key = std::fs::canonicalize(&p).unwrap_or_else(|_| p.clone());
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        packs.push(clinpost_registry::Pack::load(&p)?);
    }
    clinpost_registry::with_packs(packs).map_err(|e| anyhow::anyhow!("{e}"))
}

/// Apply a configuration file (from [`read`]) and the command-line overrides. Selectors and
/// severity codes are checked against `registry` (from [`registry`]) here so errors can name the
/// line.
pub fn apply(common: &Common, loaded: Option<Loaded>, registry: &Registry) -> Result<Effective> {
    let mut eff = Effective::default();
    if let Some(Loaded { path, src, file }) = loaded {
        let at = |s: &Spanned<String>| {
            let (l, c) = line_col(&src, s.span().start);
            format!("{}:{l}:{c}", path.display())
        };
        for s in file.rules.select.iter().chain(&file.rules.ignore) {
            if !selector_is_known(s.get_ref(), registry) {
                bail!(
                    "{}: unknown rule selector{} (see `clinpost rules`)",
                    at(s),
                    quoted_if_key_shaped(s.get_ref())
                );
            }
        }
        for code in file.rules.severity.keys() {
            if find_rule(registry, code.get_ref()).is_none() {
                bail!(
                    "{}: severity override for unknown rule{} (see `clinpost rules`)",
                    at(code),
                    quoted_if_key_shaped(code.get_ref())
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

/// ` 'X'` for a selector-shaped `X`; nothing for anything else (it is the user's own text).
fn quoted_if_key_shaped(s: &str) -> String {
    if key_shaped(s.trim()) {
        format!(" '{}'", s.trim())
    } else {
        String::new()
    }
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

/// A saved author profile (`--profile FILE`). Its `Debug` form shows no values: they are the
/// clinician's identity.
#[derive(Default, Deserialize)]
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
    /// Registered list size or caseload.
    pub list_size: Option<u64>,
    /// Patients seen in a working day, if the role's default does not fit.
    pub patients_per_day: Option<u64>,
    /// Named or pseudonymous account.
    pub account: Option<Account>,
}

impl std::fmt::Debug for Profile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Profile { [redacted] }")
    }
}

impl Profile {
    /// Read and parse a profile.
    pub fn load(path: &Path) -> Result<Profile> {
        let src = input::read_text(path, "profile")?;
        parse_toml(path, &src, PROFILE_KEYS)
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

    /// The structured profile the risk model reads.
    pub fn to_context(&self) -> clinpost_core::Profile {
        let s = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| clinpost_core::Sensitive(t.to_string()))
        };
        clinpost_core::Profile {
            name: s(&self.name),
            role: self.role.clone(),
            workplace: s(&self.workplace),
            practice: s(&self.practice),
            postcode: s(&self.postcode),
            list_size: self.list_size,
            patients_per_day: self.patients_per_day.map(|n| n as f64),
        }
    }
}

/// Build the context shared by every plain-text input of a run from the flags.
pub fn context(common: &Common) -> Result<clinpost_core::Context> {
    use clinpost_core::Sensitive;
    let mut ctx = clinpost_core::Context::default();
    if let Some(p) = &common.profile {
        let profile = Profile::load(p)?;
        ctx.author = profile.author_line().map(Sensitive);
        ctx.profile = Some(profile.to_context());
        if let Some(a) = profile.account {
            ctx.account = a;
        }
    }
    if let Some(a) = &common.author {
        // An explicit author line says who is posting this time; a saved profile no longer does.
        ctx.author = Some(Sensitive(a.clone()));
        ctx.profile = None;
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

    fn config_err(src: &str) -> String {
        let e = parse_toml::<ConfigFile>(Path::new("c.toml"), src, CONFIG_KEYS).unwrap_err();
        e.to_string()
    }

    fn profile_err(src: &str) -> String {
        let e = parse_toml::<Profile>(Path::new("p.toml"), src, PROFILE_KEYS).unwrap_err();
        e.to_string()
    }

    #[test]
    fn toml_errors_never_quote_values() {
        // Values built to look like serde's and toml's own wording.
        for v in [
            "Dr Jane CANARY",
            "CANARY`, expected `named`",
            "unknown variant `CANARY`, expected one of `named`",
            "invalid type: string \\\"CANARY\\\"",
        ] {
            let q = format!("\"{v}\"");
            let profiles = [
                format!("account = {q}\n"),
                format!("name = [{q}]\n"),
                format!("name = {{ x = {q} }}\n"),
                format!("list_size = {q}\n"),
                format!("name = {q}\nrole = 5\n"),
                format!("name = {q}\n{q} = 1\n"),
                format!("name = {q}\nname = {q}\n"),
                format!("name = {q}\nrole = ["),
                format!("name = {q} {q}\n"),
                format!("name = {}\n", &q[..q.len() - 1]),
            ];
            for src in &profiles {
                let m = profile_err(src);
                assert!(
                    !m.contains("CANARY") && !m.contains("Jane"),
                    "{src}\n=> {m}"
                );
                assert!(m.starts_with("p.toml:"), "{m}");
            }
            let configs = [
                format!("fail-on = {q}\n"),
                format!("allow = {q}\n"),
                format!("allow = [\"ok\", 1, {q}]\n"),
                format!("allow = [{q}, 1]\n"),
                format!("[rules]\nallow = [{q}]\nselect = {q}\n"),
                format!("[rules.severity]\nPHI001 = {q}\n"),
                format!("[rules.severity]\n{q} = {q}\n"),
                format!("[rules]\n{q} = 1\n"),
                format!("rules = {q}\n"),
                format!("[rules]\nseverity = {q}\n"),
            ];
            for src in &configs {
                let m = config_err(src);
                assert!(
                    !m.contains("CANARY") && !m.contains("Jane"),
                    "{src}\n=> {m}"
                );
                assert!(m.starts_with("c.toml:"), "{m}");
            }
        }
    }

    #[test]
    fn toml_errors_name_the_key_and_what_it_takes() {
        assert_eq!(
            profile_err("name = \"Dr A\"\naccount = \"Dr Jane Smith\"\n"),
            "p.toml:2:11: `account` must be \"named\" or \"pseudonymous\""
        );
        assert_eq!(
            config_err("allow = [\"a\",\n  7]\n"),
            "c.toml:2:3: `allow` must be a list of strings"
        );
        assert_eq!(
            config_err("[rules.severity]\nPHI004 = \"loud\"\n"),
            "c.toml:2:10: `rules.severity.PHI004` must be \"info\", \"warning\" or \"error\""
        );
        assert!(profile_err("list_size = -3\n").contains("`list_size` must be a whole number"));
        assert!(profile_err("colour = 1\n").contains("unknown key `colour`; the keys are name,"));
        assert!(config_err("[rules]\nselekt = []\n")
            .starts_with("c.toml:2:1: unknown key `rules.selekt`"));
        assert!(config_err("fail-on = \"caution\"\nfail-on = \"ok\"\n").contains("duplicate key"));
        assert!(config_err("fail-on = \n").starts_with("c.toml:1:"));
        assert_eq!(quoted_if_key_shaped("PHI999"), " 'PHI999'");
        assert_eq!(quoted_if_key_shaped("Dr Jane Smith"), "");
    }
}
