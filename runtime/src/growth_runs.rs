//! Growth across repeated runs of a scenario, judged by CPython's refleak
//! rule (`python -m test -R warmups:runs`).
//!
//! After the warm-up runs, a type leaks if *every* measured run left more of
//! its values alive than the run before it: `[5, 5, 6]` leaks, while
//! `[3, 0, 0]` (a cache filled on the first measured run) and `[8, -8, 1]`
//! (noise) do not. A type that grows once during warm-up is never blamed.

use core::fmt;
use std::collections::HashMap;

use crate::counter::Counter;
#[cfg(debug_assertions)]
use crate::scope::Scope;
use crate::Counted;

/// The net change of each counted type's live count on each measured run of
/// a scenario; see [`growth_per_run`].
#[derive(Clone)]
pub struct GrowthRuns {
    warmup: usize,
    runs: usize,
    /// Per type, one net change per measured run; types that never changed
    /// are left out.
    deltas: Vec<(&'static Counter, Vec<i64>)>,
}

impl fmt::Debug for GrowthRuns {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let deltas: Vec<(&str, &Vec<i64>)> =
            self.deltas.iter().map(|(counter, deltas)| (counter.name(), deltas)).collect();
        f.debug_struct("GrowthRuns")
            .field("warmup", &self.warmup)
            .field("runs", &self.runs)
            .field("deltas", &deltas)
            .finish()
    }
}

