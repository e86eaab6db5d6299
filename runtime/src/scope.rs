//! Test scopes: which live instances a running `#[leak_audit::test]` created.
//!
//! A scope claims one of [`SLOTS`] slots and gets a *tag*: the slot index in
//! the low 6 bits and a per-slot generation above them, so a tag is never 0
//! and is never reused by the next scope in the same slot. The thread running
//! the scope stores the tag in its thread-local word (see [`shard`]), which
//! takes every counted creation on that thread off the fast path: the slow
//! path adds one to `scoped[slot]` of the type's [`Shards`].
//!
//! `scoped[slot]` packs `(tag << 32) | count` in one `AtomicU64`, so that a
//! creation or drop for a scope that has ended (a value the test leaked, freed
//! much later) sees a different tag and changes nothing: that is what keeps one
//! test's leftovers from being charged to, or hidden from, the next test in
//! the same slot, while other tests run on other threads.
//!
//! In debug builds a counted value keeps its creator's tag in its hidden field,
//! so its drop is charged to the right scope on whichever thread it happens
//! (values sent to another thread and dropped there are not leaks). Without a
//! stored tag (release builds, `#[repr(C)]` and `#[repr(transparent)]` types),
//! a drop is charged to the scope running on the dropping thread, if any.
//!
//! A scope can run on more than one thread: a [`Handle`] to it lets another
//! thread [`enter`](Handle::enter) it (the threads of a `tokio_test` runtime,
//! `leak_audit::thread::spawn`). The slot stays taken while the scope or any
//! handle to it is alive (`HOLDERS`), so that no thread can still carry a tag
//! when the next scope in its slot starts: a creation under a stale tag would
//! otherwise reset the new scope's entry (see `record_create`).

use core::marker::PhantomData;
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use crate::counter::{Counter, Shards};
use crate::{registry, shard};

/// How many scopes can be open at once; more wait for a free slot.
pub(crate) const SLOTS: usize = 64;
const SLOT_BITS: u32 = 6;

/// Bit `i` is set while a scope holds slot `i`.
static TAKEN: AtomicU64 = AtomicU64::new(0);
/// The generation of the latest scope in each slot.
static GENERATIONS: [AtomicU32; SLOTS] = [const { AtomicU32::new(0) }; SLOTS];
/// What keeps each taken slot: its [`Scope`] and every [`Handle`] to it.
static HOLDERS: [AtomicU32; SLOTS] = [const { AtomicU32::new(0) }; SLOTS];

fn slot_of(tag: u32) -> usize {
    (tag & ((1 << SLOT_BITS) - 1)) as usize
}

/// Counts one creation for the scope `tag` (non-zero).
#[cold]
#[inline(never)]
pub(crate) fn record_create(shards: &Shards, tag: u32) {
    let entry = &shards.scoped[slot_of(tag)];
    // Relaxed throughout: the CAS makes the update atomic, and the scope reads
    // it with a read-modify-write-free load after synchronising with the
    // threads that matter (its own, and those whose drops it waits for).
    let mut current = entry.load(Ordering::Relaxed);
    loop {
        let next = if (current >> 32) as u32 == tag {
            current + 1
        } else {
            // A stale entry from an ended scope in this slot: start afresh.
            (u64::from(tag) << 32) | 1
        };
        match entry.compare_exchange_weak(current, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return,
            Err(actual) => current = actual,
        }
    }
}

/// Counts one drop for the scope `tag` (non-zero), if that scope is still the
/// one recorded in the entry and has a live instance to drop.
#[cold]
#[inline(never)]
pub(crate) fn record_drop(shards: &Shards, tag: u32) {
    let entry = &shards.scoped[slot_of(tag)];
    // Relaxed: as in `record_create`.
    let mut current = entry.load(Ordering::Relaxed);
    loop {
        if (current >> 32) as u32 != tag || current.trailing_zeros() >= 32 {
            return;
        }
        match entry.compare_exchange_weak(current, current - 1, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return,
            Err(actual) => current = actual,
        }
    }
}

/// A scope's live count of one type.
fn live_in(shards: &Shards, tag: u32) -> usize {
    // Acquire: pairs with nothing in particular; drops made on other threads
    // are seen because the test waits and re-reads (see `TestGuard`).
    let current = shards.scoped[slot_of(tag)].load(Ordering::Acquire);
    if (current >> 32) as u32 == tag {
        (current & 0xFFFF_FFFF) as usize
    } else {
        0
    }
}

/// An open scope on the current thread; closing it (drop) restores the scope
/// that was open before, if any.
#[derive(Debug)]
pub(crate) struct Scope {
    tag: u32,
    previous: u32,
}

