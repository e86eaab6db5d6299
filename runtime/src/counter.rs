//! The per-type [`Counter`] and its hot paths.
//!
//! `#[leak_audit]` gives every counted struct a [`Counted`](crate::Counted)
//! impl naming one small `static` [`Counter`] (name, module, a pointer to its
//! counts). The counts themselves, [`Shards`], are allocated when the type's
//! first instance is counted, so a counted type costs the compiler and the
//! binary one small constant, and a type never instantiated costs nothing at
//! run time. Creating an instance goes through [`Counter::count_create`],
//! dropping it through [`Counter::count_drop_by_thread`] or
//! [`Counter::count_drop_tagged`].
//!
//! # Registration (tracing-core's callsite pattern)
//!
//! `shards` starts out pointing at [`TRAP`], shared by every unregistered
//! counter. The first creation allocates the type's own shards and publishes
//! them with a CAS from `TRAP`; the winner then pushes the counter onto the
//! [registry](crate::registry). A thread that loses the race frees its own
//! allocation and counts into the winner's shards right away, without waiting:
//! readers only look at registered counters, and the winner finishes the push
//! without blocking on anything, so readers see the counter, with every
//! count, once it is done.
//!
//! The fast path does not test for registration: a lane samples the peak
//! when its creation count was a multiple of the sampling period before the
//! creation, and the lanes of `TRAP` always count 0 creations, so a creation
//! counted into `TRAP` always takes the (cold) sampling branch, which undoes it,
//! registers the counter and counts the creation where it belongs. Each lane
//! of `TRAP`, like every lane, is written only by the thread that owns it, so
//! the undo is exact. A drop counted into `TRAP` (a value made without being
//! counted: `mem::zeroed`, transmute) lands in a lane nothing reads.

use core::fmt;
use core::ptr;
#[cfg(debug_assertions)]
use core::sync::atomic::AtomicBool;
use core::sync::atomic::{AtomicPtr, AtomicU64, AtomicUsize, Ordering};

use crate::lockfree;
use crate::registry;
use crate::scope;
use crate::shard::{self, Slot, OWNED};
use crate::trace::Root;

/// One shard: counts written by a single owning thread (or, for the shared
/// shard, by atomic read-modify-writes). Aligned to 128 bytes so that two
/// threads never write to the same or an adjacent cache line (the adjacent
/// line prefetcher pairs lines on common x86 parts).
#[repr(align(128))]
struct Shard {
    created: AtomicUsize,
    dropped: AtomicUsize,
    /// The highest `created - dropped` this shard has seen: the exact peak of
    /// the type when no other shard was ever used. Kept in debug builds only:
    /// in release builds the comparison would be a third of the cost of
    /// counting a creation (see `benches/RESULTS.md`).
    high: AtomicUsize,
}

impl Shard {
    const fn new() -> Self {
        Shard { created: AtomicUsize::new(0), dropped: AtomicUsize::new(0), high: AtomicUsize::new(0) }
    }
}

const _: () = assert!(core::mem::size_of::<Shard>() == shard::LANE);

/// The shards of every unregistered counter (see the module docs).
static TRAP: Shards = Shards::new();

const fn trap() -> *mut Shards {
    ptr::from_ref(&TRAP).cast_mut()
}

/// The counts of a [`Counter`], allocated on the type's first creation.
pub(crate) struct Shards {
    lanes: [Shard; OWNED + 1],
    /// The highest live count observed by a sample (see [`Counter::peak`]),
    /// on a line of its own, so that sampling never writes to a line that
    /// a counting thread writes.
    peak: Padded,
    /// Live instances per running test scope, see [`scope`].
    pub(crate) scoped: [AtomicU64; scope::SLOTS],
}

impl Shards {
    const fn new() -> Self {
        Shards {
            lanes: [const { Shard::new() }; OWNED + 1],
            peak: Padded(AtomicUsize::new(0)),
            scoped: [const { AtomicU64::new(0) }; scope::SLOTS],
        }
    }
}

