//! `write_atomically` replaces the destination whole or not at all and leaves no temporary
//! files behind.

use std::fs;
use std::path::PathBuf;

use clinpost_media::{write_atomically, MediaError};

fn scratch(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("clinpost-media-{tag}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

fn entries(d: &PathBuf) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn writes_and_replaces_without_leftovers() {
    let d = scratch("atomic");
    let p = d.join("out.jpg");
    write_atomically(&p, b"first").unwrap();
    assert_eq!(fs::read(&p).unwrap(), b"first");
    write_atomically(&p, b"second, longer").unwrap();
    assert_eq!(fs::read(&p).unwrap(), b"second, longer");
    assert_eq!(entries(&d), ["out.jpg"]);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&p, fs::Permissions::from_mode(0o600)).unwrap();
        write_atomically(&p, b"third").unwrap();
        assert_eq!(
            fs::metadata(&p).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn failure_leaves_the_destination_alone() {
    let d = scratch("atomic-fail");
    let missing = d.join("no-such-dir").join("out.jpg");
    let e = write_atomically(&missing, b"x").unwrap_err();
    assert!(matches!(e, MediaError::Write { .. }));
    assert_eq!(e.code(), "write-failed");
    assert!(e.to_string().contains("out.jpg"), "{e}");
    // Renaming over a directory fails: the directory and its content stay, no temp file left.
    let target = d.join("taken");
    fs::create_dir(&target).unwrap();
    fs::write(target.join("keep"), b"k").unwrap();
    assert!(write_atomically(&target, b"x").is_err());
    assert_eq!(fs::read(target.join("keep")).unwrap(), b"k");
    assert_eq!(entries(&d), ["taken"]);
    fs::remove_dir_all(&d).unwrap();
}
