//! `leak_audit`: find memory leaks in Rust.
//!
//! One attribute, `#[leak_audit]`, does two things to the code it is put on:
//! it checks it for the structures that leak memory (see [Lints](#lints)), and
//! it rewrites its structs so that this crate counts their live instances,
//! which is what Python programmers get from `gc.get_objects()` and objgraph.
//!
//! ```
//! #[leak_audit::leak_audit]
//! mod model {
//!     use std::{cell::RefCell, rc::{Rc, Weak}};
//!
//!     pub struct Person { pub name: String, pub cars: RefCell<Vec<Rc<Car>>> }
//!     pub struct Car { pub model: String, pub owner: Weak<Person> }
//!
//!     pub fn person(name: &str) -> Rc<Person> {
//!         Rc::new(Person { name: name.into(), cars: RefCell::new(Vec::new()) })
//!     }
//!
//!     pub fn add_car(owner: &Rc<Person>, model: &str) {
//!         let car = Rc::new(Car { model: model.into(), owner: Rc::downgrade(owner) });
//!         owner.cars.borrow_mut().push(car);
//!     }
//! }
//!
//! let before = leak_audit::snapshot();
//! {
//!     let joden = model::person("Joden");
//!     model::add_car(&joden, "Tesla");
//!     assert_eq!(leak_audit::count::<model::Car>(), 1);
//! }
//! // `Car.owner` is a `Weak`, so dropping Joden dropped the car too.
//! assert!(leak_audit::snapshot().diff(&before).is_flat());
//! assert_eq!(leak_audit::count::<model::Car>(), 0);
//! ```
//!
//! # Lints
//!
//! At compile time `#[leak_audit]` analyses everything in the item it is put
//! on (an inline module, a struct or enum, an `impl`, a trait, a fn with its
//! body, a static) and reports, as warnings on stable Rust:
//!
//! - [`rc_cycle`]: types that can keep each other (or themselves) alive through
//!   strong `Rc`/`Arc` pointers with interior mutability on the way; names the
//!   cycle, the field to make `Weak` and its new type;
//! - [`unbounded_static`]: growable collections in statics (`static`,
//!   `LazyLock`, `OnceLock`, `thread_local!`, `lazy_static!`, once_cell) that
//!   the code grows and never shrinks;
//! - [`cache_without_eviction`]: memo maps in fields and statics that are
//!   filled on every miss and never evicted, and unbounded `#[cached]` or
//!   `#[memoize]` fns;
//! - [`leak_per_call`] (`allow` by default, turn it on with
//!   `#[leak_audit(warn(leak_per_call))]`): values leaked on purpose
//!   (`Box::leak`, `mem::forget`, `ManuallyDrop`, wasm-bindgen
//!   `Closure::forget`) in code that runs again and again.
//!
//! Levels are set with `#[leak_audit(deny)]`, `#[leak_audit(deny(rc_cycle, ..))]`,
//! `warn(..)` and `#[leak_audit(allow(..), reason = "..")]`, on the annotated
//! item or on any item, field or static inside an annotated module. The
//! `cargo leak-audit` command runs the same analysis over a whole crate.
//!
//! [`rc_cycle`]: https://docs.rs/leak_audit_engine/latest/leak_audit_engine/lints/static.RC_CYCLE.html
//! [`unbounded_static`]: https://docs.rs/leak_audit_engine/latest/leak_audit_engine/lints/static.UNBOUNDED_STATIC.html
//! [`cache_without_eviction`]: https://docs.rs/leak_audit_engine/latest/leak_audit_engine/lints/static.CACHE_WITHOUT_EVICTION.html
//! [`leak_per_call`]: https://docs.rs/leak_audit_engine/latest/leak_audit_engine/lints/static.LEAK_PER_CALL.html
//!
//! # Counting live instances
//!
//! Every struct with named fields that `#[leak_audit]` sees (the annotated
//! struct, or any struct inside an annotated inline module or fn, at any
//! depth) gets a private hidden field, `__leak_audit`, that counts one creation
//! when the value is made and one drop when it is dropped. The attribute also
//! rewrites the struct literals and struct patterns inside the annotated code,
//! so that they keep compiling.
//!
//! - [`count::<T>()`](count) gives the live instances of `T`;
//! - [`snapshot()`](snapshot) gives live, created, dropped and peak per type,
//!   and [`Snapshot::diff`] what changed between two snapshots: created,
//!   dropped and net change, and in debug builds which of the live values are
//!   new since the earlier snapshot and which survived it;
//! - [`show_growth()`](show_growth) prints objgraph's table of the types that
//!   grew since its previous call ([`growth()`](growth) returns it as a value,
//!   [`Growth::to_json`] as JSON);
//! - [`#[leak_audit::test]`](test) fails a test that leaves alive values it
//!   created;
//! - `#[leak_audit]` on a fn reports the types that grew across each call,
//!   and `#[leak_audit(assert)]` panics instead.
//!
//! Counters register themselves the first time their type is instantiated,
//! without code running before `main` (the lock-free registration and lane
//! hand-over are model-checked with loom: `runtime/tests/loom.rs`). Counting costs a few plain loads and
//! stores per creation and drop: each thread writes only to its own shard of
//! the counter, so threads never contend (see `benches/RESULTS.md` in the
//! repository for measurements).
//!
//! ## What the rewrite does to a struct
//!
//! - **Derives.** `Clone` and `Default` count the new value. `PartialEq`, `Eq`,
//!   `PartialOrd`, `Ord` and `Hash` behave as if the field were not there (all
//!   hidden fields are equal and hash to nothing). `Debug` is replaced by an
//!   identical hand-written impl that leaves the field out. With serde's
//!   `Serialize` or `Deserialize` the field gets `#[serde(skip)]`, so the
//!   serialized form is unchanged and a deserialized value is counted.
//! - **Generics.** All instantiations of a generic struct share one counter,
//!   under the struct's name: `Wrapper<u8>` and `Wrapper<String>` are both
//!   `Wrapper`, as objgraph counts by type name. Lifetimes, const generics and
//!   where clauses are untouched; the hidden field never mentions them, so
//!   variance, auto traits and drop checking are unchanged too.
//! - **`Drop`.** A user `Drop` impl runs first, then the hidden field counts
//!   the drop. Struct update syntax (`..base`) keeps working on `Drop` types:
//!   the literal gets a fresh hidden field instead of moving the base's.
//! - **Layout.** In release builds the field is zero-sized and aligned to 1, so
//!   sizes and layouts do not change. In debug builds it keeps the tag of the
//!   test that created the value and when it was created (the snapshot epoch,
//!   or with creation sites on, the site, which keeps the epoch): 8 bytes, alignment 4
//!   (so a struct grows by 8 bytes, or by up to 8 more for padding). A
//!   `#[repr(C)]` or `#[repr(transparent)]` struct always gets the zero-sized
//!   field, so its layout stays exactly the same in every build (a zero-sized,
//!   1-aligned field at offset 0 moves no other field of a `repr(C)` struct,
//!   and `repr(transparent)` allows any number of them); it stays FFI-safe.
//!   The hidden field is the first field, so a last field that is unsized
//!   (`[T]`, `str`, `Path`, a `T: ?Sized` parameter) stays last; it is
//!   dropped before the other fields.
//! - **`cfg`'d fields** keep their `cfg`; the hidden field has none. A `cfg`'d
//!   struct's generated items carry its `cfg`.
//!
//! ## What is not counted
//!
//! These structs are left as they are, uncounted, because a hidden field would
//! break them or their users:
//!
//! - tuple and unit structs (a new field changes their constructor), enums and
//!   unions;
//! - `Copy` types (the hidden field counts drops, so it cannot be `Copy`);
//! - `#[repr(packed)]` structs: their fields cannot be borrowed in place, which
//!   derives need, and the layout is meant to be exact;
//! - structs with a `#[serde(remote = "..")]` attribute (serde builds the
//!   remote type from every field, the hidden one included);
//! - structs built in a `const` or `static` initializer or in a `const fn`
//!   (counting is not possible at compile time);
//! - structs with derives other than the standard ones and serde's (a derive
//!   this crate does not know might not accept the hidden field);
//! - structs marked `#[leak_audit(no_count)]`, or everything under an item
//!   marked so.
//!
//! Put `#[leak_audit]` *above* a struct's `#[derive(..)]`: derives written
//! above it expand from the struct as it was before the hidden field was added,
//! and their literals then miss it (on a module, the order does not matter).
//!
//! A struct literal or a struct pattern without `..` *outside* the annotated
//! code does not know about the hidden field and fails to compile with
//! ``missing field `__leak_audit` `` (or ``pattern does not mention field
//! `__leak_audit` ``). Put `#[leak_audit]` on the enclosing module instead of
//! on the struct, build the value through a function inside the annotated
//! code, add `..` to the pattern, or opt the struct out with
//! `#[leak_audit(no_count)]`.
//!
//! # Tests
//!
//! [`#[leak_audit::test]`](test), used instead of `#[test]`, fails the test
//! when values of counted types created during the test (on the test's thread)
//! are still alive at its end, and prints which types and how many. Each test
//! is judged on its own values, also while other tests run on other threads.
//! Values the test created and sent to another thread count as alive until
//! that thread drops them: the check waits, with bounded retries (about one
//! second in total, as goleak does), for such drops still in flight before it
//! fails. Values parked in a `static` are leaks.
//!
//! Exactness across threads needs to know, at each drop, which test created
//! the value; debug builds keep that in the hidden field. In release builds
//! (and for `repr(C)`/`repr(transparent)` structs) a drop is charged to the
//! test running on the dropping thread, so values created by a test and
//! dropped on another thread are reported as leaks there.
//!
//! Set `LEAK_AUDIT_SITES=1` (or enable the `sites` feature) to have a failing
//! test also list its leaked values grouped by the line that created them, as
//! tracemalloc does (debug builds).
//!
//! What a test's other threads create is the test's too when they run inside
//! its scope: threads started with [`thread::spawn`] or
//! [`thread::spawn_scoped`], or that entered a [`thread::TestScope`]. For
//! async tests, `#[leak_audit::tokio_test]` (feature `tokio`) runs the test on
//! a tokio runtime whose worker and blocking threads are all in the test's
//! scope, and fails the test if tasks it spawned are still running at its end.
//!
//! The counters are global, like the allocator dhat measures: a test that
//! asserts exact [`count`]s should run in its own integration-test binary (or
//! use [`#[leak_audit::test]`](test), which only looks at the test's own values).
//!
//! # Does it grow every time, and what keeps it alive?
//!
//! - [`growth_per_run`] runs a scenario a few times to warm up, then a few
//!   measured times, and records each counted type's net change per measured
//!   run; [`assert_no_growth`] panics when a type grew on *every* measured run
//!   (CPython's refleak rule: `[1, 1, 1]` and `[5, 5, 6]` leak, a cache
//!   filled once, `[3, 0, 0]`, or noise such as `[8, -8, 1]` do not).
//!   `#[leak_audit::test(repeat = 5)]` does the same with a test's body (2
//!   warm-up runs by default, `warmup = N` to change it).
//! - [`watch`] keeps a `Weak` to an `Rc` or `Arc`; [`Watch::assert_dropped`]
//!   waits briefly for drops on other threads, then panics with the type, its
//!   counts and the cycle that keeps it alive.
//! - [`find_cycle`] returns that cycle: the shortest strong path from the
//!   value back to itself, through the fields of the structs and enums
//!   `#[leak_audit]` sees (it generates a field tracer for them, which adds
//!   no field and is only run by the walk).
//!
//! A dialog whose OK button holds it strongly, so that closing it leaks both:
//!
//! ```
//! #[leak_audit::leak_audit(allow(rc_cycle), reason = "the leak the example finds")]
//! mod ui {
//!     use std::{cell::RefCell, rc::Rc};
//!
//!     pub struct Dialog { pub title: String, pub buttons: RefCell<Vec<Rc<Button>>> }
//!     pub struct Button { pub label: String, pub dialog: RefCell<Option<Rc<Dialog>>> }
//!
//!     pub fn open(title: &str) -> Rc<Dialog> {
//!         let dialog = Rc::new(Dialog { title: title.into(), buttons: RefCell::new(Vec::new()) });
//!         let ok = Rc::new(Button { label: "OK".into(), dialog: RefCell::new(Some(dialog.clone())) });
//!         dialog.buttons.borrow_mut().push(ok);
//!         dialog
//!     }
//! }
//!
//! let runs = leak_audit::growth_per_run(2, 5, || drop(ui::open("Save changes?")));
//! assert_eq!(runs.deltas::<ui::Button>(), [1, 1, 1, 1, 1]);
//! assert!(runs.to_string().starts_with("`Button` grew on every run: [1, 1, 1, 1, 1] (after 2 warm-up runs)"));
//!
//! let dialog = ui::open("Save changes?");
//! let cycle = leak_audit::find_cycle(&dialog).unwrap();
//! assert_eq!(cycle.to_string(), "Dialog#1.buttons[0] -> Button#1.dialog -> Dialog#1");
//! ```
//!
//! The fix is the one `rc_cycle` suggests at compile time: make the back
//! pointer `dialog: RefCell<Weak<Dialog>>`. The walk goes through `Rc`,
//! `Arc`, `Box`, `Option`, `Vec`, `VecDeque`, maps' values, tuples, arrays,
//! `RefCell`, `Mutex` and `RwLock`, never waits on a borrowed or locked cell
//! (it says it skipped it), does not follow `Weak`, and says when it met a
//! value it cannot see into (a closure, a type outside annotated items). It
//! starts from values of non-generic counted structs.
//!
//! The attribute generates the field tracer only when this crate's `cycles`
//! feature is on (the tracers cost build time, and only the walk uses them):
//! enable it for tests, and normal builds pay nothing.
//!
//! ```toml
//! [dev-dependencies]
//! leak_audit = { version = "0.1", features = ["cycles"] }
//! ```
//!
//! Growth runs count the values the scenario creates on the calling thread,
//! in a scope of their own, so parallel tests do not disturb each other's
//! verdicts; that needs the per-value data of debug builds, and release
//! builds use process-wide counts instead (run such checks in a test binary
//! of their own there).

