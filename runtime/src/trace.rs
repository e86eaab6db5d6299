//! The field tracer and the walk that finds the strong cycle keeping a value
//! alive (LeakCanary's leak trace, Infer's retain-cycle message).
//!
//! `#[leak_audit]` implements [`Trace`] for the structs (named and tuple) and
//! enums of the annotated item: the impl visits each field through a
//! [`Field`] probe. A field whose type implements [`Trace`] is walked; any
//! other (a closure, a type outside annotated items, a generic parameter) is
//! *opaque*: the probe falls back, by autoref, to [`Opaque`], which only
//! records that the walk met it. So a type the tracer cannot describe is
//! skipped, never a compile error.
//!
//! The walk is a breadth-first search over `Rc`/`Arc` allocations: tracing a
//! node's contents goes through owned containers in place (`Box`, `Option`,
//! `Vec`, `VecDeque`, maps' values, tuples, arrays, `RefCell`, `Mutex`,
//! `RwLock`) and stops at each `Rc` or `Arc`, which becomes an edge to the node
//! it points to. Each allocation is visited once, so the first edge found back
//! to the start closes the shortest cycle. Cells are entered with
//! `try_borrow`/`try_lock`/`try_read`: a busy one is skipped (and said so),
//! never waited on. `Weak` is not followed.
//!
//! The walk runs only when [`find_cycle`](crate::find_cycle) or
//! [`Watch::assert_dropped`](crate::Watch::assert_dropped) asks: nothing here
//! is on a hot path, and the tracer adds no field to any type.

use core::fmt;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::rc::Rc;
use std::sync::{Arc, Mutex, RwLock, TryLockError};

/// Implemented by `#[leak_audit]` for the structs and enums it sees, and here
/// for the containers the walk goes through.
///
/// Not public API: named only by generated code.
pub trait Trace {
    /// Visits the strong pointers owned by `self`.
    fn __trace(&self, walk: &mut Walk);
}

/// One step of the path inside a node, from its start to a pointer.
#[derive(Clone, Debug)]
enum Step {
    Field(&'static str),
    Variant(&'static str),
    Index(usize),
    Key(String),
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Step::Field(name) => write!(f, ".{name}"),
            Step::Variant(name) => write!(f, "::{name}"),
            Step::Index(index) => write!(f, "[{index}]"),
            Step::Key(key) => write!(f, "[{key}]"),
        }
    }
}

/// A strong pointer met by the walk: the allocation it points to, which the
/// walk traces later (the pointer is cloned, so the allocation stays alive
/// until the walk ends).
trait Node {
    fn address(&self) -> usize;
    fn type_name(&self) -> &'static str;
    fn trace_contents(&self, walk: &mut Walk);
}

macro_rules! pointer_node {
    ($pointer:ident) => {
        impl<T: ?Sized + Trace + 'static> Node for $pointer<T> {
            fn address(&self) -> usize {
                $pointer::as_ptr(self).cast::<()>() as usize
            }
            fn type_name(&self) -> &'static str {
                core::any::type_name::<T>()
            }
            fn trace_contents(&self, walk: &mut Walk) {
                (**self).__trace(walk);
            }
        }

        impl<T: ?Sized + Trace + 'static> Trace for $pointer<T> {
            fn __trace(&self, walk: &mut Walk) {
                walk.edge(Box::new($pointer::clone(self)));
            }
        }
    };
}

pointer_node!(Rc);
pointer_node!(Arc);

/// The start of a walk: a value whose type is only known through the tracer
/// registered with its counter (see [`Root`]); its owner keeps it alive.
struct Start {
    address: usize,
    root: Root,
}

impl Node for Start {
    fn address(&self) -> usize {
        self.address
    }
    fn type_name(&self) -> &'static str {
        (self.root.type_name)()
    }
    fn trace_contents(&self, walk: &mut Walk) {
        // SAFETY: `Root::of` matched the start's type name with the type this
        // tracer was made for, and the caller of `walk_from` keeps the value
        // alive (it holds a strong pointer to it) for the whole walk.
        unsafe { (self.root.trace)(self.address as *const (), walk) }
    }
}

/// The state of a walk while it traces one node's contents.
pub struct Walk {
    /// The name of the node being traced (`Person#1`), for notes.
    current: String,
    path: Vec<Step>,
    edges: Vec<(String, Box<dyn Node>)>,
    notes: Vec<String>,
    seen_notes: HashSet<String>,
}

impl fmt::Debug for Walk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Walk").field("current", &self.current).finish_non_exhaustive()
    }
}

