//! `#[leak_audit::tokio_test]`: values made by a test's tasks, on any thread
//! of its runtime, are the test's; tasks left running fail it; each test is
//! judged on its own while others run. `#[leak_audit::test]` under
//! `#[tokio::test]` keeps working as it did.

use std::panic;
use std::sync::atomic::AtomicUsize;
use std::thread;
use std::time::{Duration, Instant};

mod support;
use support::{panic_message, rendezvous};

#[leak_audit::leak_audit]
mod model {
    use std::sync::{Arc, Mutex, Weak};

    pub struct Peer {
        pub name: String,
        #[leak_audit(allow(rc_cycle), reason = "the tests build this cycle on purpose")]
        pub other: Mutex<Option<Arc<Peer>>>,
    }

    pub struct Fixed {
        pub name: String,
        pub other: Mutex<Weak<Fixed>>,
    }

    /// Two peers holding each other: both leak.
    pub fn cycle() -> usize {
        let a = Arc::new(Peer { name: "a".into(), other: Mutex::new(None) });
        let b = Arc::new(Peer { name: "b".into(), other: Mutex::new(Some(Arc::clone(&a))) });
        *a.other.lock().unwrap() = Some(Arc::clone(&b));
        a.name.len() + b.name.len()
    }

    /// The same two with a weak link back: both are freed.
    pub fn fixed() -> usize {
        let a = Arc::new(Fixed { name: "a".into(), other: Mutex::new(Weak::new()) });
        let b = Arc::new(Fixed { name: "b".into(), other: Mutex::new(Arc::downgrade(&a)) });
        *a.other.lock().unwrap() = Arc::downgrade(&b);
        a.name.len() + b.name.len()
    }

    pub struct Frame {
        pub bytes: Vec<u8>,
    }

    pub fn frame(len: usize) -> Frame {
        Frame { bytes: vec![0; len] }
    }
}

// A cycle made in a spawned task, in `spawn_blocking`, and in a task spawned
// by a task, on both flavours: all fail.

#[leak_audit::tokio_test]
#[should_panic(expected = "leaked 2 values of counted types")]
async fn should_fail_a_cycle_made_in_spawn_on_current_thread() {
    assert_eq!(tokio::spawn(async { model::cycle() }).await.unwrap(), 2);
}

#[leak_audit::tokio_test(flavor = "multi_thread", worker_threads = 2)]
#[should_panic(expected = "leaked 2 values of counted types")]
async fn should_fail_a_cycle_made_in_spawn_on_multi_thread() {
    assert_eq!(tokio::spawn(async { model::cycle() }).await.unwrap(), 2);
}

#[leak_audit::tokio_test]
#[should_panic(expected = "leaked 2 values of counted types")]
async fn should_fail_a_cycle_made_in_spawn_blocking_on_current_thread() {
    assert_eq!(tokio::task::spawn_blocking(model::cycle).await.unwrap(), 2);
}

#[leak_audit::tokio_test(flavor = "multi_thread")]
#[should_panic(expected = "leaked 2 values of counted types")]
async fn should_fail_a_cycle_made_in_spawn_blocking_on_multi_thread() {
    assert_eq!(tokio::task::spawn_blocking(model::cycle).await.unwrap(), 2);
}

#[leak_audit::tokio_test]
#[should_panic(expected = "leaked 2 values of counted types")]
async fn should_fail_a_cycle_made_in_a_task_spawned_by_a_task_on_current_thread() {
    let outer = tokio::spawn(async { tokio::spawn(async { model::cycle() }).await.unwrap() });
    assert_eq!(outer.await.unwrap(), 2);
}

#[leak_audit::tokio_test(flavor = "multi_thread", worker_threads = 2)]
#[should_panic(expected = "leaked 2 values of counted types")]
async fn should_fail_a_cycle_made_in_a_task_spawned_by_a_task_on_multi_thread() {
    let outer = tokio::spawn(async { tokio::spawn(async { model::cycle() }).await.unwrap() });
    assert_eq!(outer.await.unwrap(), 2);
}

// The same code with the fix passes.

#[leak_audit::tokio_test]
async fn should_pass_the_fixed_code_on_current_thread() {
    assert_eq!(tokio::spawn(async { model::fixed() }).await.unwrap(), 2);
    assert_eq!(tokio::task::spawn_blocking(model::fixed).await.unwrap(), 2);
    let outer = tokio::spawn(async { tokio::spawn(async { model::fixed() }).await.unwrap() });
    assert_eq!(outer.await.unwrap(), 2);
}

#[leak_audit::tokio_test(flavor = "multi_thread", worker_threads = 2)]
async fn should_pass_the_fixed_code_on_multi_thread() {
    assert_eq!(tokio::spawn(async { model::fixed() }).await.unwrap(), 2);
    assert_eq!(tokio::task::spawn_blocking(model::fixed).await.unwrap(), 2);
    let outer = tokio::spawn(async { tokio::spawn(async { model::fixed() }).await.unwrap() });
    assert_eq!(outer.await.unwrap(), 2);
}