#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]

mod counter;
mod growth_runs;
// Snapshot epochs need the per-instance data that only debug builds keep.
#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
#[cfg(debug_assertions)]
mod epoch;
mod lockfree;
mod registry;
mod scope;
mod shard;
// Creation sites need the per-instance data that only debug builds keep.
#[cfg(debug_assertions)]
mod sites;
mod stats;
mod sync;
pub mod thread;
#[cfg(feature = "tokio")]
mod tokio_test;
mod trace;
mod watch;

pub use growth_runs::{assert_no_growth, growth_per_run, GrowthRuns};

/// Keeps the field tracers `#[leak_audit]` generates when the `cycles`
/// feature is on, and drops them unexpanded when it is off (generated code).
#[doc(hidden)]
#[cfg(feature = "cycles")]
#[macro_export]
macro_rules! __if_cycles {
    ($($item:tt)*) => { $($item)* };
}

/// See the `cycles` version.
#[doc(hidden)]
#[cfg(not(feature = "cycles"))]
#[macro_export]
macro_rules! __if_cycles {
    ($($item:tt)*) => {};
}

/// The start of cycle walks kept by the counter of the non-generic counted
/// struct `$ty` (generated code); `None` without the `cycles` feature.
#[doc(hidden)]
#[cfg(feature = "cycles")]
#[macro_export]
macro_rules! __cycle_root {
    ($ty:ident) => {
        ::core::option::Option::Some(|| {
            use $crate::__private::{HasRoot as _, NoRoot as _};
            (&$crate::__private::RootOf::<$ty>::NEW).__root()
        })
    };
}

