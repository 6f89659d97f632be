//! `clinpost history` and the history that `check` and `fix` read.
//!
//! The store keeps derived data only (see `clinpost-store`): for each post marked as posted, its
//! time, audience and the keyed fingerprints of its quasi-identifiers. `check` loads it so that
//! a post sharing details with an earlier one, or referring back to one, is assessed with the
//! combined details; the finding names the earlier post by date.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{anyhow, bail, Context as _, Result};
use clinpost_core::{Audience, History};
use clinpost_store::Store;

use crate::args::{Common, HistoryArgs, HistoryCommand, ListFormat};
use crate::input::Source;

/// The store path from a flag or the default.
fn path(flag: Option<&Path>) -> Result<PathBuf> {
    match flag {
        Some(p) => Ok(p.to_path_buf()),
        None => clinpost_store::default_path().ok_or_else(|| {
            anyhow!("no home or data directory for the history; pass --history PATH")
        }),
    }
}

/// The history `check`/`fix` read: `None` with `--no-history` or when no store exists yet.
pub fn for_check(common: &Common) -> Result<Option<Arc<History>>> {
    if common.no_history {
        return Ok(None);
    }
    let explicit = common.history.is_some();
    let p = match path(common.history.as_deref()) {
        Ok(p) => p,
        Err(_) if !explicit => return Ok(None),
        Err(e) => return Err(e),
    };
    if !p.exists() {
        if explicit {
            bail!(
                "history {}: no such store (record a post with `clinpost history add` first)",
                p.display()
            );
        }
        return Ok(None);
    }
    let store = Store::open(&p)?;
    Ok(Some(store.snapshot()?))
}

/// Parse `YYYY-MM-DD` (UTC midnight) or Unix seconds.
pub fn parse_when(s: &str) -> Result<i64> {
    let s = s.trim();
    if let Ok(n) = s.parse::<i64>() {
        return Ok(n);
    }
    let parts: Vec<&str> = s.split('-').collect();
    let bad = || anyhow!("a date must be YYYY-MM-DD or a Unix time in seconds");
    if parts.len() != 3 {
        return Err(bad());
    }
    let (y, m, d) = (
        parts[0].parse::<i64>().map_err(|_| bad())?,
        parts[1].parse::<i64>().map_err(|_| bad())?,
        parts[2].parse::<i64>().map_err(|_| bad())?,
    );
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return Err(bad());
    }
    // Days from the civil date (the inverse of the store's date formatting).
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Ok((era * 146_097 + doe - 719_468) * 86_400)
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn date(secs: i64) -> String {
    clinpost_risk::history::date(secs)
}

/// `clinpost history ...`.
pub fn run(a: HistoryArgs, out: &mut impl Write) -> Result<u8> {
    let p = path(a.history.as_deref())?;
    match a.command {
        HistoryCommand::Path => {
            writeln!(out, "{}", p.display())?;
        }
        HistoryCommand::Add(add) => {
            let posted = match &add.at {
                Some(w) => parse_when(w).context("--at")?,
                None => now(),
            };
            let audience = add.audience.unwrap_or(Audience::Public);
            let mut store = Store::open(&p)?;
            let key = store.key();
            for src in Source::from_args(&add.files) {
                let text = src.read_text()?;
                let details = clinpost_risk::assess::fingerprints(&text, &key);
                let id = store.record(posted, audience, &details)?;
                let kinds: Vec<&str> = details.iter().map(|d| d.kind.as_str()).collect();
                writeln!(
                    out,
                    "recorded post {id} ({}, {audience}): {}",
                    date(posted),
                    if kinds.is_empty() {
                        "no quasi-identifiers".to_string()
                    } else {
                        kinds.join(", ")
                    }
                )?;
            }
        }
        HistoryCommand::List(l) => {
            let Some(store) = Store::open_existing(&p)? else {
                if l.format == ListFormat::Json {
                    writeln!(out, "[]")?;
                } else {
                    writeln!(out, "no posts recorded ({})", p.display())?;
                }
                return Ok(0);
            };
            let posts = store.list()?;
            match l.format {
                ListFormat::Json => {
                    let v: Vec<serde_json::Value> = posts
                        .iter()
                        .map(|p| {
                            serde_json::json!({
                                "id": p.id,
                                "posted": date(p.posted),
                                "posted_unix": p.posted,
                                "audience": p.audience,
                                "kinds": p.kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>(),
                            })
                        })
                        .collect();
                    serde_json::to_writer_pretty(&mut *out, &v)?;
                    writeln!(out)?;
                }
                ListFormat::Human => {
                    if posts.is_empty() {
                        writeln!(out, "no posts recorded ({})", p.display())?;
                    }
                    for p in &posts {
                        let kinds: Vec<&str> = p.kinds.iter().map(|k| k.as_str()).collect();
                        writeln!(
                            out,
                            "{:>5}  {}  {:<20}  {}",
                            p.id,
                            date(p.posted),
                            p.audience,
                            kinds.join(", ")
                        )?;
                    }
                }
            }
        }
        HistoryCommand::Forget(f) => {
            let Some(mut store) = Store::open_existing(&p)? else {
                writeln!(out, "no posts recorded ({})", p.display())?;
                return Ok(0);
            };
            let n = if f.all {
                store.forget_before(None)?
            } else if let Some(b) = &f.before {
                store.forget_before(Some(parse_when(b).context("--before")?))?
            } else {
                let n = store.forget(&f.ids)?;
                if n < f.ids.len() {
                    eprintln!(
                        "warning: {} of the ids were not in the history",
                        f.ids.len() - n
                    );
                }
                n
            };
            writeln!(out, "forgot {n} post{}", if n == 1 { "" } else { "s" })?;
        }
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        for d in ["1970-01-01", "2000-02-29", "2026-11-23", "2031-12-31"] {
            assert_eq!(date(parse_when(d).unwrap()), d);
        }
        assert_eq!(parse_when("86400").unwrap(), 86_400);
        assert!(parse_when("23/11/2026").is_err());
        assert!(parse_when("2026-13-01").is_err());
    }
}
