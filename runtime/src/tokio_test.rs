//! The runtime of a `#[leak_audit::tokio_test]`: every thread it runs is in
//! the test's scope, and tasks left running fail the test.
//!
//! # How the threads join the test
//!
//! Tokio runs every thread of a runtime, the multi-thread flavour's workers
//! and the blocking pool's threads alike, through its blocking pool, which
//! calls `Builder::on_thread_start` first thing on the new thread and
//! `on_thread_stop` last (before its thread-locals are destroyed). The start
//! hook enters the test's scope through a [`Handle`](crate::scope::Handle), the stop hook leaves it;
//! the body itself and, on the current-thread flavour, its tasks run on the
//! test's thread, which is in the scope already. Each test builds its own
//! runtime with its own handle, so tests running in parallel stay apart.
//!
//! # How tasks left running are found
//!
//! When the body returns, `RuntimeMetrics::num_alive_tasks` (stable since
//! tokio 1.39) tells how many spawned tasks are still alive; the runner
//! lets the runtime drive them, re-checking with growing pauses for up to
//! [`WAIT`] in all. `spawn_blocking` work is not a task to that count: it is
//! found after the shutdown, which waits up to [`WAIT`] for it, as a runtime
//! thread that has not stopped yet.
//!
//! Where the tasks were spawned is known only through tokio's task hooks
//! (`on_task_spawn`, `on_task_terminate`, `TaskMeta::spawned_at`), which
//! exist only when the build sets `--cfg tokio_unstable`; the runner uses them
//! then. Names given with `tokio::task::Builder::name` go to tracing only: no
//! hook or metric returns them, so reports cannot show them.

use std::cell::RefCell;
use std::fmt::Write as _;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::runtime::{Builder, Runtime, RuntimeMetrics};

use crate::__private::TestGuard;
use crate::scope::Entered;

/// How long the runner waits for tasks to finish after the body returns,
/// and again for `spawn_blocking` work at the runtime's shutdown.
const WAIT: Duration = Duration::from_secs(1);

/// The runtime flavour, as `#[tokio::test(flavor = "..")]` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// `"current_thread"`, the default: the test's thread runs every task.
    CurrentThread,
    /// `"multi_thread"`: worker threads run the tasks.
    MultiThread,
}

/// What the attribute's arguments ask for.
#[derive(Clone, Copy, Debug)]
pub struct Config {
    /// The runtime flavour.
    pub flavor: Flavor,
    /// `worker_threads = N` (multi-thread flavour only).
    pub worker_threads: Option<usize>,
    /// `start_paused = true`: the clock starts paused and auto-advances.
    pub start_paused: bool,
    /// Fail the test if tasks are still running at its end (no
    /// `allow_running_tasks`).
    pub check_tasks: bool,
}

thread_local! {
    /// The test scope a runtime thread entered in its start hook.
    static ENTERED: RefCell<Option<Entered>> = const { RefCell::new(None) };
}

/// Runs the body of the test `test` on a runtime built as `config` asks,
/// then checks for tasks left running (see the module docs) and records them
/// in `test`, whose drop reports them with its value check.
///
/// # Panics
///
/// If the runtime cannot be built (the operating system refused a thread), or
/// if the body panics.
pub fn run<F: Future>(test: &TestGuard, config: Config, body: F) -> F::Output {
    let threads = Arc::new(AtomicUsize::new(0));
    let mut builder = match config.flavor {
        Flavor::CurrentThread => Builder::new_current_thread(),
        Flavor::MultiThread => Builder::new_multi_thread(),
    };
    if let Some(workers) = config.worker_threads {
        builder.worker_threads(workers);
    }
    builder.enable_all().start_paused(config.start_paused);
    let scope = test.scope_handle();
    let started = Arc::clone(&threads);
    builder.on_thread_start(move || {
        // Relaxed: read after the shutdown, which joins the threads that
        // stopped (the others are still running, whatever the count says).
        started.fetch_add(1, Ordering::Relaxed);
        if let Some(scope) = &scope {
            ENTERED.with(|entered| *entered.borrow_mut() = Some(scope.enter()));
        }
    });
    let stopped = Arc::clone(&threads);
    builder.on_thread_stop(move || {
        drop(ENTERED.with(|entered| entered.borrow_mut().take()));
        stopped.fetch_sub(1, Ordering::Relaxed);
    });
    #[cfg(tokio_unstable)]
    let spawned = spawn_hooks::install(&mut builder);
    let mut runtime = ShutDown(Some(builder.build().expect("leak_audit: cannot build the test's tokio runtime")));
    let runtime_ref = runtime.0.as_ref().expect("built above");
    let output = runtime_ref.block_on(body);

    let ended = Instant::now();
    let metrics = runtime_ref.metrics();
    let tasks = if config.check_tasks { runtime_ref.block_on(alive_tasks(&metrics)) } else { 0 };
    #[cfg(tokio_unstable)]
    let sites = if tasks > 0 { spawned.sites() } else { Vec::new() };
    #[cfg(not(tokio_unstable))]
    let sites: Vec<(&'static std::panic::Location<'static>, usize)> = Vec::new();
    runtime.shut_down();
    // Relaxed: see the start hook.
    let blocking = if config.check_tasks { threads.load(Ordering::Relaxed) } else { 0 };
    if tasks > 0 || blocking > 0 {
        test.fail(&task_report(test.name(), tasks, &sites, blocking, ended.elapsed()));
    }
    output
}

