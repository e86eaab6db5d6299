//! `leak_audit_corpus`: fetch the pinned corpus and run the engine over it.
//!
//! ```text
//! leak_audit_corpus [--manifest corpus/crates.toml] [--dir corpus/crates]
//!                   [--only name,name] [--limit-ms 100] [--findings FILE]
//!                   [--snapshot corpus/findings.txt] [--labels corpus/labels.tsv]
//!                   [--bless]
//! ```
//!
//! Exit status: 0 when nothing panicked, no file took the engine longer than
//! the limit and the findings are those of the snapshot; 1 otherwise; 2 when
//! the corpus, the snapshot or the labels could not be read, or the corpus
//! could not be fetched. `--bless` writes the findings into the snapshot
//! instead of comparing them (only those of the `--only` crates, if given).

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use leak_audit_corpus::labels::{self, Label};
use leak_audit_corpus::report::{self, Failure};
use leak_audit_corpus::snapshot::{self, Line};
use leak_audit_corpus::{fetch, manifest, scan};
use leak_audit_engine::LINTS;

struct Options {
    manifest: PathBuf,
    dir: PathBuf,
    only: Option<Vec<String>>,
    limit: Duration,
    findings: Option<PathBuf>,
    snapshot: PathBuf,
    labels: PathBuf,
    bless: bool,
}

fn parse_args() -> Result<Options, String> {
    let mut options = Options {
        manifest: PathBuf::from("corpus/crates.toml"),
        dir: PathBuf::from("corpus/crates"),
        only: None,
        limit: Duration::from_millis(100),
        findings: None,
        snapshot: PathBuf::from("corpus/findings.txt"),
        labels: PathBuf::from("corpus/labels.tsv"),
        bless: false,
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
            "--snapshot" => options.snapshot = value()?.into(),
            "--labels" => options.labels = value()?.into(),
            "--bless" => options.bless = true,
            "-h" | "--help" => {
                return Err("usage: leak_audit_corpus [--manifest FILE] [--dir DIR] [--only a,b] [--limit-ms N] \
                            [--findings FILE] [--snapshot FILE] [--labels FILE] [--bless]"
                    .to_owned())
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(options)
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(2)
        }
    }
}

/// The whole run: `Ok(true)` when it passes, `Ok(false)` when it fails, `Err`
/// when it cannot be done.
fn run() -> Result<bool, String> {
    let options = parse_args()?;
    let mut crates = manifest::read(&options.manifest)?;
    let all_crates = crates.clone();
    if let Some(only) = &options.only {
        if let Some(unknown) = only.iter().find(|name| !crates.iter().any(|krate| &krate.name == *name)) {
            return Err(format!("`{unknown}` is not in {}", options.manifest.display()));
        }
        crates.retain(|krate| only.contains(&krate.name));
    }
    let only = options.only.as_deref();
    let old_snapshot = read_snapshot(&options)?;
    let all_labels = read_labels(&options.labels)?;
    labels::check_pins(&all_labels, &all_crates).map_err(|err| format!("{}: {err}", options.labels.display()))?;
    let labels: Vec<Label> =
        all_labels.into_iter().filter(|label| only.is_none_or(|names| names.contains(&label.site.krate))).collect();
    fetch::ensure(&crates, &options.dir)?;

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
        Ok(()) => println!("findings with their notes and help listed in {}", findings_path.display()),
        Err(err) => eprintln!("warning: cannot write {}: {err}", findings_path.display()),
    }

    let run_lines: Vec<Line> = results
        .iter()
        .flat_map(|(krate, report)| report.findings.iter().map(move |record| Line::new(krate, record)))
        .collect();
    let lint_names: Vec<&str> = LINTS.iter().map(|lint| lint.name).collect();
    println!("\nscores against {} ({} labels):\n", options.labels.display(), labels.len());
    print!("{}", labels::render(&labels::score(&run_lines, &labels, &lint_names)));
    let stale = labels::without_finding(&run_lines, &labels);
    for label in &stale {
        println!("no finding for label: {} {}: {}", label.site, label.verdict, label.reason);
    }

    let snapshot_ok = if options.bless {
        let lines = snapshot::bless(&old_snapshot, &run_lines, only);
        let count = lines.len();
        std::fs::write(&options.snapshot, snapshot::render(lines))
            .map_err(|err| format!("cannot write {}: {err}", options.snapshot.display()))?;
        println!("\nblessed: {} now holds {count} findings", options.snapshot.display());
        true
    } else {
        let expected: Vec<Line> = old_snapshot.into_iter().filter(|line| snapshot::covered(line, only)).collect();
        let changes = snapshot::diff(&expected, &run_lines);
        if changes.is_empty() {
            println!("\nfindings: the same {} as {}", run_lines.len(), options.snapshot.display());
        } else {
            println!(
                "\nfindings differ from {}: {} gained (+), {} lost (-)\n{}",
                options.snapshot.display(),
                changes.gained.len(),
                changes.lost.len(),
                snapshot::render_diff(&changes)
            );
            println!(
                "if the change is intended, run `bash corpus/run.sh --bless` and label the gained findings \
                 in {}",
                options.labels.display()
            );
        }
        changes.is_empty()
    };

    // Timings of an unoptimised build say nothing about users' builds.
    let limit = (!cfg!(debug_assertions)).then_some(options.limit);
    if limit.is_none() {
        println!(
            "note: debug build, the {} ms limit per file is not checked (corpus/run.sh builds in release)",
            options.limit.as_millis()
        );
    }
    let failures = report::failures(&results, limit);
    if failures.is_empty() && snapshot_ok {
        println!("ok: no panic, no file over {} ms, findings as in the snapshot", options.limit.as_millis());
        return Ok(true);
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
    let problems = failures.len() + usize::from(!snapshot_ok);
    println!("failed: {problems} problem(s)");
    Ok(false)
}

/// The snapshot's lines; none when blessing a snapshot not written yet.
fn read_snapshot(options: &Options) -> Result<Vec<Line>, String> {
    match std::fs::read_to_string(&options.snapshot) {
        Ok(text) => snapshot::parse(&text).map_err(|err| format!("{}: {err}", options.snapshot.display())),
        Err(err) if options.bless && err.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(err) => Err(format!(
            "cannot read the findings snapshot {}: {err} (`bash corpus/run.sh --bless` writes it)",
            options.snapshot.display()
        )),
    }
}

fn read_labels(path: &std::path::Path) -> Result<Vec<Label>, String> {
    let text = std::fs::read_to_string(path).map_err(|err| format!("cannot read {}: {err}", path.display()))?;
    labels::parse(&text).map_err(|err| format!("{}: {err}", path.display()))
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