/// The report names the types, with the usual table.
#[test]
fn should_report_the_types_a_task_leaked() {
    let message = panic::catch_unwind(leaky_task_on_a_worker).map_err(panic_message).unwrap_err();
    assert!(
        message.starts_with(
            "leak_audit: test `test_tokio_test::leaky_task_on_a_worker` leaked 2 values of counted types: created \
             during the test and still alive at its end"
        ),
        "{message}"
    );
    let row = message.lines().nth(1).unwrap();
    assert!(row.trim_start().starts_with("Peer") && row.contains(" 2 "), "{message}");
    assert!(!message.contains("task still running"), "{message}");
}

#[leak_audit::tokio_test(flavor = "multi_thread", worker_threads = 1)]
#[ignore = "run by `should_report_the_types_a_task_leaked`"]
async fn leaky_task_on_a_worker() {
    tokio::spawn(async { model::cycle() }).await.unwrap();
}

// Tasks left running.

#[leak_audit::tokio_test]
#[should_panic(expected = "leaked 1 task still running at the end of the test")]
async fn should_fail_a_task_that_never_ends() {
    tokio::spawn(std::future::pending::<()>());
}

#[leak_audit::tokio_test(allow_running_tasks)]
async fn should_pass_a_task_that_never_ends_with_the_opt_out() {
    // The task and the frame it holds are dropped with the runtime, before
    // the value check.
    let frame = model::frame(8);
    tokio::spawn(async move {
        std::future::pending::<()>().await;
        drop(frame);
    });
}

#[leak_audit::tokio_test(flavor = "multi_thread")]
async fn should_wait_for_tasks_that_end_soon_after_the_body() {
    for len in 0..4 {
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            drop(model::frame(len));
        });
    }
}

#[test]
fn should_report_how_many_tasks_still_run_and_what_else_leaked() {
    let started = Instant::now();
    let message = panic::catch_unwind(never_ending_tasks).map_err(panic_message).unwrap_err();
    let first = message.lines().next().unwrap();
    assert!(
        first.starts_with(
            "leak_audit: test `test_tokio_test::never_ending_tasks` leaked 3 tasks still running at the end of the test \
             (after waiting "
        ),
        "{message}"
    );
    assert!(message.contains("\n         2  spawned tasks\n"), "{message}");
    assert!(
        message.contains("\n         1  `spawn_blocking` call still running after the runtime shut down\n"),
        "{message}"
    );
    if cfg!(tokio_unstable) {
        assert_eq!(message.matches(" spawned at tests/test_tokio_test.rs:").count(), 1, "{message}");
        assert!(message.contains("             2 spawned at "), "{message}");
    } else {
        assert!(message.contains("note: build with `RUSTFLAGS=\"--cfg tokio_unstable\"`"), "{message}");
    }
    assert!(message.contains("`#[leak_audit::tokio_test(allow_running_tasks)]`"), "{message}");
    // The value still held by the blocking call is reported after the tasks.
    let values = message.find("leaked 1 value of counted types").expect(&message);
    assert!(values > message.find("allow_running_tasks").unwrap(), "{message}");
    // Bounded: about a second for the tasks, one for the blocking call at the
    // shutdown and one for the value check.
    assert!(started.elapsed() < Duration::from_secs(10), "{:?}", started.elapsed());
}

