//! `leak_audit_corpus`: fetch the pinned corpus and run the engine over it.
//!
//! ```text
//! leak_audit_corpus [--manifest corpus/crates.toml] [--dir corpus/crates]
//!                   [--only name,name] [--limit-ms 100] [--findings FILE]
//! ```
//!
//! Exit status: 0 when nothing panicked and no file took the engine longer
//! than the limit, 1 otherwise, 2 when the corpus could not be read or fetched.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use leak_audit_corpus::report::{self, Failure};
use leak_audit_corpus::{fetch, manifest, scan};

struct Options {
    manifest: PathBuf,
    dir: PathBuf,
    only: Option<Vec<String>>,
    limit: Duration,
    findings: Option<PathBuf>,
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        manifest: PathBuf::from("corpus/crates.toml"),
        dir: PathBuf::from("corpus/crates"),
        only: None,
        limit: Duration::from_millis(100),
        findings: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("`{arg}` needs a value"));
        match arg.as_str() {
            "--manifest" => options.manifest = value()?.into(),
            "--dir" => options.dir = value()?.into(),
            "--only" => options.only = Some(value()?.split(',').map(str::to_owned).collect()),
            "--limit-ms" => {
                let text = value()?;
                options.limit = Duration::from_millis(text.parse().map_err(|_| format!("bad --limit-ms `{text}`"))?);
            }
            "--findings" => options.findings = Some(value()?.into()),
            "-h" | "--help" => {
                return Err("usage: leak_audit_corpus [--manifest FILE] [--dir DIR] [--only a,b] [--limit-ms N] \
                            [--findings FILE]"
                    .to_owned())
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(options)
}

fn main() -> ExitCode {
    let options = match parse_args() {
        Ok(options) => options,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    let mut crates = match manifest::read(&options.manifest) {
        Ok(crates) => crates,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    if let Some(only) = &options.only {
        if let Some(unknown) = only.iter().find(|name| !crates.iter().any(|krate| &krate.name == *name)) {
            eprintln!("error: `{unknown}` is not in {}", options.manifest.display());
            return ExitCode::from(2);
        }
        crates.retain(|krate| only.contains(&krate.name));
    }
    if let Err(err) = fetch::ensure(&crates, &options.dir) {
        eprintln!("error: {err}");
        return ExitCode::from(2);
    }

    scan::install_panic_hook();
    let started = Instant::now();
    let mut results = Vec::new();
    for krate in crates {
        let report = scan::scan_crate(&fetch::source_dir(&options.dir, &krate));
        results.push((krate, report));
    }
    let wall = started.elapsed();
    drop(std::panic::take_hook());

    print!("{}", report::table(&results));
    let all_files: usize = results.iter().flat_map(|(_, report)| &report.files).map(|file| file.findings.len()).sum();
    let counted: usize = results.iter().map(|(_, report)| report.findings.len()).sum();
    println!(
        "\nwall time {:.1} s; {counted} findings (libraries analysed as one scope each); \
         {all_files} when every file is analysed alone",
        wall.as_secs_f64()
    );

    let findings_path = options.findings.clone().unwrap_or_else(|| options.dir.join("findings.txt"));
    let text = findings_list(&results);
    match std::fs::write(&findings_path, text) {
        Ok(()) => println!("findings listed in {}", findings_path.display()),
        Err(err) => eprintln!("warning: cannot write {}: {err}", findings_path.display()),
    }

    // Timings of an unoptimised build say nothing about users' builds.
    let limit = (!cfg!(debug_assertions)).then_some(options.limit);
    if limit.is_none() {
        println!(
            "note: debug build, the {} ms limit per file is not checked (corpus/run.sh builds in release)",
            options.limit.as_millis()
        );
    }
    let failures = report::failures(&results, limit);
    if failures.is_empty() {
        println!("ok: no panic, no file over {} ms", options.limit.as_millis());
        return ExitCode::SUCCESS;
    }
    for failure in &failures {
        match failure {
            Failure::Panic { place, message } => println!("PANIC {place}: {message}"),
            Failure::Slow { place, time } => {
                println!(
                    "SLOW {place}: {:.1} ms (limit {} ms)",
                    time.as_secs_f64() * 1000.0,
                    options.limit.as_millis()
                );
            }
        }
    }
    println!("failed: {} problem(s)", failures.len());
    ExitCode::FAILURE
}

/// One line per finding: `crate-version/path:line:column: lint: text`.
fn findings_list(results: &[(manifest::Crate, scan::CrateReport)]) -> String {
    let mut text = String::new();
    for (krate, report) in results {
        for record in &report.findings {
            let _ = writeln!(
                text,
                "{}/{}:{}:{}: {}: {}",
                krate.dir_name(),
                record.file.display(),
                record.line,
                record.column,
                record.lint,
                record.text
            );
        }
    }
    text
}
