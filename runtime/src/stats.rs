//! Plain snapshot values: [`Snapshot`], [`SnapshotDiff`] and [`Growth`].

use core::fmt;
use core::fmt::Write as _;
use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::counter::Counter;
use crate::{registry, Counted};

/// The counts of one counted type at the time of a [`snapshot`](crate::snapshot).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TypeStats {
    /// The type's name, without generic arguments (`Wrapper<u8>` and
    /// `Wrapper<String>` are both counted as `Wrapper`).
    pub name: &'static str,
    /// The module the type is defined in, as `module_path!()` gives it.
    pub module: &'static str,
    /// Instances alive now: `created - dropped`.
    pub live: usize,
    /// Instances created so far.
    pub created: usize,
    /// Instances dropped so far.
    pub dropped: usize,
    /// The highest live count observed. In debug builds, exact when a single
    /// thread creates and drops the type; otherwise (release builds, or several
    /// threads) the highest count sampled: on the first and every 1024th
    /// creation on each thread and on every read, so a spike shorter than that
    /// can be missed.
    pub peak: usize,
    id: usize,
    /// Drops in a later snapshot epoch than their value's creation, as running
    /// sums by creation epoch; `None` without per-instance data.
    old_drops: Option<Vec<(u32, usize)>>,
}

impl TypeStats {
    fn of(counter: &'static Counter, old_drops: Option<Vec<(u32, usize)>>) -> Self {
        let created = counter.created();
        let dropped = counter.dropped();
        let live = created.wrapping_sub(dropped);
        let live = if live > isize::MAX as usize { 0 } else { live };
        TypeStats {
            name: counter.name(),
            module: counter.module(),
            live,
            created,
            dropped,
            peak: counter.peak().max(live),
            id: id(counter),
            old_drops,
        }
    }

    /// `module::name`.
    #[must_use]
    pub fn path(&self) -> String {
        format!("{}::{}", self.module, self.name)
    }
}

fn id(counter: &'static Counter) -> usize {
    core::ptr::from_ref(counter) as usize
}

/// The counts of every counted type that has had an instance, at one moment.
///
/// Take one with [`snapshot`](crate::snapshot); compare two with
/// [`Snapshot::diff`].
///
/// # Examples
///
/// ```
/// #[leak_audit::leak_audit]
/// mod model {
///     pub struct Session { pub user: String }
///     pub fn login(user: &str) -> Session { Session { user: user.into() } }
/// }
///
/// let before = leak_audit::snapshot();
/// let kept = vec![model::login("ada")];
/// let after = leak_audit::snapshot();
///
/// let session = after.get::<model::Session>().unwrap();
/// assert_eq!(session.live, 1);
/// assert_eq!(after.diff(&before).get::<model::Session>().unwrap().net, 1);
/// # drop(kept);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    types: Vec<TypeStats>,
    /// The snapshot epoch this snapshot ended (debug builds), see `epoch`;
    /// always `None` in release builds.
    #[cfg_attr(not(debug_assertions), allow(dead_code))]
    epoch: Option<u32>,
}

/// Two snapshots are equal when they hold the same counts, whenever they
/// were taken.
impl PartialEq for Snapshot {
    fn eq(&self, other: &Self) -> bool {
        self.types == other.types
    }
}

impl Eq for Snapshot {}

impl Snapshot {
    #[cfg(debug_assertions)]
    pub(crate) fn take() -> Self {
        let mut taken = crate::epoch::take();
        let mut types: Vec<TypeStats> = registry::all()
            .into_iter()
            .map(|counter| {
                let old_drops =
                    counter.tracks_epochs().then(|| taken.old_drops.remove(&id(counter)).unwrap_or_default());
                TypeStats::of(counter, old_drops)
            })
            .collect();
        types.sort_by(|a, b| (a.name, a.module).cmp(&(b.name, b.module)));
        Snapshot { types, epoch: taken.epoch }
    }

    #[cfg(not(debug_assertions))]
    pub(crate) fn take() -> Self {
        let mut types: Vec<TypeStats> =
            registry::all().into_iter().map(|counter| TypeStats::of(counter, None)).collect();
        types.sort_by(|a, b| (a.name, a.module).cmp(&(b.name, b.module)));
        Snapshot { types, epoch: None }
    }

