//! Growth across repeated runs: `growth_per_run`, `assert_no_growth` and
//! `#[leak_audit::test(repeat = N)]` fail a scenario that leaks on every
//! measured run (CPython's refleak rule, per type), and pass one that fills a
//! cache once, during warm-up or on the first measured run, or whose counts
//! move without growing every time. Each call counts only the values its own
//! scenario creates, so tests running in parallel do not change each other's
//! verdicts (debug builds; release builds fall back to process-wide counts).

use std::panic;
use std::sync::{Arc, Barrier, Mutex};
use std::thread;

#[leak_audit::leak_audit]
#[allow(dead_code)]
mod ui {
    pub struct Dialog {
        pub title: String,
    }

    pub struct Button {
        pub label: String,
    }

    pub fn dialog(title: &str) -> Dialog {
        Dialog { title: title.into() }
    }

    pub fn button(label: &str) -> Button {
        Button { label: label.into() }
    }
}

fn message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|text| (*text).to_owned()))
        .unwrap_or_default()
}

#[test]
fn a_scenario_that_leaks_one_value_per_run_fails() {
    let mut kept = Vec::new();
    let runs = leak_audit::growth_per_run(2, 5, || {
        kept.push(ui::button("OK"));
        drop(ui::dialog("Save"));
    });
    assert_eq!(runs.deltas::<ui::Button>(), [1, 1, 1, 1, 1]);
    assert_eq!(runs.deltas::<ui::Dialog>(), [0, 0, 0, 0, 0]);
    assert!(runs.is_growing());
    assert_eq!(runs.to_string(), "`Button` grew on every run: [1, 1, 1, 1, 1] (after 2 warm-up runs)\n");

    let mut kept = Vec::new();
    let failure = panic::catch_unwind(panic::AssertUnwindSafe(|| {
        leak_audit::assert_no_growth(1, 3, || kept.push(ui::button("OK")));
    }))
    .unwrap_err();
    assert_eq!(
        message(&*failure),
        "leak_audit: live values grew on every measured run\n`Button` grew on every run: [1, 1, 1] (after 1 warm-up run)\n"
    );
}

#[test]
fn a_cache_filled_once_passes() {
    // Filled during warm-up: no measured run grows.
    let mut cache: Vec<ui::Button> = Vec::new();
    let runs = leak_audit::growth_per_run(2, 4, || {
        if cache.is_empty() {
            cache.push(ui::button("cached"));
        }
    });
    assert_eq!(runs.deltas::<ui::Button>(), [0, 0, 0, 0]);
    assert!(!runs.is_growing());
    let mut calls = 0;
    let _ = leak_audit::growth_per_run(2, 4, || calls += 1);
    assert_eq!(calls, 6);
    assert_eq!(runs.to_string(), "no counted type grew on every one of 4 runs (after 2 warm-up runs)\n");
    leak_audit::assert_no_growth(2, 4, || {
        if cache.len() < 2 {
            cache.push(ui::button("cached"));
        }
    });
}

#[test]
fn a_sequence_like_3_0_0_passes() {
    let mut cache = Vec::new();
    let runs = leak_audit::growth_per_run(0, 3, || {
        if cache.is_empty() {
            cache.extend((0..3).map(|_| ui::dialog("cached")));
        }
    });
    assert_eq!(runs.deltas::<ui::Dialog>(), [3, 0, 0]);
    assert!(!runs.is_growing());
    assert!(runs.to_string().ends_with("`Dialog` changed, not on every run: [3, 0, 0]\n"), "{runs}");
}

#[test]
fn a_sequence_like_8_minus_8_1_passes() {
    let mut pool = Vec::new();
    let mut run = 0;
    let runs = leak_audit::growth_per_run(0, 3, || {
        run += 1;
        match run {
            1 => pool.extend((0..8).map(|_| ui::button("pooled"))),
            2 => pool.clear(),
            _ => pool.push(ui::button("one more")),
        }
    });
    assert_eq!(runs.deltas::<ui::Button>(), [8, -8, 1]);
    assert!(!runs.is_growing());
}

