//! Analysing crates, in parallel.
//!
//! One crate is one scope of the engine, so all its files are parsed and
//! analysed on one thread: `proc_macro2::Span`s (and with them syn's syntax
//! trees) cannot leave the thread that created them. Crates are spread over a
//! pool of threads; each crate's findings are turned into plain
//! [`Diagnostic`]s before its thread moves on to the next crate.

use std::collections::BTreeSet;
use std::path::{Component, Path};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::thread;

use leak_audit_engine::{FileId, Level, Source, TypeGraph};

use crate::diagnostic::{Diagnostic, Severity};
use crate::modules::{load_crate, LoadedCrate};
use crate::project::{CrateJob, Project};

/// Stack size of the analysis threads.
const WORKER_STACK_SIZE: usize = 256 << 20;

/// What the analysis of one crate produced.
#[derive(Debug, Default)]
pub struct CrateReport {
    /// Diagnostics in file order, then source order.
    pub diagnostics: Vec<Diagnostic>,
    /// The type reference graph, when asked for.
    pub graph: Option<TypeGraph>,
    /// Number of files read.
    pub files: usize,
    /// Number of lines read.
    pub lines: usize,
}

/// What [`check_all`] does with the syntax trees of the crates it analysed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trees {
    /// Free them all, as a process that goes on after the analysis must.
    Free,
    /// Free a worker's trees only when it goes on to another crate, and never
    /// free those of the last crate each worker analyses: for a process that
    /// exits right after the analysis, where freeing them is wasted work. The
    /// trees of a 100k-line crate are millions of small allocations, and
    /// freeing them takes about 45 ms, a tenth of the analysis (see
    /// `cli/BENCH.md`). At most one crate's trees per worker are left, however
    /// many crates there are.
    LeakLast,
}

/// Analyses every crate of `project` with up to `jobs` threads; the reports are
/// in the order of `project.crates`.
///
/// # Panics
///
/// If the operating system refuses to start a thread.
#[must_use]
pub fn check_all(project: &Project, jobs: usize, want_graph: bool, trees: Trees) -> Vec<CrateReport> {
    let count = project.crates.len();
    let workers = jobs.clamp(1, count.max(1));
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<CrateReport>>> = (0..count).map(|_| Mutex::new(None)).collect();
    thread::scope(|scope| {
        for _ in 0..workers {
            // Deeply nested code recurses deeply in the parser and the
            // engine: give each worker a large stack, as rustc does.
            thread::Builder::new()
                .name("leak-audit-worker".to_owned())
                .stack_size(WORKER_STACK_SIZE)
                .spawn_scoped(scope, || {
                    // The files and syntax trees of the crate this worker
                    // analysed last, freed when it goes on to another one.
                    let mut last: Option<LoadedCrate> = None;
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(job) = project.crates.get(index) else { break };
                        drop(last.take());
                        let (report, loaded) = check_crate_keeping_trees(job, &project.workspace_root, want_graph);
                        // Every span of this crate has been converted: free the
                        // thread's source map so that memory does not grow with
                        // each crate. The trees still hold spans, but dropping
                        // a span (or never dropping it) does not look it up.
                        proc_macro2::extra::invalidate_current_thread_spans();
                        *slots[index].lock().unwrap_or_else(PoisonError::into_inner) = Some(report);
                        last = Some(loaded);
                    }
                    match trees {
                        Trees::Free => drop(last),
                        // Reclaimed by the operating system when the process exits.
                        Trees::LeakLast => std::mem::forget(last),
                    }
                })
                .expect("a worker thread can be spawned");
        }
    });
    slots
        .into_iter()
        .map(|slot| slot.into_inner().unwrap_or_else(PoisonError::into_inner).unwrap_or_default())
        .collect()
}