    /// Every counted type that had an instance before the snapshot, by name.
    #[must_use]
    pub fn types(&self) -> &[TypeStats] {
        &self.types
    }

    /// The counts of `T`, if it had an instance before the snapshot.
    #[must_use]
    pub fn get<T: Counted + ?Sized>(&self) -> Option<&TypeStats> {
        let id = id(T::__LEAK_AUDIT_COUNTER);
        self.types.iter().find(|stats| stats.id == id)
    }

    /// Live instances of `T` at the snapshot (0 if it never had one).
    #[must_use]
    pub fn live<T: Counted + ?Sized>(&self) -> usize {
        self.get::<T>().map_or(0, |stats| stats.live)
    }

    /// Live instances of all counted types together.
    #[must_use]
    pub fn total_live(&self) -> usize {
        self.types.iter().map(|stats| stats.live).sum()
    }

    /// What changed from `earlier` to `self`, per type.
    ///
    /// Meant from an earlier snapshot to a later one: the other way round,
    /// `created` and `dropped` (which only grow) come out as 0.
    #[must_use]
    pub fn diff(&self, earlier: &Snapshot) -> SnapshotDiff {
        let mut types: Vec<TypeDiff> = self
            .types
            .iter()
            .map(|now| {
                let before = earlier.types.iter().find(|stats| stats.id == now.id);
                let (created, dropped, live) = before.map_or((0, 0, 0), |b| (b.created, b.dropped, b.live));
                let net = signed(now.live) - signed(live);
                let survived = self.survived(earlier, now, before);
                TypeDiff {
                    name: now.name,
                    module: now.module,
                    created: now.created.saturating_sub(created),
                    dropped: now.dropped.saturating_sub(dropped),
                    net,
                    live: now.live,
                    new_alive: survived.map(|survived| now.live.saturating_sub(survived)),
                    survived,
                    id: now.id,
                }
            })
            .filter(|diff| diff.created != 0 || diff.dropped != 0 || diff.net != 0)
            .collect();
        types.sort_by(|a, b| b.net.cmp(&a.net).then_with(|| a.name.cmp(b.name)));
        SnapshotDiff { types }
    }
}

impl Snapshot {
    /// How many of `before`'s live values (`earlier`'s counts of the type of
    /// `now`) are still alive at `self`, if both snapshots carry epochs and the
    /// type keeps them (see `epoch` for the derivation).
    #[cfg(debug_assertions)]
    fn survived(&self, earlier: &Snapshot, now: &TypeStats, before: Option<&TypeStats>) -> Option<usize> {
        let (Some(a), Some(b)) = (earlier.epoch, self.epoch) else { return None };
        if a >= b {
            return None;
        }
        let later_sums = now.old_drops.as_deref()?;
        let Some(before) = before else {
            // No instance before `earlier`: nothing to survive.
            return Some(0);
        };
        let earlier_sums = before.old_drops.as_deref()?;
        let dropped_since =
            crate::epoch::sum_through(later_sums, a).saturating_sub(crate::epoch::sum_through(earlier_sums, a));
        Some(before.live.saturating_sub(dropped_since).min(now.live))
    }

    /// Release builds keep no creation epochs.
    #[cfg(not(debug_assertions))]
    #[allow(clippy::unused_self)]
    fn survived(&self, _: &Snapshot, _: &TypeStats, _: Option<&TypeStats>) -> Option<usize> {
        None
    }
}

fn signed(count: usize) -> isize {
    isize::try_from(count).unwrap_or(isize::MAX)
}

impl fmt::Display for Snapshot {
    /// One line per type: name, live, created, dropped, peak.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self.types.iter().map(|stats| stats.name.len()).max().unwrap_or(4).max(4);
        writeln!(f, "{:<width$}  {:>10}  {:>10}  {:>10}  {:>10}", "type", "live", "created", "dropped", "peak")?;
        for stats in &self.types {
            writeln!(
                f,
                "{:<width$}  {:>10}  {:>10}  {:>10}  {:>10}",
                stats.name, stats.live, stats.created, stats.dropped, stats.peak
            )?;
        }
        Ok(())
    }
}