/// The live-instance counter of one counted type.
///
/// Not public API: named only by code that `#[leak_audit]` generates. Read
/// counts through [`count`](crate::count) and [`snapshot`](crate::snapshot).
pub struct Counter {
    name: &'static str,
    module: &'static str,
    /// [`TRAP`] until the first creation (see the module docs), then the
    /// type's own shards for good.
    shards: AtomicPtr<Shards>,
    /// The next counter in the registry (written once, before publication).
    pub(crate) next: AtomicPtr<Counter>,
    /// Set when a value of the type was made with the zero-sized hidden field
    /// (`repr(C)`, `repr(transparent)`), which keeps no creation epoch.
    #[cfg(debug_assertions)]
    untracked: AtomicBool,
    /// How the cycle walk starts from a value of the type (see
    /// [`trace`](crate::trace)); set for non-generic structs.
    root: Option<fn() -> Option<Root>>,
}

// === impl Counter ===

impl Counter {
    /// Creates an unregistered counter for the type `name` defined in `module`.
    #[must_use]
    pub const fn new(name: &'static str, module: &'static str) -> Self {
        Counter {
            name,
            module,
            shards: AtomicPtr::new(trap()),
            next: AtomicPtr::new(ptr::null_mut()),
            #[cfg(debug_assertions)]
            untracked: AtomicBool::new(false),
            root: None,
        }
    }

    /// The same counter, with the tracer a cycle walk starts from for a value
    /// of its type (read only by the walk, never when counting).
    #[must_use]
    pub const fn traced(mut self, root: Option<fn() -> Option<Root>>) -> Self {
        self.root = root;
        self
    }

    /// The tracer of the counted type, if it has one.
    pub(crate) fn root(&self) -> Option<Root> {
        self.root.and_then(|root| root())
    }

    /// Marks the type as one whose values keep no creation epoch.
    #[cfg(debug_assertions)]
    #[inline]
    pub(crate) fn mark_untracked(&self) {
        // Relaxed: a flag read by snapshots; load first so that the line is
        // written once, not on every creation.
        if !self.untracked.load(Ordering::Relaxed) {
            self.untracked.store(true, Ordering::Relaxed);
        }
    }

    /// Whether the type's values keep their creation epoch (debug builds,
    /// hidden field with per-instance data).
    #[cfg(debug_assertions)]
    pub(crate) fn tracks_epochs(&self) -> bool {
        !self.untracked.load(Ordering::Relaxed)
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

    /// The shards the hot path counts into: the type's own, or [`TRAP`].
    #[inline]
    fn current_shards(&self) -> &'static Shards {
        // Acquire: pairs with the AcqRel CAS in `register`, so the zeroed
        // counts are seen (a plain load on x86).
        let shards = self.shards.load(Ordering::Acquire);
        // SAFETY: the pointer is either `TRAP` or was made by `Box::into_raw`
        // in `register`, is never freed or changed again, and the allocation
        // is initialised (Acquire above).
        unsafe { &*shards }
    }

