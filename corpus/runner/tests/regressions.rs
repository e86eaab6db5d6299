//! The engine over the regression inputs in `fuzz/regressions/` and the kept
//! fuzz corpus: no panic on any of them.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use leak_audit_corpus::scan::check_source;
use leak_audit_engine::{analyze, Config, FileId, Source};

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_file() && path.extension().is_none_or(|ext| ext != "md"))
        .collect();
    files.sort();
    files
}

/// [`check_source`] on a thread with a 64 MiB stack: syn's recursive descent in
/// a debug build needs more than a test thread's 2 MiB for a type nested 20
/// deep (rustc gives proc macros a larger stack, and so does the CLI's main
/// thread on most systems).
fn check(text: String) -> Result<Option<usize>, String> {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || check_source(&text).map(|findings| findings.map(|findings| findings.len())))
        .unwrap()
        .join()
        .unwrap()
}

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

#[test]
fn should_analyse_every_regression_input_without_panic() {
    let inputs = files(&fuzz_dir().join("regressions"));
    assert!(inputs.len() >= 5, "regression inputs are missing: {inputs:?}");
    for path in inputs {
        let text = std::fs::read_to_string(&path).unwrap();
        match check(text) {
            Ok(Some(_)) => {}
            Ok(None) => panic!("{} is meant to be valid Rust but does not parse", path.display()),
            Err(panic) => panic!("the engine panicked on {}: {panic}", path.display()),
        }
    }
}

#[test]
fn should_analyse_the_kept_fuzz_corpus_without_panic() {
    let dir = fuzz_dir().join("corpus/engine_source");
    let inputs = files(&dir);
    assert!(!inputs.is_empty(), "{} is empty", dir.display());
    for path in inputs {
        let bytes = std::fs::read(&path).unwrap();
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        if let Err(panic) = check(text) {
            panic!("the engine panicked on {}: {panic}", path.display());
        }
    }
}

/// Engine time only (parsing excluded), and only meaningful in a release
/// build: `cargo test --release -p leak_audit_corpus --test regressions -- --ignored`.
#[test]
#[ignore = "a timing check: run it in a release build (fuzz/regressions/README.md)"]
fn should_analyse_many_mutually_referencing_types_within_100_ms() {
    for path in files(&fuzz_dir().join("regressions/slow")) {
        let text = std::fs::read_to_string(&path).unwrap();
        let file = syn::parse_file(&text).unwrap();
        let start = Instant::now();
        let analysis = analyze(&[Source::new(FileId(0), &file.items)], &Config::default());
        let time = start.elapsed();
        assert!(!analysis.findings.is_empty(), "{}: the cycles are not found", path.display());
        assert!(time < Duration::from_millis(100), "{}: {time:?}", path.display());
    }
}
