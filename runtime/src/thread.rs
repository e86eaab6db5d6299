//! Threads that run inside the test that starts them.
//!
//! [`#[leak_audit::test]`](crate::test) judges the values created on the
//! test's own thread: a thread started with `std::thread::spawn` runs in no
//! test, so what it creates (and leaks) is nobody's. Start it with
//! [`spawn`] or [`spawn_scoped`] instead, or hand it a [`TestScope`] to
//! [`enter`](TestScope::enter), and what it creates is the test's, judged with
//! the test's own values while other tests run in parallel.
//!
//! ```
//! #[leak_audit::leak_audit]
//! mod model {
//!     pub struct Job { pub id: u32 }
//!     pub fn job(id: u32) -> Job { Job { id } }
//! }
//!
//! // In a test file:
//! # /*
//! #[leak_audit::test]
//! # */
//! fn workers_leave_nothing_behind() {
//!     let worker = leak_audit::thread::spawn(|| model::job(1).id);
//!     assert_eq!(worker.join().unwrap(), 1);
//!     std::thread::scope(|s| {
//!         leak_audit::thread::spawn_scoped(s, || drop(model::job(2)));
//!     });
//! }
//! # // What `#[leak_audit::test]` does around the body.
//! # let test = leak_audit::__private::TestGuard::new("workers_leave_nothing_behind");
//! # workers_leave_nothing_behind();
//! # drop(test);
//! ```
//!
//! A thread that outlives its test keeps the test's slot (one of 64 that
//! tests running at the same time share) until it ends or leaves the scope.

use std::marker::PhantomData;
use std::thread::{JoinHandle, Scope, ScopedJoinHandle};

use crate::scope;

/// Spawns a thread, like [`std::thread::spawn`], that runs inside the test
/// scope of the calling thread, if it runs in one.
///
/// Values the new thread creates count as created by the test: a
/// [`#[leak_audit::test]`](crate::test) fails if they are still alive at its
/// end. Outside a test it is just `std::thread::spawn`.
///
/// # Panics
///
/// If the operating system cannot create a thread, as `std::thread::spawn`.
///
/// # Examples
///
/// ```should_panic
/// #[leak_audit::leak_audit]
/// mod model {
///     pub struct Conn { pub port: u16 }
///     pub fn conn(port: u16) -> Conn { Conn { port } }
/// }
///
/// static POOL: std::sync::Mutex<Vec<model::Conn>> = std::sync::Mutex::new(Vec::new());
///
/// # /*
/// #[leak_audit::test]
/// # */
/// fn connections_are_closed() {
///     // Made on another thread, parked in a static: the test leaked it.
///     leak_audit::thread::spawn(|| POOL.lock().unwrap().push(model::conn(80))).join().unwrap();
/// }
/// # let test = leak_audit::__private::TestGuard::new("connections_are_closed");
/// # connections_are_closed();
/// # drop(test); // panics: leaked 1 value
/// ```
pub fn spawn<F, T>(f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let scope = TestScope::current();
    std::thread::spawn(move || run_in(scope.as_ref(), f))
}

/// Spawns a scoped thread, like [`Scope::spawn`], that runs inside the test
/// scope of the calling thread, if it runs in one.
///
/// # Panics
///
/// If the operating system cannot create a thread, as `Scope::spawn`.
///
/// # Examples
///
/// ```
/// #[leak_audit::leak_audit]
/// mod model {
///     pub struct Chunk { pub bytes: Vec<u8> }
///     pub fn chunk(len: usize) -> Chunk { Chunk { bytes: vec![0; len] } }
/// }
///
/// # /*
/// #[leak_audit::test]
/// # */
/// fn chunks_are_freed() {
///     let lens = [1, 2, 3];
///     std::thread::scope(|s| {
///         for len in &lens {
///             leak_audit::thread::spawn_scoped(s, move || assert_eq!(model::chunk(*len).bytes.len(), *len));
///         }
///     });
/// }
/// # let test = leak_audit::__private::TestGuard::new("chunks_are_freed");
/// # chunks_are_freed();
/// # drop(test);
/// ```
pub fn spawn_scoped<'scope, F, T>(scope: &'scope Scope<'scope, '_>, f: F) -> ScopedJoinHandle<'scope, T>
where
    F: FnOnce() -> T + Send + 'scope,
    T: Send + 'scope,
{
    let test = TestScope::current();
    scope.spawn(move || run_in(test.as_ref(), f))
}

fn run_in<T>(scope: Option<&TestScope>, f: impl FnOnce() -> T) -> T {
    let _entered = scope.map(TestScope::enter);
    f()
}

/// The test scope running on a thread, which other threads can enter: the
/// values they create while they are inside are the test's.
///
/// For threads that [`spawn`] and [`spawn_scoped`] do not start: a thread
/// pool's workers, a thread started by a library. The scope's slot (one of
/// 64 that tests running at the same time share) stays taken while a
/// `TestScope` exists, even after its test has ended.
///
/// # Examples
///
/// ```
/// #[leak_audit::leak_audit]
/// mod model {
///     pub struct Msg { pub text: String }
///     pub fn msg(text: &str) -> Msg { Msg { text: text.into() } }
/// }
///
/// # /*
/// #[leak_audit::test]
/// # */
/// fn messages_are_consumed() {
///     let scope = leak_audit::thread::TestScope::current().expect("inside #[leak_audit::test]");
///     let (tx, rx) = std::sync::mpsc::channel();
///     let producer = std::thread::spawn(move || {
///         let _in_test = scope.enter();
///         tx.send(model::msg("hello")).unwrap();
///     });
///     assert_eq!(rx.recv().unwrap().text, "hello");
///     producer.join().unwrap();
/// }
/// # let test = leak_audit::__private::TestGuard::new("messages_are_consumed");
/// # messages_are_consumed();
/// # drop(test);
/// assert!(leak_audit::thread::TestScope::current().is_none());
/// ```
#[derive(Clone, Debug)]
pub struct TestScope {
    handle: scope::Handle,
}

impl TestScope {
    /// The test scope running on the current thread: that of the
    /// [`#[leak_audit::test]`](crate::test) running on it, or of a scope the
    /// thread entered; `None` outside any.
    #[must_use]
    pub fn current() -> Option<TestScope> {
        scope::Handle::current().map(|handle| TestScope { handle })
    }

    /// Runs the current thread inside this scope until the guard is dropped;
    /// then the thread is back in the scope it was in before, if any.
    #[must_use = "the thread leaves the scope when the guard is dropped"]
    pub fn enter(&self) -> TestScopeGuard {
        TestScopeGuard { _entered: self.handle.enter(), marker: PhantomData }
    }
}

/// The guard of a [`TestScope`] entered on the current thread; dropping it
/// leaves the scope. It cannot be sent to another thread.
#[derive(Debug)]
pub struct TestScopeGuard {
    _entered: scope::Entered,
    marker: PhantomData<*const ()>,
}
