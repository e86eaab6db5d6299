//! Pass 3: the uses of statics and fields in fn bodies.
//!
//! Walks every fn body of the scope once and records each place a static or
//! a field is grown, shrunk, looked up or handed elsewhere, as a typed
//! [`Op`]. Growth in code that runs once per process, behind a `len()` check,
//! under a key from a closed set or once per item of the program is marked
//! bounded, and a lookup whose element the fn reads paired with a fill of a
//! computed value under the same key is marked as the two halves of a memo.
//! After every body is walked, what the walks learnt about calls (the
//! arguments each fn is called with, the fields given a reference to a
//! static) is applied to the uses. [`lives_for_one_call`] says, from the
//! same bodies, whether the values of a type live within one call.

use std::collections::{HashMap, HashSet};

use proc_macro2::{Span, TokenStream};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Token};

use super::classify;
use super::names::Resolved;
use super::repeat::finite_source;
use super::Scope;
use crate::symbol::{self, is};
use crate::types;

/// What a use is rooted at: a static, or a field of some type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Root {
    Static(usize),
    Field { owner: Option<usize>, name: String },
}

/// What a use does to the collection behind its root.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    /// Adds elements (`push`, `insert`, `entry`, `+=`, `write!`, ...).
    Grow(Grow),
    /// Removes elements or replaces the collection (`remove`, `clear`,
    /// `mem::take`, `= ..`), or a value inside it.
    Shrink,
    /// Looks an element up (`get`, `contains_key`, `entry(..).or_insert*`, `map[k]`).
    Lookup(Lookup),
    /// Reaches every value mutably (`values_mut`, `iter_mut`): they may be
    /// emptied there.
    ValuesMut,
    /// Hands the collection to code the analysis does not follow.
    Escape,
    /// Names it, nothing more is known.
    Touch,
}

/// How a use grows its collection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Grow {
    /// Appends (`push`, `extend`, `+=`) rather than inserting under a key.
    pub(crate) appends: bool,
    /// Why this growth cannot go on for ever, if it cannot.
    pub(crate) bound: Option<Bound>,
    /// Grows a value inside the collection (`map.entry(k).or_default()
    /// .push(..)`), not the collection's own entries.
    pub(crate) in_value: bool,
    /// Stores a value the fn was given, or one updated from what it looked up
    /// (`map.insert(k, n + 1)`): a store or an update, not a memo filling in
    /// what it computed.
    pub(crate) stores: bool,
    /// The insert of a memo: the same fn reads a lookup of the collection
    /// under the same key.
    pub(crate) memo: bool,
    /// The key is this parameter of the fn (by position among the typed
    /// parameters): its callers decide whether it comes from a closed set.
    pub(crate) key_param: Option<usize>,
}

/// Why a growth is bounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Bound {
    /// It runs once per process (`main` before its loop, `get_or_init`, ...).
    RunOnce,
    /// Its key is written out in the code: a literal, a constant, a variant.
    ClosedKey,
    /// The fn checks the collection's `len()` before it grows it.
    LenChecked,
    /// It adds a `&'static` item the fn was given (a callsite, a plugin, an
    /// embedded font): once per item compiled into the program, as
    /// registration code does.
    PerItem,
}

/// How a use looks an element up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Lookup {
    /// The element flows to the fn's return value.
    pub(crate) returned: bool,
    /// The element is read as a value (returned, transformed, bound to a
    /// local), not only tested for presence (`contains_key`, `is_none()`) or
    /// changed in place (`*map.entry(k).or_insert(0) += 1`, `.push(..)`).
    pub(crate) read: bool,
    /// The lookup of a memo: the same fn fills the collection on a miss.
    pub(crate) memo: bool,
    /// It reaches the element mutably (`get_mut`).
    pub(crate) mutable: bool,
}

/// One place in a fn body where a static or field is used.
#[derive(Clone, Debug)]
pub(crate) struct Use {
    pub(crate) root: Root,
    pub(crate) op: Op,
    /// What the code wrote (`insert`, `+=`, `entry(..).or_insert`), for messages.
    pub(crate) verb: String,
    /// The key of a lookup or insert, as written with references and
    /// conversions taken off (`k` for `&k`, `k.to_owned()`, `k.clone()`).
    pub(crate) key: Option<String>,
    pub(crate) fn_id: usize,
    pub(crate) span: Span,
}

impl Use {
    /// The growth, if this use grows its collection.
    pub(crate) fn grow(&self) -> Option<&Grow> {
        match &self.op {
            Op::Grow(grow) => Some(grow),
            _ => None,
        }
    }

    /// Removes from, replaces or hands away its collection: after such a use
    /// the analysis cannot say the collection only grows.
    pub(crate) fn may_shrink(&self) -> bool {
        matches!(self.op, Op::Shrink | Op::Escape)
    }

    /// Whether this use may keep its collection bounded while the program
    /// runs: it may shrink it ([`Use::may_shrink`]), and it is not an
    /// emptying of the whole collection in a fn named for shutting down
    /// (`fn shutdown_all() { SENDERS.lock().unwrap().drain(..) }`), which
    /// runs when the program ends, after all the growth.
    ///
    /// Nor is an emptying of a field in a method that changes what the memo
    /// was computed from (`fn db_mut(&mut self) -> &mut Database {
    /// self.matches.clear(); &mut self.db }`, or a setter `self.locale =
    /// locale`): that is invalidation when the inputs change, which does not
    /// bound what the field holds between changes.
    pub(crate) fn bounds(&self, scope: &Scope<'_>) -> bool {
        if !self.may_shrink() {
            return false;
        }
        if !matches!(self.op, Op::Shrink) || !is(symbol::EMPTY_ALL, &self.verb) {
            return true;
        }
        let def = &scope.fns[self.fn_id];
        let invalidates = match &self.root {
            Root::Field { name, .. } => changes_other_state(def, name),
            Root::Static(_) => false,
        };
        !runs_at_shutdown(def) && !invalidates
    }
}

/// Whether a fn's name says it runs when the program shuts down
/// (`shutdown_all`, `teardown`).
fn runs_at_shutdown(def: &super::items::FnDef<'_>) -> bool {
    def.name.to_string().to_ascii_lowercase().split('_').any(|word| is(symbol::SHUTDOWN_WORDS, word))
}

/// A note for a finding whose collection some use empties without bounding
/// it (at shutdown, or when the memo's inputs change).
pub(crate) fn late_emptying_note(scope: &Scope<'_>, uses: &[&Use]) -> Option<String> {
    let late = uses.iter().find(|u| u.may_shrink() && !u.bounds(scope))?;
    let def = &scope.fns[late.fn_id];
    let when = if runs_at_shutdown(def) {
        "only when the program shuts down, after all the growth"
    } else {
        "only when what it is computed from changes: that invalidates it but does not bound it between changes"
    };
    Some(format!("`{}` in `{}` empties it {when}", late.verb, def.name))
}

/// `Arc::clone`, `Rc::clone` (with any path before them).
fn is_pointer_clone(func: &Expr) -> bool {
    let Expr::Path(path) = func else { return false };
    let names: Vec<String> = path.path.segments.iter().map(|segment| segment.ident.to_string()).collect();
    matches!(names.as_slice(), [.., pointer, clone] if clone == "clone" && matches!(pointer.as_str(), "Arc" | "Rc"))
}

/// Whether a match arm gives back what its pattern binds, as it is or out of
/// a poisoned lock (`Ok(guard) => guard`, `Err(poisoned) =>
/// poisoned.into_inner()`), or does not give anything back (`panic!`).
fn passes_binding_on(arm: &syn::Arm) -> bool {
    let bound = match &arm.pat {
        syn::Pat::TupleStruct(pattern) if pattern.elems.len() == 1 => bound_ident(&pattern.elems[0]),
        _ => None,
    };
    let is_bound = |expr: &Expr| bound.is_some() && plain_ident(expr) == bound;
    let gives = |expr: &Expr| match expr {
        Expr::MethodCall(call) if call.method == "into_inner" && call.args.is_empty() => is_bound(&call.receiver),
        other => is_bound(other),
    };
    let body = match &*arm.body {
        Expr::Block(block) if block.block.stmts.len() == 1 => match &block.block.stmts[0] {
            syn::Stmt::Expr(expr, None) => expr,
            _ => &arm.body,
        },
        other => other,
    };
    gives(body)
        || matches!(body, Expr::Macro(mac) if mac.mac.path.segments.last().is_some_and(|last| is(symbol::DIVERGING_MACROS, &last.ident.to_string())))
        || matches!(body, Expr::Return(_))
}

/// Whether a method hands out another field of `self` mutably (its value is
/// `&mut self.other`) or sets one from its parameters (`self.other = value`).
fn changes_other_state(def: &super::items::FnDef<'_>, field: &str) -> bool {
    let other_field = |expr: &Expr| {
        matches!(expr, Expr::Field(access) if UseVisitor::is_self(&access.base)
            && !matches!(&access.member, syn::Member::Named(name) if name == field))
    };
    let params: HashSet<String> = def
        .sig
        .inputs
        .iter()
        .filter_map(|input| match input {
            syn::FnArg::Typed(typed) => match &*typed.pat {
                syn::Pat::Ident(ident) => Some(ident.ident.to_string()),
                _ => None,
            },
            syn::FnArg::Receiver(_) => None,
        })
        .collect();
    def.body.stmts.iter().enumerate().any(|(index, stmt)| match stmt {
        syn::Stmt::Expr(Expr::Reference(reference), None) if index + 1 == def.body.stmts.len() => {
            reference.mutability.is_some() && other_field(&reference.expr)
        }
        syn::Stmt::Expr(Expr::Assign(assign), _) => {
            other_field(&assign.left) && plain_ident(&assign.right).is_some_and(|name| params.contains(&name))
        }
        _ => false,
    })
}

/// The uses of statics and fields in every fn body of `scope`.
pub(crate) fn collect(scope: &Scope<'_>) -> Vec<Use> {
    // Fns without parameters whose body ends in a static (`fn cache() ->
    // &'static Mutex<..> { CACHE.get_or_init(..) }`) stand for that static.
    let mut accessors = HashMap::new();
    let no_accessors = HashMap::new();
    for (id, def) in scope.fns.iter().enumerate() {
        if !def.sig.inputs.is_empty() {
            continue;
        }
        if let Some(syn::Stmt::Expr(tail, None)) = def.body.stmts.last() {
            let walker = UseVisitor::new(scope, id, &no_accessors);
            if let Some(Root::Static(static_id)) = walker.root_of(tail) {
                accessors.insert(def.name.to_string(), static_id);
            }
        }
    }
    // Private fns with parameters, and fns with `&'static` parameters: their
    // callers may decide that a key is from a closed set (see `Calls`).
    let callees: HashSet<String> = scope
        .fns
        .iter()
        .filter(|def| {
            def.sig.inputs.iter().any(|input| match input {
                syn::FnArg::Typed(typed) => !def.is_pub || is_static_ref(&typed.ty),
                syn::FnArg::Receiver(_) => false,
            })
        })
        .map(|def| def.name.to_string())
        .collect();
    let mut uses = Vec::new();
    let mut calls = Calls::default();
    for id in 0..scope.fns.len() {
        let mut walker = UseVisitor::new(scope, id, &accessors);
        walker.callees = Some(&callees);
        walker.visit_body(scope.fns[id].body);
        walker.finish(&mut uses, &mut calls);
    }
    calls.apply(scope, &mut uses);
    uses
}

/// What the walks of all fn bodies learn about calls, applied to the uses
/// once every body is walked.
#[derive(Default)]
struct Calls {
    /// For each fn or method name, whether each argument of each call to it
    /// is from a closed set (a literal, a constant, ...).
    closed_args: HashMap<String, Vec<Vec<bool>>>,
    /// Fields of a type that are given a reference to a static
    /// (`Writer { buf: &LOG }`): their uses are uses of the static.
    static_fields: HashMap<(usize, String), usize>,
}