/// Reads, parses and analyses one crate on the current thread, also handing
/// back the crate's files and syntax trees, for the caller to free when it
/// suits it (their spans belong to this thread).
#[must_use]
pub fn check_crate_keeping_trees(
    job: &CrateJob,
    workspace_root: &Path,
    want_graph: bool,
) -> (CrateReport, LoadedCrate) {
    let display = |path: &Path| display_path(path, workspace_root);
    let mut loaded = load_crate(job.target.src_path.as_std_path(), &display);
    // Each file's module path (as declared, so `#[path]` files get theirs),
    // so that same-named types in different files are told apart.
    let modules = &loaded.modules;
    let sources: Vec<Source<'_>> = loaded
        .asts
        .iter()
        .enumerate()
        .filter_map(|(index, ast)| {
            ast.as_ref().map(|ast| Source::new(FileId(index), &ast.items).in_module(&modules[index]))
        })
        .collect();
    let mut config = job.settings.engine_config();
    // A test or bench target is test code through and through.
    config.test_code = job
        .target
        .kind
        .iter()
        .any(|kind| matches!(kind, cargo_metadata::TargetKind::Test | cargo_metadata::TargetKind::Bench));
    let analysis = leak_audit_engine::analyze(&sources, &config);

    // (file index, diagnostic); problems with no file come first.
    let mut diagnostics: Vec<(Option<usize>, Diagnostic)> = std::mem::take(&mut loaded.errors);
    for (file, error) in &analysis.errors {
        let converted = Diagnostic::from_syn_error(error, &loaded.files[file.0]);
        diagnostics.extend(converted.into_iter().map(|diagnostic| (Some(file.0), diagnostic)));
    }
    for finding in &analysis.findings {
        let level_note = job.settings.level_note(finding.lint, finding.level);
        let mut diagnostic = Diagnostic::from_finding(finding, &loaded.files, level_note);
        if job.settings.deny_warnings && finding.level == Level::Warn {
            diagnostic.severity = Severity::Error;
        }
        diagnostics.push((Some(finding.location.file.0), diagnostic));
    }
    diagnostics.sort_by_key(|(file, diagnostic)| (*file, diagnostic.primary().map(|span| span.start)));

    let report = CrateReport {
        diagnostics: diagnostics.into_iter().map(|(_, diagnostic)| diagnostic).collect(),
        graph: want_graph.then(|| analysis.graph.clone()),
        files: loaded.files.len(),
        lines: loaded.files.iter().map(|file| file.line_count()).sum(),
    };
    (report, loaded)
}

/// `path` relative to `root` when it is inside it, with `/` separators (as
/// cargo shows paths of workspace members); otherwise as given.
#[must_use]
pub fn display_path(path: &Path, root: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    let mut parts: Vec<String> = Vec::new();
    for component in relative.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir if parts.last().is_some_and(|last| last != "..") => {
                parts.pop();
            }
            Component::RootDir => parts.push(String::new()),
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    if parts.len() == 1 && parts[0].is_empty() {
        return "/".to_owned();
    }
    parts.join("/")
}

/// What makes two diagnostics the same: code, message and primary location.
pub type DiagnosticKey = (Option<String>, String, Option<(String, usize, usize)>);

/// Drops the diagnostics already in `seen` (a file shared by two targets of a
/// package is reported once) and records the others.
pub fn dedup(diagnostics: &mut Vec<Diagnostic>, seen: &mut BTreeSet<DiagnosticKey>) {
    diagnostics.retain(|diagnostic| {
        let primary = diagnostic.primary().map(|span| (span.file.display_path.clone(), span.start.byte, span.end.byte));
        seen.insert((diagnostic.code(), diagnostic.message.clone(), primary))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_show_paths_relative_to_the_workspace_root() {
        let root = Path::new("/w");
        assert_eq!(display_path(Path::new("/w/member/src/lib.rs"), root), "member/src/lib.rs");
        assert_eq!(display_path(Path::new("/w/src/a/../b.rs"), root), "src/b.rs");
        assert_eq!(display_path(Path::new("/elsewhere/lib.rs"), root), "/elsewhere/lib.rs");
    }
}
