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
}

impl Drop for Scope {
    fn drop(&mut self) {
        shard::replace_tag(self.previous);
        // Release: our reads of the slot's entries are done before the next
        // scope in this slot starts writing them.
        TAKEN.fetch_and(!(1 << slot_of(self.tag)), Ordering::Release);
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
