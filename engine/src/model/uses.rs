//! Pass 3: the uses of statics and fields in fn bodies.
//!
//! Walks every fn body of the scope once and records each place a static or
//! a field is grown, shrunk, looked up or handed elsewhere, as a typed
//! [`Op`]. Growth in code that runs once per process, behind a `len()` check
//! or under a key from a closed set is marked bounded, and a lookup that the
//! fn returns paired with an insert into the same collection is marked as the
//! two halves of a memo.

use std::collections::{HashMap, HashSet};

use proc_macro2::{Span, TokenStream};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Token};

use super::classify;
use super::repeat::Repeat;
use super::Scope;
use crate::symbol::{self, is};

/// What a use is rooted at: a static, or a field of some type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Root {
    Static(usize),
    Field { owner: Option<String>, name: String },
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
    /// The insert of a memo: the same fn returns a lookup of the collection.
    pub(crate) memo: bool,
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
}

/// How a use looks an element up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Lookup {
    /// The element flows to the fn's return value.
    pub(crate) returned: bool,
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

    /// Part of a memo: a returned lookup, or an insert, in a fn that has both.
    pub(crate) fn is_memo(&self) -> bool {
        match self.op {
            Op::Grow(grow) => grow.memo,
            Op::Lookup(lookup) => lookup.memo,
            _ => false,
        }
    }

    /// Removes from, replaces or hands away its collection: after such a use
    /// the analysis cannot say the collection only grows.
    pub(crate) fn may_shrink(&self) -> bool {
        matches!(self.op, Op::Shrink | Op::Escape)
    }
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
    let mut uses = Vec::new();
    for id in 0..scope.fns.len() {
        let mut walker = UseVisitor::new(scope, id, &accessors);
        walker.visit_body(scope.fns[id].body);
        walker.finish(&mut uses);
    }
    uses
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
    /// Locals bound to an element looked up in a collection (`if let Some(v) =
    /// cache.get(k)`): returning them returns the lookup.
    looked_up: HashMap<String, Root>,
    /// Whether the code being visited runs once per process (a bin's `main`,
    /// a closure given to `Once::call_once`, `OnceLock::get_or_init` or
    /// `LazyLock::new`): growth there is bounded.
    repeat: Repeat,
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
            looked_up: HashMap::new(),
            repeat: Repeat::new(Repeat::of_fn(&scope.fns[fn_id])),
        }
    }

    /// Visits a fn body, knowing which of its expressions it returns.
    fn visit_body(&mut self, body: &syn::Block) {
        let mut returned = ReturnedExprs::default();
        returned.mark_block(body);
        returned.visit_block(body);
        self.returned = returned.exprs;
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
                        Expr::MethodCall(entry) if entry.method == "entry" => self.root_of(&entry.receiver),
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
        self.uses.push(Use { root, op, verb: verb.into(), fn_id: self.fn_id, span });
    }

    /// A growth through `verb`, bounded when it runs once per process or its
    /// key is from a closed set.
    fn grow(&self, verb: &str, closed_key: bool, stores: bool, in_value: bool) -> Op {
        let bound = if self.repeat.runs_once() {
            Some(Bound::RunOnce)
        } else if closed_key {
            Some(Bound::ClosedKey)
        } else {
            None
        };
        Op::Grow(Grow { appends: is(symbol::APPEND_METHODS, verb), bound, in_value, stores, memo: false })
    }

    /// A lookup through `verb`, returned when the fn returns what it finds.
    fn lookup(&self, verb: &str) -> Op {
        Op::Lookup(Lookup { returned: self.returning, memo: false, mutable: verb == "get_mut" })
    }

    /// Marks growth behind a `len()` check as bounded and lookup-then-insert
    /// pairs as memo uses.
    fn finish(self, out: &mut Vec<Use>) {
        let mut uses = self.uses;
        let returned: HashSet<Root> = uses
            .iter()
            .filter(|u| matches!(u.op, Op::Lookup(lookup) if lookup.returned))
            .map(|u| u.root.clone())
            .collect();
        let inserted: HashSet<Root> = uses
            .iter()
            .filter(|u| u.grow().is_some_and(|grow| !grow.stores && !grow.appends))
            .map(|u| u.root.clone())
            .collect();
        for current in &mut uses {
            let memo = returned.contains(&current.root) && inserted.contains(&current.root);
            match &mut current.op {
                Op::Grow(grow) => {
                    if grow.bound.is_none() && self.len_checked.contains(&current.root) {
                        grow.bound = Some(Bound::LenChecked);
                    }
                    grow.memo = memo;
                }
                Op::Lookup(lookup) => lookup.memo = memo,
                _ => {}
            }
        }
        out.extend(uses);
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
                let name = match &field.member {
                    syn::Member::Named(ident) => ident.to_string(),
                    syn::Member::Unnamed(index) => index.index.to_string(),
                };
                let owner = if Self::is_self(&field.base) {
                    self.scope.fns[self.fn_id].self_ty.clone()
                } else if let Some(Root::Static(id)) = self.root_of(&field.base) {
                    // `LOGGER.get().unwrap().lines`: a field of the struct the
                    // static holds.
                    classify::held_struct(self.scope, id).map(|(type_id, _)| self.scope.types[type_id].name.to_string())
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

    /// Whether an inserted value is one the fn was given (a parameter, maybe
    /// converted: `v`, `v.into()`, `default.to_owned()`) or one computed from
    /// a value it looked up (`n + 1` after `let n = map.get(k)..`).
    fn is_stored_value(&self, key: &Expr, value: &Expr) -> bool {
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
        // A value made from the key (`id.to_string()` for key `id`) is computed.
        let key_text = quote::ToTokens::to_token_stream(key).to_string();
        let params: HashSet<String> = self.scope.fns[self.fn_id]
            .sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                syn::FnArg::Typed(typed) => bound_ident(&typed.pat),
                syn::FnArg::Receiver(_) => None,
            })
            .filter(|param| !key_text.split(|c: char| !c.is_alphanumeric() && c != '_').any(|word| word == param))
            .collect();
        let mut plain = value;
        while let Expr::MethodCall(call) = plain {
            if !(call.args.is_empty() && is(symbol::VALUE_CONVERSIONS, &call.method.to_string())) {
                break;
            }
            plain = &call.receiver;
        }
        if let Expr::Path(path) = plain {
            if path.path.get_ident().is_some_and(|ident| params.contains(&ident.to_string())) {
                return true;
            }
        }
        let mut mentions = MentionsLookup(&self.looked_up, false);
        mentions.visit_expr(value);
        mentions.1
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
                Expr::MethodCall(entry) if entry.method == "entry" => self.root_of(&entry.receiver),
                _ => None,
            }
        } else if method == "get_mut" && call.args.len() == 1 {
            self.root_of(&call.receiver)
        } else {
            None
        }
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
        let owner = self.scope.fns[self.fn_id].self_ty.clone();
        for field in &pattern.fields {
            let syn::Member::Named(member) = &field.member else { continue };
            if let Some(name) = bound_ident(&field.pat) {
                let root = Root::Field { owner: owner.clone(), name: member.to_string() };
                self.aliases.insert(name, root);
            }
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

/// A key from a closed set: a literal, a constant or unit enum variant path,
/// `TypeId::of::<T>()`, or a tuple, reference or `to_string()` of those.
fn is_closed_key(key: &Expr) -> bool {
    match key {
        Expr::Lit(_) => true,
        Expr::Paren(inner) => is_closed_key(&inner.expr),
        Expr::Reference(inner) => is_closed_key(&inner.expr),
        Expr::Tuple(tuple) => !tuple.elems.is_empty() && tuple.elems.iter().all(is_closed_key),
        Expr::Path(path) => path.path.segments.last().is_some_and(|last| {
            let name = last.ident.to_string();
            let constant =
                name.len() > 1 && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            let variant = path.path.segments.len() > 1 && name.starts_with(|c: char| c.is_ascii_uppercase());
            constant || variant
        }),
        Expr::Call(call) => {
            call.args.is_empty()
                && matches!(&*call.func, Expr::Path(path) if {
                    let names: Vec<String> = path.path.segments.iter().map(|s| s.ident.to_string()).collect();
                    names.ends_with(&["TypeId".to_string(), "of".to_string()])
                })
        }
        Expr::MethodCall(call) => {
            call.args.is_empty()
                && matches!(call.method.to_string().as_str(), "to_string" | "to_owned" | "into")
                && is_closed_key(&call.receiver)
        }
        _ => false,
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

    fn visit_local(&mut self, local: &'ast syn::Local) {
        visit::visit_local(self, local);
        if let Some(init) = &local.init {
            self.bind(&local.pat, &init.expr);
        }
    }

    fn visit_expr_let(&mut self, expr: &'ast syn::ExprLet) {
        visit::visit_expr_let(self, expr);
        self.bind(&expr.pat, &expr.expr);
    }

    fn visit_expr_match(&mut self, expr: &'ast syn::ExprMatch) {
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
        self.visit_block(&expr.body);
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let method = call.method.to_string();
        if let Some(root) = self.root_of(&call.receiver) {
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
            } else if is(symbol::GROW_METHODS, &method) {
                // Keys written out in the code (literals, constants, enum
                // variants, `TypeId::of::<T>()`) are a closed set: the map
                // cannot grow past it.
                let closed_key =
                    matches!(method.as_str(), "insert" | "entry") && call.args.first().is_some_and(is_closed_key);
                let stores = method == "insert"
                    && matches!((call.args.first(), call.args.get(1)), (Some(key), Some(value)) if self.is_stored_value(key, value));
                let op = self.grow(&method, closed_key, stores, false);
                self.push(root, op, method.clone(), span);
            } else if is(symbol::LOOKUP_METHODS, &method) {
                let op = self.lookup(&method);
                self.push(root, op, method.clone(), span);
            } else if matches!(method.as_str(), "values_mut" | "iter_mut") {
                self.push(root, Op::ValuesMut, method.clone(), span);
            } else if method == "len" && self.in_condition > 0 {
                self.len_checked.insert(root);
            }
        }
        // `map.entry(k).or_default().push(..)`, `map.get_mut(&k).unwrap().clear()`:
        // growing or shrinking a value inside the map grows or shrinks the map.
        else if is(symbol::GROW_METHODS, &method) || is(symbol::SHRINK_METHODS, &method) {
            if let Some(root) = self.value_root(&call.receiver) {
                let op = if is(symbol::SHRINK_METHODS, &method) {
                    Op::Shrink
                } else {
                    self.grow(&method, false, false, true)
                };
                self.push(root, op, method.clone(), call.method.span());
            }
        }
        // `map.entry(k).or_insert_with(..)`: a lookup that inserts on a miss.
        if is(symbol::ENTRY_INSERTS, &method) {
            if let Expr::MethodCall(entry) = &*call.receiver {
                if entry.method == "entry" {
                    if let Some(root) = self.root_of(&entry.receiver) {
                        let verb = format!("entry(..).{method}");
                        let op = self.lookup(&verb);
                        self.push(root, op, verb, call.method.span());
                    }
                }
            }
        }
        self.check_args(&call.args);
        visit::visit_expr_method_call(self, call);
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
            _ => self.check_args(&call.args),
        }
        visit::visit_expr_call(self, call);
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
                let op = self.grow("+=", false, false, false);
                self.push(root, op, "+=", binary.op.span());
            }
        }
        visit::visit_expr_binary(self, binary);
    }

    fn visit_expr(&mut self, expr: &'ast Expr) {
        let outer = std::mem::replace(&mut self.returning, self.returned.contains(&(expr as *const Expr)));
        // Loops, spawns and initialisers change whether the code inside runs once.
        let depth = self.repeat.enter_expr(expr);
        visit::visit_expr(self, expr);
        self.repeat.leave(depth);
        self.returning = outer;
    }

    fn visit_expr_index(&mut self, index: &'ast syn::ExprIndex) {
        if self.returning {
            if let Some(root) = self.root_of(&index.expr) {
                let op = self.lookup("[..]");
                self.push(root, op, "[..]", index.bracket_token.span.join());
            }
        }
        visit::visit_expr_index(self, index);
    }

    fn visit_expr_path(&mut self, path: &'ast syn::ExprPath) {
        if self.returning && path.qself.is_none() {
            if let Some(ident) = path.path.get_ident() {
                if let Some(root) = self.looked_up.get(&ident.to_string()).cloned() {
                    let op = self.lookup("get");
                    self.push(root, op, "get", ident.span());
                }
            }
        }
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
                        let verb = format!("{name}!");
                        let op = self.grow(&verb, false, false, false);
                        self.push(root, op, verb, mac.path.span());
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

impl<'ast> Visit<'ast> for ReturnedExprs {
    fn visit_expr_return(&mut self, expr: &'ast syn::ExprReturn) {
        if let Some(value) = &expr.expr {
            self.mark(value);
        }
        visit::visit_expr_return(self, expr);
    }

    fn visit_item(&mut self, _item: &'ast syn::Item) {}
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