impl Calls {
    fn apply(self, scope: &Scope<'_>, uses: &mut [Use]) {
        for found in uses.iter_mut() {
            if let Root::Field { owner: Some(owner), name } = &found.root {
                if let Some(&id) = self.static_fields.get(&(*owner, name.clone())) {
                    found.root = Root::Static(id);
                }
            }
            // A key that is a parameter of a private fn whose callers in
            // scope all pass a literal or a constant is from a closed set.
            let Op::Grow(grow) = &mut found.op else { continue };
            let (None, Some(param)) = (grow.bound, grow.key_param) else { continue };
            // A `pub` fn may have callers outside the scope, unless what they
            // pass is `&'static` (a literal, or an item of the program).
            let def = &scope.fns[found.fn_id];
            let static_param = def
                .sig
                .inputs
                .iter()
                .filter(|input| matches!(input, syn::FnArg::Typed(_)))
                .nth(param)
                .is_some_and(|input| matches!(input, syn::FnArg::Typed(typed) if is_static_ref(&typed.ty)));
            if def.is_pub && !static_param {
                continue;
            }
            let closed = self.closed_args.get(&def.name.to_string()).is_some_and(|calls| {
                !calls.is_empty() && calls.iter().all(|args| args.get(param).copied().unwrap_or(false))
            });
            if closed {
                grow.bound = Some(Bound::ClosedKey);
            }
        }
    }
}

struct UseVisitor<'s, 'a> {
    scope: &'s Scope<'a>,
    fn_id: usize,
    accessors: &'s HashMap<String, usize>,
    aliases: HashMap<String, Root>,
    uses: Vec<Use>,
    len_checked: HashSet<Root>,
    in_condition: usize,
    /// The expressions whose value the fn returns (see [`ReturnedExprs`]).
    returned: HashSet<*const Expr>,
    /// Whether the expression being visited is one of them.
    returning: bool,
    /// Where values are tested or changed in place rather than read (see
    /// [`Positions`]).
    positions: Positions,
    /// Locals bound to an element looked up in a collection (`if let Some(v) =
    /// cache.get(k)`): returning them returns the lookup.
    looked_up: HashMap<String, Root>,
    /// Locals bound to a key-like expression (`let key = (a, b);`), by the
    /// text of that expression: a lookup by `&key` and an insert under
    /// `(a, b)` use one key.
    key_locals: HashMap<String, String>,
    /// Locals holding an id counted from a collection of the scope or a
    /// counter (`let id = self.items.len();`).
    id_locals: HashSet<String>,
    /// Locals whose value is from a closed set (a loop variable over an
    /// array of literals, a `match` whose arms are literals).
    closed_locals: HashSet<String>,
    /// Loop variables over a collection the fn was given (`for (k, v) in
    /// &other.map`): inserting them stores what the fn was given.
    given_locals: HashSet<String>,
    /// Locals bound before the fn's first lookup (`let (name, flag) = ..;`
    /// then `match map.get(&k) { None => map.insert(k, flag), .. }`): a
    /// value fixed before the lookup is not computed on a miss.
    before_lookup: HashSet<String>,
    /// The fn has looked a key up in a collection of the scope so far (a
    /// lookup, or a `match` on an entry): what it binds next may be
    /// computed on a miss.
    has_looked: bool,
    /// Keys (by text) handed to a call after the fn's first lookup
    /// (`Statement::new(self, query)`, `send(Parse { query })`): an id stored
    /// under such a key records that work's result, as a memo does.
    worked_keys: HashSet<String>,
    /// Locals whose value was computed from a lookup (`let n =
    /// map.get(&k).copied().unwrap_or(0) + 1;`): inserting them updates
    /// what was looked up, as a counter does.
    from_lookup: HashSet<String>,
    /// `let`s whose local the rest of their block never changes in place,
    /// though a local of the same name elsewhere in the fn is changed.
    unchanged_lets: HashSet<*const syn::Local>,
    /// Locals bound to an entry of a collection (`Entry::Vacant(v)` in
    /// `match map.entry(k)`), with the entry's key.
    entries: HashMap<String, (Root, Option<String>, bool)>,
    /// `entry(..)` calls whose continuation stores a given or constant value
    /// (`entry(k).or_insert(0)`) or hands the filling to a `match`, by node.
    entry_stores: HashMap<*const (), bool>,
    /// Calls and static references seen, for [`Calls`].
    calls: Calls,
    /// The fns whose calls [`Calls`] records.
    callees: Option<&'s HashSet<String>>,
    /// Inside code that runs once per process (a bin's `main`, a closure
    /// given to `Once::call_once`, `OnceLock::get_or_init` or `LazyLock::new`):
    /// growth there is bounded.
    run_once: usize,
    /// The fn is a bin's `main` (see `run_once`).
    in_main: bool,
    /// The fn's return type holds a `&mut`.
    returns_mut: bool,
}

impl<'s, 'a> UseVisitor<'s, 'a> {
    fn new(scope: &'s Scope<'a>, fn_id: usize, accessors: &'s HashMap<String, usize>) -> Self {
        UseVisitor {
            scope,
            fn_id,
            accessors,
            aliases: HashMap::new(),
            uses: Vec::new(),
            len_checked: HashSet::new(),
            in_condition: 0,
            returned: HashSet::new(),
            returning: false,
            positions: Positions::default(),
            looked_up: HashMap::new(),
            key_locals: HashMap::new(),
            id_locals: HashSet::new(),
            closed_locals: HashSet::new(),
            given_locals: HashSet::new(),
            before_lookup: HashSet::new(),
            has_looked: false,
            worked_keys: HashSet::new(),
            from_lookup: HashSet::new(),
            unchanged_lets: HashSet::new(),
            entries: HashMap::new(),
            entry_stores: HashMap::new(),
            calls: Calls::default(),
            callees: None,
            run_once: 0,
            in_main: false,
            returns_mut: false,
        }
    }

    /// Visits a fn body, knowing which of its expressions it returns.
    fn visit_body(&mut self, body: &syn::Block) {
        let mut positions = Positions::default();
        positions.returned.mark_block(body);
        positions.visit_block(body);
        self.returned = std::mem::take(&mut positions.returned.exprs);
        self.positions = positions;
        let def = &self.scope.fns[self.fn_id];
        let is_main =
            def.name == "main" && def.sig.inputs.is_empty() && def.self_ty.is_none() && def.parent_fn.is_none();
        // `#[ctor]` fns run once, before `main`.
        let is_ctor = def.attrs.iter().any(|attr| attr.path().segments.last().is_some_and(|last| last.ident == "ctor"));
        self.run_once = usize::from(is_main || is_ctor);
        self.in_main = is_main;
        self.returns_mut = match &def.sig.output {
            syn::ReturnType::Type(_, ty) => has_mut_ref(quote::ToTokens::to_token_stream(ty)),
            syn::ReturnType::Default => false,
        };
        self.visit_block(body);
    }

    /// The collection an element expression was looked up in:
    /// `cache.get(k)`, `map[&k]`, `map.entry(k).or_insert(v)`, through
    /// `clone()`, `copied()`, `*` and the like.
    fn lookup_root(&self, expr: &Expr) -> Option<Root> {
        match expr {
            Expr::Paren(inner) => self.lookup_root(&inner.expr),
            Expr::Reference(inner) => self.lookup_root(&inner.expr),
            Expr::Unary(unary) => self.lookup_root(&unary.expr),
            Expr::Try(inner) => self.lookup_root(&inner.expr),
            Expr::Index(index) => self.root_of(&index.expr),
            Expr::Path(path) => path.path.get_ident().and_then(|ident| self.looked_up.get(&ident.to_string()).cloned()),
            Expr::MethodCall(call) => {
                let method = call.method.to_string();
                if is(symbol::LOOKUP_METHODS, &method) && !call.args.is_empty() {
                    self.root_of(&call.receiver)
                } else if is(symbol::ENTRY_INSERTS, &method) {
                    match &*call.receiver {
                        Expr::MethodCall(entry) if entry.method == "entry" => self.entry_root(entry),
                        _ => None,
                    }
                } else if is(symbol::PASS_THROUGH_METHODS, &method) {
                    self.lookup_root(&call.receiver)
                } else if is(symbol::WITH_METHODS, &method) {
                    // `CACHE.with(|c| c.borrow().get(k).cloned())`: the
                    // closure's value is the call's (its parameter is an alias
                    // of the receiver by the time a binding is made).
                    // `.and_then(Weak::upgrade)`: a fn path passes the value on.
                    match call.args.iter().find(|arg| matches!(arg, Expr::Closure(_))) {
                        Some(Expr::Closure(closure)) => self.lookup_root(&closure.body),
                        _ => self.lookup_root(&call.receiver),
                    }
                } else {
                    None
                }
            }
            Expr::Block(block) => match block.block.stmts.last() {
                Some(syn::Stmt::Expr(tail, None)) => self.lookup_root(tail),
                _ => None,
            },
            _ => None,
        }
    }

    fn push(&mut self, root: Root, op: Op, verb: impl Into<String>, span: Span) {
        self.push_keyed(root, op, verb, span, None);
    }

    fn push_keyed(&mut self, root: Root, op: Op, verb: impl Into<String>, span: Span, key: Option<String>) {
        self.has_looked |= matches!(op, Op::Lookup(_));
        self.uses.push(Use { root, op, verb: verb.into(), key, fn_id: self.fn_id, span });
    }

    /// Records a growth through `verb` under `key` (for keyed inserts) adding
    /// `value`, bounded when it runs once per process, its key is from a
    /// closed set or it adds a `&'static` item the fn was given.
    #[allow(clippy::too_many_arguments)]
    fn push_grow(
        &mut self,
        root: Root,
        verb: &str,
        span: Span,
        key: Option<(&Expr, String)>,
        value: Option<&Expr>,
        stores: bool,
        in_value: bool,
    ) {
        let (key, key_text) = key.unzip();
        let bound = if self.run_once > 0 {
            Some(Bound::RunOnce)
        } else if key.is_some_and(|key| self.is_closed_key(key)) {
            Some(Bound::ClosedKey)
        } else if value.is_some_and(|value| self.is_static_item(value)) {
            Some(Bound::PerItem)
        } else {
            None
        };
        let key_param = key.and_then(|key| self.param_index(key));
        let grow = Grow { appends: is(symbol::APPEND_METHODS, verb), bound, in_value, stores, memo: false, key_param };
        self.push_keyed(root, Op::Grow(grow), verb, span, key_text);
    }

    /// Records a lookup through `verb` under `key` at `node`: read unless it
    /// only tests presence or changes the element in place.
    fn push_lookup(&mut self, root: Root, verb: &str, span: Span, key: Option<String>, node: *const ()) {
        let mutable = verb == "get_mut";
        let read = !mutable && !matches!(verb, "contains_key" | "contains") && !self.positions.not_read.contains(&node);
        let op = Op::Lookup(Lookup { returned: self.returning, read, memo: false, mutable });
        self.push_keyed(root, op, verb, span, key);
    }