/// The number of the runtime's tasks still alive after up to [`WAIT`] for
/// them to finish: re-checked, while the runtime drives them, with pauses
/// that grow to 100ms.
async fn alive_tasks(metrics: &RuntimeMetrics) -> usize {
    let start = Instant::now();
    let mut pause = Duration::from_millis(1);
    loop {
        let alive = metrics.num_alive_tasks();
        if alive == 0 || start.elapsed() >= WAIT {
            return alive;
        }
        // On a paused clock this returns at once (the clock auto-advances), so
        // the wait is bounded by the real time above.
        tokio::time::sleep(pause).await;
        pause = (pause * 2).min(Duration::from_millis(100));
    }
}

/// Shuts the runtime down on every path (also when the body panics), waiting
/// at most [`WAIT`] for `spawn_blocking` work: dropping a runtime would wait
/// for it forever.
struct ShutDown(Option<Runtime>);

impl ShutDown {
    fn shut_down(&mut self) {
        if let Some(runtime) = self.0.take() {
            runtime.shutdown_timeout(WAIT);
        }
    }
}

impl Drop for ShutDown {
    fn drop(&mut self) {
        self.shut_down();
    }
}

fn task_report(
    name: &str,
    tasks: usize,
    sites: &[(&'static std::panic::Location<'static>, usize)],
    blocking: usize,
    waited: Duration,
) -> String {
    let total = tasks + blocking;
    let mut report = format!(
        "leak_audit: test `{name}` leaked {total} task{} still running at the end of the test (after waiting {}ms for \
         tasks to finish)\n",
        if total == 1 { "" } else { "s" },
        waited.as_millis(),
    );
    if tasks > 0 {
        let _ = writeln!(report, "    {tasks:>6}  spawned task{}", if tasks == 1 { "" } else { "s" });
        for (location, count) in sites {
            let _ = writeln!(report, "        {count:>6} spawned at {location}");
        }
    }
    if blocking > 0 {
        let _ = writeln!(
            report,
            "    {blocking:>6}  `spawn_blocking` call{} still running after the runtime shut down",
            if blocking == 1 { "" } else { "s" },
        );
    }
    if tasks > 0 && sites.is_empty() {
        report.push_str(
            "note: build with `RUSTFLAGS=\"--cfg tokio_unstable\"` to see where the tasks were spawned (tokio's task \
             hooks need it)\n",
        );
    }
    report.push_str(
        "note: a test that leaves tasks running on purpose can say so: \
         `#[leak_audit::tokio_test(allow_running_tasks)]`\n",
    );
    report
}

/// Where the runtime's alive tasks were spawned, from tokio's task hooks.
#[cfg(tokio_unstable)]
mod spawn_hooks {
    use std::collections::HashMap;
    use std::panic::Location;
    use std::sync::{Arc, Mutex, PoisonError};

    use tokio::runtime::Builder;
    use tokio::task::Id;

    /// The spawn location of each alive task.
    #[derive(Clone, Default)]
    pub(super) struct Spawned(Arc<Mutex<HashMap<Id, &'static Location<'static>>>>);

    pub(super) fn install(builder: &mut Builder) -> Spawned {
        let spawned = Spawned::default();
        let on_spawn = spawned.clone();
        let on_end = spawned.clone();
        builder
            .on_task_spawn(move |meta| {
                on_spawn.0.lock().unwrap_or_else(PoisonError::into_inner).insert(meta.id(), meta.spawned_at());
            })
            .on_task_terminate(move |meta| {
                on_end.0.lock().unwrap_or_else(PoisonError::into_inner).remove(&meta.id());
            });
        spawned
    }

    impl Spawned {
        /// The alive tasks by spawn location, most first.
        pub(super) fn sites(&self) -> Vec<(&'static Location<'static>, usize)> {
            let mut sites: Vec<(&'static Location<'static>, usize)> = Vec::new();
            for location in self.0.lock().unwrap_or_else(PoisonError::into_inner).values() {
                match sites.iter_mut().find(|(known, _)| known == location) {
                    Some((_, count)) => *count += 1,
                    None => sites.push((location, 1)),
                }
            }
            sites.sort_by(|a, b| {
                b.1.cmp(&a.1)
                    .then_with(|| (a.0.file(), a.0.line(), a.0.column()).cmp(&(b.0.file(), b.0.line(), b.0.column())))
            });
            sites
        }
    }
}
