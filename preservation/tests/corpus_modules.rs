//! Real crates under `#[leak_audit]`: each crate of the corpus
//! (`corpus/crates/src/<name>-<version>/`, fetched by `bash corpus/run.sh`)
//! is copied to a scratch package, its module files are inlined into
//! `src/lib.rs`, and the whole library is put inside one inline
//! `mod wrapped { .. }` (paths `crate::x` become `crate::wrapped::x`; crate
//! attributes and `extern crate`s stay at the root). The plain wrapped crate
//! and the same with `#[leak_audit::leak_audit]` on `wrapped` then run their
//! own unit tests (`cargo test --lib`): the annotated crate must compile and
//! pass as many tests as the plain one.
//!
//! Ignored by default (it builds real crates and their dev-dependencies):
//! `bash preservation/run_corpus.sh` runs it. `PRESERVATION_CORPUS=a,b` picks
//! crates by name; `PRESERVATION_ONLINE=1` lets cargo fetch missing
//! dev-dependencies from crates.io.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use leak_audit_preservation::scratch::{workspace_root, write_if_changed, Outcome, Scratch};

const CRATES: &[&str] = &[
    "lru",
    "typed-arena",
    "smallvec",
    "slotmap",
    "string-interner",
    "ego-tree",
    "rctree",
    "indextree",
    "once_cell",
    "anyhow",
    "log",
    "lazy_static",
    "bumpalo",
    "indexmap",
];

/// `#[path = "x"]` on its own line.
fn path_attr(line: &str) -> Option<String> {
    let rest = line.trim().strip_prefix("#[path")?.trim_start().strip_prefix('=')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    Some(rest[..rest.find('"')?].to_owned())
}