    /// Marks growth behind a `len()` check as bounded, and a read lookup
    /// paired with a fill under the same key as the two halves of a memo.
    fn finish(self, out: &mut Vec<Use>, calls: &mut Calls) {
        let mut uses = self.uses;
        let reads: Vec<(Root, Option<String>)> = uses
            .iter()
            .filter(|u| matches!(u.op, Op::Lookup(lookup) if lookup.read))
            .map(|u| (u.root.clone(), u.key.clone()))
            .collect();
        let fills: Vec<(Root, Option<String>)> = uses
            .iter()
            .filter(|u| u.grow().is_some_and(|grow| !grow.stores && !grow.appends && !grow.in_value))
            .map(|u| (u.root.clone(), u.key.clone()))
            .collect();
        let pairs = |root: &Root, key: &Option<String>, other: &[(Root, Option<String>)]| {
            other.iter().any(|(other_root, other_key)| other_root == root && same_key(key, other_key))
        };
        for current in &mut uses {
            match &mut current.op {
                Op::Grow(grow) => {
                    if grow.bound.is_none() && self.len_checked.contains(&current.root) {
                        grow.bound = Some(Bound::LenChecked);
                    }
                    grow.memo =
                        !grow.stores && !grow.appends && !grow.in_value && pairs(&current.root, &current.key, &reads);
                }
                Op::Lookup(lookup) => lookup.memo = lookup.read && pairs(&current.root, &current.key, &fills),
                _ => {}
            }
        }
        out.extend(uses);
        for (name, args) in self.calls.closed_args {
            calls.closed_args.entry(name).or_default().extend(args);
        }
        calls.static_fields.extend(self.calls.static_fields);
    }

    fn is_self(expr: &Expr) -> bool {
        matches!(expr, Expr::Path(path) if path.path.is_ident("self"))
    }

