//! The registry of counters: a lock-free, push-only intrusive list.
//!
//! Every [`Counter`] is a `static` that links itself into this list the first
//! time an instance of its type is created, so there is no life-before-main and
//! a type that is never instantiated costs nothing (tracing-core registers its
//! callsites the same way).
//!
//! # Why this is sound without locks
//!
//! - Nodes are `&'static Counter`s: they are never freed, so a pointer read from
//!   the list stays valid forever and there is no ABA problem.
//! - The list only grows, by a CAS on [`HEAD`]: a node's `next` is written
//!   (`Relaxed`) before the CAS that publishes it (`Release`), and readers load
//!   `HEAD` and every `next` with `Acquire`, so a reader that sees a node also
//!   sees its `next` and its constant fields.
//! - Each counter is pushed at most once: its `state` goes
//!   `UNREGISTERED -> REGISTERING` by a CAS, and only the winner of that CAS
//!   pushes. A node that is in the list is never written again, so readers never
//!   race with a writer on `next`.
//! - A reader that runs concurrently with a push may or may not see the new
//!   node; either answer is a valid linearization (the counter registered just
//!   before or just after the walk).

use core::ptr;
use core::sync::atomic::{AtomicPtr, Ordering};

use crate::counter::Counter;

/// The head of the list: the most recently registered counter.
static HEAD: AtomicPtr<Counter> = AtomicPtr::new(ptr::null_mut());

/// Links `counter` into the list. Must be called at most once per counter (the
/// counter's registration state guarantees it).
pub(crate) fn push(counter: &'static Counter) {
    let node = ptr::from_ref(counter).cast_mut();
    // Relaxed: we only need the current value to link behind; the CAS below
    // re-checks it.
    let mut head = HEAD.load(Ordering::Relaxed);
    loop {
        // A node pointing at itself would make every walk loop forever.
        assert_ne!(head, node, "leak_audit: counter `{}` registered twice", counter.name());
        // Relaxed: published by the Release CAS below.
        counter.next.store(head, Ordering::Relaxed);
        // Release on success: readers that Acquire `HEAD` see `next` (and the
        // counter's constant fields). Relaxed on failure: we retry with the
        // fresh head and publish nothing.
        match HEAD.compare_exchange_weak(head, node, Ordering::Release, Ordering::Relaxed) {
            Ok(_) => return,
            Err(current) => head = current,
        }
    }
}

/// Calls `f` with every registered counter, most recently registered first.
pub(crate) fn for_each(mut f: impl FnMut(&'static Counter)) {
    // Acquire: pairs with the Release CAS in `push`.
    let mut current = HEAD.load(Ordering::Acquire);
    while !current.is_null() {
        // SAFETY: every non-null pointer in the list was made from a
        // `&'static Counter` in `push`, counters are never freed or moved, and
        // we only create a shared reference.
        let counter: &'static Counter = unsafe { &*current };
        f(counter);
        // Acquire: pairs with the Release CAS that published the next node
        // (its `next` was stored before that CAS and is never written again).
        current = counter.next.load(Ordering::Acquire);
    }
}

/// Every registered counter, most recently registered first.
pub(crate) fn all() -> Vec<&'static Counter> {
    let mut counters = Vec::new();
    for_each(|counter| counters.push(counter));
    counters
}
