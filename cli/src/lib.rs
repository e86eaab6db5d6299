//! `cargo leak-audit`: the lints of `leak_audit` over whole crates.
//!
//! The `#[leak_audit]` attribute sees only the item it is put on. This command
//! reads every file of a crate, following `mod` declarations, and analyses the
//! crate as one scope with the same engine, so a cycle between types in two
//! files is found. No annotation is needed; `#[leak_audit(allow(..))]`
//! attributes in the sources are honoured.
//!
//! # Pipeline
//!
//! 1. [`cli`]: the arguments; [`project`]: `cargo metadata`, the packages and
//!    targets to audit and their [`config`] (`[*.metadata.leak-audit]`, `-W/-A/-D`).
//! 2. [`check`]: each crate is read by [`modules`], parsed, analysed and turned
//!    into plain [`diagnostic`]s, crates in parallel.
//! 3. [`render`]: rustc's text, cargo's JSON messages, SARIF or a DOT graph.
//!
//! # Exit status
//!
//! 0 when no finding is denied, 1 when one is, 2 on errors: a bad manifest or
//! configuration, a missing or unparsable file.

#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]

pub mod check;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod modules;
pub mod project;
pub mod render;
pub mod source;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::Write;

use crate::cli::{Cli, ColorChoice, MessageFormat};
use crate::diagnostic::{Diagnostic, Severity};
use crate::render::{human, json, sarif};
use leak_audit_engine::TypeGraph;

/// Exit status: nothing denied.
pub const EXIT_OK: i32 = 0;
/// Exit status: at least one finding at the `deny` level.
pub const EXIT_DENIED: i32 = 1;
/// Exit status: the crate could not be fully analysed, or the command was used wrongly.
pub const EXIT_ERROR: i32 = 2;

/// Where the command writes, and whether stderr is a terminal (for `--color auto`).
#[allow(missing_debug_implementations)]
pub struct Output<'a> {
    /// Machine-readable output: JSON, SARIF, DOT, `--explain`.
    pub stdout: &'a mut dyn Write,
    /// Human-readable diagnostics, as cargo prints them.
    pub stderr: &'a mut dyn Write,
    /// Whether stderr is a terminal.
    pub stderr_is_terminal: bool,
}

/// Runs the command with `args` (the program name first) and returns the exit status.
pub fn run<I, T>(args: I, out: &mut Output<'_>) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString>,
{
    run_with(args, out, check::Trees::Free)
}

/// [`run`], for a process that exits as soon as it returns (the binary): the
/// syntax trees of the last crate each thread analysed are left to the
/// operating system rather than freed one node at a time (see [`check::Trees`]).
pub fn run_then_exit<I, T>(args: I, out: &mut Output<'_>) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString>,
{
    run_with(args, out, check::Trees::LeakLast)
}

fn run_with<I, T>(args: I, out: &mut Output<'_>, trees: check::Trees) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString>,
{
    let cli = match Cli::parse_args(args) {
        Ok(cli) => cli,
        Err(error) => {
            let text =
                if out.stderr_is_terminal { error.render().ansi().to_string() } else { error.render().to_string() };
            let stream: &mut dyn Write = if error.use_stderr() { out.stderr } else { out.stdout };
            let _ = write!(stream, "{text}");
            return if error.use_stderr() { EXIT_ERROR } else { EXIT_OK };
        }
    };
    let color = use_color(cli.color, out.stderr_is_terminal);
    match execute(&cli, out, color, trees) {
        Ok(status) => status,
        Err(message) => {
            // A SARIF consumer reads stdout whatever the exit code: give it a
            // log that records the failure rather than nothing.
            if cli.message_format == MessageFormat::Sarif && cli.graph.is_none() && cli.explain.is_none() {
                let failure = Diagnostic::error(message.clone(), None);
                let root = std::env::current_dir().unwrap_or_default();
                if let Ok(text) = serde_json::to_string_pretty(&sarif::log(&[&failure], &root)) {
                    let _ = writeln!(out.stdout, "{text}");
                }
            }
            // The first line is the title; the rest (cargo's own output) is printed as it is.
            let (title, rest) = message.split_once('\n').unwrap_or((&message, ""));
            let _ = writeln!(out.stderr, "{}", human::render_title(Severity::Error, title, color));
            if !rest.is_empty() {
                let _ = writeln!(out.stderr, "{}", rest.trim_end());
            }
            EXIT_ERROR
        }
    }
}

fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
    let choice = match (choice, std::env::var("CARGO_TERM_COLOR").as_deref()) {
        (ColorChoice::Auto, Ok("always")) => ColorChoice::Always,
        (ColorChoice::Auto, Ok("never")) => ColorChoice::Never,
        (choice, _) => choice,
    };
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_terminal && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty()),
    }
}

