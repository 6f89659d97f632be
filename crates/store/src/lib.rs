//! The post history (issue 4 item 5): what the author's earlier posts revealed, as derived data
//! only, in an embedded SQLite database.
//!
//! # What is stored
//!
//! For each post the author marks as posted: when (seconds since the epoch, UTC), where (the
//! audience, e.g. `closed-group:5000`), and for each quasi-identifier its kind (`age`,
//! `condition`…), a 16-byte keyed fingerprint of its value and its population fraction (a
//! number). Never text: not the post, not a word of it, not a name. The fingerprint key is 32
//! random bytes in a separate file beside the database (`history.key`, mode 0600), so a copy of
//! the database alone (a backup, a bug report) reveals nothing about the values.
//!
//! # Safety
//!
//! - WAL journal, `synchronous = NORMAL`, every write in a transaction: a crash loses at most the
//!   post being recorded, never the store.
//! - Migrations: the schema version is SQLite's `user_version`; [`MIGRATIONS`] are applied in
//!   order, each in a transaction, on open. A store made by a newer clinpost is refused rather
//!   than damaged.
//! - Errors name the store's path and what went wrong, never a stored value.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clinpost_core::{Audience, EarlierDetail, EarlierPost, History, Kind, Sensitive};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

/// Schema steps; `MIGRATIONS[i]` takes a store from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // 1: posts and their fingerprints.
    "CREATE TABLE posts (
         id       INTEGER PRIMARY KEY,
         posted   INTEGER NOT NULL,
         audience TEXT NOT NULL
     );
     CREATE TABLE details (
         post        INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
         kind        TEXT NOT NULL,
         fingerprint BLOB NOT NULL CHECK (length(fingerprint) = 16),
         fraction    REAL NOT NULL
     );
     CREATE INDEX details_post ON details(post);
     CREATE INDEX details_fingerprint ON details(fingerprint);",
];

/// Why the store could not do something.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("history store {path}: {what}: {source}")]
    Sqlite {
        /// The database path.
        path: PathBuf,
        /// What was being done.
        what: &'static str,
        /// The SQLite error (messages name tables and constraints, not values).
        source: rusqlite::Error,
    },
    /// A file operation failed.
    #[error("history store {path}: {what}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// What was being done.
        what: &'static str,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The store was made by a newer clinpost.
    #[error("history store {path}: schema version {found} is newer than this clinpost knows ({known}); upgrade clinpost")]
    TooNew {
        /// The database path.
        path: PathBuf,
        /// Its version.
        found: i64,
        /// The newest this build knows.
        known: i64,
    },
    /// The key file is damaged.
    #[error("history store {path}: the key file is not 32 bytes; restore it from a backup or start a new history")]
    BadKey {
        /// The key file's path.
        path: PathBuf,
    },
    /// No random source.
    #[error("history store: no random source for a new key: {0}")]
    Random(String),
}

/// A result.
pub type Result<T> = std::result::Result<T, StoreError>;

/// One recorded post, as `clinpost history list` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct PostSummary {
    /// Id (for `forget`).
    pub id: i64,
    /// Seconds since the epoch.
    pub posted: i64,
    /// Audience.
    pub audience: String,
    /// The kinds of detail it revealed, in order.
    pub kinds: Vec<Kind>,
}

/// An open history store.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    key: [u8; 32],
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Store({})", self.path.display())
    }
}

/// The default store path: `$CLINPOST_HISTORY`, else `$XDG_DATA_HOME/clinpost/history.sqlite`,
/// else `~/.local/share/clinpost/history.sqlite` (macOS: `~/Library/Application
/// Support/clinpost`, Windows: `%APPDATA%\clinpost`).
pub fn default_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CLINPOST_HISTORY").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let base = if cfg!(windows) {
        std::env::var_os("APPDATA").map(PathBuf::from)
    } else if cfg!(target_os = "macos") {
        std::env::var_os("HOME").map(|h| PathBuf::from(h).join("Library/Application Support"))
    } else {
        std::env::var_os("XDG_DATA_HOME")
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
    }?;
    Some(base.join("clinpost").join("history.sqlite"))
}

/// The key file of the store at `db`.
pub fn key_path(db: &Path) -> PathBuf {
    db.with_extension("key")
}

