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
use core::sync::atomic::AtomicU64;

use crate::lockfree;

/// The number of shards a thread can own; the shard at index `OWNED` is shared.
pub(crate) const OWNED: usize = 32;

/// Bit `i` is set while some thread owns shard index `i`.
static POOL: AtomicU64 = AtomicU64::new(0);

/// The size of one shard in bytes (its alignment): lane codes are byte offsets.
pub(crate) const LANE: usize = 128;

/// Lane codes (the low 32 bits of [`HOT`]): the byte offset of the owned
/// shard (below `OWNED * LANE`), `SHARED` when the thread writes to the shared
/// shard, `UNCLAIMED` before its first use.
const UNCLAIMED: u64 = LANE_MASK;
const SHARED: u64 = LANE_MASK - 1;
const LANE_MASK: u64 = 0xFFFF_FFFF;

thread_local! {
    /// The thread's lane code in the low 32 bits and the tag of the test scope
    /// running on it (see [`scope`](crate::scope)) in the high 32 bits, so
    /// that the hot path reads one word: it is on the fast path exactly when
    /// `word < OWNED * LANE` (an owned lane and no scope), and then `word` is
    /// the byte offset of its shard. A `const` `Cell`
    /// without a destructor: every access is a plain thread-relative load.
    static HOT: Cell<u64> = const { Cell::new(UNCLAIMED) };
    static RELEASE: Cell<Option<Release>> = const { Cell::new(None) };
}

/// The thread's word (see [`HOT`]).
#[inline]
pub(crate) fn hot() -> u64 {
    HOT.with(Cell::get)
}

/// The byte offset of the owned shard encoded in `word`, if the word is on the
/// fast path (owned lane, no scope running): a multiple of [`LANE`] below
/// `OWNED * LANE`.
#[inline]
pub(crate) fn fast_offset(word: u64) -> Option<usize> {
    // Below `OWNED * LANE`, so it fits.
    #[allow(clippy::cast_possible_truncation)]
    (word < (OWNED * LANE) as u64).then_some(word as usize)
}

/// The byte offset of the owned shard encoded in `word`, ignoring the scope tag.
#[cfg(debug_assertions)]
#[inline]
pub(crate) fn owned_offset(word: u64) -> Option<usize> {
    fast_offset(word & LANE_MASK)
}

/// The tag of the scope running on this thread, or 0.
#[inline]
pub(crate) fn tag() -> u32 {
    (hot() >> 32) as u32
}

/// Sets the tag of the scope running on this thread, returning the previous one.
pub(crate) fn replace_tag(tag: u32) -> u32 {
    let word = hot();
    HOT.with(|hot| hot.set((word & LANE_MASK) | (u64::from(tag) << 32)));
    (word >> 32) as u32
}

fn set_lane(code: u64) {
    HOT.with(|hot| hot.set((hot.get() & !LANE_MASK) | code));
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
pub(crate) fn current() -> Slot {
    match hot() & LANE_MASK {
        UNCLAIMED => claim(),
        SHARED => Slot::Shared,
        // At most `OWNED * LANE`, so it fits.
        #[allow(clippy::cast_possible_truncation)]
        owned => Slot::Owned(owned as usize / LANE),
    }
}

#[cold]
#[inline(never)]
fn claim() -> Slot {
    // Acquire on success: see the previous owner's stores to shard `index`
    // (they precede its Release in `give_back`). Model-checked with loom, see
    // `lockfree`.
    let Some(index) = lockfree::claim(&POOL, OWNED) else {
        set_lane(SHARED);
        return Slot::Shared;
    };
    // Give the index back when the thread exits. If thread-locals are already
    // being destroyed, there is no exit hook left: give it back at once.
    if RELEASE.try_with(|release| release.set(Some(Release(index)))).is_ok() {
        set_lane((index * LANE) as u64);
        Slot::Owned(index)
    } else {
        Release(index).give_back();
        set_lane(SHARED);
        Slot::Shared
    }
}

/// Returns an owned index to the pool when the owning thread exits.
struct Release(usize);

impl Release {
    fn give_back(&self) {
        // Release: our last stores to shard `self.0` happen before the next
        // owner's Acquire claim.
        lockfree::give_back(&POOL, self.0);
    }
}

impl Drop for Release {
    fn drop(&mut self) {
        // Counted values dropped later in this thread's teardown (by other
        // thread-local destructors) go to the shared shard: mark that first,
        // so that no store to the owned shard follows the release. (`HOT` has
        // no destructor, so it is still there.)
        set_lane(SHARED);
        self.give_back();
    }
}
