//! `cargo build` time of a crate whose generated module is under an attribute,
//! against the same crate without it, measured side by side in one run.
//!
//! Four crates per profile, identical but for the attribute on the module:
//!
//! - `plain`: none;
//! - `floor`: `#[parse_only]`, a proc macro that parses the item with syn (the
//!   same version and features as leak_audit) and hands its tokens back: the
//!   cost any syn-based attribute pays on the module;
//! - `no_count`: `#[leak_audit(no_count)]`, the lints alone;
//! - `annotated`: `#[leak_audit]`, the lints and the counting rewrite.
//!
//! All of a profile's crates share one target directory, so the dependencies
//! are built once and each timed build recompiles only the crate itself, after
//! a comment is appended to its `src/lib.rs` (an incremental dev build). Cargo
//! builds proc macros without optimisation in the dev profile, so every crate
//! is measured twice: with the default dev profile, and with
//! `[profile.dev.build-override] opt-level = 3` (macros optimised). Each round
//! builds the eight crates once, one after the other, so a slow spell of the
//! machine falls on all of them; the report gives each crate's median over the
//! rounds, its ratio to `plain` of the same profile, and the spread (the
//! interquartile range over the median) as the noise.
//!
//! Goal: at most 1.5x in the dev profile and 1.25x with optimised macros.
//!
//! `cargo bench -p leak_audit_engine --bench build_time` (`BUILD_TIME_ROUNDS=n`
//! sets the rounds, 15 by default).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "support/generate.rs"]
mod generate;

const TYPES: usize = 500;
const DEFAULT_ROUNDS: usize = 15;

/// The crates, by name and the attribute on the module.
const VARIANTS: [(&str, &str); 4] = [
    ("plain", ""),
    ("floor", "#[parse_only::parse_only]\n"),
    ("no_count", "#[leak_audit::leak_audit(no_count)]\n"),
    ("annotated", "#[leak_audit::leak_audit]\n"),
];

const PROFILES: [(&str, bool); 2] = [("dev profile", false), ("macros optimised", true)];

fn main() {
    if std::env::args().any(|arg| arg == "--list" || arg == "--test") {
        // `cargo test --benches` only checks that benchmarks start.
        return;
    }
    let rounds = std::env::var("BUILD_TIME_ROUNDS").ok().and_then(|n| n.parse().ok()).unwrap_or(DEFAULT_ROUNDS);
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("build_time");
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let runtime = manifest_dir.join("../runtime").canonicalize().unwrap();
    let floor = write_floor_macro(&root, manifest_dir);
    let body = generate::module_body(TYPES);
    let lines = generate::lines(&body);

    // (profile, variant) -> crate directory, target directory, times.
    let mut crates = Vec::new();
    for (profile, optimized) in PROFILES {
        let suffix = if optimized { "-opt" } else { "" };
        let target = root.join(format!("target{suffix}"));
        for (variant, attribute) in VARIANTS {
            let lib = format!("{attribute}pub mod model {{\n{body}}}\n");
            let dir = write_crate(&root, &format!("{variant}{suffix}"), &runtime, &floor, &lib, optimized);
            build(&dir, &target, 0);
            crates.push((profile, variant, dir, target.clone(), Vec::new()));
        }
    }
    for round in 1..=rounds {
        for (_, _, dir, target, times) in &mut crates {
            times.push(build(dir, target, round));
        }
    }

    println!("build_time: {TYPES} types, {lines} lines; medians of {rounds} interleaved rounds");
    for (profile, _) in PROFILES {
        let of_profile: Vec<_> = crates.iter().filter(|(p, ..)| *p == profile).collect();
        let plain = median(&of_profile[0].4);
        for (_, variant, _, _, times) in of_profile {
            let (median, spread) = (median(times), spread(times));
            println!(
                "  {profile:<16} {variant:<10} {:>6.3} s  {:>5.2}x  (interquartile range {:.0}% of the median)",
                median.as_secs_f64(),
                median.as_secs_f64() / plain.as_secs_f64(),
                spread * 100.0,
            );
        }
    }
}

/// Writes the `parse_only` proc-macro crate: parse the item as leak_audit
/// does, print it back.
fn write_floor_macro(root: &Path, manifest_dir: &Path) -> PathBuf {
    // The same syn as the workspace, with the features leak_audit's macro uses.
    let workspace = std::fs::read_to_string(manifest_dir.join("../Cargo.toml")).unwrap();
    let syn = workspace.lines().find(|line| line.starts_with("syn = ")).expect("the workspace pins syn");
    let syn = syn.replacen("features = [", "features = [\"proc-macro\", ", 1);
    let dir = root.join("parse_only");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"parse_only\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[lib]\nproc-macro = true\n\n\
             [dependencies]\n{syn}\nquote = \"1\"\n"
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("src/lib.rs"),
        "use proc_macro::TokenStream;\n\n\
         /// Parses the item with syn and hands it back.\n\
         #[proc_macro_attribute]\n\
         pub fn parse_only(_args: TokenStream, input: TokenStream) -> TokenStream {\n    \
             let item = syn::parse_macro_input!(input as syn::Item);\n    \
             quote::quote!(#item).into()\n\
         }\n",
    )
    .unwrap();
    dir
}

fn write_crate(root: &Path, name: &str, runtime: &Path, floor: &Path, lib: &str, optimized_macros: bool) -> PathBuf {
    let dir = root.join(name);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[dependencies]\n\
             leak_audit = {{ path = {:?} }}\nparse_only = {{ path = {:?} }}\n\n[workspace]\n{}",
            runtime.display().to_string(),
            floor.display().to_string(),
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

fn sorted(times: &[Duration]) -> Vec<Duration> {
    let mut times = times.to_vec();
    times.sort();
    times
}

fn median(times: &[Duration]) -> Duration {
    sorted(times)[times.len() / 2]
}

/// The interquartile range over the median.
fn spread(times: &[Duration]) -> f64 {
    let times = sorted(times);
    let quartile = |q: usize| times[(times.len() - 1) * q / 4].as_secs_f64();
    (quartile(3) - quartile(1)) / median(&times).as_secs_f64()
}
