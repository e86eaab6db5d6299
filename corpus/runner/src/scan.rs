//! Running the engine over the files of one crate: per file and per crate,
//! with every panic caught and every analysis timed.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use leak_audit_engine::{analyze, Config, FileId, Finding, Level, Source, LINTS};

/// A finding, flattened for the findings list.
#[derive(Clone, Debug)]
pub struct Record {
    /// The file, relative to the crate's folder.
    pub file: PathBuf,
    /// 1-based line of the finding's span.
    pub line: usize,
    /// 1-based column of the finding's span.
    pub column: usize,
    /// The lint's name.
    pub lint: &'static str,
    /// The finding's message.
    pub message: String,
    /// The finding as one line of text: the message, its notes and its help.
    pub text: String,
}

/// What happened to one file.
#[derive(Debug, Default)]
pub struct FileReport {
    /// The file, relative to the crate's folder.
    pub path: PathBuf,
    /// Its number of lines.
    pub lines: usize,
    /// Why syn could not parse it (or why it could not be read), if so.
    pub parse_error: Option<String>,
    /// Time syn took to parse it.
    pub parse_time: Duration,
    /// Time the engine took on the file alone (zero if it did not parse); the
    /// least of three runs when the first took more than 20 ms.
    pub engine_time: Duration,
    /// A panic while parsing or analysing it, with where it happened.
    pub panic: Option<String>,
    /// Findings of the analysis of this file alone.
    pub findings: Vec<Record>,
}

/// What happened to one crate.
#[derive(Debug, Default)]
pub struct CrateReport {
    /// Every `.rs` file, in path order.
    pub files: Vec<FileReport>,
    /// Time the engine took on the library's files analysed together.
    pub crate_time: Duration,
    /// A panic in the analysis of the crate as a whole.
    pub crate_panic: Option<String>,
    /// The findings that count for the crate: those of the analysis of the
    /// library's files as one scope, plus the per-file findings of the other
    /// files (tests, examples, benches, build scripts: crates of their own).
    pub findings: Vec<Record>,
}

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Replaces the panic hook with one that records the message and location of
/// a panic for [`catch`] instead of printing it.
pub fn install_panic_hook() {
    panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|text| (*text).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "<non-string payload>".to_owned());
        let location =
            info.location().map(|at| format!(" at {}:{}:{}", at.file(), at.line(), at.column())).unwrap_or_default();
        LAST_PANIC.with(|last| *last.borrow_mut() = Some(format!("{message}{location}")));
    }));
}

/// Runs `f`, turning a panic into `Err` with its message.
///
/// # Errors
///
/// Returns the panic's message (and location, with [`install_panic_hook`]).
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    LAST_PANIC.with(|last| last.borrow_mut().take());
    panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        LAST_PANIC.with(|last| last.borrow_mut().take()).unwrap_or_else(|| {
            payload
                .downcast_ref::<&str>()
                .map(|text| (*text).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "<non-string payload>".to_owned())
        })
    })
}

/// Parses `text` as a file and analyses it alone, catching panics.
///
/// # Errors
///
/// `Err` holds the panic's message; a parse error is not an error here but
/// `Ok(None)`, since the engine is only ever given what syn parsed.
pub fn check_source(text: &str) -> Result<Option<Vec<Finding>>, String> {
    let Ok(file) = catch(|| syn::parse_file(text))? else {
        return Ok(None);
    };
    let findings = catch(|| analyze(&[Source::new(FileId(0), &file.items)], &every_lint_on()).findings)?;
    Ok(Some(findings))
}

/// Every lint at `warn`, those `allow` by default too: the corpus measures
/// them all.
fn every_lint_on() -> Config {
    Config { levels: LINTS.iter().map(|lint| (lint.name, Level::Warn)).collect(), ..Config::default() }
}

/// Whether a file of a crate belongs to a test or bench target (`tests/`,
/// `benches/`), as cargo lays them out.
fn is_test_target(path: &Path) -> bool {
    path.starts_with("tests") || path.starts_with("benches")
}

