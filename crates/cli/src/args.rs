//! Command-line arguments (clap derive). Parsing only: no I/O happens here, so `--help` and usage
//! errors cost nothing at start-up.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clinpost_core::{Account, Audience};

/// Check a clinician's post before it goes out: what could identify a patient, why, how sure,
/// and the safe version.
#[derive(Debug, Parser)]
#[command(name = "clinpost", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check posts and report what could identify a patient (stdin when no FILE or `-`).
    Check(CheckArgs),
    /// Print the safe version of posts (identifiers replaced).
    Fix(FixArgs),
    /// List the rules.
    Rules(RulesArgs),
    /// Explain a rule: what it flags, why, the guidance it cites and examples.
    Explain(ExplainArgs),
    /// Start the local web page and HTTP API (http://127.0.0.1:8765/ by default).
    Serve(ServeArgs),
    /// The private post history: mark posts as posted, list and forget them.
    History(HistoryArgs),
}

/// Output format of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Annotated spans, like a compiler's diagnostics.
    Human,
    /// One JSON report (an array for several inputs).
    Json,
    /// One JSON report per line.
    Jsonl,
    /// SARIF 2.1.0.
    Sarif,
}

/// Output format of `rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// A table.
    Human,
    /// A JSON array.
    Json,
}

/// When to colour human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When stdout is a terminal and NO_COLOR is unset.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The lowest verdict that makes the exit status 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailOn {
    /// Any finding at all, even an informational one.
    Ok,
    /// A `caution` or `do-not-post` verdict (the default).
    Caution,
    /// A `do-not-post` verdict only.
    DoNotPost,
    /// Never: exit 0 unless there is an error.
    Never,
}

/// Inputs, context and configuration shared by `check` and `fix`.
#[derive(Debug, Default, Args)]
pub struct Common {
    /// Files to read; `-` or none for standard input.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Inputs are JSON Lines `{"id", "text", "context"}`; one JSON report per line is written, in
    /// input order. Lines without a "context" use the context flags.
    #[arg(long)]
    pub jsonl: bool,

    /// The author, free text: "Dr A B, GP, Practice, Town".
    #[arg(long, value_name = "TEXT")]
    pub author: Option<String>,

    /// Who will read it: public, closed-group:N or private:N.
    #[arg(long, value_name = "AUDIENCE", value_parser = parse_audience)]
    pub audience: Option<Audience>,

    /// Whether the account shows the author's name: named or pseudonymous.
    #[arg(long, value_name = "ACCOUNT", value_parser = parse_account)]
    pub account: Option<Account>,

    /// The message being replied to: the text itself, or a file that holds it.
    #[arg(long, value_name = "TEXT|FILE")]
    pub reply_to: Option<String>,

    /// A saved author profile (TOML: name, role, workplace, practice, postcode, list_size, account).
    #[arg(long, value_name = "FILE")]
    pub profile: Option<PathBuf>,

    /// Use this configuration file instead of looking for clinpost.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore any clinpost.toml.
    #[arg(long)]
    pub no_config: bool,

    /// Add an organisation policy pack (TOML; repeatable). Its rules are `conduct`/`policy`.
    #[arg(long = "pack", value_name = "FILE")]
    pub packs: Vec<PathBuf>,

    /// Only these rules (codes, prefixes, names, categories or kinds; comma-separated).
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Option<Vec<String>>,

    /// Skip these rules (comma-separated selectors).
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Option<Vec<String>>,

    /// Exit 1 when a document's verdict is at or above this.
    #[arg(long, value_name = "VERDICT")]
    pub fail_on: Option<FailOn>,

    /// Also apply fixes that change the meaning.
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// The post history to assess against (default: the user's data directory, e.g.
    /// ~/.local/share/clinpost/history.sqlite, or $CLINPOST_HISTORY). Used for files, standard
    /// input and JSONL lines without their own context.
    #[arg(long, value_name = "PATH", conflicts_with = "no_history")]
    pub history: Option<PathBuf>,

    /// Do not read the post history.
    #[arg(long)]
    pub no_history: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: Common,

