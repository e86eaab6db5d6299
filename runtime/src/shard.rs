//! Which counter shard the current thread writes to.
//!
//! Every [`Counter`](crate::counter::Counter) has [`OWNED`] shards plus one
//! shared shard. A thread claims one owned index (the same for every counter)
//! on its first counted creation or drop and gives it back when it exits. While
//! it holds index `i`, it is the *only* writer of shard `i` of every counter, so
//! it updates that shard with a plain load and store instead of an atomic
//! read-modify-write: no `lock`-prefixed instruction and no cache line bouncing
//! between cores on the hot path. Threads that find every index taken, or that
//! are already tearing down their thread-locals, use the shared shard with
//! `fetch_add`.
//!
//! # Why the single-writer updates stay exact
//!
//! - Index ownership is handed over through [`POOL`]: the releasing thread
//!   clears its bit with `Release` after its last store to any shard `i`, and
//!   the claiming thread sets the bit with an `Acquire` CAS, so the new owner's
//!   first load of shard `i` sees the old owner's last store (the count carries
//!   on from there; counts are cumulative, nothing is reset).
//! - Readers only load (`Relaxed`); a plain store of `old + 1` by the one
//!   writer is never lost, because no other thread stores to that shard.

use core::cell::Cell;
use core::sync::atomic::{AtomicU64, Ordering};

/// The number of shards a thread can own; the shard at index `OWNED` is shared.
pub(crate) const OWNED: usize = 32;

/// Bit `i` is set while some thread owns shard index `i`.
static POOL: AtomicU64 = AtomicU64::new(0);

/// `UNCLAIMED` before the thread's first use, `SHARED` when it writes to the
/// shared shard, else the owned index plus one.
const UNCLAIMED: u8 = 0;
const SHARED: u8 = u8::MAX;

thread_local! {
    static SHARD: Cell<u8> = const { Cell::new(UNCLAIMED) };
    static RELEASE: Cell<Option<Release>> = const { Cell::new(None) };
}

/// Where the current thread writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Slot {
    /// The owned shard with this index: plain stores.
    Owned(usize),
    /// The shared shard: atomic read-modify-writes.
    Shared,
}

/// The current thread's shard, claiming one on first use.
#[inline]
pub(crate) fn current() -> Slot {
    match SHARD.with(Cell::get) {
        UNCLAIMED => claim(),
        SHARED => Slot::Shared,
        owned => Slot::Owned(usize::from(owned - 1)),
    }
}

#[cold]
#[inline(never)]
fn claim() -> Slot {
    // Relaxed: the CAS below re-checks the value.
    let mut taken = POOL.load(Ordering::Relaxed);
    let index = loop {
        let free = (!taken).trailing_zeros() as usize;
        if free >= OWNED {
            SHARD.with(|shard| shard.set(SHARED));
            return Slot::Shared;
        }
        // Acquire on success: see the previous owner's stores to shard `free`
        // (they precede its Release `fetch_and` in `Release::drop`).
        match POOL.compare_exchange_weak(taken, taken | (1 << free), Ordering::Acquire, Ordering::Relaxed) {
            Ok(_) => break free,
            Err(current) => taken = current,
        }
    };
    // Give the index back when the thread exits. If thread-locals are already
    // being destroyed, there is no exit hook left: give it back at once.
    if RELEASE.try_with(|release| release.set(Some(Release(index)))).is_ok() {
        // The index is below `OWNED` (32), so it fits in a `u8` with room for `+ 1`.
        #[allow(clippy::cast_possible_truncation)]
        SHARD.with(|shard| shard.set(index as u8 + 1));
        Slot::Owned(index)
    } else {
        Release(index).give_back();
        SHARD.with(|shard| shard.set(SHARED));
        Slot::Shared
    }
}

/// Returns an owned index to the pool when the owning thread exits.
struct Release(usize);

impl Release {
    fn give_back(&self) {
        // Release: our last stores to shard `self.0` happen before the next
        // owner's Acquire claim.
        POOL.fetch_and(!(1 << self.0), Ordering::Release);
    }
}

impl Drop for Release {
    fn drop(&mut self) {
        // Counted values dropped later in this thread's teardown (by other
        // thread-local destructors) go to the shared shard: mark that first,
        // so that no store to the owned shard follows the release.
        let _ = SHARD.try_with(|shard| shard.set(SHARED));
        self.give_back();
    }
}