/// See the `cycles` version.
#[doc(hidden)]
#[cfg(not(feature = "cycles"))]
#[macro_export]
macro_rules! __cycle_root {
    ($ty:ident) => {
        ::core::option::Option::None
    };
}
pub use stats::{Growth, GrowthEntry, Snapshot, SnapshotDiff, TypeDiff, TypeStats};
pub use trace::CyclePath;
pub use watch::{find_cycle, watch, Watch, Watchable};

/// Checks code for memory leaks and counts the live instances of its structs.
///
/// Put it on an inline module, a struct, a fn, an `impl` block, a trait or a
/// static. See the [crate documentation](crate) for what it reports and how it
/// rewrites structs.
///
/// Arguments:
///
/// - `allow(lint, ..)`, `warn(lint, ..)`, `deny(lint, ..)`, `deny`: lint levels;
///   `reason = ".."` documents an `allow`;
/// - `no_count`: on the item or on a struct inside it, do not count;
/// - `assert`: on a fn, panic when counted types grew across a call.
///
/// # Examples
///
/// ```
/// #[leak_audit::leak_audit]
/// mod shop {
///     #[derive(Clone, Debug, Default, PartialEq)]
///     pub struct Basket { pub items: Vec<String> }
///
///     #[leak_audit(no_count)]
///     pub struct Receipt { pub total: u32 }
/// }
///
/// let basket = shop::Basket::default();
/// let copy = basket.clone();
/// assert_eq!(basket, copy);
/// assert_eq!(format!("{basket:?}"), "Basket { items: [] }");
/// assert_eq!(leak_audit::count::<shop::Basket>(), 2);
/// let _receipt = shop::Receipt { total: 3 };
/// ```
///
/// On a fn, growth across a call is reported on stderr, or with `assert`
/// turned into a panic. A fn inside an annotated item gets this from its own
/// `#[leak_audit]` or `#[leak_audit(assert)]`; one that only sets lint levels
/// (`#[leak_audit(allow(..), reason = "..")]`) is not watched.
///
/// ```should_panic
/// #[leak_audit::leak_audit]
/// mod log {
///     pub struct Line { pub text: String }
///     pub fn line(text: &str) -> Line { Line { text: text.into() } }
/// }
///
/// static KEPT: std::sync::Mutex<Vec<log::Line>> = std::sync::Mutex::new(Vec::new());
///
/// #[leak_audit::leak_audit(assert)]
/// fn remember(text: &str) {
///     KEPT.lock().unwrap().push(log::line(text));
/// }
///
/// remember("hello"); // panics: `Line` grew by 1 across the call
/// ```
pub use leak_audit_macros::leak_audit;

