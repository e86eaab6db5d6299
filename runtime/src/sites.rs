//! Creation sites: where the live instances of a test were created.
//!
//! Off by default. Turned on by the `sites` cargo feature or by setting the
//! environment variable `LEAK_AUDIT_SITES=1` when running the tests. Then, in
//! debug builds, every counted value created inside a `#[leak_audit::test]`
//! remembers the source location of the struct literal (or `clone`,
//! `default`) that made it, and a failing test lists its leaked values grouped
//! by that location, like tracemalloc's `statistics("lineno")`.
//!
//! The bookkeeping takes a mutex per creation and drop, so it is meant for
//! hunting a leak, not for leaving on.

use core::panic::Location;
use core::sync::atomic::{AtomicU8, Ordering};
use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

use crate::counter::Counter;

const UNKNOWN: u8 = 0;
const OFF: u8 = 1;
const ON: u8 = 2;

static MODE: AtomicU8 = AtomicU8::new(UNKNOWN);

/// Whether creation sites are recorded.
#[inline]
pub(crate) fn enabled() -> bool {
    if cfg!(feature = "sites") {
        return true;
    }
    // Relaxed: the mode is derived from the environment, the same on every
    // thread; at worst two threads both compute it.
    match MODE.load(Ordering::Relaxed) {
        ON => true,
        OFF => false,
        _ => init_mode(),
    }
}

#[cold]
fn init_mode() -> bool {
    let on = std::env::var_os("LEAK_AUDIT_SITES").is_some_and(|value| value != "0" && !value.is_empty());
    MODE.store(if on { ON } else { OFF }, Ordering::Relaxed);
    on
}

#[derive(Default)]
struct Table {
    /// Site `i + 1` is `sites[i]`: a source location and the snapshot epoch
    /// of the values created there (see [`epoch`](crate::epoch)).
    sites: Vec<(&'static Location<'static>, u32)>,
    index: BTreeMap<(&'static str, u32, u32, u32), u32>,
    /// Live instances by (counter address, site, scope tag).
    live: BTreeMap<(usize, u32, u32), usize>,
}

static TABLE: Mutex<Option<Table>> = Mutex::new(None);

fn table() -> MutexGuard<'static, Option<Table>> {
    // A panic while holding the lock cannot leave the maps half-updated in a
    // way that matters for a diagnostic: keep going.
    TABLE.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn address(counter: &Counter) -> usize {
    core::ptr::from_ref(counter) as usize
}

/// Records a creation at `location` for scope `tag` in snapshot epoch
/// `epoch`; returns the site id to store in the value (below 2^31).
#[cold]
#[inline(never)]
pub(crate) fn record_create(
    counter: &'static Counter,
    location: &'static Location<'static>,
    tag: u32,
    epoch: u32,
) -> u32 {
    let mut guard = table();
    let table = guard.get_or_insert_with(Table::default);
    let key = (location.file(), location.line(), location.column(), epoch);
    let site = if let Some(&site) = table.index.get(&key) {
        site
    } else {
        table.sites.push((location, epoch));
        // One id per source location and epoch in which it created a value:
        // 2^31 of them would take more memory than the table can have.
        #[allow(clippy::cast_possible_truncation)]
        let site = table.sites.len() as u32;
        assert!(site < crate::epoch::SITE_BIT, "leak_audit: too many creation sites");
        table.index.insert(key, site);
        site
    };
    *table.live.entry((address(counter), site, tag)).or_insert(0) += 1;
    site
}

/// Records the drop of a value created at `site` in scope `tag`; returns the
/// snapshot epoch the value was created in.
#[cold]
#[inline(never)]
pub(crate) fn record_drop(counter: &'static Counter, site: u32, tag: u32) -> u32 {
    let mut guard = table();
    // A site id is only handed out by `record_create`, which made the table.
    let Some(table) = guard.as_mut() else { return crate::epoch::current() };
    let key = (address(counter), site, tag);
    if let Some(count) = table.live.get_mut(&key) {
        *count -= 1;
        if *count == 0 {
            table.live.remove(&key);
        }
    }
    table.sites.get(site as usize - 1).map_or_else(crate::epoch::current, |&(_, epoch)| epoch)
}

/// The live values of `counter` created in scope `tag`, by creation site,
/// most first.
pub(crate) fn live_by_site(counter: &'static Counter, tag: u32) -> Vec<(&'static Location<'static>, usize)> {
    let guard = table();
    let Some(table) = guard.as_ref() else { return Vec::new() };
    // Ids differ per epoch: add up the ids of one location.
    let mut by_location: BTreeMap<(&'static str, u32, u32), (&'static Location<'static>, usize)> = BTreeMap::new();
    for ((_, site, _), count) in table
        .live
        .iter()
        .filter(|((counter_address, _, scope), _)| *counter_address == address(counter) && *scope == tag)
    {
        let location = table.sites[*site as usize - 1].0;
        by_location.entry((location.file(), location.line(), location.column())).or_insert((location, 0)).1 += count;
    }
    let mut sites: Vec<(&'static Location<'static>, usize)> = by_location.into_values().collect();
    sites.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| (a.0.file(), a.0.line()).cmp(&(b.0.file(), b.0.line()))));
    sites
}

/// Forgets the sites recorded for scope `tag` (when the scope ends).
pub(crate) fn forget_scope(tag: u32) {
    let mut guard = table();
    if let Some(table) = guard.as_mut() {
        table.live.retain(|(_, _, scope), _| *scope != tag);
    }
}