impl Store {
    /// Opens (creating if needed) the store at `path`, migrating it forward.
    pub fn open(path: &Path) -> Result<Store> {
        let io = |what: &'static str| {
            let path = path.to_path_buf();
            move |source| StoreError::Io { path, what, source }
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            if !dir.exists() {
                create_private_dir(dir).map_err(io("creating its directory"))?;
            }
        }
        let key = load_or_create_key(&key_path(path))?;
        let sql = |what: &'static str| {
            let path = path.to_path_buf();
            move |source| StoreError::Sqlite { path, what, source }
        };
        let conn = Connection::open(path).map_err(sql("opening"))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(sql("setting the busy timeout"))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(sql("enabling WAL"))?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(sql("setting synchronous"))?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(sql("enabling foreign keys"))?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            key,
        };
        store.migrate()?;
        Ok(store)
    }

    /// Opens the store at `path` if it exists.
    pub fn open_existing(path: &Path) -> Result<Option<Store>> {
        if path.exists() {
            Store::open(path).map(Some)
        } else {
            Ok(None)
        }
    }

    /// The database path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sql(&self, what: &'static str) -> impl FnOnce(rusqlite::Error) -> StoreError {
        let path = self.path.clone();
        move |source| StoreError::Sqlite { path, what, source }
    }

    /// The schema version.
    pub fn version(&self) -> Result<i64> {
        self.conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(self.sql("reading the schema version"))
    }

    fn migrate(&mut self) -> Result<()> {
        let known = MIGRATIONS.len() as i64;
        let found = self.version()?;
        if found > known {
            return Err(StoreError::TooNew {
                path: self.path.clone(),
                found,
                known,
            });
        }
        for (i, step) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            let path = self.path.clone();
            let tx = self
                .conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(|source| StoreError::Sqlite {
                    path: path.clone(),
                    what: "starting a migration",
                    source,
                })?;
            // Another process may have migrated while we waited for the lock.
            let now: i64 = tx
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .map_err(|source| StoreError::Sqlite {
                    path: path.clone(),
                    what: "reading the schema version",
                    source,
                })?;
            if now > i as i64 {
                continue;
            }
            tx.execute_batch(step)
                .and_then(|_| tx.pragma_update(None, "user_version", i as i64 + 1))
                .and_then(|_| tx.commit())
                .map_err(|source| StoreError::Sqlite {
                    path,
                    what: "migrating the schema",
                    source,
                })?;
        }
        Ok(())
    }

    /// The history as the risk model reads it: the key and every post, oldest first.
    pub fn load(&self) -> Result<History> {
        let mut posts: Vec<EarlierPost> = Vec::new();
        let mut stmt = self
            .conn
            .prepare(
                "SELECT p.id, p.posted, p.audience, d.kind, d.fingerprint, d.fraction
                 FROM posts p LEFT JOIN details d ON d.post = p.id
                 ORDER BY p.posted, p.id",
            )
            .map_err(self.sql("reading posts"))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<Vec<u8>>>(4)?,
                    r.get::<_, Option<f64>>(5)?,
                ))
            })
            .map_err(self.sql("reading posts"))?;
        for row in rows {
            let (id, posted, audience, kind, fp, fraction) =
                row.map_err(self.sql("reading posts"))?;
            if posts.last().is_none_or(|p| p.id != id) {
                posts.push(EarlierPost {
                    id,
                    posted,
                    audience: audience.parse().unwrap_or_default(),
                    details: Vec::new(),
                });
            }
            let (Some(kind), Some(fp), Some(fraction)) = (kind, fp, fraction) else {
                continue;
            };
            let (Some(kind), Ok(fingerprint)) = (parse_kind(&kind), <[u8; 16]>::try_from(fp))
            else {
                continue;
            };
            if let Some(p) = posts.last_mut() {
                p.details.push(EarlierDetail {
                    kind,
                    fingerprint,
                    fraction,
                });
            }
        }
        Ok(History {
            key: Sensitive(self.key),
            posts,
        })
    }

    /// A shareable snapshot for a document's context.
    pub fn snapshot(&self) -> Result<Arc<History>> {
        self.load().map(Arc::new)
    }

    /// The key, wrapped so it never prints (for computing fingerprints of a new post).
    pub fn key(&self) -> History {
        History {
            key: Sensitive(self.key),
            posts: Vec::new(),
        }
    }

    /// Records a post as posted; returns its id.
    pub fn record(
        &mut self,
        posted: i64,
        audience: Audience,
        details: &[EarlierDetail],
    ) -> Result<i64> {
        let path = self.path.clone();
        let err = |source| StoreError::Sqlite {
            path: path.clone(),
            what: "recording a post",
            source,
        };
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(err)?;
        tx.execute(
            "INSERT INTO posts (posted, audience) VALUES (?1, ?2)",
            params![posted, audience.to_string()],
        )
        .map_err(err)?;
        let id = tx.last_insert_rowid();
        {
            let mut ins = tx
                .prepare(
                    "INSERT INTO details (post, kind, fingerprint, fraction)
                     VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(err)?;
            for d in details {
                let fraction = if d.fraction.is_finite() {
                    d.fraction.clamp(0.0, 1.0)
                } else {
                    1.0
                };
                ins.execute(params![id, d.kind.as_str(), &d.fingerprint[..], fraction])
                    .map_err(err)?;
            }
        }
        tx.commit().map_err(err)?;
        Ok(id)
    }

    /// Every post, newest first.
    pub fn list(&self) -> Result<Vec<PostSummary>> {
        let h = self.load()?;
        let mut out: Vec<PostSummary> = h
            .posts
            .into_iter()
            .map(|p| PostSummary {
                id: p.id,
                posted: p.posted,
                audience: p.audience.to_string(),
                kinds: p.details.iter().map(|d| d.kind).collect(),
            })
            .collect();
        out.reverse();
        Ok(out)
    }

    /// Forgets the given posts; returns how many existed.
    pub fn forget(&mut self, ids: &[i64]) -> Result<usize> {
        let path = self.path.clone();
        let err = |source| StoreError::Sqlite {
            path: path.clone(),
            what: "forgetting posts",
            source,
        };
        let tx = self.conn.transaction().map_err(err)?;
        let mut n = 0;
        for id in ids {
            n += tx
                .execute("DELETE FROM posts WHERE id = ?1", params![id])
                .map_err(err)?;
        }
        tx.commit().map_err(err)?;
        self.vacuum()?;
        Ok(n)
    }

    /// Forgets posts made before `secs` (all posts when `None`); returns how many.
    pub fn forget_before(&mut self, secs: Option<i64>) -> Result<usize> {
        let n = self
            .conn
            .execute(
                "DELETE FROM posts WHERE posted < ?1",
                params![secs.unwrap_or(i64::MAX)],
            )
            .map_err(self.sql("forgetting posts"))?;
        self.vacuum()?;
        Ok(n)
    }

    /// Rewrites the database so forgotten rows do not linger in free pages or the WAL.
    fn vacuum(&self) -> Result<()> {
        self.conn
            .execute_batch(
                "PRAGMA wal_checkpoint(TRUNCATE); VACUUM; PRAGMA wal_checkpoint(TRUNCATE);",
            )
            .map_err(self.sql("compacting after forgetting"))
    }

    /// The id of the newest post, if any.
    pub fn newest(&self) -> Result<Option<i64>> {
        self.conn
            .query_row(
                "SELECT id FROM posts ORDER BY posted DESC, id DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .optional()
            .map_err(self.sql("reading posts"))
    }
}

fn parse_kind(s: &str) -> Option<Kind> {
    Kind::ALL.iter().copied().find(|k| k.as_str() == s)
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    {
        fs::create_dir_all(dir)
    }
}

/// Reads the key, or makes one: written to a temporary file (mode 0600) and renamed into place,
/// so a crash never leaves a short key; a key made concurrently by another process wins.
fn load_or_create_key(path: &Path) -> Result<[u8; 32]> {
    let io = |what: &'static str| {
        let path = path.to_path_buf();
        move |source| StoreError::Io { path, what, source }
    };
    if path.exists() {
        let bytes = fs::read(path).map_err(io("reading the key"))?;
        return <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| StoreError::BadKey {
            path: path.to_path_buf(),
        });
    }
    let mut key = [0u8; 32];
    getrandom::fill(&mut key).map_err(|e| StoreError::Random(e.to_string()))?;
    let tmp = path.with_extension(format!("key.tmp{}", std::process::id()));
    {
        let mut opts = fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&tmp).map_err(io("creating the key"))?;
        f.write_all(&key).map_err(io("writing the key"))?;
        f.sync_all().map_err(io("writing the key"))?;
    }
    if path.exists() {
        let _ = fs::remove_file(&tmp);
        return load_or_create_key(path);
    }
    fs::rename(&tmp, path).map_err(io("installing the key"))?;
    Ok(key)
}
