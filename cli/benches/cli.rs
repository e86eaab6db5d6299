//! Times `cargo leak-audit` on a generated 100k-line crate.
//!
//! - `cli_100k_lines`: the release binary end to end, `cargo metadata`
//!   included, as a user runs it;
//! - `analysis_100k_lines`: reading, parsing and analysing the crate in
//!   process, without `cargo metadata`.
//!
//! `cargo check` of the same crate is timed side by side by
//! `cli/benches/compare.sh` (it needs minutes, not milliseconds). With
//! `LEAK_AUDIT_BENCH_GENERATE=<dir>` the bench only writes the crate into
//! `<dir>` and exits; the script uses that.

#[path = "generate.rs"]
mod generate;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use cargo_leak_audit::modules::load_crate;
use criterion::Criterion;

/// The allocator of the binary (`src/main.rs`), so that the in-process
/// benchmark measures what the binary does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const FILES: usize = 100;
const LINES_PER_FILE: usize = 1000;

fn crate_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("leak-audit-bench-100k")
}

fn main() {
    if let Some(dir) = std::env::var_os("LEAK_AUDIT_BENCH_GENERATE") {
        let lines = generate::generate(Path::new(&dir), FILES, LINES_PER_FILE).expect("crate written");
        println!("wrote {lines} lines to {}", Path::new(&dir).display());
        return;
    }
    let dir = crate_dir();
    let lines = generate::generate(&dir, FILES, LINES_PER_FILE).expect("crate written");
    eprintln!("generated crate: {lines} lines in {} files at {}", FILES + 2, dir.display());
    let manifest = dir.join("Cargo.toml");

    let mut criterion =
        Criterion::default().sample_size(10).measurement_time(Duration::from_secs(10)).configure_from_args();

    criterion.bench_function("cli_100k_lines", |bench| {
        bench.iter(|| {
            let output = Command::new(env!("CARGO_BIN_EXE_cargo-leak-audit"))
                .args(["leak-audit", "--message-format", "json", "--manifest-path"])
                .arg(&manifest)
                .output()
                .expect("the binary runs");
            assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
            assert!(output.stdout.len() > 1000, "findings are printed");
        });
    });

    let root = dir.join("src/lib.rs");
    criterion.bench_function("analysis_100k_lines", |bench| {
        bench.iter(|| {
            let display = |path: &Path| path.display().to_string();
            let loaded = load_crate(&root, &display);
            assert_eq!(loaded.files.len(), FILES + 2);
            let sources: Vec<_> = loaded
                .asts
                .iter()
                .enumerate()
                .map(|(index, ast)| {
                    leak_audit_engine::Source::new(
                        leak_audit_engine::FileId(index),
                        &ast.as_ref().expect("parses").items,
                    )
                })
                .collect();
            let analysis = leak_audit_engine::analyze(&sources, &leak_audit_engine::Config::default());
            assert!(!analysis.findings.is_empty());
            drop(sources);
            drop(loaded);
            proc_macro2::extra::invalidate_current_thread_spans();
        });
    });

    criterion.final_summary();
}
