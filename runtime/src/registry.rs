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
//! - Each counter is pushed at most once: only the winner of the CAS that
//!   publishes its counts (`Counter::register`, [`lockfree::publish`]) pushes
//!   it. A node that is in the list is never written again, so readers never
//!   race with a writer on `next`.
//! - A reader that runs concurrently with a push may or may not see the new
//!   node; either answer is a valid linearization (the counter registered just
//!   before or just after the walk).
//!
//! The push and the walk are [`lockfree::push`] and [`lockfree::for_each`],
//! model-checked with loom together with the publishing CAS (see
//! [`lockfree`]).

use core::ptr;
use core::sync::atomic::AtomicPtr;

use crate::counter::Counter;
use crate::lockfree::{self, Linked};

/// The head of the list: the most recently registered counter.
static HEAD: AtomicPtr<Counter> = AtomicPtr::new(ptr::null_mut());

impl Linked for Counter {
    fn next(&self) -> &AtomicPtr<Counter> {
        &self.next
    }
}

/// Links `counter` into the list. Must be called at most once per counter (the
/// counter's registration CAS guarantees it).
pub(crate) fn push(counter: &'static Counter) {
    lockfree::push(&HEAD, counter);
}

/// Calls `f` with every registered counter, most recently registered first.
pub(crate) fn for_each(f: impl FnMut(&'static Counter)) {
    lockfree::for_each(&HEAD, f);
}

/// Every registered counter, most recently registered first.
pub(crate) fn all() -> Vec<&'static Counter> {
    let mut counters = Vec::new();
    for_each(|counter| counters.push(counter));
    counters
}