    /// The static or field a collection expression is rooted at, looking through
    /// locks, borrows, unwraps, derefs and lazy wrappers.
    fn root_of(&self, expr: &Expr) -> Option<Root> {
        match expr {
            Expr::Paren(inner) => self.root_of(&inner.expr),
            Expr::Group(inner) => self.root_of(&inner.expr),
            Expr::Reference(inner) => self.root_of(&inner.expr),
            Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Deref(_)) => self.root_of(&unary.expr),
            Expr::Try(inner) => self.root_of(&inner.expr),
            Expr::Await(inner) => self.root_of(&inner.base),
            Expr::Index(index) => self.root_of(&index.expr),
            Expr::RawAddr(raw) => self.root_of(&raw.expr),
            // `Arc::clone(&REGISTRY)`: another handle to the same value.
            Expr::Call(call) if call.args.len() == 1 && is_pointer_clone(&call.func) => self.root_of(&call.args[0]),
            // `match REGISTRY.lock() { Ok(guard) => guard, Err(poisoned) =>
            // poisoned.into_inner() }`: the guard, however the lock went.
            Expr::Match(expr) if expr.arms.iter().all(passes_binding_on) => self.root_of(&expr.expr),
            // `addr_of_mut!(STATIC)`, the way to reach a `static mut` without a reference.
            Expr::Macro(mac) => {
                let name = mac.mac.path.segments.last()?.ident.to_string();
                if !matches!(name.as_str(), "addr_of_mut" | "addr_of") {
                    return None;
                }
                self.root_of(&mac.mac.parse_body::<Expr>().ok()?)
            }
            Expr::MethodCall(call) if is_access(call) => self.root_of(&call.receiver),
            Expr::Field(field) => {
                let name = types::member_name(&field.member);
                let owner = if Self::is_self(&field.base) {
                    self.scope.self_type(self.fn_id)
                } else if let Some(Root::Static(id)) = self.root_of(&field.base) {
                    // `LOGGER.get().unwrap().lines`: a field of the struct the
                    // static holds.
                    classify::held_struct(self.scope, id).map(|(type_id, _)| type_id)
                } else {
                    None
                };
                Some(Root::Field { owner, name })
            }
            Expr::Path(path) if path.qself.is_none() => {
                let last = &path.path.segments.last()?.ident;
                if path.path.segments.len() == 1 {
                    if let Some(root) = self.aliases.get(&last.to_string()) {
                        return Some(root.clone());
                    }
                }
                self.scope.resolve_static(last, Some(self.fn_id)).map(Root::Static)
            }
            Expr::Call(call) if call.args.is_empty() => {
                let Expr::Path(path) = &*call.func else { return None };
                let name = path.path.segments.last()?.ident.to_string();
                self.accessors.get(&name).copied().map(Root::Static)
            }
            _ => None,
        }
    }

    /// Whether an inserted value is not one a memo computes: a value the fn
    /// was given (a parameter, maybe converted: `v`, `v.into()`, `item` under
    /// `item.name`), one updated from what it looked up (`n + 1` after `let n
    /// = map.get(k)..`), a constant (`0`, `None`, `MAX`) or an id counted from
    /// a collection of the scope (`self.items.len()`, a `+= 1` counter).
    fn is_stored_value(&self, key_text: Option<&str>, value: &Expr) -> bool {
        /// Whether an expression names a local bound to a looked-up value.
        struct MentionsLookup<'m>(&'m HashMap<String, Root>, bool);
        impl<'ast> Visit<'ast> for MentionsLookup<'_> {
            fn visit_expr_path(&mut self, path: &'ast syn::ExprPath) {
                if path.path.get_ident().is_some_and(|ident| self.0.contains_key(&ident.to_string())) {
                    self.1 = true;
                }
                visit::visit_expr_path(self, path);
            }
        }
        if is_constant(value) {
            return true;
        }
        if self.is_id(value) {
            // An id counted by the owner is stored, unless the fn did work
            // with the key first: then it names that work's result.
            return !key_text.is_some_and(|key| self.worked_keys.contains(key));
        }
        // A value made from the key (`id.to_string()` for key `id`) is computed.
        let mut plain = value;
        while let Expr::MethodCall(call) = plain {
            if !(call.args.is_empty() && is(symbol::VALUE_CONVERSIONS, &call.method.to_string())) {
                break;
            }
            plain = &call.receiver;
        }
        if let Some(param) = plain_ident(plain) {
            let given = self.given_locals.contains(&param)
                || self.before_lookup.contains(&param)
                || self.param_index(plain).is_some();
            if given && key_text != Some(param.as_str()) {
                return true;
            }
            if self.from_lookup.contains(&param) {
                return true;
            }
        }
        // `(None, desc)`, `[a, b]`, `Some(flag)`: made only of such values.
        let parts: Option<Vec<&Expr>> = match plain {
            Expr::Tuple(tuple) if !tuple.elems.is_empty() => Some(tuple.elems.iter().collect()),
            Expr::Array(array) if !array.elems.is_empty() => Some(array.elems.iter().collect()),
            Expr::Struct(literal) if literal.rest.is_none() => Some(literal.fields.iter().map(|f| &f.expr).collect()),
            Expr::Call(call) if !call.args.is_empty() && is_variant_path(&call.func) => {
                Some(call.args.iter().collect())
            }
            _ => None,
        };
        if parts.is_some_and(|parts| parts.into_iter().all(|part| self.is_stored_value(key_text, part))) {
            return true;
        }
        let mut mentions = MentionsLookup(&self.looked_up, false);
        mentions.visit_expr(value);
        mentions.1
    }

    /// Whether `value` is an id: it counts from the `len()` of a collection
    /// of the scope, is a handle that a collection of the scope gave back
    /// when it grew, comes from a counter the fn increments, or from a local
    /// that holds one.
    fn is_id(&self, value: &Expr) -> bool {
        struct Ids<'v, 's, 'a>(&'v UseVisitor<'s, 'a>, bool);
        impl<'ast> Visit<'ast> for Ids<'_, '_, '_> {
            fn visit_expr(&mut self, expr: &'ast Expr) {
                let visitor = self.0;
                let found = match expr {
                    // `self.items.len()`, a handle from the owner's own arena
                    // (`self.types.insert(ty)`, `self.nodes.alloc(n)`), an
                    // atomic counter.
                    Expr::MethodCall(call) => {
                        let method = call.method.to_string();
                        let counts = method == "len" || method == "alloc" || is(symbol::GROW_METHODS, &method);
                        (counts && visitor.root_of(&call.receiver).is_some()) || method == "fetch_add"
                    }
                    Expr::Path(_) if !visitor.id_locals.is_empty() => {
                        plain_ident(expr).is_some_and(|name| visitor.id_locals.contains(&name))
                    }
                    Expr::Field(_) if !visitor.positions.counters.is_empty() => {
                        visitor.positions.counters.contains(&tokens(expr))
                    }
                    _ => false,
                };
                self.1 |= found;
                if !self.1 {
                    visit::visit_expr(self, expr);
                }
            }
            fn visit_item(&mut self, _item: &'ast syn::Item) {}
        }
        let mut ids = Ids(self, false);
        ids.visit_expr(value);
        ids.1
    }

    /// The text of a key with references, derefs and conversions taken off,
    /// through a local bound to it.
    fn key_text(&self, key: &Expr) -> String {
        let key = strip_key(key);
        if let Some(name) = plain_ident(key) {
            return self.key_locals.get(&name).cloned().unwrap_or(name);
        }
        // `self.id`, `item.name`: spelled out without printing tokens.
        if let Expr::Field(field) = key {
            if let (Some(base), syn::Member::Named(member)) = (plain_ident(&field.base), &field.member) {
                return format!("{base} . {member}");
            }
        }
        tokens(key)
    }

    /// The position of `expr`'s parameter among the fn's typed parameters,
    /// when `expr` is one (through references and conversions).
    fn param_index(&self, expr: &Expr) -> Option<usize> {
        let name = plain_ident(strip_key(expr))?;
        if self.key_locals.contains_key(&name) {
            return None;
        }
        self.scope.fns[self.fn_id]
            .sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                syn::FnArg::Typed(typed) => Some(bound_ident(&typed.pat)),
                syn::FnArg::Receiver(_) => None,
            })
            .position(|param| param.as_deref() == Some(name.as_str()))
    }

    /// The declared type of the parameter `expr` names, if it names one.
    fn param_type(&self, expr: &Expr) -> Option<&'a syn::Type> {
        let name = plain_ident(strip_key(expr))?;
        self.scope.fns[self.fn_id].sig.inputs.iter().find_map(|input| match input {
            syn::FnArg::Typed(typed) if bound_ident(&typed.pat).as_deref() == Some(name.as_str()) => Some(&*typed.ty),
            _ => None,
        })
    }

    /// Whether `value` is an item compiled into the program, of which there
    /// are finitely many: a parameter of type `&'static T` for a `T` that is
    /// not text or bytes (`&'static dyn Callsite`, `&'static BitmapFont`) or
    /// of a fn pointer type, or, in a fn generic over types that takes no
    /// value at all (`fn register<P: Plugin>()`), anything it adds (one per
    /// type it is called with).
    fn is_static_item(&self, value: &Expr) -> bool {
        let sig = &self.scope.fns[self.fn_id].sig;
        if sig.inputs.is_empty() && sig.generics.type_params().next().is_some() {
            return true;
        }
        // `(name, handler)`: one entry per exported fn, named by a literal.
        if let Expr::Tuple(tuple) = value {
            let items = tuple.elems.iter().filter(|elem| self.is_static_item(elem)).count();
            return items > 0
                && tuple.elems.iter().all(|elem| {
                    self.is_static_item(elem)
                        || self.is_closed_key(elem)
                        || self.param_type(elem).is_some_and(is_static_ref)
                });
        }
        let Some(name) = plain_ident(strip_key(value)) else { return false };
        sig.inputs.iter().any(|input| {
            let syn::FnArg::Typed(typed) = input else { return false };
            if bound_ident(&typed.pat).as_deref() != Some(name.as_str()) {
                return false;
            }
            match crate::types::peel(&typed.ty) {
                syn::Type::FnPtr(_) => true,
                syn::Type::Reference(reference) => {
                    let text_like = match &*reference.elem {
                        syn::Type::Slice(_) => true,
                        syn::Type::Path(path) => path.path.segments.last().is_some_and(|last| {
                            matches!(last.ident.to_string().as_str(), "str" | "OsStr" | "Path" | "CStr" | "String")
                        }),
                        _ => false,
                    };
                    reference.lifetime.as_ref().is_some_and(|lifetime| lifetime.ident == "static") && !text_like
                }
                _ => false,
            }
        })
    }

    /// A key from a closed set: a literal, a constant or unit enum variant
    /// path, `TypeId::of::<T>()`, a call site (`Location::caller()`,
    /// `file!()`, `line!()`), a local holding one of those, `format!` of
    /// those, or a tuple, reference or conversion of those.
    fn is_closed_key(&self, key: &Expr) -> bool {
        match key {
            Expr::Lit(_) => true,
            Expr::Paren(inner) => self.is_closed_key(&inner.expr),
            Expr::Group(inner) => self.is_closed_key(&inner.expr),
            Expr::Reference(inner) => self.is_closed_key(&inner.expr),
            Expr::Unary(inner) => self.is_closed_key(&inner.expr),
            Expr::Tuple(tuple) => !tuple.elems.is_empty() && tuple.elems.iter().all(|elem| self.is_closed_key(elem)),
            Expr::Path(path) => {
                plain_ident(key).is_some_and(|name| self.closed_locals.contains(&name))
                    || path.path.segments.last().is_some_and(|last| {
                        let name = last.ident.to_string();
                        let variant =
                            path.path.segments.len() > 1 && name.starts_with(|c: char| c.is_ascii_uppercase());
                        is_constant_name(&name) || variant
                    })
            }
            Expr::Call(call) => {
                call.args.is_empty()
                    && matches!(&*call.func, Expr::Path(path) if {
                        let names: Vec<String> = path.path.segments.iter().map(|s| s.ident.to_string()).collect();
                        names.ends_with(&["TypeId".to_string(), "of".to_string()])
                            || names.ends_with(&["Location".to_string(), "caller".to_string()])
                    })
            }
            Expr::MethodCall(call) => {
                call.args.is_empty()
                    && matches!(call.method.to_string().as_str(), "to_string" | "to_owned" | "into" | "clone")
                    && self.is_closed_key(&call.receiver)
            }
            Expr::Macro(mac) => {
                let name = mac.mac.path.segments.last().map(|last| last.ident.to_string()).unwrap_or_default();
                match name.as_str() {
                    "file" | "line" | "column" | "module_path" | "stringify" | "concat" | "env" => true,
                    "format" => self.is_closed_format(&mac.mac),
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// `format!("{PREFIX}_{}", name)` where every argument and every name the
    /// string captures is from a closed set.
    fn is_closed_format(&self, mac: &syn::Macro) -> bool {
        let Ok(args) = mac.parse_body_with(Punctuated::<Expr, Token![,]>::parse_terminated) else { return false };
        let mut args = args.into_iter();
        let Some(Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(template), .. })) = args.next() else { return false };
        let captures_closed = template.value().split('{').skip(1).all(|piece| {
            let name: String = piece.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            name.is_empty()
                || name.chars().all(|c| c.is_ascii_digit())
                || is_constant_name(&name)
                || self.closed_locals.contains(&name)
        });
        captures_closed
            && args.all(|arg| match &arg {
                Expr::Assign(assign) => self.is_closed_key(&assign.right),
                other => self.is_closed_key(other),
            })
    }

    /// Binds the locals of `pat` (a plain ident, `(a, b)`, `&x`) as closed when
    /// `value` is from a closed set: a loop over an array of literals or
    /// constants, a `match` or `if` whose every arm is a literal.
    fn bind_closed(&mut self, pat: &syn::Pat, closed: bool) {
        match pat {
            syn::Pat::Ident(ident) => {
                let name = ident.ident.to_string();
                if closed {
                    self.closed_locals.insert(name);
                } else {
                    self.closed_locals.remove(&name);
                }
            }
            syn::Pat::Tuple(tuple) => {
                for elem in &tuple.elems {
                    self.bind_closed(elem, closed);
                }
            }
            syn::Pat::Reference(reference) => self.bind_closed(&reference.pat, closed),
            syn::Pat::Type(typed) => self.bind_closed(&typed.pat, closed),
            _ => {}
        }
    }

    /// Whether every value `expr` can take is from a closed set, counting the
    /// arms of a `match` or `if` and the elements of an array.
    fn is_closed_value(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Match(inner) => {
                !inner.arms.is_empty() && inner.arms.iter().all(|arm| self.is_closed_value(&arm.body))
            }
            Expr::If(inner) => {
                block_tail(&inner.then_branch).is_some_and(|tail| self.is_closed_value(tail))
                    && inner.else_branch.as_ref().is_some_and(|(_, other)| self.is_closed_value(other))
            }
            Expr::Block(inner) => block_tail(&inner.block).is_some_and(|tail| self.is_closed_value(tail)),
            Expr::Array(array) => array.elems.iter().all(|elem| self.is_closed_value(elem)),
            Expr::Reference(inner) => self.is_closed_value(&inner.expr),
            Expr::Paren(inner) => self.is_closed_value(&inner.expr),
            Expr::MethodCall(call)
                if matches!(call.method.to_string().as_str(), "iter" | "into_iter" | "copied" | "cloned") =>
            {
                self.is_closed_value(&call.receiver)
            }
            other => self.is_closed_key(other),
        }
    }

    /// The static or field whose map holds the value `expr` reaches by key:
    /// `map.entry(k).or_default()`, `map.get_mut(&k).unwrap()`.
    fn value_root(&self, expr: &Expr) -> Option<Root> {
        let Expr::MethodCall(call) = expr else { return None };
        let method = call.method.to_string();
        if is(symbol::PASS_THROUGH_METHODS, &method) || is_access(call) {
            self.value_root(&call.receiver)
        } else if is(symbol::ENTRY_INSERTS, &method) {
            match &*call.receiver {
                Expr::MethodCall(entry) if entry.method == "entry" => self.entry_root(entry),
                _ => None,
            }
        } else if method == "get_mut" && call.args.len() == 1 {
            self.root_of(&call.receiver)
        } else {
            None
        }
    }

    /// The static or field whose map holds the inner map `expr` reaches:
    /// `outer.entry(a).or_insert_with(HashMap::new)`, `.or_default()`, at any
    /// depth. A fill of that inner map (`.entry(b).or_insert_with(make)`)
    /// adds to what the outer field holds.
    fn nested_entry_root(&self, expr: &Expr) -> Option<Root> {
        let Expr::MethodCall(call) = expr else { return None };
        let empty = call.method == "or_default"
            || (call.method == "or_insert_with" && call.args.first().is_some_and(is_empty_value));
        let Expr::MethodCall(entry) = &*call.receiver else { return None };
        if !empty || entry.method != "entry" {
            return None;
        }
        self.root_of(&entry.receiver).or_else(|| self.nested_entry_root(&entry.receiver))
    }

    /// The root of the map an `entry(..)` call is made on: the collection
    /// itself, or the outer map of a nested entry chain.
    fn entry_root(&self, entry: &syn::ExprMethodCall) -> Option<Root> {
        self.root_of(&entry.receiver).or_else(|| self.nested_entry_root(&entry.receiver))
    }

    /// Binds `pat` (a plain ident, or `Some(x)`/`Ok(x)`) to what `expr` is rooted at.
    fn bind(&mut self, pat: &syn::Pat, expr: &Expr) {
        self.bind_fields(pat, expr);
        let Some(name) = bound_ident(pat) else { return };
        match self.lookup_root(expr) {
            Some(root) => {
                self.looked_up.insert(name.clone(), root);
            }
            None => {
                self.looked_up.remove(&name);
            }
        }
        match self.root_of(expr) {
            Some(root) => {
                self.aliases.insert(name, root);
            }
            None => {
                // A new binding shadows an old alias of the same name.
                self.aliases.remove(&name);
            }
        }
    }

    /// `match map.entry(k) { Occupied(e) => .., Vacant(v) => .. }` and `if let
    /// Entry::Vacant(v) = map.entry(k)`: `e` and `v` are the entry of `k`, and
    /// what the arms do to them they do to the map (the `entry` call itself
    /// fills nothing).
    fn bind_entries<'p>(&mut self, pats: impl IntoIterator<Item = &'p syn::Pat>, scrutinee: &Expr) {
        let Expr::MethodCall(entry) = strip_key(scrutinee) else { return };
        if entry.method != "entry" {
            return;
        }
        let Some(root) = self.root_of(&entry.receiver) else { return };
        self.has_looked = true;
        self.entry_stores.insert(entry as *const syn::ExprMethodCall as *const (), true);
        let key = entry.args.first().map(|key| self.key_text(key));
        let closed = entry.args.first().is_some_and(|key| self.is_closed_key(key));
        for pat in pats {
            let syn::Pat::TupleStruct(tuple) = pat else { continue };
            let is_entry = tuple
                .path
                .segments
                .last()
                .is_some_and(|last| matches!(last.ident.to_string().as_str(), "Occupied" | "Vacant"));
            if let Some(name) = tuple.elems.first().and_then(bound_ident).filter(|_| is_entry) {
                self.entries.insert(name, (root.clone(), key.clone(), closed));
            }
        }
    }

    /// What a method called on an entry bound by [`Self::bind_entries`] does
    /// to its map: `insert` fills it, `remove` evicts, `into_mut`/`get` read.
    fn entry_use(
        &mut self,
        (root, key, closed): (Root, Option<String>, bool),
        call: &syn::ExprMethodCall,
        method: &str,
    ) {
        let span = call.method.span();
        match method {
            "insert" | "insert_entry" => {
                let value = call.args.first();
                let stores = value.is_some_and(|value| self.is_stored_value(None, value));
                let grow = Grow { appends: false, bound: None, in_value: false, stores, memo: false, key_param: None };
                let bound = if self.run_once > 0 { Some(Bound::RunOnce) } else { closed.then_some(Bound::ClosedKey) };
                self.push_keyed(root, Op::Grow(Grow { bound, ..grow }), "entry(..).insert", span, key);
            }
            "remove" | "remove_entry" => self.push(root, Op::Shrink, format!("entry(..).{method}"), span),
            "into_mut" | "get" | "get_mut" | "into_ref" => {
                let node = call as *const syn::ExprMethodCall as *const ();
                let mutable = method == "get_mut";
                let read = !mutable && !self.positions.not_read.contains(&node);
                let op = Op::Lookup(Lookup { returned: self.returning, read, memo: false, mutable });
                self.push_keyed(root, op, format!("entry(..).{method}"), span, key);
            }
            _ => {}
        }
    }

    /// `let Self { cache, .. } = self;`: each field binding is an alias of that
    /// field.
    fn bind_fields(&mut self, pat: &syn::Pat, expr: &Expr) {
        let syn::Pat::Struct(pattern) = pat else { return };
        let through_self = match expr {
            Expr::Unary(unary) => Self::is_self(&unary.expr),
            Expr::Reference(reference) => Self::is_self(&reference.expr),
            other => Self::is_self(other),
        };
        if !through_self {
            return;
        }
        let owner = self.scope.self_type(self.fn_id);
        for field in &pattern.fields {
            let syn::Member::Named(member) = &field.member else { continue };
            if let Some(name) = bound_ident(&field.pat) {
                let root = Root::Field { owner, name: member.to_string() };
                self.aliases.insert(name, root);
            }
        }
    }

    /// Whether `expr` reaches into a parameter of the fn (`&other.map`,
    /// `items.iter()`, `batch.values().skip(1)`).
    fn is_given(&self, mut expr: &Expr) -> bool {
        loop {
            expr = match expr {
                Expr::Reference(inner) => &inner.expr,
                Expr::Paren(inner) => &inner.expr,
                Expr::Field(inner) => &inner.base,
                Expr::MethodCall(call) => &call.receiver,
                Expr::Path(_) => return self.param_index(expr).is_some(),
                _ => return false,
            };
        }
    }

    /// Records which arguments of a call to `name` are from a closed set.
    fn record_call(&mut self, name: String, args: &Punctuated<Expr, Token![,]>) {
        if !self.callees.is_some_and(|callees| callees.contains(&name)) {
            return;
        }
        let closed = args.iter().map(|arg| self.is_closed_key(arg)).collect();
        self.calls.closed_args.entry(name).or_default().push(closed);
    }

    /// Records the keys a call made on a miss path does work with: the locals
    /// its arguments name, by key text. Calls that only hold a key
    /// ([`symbol::KEY_HOLDERS`]) or grow, look up or shrink a collection do
    /// no work with it.
    fn note_work(&mut self, callee: &str, args: &Punctuated<Expr, Token![,]>) {
        /// The single-identifier paths an expression names.
        struct Idents(Vec<String>);
        impl<'ast> Visit<'ast> for Idents {
            fn visit_expr_path(&mut self, path: &'ast syn::ExprPath) {
                if let Some(ident) = path.path.get_ident() {
                    self.0.push(ident.to_string());
                }
            }
            fn visit_item(&mut self, _item: &'ast syn::Item) {}
        }
        if !self.has_looked
            || args.is_empty()
            || is(symbol::GROW_METHODS, callee)
            || is(symbol::LOOKUP_METHODS, callee)
            || is(symbol::SHRINK_METHODS, callee)
            || callee.starts_with("get_or_insert")
        {
            return;
        }
        let mut idents = Idents(Vec::new());
        args.iter().for_each(|arg| idents.visit_expr(arg));
        for name in idents.0 {
            let key = self.key_locals.get(&name).cloned().unwrap_or(name);
            self.worked_keys.insert(key);
        }
    }

    /// Records arguments that hand a collection to code we do not follow.
    fn check_args<'e>(&mut self, args: impl IntoIterator<Item = &'e Expr>) {
        for arg in args {
            let handed = match arg {
                Expr::Reference(reference) if reference.mutability.is_some() => self.root_of(&reference.expr),
                Expr::Reference(reference) => self.direct_root(&reference.expr),
                other => self.direct_root(other),
            };
            if let Some(root) = handed {
                self.push(root, Op::Escape, "argument", arg.span());
            }
        }
    }

    /// The root of a bare static, alias or `self.field` (not of a guard or element).
    fn direct_root(&self, expr: &Expr) -> Option<Root> {
        match expr {
            Expr::Path(_) | Expr::Field(_) => self.root_of(expr),
            _ => None,
        }
    }
}