/// Runs a test and fails it if values of counted types that it created are
/// still alive at its end.
///
/// Use it instead of `#[test]`. Other test attributes (`#[should_panic]`,
/// `#[ignore]`) stay as they are. For async tests, put the runtime's attribute
/// first and this one after it: `#[tokio::test] #[leak_audit::test] async fn`,
/// so the runtime (and the tasks it drops when it shuts down) is inside the
/// check. It also works the other way round, with the check inside the async
/// body (values still held by the runtime's tasks then count as alive).
///
/// It judges the values created on the test's own thread (and on threads
/// started with [`thread::spawn`] or that entered its [`thread::TestScope`]).
/// On a multi-threaded runtime (`#[tokio::test(flavor = "multi_thread")]`),
/// tasks run on the runtime's worker threads and `spawn_blocking` work on its
/// blocking threads, which are in no test: what they create is not checked,
/// so a leak made there passes (on the current-thread runtime, spawned tasks
/// run on the test's thread and are checked, but `spawn_blocking` work is
/// not), and a task still running at the end is dropped silently with the
/// runtime. `#[leak_audit::tokio_test]` (feature `tokio`) checks all of these.
///
/// The failure message lists the leaked types with their counts:
///
/// ```text
/// leak_audit: test `adding_a_car_leaks_nothing` leaked 2 values of counted types: created during the test and still alive at its end (after waiting 1023ms for drops on other threads)
///     Person       1  (my_crate::model)
///     Car          1  (my_crate::model)
/// ```
///
/// See the [crate documentation](crate#tests) for how values dropped on other
/// threads are handled.
///
/// `#[leak_audit::test(repeat = N)]` runs the body 2 warm-up times, then `N`
/// measured times (`warmup = W` changes the warm-up), and fails the test if a
/// counted type grew on every measured run, as [`assert_no_growth`] does: the
/// growth rule alone, so values the warm-up runs created may stay alive (a
/// cache filled on first use). The body must return `()` and not be `async`.
/// Malformed arguments are compile errors at their span.
///
/// # Examples
///
/// ```
/// #[leak_audit::leak_audit]
/// mod model {
///     pub struct Person { pub name: String }
///     pub fn person(name: &str) -> Person { Person { name: name.into() } }
/// }
///
/// // In a test file: passes, the value is dropped on another thread.
/// #[leak_audit::test]
/// fn people_are_dropped() {
///     let ada = model::person("Ada");
///     std::thread::spawn(move || drop(ada)).join().unwrap();
/// }
///
/// // Passes: one person is kept by the warm-up runs, none by the measured ones.
/// #[leak_audit::test(repeat = 5, warmup = 1)]
/// fn a_cache_filled_once_is_not_a_leak() {
///     static CACHE: std::sync::Mutex<Vec<model::Person>> = std::sync::Mutex::new(Vec::new());
///     let mut cache = CACHE.lock().unwrap();
///     if cache.is_empty() {
///         cache.push(model::person("cached"));
///     }
/// }
/// ```
pub use leak_audit_macros::test;

