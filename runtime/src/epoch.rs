//! Snapshot epochs: which live values are new since a snapshot and which
//! survived it (debug builds only).
//!
//! Every [`snapshot`](crate::snapshot) ends an epoch: it reads the global
//! [`EPOCH`] and adds one to it. A counted value keeps the epoch it was created
//! in (in its hidden field, see `Token`). When a value is dropped in a later
//! epoch than the one it was created in, the drop is recorded in [`OLD_DROPS`],
//! by type and creation epoch; drops in the creation epoch (the common case:
//! no snapshot was taken in between) cost one `Relaxed` load and a compare.
//!
//! Between snapshots `A` (epoch `a`) and `B` (epoch `b > a`), for one type:
//!
//! - the values created before `A` all have epoch `<= a`, those created after
//!   it `> a`;
//! - those of them dropped before `A` are in `A.dropped`; those dropped after
//!   `A` were dropped in an epoch `> a`, after being created in one `<= a`, so
//!   each was recorded in `OLD_DROPS` under its creation epoch `<= a`, after
//!   `A` copied the table and before `B` did. Their number is
//!   `X = sum(B's table, epochs <= a) - sum(A's table, epochs <= a)`;
//! - so `survived = A.live - X` (alive at `A` and at `B`), and
//!   `new_alive = B.live - survived` (created after `A`, alive at `B`).
//!
//! Exact under the same condition as every count: the threads that create and
//! drop the type have synchronised with the thread taking the snapshots. A
//! thread that has synchronised with a snapshot sees its new epoch (coherence
//! of the one atomic), so a `Relaxed` load is enough on the hot path.
//!
//! Epochs are 31 bits (the hidden field's top bit says whether it holds a
//! creation site instead, see `sites`): after 2^31 - 1 snapshots the epoch
//! stops advancing and later snapshots carry no epoch (their diffs give `None`).

use core::sync::atomic::{AtomicU32, Ordering};
use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use crate::counter::Counter;

/// The largest epoch; the top bit of the hidden field is [`SITE_BIT`].
pub(crate) const MAX: u32 = (1 << 31) - 1;
/// Set in the hidden field when it holds a creation-site id (whose entry keeps
/// the epoch) rather than the epoch itself.
pub(crate) const SITE_BIT: u32 = 1 << 31;

/// The current epoch: the number of snapshots taken so far (at most [`MAX`]).
static EPOCH: AtomicU32 = AtomicU32::new(0);

/// Drops made in a later epoch than their value's creation epoch, by counter
/// address and creation epoch.
static OLD_DROPS: Mutex<BTreeMap<(usize, u32), usize>> = Mutex::new(BTreeMap::new());

fn old_drops() -> MutexGuard<'static, BTreeMap<(usize, u32), usize>> {
    // The map is updated in one statement under the lock: a panic cannot
    // leave it half-updated.
    OLD_DROPS.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn address(counter: &Counter) -> usize {
    core::ptr::from_ref(counter) as usize
}

/// The current epoch, to keep in a new value.
#[inline]
pub(crate) fn current() -> u32 {
    // Relaxed: see the module docs.
    EPOCH.load(Ordering::Relaxed)
}

/// Records the drop of a value of `counter`'s type created in epoch `born`.
#[inline]
pub(crate) fn record_drop(counter: &'static Counter, born: u32) {
    if born != current() {
        record_old_drop(counter, born);
    }
}

#[cold]
#[inline(never)]
fn record_old_drop(counter: &'static Counter, born: u32) {
    *old_drops().entry((address(counter), born)).or_insert(0) += 1;
}

/// What a snapshot keeps: its epoch and, per counter address, the old drops
/// by creation epoch as running sums (epoch ascending).
pub(crate) struct Taken {
    pub(crate) epoch: Option<u32>,
    pub(crate) old_drops: BTreeMap<usize, Vec<(u32, usize)>>,
}

/// Ends the current epoch and copies the old-drop table.
pub(crate) fn take() -> Taken {
    let table = old_drops();
    // Under the table's lock, so that two snapshots' copies are ordered like
    // their epochs. The CAS loop stops at MAX instead of wrapping.
    let epoch =
        EPOCH.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |epoch| (epoch < MAX).then_some(epoch + 1)).ok();
    let mut old_drops: BTreeMap<usize, Vec<(u32, usize)>> = BTreeMap::new();
    // The map is sorted by (address, epoch): the running sums come out in
    // epoch order.
    for (&(counter, born), &count) in table.iter() {
        let sums = old_drops.entry(counter).or_default();
        let sum = sums.last().map_or(0, |&(_, sum)| sum);
        sums.push((born, sum + count));
    }
    Taken { epoch, old_drops }
}

/// The old drops of values created in epochs `<= epoch`, from running sums.
pub(crate) fn sum_through(sums: &[(u32, usize)], epoch: u32) -> usize {
    let end = sums.partition_point(|&(born, _)| born <= epoch);
    end.checked_sub(1).map_or(0, |last| sums[last].1)
}
