//! Helpers shared by the integration tests: fixtures, running the binary,
//! and plain-file snapshots.
//!
//! Snapshots live in `tests/snapshots/`; run with `BLESS=1` to rewrite them,
//! then review the diff like code.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The directory of fixture crate `name`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// The manifest of fixture crate `name`, as an argument.
pub fn manifest(name: &str) -> String {
    fixture(name).join("Cargo.toml").to_str().unwrap().to_owned()
}

/// What one run of the binary printed.
#[derive(Debug)]
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `cargo-leak-audit` with `args` in `dir` (the fixtures directory by default).
pub fn run_in(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_cargo-leak-audit"))
        .args(args)
        .current_dir(dir)
        .env_remove("CARGO_TERM_COLOR")
        .output()
        .expect("the binary runs");
    Run {
        status: output.status.code().expect("exited normally"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// Runs `cargo-leak-audit` with `args`.
pub fn run(args: &[&str]) -> Run {
    run_in(&fixture(""), args)
}

/// Replaces the machine-dependent fixture directory with `[FIXTURES]`.
pub fn normalize(text: &str) -> String {
    let root = fixture("");
    let root = root.to_str().unwrap().trim_end_matches('/');
    text.replace(root, "[FIXTURES]")
}

/// Compares `actual` with `tests/snapshots/<name>`, or writes it when `BLESS=1`.
pub fn assert_snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots").join(name);
    if std::env::var_os("BLESS").is_some_and(|value| value == "1") {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("missing snapshot {}: run with BLESS=1 to create it", path.display()));
    if expected != actual {
        let first = expected.lines().zip(actual.lines()).position(|(e, a)| e != a).unwrap_or(0);
        let shorten = |line: Option<&str>| {
            let line = line.unwrap_or("<end>");
            line.char_indices().nth(300).map_or(line.to_owned(), |(cut, _)| format!("{}...", &line[..cut]))
        };
        panic!(
            "snapshot {name} differs (first at line {}):\n--- expected\n{}\n--- actual\n{}\n(run with BLESS=1 to accept)",
            first + 1,
            shorten(expected.lines().nth(first)),
            shorten(actual.lines().nth(first)),
        );
    }
}