impl Walk {
    fn new() -> Self {
        Walk {
            current: String::new(),
            path: Vec::new(),
            edges: Vec::new(),
            notes: Vec::new(),
            seen_notes: HashSet::new(),
        }
    }

    fn path_text(&self) -> String {
        self.path.iter().map(ToString::to_string).collect()
    }

    fn visit<T: ?Sized + Trace>(&mut self, step: Step, value: &T) {
        self.path.push(step);
        value.__trace(self);
        self.path.pop();
    }

    fn edge(&mut self, node: Box<dyn Node>) {
        let path = self.path_text();
        self.edges.push((path, node));
    }

    fn note(&mut self, text: String) {
        if self.seen_notes.insert(text.clone()) {
            self.notes.push(text);
        }
    }

    /// Records a cell that could not be entered without waiting.
    fn skipped(&mut self, what: &str) {
        let text = format!("skipped `{}{}`: {what}", self.current, self.path_text());
        self.note(text);
    }

    /// Records a value the walk cannot see into.
    fn opaque(&mut self, type_name: &'static str) {
        let text = format!("cannot see inside `{}{}` (`{}`)", self.current, self.path_text(), short_name(type_name));
        self.note(text);
    }

    /// Visits field `name` of a struct or variant (generated code).
    #[doc(hidden)]
    pub fn __field<T: ?Sized + Trace>(&mut self, name: &'static str, value: &T) {
        self.visit(Step::Field(name), value);
    }

    /// Enters variant `name` of an enum (generated code).
    #[doc(hidden)]
    pub fn __variant(&mut self, name: &'static str, trace: impl FnOnce(&mut Walk)) {
        self.path.push(Step::Variant(name));
        trace(self);
        self.path.pop();
    }
}

/// Wraps a field for the autoref choice between [`Traced`] (the field's type
/// implements [`Trace`]) and [`Opaque`] (it does not).
#[derive(Debug)]
pub struct Field<'a, T: ?Sized>(pub &'a T);

/// Chosen for a field whose type implements [`Trace`].
pub trait Traced {
    /// Visits the field.
    fn __visit(&self, walk: &mut Walk, name: &'static str);
}

impl<T: ?Sized + Trace> Traced for Field<'_, T> {
    fn __visit(&self, walk: &mut Walk, name: &'static str) {
        walk.__field(name, self.0);
    }
}

/// Chosen for a field whose type does not implement [`Trace`].
pub trait Opaque {
    /// Records that the walk cannot see into the field.
    fn __visit(&self, walk: &mut Walk, name: &'static str);
}

impl<T: ?Sized> Opaque for &Field<'_, T> {
    fn __visit(&self, walk: &mut Walk, name: &'static str) {
        walk.path.push(Step::Field(name));
        walk.opaque(core::any::type_name::<T>());
        walk.path.pop();
    }
}

/// How the walk can start from a value of a counted struct: its type's name
/// and its tracer, kept by the type's counter (a start's type is not known
/// statically where the walk starts, see [`crate::watch`]).
#[derive(Clone, Copy, Debug)]
pub struct Root {
    type_name: fn() -> &'static str,
    trace: unsafe fn(*const (), &mut Walk),
}

/// Picks, by autoref, [`HasRoot`] for a type that implements [`Trace`] and
/// [`NoRoot`] for any other.
#[derive(Debug)]
pub struct RootOf<T: ?Sized>(core::marker::PhantomData<*const T>);

impl<T: ?Sized> RootOf<T> {
    /// The probe (generated code).
    pub const NEW: Self = RootOf(core::marker::PhantomData);
}

/// Chosen for a type that implements [`Trace`].
pub trait HasRoot {
    /// The type's [`Root`].
    fn __root(&self) -> Option<Root>;
}

impl<T: Trace> HasRoot for RootOf<T> {
    fn __root(&self) -> Option<Root> {
        /// # Safety
        /// `value` points to a live `T`.
        unsafe fn trace<T: Trace>(value: *const (), walk: &mut Walk) {
            // SAFETY: guaranteed by the caller.
            unsafe { &*value.cast::<T>() }.__trace(walk);
        }
        Some(Root { type_name: core::any::type_name::<T>, trace: trace::<T> })
    }
}

/// Chosen for a type that does not implement [`Trace`].
pub trait NoRoot {
    /// No [`Root`].
    fn __root(&self) -> Option<Root>;
}

impl<T: ?Sized> NoRoot for &RootOf<T> {
    fn __root(&self) -> Option<Root> {
        None
    }
}