/// Every `.rs` file under `root`, relative to it, in path order (no `target/`).
#[must_use]
pub fn rust_files(root: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_entry(|entry| entry.file_name() != "target")
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file() && entry.path().extension().is_some_and(|ext| ext == "rs"))
        .filter_map(|entry| entry.path().strip_prefix(root).ok().map(Path::to_path_buf))
        .collect();
    files.sort();
    files
}

/// Engine times over this are measured again (see [`retime`]).
const RETIME_OVER: Duration = Duration::from_millis(20);

/// The shortest of two more analyses of `items`.
///
/// The machine is shared with other builds, so one slow measurement may be the
/// scheduler's doing; the least of three is what the engine needs. A file
/// that is really slow stays slow in all three.
fn retime(items: &[syn::Item], config: &Config) -> Duration {
    (0..2)
        .map(|_| {
            let start = Instant::now();
            let _ = catch(|| analyze(&[Source::new(FileId(0), items)], config));
            start.elapsed()
        })
        .min()
        .unwrap_or(Duration::MAX)
}

/// Analyses the crate whose sources are in `root`.
#[must_use]
pub fn scan_crate(root: &Path) -> CrateReport {
    let config = every_lint_on();
    let mut report = CrateReport::default();
    let mut parsed: Vec<(usize, syn::File)> = Vec::new();
    for path in rust_files(root) {
        let mut file = FileReport { path: path.clone(), ..FileReport::default() };
        let text = match std::fs::read_to_string(root.join(&path)) {
            Ok(text) => text,
            Err(err) => {
                file.parse_error = Some(format!("cannot read: {err}"));
                report.files.push(file);
                continue;
            }
        };
        file.lines = text.lines().count();
        let start = Instant::now();
        let result = catch(|| syn::parse_file(&text));
        file.parse_time = start.elapsed();
        match result {
            Err(panic) => file.panic = Some(format!("syn panicked: {panic}")),
            Ok(Err(err)) => {
                let at = err.span().start();
                file.parse_error = Some(format!("{}:{}: {err}", at.line, at.column + 1));
            }
            Ok(Ok(ast)) => {
                // The files of `tests/` and `benches/` are test targets: test code.
                let config = Config { test_code: is_test_target(&path), ..config.clone() };
                let start = Instant::now();
                let result = catch(|| analyze(&[Source::new(FileId(0), &ast.items)], &config));
                file.engine_time = start.elapsed();
                if result.is_ok() && file.engine_time > RETIME_OVER {
                    file.engine_time = file.engine_time.min(retime(&ast.items, &config));
                }
                match result {
                    Err(panic) => file.panic = Some(panic),
                    Ok(analysis) => {
                        file.findings = analysis.findings.iter().map(|finding| record(&path, finding)).collect();
                    }
                }
                parsed.push((report.files.len(), ast));
            }
        }
        report.files.push(file);
    }

    let library = library_dir(root);
    let in_src: Vec<&(usize, syn::File)> =
        parsed.iter().filter(|(index, _)| in_library(&library, &report.files[*index].path)).collect();
    // Module paths from file paths, so same-named types in different files
    // are told apart as the CLI does.
    let lib_root = library.join("lib.rs");
    let modules: Vec<Vec<String>> = in_src
        .iter()
        .map(|(index, _)| leak_audit_engine::module_path_of_file(&lib_root, &report.files[*index].path))
        .collect();
    let sources: Vec<Source<'_>> = in_src
        .iter()
        .enumerate()
        .map(|(id, (_, ast))| Source::new(FileId(id), &ast.items).in_module(&modules[id]))
        .collect();
    let start = Instant::now();
    let result = catch(|| analyze(&sources, &config));
    report.crate_time = start.elapsed();
    match result {
        Err(panic) => report.crate_panic = Some(panic),
        Ok(analysis) => {
            for finding in &analysis.findings {
                let index = in_src[finding.location.file.0].0;
                report.findings.push(record(&report.files[index].path, finding));
            }
        }
    }
    for file in &report.files {
        if !in_library(&library, &file.path) {
            report.findings.extend(file.findings.iter().cloned());
        }
    }
    report
}