    /// Output format [default: human].
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Colour human output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Also print the safe version (JSON: the "fixed" field).
    #[arg(long)]
    pub fix: bool,
}

#[derive(Debug, Args)]
pub struct FixArgs {
    #[command(flatten)]
    pub common: Common,

    /// Write the safe version to FILE (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,

    #[command(flatten)]
    pub packs: PackArgs,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule code (PHI001) or name (nhs-number); case-insensitive.
    pub rule: String,

    #[command(flatten)]
    pub packs: PackArgs,
}

/// Where `rules` and `explain` find policy packs: `--pack` and the `packs` of clinpost.toml.
#[derive(Debug, Args)]
pub struct PackArgs {
    /// Add an organisation policy pack (TOML; repeatable).
    #[arg(long = "pack", value_name = "FILE")]
    pub packs: Vec<PathBuf>,

    /// Use this configuration file (for its `packs`) instead of looking for clinpost.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore clinpost.toml.
    #[arg(long)]
    pub no_config: bool,
}

impl PackArgs {
    /// As the shared options, for `config::read` and `config::registry`.
    pub fn common(&self) -> Common {
        Common {
            packs: self.packs.clone(),
            config: self.config.clone(),
            no_config: self.no_config,
            ..Common::default()
        }
    }
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Port to listen on; 0 picks a free port.
    #[arg(long, value_name = "N", default_value_t = 8765)]
    pub port: u16,

    /// Address to listen on. Anything but a loopback address lets other machines send drafts.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: IpAddr,

    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,

    /// Let web pages from this exact origin call the API (e.g. https://forum.example); repeatable.
    #[arg(long = "cors-origin", value_name = "URL")]
    pub cors_origins: Vec<String>,

    /// Do not log requests (method, route, status, latency, sizes) on standard error.
    #[arg(short, long)]
    pub quiet: bool,

    /// Use this configuration file instead of looking for clinpost.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore clinpost.toml.
    #[arg(long)]
    pub no_config: bool,

    /// Add an organisation policy pack (TOML; repeatable).
    #[arg(long = "pack", value_name = "FILE")]
    pub packs: Vec<PathBuf>,

    /// Only these rules (codes, prefixes, names, categories or kinds; comma-separated).
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub select: Option<Vec<String>>,

    /// Skip these rules (comma-separated selectors).
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Option<Vec<String>>,
}

fn parse_audience(s: &str) -> Result<Audience, String> {
    s.parse()
}

fn parse_account(s: &str) -> Result<Account, String> {
    s.parse()
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[command(subcommand)]
    pub command: HistoryCommand,

    /// The history store (default: the user's data directory or $CLINPOST_HISTORY).
    #[arg(long, value_name = "PATH", global = true)]
    pub history: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum HistoryCommand {
    /// Mark posts as posted: record what they reveal (keyed fingerprints, never text).
    Add(HistoryAddArgs),
    /// List recorded posts, newest first.
    List(HistoryListArgs),
    /// Forget posts by id, or all posts before a date, or everything.
    Forget(HistoryForgetArgs),
    /// Print where the history is kept.
    Path,
}

#[derive(Debug, Args)]
pub struct HistoryAddArgs {
    /// Files holding the posts as posted; `-` or none for standard input.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// When it was posted: YYYY-MM-DD (UTC midnight) or a Unix time in seconds [default: now].
    #[arg(long, value_name = "WHEN")]
    pub at: Option<String>,

    /// Where it was posted: public, closed-group:N or private:N [default: public].
    #[arg(long, value_name = "AUDIENCE", value_parser = parse_audience)]
    pub audience: Option<Audience>,
}

#[derive(Debug, Args)]
pub struct HistoryListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["ids", "all", "before"]))]
pub struct HistoryForgetArgs {
    /// Post ids (from `clinpost history list`).
    #[arg(value_name = "ID")]
    pub ids: Vec<i64>,

    /// Forget every post.
    #[arg(long)]
    pub all: bool,

    /// Forget posts made before this date (YYYY-MM-DD) or Unix time.
    #[arg(long, value_name = "WHEN")]
    pub before: Option<String>,
}