impl Root {
    /// The tracer registered for the type named `type_name`, if a counted
    /// struct of that name has had an instance.
    pub(crate) fn of(type_name: &str) -> Option<Root> {
        let mut found = None;
        crate::registry::for_each(|counter| {
            if found.is_none() {
                found = counter.root().filter(|root| (root.type_name)() == type_name);
            }
        });
        found
    }
}

/// The strong path from a value back to itself, found by
/// [`find_cycle`](crate::find_cycle).
///
/// Displays as the fields, indices and keys that make the cycle, with
/// instances numbered per type: `Person#1.cars[0] -> Car#1.owner -> Person#1`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CyclePath {
    hops: Vec<(String, String)>,
    notes: Vec<String>,
}

impl CyclePath {
    /// The number of strong pointers in the cycle (1 for a value that points
    /// to itself).
    ///
    /// # Examples
    ///
    /// ```
    /// #[leak_audit::leak_audit]
    /// mod list {
    ///     use std::{cell::RefCell, rc::Rc};
    ///     #[leak_audit(allow(rc_cycle), reason = "a test of the cycle finder")]
    ///     pub struct Node { pub next: RefCell<Option<Rc<Node>>> }
    ///     pub fn node() -> Rc<Node> { Rc::new(Node { next: RefCell::new(None) }) }
    /// }
    ///
    /// let node = list::node();
    /// *node.next.borrow_mut() = Some(node.clone());
    /// let cycle = leak_audit::find_cycle(&node).unwrap();
    /// assert_eq!(cycle.len(), 1);
    /// assert_eq!(cycle.to_string(), "Node#1.next -> Node#1");
    /// # node.next.borrow_mut().take();
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.hops.len()
    }

    /// Always `false`: a cycle has at least one pointer.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.hops.is_empty()
    }

    /// What the walk could not look into (cells it found borrowed or locked,
    /// values of types it cannot describe): a shorter cycle may run through
    /// them.
    #[must_use]
    pub fn notes(&self) -> &[String] {
        &self.notes
    }
}

impl fmt::Display for CyclePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (node, path) in &self.hops {
            write!(f, "{node}{path} -> ")?;
        }
        match self.hops.first() {
            Some((start, _)) => f.write_str(start),
            None => Ok(()),
        }
    }
}

/// What a walk found: the cycle, if any, and what it could not look into.
#[derive(Debug)]
pub struct Outcome {
    pub(crate) cycle: Option<CyclePath>,
    pub(crate) notes: Vec<String>,
}

/// The name of a type without its module paths: `demo::Node<alloc::string::String>`
/// gives `Node<String>`.
pub(crate) fn short_name(type_name: &str) -> String {
    let mut short = String::with_capacity(type_name.len());
    let mut segment = String::new();
    for ch in type_name.chars() {
        if ch.is_alphanumeric() || ch == '_' || ch == ':' {
            segment.push(ch);
        } else {
            short.push_str(segment.rsplit("::").next().unwrap_or(""));
            segment.clear();
            short.push(ch);
        }
    }
    short.push_str(segment.rsplit("::").next().unwrap_or(""));
    short
}

struct Visited {
    node: Box<dyn Node>,
    name: String,
    /// The node it was reached from, and the path inside that node.
    parent: Option<(usize, String)>,
}

/// Walks from the value at `address`, of the type named `type_name`, kept
/// alive by the caller for the whole walk.
pub(crate) fn walk_from(address: usize, type_name: &'static str) -> Outcome {
    let Some(root) = Root::of(type_name) else {
        let why = if cfg!(feature = "cycles") {
            "the walk starts from values of non-generic structs counted by `#[leak_audit]`"
        } else {
            "the field tracer is off: enable the `cycles` feature of `leak_audit` (in `[dev-dependencies]`)"
        };
        return Outcome { cycle: None, notes: vec![format!("cannot see inside `{}`: {why}", short_name(type_name))] };
    };
    walk(Box::new(Start { address, root }))
}

