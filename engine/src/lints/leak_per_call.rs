use std::collections::{HashMap, HashSet};

use proc_macro2::{Span, TokenStream};
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::visit::{self, Visit};
use syn::{Expr, Token, Type};

use crate::finding::{Label, Location};
use crate::lint::declare_lint;
use crate::lints::Cx;
use crate::model::classify::{self, Ctor, Place};
use crate::model::names::Resolved;
use crate::model::repeat::{self, Again, FnKind, Reach, Repeat, Run};
use crate::model::Scope;
use crate::symbol::{self, is};

declare_lint! {
    /// ### What it does
    /// Finds values leaked on purpose in code that runs more than once per
    /// process: `Box::leak`, `String::leak`, `Vec::leak` (and `.leak()`),
    /// `mem::forget` of a value that owns memory (a type the scope shows to
    /// hold a heap collection, a `Box`, an `Rc`/`Arc`, or one whose type it
    /// cannot see), `ManuallyDrop::new` whose value is never taken back
    /// (`into_inner`, `ManuallyDrop::drop`, `take`), and wasm-bindgen's
    /// `Closure::forget` and `Closure::into_js_value`.
    ///
    /// Code runs more than once when it is inside a loop, a closure registered
    /// as a callback (`on_click(move |_| ..)`, `route("/", get(|| ..))`) or
    /// run per element by an iterator adaptor, a request or event handler (a
    /// route attribute, `#[wasm_bindgen]`, a component, `handle*`, `on_*`,
    /// `call`, `poll`, `render`), an `async fn`, a method, or any fn that is not
    /// run once. Leaking once is the idiom and is not reported: a bin's `main`
    /// outside its loops, closures given to `OnceLock::get_or_init`,
    /// `LazyLock::new` or `Once::call_once`, static initialisers,
    /// `#[wasm_bindgen(start)]` and `#[ctor]` fns, fns called only from such
    /// code, a value leaked straight into `log::set_logger` and the like, and
    /// test code.
    ///
    /// A `mem::forget` or `ManuallyDrop` of a value that the fn takes apart
    /// first (`as_mut_ptr()`, `into_raw()`, a field read, `ptr::read`) hands
    /// ownership over rather than leaking, and is not reported. An interner
    /// that leaks each new value and inserts it into a static set is reported
    /// by `unbounded_static` on the set, not here.
    ///
    /// ### Why is this bad?
    /// Memory leaked on purpose is never freed. Done once at start-up that is
    /// a way to get a `&'static`; done per request, per event or per mounted
    /// component it is a leak that grows with traffic until the process runs
    /// out of memory, and a client that can make requests can make it grow.
    ///
    /// ### Example
    /// ```rust,no_run
    /// pub struct Request { pub path: String }
    ///
    /// pub fn handle(request: &Request) -> &'static str {
    ///     // One leaked string per request.
    ///     Box::leak(request.path.clone().into_boxed_str())
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```rust,no_run
    /// use std::sync::Arc;
    ///
    /// pub struct Request { pub path: String }
    ///
    /// pub fn handle(request: &Request) -> Arc<str> {
    ///     Arc::from(request.path.as_str())
    /// }
    /// ```
    ///
    /// For wasm-bindgen closures, keep the `Closure` in the component or
    /// handle that registered it and drop it with that (after removing the
    /// listener or clearing the timer), instead of `forget()`ting it.
    ///
    /// The lint is `allow` by default: turn it on with
    /// `#[leak_audit(warn(leak_per_call))]` on the item or module, `-W
    /// leak_per_call` on the command line of `cargo leak-audit`, or `lints =
    /// { leak_per_call = "warn" }` in `[package.metadata.leak-audit]`.
    ///
    /// ### Known problems
    /// - Run-once code is known by where it is written and by who calls a fn
    ///   in scope: a library fn that its users call once (`init()`,
    ///   `install()`) is reported, and so is a fn called only from a static's
    ///   initialiser, which the lint does not read.
    /// - A fn named in scope only by a call through a path of another crate,
    ///   or a method sharing its name with others, is matched by name.
    /// - Types are those written in the fn (parameters, `let` annotations,
    ///   constructors): a value returned by a method of another crate is taken
    ///   to own memory.
    /// - A leak bounded by the program (one per plugin loaded, per kind of
    ///   event, per thread of a fixed pool) cannot be told from one per
    ///   request; allow it with a reason.
    /// - Test code is known by `#[test]`, `#[cfg(test)]` and, for `cargo
    ///   leak-audit`, test and bench targets; a helper of a library's own
    ///   tests outside those (a `testing` module) is reported.
    pub LEAK_PER_CALL, leak_per_call, Allow, "values leaked on purpose (`Box::leak`, `mem::forget`, `Closure::forget`) in code that runs again and again"
}

