//! The history store: round trip, forgetting, migrations, the key file and concurrent use.

use clinpost_core::{Audience, EarlierDetail, Kind};
use clinpost_store::{key_path, Store, StoreError, MIGRATIONS};

fn detail(kind: Kind, b: u8, fraction: f64) -> EarlierDetail {
    EarlierDetail {
        kind,
        fingerprint: [b; 16],
        fraction,
    }
}

#[test]
fn records_load_back_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sub/history.sqlite");
    let mut s = Store::open(&db).unwrap();
    assert_eq!(s.version().unwrap(), MIGRATIONS.len() as i64);
    let a = s
        .record(
            2_000,
            Audience::ClosedGroup(5000),
            &[detail(Kind::Condition, 1, 1e-5), detail(Kind::Age, 2, 1.0)],
        )
        .unwrap();
    let b = s.record(1_000, Audience::Public, &[]).unwrap();
    let h = s.load().unwrap();
    assert_eq!(h.posts.len(), 2);
    assert_eq!(h.posts[0].id, b, "oldest first");
    assert_eq!(h.posts[1].id, a);
    assert_eq!(h.posts[1].audience, Audience::ClosedGroup(5000));
    assert_eq!(h.posts[1].details[0], detail(Kind::Condition, 1, 1e-5));
    assert_eq!(s.newest().unwrap(), Some(a));
    let list = s.list().unwrap();
    assert_eq!(list[0].id, a, "newest first");
    assert_eq!(list[0].kinds, vec![Kind::Condition, Kind::Age]);

    // Reopening keeps the posts and the key.
    let key = h.key.expose().to_vec();
    drop(s);
    let s = Store::open(&db).unwrap();
    assert_eq!(s.load().unwrap().posts.len(), 2);
    assert_eq!(s.load().unwrap().key.expose().to_vec(), key);
}

#[test]
fn forgetting_removes_posts_and_their_details() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite");
    let mut s = Store::open(&db).unwrap();
    let a = s
        .record(100, Audience::Public, &[detail(Kind::Place, 7, 0.001)])
        .unwrap();
    let _b = s.record(200, Audience::Public, &[]).unwrap();
    let _c = s.record(300, Audience::Public, &[]).unwrap();
    assert_eq!(s.forget(&[a, 9999]).unwrap(), 1);
    assert_eq!(s.load().unwrap().posts.len(), 2);
    assert_eq!(s.forget_before(Some(250)).unwrap(), 1);
    assert_eq!(s.load().unwrap().posts.len(), 1);
    assert_eq!(s.forget_before(None).unwrap(), 1);
    assert!(s.load().unwrap().posts.is_empty());
    // The fingerprint bytes are gone from the files, not just unlinked.
    for f in [db.clone(), db.with_extension("sqlite-wal")] {
        if let Ok(bytes) = std::fs::read(&f) {
            assert!(
                !bytes.windows(16).any(|w| w == [7u8; 16]),
                "{} still holds a forgotten fingerprint",
                f.display()
            );
        }
    }
}

#[test]
fn a_newer_store_is_refused_not_damaged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite");
    drop(Store::open(&db).unwrap());
    {
        let c = rusqlite_conn(&db);
        c.pragma_update(None, "user_version", 99).unwrap();
    }
    match Store::open(&db) {
        Err(StoreError::TooNew { found: 99, .. }) => {}
        other => panic!("expected TooNew, got {other:?}"),
    }
}

#[test]
fn an_old_store_is_migrated_forward() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite");
    // A version-0 database (an empty file SQLite made) is brought to the current version.
    drop(rusqlite_conn(&db));
    let s = Store::open(&db).unwrap();
    assert_eq!(s.version().unwrap(), MIGRATIONS.len() as i64);
}

#[cfg(unix)]
#[test]
fn the_key_is_private_and_checked() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h/history.sqlite");
    drop(Store::open(&db).unwrap());
    let mode = std::fs::metadata(key_path(&db))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let dmode = std::fs::metadata(db.parent().unwrap())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(dmode & 0o777, 0o700);
    std::fs::write(key_path(&db), b"short").unwrap();
    assert!(matches!(Store::open(&db), Err(StoreError::BadKey { .. })));
}

#[test]
fn two_processes_worth_of_writers_do_not_lose_posts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("history.sqlite");
    drop(Store::open(&db).unwrap());
    let handles: Vec<_> = (0..4)
        .map(|t| {
            let db = db.clone();
            std::thread::spawn(move || {
                let mut s = Store::open(&db).unwrap();
                for i in 0..25 {
                    s.record(
                        t * 100 + i,
                        Audience::Public,
                        &[detail(Kind::Age, t as u8, 1.0)],
                    )
                    .unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(Store::open(&db).unwrap().load().unwrap().posts.len(), 100);
}

fn rusqlite_conn(db: &std::path::Path) -> rusqlite::Connection {
    rusqlite::Connection::open(db).unwrap()
}