fn walk(start: Box<dyn Node>) -> Outcome {
    let start_address = start.address();
    let mut numbers: HashMap<&'static str, usize> = HashMap::new();
    let mut name_of = |node: &dyn Node| {
        let number = numbers.entry(node.type_name()).or_insert(0);
        *number += 1;
        format!("{}#{number}", short_name(node.type_name()))
    };
    let name = name_of(&*start);
    let mut nodes = vec![Visited { node: start, name, parent: None }];
    let mut index = HashMap::from([(start_address, 0usize)]);
    let mut walk = Walk::new();
    let mut next = 0;
    while next < nodes.len() {
        walk.current.clone_from(&nodes[next].name);
        nodes[next].node.trace_contents(&mut walk);
        let edges = core::mem::take(&mut walk.edges);
        for (path, node) in edges {
            let address = node.address();
            if address == start_address {
                let mut hops = vec![(nodes[next].name.clone(), path)];
                let mut at = next;
                while let Some((parent, path)) = &nodes[at].parent {
                    hops.push((nodes[*parent].name.clone(), path.clone()));
                    at = *parent;
                }
                hops.reverse();
                let notes = walk.notes.clone();
                return Outcome { cycle: Some(CyclePath { hops, notes: notes.clone() }), notes };
            }
            if let std::collections::hash_map::Entry::Vacant(entry) = index.entry(address) {
                entry.insert(nodes.len());
                let name = name_of(&*node);
                nodes.push(Visited { node, name, parent: Some((next, path)) });
            }
        }
        next += 1;
    }
    Outcome { cycle: None, notes: walk.notes }
}

// === impl Trace for std types ===

impl<T: ?Sized + Trace> Trace for Box<T> {
    fn __trace(&self, walk: &mut Walk) {
        (**self).__trace(walk);
    }
}

impl<T: Trace> Trace for Option<T> {
    fn __trace(&self, walk: &mut Walk) {
        if let Some(value) = self {
            value.__trace(walk);
        }
    }
}

impl<T: Trace> Trace for [T] {
    fn __trace(&self, walk: &mut Walk) {
        for (index, value) in self.iter().enumerate() {
            walk.visit(Step::Index(index), value);
        }
    }
}

impl<T: Trace, const N: usize> Trace for [T; N] {
    fn __trace(&self, walk: &mut Walk) {
        self.as_slice().__trace(walk);
    }
}

impl<T: Trace> Trace for Vec<T> {
    fn __trace(&self, walk: &mut Walk) {
        self.as_slice().__trace(walk);
    }
}

impl<T: Trace> Trace for VecDeque<T> {
    fn __trace(&self, walk: &mut Walk) {
        for (index, value) in self.iter().enumerate() {
            walk.visit(Step::Index(index), value);
        }
    }
}

impl<K: fmt::Debug, V: Trace, S> Trace for HashMap<K, V, S> {
    fn __trace(&self, walk: &mut Walk) {
        for (key, value) in self {
            walk.visit(Step::Key(format!("{key:?}")), value);
        }
    }
}

impl<K: fmt::Debug, V: Trace> Trace for BTreeMap<K, V> {
    fn __trace(&self, walk: &mut Walk) {
        for (key, value) in self {
            walk.visit(Step::Key(format!("{key:?}")), value);
        }
    }
}

impl<T: ?Sized + Trace> Trace for RefCell<T> {
    fn __trace(&self, walk: &mut Walk) {
        match self.try_borrow() {
            Ok(value) => value.__trace(walk),
            Err(_) => walk.skipped("RefCell already mutably borrowed"),
        }
    }
}

impl<T: ?Sized + Trace> Trace for Mutex<T> {
    fn __trace(&self, walk: &mut Walk) {
        match self.try_lock() {
            Ok(value) => value.__trace(walk),
            Err(TryLockError::Poisoned(poisoned)) => poisoned.get_ref().__trace(walk),
            Err(TryLockError::WouldBlock) => walk.skipped("Mutex locked"),
        }
    }
}

impl<T: ?Sized + Trace> Trace for RwLock<T> {
    fn __trace(&self, walk: &mut Walk) {
        match self.try_read() {
            Ok(value) => value.__trace(walk),
            Err(TryLockError::Poisoned(poisoned)) => poisoned.get_ref().__trace(walk),
            Err(TryLockError::WouldBlock) => walk.skipped("RwLock locked for writing"),
        }
    }
}

macro_rules! trace_tuples {
    ($(($($name:ident $index:tt),+))+) => {$(
        impl<$($name: Trace),+> Trace for ($($name,)+) {
            fn __trace(&self, walk: &mut Walk) {
                $(walk.visit(Step::Field(stringify!($index)), &self.$index);)+
            }
        }
    )+};
}

trace_tuples! {
    (A 0)
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, D 3)
    (A 0, B 1, C 2, D 3, E 4)
    (A 0, B 1, C 2, D 3, E 4, F 5)
}

/// Types that own no strong pointer: the walk has nothing to follow in them,
/// and they are not opaque either.
macro_rules! trace_leaves {
    ($($ty:ty),* $(,)?) => {$(
        impl Trace for $ty {
            #[inline]
            fn __trace(&self, _: &mut Walk) {}
        }
    )*};
}