#[test]
fn a_sequence_like_5_5_6_fails() {
    let mut kept = Vec::new();
    let mut run = 0;
    let runs = leak_audit::growth_per_run(1, 3, || {
        run += 1;
        let count = if run == 4 { 6 } else { 5 };
        kept.extend((0..count).map(|_| ui::button("leaked")));
    });
    assert_eq!(runs.deltas::<ui::Button>(), [5, 5, 6]);
    assert!(runs.is_growing());
}

#[test]
fn no_measured_run_is_never_growing() {
    let mut kept = Vec::new();
    let runs = leak_audit::growth_per_run(3, 0, || kept.push(ui::button("warm-up only")));
    assert_eq!(kept.len(), 3);
    assert_eq!(runs.deltas::<ui::Button>(), Vec::<i64>::new());
    assert!(!runs.is_growing());
}

/// Values kept by a scenario running on another thread at the same time, of
/// the same type, are not this scenario's.
#[test]
#[cfg_attr(not(debug_assertions), ignore = "release builds use process-wide counts")]
fn parallel_scenarios_do_not_disturb_each_other() {
    const THREADS: usize = 4;
    let barrier = Arc::new(Barrier::new(THREADS));
    let kept = Arc::new(Mutex::new(Vec::new()));
    let handles: Vec<_> = (0..THREADS)
        .map(|index| {
            let barrier = barrier.clone();
            let kept = kept.clone();
            thread::spawn(move || {
                let leaks = index % 2 == 0;
                let runs = leak_audit::growth_per_run(1, 5, || {
                    // Every run of every thread overlaps the others'.
                    barrier.wait();
                    let button = ui::button("shared type");
                    if leaks {
                        kept.lock().unwrap().push(button);
                    }
                    barrier.wait();
                });
                (leaks, runs)
            })
        })
        .collect();
    for handle in handles {
        let (leaks, runs) = handle.join().unwrap();
        if leaks {
            assert_eq!(runs.deltas::<ui::Button>(), [1, 1, 1, 1, 1], "{runs}");
        } else {
            assert_eq!(runs.deltas::<ui::Button>(), [0, 0, 0, 0, 0], "{runs}");
            assert!(!runs.is_growing());
        }
    }
}

#[test]
#[cfg_attr(not(debug_assertions), ignore = "release builds use process-wide counts")]
fn values_made_on_threads_started_inside_the_scenario_count() {
    let kept = Mutex::new(Vec::new());
    let runs = leak_audit::growth_per_run(1, 3, || {
        let button = leak_audit::thread::spawn(|| ui::button("from a worker")).join().unwrap();
        kept.lock().unwrap().push(button);
        // A thread outside the scenario's scope: its value is not the scenario's.
        let other = thread::spawn(|| ui::dialog("not counted")).join().unwrap();
        kept.lock().unwrap().push(ui::button("kept"));
        drop(other);
    });
    assert_eq!(runs.deltas::<ui::Button>(), [2, 2, 2]);
    assert_eq!(runs.deltas::<ui::Dialog>(), [0, 0, 0]);
}

static SESSION_CACHE: Mutex<Vec<ui::Dialog>> = Mutex::new(Vec::new());
static LEAKED: Mutex<Vec<ui::Button>> = Mutex::new(Vec::new());

/// Fills a cache on first use (during warm-up), then creates and drops.
#[leak_audit::test(repeat = 5)]
fn repeat_passes_a_cache_filled_in_warmup() {
    let mut cache = SESSION_CACHE.lock().unwrap();
    if cache.is_empty() {
        cache.push(ui::dialog("cached"));
    }
    drop(ui::button("temporary"));
}

#[leak_audit::test(repeat = 3, warmup = 1)]
#[should_panic(expected = "`Button` grew on every run: [1, 1, 1] (after 1 warm-up run)")]
fn repeat_fails_a_body_that_leaks_on_every_run() {
    LEAKED.lock().unwrap().push(ui::button("leaked"));
}

#[leak_audit::test(repeat = 2, warmup = 0)]
fn repeat_runs_the_body_warmup_plus_repeat_times() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, Ordering::Relaxed) + 1;
    assert!(run <= 2, "ran {run} times");
}