impl Scope {
    /// Opens a scope on the current thread, waiting for a free slot if
    /// [`SLOTS`] scopes are already open.
    pub(crate) fn enter() -> Scope {
        let slot = claim_slot();
        // Relaxed: the slot is ours, nobody else holds it yet.
        HOLDERS[slot].store(1, Ordering::Relaxed);
        // Relaxed: the slot is ours (Acquire CAS in `claim_slot`); the
        // generation only has to differ from the previous one.
        let generation =
            GENERATIONS[slot].fetch_add(1, Ordering::Relaxed).wrapping_add(1) & ((1 << (32 - SLOT_BITS)) - 1);
        let generation = if generation == 0 { 1 } else { generation };
        // `slot` is below SLOTS (64).
        #[allow(clippy::cast_possible_truncation)]
        let tag = (generation << SLOT_BITS) | slot as u32;
        let previous = shard::replace_tag(tag);
        Scope { tag, previous }
    }

    /// The counted types with instances created in this scope and still alive,
    /// with their counts, by type name.
    pub(crate) fn live(&self) -> Vec<(&'static Counter, usize)> {
        let mut live: Vec<(&'static Counter, usize)> = registry::all()
            .into_iter()
            .filter_map(|counter| {
                let count = counter.shards().map_or(0, |shards| live_in(shards, self.tag));
                (count > 0).then_some((counter, count))
            })
            .collect();
        live.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.name().cmp(b.0.name())));
        live
    }

    /// The tag that values created in this scope carry.
    #[cfg(debug_assertions)]
    pub(crate) fn tag(&self) -> u32 {
        self.tag
    }

    /// A handle that lets other threads enter this scope.
    #[cfg(feature = "tokio")]
    pub(crate) fn handle(&self) -> Handle {
        Handle::hold(self.tag)
    }
}

impl Drop for Scope {
    fn drop(&mut self) {
        shard::replace_tag(self.previous);
        release(self.tag);
    }
}

/// Lets go of one hold on the slot of `tag`, freeing the slot with the last.
fn release(tag: u32) {
    let slot = slot_of(tag);
    // AcqRel: every holder's writes happen before the last one frees the slot.
    if HOLDERS[slot].fetch_sub(1, Ordering::AcqRel) == 1 {
        // Release: the holders' reads and writes of the slot's entries are
        // done before the next scope in this slot starts writing them.
        TAKEN.fetch_and(!(1 << slot), Ordering::Release);
    }
}

/// A hold on an open scope, which other threads can [`enter`](Handle::enter):
/// values created there are the scope's. The scope's slot stays taken while
/// a handle is alive, even after the scope itself has closed.
#[derive(Debug)]
pub(crate) struct Handle {
    tag: u32,
}

impl Handle {
    /// The scope running on the current thread, if any.
    pub(crate) fn current() -> Option<Handle> {
        let tag = shard::tag();
        // The scope or handle that put the tag on this thread holds the slot,
        // so it cannot be freed under us.
        (tag != 0).then(|| Handle::hold(tag))
    }

    fn hold(tag: u32) -> Handle {
        // Relaxed: the caller already holds the slot (see `release`).
        HOLDERS[slot_of(tag)].fetch_add(1, Ordering::Relaxed);
        Handle { tag }
    }

    /// Runs the scope on the current thread until the guard is dropped.
    pub(crate) fn enter(&self) -> Entered {
        let previous = shard::replace_tag(self.tag);
        Entered { _handle: self.clone(), previous, not_send: PhantomData }
    }
}

impl Clone for Handle {
    fn clone(&self) -> Handle {
        Handle::hold(self.tag)
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        release(self.tag);
    }
}

/// A scope entered on the current thread; dropping it restores the scope that
/// ran before.
#[derive(Debug)]
pub(crate) struct Entered {
    _handle: Handle,
    previous: u32,
    /// The tag is the thread's: the guard must be dropped where it was made.
    not_send: PhantomData<*const ()>,
}

impl Drop for Entered {
    fn drop(&mut self) {
        shard::replace_tag(self.previous);
    }
}

fn claim_slot() -> usize {
    let mut backoff = 0u32;
    loop {
        // Relaxed: the CAS below re-checks.
        let taken = TAKEN.load(Ordering::Relaxed);
        let free = (!taken).trailing_zeros() as usize;
        if free < SLOTS {
            // Acquire: pairs with the Release in `Scope::drop` of the slot's
            // previous scope.
            if TAKEN.compare_exchange_weak(taken, taken | (1 << free), Ordering::Acquire, Ordering::Relaxed).is_ok() {
                return free;
            }
            continue;
        }
        // Every slot is in use: more than SLOTS tests are running at once.
        backoff = (backoff + 1).min(10);
        std::thread::sleep(std::time::Duration::from_millis(u64::from(backoff)));
    }
}