trace_leaves!(
    (),
    bool,
    char,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    f32,
    f64,
    str,
    String,
    std::ffi::OsString,
    std::path::PathBuf,
    std::time::Duration,
    std::time::Instant,
    std::time::SystemTime,
    core::sync::atomic::AtomicBool,
    core::sync::atomic::AtomicUsize,
    core::sync::atomic::AtomicU64,
    core::sync::atomic::AtomicU32,
    core::sync::atomic::AtomicI64,
    core::sync::atomic::AtomicI32,
);

// `Weak` is not followed: it does not keep its value alive. A reference does
// not own what it points to. Neither is opaque.
impl<T: ?Sized> Trace for std::rc::Weak<T> {
    #[inline]
    fn __trace(&self, _: &mut Walk) {}
}

impl<T: ?Sized> Trace for std::sync::Weak<T> {
    #[inline]
    fn __trace(&self, _: &mut Walk) {}
}

impl<T: ?Sized> Trace for &T {
    #[inline]
    fn __trace(&self, _: &mut Walk) {}
}

impl<T: ?Sized> Trace for core::marker::PhantomData<T> {
    #[inline]
    fn __trace(&self, _: &mut Walk) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_names_drop_module_paths() {
        assert_eq!(short_name("demo::ui::Dialog"), "Dialog");
        assert_eq!(short_name("demo::Node<alloc::string::String>"), "Node<String>");
        assert_eq!(short_name("(u8, alloc::boxed::Box<dyn core::ops::Fn()>)"), "(u8, Box<dyn Fn()>)");
    }

    struct Pair {
        left: RefCell<Option<Rc<Pair>>>,
        right: RefCell<Vec<Rc<Pair>>>,
    }

    impl Trace for Pair {
        fn __trace(&self, walk: &mut Walk) {
            walk.__field("left", &self.left);
            walk.__field("right", &self.right);
        }
    }

    fn pair() -> Rc<Pair> {
        Rc::new(Pair { left: RefCell::new(None), right: RefCell::new(Vec::new()) })
    }

    #[test]
    fn walk_finds_the_shortest_cycle_and_numbers_instances() {
        let a = pair();
        let b = pair();
        let c = pair();
        // a -> b -> c -> a (length 3) and a -> c -> a (length 2).
        *a.left.borrow_mut() = Some(b.clone());
        *b.left.borrow_mut() = Some(c.clone());
        *c.left.borrow_mut() = Some(a.clone());
        a.right.borrow_mut().push(c.clone());
        let outcome = walk(Box::new(a.clone()));
        let cycle = outcome.cycle.unwrap();
        assert_eq!(cycle.to_string(), "Pair#1.right[0] -> Pair#3.left -> Pair#1");
        assert_eq!(cycle.len(), 2);
        c.left.borrow_mut().take();
    }

    #[test]
    fn walk_skips_a_borrowed_cell_and_says_so() {
        let a = pair();
        *a.left.borrow_mut() = Some(a.clone());
        let held = a.left.borrow_mut();
        let outcome = walk(Box::new(a.clone()));
        assert!(outcome.cycle.is_none());
        assert_eq!(outcome.notes, ["skipped `Pair#1.left`: RefCell already mutably borrowed"]);
        drop(held);
        let outcome = walk(Box::new(a.clone()));
        assert_eq!(outcome.cycle.unwrap().to_string(), "Pair#1.left -> Pair#1");
        a.left.borrow_mut().take();
    }

    #[test]
    fn walk_does_not_follow_weak_and_ends_without_a_cycle() {
        struct Back {
            up: std::rc::Weak<Back>,
        }
        impl Trace for Back {
            fn __trace(&self, walk: &mut Walk) {
                walk.__field("up", &self.up);
            }
        }
        let node = Rc::new_cyclic(|me| Back { up: me.clone() });
        let outcome = walk(Box::new(node));
        assert!(outcome.cycle.is_none() && outcome.notes.is_empty());
    }

    #[test]
    fn opaque_fields_are_noted() {
        struct Holder {
            callback: Box<dyn Fn()>,
        }
        impl Trace for Holder {
            fn __trace(&self, walk: &mut Walk) {
                #[allow(unused_imports)]
                use super::{Opaque as _, Traced as _};
                (&Field(&self.callback)).__visit(walk, "callback");
            }
        }
        let holder = Rc::new(Holder { callback: Box::new(|| ()) });
        let outcome = walk(Box::new(holder));
        assert_eq!(outcome.notes, ["cannot see inside `Holder#1.callback` (`Box<dyn Fn()>`)"]);
    }
}