/// How one type's counts changed between two snapshots.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct TypeDiff {
    /// The type's name, without generic arguments.
    pub name: &'static str,
    /// The module the type is defined in.
    pub module: &'static str,
    /// Instances created between the two snapshots.
    pub created: usize,
    /// Instances dropped between the two snapshots.
    pub dropped: usize,
    /// The change in the live count (`created - dropped`).
    pub net: isize,
    /// Live instances at the later snapshot.
    pub live: usize,
    /// Of the `live` instances, those created after the earlier snapshot
    /// (dotMemory's "new" objects): `live - survived`.
    ///
    /// `None` when the data is not kept: in release builds (values keep no
    /// per-instance data, so that counting adds zero bytes), for
    /// `#[repr(C)]`/`#[repr(transparent)]` types (their hidden field is always
    /// zero-sized), when the snapshots are passed the wrong way round (`diff`
    /// takes the *earlier* one as argument) or either is a
    /// `Snapshot::default()`.
    pub new_alive: Option<usize>,
    /// Of the `live` instances, those already alive at the earlier snapshot
    /// (dotMemory's "survived" objects). `None` in the same cases as
    /// [`new_alive`](Self::new_alive).
    pub survived: Option<usize>,
    id: usize,
}

/// What changed between two [`Snapshot`]s: the types that had instances
/// created or dropped in between, largest net growth first.
///
/// Counts are per type. In debug builds each [`TypeDiff`] also tells the live
/// values created after the earlier snapshot ([`new_alive`](TypeDiff::new_alive))
/// apart from those that were already alive then and survived
/// ([`survived`](TypeDiff::survived)), as dotMemory Unit does: every value
/// keeps the snapshot epoch it was created in. Release builds keep no
/// per-instance data, so both are `None` there.
///
/// The split is exact under the same condition as every count: the threads
/// that create and drop the type have synchronised with the thread taking the
/// snapshots (joined, or handed over through a channel or a mutex).
///
/// # Examples
///
/// ```
/// #[leak_audit::leak_audit]
/// mod model {
///     pub struct Conn { pub id: u32 }
///     pub fn conn(id: u32) -> Conn { Conn { id } }
/// }
///
/// let mut pool: Vec<_> = (0..3).map(model::conn).collect();
/// let before = leak_audit::snapshot();
/// pool.remove(0); // one old connection closed...
/// pool.push(model::conn(3)); // ...and two new ones opened
/// pool.push(model::conn(4));
/// let after = leak_audit::snapshot();
///
/// let diff = after.diff(&before);
/// let conns = diff.get::<model::Conn>().unwrap();
/// assert_eq!((conns.created, conns.dropped, conns.net, conns.live), (2, 1, 1, 4));
/// // Two of the four live connections are new, two survived (debug builds;
/// // both are `None` in release builds).
/// if let (Some(new), Some(survived)) = (conns.new_alive, conns.survived) {
///     assert_eq!((new, survived), (2, 2));
/// }
/// # drop(pool);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SnapshotDiff {
    types: Vec<TypeDiff>,
}

impl SnapshotDiff {
    /// The types with creations or drops in between, largest net growth first.
    #[must_use]
    pub fn types(&self) -> &[TypeDiff] {
        &self.types
    }

    /// The change for `T`, if it had creations or drops in between.
    #[must_use]
    pub fn get<T: Counted + ?Sized>(&self) -> Option<&TypeDiff> {
        let id = id(T::__LEAK_AUDIT_COUNTER);
        self.types.iter().find(|diff| diff.id == id)
    }

    /// The types whose live count grew.
    pub fn grown(&self) -> impl Iterator<Item = &TypeDiff> {
        self.types.iter().filter(|diff| diff.net > 0)
    }

    /// Whether no live count grew.
    #[must_use]
    pub fn is_flat(&self) -> bool {
        self.grown().next().is_none()
    }
}

