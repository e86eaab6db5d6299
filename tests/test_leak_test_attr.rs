//! `#[leak_audit::test]`: fails a test whose values are still alive at its
//! end, judged per test while other tests run on other threads; values dropped
//! on another thread (even a little later) are not leaks; values parked in a
//! static are. `#[should_panic]`, `#[ignore]` and `Result` tests keep working.

use std::panic;
use std::sync::atomic::AtomicUsize;
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

mod support;
use support::{panic_message, rendezvous};

#[leak_audit::leak_audit]
mod model {
    pub struct Session {
        pub user: String,
    }

    pub fn session(user: &str) -> Session {
        Session { user: user.into() }
    }

    pub struct Token {
        pub id: u64,
    }

    pub fn token(id: u64) -> Token {
        Token { id }
    }
}

static PARKED: Mutex<Vec<model::Session>> = Mutex::new(Vec::new());

#[leak_audit::test]
fn should_pass_when_everything_is_dropped() {
    let sessions: Vec<_> = (0..10).map(|i| model::session(&i.to_string())).collect();
    assert_eq!(sessions.len(), 10);
}

#[leak_audit::test]
#[cfg_attr(not(debug_assertions), ignore = "release builds charge a drop to the dropping thread's test")]
fn should_pass_when_values_are_dropped_on_another_thread() {
    let session = model::session("moved");
    thread::spawn(move || drop(session)).join().unwrap();
}

#[leak_audit::test]
#[cfg_attr(not(debug_assertions), ignore = "release builds charge a drop to the dropping thread's test")]
fn should_wait_for_drops_still_in_flight_on_another_thread() {
    let tokens: Vec<_> = (0..3).map(model::token).collect();
    // Not joined: the drop happens after the test body has returned, and the
    // check waits for it.
    thread::spawn(move || {
        thread::sleep(Duration::from_millis(30));
        drop(tokens);
    });
}

#[leak_audit::test]
#[should_panic(expected = "leaked 2 values of counted types")]
fn should_fail_when_values_are_parked_in_a_static() {
    let mut parked = PARKED.lock().unwrap();
    parked.push(model::session("kept"));
    parked.push(model::session("kept too"));
}

#[leak_audit::test]
#[should_panic(expected = "the test's own panic")]
fn should_keep_should_panic_for_the_tests_own_panic() {
    let _alive = model::token(1);
    panic!("the test's own panic");
}

#[leak_audit::test]
#[ignore = "run by `should_judge_each_test_on_its_own_values_while_others_run`"]
fn clean_worker() {
    let tokens: Vec<_> = (0..1000).map(model::token).collect();
    rendezvous(&WORKERS, 3);
    drop(tokens);
    // Churn while the leaky worker leaks the same type.
    for id in 0..1000 {
        drop(model::token(id));
    }
}

#[leak_audit::test]
#[ignore = "run by `should_judge_each_test_on_its_own_values_while_others_run`"]
fn leaky_worker() {
    let tokens: Vec<_> = (0..1000).map(model::token).collect();
    rendezvous(&WORKERS, 3);
    std::mem::forget(tokens.into_iter().take(3).collect::<Vec<_>>());
}

#[leak_audit::test]
fn should_accept_result_tests_and_early_returns() -> Result<(), String> {
    let token = model::token(7);
    let id: u64 = "7".parse::<u64>().map_err(|err| err.to_string())?;
    assert_eq!(token.id, id);
    if id == 7 {
        return Ok(());
    }
    Err("unreachable".into())
}

#[leak_audit::test]
#[allow(clippy::semicolon_if_nothing_returned)]
fn should_drop_tail_expression_temporaries_before_checking() {
    // The temporary `Session` lives until the end of the tail expression;
    // the check must come after it.
    assert_eq!(model::session("tail").user.len(), 4)
}

static WORKERS: AtomicUsize = AtomicUsize::new(0);

#[test]
fn should_judge_each_test_on_its_own_values_while_others_run() {
    let clean = thread::spawn(|| panic::catch_unwind(clean_worker).map_err(panic_message));
    let leaky = thread::spawn(|| panic::catch_unwind(leaky_worker).map_err(panic_message));
    // A plain thread, in no test scope, keeps values of the same type alive
    // across both workers' checks.
    let bystander = thread::spawn(|| {
        let tokens: Vec<_> = (0..500).map(model::token).collect();
        rendezvous(&WORKERS, 3);
        thread::sleep(Duration::from_millis(50));
        drop(tokens);
    });
    assert_eq!(clean.join().unwrap(), Ok(()));
    let message = leaky.join().unwrap().unwrap_err();
    bystander.join().unwrap();
    assert!(message.starts_with("leak_audit: test `test_leak_test_attr::leaky_worker` leaked 3 values"), "{message}");
    let row = message.lines().nth(1).unwrap();
    assert!(row.trim_start().starts_with("Token"), "{message}");
    assert!(row.contains(" 3 ") && row.contains("(test_leak_test_attr::model)"), "{message}");
}

/// Under a bare `#[should_panic]`, a body that returns must fail as "did not
/// panic", so the leak check stays quiet rather than supply the panic: the
/// guard the attribute opens for such a test does not panic on a leak.
#[test]
fn should_not_let_a_leak_stand_in_for_a_bare_should_panic() {
    let leaked = std::panic::catch_unwind(|| {
        let guard = leak_audit::__private::TestGuard::expecting_panic("bare_should_panic");
        std::mem::forget(model::token(7));
        drop(guard);
    });
    assert!(leaked.is_ok(), "the guard of a bare #[should_panic] test panicked on a leak");
    let checked = std::panic::catch_unwind(|| {
        let guard = leak_audit::__private::TestGuard::new("plain");
        std::mem::forget(model::token(8));
        drop(guard);
    });
    assert!(checked.is_err(), "the guard of a plain test did not report the leak");
}
