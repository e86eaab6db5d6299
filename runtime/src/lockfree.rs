//! The lock-free steps that counters and lanes rely on, written against the
//! atomics of `super::sync` so that the same file is model-checked with loom
//! (`runtime/tests/loom.rs` includes it with loom's atomics in place of
//! `core`'s):
//!
//! ```console
//! RUSTFLAGS="--cfg loom" cargo test -p leak_audit --test loom --release
//! ```
//!
//! - [`publish`]: a counter's first creation publishes its freshly allocated
//!   counts with one CAS from a placeholder; exactly one thread wins, and
//!   every loser gets the winner's allocation, with its contents visible.
//! - [`push`] and [`for_each`]: the registry, a push-only intrusive list of
//!   never-freed nodes (see [`registry`](crate::registry) for the argument).
//! - [`claim`] and [`give_back`]: the pool of owned lane indices (see
//!   [`shard`](crate::shard)); an index has at most one owner at a time, and
//!   the next owner sees every store of the previous one.
//!
//! loom explores every interleaving of the model's threads (and the stale
//! values `Relaxed` loads may return). The model has teeth: with `Relaxed`
//! instead of `AcqRel`/`Acquire` in [`publish`], loom reports the loser's read
//! of the winner's counts as a data race; with `Relaxed` instead of
//! `Acquire`/`Release` in [`claim`]/[`give_back`], the next owner of a lane
//! reads a stale count and an update is lost. What the model does not cover:
//! the thread-local lane word and the `TRAP` undo in `counter` (single-thread
//! reasoning, each written by one thread only) and the test scopes' packed
//! `(tag, count)` entries (one CAS loop each).

use super::sync::{AtomicPtr, AtomicU64, Ordering};

/// A node of an intrusive list: its link to the next node.
pub(crate) trait Linked: Sized + 'static {
    /// The link, written once by [`push`] before the node is published.
    fn next(&self) -> &AtomicPtr<Self>;
}

/// Replaces `placeholder` in `slot` by `fresh`: `Ok` if this call did it
/// (`fresh` is published, and its contents with it), `Err(winner)` if another
/// call did first (`fresh` was not published; the caller frees it).
pub(crate) fn publish<T>(slot: &AtomicPtr<T>, placeholder: *mut T, fresh: *mut T) -> Result<(), *mut T> {
    // AcqRel on success: publish the initialised allocation (Release) and see
    // whatever preceded. Acquire on failure: see the winner's allocation.
    slot.compare_exchange(placeholder, fresh, Ordering::AcqRel, Ordering::Acquire).map(|_| ())
}

/// Links `node` in front of the list at `head`. Must be called at most once
/// per node.
pub(crate) fn push<T: Linked>(head: &AtomicPtr<T>, node: &'static T) {
    let node_ptr = core::ptr::from_ref(node).cast_mut();
    // Relaxed: we only need the current value to link behind; the CAS below
    // re-checks it.
    let mut current = head.load(Ordering::Relaxed);
    loop {
        // A node pointing at itself would make every walk loop forever.
        assert_ne!(current, node_ptr, "leak_audit: a node was pushed twice");
        // Relaxed: published by the Release CAS below.
        node.next().store(current, Ordering::Relaxed);
        // Release on success: readers that Acquire `head` see `next` (and
        // everything written to the node before). Relaxed on failure: we retry
        // with the fresh head and publish nothing.
        match head.compare_exchange_weak(current, node_ptr, Ordering::Release, Ordering::Relaxed) {
            Ok(_) => return,
            Err(actual) => current = actual,
        }
    }
}

/// Calls `f` with every node of the list at `head`, most recent first.
pub(crate) fn for_each<T: Linked>(head: &AtomicPtr<T>, mut f: impl FnMut(&'static T)) {
    // Acquire: pairs with the Release CAS in `push`.
    let mut current = head.load(Ordering::Acquire);
    while !current.is_null() {
        // SAFETY: every non-null pointer in the list was made from a
        // `&'static T` in `push`; nodes are never freed or moved, and we only
        // create a shared reference.
        let node: &'static T = unsafe { &*current };
        f(node);
        // Acquire: pairs with the Release CAS that published the next node
        // (its `next` was stored before that CAS and is never written again).
        current = node.next().load(Ordering::Acquire);
    }
}

/// Takes the lowest free index below `limit` (at most 64) from `pool`, or
/// `None` if all are taken.
pub(crate) fn claim(pool: &AtomicU64, limit: usize) -> Option<usize> {
    // Relaxed: the CAS below re-checks the value.
    let mut taken = pool.load(Ordering::Relaxed);
    loop {
        let free = (!taken).trailing_zeros() as usize;
        if free >= limit {
            return None;
        }
        // Acquire on success: see the previous owner's stores (they precede
        // its Release in `give_back`).
        match pool.compare_exchange_weak(taken, taken | (1 << free), Ordering::Acquire, Ordering::Relaxed) {
            Ok(_) => return Some(free),
            Err(current) => taken = current,
        }
    }
}

/// Returns `index` to `pool`, after the owner's last store under it.
pub(crate) fn give_back(pool: &AtomicU64, index: usize) {
    // Release: our stores happen before the next owner's Acquire claim.
    pool.fetch_and(!(1 << index), Ordering::Release);
}