/// Reports each leak in code that runs more than once per process.
pub(crate) fn check(cx: &mut Cx<'_, '_>) {
    let scope = cx.scope;
    // The full walk (which also finds who calls each fn) only where some fn
    // leaks at all.
    if !scope.fns.iter().any(|def| LeakCalls::in_block(def.body)) {
        return;
    }
    let fn_names: HashSet<String> = scope.fns.iter().map(|def| def.name.to_string()).collect();
    let mut reached: HashMap<String, Vec<Reach>> = HashMap::new();
    let mut leaks = Vec::new();
    for fn_id in 0..scope.fns.len() {
        let mut visitor = LeakVisitor::new(scope, fn_id, &fn_names, &mut reached);
        visitor.visit_block(scope.fns[fn_id].body);
        leaks.extend(visitor.finish());
    }
    let once = repeat::run_once_fns(&scope.fns, &reached);
    for leak in leaks {
        let Run::Again(again) = &leak.run else { continue };
        if matches!(again, Again::Fn(_)) && once[leak.fn_id] {
            continue;
        }
        report(cx, &leak, again);
    }
}

/// What kind of leak a call is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// `Box::leak`, `String::leak`, `Vec::leak`, `.leak()`.
    Leak,
    /// `mem::forget` of a value that owns memory.
    Forget,
    /// `ManuallyDrop::new` never taken back.
    ManuallyDrop,
    /// wasm-bindgen `Closure::forget` / `into_js_value`.
    Closure,
}

#[derive(Debug)]
struct Leak {
    kind: Kind,
    /// The call as the message names it (`Box::leak`, `mem::forget`).
    call: String,
    /// What is leaked, for the message (`a \`Box<Root>\``).
    what: String,
    span: Span,
    fn_id: usize,
    /// The innermost context that decides whether it repeats.
    run: Run,
    /// The expression of the call.
    expr: *const Expr,
    /// The local the value is bound to or taken from, whose other uses decide
    /// whether ownership is handed over.
    operand: Option<String>,
    /// Kept elsewhere: put into a collection that outlives the call (an
    /// interner, whose collection `unbounded_static` or
    /// `cache_without_eviction` judges), given to a call that accepts one
    /// value per process (`set_logger`), or turned into a raw pointer whose
    /// owner frees it later (`NonNull::from(Box::leak(..))`).
    elsewhere: bool,
}

/// A local variable or parameter: its written type and its initialiser.
#[derive(Clone, Copy)]
struct Local<'a> {
    ty: Option<&'a Type>,
    init: Option<&'a Expr>,
}

struct LeakVisitor<'s, 'a> {
    scope: &'s Scope<'a>,
    fn_id: usize,
    fn_names: &'s HashSet<String>,
    reached: &'s mut HashMap<String, Vec<Reach>>,
    repeat: Repeat,
    locals: HashMap<String, Local<'a>>,
    leaks: Vec<Leak>,
    /// Locals the fn takes apart: a field read, a raw pointer taken, named in
    /// `ptr::read` or a cast.
    taken_apart: HashSet<String>,
    /// Locals named as a value (moved, passed, returned), not only as a
    /// method receiver, a field base or under `*`.
    moved: HashSet<String>,
    /// Path expressions that are a receiver, a field base or under `*`.
    in_place: HashSet<*const Expr>,
    /// Expressions whose value is thrown away (`expr;`, `let _ = expr`).
    discarded: HashSet<*const Expr>,
    /// Locals bound to a leak's result, by leak index.
    leaked_locals: HashMap<String, usize>,
    /// Inside the arguments of a growth of a static's collection, or of a
    /// call that accepts one value per process.
    elsewhere: usize,
    /// The scope has a method of its own named `leak`: `.leak()` may be
    /// that one, not `String::leak` or `Vec::leak`.
    own_leak_method: bool,
}

impl<'s, 'a> LeakVisitor<'s, 'a> {
    fn new(
        scope: &'s Scope<'a>,
        fn_id: usize,
        fn_names: &'s HashSet<String>,
        reached: &'s mut HashMap<String, Vec<Reach>>,
    ) -> Self {
        let def = &scope.fns[fn_id];
        let mut locals = HashMap::new();
        for input in &def.sig.inputs {
            if let syn::FnArg::Typed(typed) = input {
                if let syn::Pat::Ident(ident) = &*typed.pat {
                    locals.insert(ident.ident.to_string(), Local { ty: Some(&typed.ty), init: None });
                }
            }
        }
        LeakVisitor {
            scope,
            fn_id,
            fn_names,
            reached,
            repeat: Repeat::new(Repeat::of_fn(def)),
            locals,
            leaks: Vec::new(),
            taken_apart: HashSet::new(),
            moved: HashSet::new(),
            in_place: HashSet::new(),
            discarded: HashSet::new(),
            leaked_locals: HashMap::new(),
            elsewhere: 0,
            own_leak_method: scope.fns.iter().any(|def| def.name == "leak" && def.self_ty.is_some()),
        }
    }

