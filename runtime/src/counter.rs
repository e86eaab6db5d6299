//! The per-type [`Counter`] and its hot paths.
//!
//! `#[leak_audit]` gives every counted struct a hidden marker type whose
//! [`Counted`](crate::Counted) impl holds two statics: a [`Counter`] (name,
//! registration state) and its [`Shards`] (the counts and the peak; all-zero,
//! so they cost no space in the binary). Creating an instance goes through [`Counter::create`],
//! dropping it through [`Counter::drop_instance`].
//!
//! # Registration (tracing-core's callsite pattern)
//!
//! `state` starts `UNREGISTERED`. The first creation wins a CAS to
//! `REGISTERING`, pushes the counter onto the [registry](crate::registry), and
//! stores `REGISTERED`. The fast path is one `Relaxed` load that sees
//! `REGISTERED`; everything else goes to a `#[cold]` function. A thread that
//! loses the race does not wait: it counts into the shards right away, which is
//! safe because the shards exist from the start and readers only look at
//! registered counters (the winner finishes the push without blocking on
//! anything, so readers see the counter, with every count, once it is done).

use core::fmt;
use core::sync::atomic::{AtomicPtr, AtomicU64, AtomicU8, AtomicUsize, Ordering};

use crate::registry;
use crate::scope;
use crate::shard::{self, Slot, OWNED};

/// One shard: counts written by a single owning thread (or, for the shared
/// shard, by atomic read-modify-writes). Aligned to 128 bytes so that two
/// threads never write to the same or an adjacent cache line (the adjacent
/// line prefetcher pairs lines on common x86 parts).
#[repr(align(128))]
struct Shard {
    created: AtomicUsize,
    dropped: AtomicUsize,
    /// The highest `created - dropped` this shard has seen: the exact peak of
    /// the type when no other shard was ever used.
    high: AtomicUsize,
}

impl Shard {
    const fn new() -> Self {
        Shard { created: AtomicUsize::new(0), dropped: AtomicUsize::new(0), high: AtomicUsize::new(0) }
    }
}

/// The mutable state of a [`Counter`], kept in its own all-zero `static`.
///
/// Not public API: named only by code that `#[leak_audit]` generates.
pub struct Shards {
    lanes: [Shard; OWNED + 1],
    /// The highest live count observed by a sample (see [`Counter::peak`]),
    /// on a line of its own: the hot path reads `Counter::state` on every
    /// creation, and must not share a line with a value that other threads
    /// write.
    peak: Padded,
    /// Live instances per running test scope, see [`scope`].
    pub(crate) scoped: [AtomicU64; scope::SLOTS],
}

impl Shards {
    /// All counts zero.
    #[must_use]
    pub const fn new() -> Self {
        Shards {
            lanes: [const { Shard::new() }; OWNED + 1],
            peak: Padded(AtomicUsize::new(0)),
            scoped: [const { AtomicU64::new(0) }; scope::SLOTS],
        }
    }
}

impl Default for Shards {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Shards {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shards").finish_non_exhaustive()
    }
}

/// The live-instance counter of one counted type.
///
/// Not public API: named only by code that `#[leak_audit]` generates. Read
/// counts through [`count`](crate::count) and [`snapshot`](crate::snapshot).
pub struct Counter {
    name: &'static str,
    module: &'static str,
    shards: &'static Shards,
    /// `UNREGISTERED`, `REGISTERING` or `REGISTERED`.
    state: AtomicU8,
    /// The next counter in the registry (written once, before publication).
    pub(crate) next: AtomicPtr<Counter>,
}

// === impl Counter ===

impl Counter {
    const UNREGISTERED: u8 = 0;
    const REGISTERING: u8 = 1;
    const REGISTERED: u8 = 2;

    /// Creates an unregistered counter for the type `name` defined in `module`.
    #[must_use]
    pub const fn new(name: &'static str, module: &'static str, shards: &'static Shards) -> Self {
        Counter {
            name,
            module,
            shards,
            state: AtomicU8::new(Self::UNREGISTERED),
            next: AtomicPtr::new(core::ptr::null_mut()),
        }
    }