/// The folder of the library's root file, relative to the crate's folder:
/// `src` unless the manifest's `[lib] path` says otherwise.
fn library_dir(root: &Path) -> PathBuf {
    let lib_path = std::fs::read_to_string(root.join("Cargo.toml"))
        .ok()
        .and_then(|text| text.parse::<toml::Table>().ok())
        .and_then(|manifest| manifest.get("lib")?.get("path")?.as_str().map(PathBuf::from));
    match lib_path {
        // `./src/lib.rs` (im) is `src/lib.rs`.
        Some(path) => path
            .parent()
            .map(|dir| dir.components().filter(|part| part != &std::path::Component::CurDir).collect())
            .unwrap_or_default(),
        None => PathBuf::from("src"),
    }
}

/// Whether `path` belongs to the library whose files are under `library`.
/// Test, example and bench targets and build scripts are crates of their own.
#[must_use]
pub fn in_library(library: &Path, path: &Path) -> bool {
    const OTHER_TARGETS: [&str; 4] = ["tests", "examples", "benches", "build.rs"];
    path.starts_with(library)
        && !OTHER_TARGETS.iter().any(|other| {
            path.strip_prefix(library).is_ok_and(|rest| rest.starts_with(other)) || path.starts_with(other)
        })
}

fn record(path: &Path, finding: &Finding) -> Record {
    let start = finding.location.span.start();
    Record {
        file: path.to_path_buf(),
        line: start.line,
        column: start.column + 1,
        lint: finding.lint.name,
        message: finding.message.clone(),
        text: finding.one_line(),
    }
}

/// Findings per lint name.
#[must_use]
pub fn count_by_lint(records: &[Record]) -> BTreeMap<&'static str, usize> {
    let mut counts = BTreeMap::new();
    for record in records {
        *counts.entry(record.lint).or_insert(0) += 1;
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catch_returns_the_panic_message() {
        install_panic_hook();
        let err = catch(|| -> u8 { panic!("boom {}", 1) }).unwrap_err();
        assert!(err.starts_with("boom 1 at "), "{err}");
        let _ = panic::take_hook();
        assert_eq!(catch(|| 7).unwrap(), 7);
    }

    #[test]
    fn library_dir_follows_the_lib_path() {
        let dir = std::env::temp_dir().join(format!("leak_audit_corpus_lib_path_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("Cargo.toml"), "[lib]\npath = \"./src/lib.rs\"\n").unwrap();
        assert_eq!(library_dir(&dir), Path::new("src"));
        std::fs::write(dir.join("Cargo.toml"), "[lib]\npath = \"lib.rs\"\n").unwrap();
        assert_eq!(library_dir(&dir), Path::new(""));
        std::fs::write(dir.join("Cargo.toml"), "[package]\nname = \"x\"\n").unwrap();
        assert_eq!(library_dir(&dir), Path::new("src"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn library_files_exclude_other_targets() {
        assert!(in_library(Path::new("src"), Path::new("src/a/b.rs")));
        assert!(!in_library(Path::new("src"), Path::new("tests/t.rs")));
        assert!(is_test_target(Path::new("tests/t.rs")) && is_test_target(Path::new("benches/b.rs")));
        assert!(!is_test_target(Path::new("src/tests.rs")) && !is_test_target(Path::new("examples/e.rs")));
        assert!(in_library(Path::new(""), Path::new("lib.rs")));
        assert!(!in_library(Path::new(""), Path::new("examples/e.rs")));
        assert!(!in_library(Path::new(""), Path::new("build.rs")));
    }

    #[test]
    fn check_source_skips_what_does_not_parse() {
        assert!(check_source("fn (").unwrap().is_none());
        let findings = check_source(
            "static LOG: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
             fn log(s: String) { LOG.lock().unwrap().push(s); }",
        )
        .unwrap()
        .unwrap();
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].lint.name, "unbounded_static");
    }
}