    /// The type's own counts, if it has been counted at all.
    #[inline]
    pub(crate) fn shards(&self) -> Option<&'static Shards> {
        let shards = self.current_shards();
        (!ptr::eq(shards, &TRAP)).then_some(shards)
    }

    /// The counts, allocating and registering them on first use.
    #[inline]
    fn shards_or_register(&'static self) -> &'static Shards {
        match self.shards() {
            Some(shards) => shards,
            None => self.register(),
        }
    }

    /// Counts one creation on the current thread; returns the tag of the test
    /// scope running on it (0 if none), which the creation was also charged to.
    #[inline]
    pub(crate) fn count_create(&'static self) -> u32 {
        let shards = self.current_shards();
        if let Some(offset) = shard::fast_offset(shard::hot()) {
            // SAFETY: `fast_offset` gives a shard's offset.
            let lane = unsafe { shards.lane_at(offset) };
            if create_in(lane) {
                self.sample(shards, offset);
            }
            return 0;
        }
        self.count_create_slow()
    }

    /// Counts one drop on the current thread, charged to the test scope
    /// running on it, if any.
    #[inline]
    pub(crate) fn count_drop_by_thread(&'static self) {
        if let Some(offset) = shard::fast_offset(shard::hot()) {
            // SAFETY: `fast_offset` gives a shard's offset.
            drop_in(unsafe { self.current_shards().lane_at(offset) });
            return;
        }
        self.count_drop_slow(shard::tag());
    }

    /// Counts one drop on the current thread, charged to the test scope `tag`
    /// (0: none) that created the value.
    #[cfg(debug_assertions)]
    #[inline]
    pub(crate) fn count_drop_tagged(&'static self, tag: u32) {
        if tag == 0 {
            if let Some(offset) = shard::owned_offset(shard::hot()) {
                // SAFETY: `owned_offset` gives a shard's offset.
                drop_in(unsafe { self.current_shards().lane_at(offset) });
                return;
            }
        }
        self.count_drop_slow(tag);
    }

    /// The sampling branch of an owned lane's creation: samples the peak, or,
    /// if the creation went to [`TRAP`], undoes it and counts it for real.
    #[cold]
    #[inline(never)]
    fn sample(&'static self, shards: &'static Shards, offset: usize) {
        if ptr::eq(shards, &TRAP) {
            // SAFETY: the caller's offset.
            let lane = unsafe { TRAP.lane_at(offset) };
            // Relaxed: this thread is the lane's only writer.
            lane.created.store(0, Ordering::Relaxed);
            let shards = self.shards_or_register();
            // SAFETY: as above.
            if create_in(unsafe { shards.lane_at(offset) }) {
                sample_peak(self, shards);
            }
        } else {
            sample_peak(self, shards);
        }
    }

    #[cold]
    #[inline(never)]
    fn count_create_slow(&'static self) -> u32 {
        let shards = self.shards_or_register();
        match shard::current() {
            Slot::Owned(index) => {
                if create_in(&shards.lanes[index]) {
                    sample_peak(self, shards);
                }
            }
            Slot::Shared => {
                let shard = &shards.lanes[OWNED];
                // Relaxed: a plain count; see `live` for how it is read.
                let before = shard.created.fetch_add(1, Ordering::Relaxed);
                #[cfg(debug_assertions)]
                {
                    let net = before.wrapping_add(1).wrapping_sub(shard.dropped.load(Ordering::Relaxed));
                    if isize::try_from(net).is_ok() {
                        shard.high.fetch_max(net, Ordering::Relaxed);
                    }
                }
                if before % PEAK_SAMPLE == 0 {
                    sample_peak(self, shards);
                }
            }
        }
        let tag = shard::tag();
        if tag != 0 {
            scope::record_create(shards, tag);
        }
        tag
    }

    #[cold]
    #[inline(never)]
    fn count_drop_slow(&'static self, tag: u32) {
        // Registers a counter whose value was made without being counted
        // (`mem::zeroed`, transmute); `live` then reports no negative counts.
        let shards = self.shards_or_register();
        match shard::current() {
            Slot::Owned(index) => drop_in(&shards.lanes[index]),
            Slot::Shared => {
                // Relaxed: a plain count; see `live` for how it is read.
                shards.lanes[OWNED].dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
        if tag != 0 {
            scope::record_drop(shards, tag);
        }
    }

    #[cold]
    #[inline(never)]
    fn register(&'static self) -> &'static Shards {
        let fresh = Box::into_raw(Box::new(Shards::new()));
        // AcqRel on success: we publish the zeroed counts (Release) and are
        // the one thread that pushes. Acquire on failure: see the winner's
        // counts, and count into them. (Model-checked with loom, see
        // `lockfree`.)
        match lockfree::publish(&self.shards, trap(), fresh) {
            Ok(()) => {
                registry::push(self);
                // SAFETY: just leaked, never freed.
                unsafe { &*fresh }
            }
            Err(winner) => {
                // SAFETY: `fresh` came from `Box::into_raw` above and was not
                // published; `winner` is not `TRAP` (the CAS from it failed),
                // so it was leaked by the winner and is never freed.
                unsafe {
                    drop(Box::from_raw(fresh));
                    &*winner
                }
            }
        }
    }

    /// Creations counted so far.
    pub(crate) fn created(&self) -> usize {
        self.sum(|shard| &shard.created)
    }

    /// Drops counted so far.
    pub(crate) fn dropped(&self) -> usize {
        self.sum(|shard| &shard.dropped)
    }

    fn sum(&self, field: impl Fn(&Shard) -> &AtomicUsize) -> usize {
        self.shards().map_or(0, |shards| {
            shards.lanes.iter().fold(0usize, |sum, shard| sum.wrapping_add(field(shard).load(Ordering::Relaxed)))
        })
    }

    /// Creations and drops counted by the current thread's own shard, or by
    /// every shard if the thread writes to the shared one.
    pub(crate) fn thread_counts(&self, slot: Slot) -> (usize, usize) {
        match (slot, self.shards()) {
            (_, None) => (0, 0),
            (Slot::Owned(index), Some(shards)) => {
                let shard = &shards.lanes[index];
                (shard.created.load(Ordering::Relaxed), shard.dropped.load(Ordering::Relaxed))
            }
            (Slot::Shared, Some(_)) => (self.created(), self.dropped()),
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
        if live > isize::MAX as usize {
            0
        } else {
            live
        }
    }

    /// The highest live count observed.
    ///
    /// In debug builds, exact when one thread did all the creating and
    /// dropping of this type. Otherwise the highest count seen by a sample,
    /// taken on the first and every 1024th creation on each thread and on
    /// every read (`count`, `snapshot`, `show_growth`, test checks).
    pub(crate) fn peak(&self) -> usize {
        let Some(shards) = self.shards() else { return 0 };
        let live = self.live();
        // Relaxed: a statistic.
        let sampled = shards.peak.0.fetch_max(live, Ordering::Relaxed).max(live);
        if cfg!(not(debug_assertions)) {
            return sampled;
        }
        let mut used = shards
            .lanes
            .iter()
            .filter(|shard| shard.created.load(Ordering::Relaxed) != 0 || shard.dropped.load(Ordering::Relaxed) != 0);
        match (used.next(), used.next()) {
            (Some(only), None) => sampled.max(only.high.load(Ordering::Relaxed)),
            _ => sampled,
        }
    }
}

impl Shards {
    /// The shard at byte offset `offset` of `lanes`.
    ///
    /// # Safety
    ///
    /// `offset` is a multiple of [`shard::LANE`] below `OWNED * LANE`.
    #[inline]
    unsafe fn lane_at(&self, offset: usize) -> &Shard {
        debug_assert!(offset % shard::LANE == 0 && offset < OWNED * shard::LANE);
        // SAFETY: by the caller's promise, a whole `Shard` of `lanes` starts
        // at `offset` (each is `LANE` bytes, see the assertion on its size).
        unsafe { &*self.lanes.as_ptr().cast::<u8>().add(offset).cast::<Shard>() }
    }
}

/// Counts one creation in an owned shard; returns whether the peak is due
/// for a sample (the shard's count was a multiple of [`PEAK_SAMPLE`]).
#[inline]
fn create_in(shard: &Shard) -> bool {
    // Relaxed load and store: this thread is the only writer of an owned
    // shard (see `shard`), so the store cannot lose an update.
    let before = shard.created.load(Ordering::Relaxed);
    let created = before.wrapping_add(1);
    shard.created.store(created, Ordering::Relaxed);
    // The high-water mark (debug builds), compared as signed: a negative net
    // count (values made without being counted, then dropped) never raises it.
    #[cfg(debug_assertions)]
    {
        let net = created.wrapping_sub(shard.dropped.load(Ordering::Relaxed));
        #[allow(clippy::cast_possible_wrap)]
        if net as isize > shard.high.load(Ordering::Relaxed) as isize {
            shard.high.store(net, Ordering::Relaxed);
        }
    }
    before % PEAK_SAMPLE == 0
}

/// Counts one drop in an owned shard.
#[inline]
fn drop_in(shard: &Shard) {
    // Relaxed load and store: single writer, as in `create_in`.
    let dropped = shard.dropped.load(Ordering::Relaxed).wrapping_add(1);
    shard.dropped.store(dropped, Ordering::Relaxed);
}

#[cold]
#[inline(never)]
fn sample_peak(counter: &Counter, shards: &Shards) {
    let live = counter.live();
    let peak = &shards.peak.0;
    // Relaxed: the peak is a statistic, read only after the fact. Load
    // first, so that the line is only written when the peak moves.
    if live > peak.load(Ordering::Relaxed) {
        peak.fetch_max(live, Ordering::Relaxed);
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
