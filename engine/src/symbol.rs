//! Names the analyses recognise, in one place.
//!
//! Paths are matched on their last segment (`std::rc::Rc`, `alloc::rc::Rc` and a
//! `use`d `Rc` are all `Rc`), since a macro sees tokens, not resolved paths.

/// Strong shared pointers: a field through one keeps its target alive.
pub(crate) const STRONG_POINTERS: &[&str] = &["Rc", "Arc", "ArcSwap", "ArcSwapOption"];

/// Weak pointers: never keep their target alive.
pub(crate) const WEAK_POINTERS: &[&str] = &["Weak", "WeakRef"];

/// Wrappers that let the value inside be replaced through a shared reference.
pub(crate) const INTERIOR_MUTABILITY: &[&str] = &[
    "Cell",
    "RefCell",
    "UnsafeCell",
    "SyncUnsafeCell",
    "OnceCell",
    "OnceLock",
    "Mutex",
    "RwLock",
    "ReentrantMutex",
    "FairMutex",
    "AtomicRefCell",
    "QCell",
    "TCell",
    "LCell",
    "ArcSwap",
    "ArcSwapOption",
    "AtomicCell",
    "ThreadLocal",
    "CachedThreadLocal",
];

/// Types that hold their type arguments without owning them: no edge through them.
pub(crate) const NON_OWNING: &[&str] = &["PhantomData", "PhantomPinned", "NonNull"];

/// Wrappers that own the one value they hold and do not change what it is
/// (a `Pin<Box<T>>` owns its `T` as the `Box` does).
pub(crate) const OWNING_WRAPPERS: &[&str] = &[
    "Box",
    "Option",
    "AssertUnwindSafe",
    "CachePadded",
    "ManuallyDrop",
    "MaybeUninit",
    "Pin",
    "Exclusive",
    "SyncWrapper",
];

/// Lazily initialised wrappers that a static's collection may sit in.
pub(crate) const LAZY_WRAPPERS: &[&str] =
    &["LazyLock", "LazyCell", "Lazy", "OnceLock", "OnceCell", "SyncLazy", "SyncOnceCell"];

/// Collections that grow without limit when pushed to.
pub(crate) const GROWABLE: &[&str] = &[
    "Vec",
    "VecDeque",
    "String",
    "OsString",
    "PathBuf",
    "HashMap",
    "HashSet",
    "BTreeMap",
    "BTreeSet",
    "BinaryHeap",
    "LinkedList",
    "IndexMap",
    "IndexSet",
    "FxHashMap",
    "FxHashSet",
    "AHashMap",
    "AHashSet",
    "FnvHashMap",
    "FnvHashSet",
    "SmallVec",
    "ThinVec",
    "DashMap",
    "DashSet",
    "SkipMap",
    "SkipSet",
    "SegQueue",
    "Slab",
    "StableVec",
    "SlotMap",
    "DenseSlotMap",
    "HopSlotMap",
    "LinkedHashMap",
    "LinkedHashSet",
    "UnboundCache",
];

/// Growable collections that are sets: keyed, like maps, but with no values.
pub(crate) const SETS: &[&str] =
    &["HashSet", "BTreeSet", "IndexSet", "FxHashSet", "AHashSet", "FnvHashSet", "DashSet", "SkipSet", "LinkedHashSet"];

/// Growable collections that are maps (keyed lookups), the shape of a memo table.
pub(crate) const MAPS: &[&str] = &[
    "HashMap",
    "BTreeMap",
    "IndexMap",
    "FxHashMap",
    "AHashMap",
    "FnvHashMap",
    "DashMap",
    "SkipMap",
    "LinkedHashMap",
    "UnboundCache",
];

/// Collections that are safe to mutate through a shared reference on their own,
/// with no `Mutex` around them.
pub(crate) const CONCURRENT: &[&str] = &["DashMap", "DashSet", "SkipMap", "SkipSet", "SegQueue"];

/// Caches known to bound themselves (by size, time or both).
pub(crate) const BOUNDED_CACHES: &[&str] = &[
    "LruCache",
    "LruMap",
    "CLruCache",
    "SizedCache",
    "TimedCache",
    "TimedSizedCache",
    "ExpiringSizedCache",
    "ExpiringValueCache",
    "Cache",
    "AsyncCache",
    "SegmentedCache",
    "KCache",
    "TtlCache",
    "WeakValueHashMap",
    "WeakKeyHashMap",
    "WeakValueBTreeMap",
];

/// Methods that add elements.
pub(crate) const GROW_METHODS: &[&str] = &[
    "push",
    "push_back",
    "push_front",
    "push_str",
    "push_within_capacity",
    "insert",
    "insert_str",
    "insert_full",
    "insert_before",
    "insert_sorted",
    "try_insert",
    "extend",
    "extend_from_slice",
    "extend_from_within",
    "append",
    "entry",
    "get_or_insert",
    "get_or_insert_with",
    "get_or_insert_owned",
    "cache_set",
    "cache_get_or_set_with",
    "resize",
    "resize_with",
];

/// Growth that appends rather than inserts by key: not the insert of a memo table.
pub(crate) const APPEND_METHODS: &[&str] = &["push", "push_back", "push_front", "push_str", "+=", "extend", "append"];