/// Runs an async test on a tokio runtime whose threads all count into the
/// test, fails it if tasks it spawned are still running at its end, then
/// checks its values as [`#[leak_audit::test]`](test) does. Feature `tokio`.
///
/// Use it instead of `#[tokio::test]`; it takes the same arguments, plus one:
///
/// - `flavor = "current_thread"` (the default) or `flavor = "multi_thread"`;
/// - `worker_threads = N` (multi-thread only; by default one per core);
/// - `start_paused = true` (current-thread only): the clock starts paused and
///   auto-advances, as `tokio::time::pause` makes it;
/// - `allow_running_tasks`: do not fail the test for tasks it leaves
///   running (they are dropped with the runtime, and their values with them).
///
/// Values created by the test's tasks are the test's, on whichever thread of
/// its runtime they run: the runtime's worker and blocking threads run inside
/// the test's scope from their start to their stop. Tests running in parallel
/// each have their own runtime and are judged apart.
///
/// When the body returns, the runtime keeps running the tasks still alive
/// for up to about a second (until none is left); then it is shut down, which
/// waits up to about a second for `spawn_blocking` work. Tasks and
/// `spawn_blocking` calls still running fail the test:
///
/// ```text
/// leak_audit: test `ws::connections_close` leaked 1 task still running at the end of the test (after waiting 1001ms for tasks to finish)
///          1  spawned task
/// note: build with `RUSTFLAGS="--cfg tokio_unstable"` to see where the tasks were spawned (tokio's task hooks need it)
/// note: a test that leaves tasks running on purpose can say so: `#[leak_audit::tokio_test(allow_running_tasks)]`
/// ```
///
/// Built with `--cfg tokio_unstable`, the report lists where each task was
/// spawned (tokio's task hooks and spawn locations exist only then). Names
/// given with `tokio::task::Builder::name` cannot be shown: tokio hands them
/// only to tracing. Then the values are checked, with the usual report.
///
/// # Examples
///
/// ```
/// #[leak_audit::leak_audit]
/// mod model {
///     use std::sync::{Arc, Mutex, Weak};
///     pub struct Parent { pub children: Mutex<Vec<Arc<Child>>> }
///     pub struct Child { pub parent: Mutex<Weak<Parent>> }
///
///     pub fn family() -> Arc<Parent> {
///         let parent = Arc::new(Parent { children: Mutex::new(Vec::new()) });
///         let child = Arc::new(Child { parent: Mutex::new(Arc::downgrade(&parent)) });
///         parent.children.lock().unwrap().push(child);
///         parent
///     }
/// }
///
/// # /*
/// #[leak_audit::tokio_test(flavor = "multi_thread", worker_threads = 2)]
/// # */
/// async fn families_are_freed() {
///     let task = tokio::spawn(async { model::family().children.lock().unwrap().len() });
///     assert_eq!(task.await.unwrap(), 1);
///     let blocking = tokio::task::spawn_blocking(|| drop(model::family()));
///     blocking.await.unwrap();
/// }
/// # // What the attribute does around the body.
/// # let test = leak_audit::__private::TestGuard::new("families_are_freed");
/// # let config = leak_audit::__private::TokioTestConfig {
/// #     flavor: leak_audit::__private::TokioFlavor::MultiThread,
/// #     worker_threads: Some(2),
/// #     start_paused: false,
/// #     check_tasks: true,
/// # };
/// # leak_audit::__private::run_tokio_test(&test, config, families_are_freed());
/// # drop(test);
/// ```
#[cfg(feature = "tokio")]
pub use leak_audit_macros::tokio_test;