    /// The leaks of the fn that are leaks: values that own memory, not
    /// handed over, not taken back.
    fn finish(self) -> Vec<Leak> {
        let def = &self.scope.fns[self.fn_id];
        // A const fn cannot run destructors; a fn whose name says it leaks
        // (`leak`, `into_leaky`) is a leaking API like `Box::leak` itself.
        if def.sig.constness.is_some() || def.name.to_string().contains("leak") {
            return Vec::new();
        }
        // A fn that returns a raw pointer hands ownership over through it;
        // `Drop::drop` forgets what it must not destroy.
        let hands_over = returns_raw_pointer(&def.sig.output)
            || (def.name == "drop" && def.self_ty.is_some() && def.sig.receiver().is_some());
        let bound: HashMap<usize, &String> = self.leaked_locals.iter().map(|(name, &index)| (index, name)).collect();
        let mut out = Vec::new();
        for (index, mut leak) in self.leaks.into_iter().enumerate() {
            if leak.elsewhere {
                continue;
            }
            match leak.kind {
                Kind::Forget | Kind::ManuallyDrop if hands_over => continue,
                Kind::Forget => {
                    if leak.operand.as_ref().is_some_and(|name| self.taken_apart.contains(name)) {
                        continue;
                    }
                }
                Kind::ManuallyDrop => {
                    // Reported when thrown away, or bound to a local that is
                    // never moved, passed on or taken apart.
                    match bound.get(&index) {
                        Some(name) => {
                            if self.moved.contains(*name) || self.taken_apart.contains(*name) {
                                continue;
                            }
                            leak.operand = Some((*name).clone());
                        }
                        None if self.discarded.contains(&leak.expr) => {}
                        None => continue,
                    }
                    if leak.operand.as_ref().is_some_and(|name| self.taken_apart.contains(name)) {
                        continue;
                    }
                }
                Kind::Leak | Kind::Closure => {}
            }
            out.push(leak);
        }
        out
    }