/// Methods that remove elements, or replace the whole collection.
pub(crate) const SHRINK_METHODS: &[&str] = &[
    "remove",
    "remove_entry",
    "remove_if",
    "remove_if_mut",
    "swap_remove",
    "swap_remove_full",
    "swap_remove_entry",
    "swap_remove_index",
    "shift_remove",
    "shift_remove_full",
    "shift_remove_entry",
    "shift_remove_index",
    "pop",
    "pop_front",
    "pop_back",
    "pop_first",
    "pop_last",
    "clear",
    "retain",
    "retain_mut",
    "truncate",
    "drain",
    "drain_filter",
    "extract_if",
    "split_off",
    "take",
    "replace",
    "set",
    "cache_remove",
    "cache_clear",
    "cache_reset",
    "invalidate",
    "invalidate_all",
    "evict",
    "shrink_to_fit_and_clear",
];

/// Methods that look an element up, as a memo table does before computing.
pub(crate) const LOOKUP_METHODS: &[&str] =
    &["get", "get_mut", "contains_key", "contains", "get_key_value", "cache_get"];

/// `entry(..)` continuations that insert on a miss: the memo idiom.
pub(crate) const ENTRY_INSERTS: &[&str] =
    &["or_insert", "or_insert_with", "or_insert_with_key", "or_default", "or_try_insert_with"];

/// Methods that pass a looked-up element on (`map.get(k).cloned()`).
pub(crate) const PASS_THROUGH_METHODS: &[&str] = &[
    "clone",
    "cloned",
    "copied",
    "to_owned",
    "to_string",
    "unwrap",
    "expect",
    "as_ref",
    "as_deref",
    "map",
    "ok_or",
    "ok_or_else",
    "unwrap_or",
    "unwrap_or_default",
    "unwrap_or_else",
];

/// Conversions that leave a key the same key (`k.to_owned()` inserts what
/// `get(&k)` looks up).
pub(crate) const KEY_CONVERSIONS: &[&str] = &[
    "clone",
    "cloned",
    "copied",
    "to_owned",
    "to_string",
    "into",
    "to_vec",
    "to_path_buf",
    "as_str",
    "as_ref",
    "as_path",
    "as_slice",
    "borrow",
    "into_owned",
];

/// Methods that only test what a lookup found (`map.get(k).is_none()`).
pub(crate) const PRESENCE_TESTS: &[&str] = &["is_some", "is_none", "is_ok", "is_err"];

/// Methods and functions that turn a value into a copy or another form of
/// itself (`x.to_vec()`, `Arc::clone(x)`, `w.upgrade()`), as a memo returns
/// what it looked up; `PASS_THROUGH_METHODS` are the same for `Option`s.
pub(crate) const VALUE_CONVERSIONS: &[&str] = &[
    "clone",
    "to_vec",
    "to_owned",
    "to_string",
    "upgrade",
    "into",
    "from",
    "get_or_insert_with",
    "get_or_insert",
    "as_str",
];

/// Methods that only give access to a collection (through a lock, a cell, an
/// `Option` or a lazy wrapper): the collection behind them is the receiver's.
pub(crate) const ACCESS_METHODS: &[&str] = &[
    "lock",
    "try_lock",
    "read",
    "write",
    "try_read",
    "try_write",
    "borrow",
    "borrow_mut",
    "try_borrow",
    "try_borrow_mut",
    "upgradable_read",
    "unwrap",
    "expect",
    "unwrap_or_else",
    "unwrap_unchecked",
    "get_or_init",
    "get_or_try_init",
    "force",
    "deref",
    "deref_mut",
    "as_mut",
    "as_ref",
    "as_deref",
    "as_deref_mut",
    "lock_arc",
    "blocking_lock",
    "blocking_write",
    "await",
    "get_mut_or_init",
    // `Result` adapters that pass the guard on: `lock().ok()`, `write().map_err(..)?`.
    "ok",
    "map_err",
    "context",
    "with_context",
];

/// Methods that run a closure with access to the value behind their receiver:
/// a thread-local's `with`, and `map`/`and_then`/... on the `Result` of a lock.
pub(crate) const WITH_METHODS: &[&str] = &[
    "with",
    "with_borrow",
    "with_borrow_mut",
    "try_with",
    "scope",
    "map",
    "and_then",
    "inspect",
    "map_or",
    "map_or_else",
    "is_ok_and",
    "is_some_and",
];

/// Methods whose closure runs at most once per receiver: `Once::call_once`,
/// `OnceLock::get_or_init` and the like.
pub(crate) const RUN_ONCE_METHODS: &[&str] = &["call_once", "call_once_force", "get_or_init", "get_or_try_init"];

/// Functions that empty or replace a collection passed to them by `&mut`.
pub(crate) const RESET_FUNCTIONS: &[&str] = &["take", "replace", "swap"];

/// Field names that usually point back to an owner: the edge to make `Weak`.
pub(crate) const BACK_EDGE_NAMES: &[&str] = &[
    "parent",
    "owner",
    "prev",
    "previous",
    "back",
    "up",
    "outer",
    "container",
    "holder",
    "manager",
    "root",
    "pred",
    "predecessor",
    "super",
    "source",
    "origin",
    "document",
    "doc",
    "tree",
    "graph",
    "context",
    "ctx",
    "registry",
];

/// Whether `name` is one of `list`.
pub(crate) fn is(list: &[&str], name: &str) -> bool {
    list.contains(&name)
}