/// Implemented by `#[leak_audit]` for every struct it counts; lets
/// [`count`] and [`Snapshot::get`] find the type's counter.
///
/// Do not implement it by hand: its item is not public API.
pub trait Counted {
    #[doc(hidden)]
    const __LEAK_AUDIT_COUNTER: &'static __private::Counter;
}

/// The number of live instances of the counted type `T`.
///
/// All instantiations of a generic type are counted together. Exact once the
/// threads that create and drop `T` have synchronised with the caller (joined,
/// or handed over through a channel or a mutex).
///
/// # Examples
///
/// ```
/// #[leak_audit::leak_audit]
/// mod boxes {
///     pub struct Wrapper<T> { pub value: T }
///     pub fn wrap<T>(value: T) -> Wrapper<T> { Wrapper { value } }
/// }
///
/// let a = boxes::wrap(1u8);
/// let b = boxes::wrap(String::from("one"));
/// assert_eq!(leak_audit::count::<boxes::Wrapper<u8>>(), 2);
/// drop((a, b));
/// assert_eq!(leak_audit::count::<boxes::Wrapper<()>>(), 0);
/// ```
#[must_use]
pub fn count<T: Counted + ?Sized>() -> usize {
    let counter = T::__LEAK_AUDIT_COUNTER;
    // Reading updates the peak, so that `peak >= live` always holds.
    let _ = counter.peak();
    counter.live()
}