/// `lock()`, `borrow_mut()`, `unwrap()`, `get_or_init(..)`, `get()` with no
/// arguments, `Option::get_or_insert_with(..)`, ...: calls that reach the
/// collection rather than act on it.
fn is_access(call: &syn::ExprMethodCall) -> bool {
    let method = call.method.to_string();
    is(symbol::ACCESS_METHODS, &method)
        || (call.args.is_empty() && matches!(method.as_str(), "get" | "get_mut" | "get_or_insert_default"))
        // `Option::get_or_insert_with(f)`; `HashSet::get_or_insert_with(value, f)` grows.
        || (call.args.len() == 1 && method == "get_or_insert_with")
}

/// A guard type's own projection or conversion (`RwLockReadGuard::try_map`,
/// `Ref::map`, `RwLockWriteGuard::downgrade`, `MutexGuard::map`).
fn is_guard_projection(func: &Expr) -> bool {
    let Expr::Path(path) = func else { return false };
    let mut segments = path.path.segments.iter().rev();
    let (Some(name), Some(owner)) = (segments.next(), segments.next()) else { return false };
    let projection = ["map", "try_map", "filter_map", "map_split", "downgrade"].iter().any(|known| name.ident == known);
    projection && {
        let owner = owner.ident.to_string();
        owner.ends_with("Guard") || matches!(owner.as_str(), "Ref" | "RefMut")
    }
}