#[leak_audit::tokio_test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by `should_report_how_many_tasks_still_run_and_what_else_leaked`"]
async fn never_ending_tasks() {
    for _ in 0..2 {
        tokio::spawn(async {
            loop {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        });
    }
    tokio::task::spawn_blocking(|| {
        let frame = model::frame(1);
        thread::sleep(Duration::from_secs(8));
        drop(frame);
    });
}

// Tests in parallel, each leaking (or not) in its own tasks.

static WORKERS: AtomicUsize = AtomicUsize::new(0);

#[leak_audit::tokio_test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by `should_judge_each_test_on_its_own_tasks_while_others_run`"]
async fn clean_worker() {
    let tasks: Vec<_> = (0..8).map(|len| tokio::spawn(async move { model::frame(len) })).collect();
    let mut frames = Vec::new();
    for task in tasks {
        frames.push(task.await.unwrap());
    }
    tokio::task::spawn_blocking(|| rendezvous(&WORKERS, 4)).await.unwrap();
    drop(frames);
    for len in 0..200 {
        tokio::spawn(async move { drop(model::frame(len)) }).await.unwrap();
    }
}

#[leak_audit::tokio_test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run by `should_judge_each_test_on_its_own_tasks_while_others_run`"]
async fn leaky_worker() {
    tokio::spawn(async { std::mem::forget((0..3).map(model::frame).collect::<Vec<_>>()) }).await.unwrap();
    tokio::task::spawn_blocking(|| rendezvous(&WORKERS, 4)).await.unwrap();
}

#[leak_audit::tokio_test]
#[ignore = "run by `should_judge_each_test_on_its_own_tasks_while_others_run`"]
async fn blocking_leaky_worker() {
    tokio::task::spawn_blocking(|| {
        rendezvous(&WORKERS, 4);
        std::mem::forget(model::frame(1));
    })
    .await
    .unwrap();
}

#[test]
fn should_judge_each_test_on_its_own_tasks_while_others_run() {
    let clean = thread::spawn(|| panic::catch_unwind(clean_worker).map_err(panic_message));
    let leaky = thread::spawn(|| panic::catch_unwind(leaky_worker).map_err(panic_message));
    let blocking = thread::spawn(|| panic::catch_unwind(blocking_leaky_worker).map_err(panic_message));
    // A plain thread, in no test, keeps frames alive across the checks.
    let bystander = thread::spawn(|| {
        let frames: Vec<_> = (0..50).map(model::frame).collect();
        rendezvous(&WORKERS, 4);
        thread::sleep(Duration::from_millis(50));
        drop(frames);
    });
    assert_eq!(clean.join().unwrap(), Ok(()));
    let message = leaky.join().unwrap().unwrap_err();
    assert!(message.starts_with("leak_audit: test `test_tokio_test::leaky_worker` leaked 3 values"), "{message}");
    assert!(message.lines().nth(1).unwrap().trim_start().starts_with("Frame"), "{message}");
    let message = blocking.join().unwrap().unwrap_err();
    assert!(
        message.starts_with("leak_audit: test `test_tokio_test::blocking_leaky_worker` leaked 1 value"),
        "{message}"
    );
    bystander.join().unwrap();
}

// `start_paused`.

#[leak_audit::tokio_test(start_paused = true)]
async fn should_start_paused_when_asked() {
    let real = Instant::now();
    let virtual_start = tokio::time::Instant::now();
    tokio::time::sleep(Duration::from_secs(3600)).await;
    assert!(virtual_start.elapsed() >= Duration::from_secs(3600));
    assert!(real.elapsed() < Duration::from_secs(60), "{:?}", real.elapsed());
    // A task still sleeping when the body returns finishes while the runner
    // waits: the paused clock advances.
    tokio::spawn(async {
        tokio::time::sleep(Duration::from_secs(600)).await;
        drop(model::frame(3));
    });
}

#[leak_audit::tokio_test(flavor = "multi_thread", worker_threads = 1, start_paused = false)]
async fn should_run_on_the_real_clock_by_default() {
    let real = Instant::now();
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(real.elapsed() >= Duration::from_millis(20));
}

// What an async fn can do, a `tokio_test` fn can.

#[leak_audit::tokio_test]
async fn should_accept_result_tests_and_early_returns() -> Result<(), String> {
    let frame = model::frame(2);
    let len: usize = "2".parse::<usize>().map_err(|err| err.to_string())?;
    assert_eq!(frame.bytes.len(), len);
    if len == 2 {
        return Ok(());
    }
    Err("unreachable".into())
}

#[leak_audit::tokio_test]
#[should_panic(expected = "the test's own panic")]
async fn should_keep_should_panic_for_the_tests_own_panic() {
    let _alive = model::frame(1);
    tokio::spawn(std::future::pending::<()>());
    panic!("the test's own panic");
}

// `#[leak_audit::test]` with `#[tokio::test]`, in both orders, as before.

#[tokio::test]
#[leak_audit::test]
#[should_panic(expected = "leaked 2 values of counted types")]
async fn should_still_check_the_test_thread_with_the_runtime_attribute_first() {
    tokio::spawn(async { model::cycle() }).await.unwrap();
}

#[leak_audit::test]
#[tokio::test]
#[should_panic(expected = "leaked 2 values of counted types")]
async fn should_still_check_the_test_thread_with_the_check_attribute_first() {
    model::cycle();
}

/// What `#[leak_audit::test]` cannot see, and `tokio_test` can: values made
/// on a multi-thread runtime's worker threads.
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
#[leak_audit::test]
async fn should_not_see_worker_threads_under_leak_audit_test() {
    assert_eq!(tokio::spawn(async { model::cycle() }).await.unwrap(), 2);
}

#[test]
fn should_not_leave_the_test_scope_on_the_test_thread() {
    // The runner gave back the test's scope: nothing runs in one now.
    let _ = panic::catch_unwind(never_ending_in_current_thread);
    assert!(leak_audit::thread::TestScope::current().is_none());
}

#[leak_audit::tokio_test]
#[ignore = "run by `should_not_leave_the_test_scope_on_the_test_thread`"]
async fn never_ending_in_current_thread() {
    tokio::spawn(std::future::pending::<()>());
}