    /// The type's name, without generic arguments.
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The `module_path!()` of the type's definition.
    #[must_use]
    pub fn module(&self) -> &'static str {
        self.module
    }

    pub(crate) fn shards(&self) -> &'static Shards {
        self.shards
    }

    /// Counts one creation on the current thread.
    #[inline]
    pub(crate) fn count_create(&'static self) {
        // Relaxed: the state only decides whether to register; the shards
        // exist and can be counted into in every state.
        if self.state.load(Ordering::Relaxed) != Self::REGISTERED {
            self.register();
        }
        match shard::current() {
            Slot::Owned(index) => {
                let shard = &self.shards.lanes[index];
                // Relaxed load and store: this thread is the only writer of an
                // owned shard (see `shard`), so the store cannot lose an update.
                let created = shard.created.load(Ordering::Relaxed).wrapping_add(1);
                shard.created.store(created, Ordering::Relaxed);
                let net = created.wrapping_sub(shard.dropped.load(Ordering::Relaxed));
                if net > shard.high.load(Ordering::Relaxed) && isize::try_from(net).is_ok() {
                    shard.high.store(net, Ordering::Relaxed);
                }
                if created % PEAK_SAMPLE == 0 {
                    self.sample_peak();
                }
            }
            Slot::Shared => self.count_create_shared(),
        }
    }

    /// Counts one drop on the current thread.
    #[inline]
    pub(crate) fn count_drop(&'static self) {
        match shard::current() {
            Slot::Owned(index) => {
                let shard = &self.shards.lanes[index];
                // Relaxed load and store: single writer, as in `count_create`.
                let dropped = shard.dropped.load(Ordering::Relaxed).wrapping_add(1);
                shard.dropped.store(dropped, Ordering::Relaxed);
            }
            Slot::Shared => {
                // Relaxed: a plain count; see `live` for how it is read.
                self.shards.lanes[OWNED].dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn count_create_shared(&'static self) {
        let shard = &self.shards.lanes[OWNED];
        // Relaxed: a plain count; see `live` for how it is read.
        let created = shard.created.fetch_add(1, Ordering::Relaxed).wrapping_add(1);
        let net = created.wrapping_sub(shard.dropped.load(Ordering::Relaxed));
        if isize::try_from(net).is_ok() {
            shard.high.fetch_max(net, Ordering::Relaxed);
        }
        if created % PEAK_SAMPLE == 0 {
            self.sample_peak();
        }
    }

    #[cold]
    #[inline(never)]
    fn register(&'static self) {
        // AcqRel on success: we are the one thread that pushes. Acquire on
        // failure: nothing to synchronise with, the loser simply carries on.
        // On failure someone else is registering it: counting can go ahead
        // meanwhile.
        if self
            .state
            .compare_exchange(Self::UNREGISTERED, Self::REGISTERING, Ordering::AcqRel, Ordering::Acquire)
            .is_ok()
        {
            registry::push(self);
            // Release: a thread that sees REGISTERED also sees the push.
            self.state.store(Self::REGISTERED, Ordering::Release);
        }
    }

    #[cold]
    #[inline(never)]
    fn sample_peak(&self) {
        let live = self.live();
        let peak = &self.shards.peak.0;
        // Relaxed: the peak is a statistic, read only after the fact. Load
        // first, so that the line is only written when the peak moves.
        if live > peak.load(Ordering::Relaxed) {
            peak.fetch_max(live, Ordering::Relaxed);
        }
    }

    /// Creations counted so far.
    pub(crate) fn created(&self) -> usize {
        self.shards.lanes.iter().fold(0usize, |sum, shard| sum.wrapping_add(shard.created.load(Ordering::Relaxed)))
    }

    /// Drops counted so far.
    pub(crate) fn dropped(&self) -> usize {
        self.shards.lanes.iter().fold(0usize, |sum, shard| sum.wrapping_add(shard.dropped.load(Ordering::Relaxed)))
    }

    /// Creations and drops counted by the current thread's own shard, or by
    /// every shard if the thread writes to the shared one.
    pub(crate) fn thread_counts(&self, slot: Slot) -> (usize, usize) {
        match slot {
            Slot::Owned(index) => {
                let shard = &self.shards.lanes[index];
                (shard.created.load(Ordering::Relaxed), shard.dropped.load(Ordering::Relaxed))
            }
            Slot::Shared => (self.created(), self.dropped()),
        }
    }

    /// Live instances: creations minus drops.
    ///
    /// Every shard's `created` is read before any shard's `dropped`, with
    /// `Relaxed` loads. While other threads are counting, the result can be off
    /// by the creations and drops that race with the read (as any reading of a
    /// changing quantity is). When every counting thread has synchronised with
    /// the caller (after `join`, a channel receive, a mutex) or all counted
    /// values live on the calling thread, happens-before makes every count
    /// visible and the result is exact.
    pub(crate) fn live(&self) -> usize {
        let created = self.created();
        let dropped = self.dropped();
        let live = created.wrapping_sub(dropped);
        // A negative count means instances were made without being counted
        // (`mem::zeroed`, transmute) and then dropped: report none.
        if live > isize::MAX as usize { 0 } else { live }
    }

    /// The highest live count observed.
    ///
    /// Exact when one thread did all the creating and dropping of this type;
    /// otherwise the highest count seen by a sample, taken on every 1024th
    /// creation on each thread and on every read (`count`, `snapshot`,
    /// `show_growth`, test checks).
    pub(crate) fn peak(&self) -> usize {
        let live = self.live();
        // Relaxed: a statistic.
        let sampled = self.shards.peak.0.fetch_max(live, Ordering::Relaxed).max(live);
        let mut used = self.shards.lanes.iter().filter(|shard| {
            shard.created.load(Ordering::Relaxed) != 0 || shard.dropped.load(Ordering::Relaxed) != 0
        });
        match (used.next(), used.next()) {
            (Some(only), None) => sampled.max(only.high.load(Ordering::Relaxed)),
            _ => sampled,
        }
    }
}

/// How often (in creations per shard) the hot path samples the peak.
/// Each sample reads every shard, so it must be rare enough that the other
/// threads' shards are not pulled away from them often.
const PEAK_SAMPLE: usize = 1024;

/// A value alone on its (pair of) cache lines.
#[repr(align(128))]
struct Padded(AtomicUsize);

impl fmt::Debug for Counter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Counter")
            .field("name", &self.name)
            .field("module", &self.module)
            .field("live", &self.live())
            .finish_non_exhaustive()
    }
}
