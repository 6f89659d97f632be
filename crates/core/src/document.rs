//! What is checked: text plus the context it will be posted in.
//!
//! The context (author, audience, account, the message being replied to) is accepted by every
//! surface now; the risk model and conduct rules (later issues) use it. Anything that may hold
//! another person's words is wrapped in [`Sensitive`], whose `Debug` and `Display` print
//! `[redacted]`, so a stray `{:?}` in a log cannot leak it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A value that must never be printed: `Debug`/`Display` show `[redacted]`.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Sensitive<T>(pub T);

impl<T> Sensitive<T> {
    /// The wrapped value, for code that genuinely needs it.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T> fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Sensitive<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Sensitive)
    }
}

/// Who will read the post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Audience {
    /// Anyone (the default when nothing is said).
    #[default]
    Public,
    /// A "closed" group of about N members.
    ClosedGroup(u64),
    /// A private chat with N members.
    Private(u64),
}

impl FromStr for Audience {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s == "public" {
            return Ok(Audience::Public);
        }
        let parse_n = |n: &str, what: &str| -> Result<u64, String> {
            n.trim()
                .replace([',', '_'], "")
                .parse::<u64>()
                .map_err(|_| format!("{what}: expected a member count after ':', e.g. {what}:5000"))
        };
        if let Some(n) = s.strip_prefix("closed-group:") {
            return parse_n(n, "closed-group").map(Audience::ClosedGroup);
        }
        if let Some(n) = s.strip_prefix("private:") {
            return parse_n(n, "private").map(Audience::Private);
        }
        match s {
            "closed-group" => Ok(Audience::ClosedGroup(5000)),
            "private" => Ok(Audience::Private(2)),
            _ => Err("audience must be public, closed-group:N or private:N".to_string()),
        }
    }
}

impl fmt::Display for Audience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Audience::Public => f.write_str("public"),
            Audience::ClosedGroup(n) => write!(f, "closed-group:{n}"),
            Audience::Private(n) => write!(f, "private:{n}"),
        }
    }
}

impl Serialize for Audience {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Audience {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Whether the posting account carries the author's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Account {
    /// The account shows the author's real name (the default).
    #[default]
    Named,
    /// A pseudonymous account.
    Pseudonymous,
}

impl FromStr for Account {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "named" => Ok(Account::Named),
            "pseudonymous" | "anonymous" => Ok(Account::Pseudonymous),
            _ => Err("account must be named or pseudonymous".to_string()),
        }
    }
}

/// The context a document will be posted in. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Context {
    /// The author, free text: "Dr A B, GP, Practice, Town".
    #[serde(default)]
    pub author: Option<Sensitive<String>>,
    /// The audience (defaults to public).
    #[serde(default)]
    pub audience: Audience,
    /// Named or pseudonymous account (defaults to named).
    #[serde(default)]
    pub account: Account,
    /// The message being replied to.
    #[serde(default)]
    pub reply_to: Option<Sensitive<String>>,
    /// The author's profile, structured (`--profile FILE`, the page's author fields). When
    /// absent, the risk model reads what it can from `author`.
    #[serde(default)]
    pub profile: Option<Profile>,
    /// What the author's earlier posts revealed (derived data only: keyed fingerprints), loaded
    /// by a surface that keeps a post history. Never read from JSON input.
    #[serde(skip)]
    pub history: Option<std::sync::Arc<History>>,
}

/// A saved author profile: who is posting, as far as the risk model needs to know. Every
/// field is optional; identity fields are [`Sensitive`].
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The name on the account ("Dr Jane Smith").
    #[serde(default)]
    pub name: Option<Sensitive<String>>,
    /// Role: "GP", "hospital", "ED", "ward", "community" or free text.
    #[serde(default)]
    pub role: Option<String>,
    /// Employer, hospital or practice name.
    #[serde(default)]
    pub workplace: Option<Sensitive<String>>,
    /// GP practice: its ODS code ("H81034") or name.
    #[serde(default)]
    pub practice: Option<Sensitive<String>>,
    /// Postcode (or town) of the workplace.
    #[serde(default)]
    pub postcode: Option<Sensitive<String>>,
    /// Registered list size or caseload.
    #[serde(default)]
    pub list_size: Option<u64>,
    /// Patients seen a day, if the role's default does not fit.
    #[serde(default)]
    pub patients_per_day: Option<f64>,
}

/// A 16-byte keyed fingerprint of one quasi-identifier value (HMAC-SHA-256 with the history's
/// secret key, truncated). Equal values give equal fingerprints under one key; without the key
/// nothing about the value can be recovered or guessed.
pub type Fingerprint = [u8; 16];

/// One quasi-identifier of an earlier post, as the history keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct EarlierDetail {
    /// The quasi-identifier kind (`age`, `condition`, ...).
    pub kind: crate::finding::Kind,
    /// Keyed fingerprint of its value.
    pub fingerprint: Fingerprint,
    /// Its population fraction when it was assessed (a number, not text).
    pub fraction: f64,
}

/// An earlier post the author marked as posted.
#[derive(Debug, Clone, PartialEq)]
pub struct EarlierPost {
    /// Store id (for `clinpost history forget`).
    pub id: i64,
    /// When it was posted: seconds since the Unix epoch (UTC).
    pub posted: i64,
    /// Where it was posted.
    pub audience: Audience,
    /// What it revealed.
    pub details: Vec<EarlierDetail>,
}

/// The author's post history as the risk model sees it: the secret key that makes fingerprints
/// comparable, and the earlier posts.
#[derive(Clone, PartialEq, Default)]
pub struct History {
    /// The store's secret key (never printed).
    pub key: Sensitive<[u8; 32]>,
    /// Earlier posts, oldest first.
    pub posts: Vec<EarlierPost>,
}

impl fmt::Debug for History {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "History {{ {} posts }}", self.posts.len())
    }
}

/// A text to check and its context.
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    /// The text. Detectors report byte spans into it.
    pub text: &'a str,
    /// Where it will be posted.
    pub context: &'a Context,
}

impl<'a> Document<'a> {
    /// A document with the given context.
    pub fn new(text: &'a str, context: &'a Context) -> Document<'a> {
        Document { text, context }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_never_prints() {
        let s = Sensitive("CANARY-text".to_string());
        assert_eq!(format!("{s:?} {s}"), "[redacted] [redacted]");
        let c: Context =
            serde_json::from_str(r#"{"reply_to":"CANARY-reply","author":"CANARY-author"}"#)
                .unwrap();
        assert!(!format!("{c:?}").contains("CANARY"));
    }

    #[test]
    fn audience_parses() {
        assert_eq!("public".parse::<Audience>().unwrap(), Audience::Public);
        assert_eq!(
            "closed-group:5,000".parse::<Audience>().unwrap(),
            Audience::ClosedGroup(5000)
        );
        assert_eq!(
            "private:3".parse::<Audience>().unwrap(),
            Audience::Private(3)
        );
        assert!("everyone".parse::<Audience>().is_err());
        let c: Result<Context, _> = serde_json::from_str(r#"{"audience":"closed-group:x"}"#);
        assert!(c.is_err());
        let c: Result<Context, _> = serde_json::from_str(r#"{"colour":"red"}"#);
        assert!(c.is_err());
    }
}