    fn place(&self) -> Place<'s> {
        let def = &self.scope.fns[self.fn_id];
        let self_type = def.self_ty.as_deref().and_then(|name| self.scope.types_named(name).first().copied());
        Place { module: &[], file: def.file, self_type }
    }

    fn push(&mut self, kind: Kind, call: String, what: String, span: Span, expr: &Expr, operand: Option<String>) {
        let run = self.repeat.innermost_through_spawns().clone();
        self.leaks.push(Leak {
            kind,
            call,
            what,
            span,
            fn_id: self.fn_id,
            run,
            expr: expr as *const Expr,
            operand,
            elsewhere: self.elsewhere > 0,
        });
    }

    fn reach(&mut self, name: &str, reach: Reach) {
        if self.fn_names.contains(name) {
            self.reached.entry(name.to_owned()).or_default().push(reach);
        }
    }

    /// Whether a value of `expr` owns memory (see
    /// [`classify::owns_memory`]); `true` when its type cannot be told.
    fn owns(&self, expr: &'a Expr, depth: usize) -> bool {
        if depth > 4 {
            return true;
        }
        match expr {
            Expr::Lit(_) | Expr::Reference(_) | Expr::Range(_) => false,
            Expr::Paren(inner) => self.owns(&inner.expr, depth + 1),
            Expr::Group(inner) => self.owns(&inner.expr, depth + 1),
            Expr::Array(array) => array.elems.iter().any(|elem| self.owns(elem, depth + 1)),
            Expr::Tuple(tuple) => tuple.elems.iter().any(|elem| self.owns(elem, depth + 1)),
            Expr::MethodCall(call) if call.method == "clone" && call.args.is_empty() => {
                self.owns(&call.receiver, depth + 1)
            }
            Expr::Path(path) => {
                let Some(ident) = path.path.get_ident() else { return self.scope_type_owns(&path.path) };
                if ident == "self" {
                    return self.place().self_type.is_none_or(|id| classify::type_owns_memory(self.scope, id));
                }
                match self.locals.get(&ident.to_string()) {
                    Some(Local { init: Some(init), .. }) if from_raw(init) => false,
                    Some(Local { ty: Some(ty), .. }) => classify::owns_memory(self.scope, self.place(), ty),
                    Some(Local { init: Some(init), .. }) => self.owns(init, depth + 1),
                    // `AbortOnPanic`: a unit struct of the scope.
                    _ => self.scope_type_owns(&path.path),
                }
            }
            Expr::Struct(literal) => self.path_type_owns(&literal.path),
            Expr::Unsafe(block) => match block.block.stmts.last() {
                Some(syn::Stmt::Expr(tail, None)) => self.owns(tail, depth + 1),
                _ => true,
            },
            // Rebuilt from a raw pointer or handle: it owns nothing this code
            // allocated, and forgetting it keeps the count balanced.
            Expr::Call(_) if from_raw(expr) => false,
            Expr::Call(call) => match &*call.func {
                // `Type::new(..)`, `Type::default()`: a value of `Type`.
                Expr::Path(path) if path.path.segments.len() > 1 => {
                    let mut type_path = path.path.clone();
                    type_path.segments.pop();
                    type_path.segments.pop_punct();
                    self.path_type_owns(&type_path)
                }
                // `Guard(..)`: a tuple struct of the scope.
                Expr::Path(path) => self.scope_type_owns(&path.path),
                _ => true,
            },
            _ => true,
        }
    }

    /// Whether a value of the type of the scope that `path` names (a unit or
    /// tuple struct) owns memory; `true` for any other path.
    fn scope_type_owns(&self, path: &syn::Path) -> bool {
        let Some(last) = path.segments.last() else { return true };
        let name = last.ident.to_string();
        if !name.starts_with(char::is_uppercase) {
            return true;
        }
        match self.scope.resolve_path(path, &[], self.scope.fns[self.fn_id].file) {
            Resolved::Type { id, .. } => classify::type_owns_memory(self.scope, id),
            _ => true,
        }
    }

    /// Whether `expr` (through locals and `unsafe` blocks) is a value rebuilt
    /// from a raw pointer (`Box::from_raw(..)`) or a `Box` of nothing
    /// (`Box::new(())`): leaking it allocates nothing new.
    fn reclaimed(&self, expr: &Expr, depth: usize) -> bool {
        match expr {
            _ if from_raw(expr) => true,
            Expr::Call(call) => {
                matches!(&*call.func, Expr::Path(path) if path.path.segments.last().is_some_and(|last| last.ident == "new"))
                    && matches!(call.args.first(), Some(Expr::Tuple(unit)) if unit.elems.is_empty())
            }
            Expr::Paren(inner) => self.reclaimed(&inner.expr, depth),
            Expr::Unsafe(block) => {
                matches!(block.block.stmts.last(), Some(syn::Stmt::Expr(tail, None)) if self.reclaimed(tail, depth))
            }
            Expr::Path(path) if depth < 4 => path.path.get_ident().is_some_and(|ident| {
                matches!(self.locals.get(&ident.to_string()), Some(Local { init: Some(init), .. }) if self.reclaimed(init, depth + 1))
            }),
            _ => false,
        }
    }

    /// Whether a value of the type `path` names owns memory: a type of the
    /// scope by its fields, `Box`/`Vec`/`Rc`/... always, any other unknown.
    fn path_type_owns(&self, path: &syn::Path) -> bool {
        let Some(last) = path.segments.last() else { return true };
        let name = last.ident.to_string();
        let ctor = Ctor::of(&name, &[]);
        if ctor.collection || ctor.strong || ctor.weak || name == "Box" {
            return true;
        }
        if is(symbol::OWNS_NO_HEAP, &name) {
            return false;
        }
        match self.scope.resolve_path(path, &[], self.scope.fns[self.fn_id].file) {
            Resolved::Type { id, .. } => classify::type_owns_memory(self.scope, id),
            _ => true,
        }
    }

    /// Whether `expr` is a wasm-bindgen `Closure`: made by `Closure::..(..)`,
    /// or a local made so or typed `Closure<..>`.
    fn is_closure(&self, expr: &Expr, depth: usize) -> bool {
        match expr {
            Expr::Call(call) => matches!(&*call.func, Expr::Path(path)
                if path.path.segments.iter().any(|segment| segment.ident == "Closure")),
            Expr::Paren(inner) => self.is_closure(&inner.expr, depth),
            Expr::Path(path) if depth < 4 => {
                let Some(ident) = path.path.get_ident() else { return false };
                match self.locals.get(&ident.to_string()) {
                    Some(Local { ty: Some(ty), .. }) => {
                        crate::types::segment(ty).is_some_and(|segment| segment.name == "Closure")
                    }
                    Some(Local { init: Some(init), .. }) => self.is_closure(init, depth + 1),
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// The leak call `expr` is, if it is one: a `Box::leak(..)`,
    /// `mem::forget(..)` or `ManuallyDrop::new(..)` call.
    fn check_call(&mut self, expr: &'a Expr, call: &'a syn::ExprCall) {
        let Expr::Path(path) = &*call.func else { return };
        let segments: Vec<String> = path.path.segments.iter().map(|segment| segment.ident.to_string()).collect();
        let Some(last) = segments.last() else { return };
        let owner = segments.len().checked_sub(2).map(|index| segments[index].as_str());
        let arg = call.args.first();
        // The called fn's own name (`leak`, `forget`, `new`): one token, which
        // a compiler diagnostic can point at.
        let Some(span) = path.path.segments.last().map(|segment| segment.ident.span()) else { return };
        match (owner, last.as_str(), arg) {
            (Some(owner @ ("Box" | "String" | "Vec")), "leak", Some(arg)) if !self.reclaimed(arg, 0) => {
                let what = match owner {
                    "Box" => describe_box(arg),
                    other => format!("a `{other}`"),
                };
                self.push(Kind::Leak, format!("{owner}::leak"), what, span, expr, None);
            }
            (None | Some("mem"), "forget", Some(arg)) if self.owns(arg, 0) => {
                let operand = base_ident(arg);
                let what = match &operand {
                    Some(name) => format!("`{name}`"),
                    None => "a value that owns memory".to_owned(),
                };
                self.push(Kind::Forget, "mem::forget".to_owned(), what, span, expr, operand);
            }
            (Some("ManuallyDrop"), "new", Some(arg)) if self.owns(arg, 0) => {
                let what = match base_ident(arg) {
                    Some(name) => format!("`{name}`"),
                    None => "a value that owns memory".to_owned(),
                };
                self.push(Kind::ManuallyDrop, "ManuallyDrop::new".to_owned(), what, span, expr, None);
            }
            _ => {}
        }
    }

    /// Marks the leak that `expr` is, or whose result the local `expr`
    /// holds, as kept elsewhere (see [`Leak::elsewhere`]).
    fn keep_elsewhere(&mut self, expr: &Expr) {
        let expr = match expr {
            Expr::Reference(reference) => &*reference.expr,
            Expr::Paren(inner) => &*inner.expr,
            other => other,
        };
        let index = match expr {
            Expr::Path(path) => {
                path.path.get_ident().and_then(|ident| self.leaked_locals.get(&ident.to_string()).copied())
            }
            _ => self.leaks.iter().position(|leak| std::ptr::eq(leak.expr, expr)),
        };
        if let Some(index) = index {
            self.leaks[index].elsewhere = true;
        }
    }

    /// Whether the collection `expr` reaches outlives the call: a static, a
    /// field of `self`, a collection the fn was given, a closure's parameter
    /// (`SET.with(|set| ..)`), or a local bound to one of those (`let mut set
    /// = NAMES.lock().unwrap()`). A collection the fn makes itself does not.
    fn outlives_call(&self, expr: &Expr, depth: usize) -> bool {
        let Some(root) = base_ident(expr) else { return true };
        if root == "self"
            || self.scope.resolve_static(&syn::Ident::new(&root, Span::call_site()), Some(self.fn_id)).is_some()
        {
            return true;
        }
        match self.locals.get(&root) {
            Some(Local { init: Some(init), .. }) => depth < 4 && self.outlives_call(init, depth + 1),
            _ => true,
        }
    }

    fn take_apart(&mut self, expr: &Expr) {
        if let Some(name) = base_ident(expr) {
            self.taken_apart.insert(name);
        }
    }

    /// Visits the arguments of `call`, closures in the context the callee
    /// gives them.
    fn visit_args(&mut self, call: &Expr, args: &'a Punctuated<Expr, Token![,]>) {
        // `entry(k).or_insert_with(|| Box::leak(..))`: the leak fills a map
        // entry, once per key; the map is judged by the other lints.
        let fills = matches!(call, Expr::MethodCall(call)
            if is(symbol::ENTRY_INSERTS, &call.method.to_string()) || call.method == "get_or_insert_with");
        for arg in args {
            if matches!(arg, Expr::Closure(_) | Expr::Async(_)) {
                let depth = self.repeat.enter_closure(call);
                self.elsewhere += usize::from(fills);
                self.visit_expr(arg);
                self.elsewhere -= usize::from(fills);
                self.repeat.leave(depth);
            } else {
                self.visit_expr(arg);
            }
        }
    }

    /// A call: the fn it names is reached from here; its arguments are
    /// taken apart by `ptr::read` and the like, or given to a call that
    /// accepts one value per process.
    fn visit_call(&mut self, expr: &'a Expr, call: &'a syn::ExprCall) {
        let Expr::Path(path) = &*call.func else {
            visit::visit_expr_call(self, call);
            return;
        };
        let Some(last) = path.path.segments.last() else { return };
        let name = last.ident.to_string();
        let reach = self.repeat.reach(self.fn_id);
        self.reach(&name, reach);
        if path.path.segments.len() > 1 && is(symbol::RAW_FUNCTIONS, &name) {
            for arg in &call.args {
                self.take_apart(arg);
            }
        }
        let set_once = symbol::SET_ONCE_CALLS.iter().any(|prefix| name.starts_with(prefix));
        self.elsewhere += usize::from(set_once);
        self.visit_args(expr, &call.args);
        self.elsewhere -= usize::from(set_once);
        // `NonNull::from(Box::leak(..))`, `ptr::from_mut(leaked)`: a raw
        // pointer whose owner frees it later.
        let to_pointer =
            path.path.segments.iter().any(|segment| segment.ident == "NonNull" || segment.ident == "AtomicPtr")
                || (path.path.segments.len() > 1 && matches!(name.as_str(), "from_mut" | "from_ref"));
        if to_pointer {
            for arg in &call.args {
                self.keep_elsewhere(arg);
            }
        }
    }

    /// A method call: as a call, and its receiver is used in place.
    fn visit_method_call(&mut self, expr: &'a Expr, call: &'a syn::ExprMethodCall) {
        let method = call.method.to_string();
        let reach = self.repeat.reach(self.fn_id);
        self.reach(&method, reach);
        if is(symbol::RAW_METHODS, &method) {
            self.take_apart(&call.receiver);
        }
        if let Expr::Path(_) = &*call.receiver {
            self.in_place.insert(&*call.receiver as *const Expr);
        }
        // `SET.lock().unwrap().insert(Box::leak(..))`, `self.names.push(leaked)`:
        // an interner, whose collection outlives the call and is judged by
        // `unbounded_static` or `cache_without_eviction`. (Into a collection
        // of a local, the leak is still this fn's.)
        let kept = is(symbol::GROW_METHODS, &method) && self.outlives_call(&call.receiver, 0);
        let set_once = symbol::SET_ONCE_CALLS.iter().any(|prefix| method.starts_with(prefix));
        self.visit_expr(&call.receiver);
        // `Box::leak(..).into()`, `leaked.as_ptr()`: a raw pointer whose owner frees it later.
        if method == "into" || is(symbol::RAW_METHODS, &method) {
            self.keep_elsewhere(&call.receiver);
        }
        self.elsewhere += usize::from(set_once);
        self.visit_args(expr, &call.args);
        self.elsewhere -= usize::from(set_once);
        if kept {
            for arg in &call.args {
                self.keep_elsewhere(arg);
            }
        }
    }

    /// For macro bodies that are not expressions: every local named may be
    /// moved, every fn named may be called again and again.
    fn touch_idents(&mut self, tokens: TokenStream) {
        for token in tokens {
            match token {
                proc_macro2::TokenTree::Ident(ident) => {
                    let name = ident.to_string();
                    self.reach(&name, Reach::Again);
                    self.moved.insert(name);
                }
                proc_macro2::TokenTree::Group(group) => self.touch_idents(group.stream()),
                _ => {}
            }
        }
    }
}

/// `Arc::from_raw(..)`, `File::from_raw_fd(..)`, `ptr::read(..)`, through
/// `unsafe` blocks: a value rebuilt from a raw pointer or handle.
fn from_raw(expr: &Expr) -> bool {
    match expr {
        Expr::Call(call) => matches!(&*call.func, Expr::Path(path) if path.path.segments.last().is_some_and(|last| {
            let name = last.ident.to_string();
            name.starts_with("from_raw") || name == "from_ptr" || (path.path.segments.len() > 1 && name.starts_with("read"))
        })),
        Expr::Paren(inner) => from_raw(&inner.expr),
        Expr::Unsafe(block) => matches!(block.block.stmts.last(), Some(syn::Stmt::Expr(tail, None)) if from_raw(tail)),
        _ => false,
    }
}

/// `panic!(..)`, `unreachable!(..)`, `process::exit(..)`, `abort()`: a
/// statement after which the process does not go on.
fn diverges(stmt: &syn::Stmt) -> bool {
    let expr = match stmt {
        syn::Stmt::Macro(mac) => return is(symbol::DIVERGING_MACROS, &last_segment(&mac.mac.path)),
        syn::Stmt::Expr(expr, _) => expr,
        _ => return false,
    };
    match expr {
        Expr::Macro(mac) => is(symbol::DIVERGING_MACROS, &last_segment(&mac.mac.path)),
        Expr::Call(call) => {
            matches!(&*call.func, Expr::Path(path) if matches!(last_segment(&path.path).as_str(), "exit" | "abort"))
        }
        _ => false,
    }
}

fn last_segment(path: &syn::Path) -> String {
    path.segments.last().map(|segment| segment.ident.to_string()).unwrap_or_default()
}

/// Whether a fn's return type is or holds a raw pointer (`*mut T`,
/// `NonNull<T>`, `Option<*const T>`).
fn returns_raw_pointer(output: &syn::ReturnType) -> bool {
    let syn::ReturnType::Type(_, ty) = output else { return false };
    let mut found = RawPointer(false);
    found.visit_type(ty);
    found.0
}

struct RawPointer(bool);

impl<'ast> Visit<'ast> for RawPointer {
    fn visit_type_ptr(&mut self, _: &'ast syn::TypePtr) {
        self.0 = true;
    }

    fn visit_path_segment(&mut self, segment: &'ast syn::PathSegment) {
        self.0 |= segment.ident == "NonNull";
        visit::visit_path_segment(self, segment);
    }
}

/// The local or `self` an expression starts from: `x`, `x.field`, `&mut x`,
/// `*x`, `x.method()`.
fn base_ident(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Path(path) => path.path.get_ident().map(ToString::to_string),
        Expr::Field(field) => base_ident(&field.base),
        Expr::Reference(reference) => base_ident(&reference.expr),
        Expr::Unary(unary) => base_ident(&unary.expr),
        Expr::Paren(inner) => base_ident(&inner.expr),
        Expr::Cast(cast) => base_ident(&cast.expr),
        Expr::MethodCall(call) => base_ident(&call.receiver),
        Expr::Index(index) => base_ident(&index.expr),
        _ => None,
    }
}

/// What `Box::leak(arg)` leaks: `a \`Box<T>\`` when `arg` is `Box::new(T ..)`.
fn describe_box(arg: &Expr) -> String {
    let Expr::Call(call) = arg else { return "a `Box`".to_owned() };
    let inner = match (&*call.func, call.args.first()) {
        (Expr::Path(path), Some(inner)) if path.path.segments.last().is_some_and(|last| last.ident == "new") => inner,
        _ => return "a `Box`".to_owned(),
    };
    let type_name = match inner {
        Expr::Struct(literal) => literal.path.segments.last().map(|segment| segment.ident.to_string()),
        Expr::Call(call) => match &*call.func {
            Expr::Path(path) if path.path.segments.len() > 1 => {
                path.path.segments.iter().rev().nth(1).map(|segment| segment.ident.to_string())
            }
            _ => None,
        },
        _ => None,
    };
    match type_name {
        Some(name) if name.starts_with(char::is_uppercase) => format!("a `Box<{name}>`"),
        _ => "a `Box`".to_owned(),
    }
}

impl<'a> Visit<'a> for LeakVisitor<'_, 'a> {
    fn visit_item(&mut self, _item: &'a syn::Item) {
        // Nested fns are analysed on their own.
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        let depth = self.repeat.enter_expr(expr);
        match expr {
            Expr::Call(call) => {
                self.check_call(expr, call);
                self.visit_call(expr, call);
            }
            Expr::MethodCall(call) => {
                let method = call.method.to_string();
                if call.args.is_empty() && matches!(method.as_str(), "forget" | "into_js_value") {
                    if self.is_closure(&call.receiver, 0) {
                        let what = "a wasm-bindgen `Closure`".to_owned();
                        self.push(Kind::Closure, format!("Closure::{method}"), what, call.method.span(), expr, None);
                    }
                } else if call.args.is_empty() && method == "leak" && !self.own_leak_method {
                    let what = match &*call.receiver {
                        Expr::Macro(mac) if mac.mac.path.is_ident("vec") => "a `Vec`".to_owned(),
                        Expr::Macro(mac) if mac.mac.path.is_ident("format") => "a `String`".to_owned(),
                        _ => "the value".to_owned(),
                    };
                    self.push(Kind::Leak, "leak()".to_owned(), what, call.method.span(), expr, None);
                }
                self.visit_method_call(expr, call);
            }
            Expr::Path(path) => {
                // Named as a value: moved, passed on or returned.
                if let Some(ident) = path.path.get_ident() {
                    if !self.in_place.contains(&(expr as *const Expr)) {
                        self.moved.insert(ident.to_string());
                    }
                }
                self.visit_expr_path(path);
            }
            _ => visit::visit_expr(self, expr),
        }
        self.repeat.leave(depth);
    }

    fn visit_expr_field(&mut self, field: &'a syn::ExprField) {
        if let Expr::Path(_) = &*field.base {
            self.in_place.insert(&*field.base as *const Expr);
        }
        self.take_apart(&field.base);
        visit::visit_expr_field(self, field);
    }

    fn visit_expr_unary(&mut self, unary: &'a syn::ExprUnary) {
        if matches!(unary.op, syn::UnOp::Deref(_)) && matches!(&*unary.expr, Expr::Path(_)) {
            self.in_place.insert(&*unary.expr as *const Expr);
        }
        visit::visit_expr_unary(self, unary);
    }

    fn visit_expr_cast(&mut self, cast: &'a syn::ExprCast) {
        self.take_apart(&cast.expr);
        visit::visit_expr_cast(self, cast);
        // `leaked as *mut _`: a raw pointer whose owner frees it later.
        self.keep_elsewhere(&cast.expr);
    }

    fn visit_expr_path(&mut self, path: &'a syn::ExprPath) {
        if let Some(last) = path.path.segments.last() {
            // A fn handed on as a value (`get(handler)`) may be called again
            // and again, unless an initialiser is given it.
            let reach = self.repeat.reach_as_value();
            self.reach(&last.ident.to_string(), reach);
        }
        visit::visit_expr_path(self, path);
    }

    fn visit_block(&mut self, block: &'a syn::Block) {
        // A block that ends the process or panics (`unreachable!()`,
        // `process::exit`) runs its leaks at most once.
        let before = self.leaks.len();
        visit::visit_block(self, block);
        if block.stmts.iter().any(diverges) {
            for leak in &mut self.leaks[before..] {
                leak.elsewhere = true;
            }
        }
    }

    fn visit_stmt(&mut self, stmt: &'a syn::Stmt) {
        if let syn::Stmt::Expr(expr, Some(_)) = stmt {
            self.discarded.insert(expr as *const Expr);
        }
        visit::visit_stmt(self, stmt);
    }

    fn visit_local(&mut self, local: &'a syn::Local) {
        let Some(init) = &local.init else {
            visit::visit_local(self, local);
            return;
        };
        let before = self.leaks.len();
        self.visit_expr(&init.expr);
        if let Some((_, diverge)) = &init.diverge {
            self.visit_expr(diverge);
        }
        let (pat, ty) = match &local.pat {
            syn::Pat::Type(typed) => (&*typed.pat, Some(&*typed.ty)),
            other => (other, None),
        };
        match pat {
            syn::Pat::Ident(ident) => {
                let name = ident.ident.to_string();
                // A new binding: what was done to the one it shadows is not done to it.
                self.moved.remove(&name);
                self.taken_apart.remove(&name);
                self.locals.insert(name.clone(), Local { ty, init: Some(&init.expr) });
                let leaked =
                    (before..self.leaks.len()).find(|&index| std::ptr::eq(self.leaks[index].expr, &*init.expr));
                match leaked {
                    Some(index) => {
                        self.leaked_locals.insert(name, index);
                    }
                    None => {
                        self.leaked_locals.remove(&name);
                    }
                }
            }
            syn::Pat::Wild(_) => {
                self.discarded.insert(&*init.expr as *const Expr);
            }
            _ => self.visit_pat(pat),
        }
    }

    fn visit_macro(&mut self, mac: &'a syn::Macro) {
        let name = mac.path.segments.last().map(|segment| segment.ident.to_string()).unwrap_or_default();
        if matches!(name.as_str(), "thread_local" | "lazy_static") {
            return;
        }
        match Punctuated::<Expr, Token![,]>::parse_terminated.parse2(mac.tokens.clone()) {
            Ok(exprs) => {
                if matches!(name.as_str(), "addr_of" | "addr_of_mut") {
                    for expr in &exprs {
                        self.take_apart(expr);
                    }
                }
                // The parsed expressions do not outlive this call: look at
                // what they name, without keeping them.
                let mut names = MacroNames::default();
                for expr in &exprs {
                    names.visit_expr(expr);
                }
                for (name, as_value) in names.0 {
                    self.reach(&name, Reach::Again);
                    if as_value {
                        self.moved.insert(name);
                    }
                }
            }
            Err(_) => self.touch_idents(mac.tokens.clone()),
        }
    }
}

/// Whether a block calls anything that may leak on purpose (`leak`,
/// `forget`, `into_js_value`, `ManuallyDrop::new`): a walk that allocates
/// nothing, to skip the scopes that leak nowhere.
#[derive(Default)]
struct LeakCalls(bool);

impl LeakCalls {
    fn in_block(block: &syn::Block) -> bool {
        let mut found = LeakCalls(false);
        found.visit_block(block);
        found.0
    }
}

impl<'ast> Visit<'ast> for LeakCalls {
    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let Expr::Path(path) = &*call.func {
            let segments = &path.path.segments;
            self.0 |= segments.last().is_some_and(|last| last.ident == "leak" || last.ident == "forget")
                || segments.iter().any(|segment| segment.ident == "ManuallyDrop");
        }
        if !self.0 {
            visit::visit_expr_call(self, call);
        }
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        self.0 |= call.method == "leak" || call.method == "forget" || call.method == "into_js_value";
        if !self.0 {
            visit::visit_expr_method_call(self, call);
        }
    }

    fn visit_item(&mut self, _item: &'ast syn::Item) {}
}

/// The single-ident paths named in a macro's arguments, and whether each
/// is named as a value (not only as a receiver or a field base).
#[derive(Default)]
struct MacroNames(Vec<(String, bool)>);

impl<'ast> Visit<'ast> for MacroNames {
    fn visit_expr(&mut self, expr: &'ast Expr) {
        match expr {
            Expr::Path(path) => {
                if let Some(ident) = path.path.get_ident() {
                    self.0.push((ident.to_string(), true));
                }
            }
            Expr::MethodCall(call) if matches!(&*call.receiver, Expr::Path(_)) => {
                if let Some(name) = base_ident(&call.receiver) {
                    self.0.push((name, false));
                }
                for arg in &call.args {
                    self.visit_expr(arg);
                }
            }
            Expr::Field(field) if matches!(&*field.base, Expr::Path(_)) => {
                if let Some(name) = base_ident(&field.base) {
                    self.0.push((name, false));
                }
            }
            _ => visit::visit_expr(self, expr),
        }
    }
}

fn report(cx: &mut Cx<'_, '_>, leak: &Leak, again: &Again) {
    let scope = cx.scope;
    let def = &scope.fns[leak.fn_id];
    let fn_name = match &def.self_ty {
        Some(owner) => format!("{owner}::{}", def.name),
        None => def.name.to_string(),
    };
    let (where_, repeats, label) = match again {
        Again::Fn(kind) => {
            let why = match kind {
                FnKind::Handler => format!("`{fn_name}` is a request, event or render handler: it runs on every request, event or render"),
                FnKind::Async => format!("`{fn_name}` is an `async fn`: each call is a new future, and nothing shows it is called once"),
                FnKind::Method => format!("`{fn_name}` is a method: it runs on every call, and nothing in scope shows it is called once per process"),
                FnKind::Plain => format!("`{fn_name}` may be called again and again: it is not `main`, nor called only from code that runs once"),
            };
            (format!("on every call of `{fn_name}`"), why, None)
        }
        Again::Loop { keyword, span } => (
            format!("on every iteration of a `{keyword}` loop in `{fn_name}`"),
            format!("the `{keyword}` loop runs it again and again"),
            Some((*span, format!("this `{keyword}` loop repeats the leak"))),
        ),
        Again::Callback { callee, span } => (
            format!("each time the closure given to `{callee}` runs (in `{fn_name}`)"),
            format!("the closure is a callback or an iteration given to `{callee}`, which may run it again and again"),
            Some((*span, "the closure runs each time this calls it".to_owned())),
        ),
        Again::Spawned => return,
    };
    let message = format!("`{}` leaks {} {where_}", leak.call, leak.what);
    let help = match leak.kind {
        Kind::Leak => "keep the value owned where it is needed (a field of the struct that uses it, an `Arc<str>` or `Arc<T>` shared by its users), leak it once at start-up (`OnceLock::get_or_init`), or intern it in a bounded interner",
        Kind::Forget => "let the value drop, or hand it over explicitly (`into_raw` with a matching `from_raw`); to skip a destructor for a while, keep the value in a `ManuallyDrop` that is taken back",
        Kind::ManuallyDrop => "take the value back (`ManuallyDrop::into_inner`, `ManuallyDrop::drop`, `ManuallyDrop::take`) once it is no longer needed, or let it drop",
        Kind::Closure => "keep the `Closure` in the component or handle that registered it and drop it with that (after removing the listener or clearing the timer), or use `Closure::once` for a one-shot callback",
    };
    let labels = label.map(|(span, message)| Label { location: Location { file: def.file, span }, message });
    cx.report(Location { file: def.file, span: leak.span }, message)
        .labels(labels)
        .note(format!("{repeats}, and each run leaks one more value that is never freed"))
        .note("memory leaked on purpose is never given back: once at start-up it is an idiom, per call it grows with traffic until the process runs out of memory")
        .help(help)
        .anchor(def.settings)
        .emit();
}
