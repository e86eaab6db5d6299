//! `leak_audit::thread`: threads that run inside the test that starts them.
//! What they create is the test's; plain `std::thread::spawn` threads are in
//! no test, as before.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;

use leak_audit::thread::TestScope;

mod support;
use support::panic_message;

#[leak_audit::leak_audit]
mod model {
    pub struct Job {
        pub id: u32,
    }

    pub fn job(id: u32) -> Job {
        Job { id }
    }
}

static KEPT: Mutex<Vec<model::Job>> = Mutex::new(Vec::new());

#[leak_audit::test]
#[should_panic(expected = "leaked 2 values of counted types")]
fn should_fail_a_leak_on_a_thread_from_spawn() {
    leak_audit::thread::spawn(|| {
        KEPT.lock().unwrap().extend([model::job(1), model::job(2)]);
    })
    .join()
    .unwrap();
}

#[leak_audit::test]
#[should_panic(expected = "leaked 1 value of counted types")]
fn should_fail_a_leak_on_a_thread_from_spawn_scoped() {
    thread::scope(|s| {
        leak_audit::thread::spawn_scoped(s, || std::mem::forget(model::job(3)));
        // Not in the test: not this test's leak.
        s.spawn(|| std::mem::forget(model::job(4)));
    });
}

#[leak_audit::test]
#[should_panic(expected = "leaked 1 value of counted types")]
fn should_fail_a_leak_on_a_thread_that_entered_the_scope() {
    let scope = TestScope::current().unwrap();
    thread::spawn(move || {
        let _in_test = scope.enter();
        std::mem::forget(model::job(5));
    })
    .join()
    .unwrap();
}

#[leak_audit::test]
fn should_pass_when_the_threads_drop_what_they_make() {
    let id = leak_audit::thread::spawn(|| model::job(6).id).join().unwrap();
    assert_eq!(id, 6);
    let (tx, rx) = mpsc::channel();
    thread::scope(|s| {
        leak_audit::thread::spawn_scoped(s, move || tx.send(model::job(7)).unwrap());
    });
    // Made on the scoped thread, dropped here.
    assert_eq!(rx.recv().unwrap().id, 7);
}

#[leak_audit::test]
fn should_leave_the_scope_when_the_guard_is_dropped() {
    let scope = TestScope::current().unwrap();
    thread::spawn(move || {
        {
            let _in_test = scope.enter();
            assert!(TestScope::current().is_some());
        }
        assert!(TestScope::current().is_none());
        // Outside the test again: not its leak.
        std::mem::forget(model::job(8));
    })
    .join()
    .unwrap();
}

#[test]
fn should_run_outside_any_test_like_std_thread() {
    assert!(TestScope::current().is_none());
    let inside = leak_audit::thread::spawn(|| TestScope::current().is_some()).join().unwrap();
    assert!(!inside);
}

/// A handle kept past its test keeps the test's slot, so a thread entering it
/// late cannot disturb the tests that run after (in the same slot, its
/// creations under the ended test's tag would reset their counts).
#[test]
fn should_keep_a_late_thread_from_disturbing_later_tests() {
    let stop = Arc::new(AtomicBool::new(false));
    // The thread enters the test's scope only once the test has ended: made
    // while the test runs, its values would be that test's leak.
    let ended = Arc::new(AtomicBool::new(false));
    let late = {
        let _test = leak_audit::__private::TestGuard::new("early");
        let scope = TestScope::current().unwrap();
        let (stop, ended) = (Arc::clone(&stop), Arc::clone(&ended));
        thread::spawn(move || {
            while !ended.load(Ordering::Acquire) {
                thread::yield_now();
            }
            let _in_test = scope.enter();
            // Made in a test that has ended, until told to stop.
            let mut id = 0;
            while !stop.load(Ordering::Relaxed) {
                std::mem::forget(model::job(id));
                id = id.wrapping_add(1);
            }
        })
    };
    ended.store(true, Ordering::Release);
    // Later tests, one at a time, each leaking one value while the late
    // thread makes values in the ended test's scope: each reports exactly its
    // own.
    for _ in 0..2 {
        let leaked = std::panic::catch_unwind(|| {
            let test = leak_audit::__private::TestGuard::new("later");
            std::mem::forget(model::job(1));
            drop(test);
        });
        let message = leaked.map_err(panic_message).expect_err("the later test's leak was not reported");
        assert!(message.starts_with("leak_audit: test `later` leaked 1 value of counted types"), "{message}");
    }
    stop.store(true, Ordering::Relaxed);
    late.join().unwrap();
}