/// The counts of every counted type that has had an instance: live, created,
/// dropped and peak.
///
/// # Examples
///
/// ```
/// #[leak_audit::leak_audit]
/// mod jobs {
///     pub struct Job { pub id: u32 }
///     pub fn job(id: u32) -> Job { Job { id } }
/// }
///
/// let first = leak_audit::snapshot();
/// let jobs: Vec<_> = (0..3).map(jobs::job).collect();
/// // Every read samples the peak (release builds only track it at samples).
/// assert_eq!(leak_audit::count::<jobs::Job>(), 3);
/// drop(jobs);
/// let second = leak_audit::snapshot();
///
/// let job = second.get::<jobs::Job>().unwrap();
/// assert_eq!((job.live, job.created, job.dropped, job.peak), (0, 3, 3, 3));
/// let diff = second.diff(&first);
/// assert_eq!(diff.get::<jobs::Job>().unwrap().created, 3);
/// assert!(diff.is_flat());
/// ```
#[must_use]
pub fn snapshot() -> Snapshot {
    Snapshot::take()
}

/// The counted types whose live count grew since the previous call of
/// `growth` or [`show_growth`], largest growth first.
///
/// The first call compares with zero. See [`Growth`] for the table and JSON
/// forms.
///
/// # Examples
///
/// ```
/// #[leak_audit::leak_audit]
/// mod graph {
///     pub struct Node { pub id: u32 }
///     pub fn node(id: u32) -> Node { Node { id } }
/// }
///
/// let _ = leak_audit::growth();
/// let nodes: Vec<_> = (0..4).map(graph::node).collect();
/// let growth = leak_audit::growth();
/// assert_eq!(growth.entries()[0].name, "Node");
/// assert_eq!((growth.entries()[0].count, growth.entries()[0].delta), (4, 4));
/// // Nothing grew since the previous call.
/// assert!(leak_audit::growth().is_empty());
/// # drop(nodes);
/// ```
#[must_use]
pub fn growth() -> Growth {
    Growth::since_previous_call()
}

/// Prints the counted types whose live count grew since the previous call,
/// objgraph style: type, live count, `+delta`, largest delta first.
///
/// ```text
/// Node          4         +4
/// Edge          2         +1
/// ```
///
/// # Examples
///
/// ```
/// #[leak_audit::leak_audit]
/// mod graph {
///     pub struct Edge { pub from: u32, pub to: u32 }
///     pub fn edge(from: u32, to: u32) -> Edge { Edge { from, to } }
/// }
///
/// let edges = vec![graph::edge(0, 1)];
/// leak_audit::show_growth(); // prints "Edge   1   +1"
/// # drop(edges);
/// ```
pub fn show_growth() {
    print!("{}", growth());
}