/// Runs `scenario` `warmup` times, then `runs` times more, and records how
/// many values of each counted type every measured run left alive.
///
/// The values counted are those the scenario creates on the calling thread:
/// like `#[leak_audit::test]`, it opens a scope of its own, so tests running
/// in parallel, creating and leaking values of the same types, do not change
/// each other's results. That needs the per-value data of debug builds; in
/// release builds the counts are process-wide (live values of each type,
/// whoever made them), so run growth checks there in a test binary of their
/// own. In debug builds, values the scenario creates on a thread it starts
/// with `std::thread::spawn` are not its own; start the thread with
/// [`leak_audit::thread::spawn`](crate::thread::spawn) to count them.
///
/// # Examples
///
/// ```
/// #[leak_audit::leak_audit]
/// mod ui {
///     pub struct Button { pub label: String }
///     pub fn button(label: &str) -> Button { Button { label: label.into() } }
/// }
///
/// let mut kept = Vec::new();
/// let runs = leak_audit::growth_per_run(2, 5, || kept.push(ui::button("OK")));
/// assert_eq!(runs.deltas::<ui::Button>(), [1, 1, 1, 1, 1]);
/// assert!(runs.is_growing());
/// assert_eq!(runs.to_string(), "`Button` grew on every run: [1, 1, 1, 1, 1] (after 2 warm-up runs)\n");
///
/// let passing = leak_audit::growth_per_run(2, 5, || drop(ui::button("OK")));
/// assert!(!passing.is_growing());
/// ```
pub fn growth_per_run<F: FnMut()>(warmup: usize, runs: usize, mut scenario: F) -> GrowthRuns {
    #[cfg(debug_assertions)]
    let scope = Scope::enter();
    #[cfg(debug_assertions)]
    let measure = || live_in_scope(&scope);
    #[cfg(not(debug_assertions))]
    let measure = live_in_process;
    for _ in 0..warmup {
        scenario();
    }
    let mut previous = measure();
    let mut deltas: Vec<(&'static Counter, Vec<i64>)> = Vec::new();
    for run in 0..runs {
        scenario();
        let now = measure();
        for (&address, &(counter, live)) in &now {
            let before = previous.get(&address).map_or(0, |&(_, live)| live);
            record(&mut deltas, counter, run, runs, live - before);
        }
        for (address, &(counter, live)) in &previous {
            if !now.contains_key(address) {
                record(&mut deltas, counter, run, runs, -live);
            }
        }
        previous = now;
    }
    deltas.retain(|(_, deltas)| deltas.iter().any(|&delta| delta != 0));
    deltas.sort_by(|a, b| a.0.name().cmp(b.0.name()).then_with(|| a.0.module().cmp(b.0.module())));
    GrowthRuns { warmup, runs, deltas }
}

type Live = HashMap<usize, (&'static Counter, i64)>;

fn record(
    deltas: &mut Vec<(&'static Counter, Vec<i64>)>,
    counter: &'static Counter,
    run: usize,
    runs: usize,
    delta: i64,
) {
    if delta == 0 {
        return;
    }
    let index = match deltas.iter().position(|(known, _)| core::ptr::eq(*known, counter)) {
        Some(index) => index,
        None => {
            deltas.push((counter, vec![0; runs]));
            deltas.len() - 1
        }
    };
    deltas[index].1[run] = delta;
}

fn address(counter: &'static Counter) -> usize {
    core::ptr::from_ref(counter) as usize
}

fn to_i64(count: usize) -> i64 {
    i64::try_from(count).unwrap_or(i64::MAX)
}

#[cfg(debug_assertions)]
fn live_in_scope(scope: &Scope) -> Live {
    scope.live().into_iter().map(|(counter, live)| (address(counter), (counter, to_i64(live)))).collect()
}

#[cfg(not(debug_assertions))]
fn live_in_process() -> Live {
    crate::registry::all().into_iter().map(|counter| (address(counter), (counter, to_i64(counter.live())))).collect()
}

/// Runs `scenario` as [`growth_per_run`] does and panics with the report if a
/// counted type grew on every measured run.
///
/// # Panics
///
/// When [`GrowthRuns::is_growing`].
///
/// # Examples
///
/// ```should_panic
/// #[leak_audit::leak_audit]
/// mod ui {
///     pub struct Button { pub label: String }
///     pub fn button(label: &str) -> Button { Button { label: label.into() } }
/// }
///
/// let mut kept = Vec::new();
/// // panics: "`Button` grew on every run: [1, 1, 1] (after 1 warm-up run)"
/// leak_audit::assert_no_growth(1, 3, || kept.push(ui::button("OK")));
/// ```
#[track_caller]
pub fn assert_no_growth<F: FnMut()>(warmup: usize, runs: usize, scenario: F) {
    let runs = growth_per_run(warmup, runs, scenario);
    assert!(!runs.is_growing(), "leak_audit: live values grew on every measured run\n{runs}");
}

impl GrowthRuns {
    /// The net change of `T`'s live count on each measured run.
    ///
    /// # Examples
    ///
    /// ```
    /// #[leak_audit::leak_audit]
    /// mod cache {
    ///     pub struct Entry { pub key: u32 }
    ///     pub fn entry(key: u32) -> Entry { Entry { key } }
    /// }
    ///
    /// // Filled once, on the first measured run: `[3, 0, 0]` is not a leak.
    /// let mut entries = Vec::new();
    /// let runs = leak_audit::growth_per_run(0, 3, || {
    ///     if entries.is_empty() {
    ///         entries.extend((0..3).map(cache::entry));
    ///     }
    /// });
    /// assert_eq!(runs.deltas::<cache::Entry>(), [3, 0, 0]);
    /// assert!(!runs.is_growing());
    /// ```
    #[must_use]
    pub fn deltas<T: Counted + ?Sized>(&self) -> Vec<i64> {
        let counter = T::__LEAK_AUDIT_COUNTER;
        self.deltas
            .iter()
            .find(|(known, _)| core::ptr::eq(*known, counter))
            .map_or_else(|| vec![0; self.runs], |(_, deltas)| deltas.clone())
    }

    /// Whether some counted type grew on every measured run (CPython's rule).
    /// Never true without measured runs.
    #[must_use]
    pub fn is_growing(&self) -> bool {
        self.growing().next().is_some()
    }

    fn growing(&self) -> impl Iterator<Item = &(&'static Counter, Vec<i64>)> {
        self.deltas.iter().filter(|(_, deltas)| !deltas.is_empty() && deltas.iter().all(|&delta| delta > 0))
    }

    fn after(&self) -> String {
        format!("(after {} warm-up run{})", self.warmup, if self.warmup == 1 { "" } else { "s" })
    }
}

/// One line per type that grew on every measured run, or one line saying
/// that none did, followed by the types that changed without growing on
/// every run.
impl fmt::Display for GrowthRuns {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let after = self.after();
        let mut any = false;
        for (counter, deltas) in self.growing() {
            writeln!(f, "`{}` grew on every run: {deltas:?} {after}", counter.name())?;
            any = true;
        }
        if !any {
            writeln!(
                f,
                "no counted type grew on every one of {} run{} {after}",
                self.runs,
                if self.runs == 1 { "" } else { "s" }
            )?;
        }
        for (counter, deltas) in &self.deltas {
            if !deltas.iter().all(|&delta| delta > 0) {
                writeln!(f, "`{}` changed, not on every run: {deltas:?}", counter.name())?;
            }
        }
        Ok(())
    }
}

/// What `#[leak_audit::test(repeat = N, warmup = W)]` runs: the body `W + N`
/// times, failing the test if a counted type grew on every measured run.
#[doc(hidden)]
#[track_caller]
pub fn repeat_test<F: FnMut()>(name: &str, warmup: usize, runs: usize, body: F) {
    let runs = growth_per_run(warmup, runs, body);
    assert!(!runs.is_growing(), "leak_audit: test `{name}`: live values grew on every measured run\n{runs}");
}