/// `ALL_CAPS` or `A1`: the name of a constant.
fn is_constant_name(name: &str) -> bool {
    name.len() > 1
        && name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// A value written out in the code: a literal, a constant, `None`, a unit
/// variant, or a tuple or array of those.
fn is_constant(value: &Expr) -> bool {
    match value {
        Expr::Lit(_) => true,
        Expr::Paren(inner) => is_constant(&inner.expr),
        Expr::Unary(inner) => is_constant(&inner.expr),
        Expr::Tuple(tuple) => tuple.elems.iter().all(is_constant),
        Expr::Array(array) => array.elems.iter().all(is_constant),
        Expr::Path(path) => path.path.segments.last().is_some_and(|last| {
            let name = last.ident.to_string();
            is_constant_name(&name)
                || name == "None"
                || (path.path.segments.len() > 1 && name.starts_with(|c: char| c.is_ascii_uppercase()))
        }),
        _ => false,
    }
}

/// A path that names an enum variant or tuple struct (`Some`, `Ok`,
/// `Slot::Full`): a call of it wraps its arguments, computing nothing.
fn is_variant_path(func: &Expr) -> bool {
    matches!(func, Expr::Path(path) if path.qself.is_none()
        && path.path.segments.last().is_some_and(|last| last.ident.to_string().starts_with(|c: char| c.is_ascii_uppercase())))
}

/// `&'static T`.
fn is_static_ref(ty: &syn::Type) -> bool {
    matches!(crate::types::peel(ty), syn::Type::Reference(reference)
        if reference.lifetime.as_ref().is_some_and(|lifetime| lifetime.ident == "static"))
}

/// A key with references, derefs, parentheses, casts and conversions taken
/// off: `k` for `&k`, `*k`, `k.to_owned()`, `k.clone()`, `k.as_str()`, the
/// address `k.as_ptr() as usize`.
fn strip_key(mut key: &Expr) -> &Expr {
    loop {
        key = match key {
            Expr::Paren(inner) => &inner.expr,
            Expr::Cast(inner) => &inner.expr,
            Expr::Group(inner) => &inner.expr,
            Expr::Reference(inner) => &inner.expr,
            Expr::Unary(inner) if matches!(inner.op, syn::UnOp::Deref(_)) => &inner.expr,
            Expr::MethodCall(call) if call.args.is_empty() && is(symbol::KEY_CONVERSIONS, &call.method.to_string()) => {
                &call.receiver
            }
            _ => return key,
        };
    }
}

/// The shape of a key a local can hold: a tuple, a path, a field, a
/// reference, or a conversion of those (`name.to_owned()`).
fn is_key_like(expr: &Expr) -> bool {
    match expr {
        Expr::Tuple(_) | Expr::Path(_) | Expr::Field(_) => true,
        Expr::Reference(inner) => is_key_like(&inner.expr),
        Expr::MethodCall(call) => {
            call.args.is_empty() && is(symbol::KEY_CONVERSIONS, &call.method.to_string()) && is_key_like(&call.receiver)
        }
        _ => false,
    }
}

/// Whether two keys can be the same: equal texts, or one unknown.
fn same_key(a: &Option<String>, b: &Option<String>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// The name of a path expression that is a single identifier.
fn plain_ident(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Path(path) if path.qself.is_none() => path.path.get_ident().map(ToString::to_string),
        _ => None,
    }
}

/// The text of an expression's tokens.
fn tokens(expr: &Expr) -> String {
    quote::ToTokens::to_token_stream(expr).to_string()
}

fn block_tail(block: &syn::Block) -> Option<&Expr> {
    match block.stmts.last() {
        Some(syn::Stmt::Expr(tail, None)) => Some(tail),
        _ => None,
    }
}

/// Whether type tokens hold a `&mut` (`&mut V`, `Option<&'a mut V>`).
fn has_mut_ref(tokens: TokenStream) -> bool {
    // After `&`, and after the `'` of a lifetime that may stand before `mut`.
    let (mut after_amp, mut in_lifetime) = (false, false);
    for token in tokens {
        match token {
            proc_macro2::TokenTree::Punct(punct) if punct.as_char() == '&' => after_amp = true,
            proc_macro2::TokenTree::Punct(punct) if after_amp && punct.as_char() == '\'' => in_lifetime = true,
            proc_macro2::TokenTree::Ident(ident) if after_amp && ident == "mut" => return true,
            proc_macro2::TokenTree::Ident(_) if in_lifetime => in_lifetime = false,
            proc_macro2::TokenTree::Group(group) if has_mut_ref(group.stream()) => return true,
            _ => (after_amp, in_lifetime) = (false, false),
        }
    }
    false
}

/// An empty value, the same for every key: `Vec::new`, `Default::default`,
/// `HashMap::new()`, `|| Vec::with_capacity(8)`.
fn is_empty_value(value: &Expr) -> bool {
    let empty_fn = |path: &syn::Path| {
        path.segments
            .last()
            .is_some_and(|last| matches!(last.ident.to_string().as_str(), "new" | "default" | "with_capacity"))
    };
    match value {
        Expr::Path(path) => empty_fn(&path.path),
        Expr::Call(call) => {
            matches!(&*call.func, Expr::Path(path) if empty_fn(&path.path))
                && call.args.iter().all(|arg| matches!(arg, Expr::Lit(_)))
        }
        Expr::Closure(closure) => is_empty_value(&closure.body),
        Expr::Macro(mac) => mac.mac.path.is_ident("vec") && mac.mac.tokens.is_empty(),
        _ => false,
    }
}

/// Every identifier a pattern binds.
fn pattern_idents(pat: &syn::Pat, out: &mut Vec<String>) {
    match pat {
        syn::Pat::Ident(ident) => out.push(ident.ident.to_string()),
        syn::Pat::Tuple(tuple) => tuple.elems.iter().for_each(|elem| pattern_idents(elem, out)),
        syn::Pat::TupleStruct(tuple) => tuple.elems.iter().for_each(|elem| pattern_idents(elem, out)),
        syn::Pat::Reference(reference) => pattern_idents(&reference.pat, out),
        syn::Pat::Type(typed) => pattern_idents(&typed.pat, out),
        syn::Pat::Struct(fields) => fields.fields.iter().for_each(|field| pattern_idents(&field.pat, out)),
        _ => {}
    }
}

fn bound_ident(pat: &syn::Pat) -> Option<String> {
    match pat {
        syn::Pat::Ident(ident) if ident.subpat.is_none() => Some(ident.ident.to_string()),
        syn::Pat::Type(typed) => bound_ident(&typed.pat),
        syn::Pat::Guard(guarded) => bound_ident(&guarded.pat),
        syn::Pat::Reference(reference) => bound_ident(&reference.pat),
        syn::Pat::TupleStruct(tuple) if tuple.elems.len() == 1 => {
            let variant = tuple.path.segments.last()?.ident.to_string();
            matches!(variant.as_str(), "Some" | "Ok").then(|| bound_ident(&tuple.elems[0]))?
        }
        _ => None,
    }
}

impl<'ast> Visit<'ast> for UseVisitor<'_, '_> {
    fn visit_item(&mut self, _item: &'ast syn::Item) {
        // Nested items are analysed on their own.
    }

    fn visit_block(&mut self, block: &'ast syn::Block) {
        // A local is changed in place only by the statements after its `let`
        // in its block: another local of the same name elsewhere in the fn
        // (the same `entry` in two `match` arms) does not change it.
        let rebound = !self.positions.rebound.is_empty() && !self.positions.changed_locals.is_empty();
        for (index, stmt) in block.stmts.iter().enumerate().filter(|_| rebound) {
            let syn::Stmt::Local(local) = stmt else { continue };
            let Some(name) = bound_ident(&local.pat) else { continue };
            if !self.positions.changed_locals.contains(&name) || !self.positions.rebound.contains(&name) {
                continue;
            }
            let mut rest = Positions::default();
            block.stmts[index + 1..].iter().for_each(|stmt| rest.visit_stmt(stmt));
            if !rest.changed_locals.contains(&name) {
                self.unchanged_lets.insert(local as *const syn::Local);
            }
        }
        visit::visit_block(self, block);
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        // `let sizes = map.entry(k).or_default(); sizes.push(v);`: the element
        // is changed in place, not read.
        if let (Some(name), Some(init)) = (bound_ident(&local.pat), &local.init) {
            if self.positions.changed_locals.contains(&name)
                && !self.unchanged_lets.contains(&(local as *const syn::Local))
            {
                self.positions.mark(&init.expr);
            }
        }
        let before = self.uses.len();
        visit::visit_local(self, local);
        let Some(init) = &local.init else { return };
        // Whether the value is fixed before any lookup, or computed from one.
        let early = !self.has_looked;
        let derived = self.uses[before..].iter().any(|u| matches!(u.op, Op::Lookup(lookup) if lookup.read));
        if self.positions.may_look_up {
            let mut names = Vec::new();
            pattern_idents(&local.pat, &mut names);
            for name in names {
                if early {
                    self.before_lookup.insert(name.clone());
                } else {
                    self.before_lookup.remove(&name);
                }
                if derived {
                    self.from_lookup.insert(name);
                } else {
                    self.from_lookup.remove(&name);
                }
            }
        }
        self.bind(&local.pat, &init.expr);
        let closed = init.diverge.is_none() && self.is_closed_value(&init.expr);
        self.bind_closed(&local.pat, closed);
        let Some(name) = bound_ident(&local.pat) else { return };
        if self.is_id(&init.expr) {
            self.id_locals.insert(name.clone());
        } else {
            self.id_locals.remove(&name);
        }
        // A key bound to a local: `let key = (a, b);`, but not a guard or an
        // element (`let map = CACHE.lock()`, `let v = map.get(k)`).
        let key_like = matches!(local.pat, syn::Pat::Ident(_))
            && is_key_like(&init.expr)
            && self.root_of(&init.expr).is_none()
            && self.lookup_root(&init.expr).is_none();
        let text = key_like.then(|| self.key_text(&init.expr)).filter(|text| *text != name);
        match text {
            Some(text) => self.key_locals.insert(name, text),
            None => self.key_locals.remove(&name),
        };
    }

    fn visit_expr_let(&mut self, expr: &'ast syn::ExprLet) {
        self.bind_entries([&*expr.pat], &expr.expr);
        visit::visit_expr_let(self, expr);
        self.bind(&expr.pat, &expr.expr);
    }

    fn visit_expr_match(&mut self, expr: &'ast syn::ExprMatch) {
        self.bind_entries(expr.arms.iter().map(|arm| &arm.pat), &expr.expr);
        self.visit_expr(&expr.expr);
        for arm in &expr.arms {
            // `match cache.get(k) { Some(v) => .., None => .. }` binds `v` to a
            // looked-up element, as `if let` does.
            self.bind(&arm.pat, &expr.expr);
            // Visits the guard too, which syn keeps in the pattern.
            self.visit_pat(&arm.pat);
            self.visit_expr(&arm.body);
        }
    }

    fn visit_expr_if(&mut self, expr: &'ast syn::ExprIf) {
        self.in_condition += 1;
        self.visit_expr(&expr.cond);
        self.in_condition -= 1;
        self.visit_block(&expr.then_branch);
        if let Some((_, else_branch)) = &expr.else_branch {
            self.visit_expr(else_branch);
        }
    }

    fn visit_expr_while(&mut self, expr: &'ast syn::ExprWhile) {
        self.in_condition += 1;
        self.visit_expr(&expr.cond);
        self.in_condition -= 1;
        // A loop may run for as long as the program does, even in `main`.
        let once = std::mem::take(&mut self.run_once);
        self.visit_block(&expr.body);
        self.run_once = once;
    }

    fn visit_expr_loop(&mut self, expr: &'ast syn::ExprLoop) {
        let once = std::mem::take(&mut self.run_once);
        visit::visit_expr_loop(self, expr);
        self.run_once = once;
    }

    fn visit_expr_for_loop(&mut self, expr: &'ast syn::ExprForLoop) {
        // Over a fixed set (an array, a range of literals, the process's
        // arguments) a loop is bounded; over a reader or a channel it is not.
        // Inside an initialiser (`call_once`, `get_or_init`), a loop over a
        // collection it was given is bounded too; in `main`, a loop over a
        // variable may be a receiver or a listener.
        let given_data = !self.in_main;
        let once = if finite_source(&expr.expr, given_data) { self.run_once } else { 0 };
        let outer = std::mem::replace(&mut self.run_once, once);
        // `for name in ["a", "b"]`: the loop variable is from a closed set.
        let closed = self.is_closed_value(&expr.expr) || is_constant(strip_key(&expr.expr));
        self.visit_expr(&expr.expr);
        self.bind_closed(&expr.pat, closed);
        let given = self.is_given(&expr.expr);
        let mut names = Vec::new();
        pattern_idents(&expr.pat, &mut names);
        for name in names {
            if given {
                self.given_locals.insert(name);
            } else {
                self.given_locals.remove(&name);
            }
        }
        self.visit_pat(&expr.pat);
        self.visit_block(&expr.body);
        self.run_once = outer;
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let method = call.method.to_string();
        let node = call as *const syn::ExprMethodCall as *const ();
        let entry = if self.entries.is_empty() {
            None
        } else {
            plain_ident(&call.receiver).and_then(|name| self.entries.get(&name).cloned())
        };
        let receiver_root = match method.as_str() {
            "entry" => self.entry_root(call),
            _ => self.root_of(&call.receiver),
        };
        if let Some(entry) = entry {
            self.entry_use(entry, call, &method);
        } else if let Some(root) = receiver_root {
            let span = call.method.span();
            if is(symbol::WITH_METHODS, &method) {
                let closure = call.args.iter().find_map(|arg| match arg {
                    Expr::Closure(closure) => Some(closure),
                    _ => None,
                });
                if let Some(name) = closure.and_then(|closure| closure.inputs.first()).and_then(bound_ident) {
                    self.aliases.insert(name, root.clone());
                }
            } else if is_access(call) {
            } else if is(symbol::SHRINK_METHODS, &method) {
                self.push(root, Op::Shrink, method.clone(), span);
            } else if matches!(method.as_str(), "get_or_insert_with" | "get_or_insert_with_key") && call.args.len() == 2
            {
                // `table.get_or_insert_with(k, || make(k))`: a lookup that
                // fills on a miss, as `entry(k).or_insert_with(..)` is.
                let key = &call.args[0];
                let key_text = self.key_text(key);
                let stores = match &call.args[1] {
                    Expr::Closure(closure) => self.is_stored_value(Some(&key_text), &closure.body),
                    _ => false,
                };
                self.push_lookup(root.clone(), &method, span, Some(key_text.clone()), node);
                self.push_grow(root, &method, span, Some((key, key_text)), None, stores, false);
            } else if is(symbol::GROW_METHODS, &method) {
                // Keys written out in the code (literals, constants, enum
                // variants, `TypeId::of::<T>()`) are a closed set: the map
                // cannot grow past it.
                let keyed = matches!(method.as_str(), "insert" | "entry" | "try_insert" | "insert_full");
                let key = call.args.first().filter(|_| keyed);
                let value = call.args.last().filter(|_| method != "entry");
                let key_text = key.map(|key| self.key_text(key));
                let stores = if method == "entry" {
                    self.entry_stores.remove(&node).unwrap_or(false)
                } else {
                    keyed
                        && call.args.len() == 2
                        && value.is_some_and(|value| self.is_stored_value(key_text.as_deref(), value))
                };
                self.push_grow(root, &method, span, key.zip(key_text), value, stores, false);
            } else if is(symbol::LOOKUP_METHODS, &method) {
                let key = call.args.first().map(|key| self.key_text(key));
                self.push_lookup(root, &method, span, key, node);
            } else if matches!(method.as_str(), "values_mut" | "iter_mut") {
                self.push(root, Op::ValuesMut, method.clone(), span);
            } else if method == "len" && self.in_condition > 0 {
                self.len_checked.insert(root);
            } else if matches!(method.as_str(), "write_all" | "write_str" | "write_fmt" | "write_char") {
                // `io::Write` on a `Vec<u8>`, `fmt::Write` on a `String`.
                self.push_grow(root, &method, span, None, None, false, false);
            }
        }
        // `map.entry(k).or_default().push(..)`, `map.get_mut(&k).unwrap().clear()`:
        // growing or shrinking a value inside the map grows or shrinks the map.
        else if is(symbol::GROW_METHODS, &method) || is(symbol::SHRINK_METHODS, &method) {
            if let Some(root) = self.value_root(&call.receiver) {
                if is(symbol::SHRINK_METHODS, &method) {
                    self.push(root, Op::Shrink, method.clone(), call.method.span());
                } else {
                    self.push_grow(root, &method, call.method.span(), None, None, false, true);
                }
            }
        }
        // `map.entry(k).or_insert_with(..)`: a lookup that inserts on a miss.
        // What it inserts decides whether the `entry` fills a memo: a value
        // computed there (`|| render(k)`), or one given, constant or counted
        // (`or_insert(v)`, `or_insert(0)`, `and_modify(..)`) that it stores.
        if is(symbol::ENTRY_INSERTS, &method) {
            let (entry, modified) = match &*call.receiver {
                Expr::MethodCall(modify) if modify.method == "and_modify" => (&*modify.receiver, true),
                other => (other, false),
            };
            if let Expr::MethodCall(entry) = entry {
                if entry.method == "entry" {
                    if let Some(root) = self.entry_root(entry) {
                        let key = entry.args.first();
                        let key_text = key.map(|key| self.key_text(key));
                        let stores = modified
                            || call.args.first().is_some_and(|value| match value {
                                Expr::Closure(closure) => self.is_stored_value(key_text.as_deref(), &closure.body),
                                value => self.is_stored_value(key_text.as_deref(), value),
                            });
                        self.entry_stores.insert(entry as *const syn::ExprMethodCall as *const (), stores);
                        // An empty element handed out by `&mut` (`-> &mut V {
                        // map.entry(k).or_default() }`) is there for the
                        // caller to fill: state, not a memo's hit.
                        let empty = method == "or_default" || call.args.first().is_some_and(is_empty_value);
                        if empty && self.returning && self.returns_mut {
                            self.positions.not_read.insert(node);
                        }
                        let verb = format!("entry(..).{method}");
                        self.push_lookup(root, &verb, call.method.span(), key_text, node);
                    }
                }
            }
        }
        self.check_args(&call.args);
        self.note_work(&method, &call.args);
        self.record_call(method.clone(), &call.args);
        let outer = self.run_once;
        if method == "spawn" {
            // A spawned thread or task may loop for ever.
            self.run_once = 0;
        }
        self.run_once += usize::from(is(symbol::RUN_ONCE_METHODS, &method));
        visit::visit_expr_method_call(self, call);
        self.run_once = outer;
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        let name = match &*call.func {
            Expr::Path(path) => path.path.segments.last().map(|segment| segment.ident.to_string()),
            _ => None,
        };
        match name.as_deref() {
            // `mem::take(&mut *CACHE.lock())`, `mem::replace(..)`, `mem::swap(..)`.
            Some(name) if is(symbol::RESET_FUNCTIONS, name) => {
                for arg in &call.args {
                    if let Some(root) = self.root_of(arg) {
                        self.push(root, Op::Shrink, format!("mem::{name}"), arg.span());
                    }
                }
            }
            Some("drop") => {}
            // `RwLockWriteGuard::downgrade(guard)`, `Ref::map(cache.borrow(),
            // ..)`: a guard handed to its own type's projection stays a
            // guard of the same collection, not code the analysis loses.
            Some(_) if is_guard_projection(&call.func) => {}
            _ => self.check_args(&call.args),
        }
        if let Some(name) = &name {
            self.record_call(name.clone(), &call.args);
            if self.has_looked {
                let holds = matches!(&*call.func, Expr::Path(path)
                    if path.path.segments.iter().any(|segment| is(symbol::KEY_HOLDERS, &segment.ident.to_string())));
                if !holds && !is_variant_path(&call.func) {
                    self.note_work(name, &call.args);
                }
            }
        }
        // `Ref::map(cache.borrow(), |c| &c[k])`, `MutexGuard::map(..)`: the
        // closure's parameter is the guarded collection.
        if matches!(name.as_deref(), Some("map" | "filter_map" | "try_map" | "map_split")) {
            let mut args = call.args.iter();
            if let (Some(root), Some(Expr::Closure(closure))) =
                (args.next().and_then(|first| self.root_of(first)), args.next())
            {
                if let Some(param) = closure.inputs.first().and_then(bound_ident) {
                    self.aliases.insert(param, root);
                }
            }
        }
        // `LazyLock::new(|| ..)`: the closure runs once.
        let lazy_new = name.as_deref() == Some("new")
            && matches!(&*call.func, Expr::Path(path) if path.path.segments.iter().rev().nth(1).is_some_and(|wrapper| is(symbol::LAZY_WRAPPERS, &wrapper.ident.to_string())));
        let outer = self.run_once;
        if name.as_deref() == Some("spawn") {
            self.run_once = 0;
        }
        self.run_once += usize::from(lazy_new);
        visit::visit_expr_call(self, call);
        self.run_once = outer;
    }

    fn visit_expr_assign(&mut self, assign: &'ast syn::ExprAssign) {
        if !matches!(*assign.left, Expr::Index(_)) {
            if let Some(root) = self.root_of(&assign.left) {
                self.push(root, Op::Shrink, "=", assign.eq_token.span());
            }
        }
        visit::visit_expr_assign(self, assign);
    }

    fn visit_expr_binary(&mut self, binary: &'ast syn::ExprBinary) {
        if matches!(binary.op, syn::BinOp::AddAssign(_)) {
            if let Some(root) = self.root_of(&binary.left) {
                self.push_grow(root, "+=", binary.op.span(), None, None, false, false);
            }
        }
        visit::visit_expr_binary(self, binary);
    }

    fn visit_expr(&mut self, expr: &'ast Expr) {
        let outer = std::mem::replace(&mut self.returning, self.returned.contains(&(expr as *const Expr)));
        visit::visit_expr(self, expr);
        self.returning = outer;
    }

    fn visit_expr_index(&mut self, index: &'ast syn::ExprIndex) {
        // `map[&k]`: a lookup (`cache[&k].clone()` reads it back after a
        // `contains_key` check and an insert).
        if let Some(root) = self.root_of(&index.expr) {
            let node = index as *const syn::ExprIndex as *const ();
            let key = self.key_text(&index.index);
            self.push_lookup(root, "[..]", index.bracket_token.span.join(), Some(key), node);
        }
        visit::visit_expr_index(self, index);
    }

    fn visit_expr_struct(&mut self, literal: &'ast syn::ExprStruct) {
        // `Writer { buf: &LOG }`: the field stands for the static.
        let owner = if literal.path.is_ident("Self") {
            self.scope.self_type(self.fn_id)
        } else {
            let def = &self.scope.fns[self.fn_id];
            match self.scope.resolve_path(&literal.path, &def.module, def.file) {
                Resolved::Type { id, .. } => Some(id),
                _ => None,
            }
        };
        for field in &literal.fields {
            let syn::Member::Named(name) = &field.member else { continue };
            let Expr::Reference(reference) = &field.expr else { continue };
            if let (Some(owner), Some(Root::Static(id))) = (owner, self.direct_root(&reference.expr)) {
                self.calls.static_fields.insert((owner, name.to_string()), id);
            }
        }
        visit::visit_expr_struct(self, literal);
    }

    fn visit_expr_path(&mut self, path: &'ast syn::ExprPath) {
        if let Some(segment) = path.path.segments.last() {
            if let Some(id) = self.scope.resolve_static(&segment.ident, Some(self.fn_id)) {
                self.push(Root::Static(id), Op::Touch, "", segment.ident.span());
            }
        }
        visit::visit_expr_path(self, path);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let name = mac.path.segments.last().map(|segment| segment.ident.to_string()).unwrap_or_default();
        if matches!(name.as_str(), "thread_local" | "lazy_static") {
            // A declaration, collected with the statics.
            return;
        }
        let parsed = Punctuated::<Expr, Token![,]>::parse_terminated.parse2(mac.tokens.clone());
        match parsed {
            Ok(exprs) => {
                // `write!(buf, ..)` appends to `buf`.
                if matches!(name.as_str(), "write" | "writeln") {
                    if let Some(root) = exprs.first().and_then(|first| self.root_of(first)) {
                        self.push_grow(root, &format!("{name}!"), mac.path.span(), None, None, false, false);
                    }
                }
                for expr in &exprs {
                    self.visit_expr(expr);
                }
            }
            Err(_) => self.touch_idents(mac.tokens.clone()),
        }
    }
}

/// The expressions of a fn body whose value is the fn's result: the body's
/// tail and `return` operands, and, inside them, what passes the value on (the
/// tails of blocks and branches, the receiver of `clone()`/`copied()`/..., the
/// operand of `*`, `&` and `?`, the arguments of `Ok(..)`/`Some(..)`, the body
/// of a closure given to `with(..)`).
#[derive(Default)]
struct ReturnedExprs {
    exprs: HashSet<*const Expr>,
}

impl ReturnedExprs {
    fn mark_block(&mut self, block: &syn::Block) {
        if let Some(syn::Stmt::Expr(tail, None)) = block.stmts.last() {
            self.mark(tail);
        }
    }

    fn mark(&mut self, expr: &Expr) {
        if !self.exprs.insert(expr as *const Expr) {
            return;
        }
        match expr {
            Expr::Paren(inner) => self.mark(&inner.expr),
            Expr::Group(inner) => self.mark(&inner.expr),
            Expr::Reference(inner) => self.mark(&inner.expr),
            Expr::Unary(inner) => self.mark(&inner.expr),
            Expr::Try(inner) => self.mark(&inner.expr),
            Expr::Cast(inner) => self.mark(&inner.expr),
            Expr::Await(inner) => self.mark(&inner.base),
            Expr::Block(inner) => self.mark_block(&inner.block),
            Expr::Unsafe(inner) => self.mark_block(&inner.block),
            Expr::If(inner) => {
                self.mark_block(&inner.then_branch);
                if let Some((_, else_branch)) = &inner.else_branch {
                    self.mark(else_branch);
                }
            }
            Expr::Match(inner) => {
                for arm in &inner.arms {
                    self.mark(&arm.body);
                }
            }
            Expr::Closure(closure) => self.mark(&closure.body),
            // The looked-up value itself, converted but not reduced: `a.clone()`,
            // `t.to_vec()`, `w.upgrade()`, `Arc::clone(a)`, `Some(x)`,
            // `entry(k).or_default().get_or_insert_with(f)`. A property of it
            // (`g.len()`) or a value computed from it is not the lookup.
            Expr::MethodCall(call) => {
                let method = call.method.to_string();
                if is(symbol::PASS_THROUGH_METHODS, &method) || is(symbol::VALUE_CONVERSIONS, &method) {
                    self.mark(&call.receiver);
                }
                if is(symbol::WITH_METHODS, &method) || is(symbol::PASS_THROUGH_METHODS, &method) {
                    for arg in call.args.iter().filter(|arg| matches!(arg, Expr::Closure(_))) {
                        self.mark(arg);
                    }
                }
            }
            Expr::Call(call) => {
                let converts = match &*call.func {
                    Expr::Path(path) => path.path.segments.last().is_some_and(|segment| {
                        let name = segment.ident.to_string();
                        name.starts_with(char::is_uppercase) || is(symbol::VALUE_CONVERSIONS, &name)
                    }),
                    _ => false,
                };
                if converts {
                    for arg in &call.args {
                        self.mark(arg);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Where a fn body tests or changes a value in place rather than reads it,
/// its counters, and what it returns (one walk before the uses are). A lookup at one of the `not_read` nodes (method calls
/// and index expressions, by address) is not a read of the element: the
/// receiver of `is_none()` or of a growing or shrinking method, the target
/// of `=` and `+=`, the operand of `&mut`. `counters` are the texts of the
/// places incremented with `+=` (`self.next_id`).
#[derive(Default)]
struct Positions {
    /// The expressions the fn returns, found in the same walk.
    returned: ReturnedExprs,
    not_read: HashSet<*const ()>,
    counters: HashSet<String>,
    /// Locals changed in place somewhere in the body (`sizes.push(..)`): a
    /// lookup bound to one is not read.
    changed_locals: HashSet<String>,
    /// The body calls a lookup method or indexes something: only then is
    /// what it binds before and after a lookup worth telling apart.
    may_look_up: bool,
    /// Names bound by a `let` of the body, and those bound by more than one
    /// (only for those can a change in place be another local's).
    bound: HashSet<String>,
    rebound: HashSet<String>,
}

impl Positions {
    fn mark(&mut self, mut expr: &Expr) {
        loop {
            expr = match expr {
                Expr::Paren(inner) => &inner.expr,
                Expr::Group(inner) => &inner.expr,
                Expr::Unary(inner) if matches!(inner.op, syn::UnOp::Deref(_)) => &inner.expr,
                Expr::MethodCall(call) if is(symbol::PASS_THROUGH_METHODS, &call.method.to_string()) => {
                    self.not_read.insert(node(expr));
                    &call.receiver
                }
                // Changing a field of the element changes it in place.
                Expr::Field(inner) => &inner.base,
                _ => break,
            };
        }
        match expr {
            Expr::MethodCall(_) | Expr::Index(_) => {
                self.not_read.insert(node(expr));
            }
            _ => {
                if let Some(name) = plain_ident(expr) {
                    self.changed_locals.insert(name);
                }
            }
        }
    }
}

impl<'ast> Visit<'ast> for Positions {
    fn visit_expr_return(&mut self, expr: &'ast syn::ExprReturn) {
        if let Some(value) = &expr.expr {
            self.returned.mark(value);
        }
        visit::visit_expr_return(self, expr);
    }

    fn visit_stmt(&mut self, stmt: &'ast syn::Stmt) {
        // A value dropped as soon as it is made (`map.entry(k).or_insert_with(f);`,
        // `let _ = ..`) is not read.
        match stmt {
            syn::Stmt::Expr(expr, Some(_)) => self.mark(expr),
            syn::Stmt::Local(local) if matches!(local.pat, syn::Pat::Wild(_)) => {
                if let Some(init) = &local.init {
                    self.mark(&init.expr);
                }
            }
            _ => {}
        }
        visit::visit_stmt(self, stmt);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let method = call.method.to_string();
        self.may_look_up |=
            is(symbol::LOOKUP_METHODS, &method) || method == "entry" || method.starts_with("get_or_insert");
        if is(symbol::PRESENCE_TESTS, &method)
            || is(symbol::GROW_METHODS, &method)
            || is(symbol::SHRINK_METHODS, &method)
            || matches!(method.as_str(), "iter_mut" | "values_mut" | "and_modify")
        {
            self.mark(&call.receiver);
        }
        visit::visit_expr_method_call(self, call);
    }

    fn visit_expr_assign(&mut self, assign: &'ast syn::ExprAssign) {
        self.mark(&assign.left);
        visit::visit_expr_assign(self, assign);
    }

    fn visit_expr_index(&mut self, index: &'ast syn::ExprIndex) {
        self.may_look_up = true;
        visit::visit_expr_index(self, index);
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        if let Some(name) = bound_ident(&local.pat) {
            if !self.bound.insert(name.clone()) {
                self.rebound.insert(name);
            }
        }
        visit::visit_local(self, local);
    }

    fn visit_expr_binary(&mut self, binary: &'ast syn::ExprBinary) {
        use syn::BinOp::*;
        let compound = matches!(
            binary.op,
            AddAssign(_)
                | SubAssign(_)
                | MulAssign(_)
                | DivAssign(_)
                | RemAssign(_)
                | BitOrAssign(_)
                | BitAndAssign(_)
                | BitXorAssign(_)
                | ShlAssign(_)
                | ShrAssign(_)
        );
        if compound {
            self.mark(&binary.left);
            if matches!(binary.op, AddAssign(_)) {
                self.counters.insert(tokens(&binary.left));
            }
        }
        visit::visit_expr_binary(self, binary);
    }

    fn visit_expr_reference(&mut self, reference: &'ast syn::ExprReference) {
        if reference.mutability.is_some() {
            self.mark(&reference.expr);
        }
        visit::visit_expr_reference(self, reference);
    }

    fn visit_item(&mut self, _item: &'ast syn::Item) {}
}

/// The address of an expression's node, as its visitor method sees it.
fn node(expr: &Expr) -> *const () {
    match expr {
        Expr::MethodCall(call) => call as *const syn::ExprMethodCall as *const (),
        Expr::Index(index) => index as *const syn::ExprIndex as *const (),
        other => other as *const Expr as *const (),
    }
}

impl UseVisitor<'_, '_> {
    /// For macro bodies that are not expressions: a static named anywhere in
    /// them may be used in any way.
    fn touch_idents(&mut self, tokens: TokenStream) {
        for token in tokens {
            match token {
                proc_macro2::TokenTree::Ident(ident) => {
                    if let Some(id) = self.scope.resolve_static(&ident, Some(self.fn_id)) {
                        self.push(Root::Static(id), Op::Escape, "macro", ident.span());
                    }
                }
                proc_macro2::TokenTree::Group(group) => self.touch_idents(group.stream()),
                _ => {}
            }
        }
    }
}

/// Whether every value of type `id` of the scope lives within one call, as
/// far as the scope shows: no field or static holds the type, and every
/// place that builds one (a struct literal, a call of a fn of the type that
/// returns it) keeps it in a local that is only borrowed or has methods
/// called on it, never returned, stored, moved into a closure or passed on
/// by value; or, where nothing in scope builds it, the type is consumed by
/// value to produce one result (`fn finish(self) -> Output`: a builder,
/// parser or renderer). Where the scope cannot tell, the type is taken to
/// live long.
pub(crate) fn lives_for_one_call(scope: &Scope<'_>, id: usize) -> bool {
    lives_for_one_call_within(scope, id, 3)
}

/// [`lives_for_one_call`], following the types that hold this one `depth`
/// levels up.
fn lives_for_one_call_within(scope: &Scope<'_>, id: usize, depth: usize) -> bool {
    let name = scope.types[id].name.to_string();
    if scope.statics.iter().any(|def| mentions_ident(&def.ty, &name)) {
        return false;
    }
    // Held in a field of another type: it lives as long as that type does.
    let mut holders = HashSet::new();
    for (other, def) in scope.types.iter().enumerate() {
        // A reference (`font_system: &'a mut FontSystem`) borrows, it does not hold.
        let holds = |field: &super::items::FieldDef<'_>| {
            !matches!(crate::types::peel(field.ty), syn::Type::Reference(_)) && mentions_ident(field.ty, &name)
        };
        if other != id && def.fields.iter().any(holds) {
            if depth == 0 || !lives_for_one_call_within(scope, other, depth - 1) {
                return false;
            }
            holders.insert(def.name.to_string());
        }
    }
    // A type declared in a fn body is only seen there, and no static holds it.
    if scope.types[id].module.iter().any(|part| part.starts_with("fn ")) {
        return true;
    }
    let constructors: HashSet<String> = scope
        .fns
        .iter()
        .filter(|def| def.self_ty.as_deref() == Some(name.as_str()) && returns_own_type(def.sig, &name))
        .map(|def| def.name.to_string())
        .collect();
    let mut owners = Owners {
        name: &name,
        self_ty: None,
        constructors: &constructors,
        holders: &holders,
        owned: HashSet::new(),
        in_move: false,
        sites: 0,
        escapes: false,
    };
    for def in &scope.fns {
        // A type's own fns that return it are how it is built, not owners.
        if def.self_ty.as_deref() == Some(name.as_str()) && returns_own_type(def.sig, &name) {
            continue;
        }
        owners.self_ty = def.self_ty.as_deref();
        owners.owned.clear();
        owners.visit_block(def.body);
        if owners.escapes {
            return false;
        }
    }
    owners.sites > 0 || (holders.is_empty() && consumed_by_value(scope, &name))
}

/// Whether a fn's return type names `Self` or the type `name`.
fn returns_own_type(sig: &syn::Signature, name: &str) -> bool {
    match &sig.output {
        syn::ReturnType::Type(_, ty) => mentions_ident(ty, "Self") || mentions_ident(ty, name),
        syn::ReturnType::Default => false,
    }
}

/// Whether type `name` has a method that takes `self` by value to produce
/// the one result it is built for (`finish`, `build`, `compile`, `render`,
/// ...), something else than the type, `()` or a `Result<()>`.
fn consumed_by_value(scope: &Scope<'_>, name: &str) -> bool {
    scope.fns.iter().any(|def| {
        let method = def.name.to_string();
        let finishes = ["finish", "build", "compile", "render", "parse", "complete"]
            .iter()
            .any(|verb| method == *verb || method.starts_with(&format!("{verb}_")));
        let by_value = matches!(def.sig.inputs.first(), Some(syn::FnArg::Receiver(receiver)) if matches!(receiver.kind, syn::ReceiverKind::Value));
        let produces = match &def.sig.output {
            syn::ReturnType::Type(_, ty) => {
                let unit = matches!(&**ty, syn::Type::Tuple(tuple) if tuple.elems.is_empty())
                    || crate::types::segment(ty).is_some_and(|segment| {
                        segment.name == "Result"
                            && segment.args.first().is_some_and(|ok| matches!(ok, syn::Type::Tuple(tuple) if tuple.elems.is_empty()))
                    });
                !unit && !mentions_ident(ty, "Self") && !mentions_ident(ty, name)
            }
            syn::ReturnType::Default => false,
        };
        def.self_ty.as_deref() == Some(name) && finishes && by_value && produces
    })
}

/// Whether the tokens of a type name the identifier `name`.
fn mentions_ident(ty: &syn::Type, name: &str) -> bool {
    fn walk(tokens: TokenStream, name: &str) -> bool {
        tokens.into_iter().any(|token| match token {
            proc_macro2::TokenTree::Ident(ident) => ident == name,
            proc_macro2::TokenTree::Group(group) => walk(group.stream(), name),
            _ => false,
        })
    }
    walk(quote::ToTokens::to_token_stream(ty), name)
}

/// The walk of [`lives_for_one_call`] over one fn body.
struct Owners<'o> {
    name: &'o str,
    /// The type `Self` stands for in the fn.
    self_ty: Option<&'o str>,
    constructors: &'o HashSet<String>,
    /// The types whose fields hold this one (and that live for one call):
    /// a value built into one of their literals stays as local as they do.
    holders: &'o HashSet<String>,
    /// Locals that hold a value of the type.
    owned: HashSet<String>,
    /// Inside a `move` closure.
    in_move: bool,
    /// Places that build a value and keep it local.
    sites: usize,
    escapes: bool,
}

impl Owners<'_> {
    fn is_type(&self, path: &syn::Path) -> bool {
        path.segments
            .last()
            .is_some_and(|last| last.ident == self.name || (last.ident == "Self" && self.self_ty == Some(self.name)))
    }

    /// A struct literal of the type, or a call of one of its constructors,
    /// through `?`, `unwrap()` and parentheses.
    fn builds(&self, expr: &Expr) -> bool {
        match expr {
            Expr::Struct(literal) => self.is_type(&literal.path),
            Expr::Call(call) => match &*call.func {
                Expr::Path(path) if path.path.segments.len() >= 2 => {
                    let segments = &path.path.segments;
                    let owner = &segments[segments.len() - 2].ident;
                    (*owner == self.name || (*owner == "Self" && self.self_ty == Some(self.name)))
                        && self.constructors.contains(&segments[segments.len() - 1].ident.to_string())
                }
                _ => false,
            },
            Expr::Try(inner) => self.builds(&inner.expr),
            Expr::Paren(inner) => self.builds(&inner.expr),
            Expr::MethodCall(call) if matches!(call.method.to_string().as_str(), "unwrap" | "expect") => {
                self.builds(&call.receiver)
            }
            _ => false,
        }
    }

    fn is_owned(&self, expr: &Expr) -> bool {
        plain_ident(expr).is_some_and(|name| self.owned.contains(&name))
    }

    /// Visits what a value of the type is built from, not the value itself.
    fn visit_built(&mut self, expr: &Expr) {
        self.sites += 1;
        match expr {
            Expr::Struct(literal) => {
                for field in &literal.fields {
                    self.visit_expr(&field.expr);
                }
                if let Some(rest) = &literal.rest {
                    self.visit_expr(rest);
                }
            }
            Expr::Call(call) => {
                for arg in &call.args {
                    self.visit_expr(arg);
                }
            }
            Expr::Try(inner) => self.visit_built(&inner.expr),
            Expr::Paren(inner) => self.visit_built(&inner.expr),
            Expr::MethodCall(call) => {
                self.sites -= 1;
                self.visit_built(&call.receiver);
            }
            _ => {}
        }
    }

    /// A value of the type used in place: built and used, or a local of it.
    fn visit_in_place(&mut self, expr: &Expr) {
        if self.in_move && self.is_owned(expr) {
            self.escapes = true;
        } else if self.builds(expr) {
            self.visit_built(expr);
        } else if !self.is_owned(expr) {
            self.visit_expr(expr);
        }
    }
}

impl<'ast> Visit<'ast> for Owners<'_> {
    fn visit_local(&mut self, local: &'ast syn::Local) {
        let name = bound_ident(&local.pat);
        match &local.init {
            Some(init) if self.builds(&init.expr) => {
                self.visit_built(&init.expr);
                if let Some(name) = name {
                    self.owned.insert(name);
                }
            }
            _ => {
                visit::visit_local(self, local);
                if let Some(name) = name {
                    self.owned.remove(&name);
                }
            }
        }
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        self.visit_in_place(&call.receiver);
        for arg in &call.args {
            self.visit_expr(arg);
        }
    }

    fn visit_expr_field(&mut self, field: &'ast syn::ExprField) {
        self.visit_in_place(&field.base);
    }

    fn visit_expr_reference(&mut self, reference: &'ast syn::ExprReference) {
        self.visit_in_place(&reference.expr);
    }

    fn visit_expr_struct(&mut self, literal: &'ast syn::ExprStruct) {
        let holder = literal.path.segments.last().is_some_and(|last| {
            let name =
                if last.ident == "Self" { self.self_ty.map(str::to_owned) } else { Some(last.ident.to_string()) };
            name.is_some_and(|name| self.holders.contains(&name))
        });
        if !holder {
            visit::visit_expr_struct(self, literal);
            return;
        }
        for field in &literal.fields {
            self.visit_in_place(&field.expr);
        }
        if let Some(rest) = &literal.rest {
            self.visit_expr(rest);
        }
    }

    fn visit_expr_closure(&mut self, closure: &'ast syn::ExprClosure) {
        let outer = self.in_move;
        self.in_move |= closure.capture.is_some();
        visit::visit_expr_closure(self, closure);
        self.in_move = outer;
    }

    fn visit_expr(&mut self, expr: &'ast Expr) {
        // Built or named anywhere else: returned, stored, passed on by value.
        if self.builds(expr) || self.is_owned(expr) {
            self.escapes = true;
            return;
        }
        visit::visit_expr(self, expr);
    }

    fn visit_item(&mut self, _item: &'ast syn::Item) {}
}