fn execute(cli: &Cli, out: &mut Output<'_>, color: bool, trees: check::Trees) -> Result<i32, String> {
    if let Some(name) = &cli.explain {
        let lint = config::lookup_lint(name)?;
        write!(out.stdout, "{}", lint.docs_markdown()).map_err(io_error)?;
        return Ok(EXIT_OK);
    }
    if cli.graph.is_some() && cli.message_format != MessageFormat::Human {
        return Err(
            "`--graph` prints the graph on stdout and cannot be combined with `--message-format json` or `sarif`"
                .to_owned(),
        );
    }
    let project = project::load(cli)?;
    if project.crates.is_empty() {
        let text = "no targets to audit: the selected packages have no library or binary (try `--all-targets`)";
        writeln!(out.stderr, "{}", human::render_title(Severity::Warning, text, color)).map_err(io_error)?;
    }
    let jobs = cli.jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
    let mut reports = check::check_all(&project, jobs, cli.graph.is_some(), trees);

    // A file shared by two targets of a package is reported once.
    let mut seen_per_package: BTreeMap<&str, BTreeSet<check::DiagnosticKey>> = BTreeMap::new();
    for (job, report) in project.crates.iter().zip(&mut reports) {
        check::dedup(&mut report.diagnostics, seen_per_package.entry(job.package.id.repr.as_str()).or_default());
    }

    let all = || reports.iter().flat_map(|report| &report.diagnostics);
    let has_errors = all().any(|diagnostic| diagnostic.lint.is_none());
    let has_denied = all().any(|diagnostic| diagnostic.lint.is_some() && diagnostic.severity == Severity::Error);
    let status = if has_errors {
        EXIT_ERROR
    } else if has_denied && cli.graph.is_none() {
        EXIT_DENIED
    } else {
        EXIT_OK
    };

    if cli.graph.is_some() {
        for diagnostic in all().filter(|diagnostic| diagnostic.lint.is_none()) {
            write!(out.stderr, "{}\n\n", human::render(diagnostic, color)).map_err(io_error)?;
        }
        let graphs: Vec<(String, TypeGraph)> = project
            .crates
            .iter()
            .zip(&reports)
            .map(|(job, report)| {
                (
                    format!("{} ({})", job.package.name, job.target_description()),
                    report.graph.clone().unwrap_or_default(),
                )
            })
            .collect();
        write!(out.stdout, "{}", leak_audit_engine::graph::to_dot_many(&graphs)).map_err(io_error)?;
        return Ok(status);
    }

    match cli.message_format {
        MessageFormat::Human => {
            for (job, report) in project.crates.iter().zip(&reports) {
                for diagnostic in &report.diagnostics {
                    write!(out.stderr, "{}\n\n", human::render(diagnostic, color)).map_err(io_error)?;
                }
                if let Some(summary) = summary(job, &report.diagnostics) {
                    writeln!(out.stderr, "{}", summary.render(color)).map_err(io_error)?;
                }
            }
        }
        MessageFormat::Json => {
            for (job, report) in project.crates.iter().zip(&reports) {
                for diagnostic in &report.diagnostics {
                    writeln!(out.stdout, "{}", json::compiler_message(diagnostic, job)).map_err(io_error)?;
                }
            }
            writeln!(out.stdout, "{}", json::build_finished(status == EXIT_OK)).map_err(io_error)?;
        }
        MessageFormat::Sarif => {
            let diagnostics: Vec<&Diagnostic> = all().collect();
            let log = sarif::log(&diagnostics, &project.workspace_root);
            let text = serde_json::to_string_pretty(&log).map_err(|error| error.to_string())?;
            writeln!(out.stdout, "{text}").map_err(io_error)?;
        }
    }
    Ok(status)
}

struct Summary {
    severity: Severity,
    text: String,
}

impl Summary {
    fn render(&self, color: bool) -> String {
        human::render_title(self.severity, &self.text, color)
    }
}

/// cargo's line after a crate's diagnostics: "`demo` (lib) generated 2 warnings".
fn summary(job: &project::CrateJob, diagnostics: &[Diagnostic]) -> Option<Summary> {
    let errors = diagnostics.iter().filter(|diagnostic| diagnostic.severity == Severity::Error).count();
    let warnings = diagnostics.len() - errors;
    let target = format!("`{}` ({})", job.package.name, job.target_description());
    let plural = |count: usize, word: &str| format!("{count} {word}{}", if count == 1 { "" } else { "s" });
    if errors > 0 {
        let mut text = format!("could not audit {target} due to {}", plural(errors, "previous error"));
        if warnings > 0 {
            let _ = write!(text, "; {} emitted", plural(warnings, "warning"));
        }
        Some(Summary { severity: Severity::Error, text })
    } else if warnings > 0 {
        Some(Summary {
            severity: Severity::Warning,
            text: format!("{target} generated {}", plural(warnings, "warning")),
        })
    } else {
        None
    }
}

#[allow(clippy::needless_pass_by_value)] // the shape `map_err` takes
fn io_error(error: std::io::Error) -> String {
    format!("could not write the output: {error}")
}