/// `<prefix>mod name;` (prefix: attributes and a visibility): the prefix and
/// the name.
fn mod_decl(line: &str) -> Option<(String, String)> {
    let trimmed = line.trim_end();
    if trimmed.trim_start().starts_with("//") {
        return None;
    }
    let body = trimmed.strip_suffix(';')?;
    let at = body.rfind("mod ")?;
    let (prefix, name) = (&body[..at], body[at + 4..].trim());
    let name_ok = !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '#');
    let prefix_trim = prefix.trim();
    let prefix_ok = prefix_trim.is_empty()
        || prefix_trim.ends_with(']')
        || prefix_trim.ends_with("pub")
        || prefix_trim.ends_with(')') && prefix_trim.contains("pub");
    (name_ok && prefix_ok && (at == 0 || !body[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_')))
        .then(|| (prefix.to_owned(), name.to_owned()))
}

/// The text of `file` with every `mod x;` replaced by the inlined module;
/// counts the files inlined.
fn inline(file: &Path, children: &Path, files: &mut usize, missing: &mut Vec<String>) -> String {
    *files += 1;
    let text = std::fs::read_to_string(file).unwrap_or_default();
    let mut out = String::new();
    let mut pending_path = None;
    for line in text.lines() {
        if let Some(path) = path_attr(line) {
            pending_path = Some(path);
            continue;
        }
        if let Some((prefix, name)) = mod_decl(line) {
            let plain = name.trim_start_matches("r#");
            let (child, grandchildren) = match pending_path.take() {
                Some(path) => {
                    let child = file.parent().unwrap_or(Path::new(".")).join(path);
                    let dir = child.parent().unwrap_or(Path::new(".")).to_path_buf();
                    (child, dir)
                }
                None => {
                    let flat = children.join(format!("{plain}.rs"));
                    if flat.exists() {
                        (flat, children.join(plain))
                    } else {
                        (children.join(plain).join("mod.rs"), children.join(plain))
                    }
                }
            };
            if child.exists() {
                let body = inline(&child, &grandchildren, files, missing);
                let _ = writeln!(out, "{prefix}mod {name} {{\n{body}\n}}");
            } else {
                missing.push(child.display().to_string());
                let _ = writeln!(out, "{prefix}mod {name} {{}}");
            }
            continue;
        }
        pending_path = None;
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `crate::` becomes `crate::wrapped::` (also `$crate::`).
fn rebase_crate_paths(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1024);
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        let before = &rest[..at];
        let ident_before = before.ends_with(|c: char| c.is_alphanumeric() || c == '_');
        out.push_str(before);
        out.push_str("crate::");
        rest = &rest[at + "crate::".len()..];
        // `$crate::name!`: `#[macro_export]` macros stay at the crate root.
        let ident_len = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
        let macro_call = rest[ident_len..].starts_with('!');
        if !ident_before && !macro_call {
            out.push_str("wrapped::");
        }
    }
    out.push_str(rest);
    out
}

/// Splits lib.rs into what stays at the crate root (inner attributes, with
/// `deny`/`forbid` relaxed to `warn`; `extern crate`s with their attributes)
/// and the rest.
fn hoist(lib: &str) -> (String, String) {
    let mut inner = String::new();
    let mut externs = String::new();
    let mut body = String::new();
    let mut attrs: Vec<&str> = Vec::new();
    let mut in_inner_attr = 0i32;
    for line in lib.lines() {
        let trimmed = line.trim_start();
        if in_inner_attr > 0 || trimmed.starts_with("#![") {
            in_inner_attr += bracket_balance(line);
            inner.push_str(&line.replace("deny(", "warn(").replace("forbid(", "warn("));
            inner.push('\n');
            continue;
        }
        if trimmed.starts_with("//!") {
            continue;
        }
        if line.starts_with("#[") && !line.starts_with("#[doc") && line.trim_end().ends_with(']') {
            attrs.push(line);
            continue;
        }
        let target = if line.starts_with("extern crate") { &mut externs } else { &mut body };
        for attr in attrs.drain(..) {
            target.push_str(attr);
            target.push('\n');
        }
        target.push_str(line);
        target.push('\n');
    }
    (format!("{inner}{externs}"), body)
}

fn bracket_balance(line: &str) -> i32 {
    line.chars()
        .map(|c| match c {
            '[' => 1,
            ']' => -1,
            _ => 0,
        })
        .sum()
}

struct Prepared {
    files: usize,
    missing: Vec<String>,
}

/// Copies `source` to `dir` and writes the wrapped lib.rs.
fn prepare(source: &Path, dir: &Path, annotated: bool) -> Prepared {
    if !dir.join("Cargo.toml").exists() {
        let status = Command::new("cp").arg("-r").arg(source).arg(dir).status().expect("cp");
        assert!(status.success());
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).expect("manifest");
        let runtime = workspace_root().join("runtime");
        // 2015-edition crates: `::leak_audit` and the moved `crate::` paths
        // need 2018 paths (the plain build shows whether the crate takes it).
        let manifest = if manifest.lines().any(|line| line.starts_with("edition")) {
            manifest
        } else {
            manifest.replacen("[package]\n", "[package]\nedition = \"2018\"\n", 1)
        };
        let manifest = format!(
            "{manifest}\n[dependencies.leak_audit]\npath = {:?}\n\n[workspace]\n",
            runtime.display().to_string()
        );
        std::fs::write(dir.join("Cargo.toml"), manifest).expect("write manifest");
        std::fs::copy(dir.join("src/lib.rs"), dir.join("src/lib.rs.orig")).expect("keep lib.rs");
    }
    let lib = std::fs::read_to_string(dir.join("src/lib.rs.orig")).expect("lib.rs");
    let (root, body) = hoist(&lib);
    let mut files = 0;
    let mut missing = Vec::new();
    let src = dir.join("src");
    std::fs::write(src.join("__body.rs"), body).expect("write body");
    let body = inline(&src.join("__body.rs"), &src, &mut files, &mut missing);
    let attr = if annotated { "#[::leak_audit::leak_audit]\n" } else { "" };
    let wrapped = format!(
        "{root}\n{attr}#[allow(unused_imports)]\nmod wrapped {{\n{}\n}}\n#[allow(unused_imports)]\npub use wrapped::*;\n",
        rebase_crate_paths(&body)
    );
    write_if_changed(&src.join("lib.rs"), &wrapped);
    Prepared { files, missing }
}

fn tests_passed(outcome: &Outcome) -> (usize, usize) {
    let mut passed = 0;
    let mut failed = 0;
    for line in outcome.stdout.lines() {
        if let Some(rest) = line.strip_prefix("test result: ") {
            let number = |word: &str| {
                rest.split(';').find_map(|part| {
                    part.trim().strip_suffix(word).and_then(|n| n.trim().rsplit(' ').next()?.parse::<usize>().ok())
                })
            };
            passed += number("passed").unwrap_or(0);
            failed += number("failed").unwrap_or(0);
        }
    }
    (passed, failed)
}

fn find_crate(dir: &Path, name: &str) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name().and_then(|n| n.to_str()).is_some_and(|n| {
                n.strip_prefix(name)
                    .and_then(|rest| rest.strip_prefix('-'))
                    .is_some_and(|v| v.starts_with(|c: char| c.is_ascii_digit()))
            })
        })
        .collect();
    found.sort();
    found.pop()
}