impl fmt::Display for SnapshotDiff {
    /// One line per type: name, live, created, dropped, net change, and, when
    /// known, how many of the live values are new and how many survived.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self.types.iter().map(|diff| diff.name.len()).max().unwrap_or(4).max(4);
        let split = self.types.iter().any(|diff| diff.survived.is_some());
        write!(f, "{:<width$}  {:>10}  {:>10}  {:>10}  {:>10}", "type", "live", "created", "dropped", "net")?;
        if split {
            write!(f, "  {:>10}  {:>10}", "new", "survived")?;
        }
        writeln!(f)?;
        for diff in &self.types {
            write!(
                f,
                "{:<width$}  {:>10}  {:>10}  {:>10}  {:>+10}",
                diff.name, diff.live, diff.created, diff.dropped, diff.net
            )?;
            if split {
                let known = |count: Option<usize>| count.map_or_else(|| "?".to_owned(), |count| count.to_string());
                write!(f, "  {:>10}  {:>10}", known(diff.new_alive), known(diff.survived))?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}

/// One line of [`Growth`]: a type whose live count grew since the previous
/// call.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct GrowthEntry {
    /// The type's name, without generic arguments.
    pub name: &'static str,
    /// The module the type is defined in.
    pub module: &'static str,
    /// Live instances now.
    pub count: usize,
    /// How many more are alive than at the previous call.
    pub delta: usize,
}

/// The counted types whose live count grew since the previous call of
/// [`growth`](crate::growth) or [`show_growth`](crate::show_growth),
/// largest growth first: objgraph's `show_growth()` table.
///
/// `Display` prints the objgraph table; [`Growth::to_json`] gives it as JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Growth {
    entries: Vec<GrowthEntry>,
}

/// The live count of every type at the previous `growth()` call, by counter.
static PREVIOUS: Mutex<BTreeMap<usize, usize>> = Mutex::new(BTreeMap::new());

impl Growth {
    pub(crate) fn since_previous_call() -> Self {
        let mut previous = PREVIOUS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut entries = Vec::new();
        for counter in registry::all() {
            let count = counter.live();
            // Compare with the previous call, not with a previous peak: a type
            // that shrank and grew back is reported again.
            let before = previous.insert(id(counter), count).unwrap_or(0);
            if count > before {
                entries.push(GrowthEntry {
                    name: counter.name(),
                    module: counter.module(),
                    count,
                    delta: count - before,
                });
            }
        }
        entries.sort_by(|a, b| b.delta.cmp(&a.delta).then_with(|| (a.name, a.module).cmp(&(b.name, b.module))));
        Growth { entries }
    }

    /// The grown types, largest growth first.
    #[must_use]
    pub fn entries(&self) -> &[GrowthEntry] {
        &self.entries
    }

    /// Whether nothing grew.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The table as a JSON array of
    /// `{"type": .., "module": .., "count": .., "delta": ..}` objects, largest
    /// growth first.
    ///
    /// # Examples
    ///
    /// ```
    /// #[leak_audit::leak_audit]
    /// mod cache {
    ///     pub struct Entry { pub key: u32 }
    ///     pub fn entry(key: u32) -> Entry { Entry { key } }
    /// }
    ///
    /// let _ = leak_audit::growth();
    /// let kept: Vec<_> = (0..3).map(cache::entry).collect();
    /// let json = leak_audit::growth().to_json();
    /// assert!(json.contains(r#""type":"Entry""#));
    /// assert!(json.contains(r#""count":3,"delta":3"#));
    /// # drop(kept);
    /// ```
    #[must_use]
    pub fn to_json(&self) -> String {
        let entries: Vec<String> = self
            .entries
            .iter()
            .map(|entry| {
                format!(
                    r#"{{"type":"{}","module":"{}","count":{},"delta":{}}}"#,
                    json_escape(entry.name),
                    json_escape(entry.module),
                    entry.count,
                    entry.delta
                )
            })
            .collect();
        format!("[{}]", entries.join(","))
    }
}

fn json_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => escaped.push_str("\\\""),
            '\\' => escaped.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(escaped, "\\u{:04x}", u32::from(c));
            }
            c => escaped.push(c),
        }
    }
    escaped
}

impl fmt::Display for Growth {
    /// objgraph's layout: the type name, the live count and `+delta`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = self.entries.iter().map(|entry| entry.name.len()).max().unwrap_or(0);
        for entry in &self.entries {
            writeln!(f, "{:<width$}  {:>10}  {:>+10}", entry.name, entry.count, entry.delta)?;
        }
        Ok(())
    }
}
