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

/// Types and variants whose constructors hold a key as it is (`Rc::from(name)`,
/// `Some(key)`): handing a key to them does no work with it.
pub(crate) const KEY_HOLDERS: &[&str] =
    &["Rc", "Arc", "Box", "String", "Cow", "PathBuf", "OsString", "Vec", "Some", "Ok", "Err"];

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
    "as_ptr",
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

/// Methods that store a value in their receiver's collection or cell. (Not
/// `get_or_insert_with`, `or_insert_with` and the like: their closure makes
/// the value and is not kept.)
pub(crate) const STORE_METHODS: &[&str] =
    &["push", "push_back", "push_front", "insert", "replace", "set", "or_insert", "extend"];

/// Calls that wrap a closure without changing what it captures.
pub(crate) const CLOSURE_WRAPPERS: &[&str] =
    &["new", "wrap", "once", "once_into_js", "pin", "from", "Some", "Ok", "into"];

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

/// Calls that run the closure they are given once, where they are called:
/// `Option`/`Result` fallbacks, thread-local access, scoped threads,
/// `block_on`, `catch_unwind`.
pub(crate) const CALLS_ONCE: &[&str] = &[
    "unwrap_or_else",
    "map_or_else",
    "or_else",
    "ok_or_else",
    "get_or_insert_with",
    "or_insert_with",
    "or_insert_with_key",
    "then",
    "block_on",
    "catch_unwind",
    "scope",
    "with",
    "with_borrow",
    "with_borrow_mut",
    "try_with",
    "new_cyclic",
    "from_fn",
    "map_err",
    "replace_with",
    "update",
];

/// Iterator adaptors: their closure runs once per element.
pub(crate) const ITERATOR_ADAPTORS: &[&str] = &[
    "for_each",
    "try_for_each",
    "filter_map",
    "flat_map",
    "fold",
    "try_fold",
    "take_while",
    "skip_while",
    "map_while",
    "scan",
    "position",
    "any",
    "all",
    "find",
    "find_map",
    "retain",
    "sort_by",
    "sort_by_key",
    "max_by_key",
    "min_by_key",
];

/// Methods that start an iterator over a collection, a reader or a string.
pub(crate) const ITERATOR_SOURCES: &[&str] = &[
    "iter",
    "iter_mut",
    "into_iter",
    "drain",
    "lines",
    "chars",
    "bytes",
    "split",
    "split_whitespace",
    "keys",
    "values",
    "values_mut",
    "windows",
    "chunks",
    "incoming",
    "zip",
    "enumerate",
];

/// Attributes that make a fn a request, event or render handler: route
/// attributes of web frameworks, `#[wasm_bindgen]` exports, components.
pub(crate) const HANDLER_ATTRIBUTES: &[&str] = &[
    "get",
    "post",
    "put",
    "delete",
    "patch",
    "head",
    "route",
    "routes",
    "handler",
    "debug_handler",
    "server",
    "component",
    "function_component",
    "hook",
    "wasm_bindgen",
    "tauri_command",
    "command",
    "plugin_fn",
];

/// Names of handler fns and trait methods that run once per request, event,
/// frame or render (prefixes `handle`, `on_`, `poll_` and `serve` too).
pub(crate) const HANDLER_NAMES: &[&str] =
    &["call", "poll", "render", "view", "update", "draw", "paint", "tick", "process", "dispatch", "respond"];

/// Types that own no memory on the heap: primitives, time and ordering
/// values, OS handles (a forgotten handle leaks the handle, not memory),
/// `MaybeUninit` (which never drops what it holds).
pub(crate) const OWNS_NO_HEAP: &[&str] = &[
    "bool",
    "char",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "usize",
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "isize",
    "f32",
    "f64",
    "str",
    "NonZeroU8",
    "NonZeroU16",
    "NonZeroU32",
    "NonZeroU64",
    "NonZeroUsize",
    "NonZero",
    "Wrapping",
    "Duration",
    "Instant",
    "SystemTime",
    "Ordering",
    "TypeId",
    "File",
    "TcpStream",
    "TcpListener",
    "UdpSocket",
    "UnixStream",
    "UnixListener",
    "UnixDatagram",
    "OwnedFd",
    "BorrowedFd",
    "RawFd",
    "OwnedHandle",
    "BorrowedHandle",
    "RawHandle",
    "OwnedSocket",
    "RawSocket",
    "MaybeUninit",
    "Ref",
    "RefMut",
];

/// Methods that take a raw pointer or handle out of a value, or hand the
/// value over as one: a `mem::forget` after them moves ownership, it does
/// not leak.
pub(crate) const RAW_METHODS: &[&str] = &[
    "as_ptr",
    "as_mut_ptr",
    "as_non_null_ptr",
    "as_raw",
    "as_raw_fd",
    "as_raw_handle",
    "as_raw_socket",
    "into_raw",
    "into_raw_fd",
    "into_raw_handle",
    "into_raw_parts",
    "as_mut_slice",
    "as_slice",
    "as_bytes",
    "as_mut",
    "leak",
];

/// Functions that read or copy through raw pointers (`ptr::read`,
/// `ptr::copy_nonoverlapping`, `addr_of!`, `transmute_copy`): a value named in
/// their arguments is taken apart, and forgetting it afterwards moves
/// ownership rather than leaking.
pub(crate) const RAW_FUNCTIONS: &[&str] = &[
    "read",
    "read_unaligned",
    "read_volatile",
    "copy",
    "copy_nonoverlapping",
    "addr_of",
    "addr_of_mut",
    "transmute",
    "transmute_copy",
    "from_raw_parts",
    "from_raw_parts_mut",
    "from_raw",
    "from_ref",
    "from_mut",
    "swap",
    "replace",
    "take",
    "write",
];

/// Calls that accept one value for the whole process (a logger, a global
/// subscriber): a value leaked straight into them is leaked once.
pub(crate) const SET_ONCE_CALLS: &[&str] =
    &["set_logger", "set_boxed_logger", "set_global_default", "set_global_logger", "set_hook", "init_with"];

/// Macros after which the code does not go on.
pub(crate) const DIVERGING_MACROS: &[&str] = &["panic", "unreachable", "unimplemented", "todo"];

/// Shrinking methods (and `=`, `mem::take`) that empty the whole collection.
pub(crate) const EMPTY_ALL: &[&str] = &[
    "clear",
    "drain",
    "take",
    "replace",
    "set",
    "=",
    "mem::take",
    "mem::replace",
    "mem::swap",
    "cache_clear",
    "cache_reset",
    "invalidate_all",
];

/// Words of a fn name that say it runs when the program or its runtime shuts
/// down (`shutdown_all`, `teardown`, `atexit`), not while it runs.
pub(crate) const SHUTDOWN_WORDS: &[&str] = &["shutdown", "teardown", "atexit", "deinit", "uninit", "uninitialize"];

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

/// Field names that point down a tree, to what the value owns: a cycle made
/// only of these (and single links) is a tree that code would have to
/// graft onto itself.
pub(crate) const DOWN_EDGE_NAMES: &[&str] =
    &["child", "children", "kids", "descendants", "subtree", "subtrees", "subnodes", "subitems", "nested"];

/// Whether `name` is one of `list`.
pub(crate) fn is(list: &[&str], name: &str) -> bool {
    list.contains(&name)
}
