//! `cargo build` time of a crate with `#[leak_audit]` on its module, against the
//! same crate without it, measured side by side in one run.
//!
//! Both crates depend on `leak_audit` and share one target directory, so the
//! dependencies are built once and each timed build recompiles only the crate
//! itself: the difference is the attribute's cost (parsing, analysis, rendering
//! warnings, the counting rewrite). Goal: at most 1.10x.
//!
//! Cargo builds proc macros without optimisation in the dev profile, and a
//! syn-based macro over a 12,000-line module spends most of its time there, so
//! the pair is measured twice: with the default dev profile, and with
//! `[profile.dev.build-override] opt-level = 3` (macros optimised).
//!
//! `cargo bench -p leak_audit_engine --bench build_time`

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "support/generate.rs"]
mod generate;

const TYPES: usize = 500;
const RUNS: usize = 5;

fn main() {
    if std::env::args().any(|arg| arg == "--list" || arg == "--test") {
        // `cargo test --benches` only checks that benchmarks start.
        return;
    }
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("build_time");
    let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime").canonicalize().unwrap();
    let body = generate::module_body(TYPES);
    let lines = generate::lines(&body);
    let plain_lib = format!("pub mod model {{\n{body}}}\n");
    let annotated_lib = format!("#[leak_audit::leak_audit]\npub mod model {{\n{body}}}\n");
    for (profile, optimized) in [("dev profile", false), ("macros optimised", true)] {
        let suffix = if optimized { "-opt" } else { "" };
        let plain = write_crate(&root, &format!("plain{suffix}"), &runtime, &plain_lib, optimized);
        let annotated = write_crate(&root, &format!("annotated{suffix}"), &runtime, &annotated_lib, optimized);
        let target = root.join(format!("target{suffix}"));
        for dir in [&plain, &annotated] {
            build(dir, &target, 0);
        }
        let mut plain_times = Vec::new();
        let mut annotated_times = Vec::new();
        for run in 1..=RUNS {
            plain_times.push(build(&plain, &target, run));
            annotated_times.push(build(&annotated, &target, run));
        }
        let plain_median = median(plain_times);
        let annotated_median = median(annotated_times);
        println!(
            "build_time ({profile}): {TYPES} types, {lines} lines; plain {:.2} s, annotated {:.2} s = {:.3}x (median of {RUNS} rebuilds each)",
            plain_median.as_secs_f64(),
            annotated_median.as_secs_f64(),
            annotated_median.as_secs_f64() / plain_median.as_secs_f64(),
        );
    }
}

fn write_crate(root: &Path, name: &str, runtime: &Path, lib: &str, optimized_macros: bool) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[dependencies]\nleak_audit = {{ path = {:?} }}\n\n[workspace]\n{}",
            runtime.display().to_string(),
            if optimized_macros { "\n[profile.dev.build-override]\nopt-level = 3\n" } else { "" },
        ),
    )
    .unwrap();
    std::fs::write(dir.join("src/lib.rs"), format!("#![allow(dead_code, unused)]\n{lib}")).unwrap();
    dir
}

/// Rebuilds the crate after a change to its source, returning the build time.
fn build(dir: &Path, target: &Path, run: usize) -> Duration {
    let lib = dir.join("src/lib.rs");
    let source = std::fs::read_to_string(&lib).unwrap();
    let source = match source.split_once("\n// run ") {
        Some((head, _)) => head.to_string(),
        None => source,
    };
    std::fs::write(&lib, format!("{source}\n// run {run}\n")).unwrap();
    let start = Instant::now();
    let status = Command::new(env!("CARGO"))
        .args(["build", "--quiet", "--manifest-path"])
        .arg(dir.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("cargo runs");
    assert!(status.success(), "build of {} failed", dir.display());
    start.elapsed()
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}