#[test]
#[ignore = "builds real crates: run preservation/run_corpus.sh"]
fn real_crates_keep_compiling_and_passing_their_tests_when_wrapped() {
    let corpus = workspace_root().join("corpus/crates/src");
    assert!(corpus.is_dir(), "no corpus: run `bash corpus/run.sh` first to fetch the crates");
    let names: Vec<String> = match std::env::var("PRESERVATION_CORPUS") {
        Ok(list) => list.split(',').map(str::to_owned).collect(),
        Err(_) => CRATES.iter().map(|name| (*name).to_owned()).collect(),
    };
    let online = std::env::var("PRESERVATION_ONLINE").is_ok_and(|value| value == "1");
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("preservation-corpus");
    let target = root.join("target");
    std::fs::create_dir_all(&root).expect("scratch root");

    let mut table = String::from(
        "| crate | files inlined | plain: builds, tests passed | annotated: builds, tests passed | verdict |\n|---|---|---|---|---|\n",
    );
    let mut details = String::new();
    let mut regressions = 0;
    let (mut wrapped_files, mut compiled_files, mut crates_ok) = (0, 0, 0);
    for name in &names {
        let Some(source) = find_crate(&corpus, name) else {
            let _ = writeln!(table, "| {name} | not fetched | | | |");
            continue;
        };
        let label = source.file_name().and_then(|n| n.to_str()).unwrap_or(name).to_owned();
        let mut outcomes = Vec::new();
        let mut prepared = None;
        for annotated in [false, true] {
            let dir = root.join(format!("{label}-{}", if annotated { "annotated" } else { "plain" }));
            prepared = Some(prepare(&source, &dir, annotated));
            let mut scratch = Scratch { dir, target: target.clone(), offline: !online };
            let mut outcome = scratch.cargo(&["test", "--lib", "--no-fail-fast"], &[]);
            if !outcome.ok && outcome.errors.is_empty() && outcome.stderr.contains("offline") && !online {
                scratch.offline = false;
                outcome = scratch.cargo(&["test", "--lib", "--no-fail-fast"], &[]);
            }
            outcomes.push(outcome);
        }
        let prepared = prepared.expect("prepared");
        let (plain, annotated) = (&outcomes[0], &outcomes[1]);
        let plain_built = plain.errors.is_empty() && (plain.ok || plain.stdout.contains("test result"));
        let annotated_built = annotated.errors.is_empty() && (annotated.ok || annotated.stdout.contains("test result"));
        let (plain_passed, plain_failed) = tests_passed(plain);
        let (annotated_passed, annotated_failed) = tests_passed(annotated);
        let verdict = if !plain_built {
            "plain wrapped crate does not build (harness)".to_owned()
        } else if !annotated_built {
            regressions += 1;
            "REGRESSION: annotated does not build".to_owned()
        } else if annotated_passed < plain_passed {
            regressions += 1;
            "REGRESSION: fewer tests pass".to_owned()
        } else {
            crates_ok += 1;
            "ok".to_owned()
        };
        wrapped_files += prepared.files;
        if annotated_built {
            compiled_files += prepared.files;
        }
        let _ = writeln!(
            table,
            "| {label} | {} | {}, {plain_passed}/{} | {}, {annotated_passed}/{} | {verdict} |",
            prepared.files,
            if plain_built { "yes" } else { "no" },
            plain_passed + plain_failed,
            if annotated_built { "yes" } else { "no" },
            annotated_passed + annotated_failed,
        );
        if !prepared.missing.is_empty() {
            let _ = writeln!(details, "### {label}: module files not found\n{}\n", prepared.missing.join("\n"));
        }
        for (which, outcome) in [("plain", plain), ("annotated", annotated)] {
            if !outcome.ok {
                let _ = writeln!(details, "### {label} ({which})\n```\n{}\n```\n", outcome.error_summary());
                if outcome.errors.is_empty() {
                    let tail: Vec<&str> = outcome
                        .stdout
                        .lines()
                        .filter(|l| l.contains("FAILED") || l.contains("panicked"))
                        .take(20)
                        .collect();
                    let _ = writeln!(details, "```\n{}\n```\n", tail.join("\n"));
                }
            }
        }
    }
    let summary = format!(
        "{table}\nCrates: {} tried, {crates_ok} ok, {regressions} regressions. Module files wrapped: {wrapped_files}, compiled annotated: {compiled_files}.\n",
        names.len()
    );
    std::fs::write(root.join("corpus-results.md"), format!("{summary}\n{details}")).expect("write results");
    eprintln!("{summary}\n{details}\n(written to {})", root.join("corpus-results.md").display());
    assert_eq!(regressions, 0, "annotated crates broke");
}
