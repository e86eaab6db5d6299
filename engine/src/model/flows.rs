//! Pass 4: closures stored where they outlive the call that made them, and
//! what they hold.
//!
//! Walks every fn body and records each place a closure reaches a slot: an
//! assignment (`self.on_click = Some(Box::new(move || ..))`, `*cell.borrow_mut()
//! = Some(Closure::new(..))`), a growth of a collection (`push`, `insert`,
//! `replace`, ...), a method of the scope whose body stores its parameter in
//! a field of `self` (followed one level), or a call whose name registers a
//! callback on its receiver (`connect_*`, `on_*`, ..., a setting). For each
//! stored closure it records the variables it captures, where each comes
//! from (a clone of which variable, a `downgrade`, a new value) and its type
//! as far as the fn shows it. glib's `clone!` is read as the closure it
//! builds, its `@strong`/`#[strong]` names as strong captures and
//! `@weak`/`#[weak]` names as weak ones.

use std::collections::{HashMap, HashSet};

use proc_macro2::{Span, TokenStream, TokenTree};
use syn::spanned::Spanned;
use syn::visit::{self, Visit};
use syn::{Expr, Type};

use super::Scope;
use crate::symbol::{self, is};
use crate::types;

/// A variable and the fields below it: `self.button`, `state.items`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Place {
    pub(crate) root: String,
    pub(crate) path: Vec<String>,
}

impl Place {
    /// `self.button`.
    pub(crate) fn text(&self) -> String {
        std::iter::once(self.root.as_str()).chain(self.path.iter().map(String::as_str)).collect::<Vec<_>>().join(".")
    }

    /// Whether this place is `prefix` or a field below it.
    pub(crate) fn starts_with(&self, prefix: &Place) -> bool {
        self.root == prefix.root && self.path.starts_with(&prefix.path)
    }
}

/// How a captured variable holds its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Hold {
    /// A clone (`x.clone()`, `Rc::clone(&x)`, `@strong x`) of the place: the
    /// same shared value, held strongly.
    CloneOf(Place),
    /// A `Weak` (`Rc::downgrade(&x)`, `@weak x`): holds nothing alive.
    Weak,
    /// The variable itself, or a value made in the fn.
    Own,
}

/// A variable a stored closure captures.
#[derive(Clone, Debug)]
pub(crate) struct Capture {
    pub(crate) name: String,
    /// Its first use in the closure, or its name in `clone!(..)`.
    pub(crate) span: Span,
    pub(crate) hold: Hold,
    /// Its type, where the fn shows it.
    pub(crate) ty: Option<Type>,
}

/// Where a closure is stored.
#[derive(Clone, Debug)]
pub(crate) struct Slot {
    /// The place the slot is reached from, as the code writes it.
    pub(crate) written: Place,
    /// The same place with clones followed back to the variable they were
    /// made from.
    pub(crate) place: Place,
    /// The type of the scope and its field that hold the closure, when known.
    pub(crate) field: Option<(usize, usize)>,
}

/// A closure stored in a slot.
#[derive(Clone, Debug)]
pub(crate) struct Store {
    pub(crate) fn_id: usize,
    /// What stores it (`push`, `=`, `connect_clicked`), for messages, and where.
    pub(crate) verb: String,
    pub(crate) at: Span,
    pub(crate) slot: Slot,
    pub(crate) captures: Vec<Capture>,
}

/// A value written into a field of a type of the scope after construction:
/// `x.field = value`, `*x.field.borrow_mut() = value`, `x.field.set(value)`,
/// `x.field.push(value)`.
#[derive(Clone, Debug)]
pub(crate) struct FieldWrite<'a> {
    /// The type of the scope and the index of its field.
    pub(crate) field: (usize, usize),
    pub(crate) value: &'a Expr,
}

/// Method names that register a callback on their receiver, by default
/// (`*` stands for any text).
pub const CALLBACK_REGISTRARS: &[&str] = &[
    "connect_*",
    "on_*",
    "add_*listener",
    "add_*handler",
    "add_*callback",
    "subscribe*",
    "set_*callback",
    "set_*handler",
    "set_on_*",
    "register*",
    "listen*",
];

/// Whether `name` matches `pattern`, where `*` stands for any text.
pub(crate) fn matches_pattern(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let [first, middle @ .., last] = parts.as_slice() else { return pattern == name };
    if name.len() < first.len() + last.len() || !name.starts_with(first) || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

/// The types of the scope whose values a `Drop` impl empties, with the type
/// the `Drop` is for: `(dropped, emptied)` for `impl Drop for Service { fn
/// drop(&mut self) { self.pool.clear() } }` when `pool` is a `Pool` of the
/// scope. Emptying is a shrinking method (`clear`, `take`, `drain`,
/// `remove`, ...), `mem::take`/`mem::replace`, or assigning `None`.
pub(crate) fn emptied_by_drop(scope: &Scope<'_>) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let no_methods = Methods::of(scope);
    for (id, def) in scope.fns.iter().enumerate() {
        let (Some(self_ty), true) = (&def.self_ty, def.name == "drop" && def.sig.inputs.len() == 1) else { continue };
        let Some(&dropped) = scope.types_named(self_ty).first() else { continue };
        let flows = Flows::new(scope, id, &[], None, &no_methods);
        let mut emptied = Emptied { flows: &flows, found: Vec::new() };
        emptied.visit_block(def.body);
        out.extend(emptied.found.into_iter().map(|ty| (dropped, ty)));
    }
    out
}

/// The expressions a `drop` body empties, by the scope type they have.
struct Emptied<'f, 's, 'a> {
    flows: &'f Flows<'s, 'a>,
    found: Vec<usize>,
}

impl Emptied<'_, '_, '_> {
    fn empties(&mut self, expr: &Expr) {
        if let Some(id) = self.flows.type_of(expr).and_then(|ty| self.flows.scope_type(&ty)) {
            self.found.push(id);
        }
    }
}

impl<'ast> Visit<'ast> for Emptied<'_, '_, '_> {
    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        if crate::symbol::is(crate::symbol::SHRINK_METHODS, &call.method.to_string()) {
            self.empties(&call.receiver);
        }
        visit::visit_expr_method_call(self, call);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        let reset = matches!(&*call.func, Expr::Path(path) if path.path.segments.last().is_some_and(|last| crate::symbol::is(crate::symbol::RESET_FUNCTIONS, &last.ident.to_string())));
        if reset {
            for arg in &call.args {
                self.empties(arg);
            }
        }
        visit::visit_expr_call(self, call);
    }

    fn visit_expr_assign(&mut self, assign: &'ast syn::ExprAssign) {
        if matches!(&*assign.right, Expr::Path(path) if path.path.is_ident("None")) {
            self.empties(&assign.left);
        }
        visit::visit_expr_assign(self, assign);
    }
}

/// The methods of the scope, by name and by (self type, name).
struct Methods {
    names: HashSet<String>,
    by_owner: HashMap<(String, String), usize>,
}

impl Methods {
    fn of(scope: &Scope<'_>) -> Methods {
        let mut methods = Methods { names: HashSet::new(), by_owner: HashMap::new() };
        for (id, def) in scope.fns.iter().enumerate() {
            if let Some(owner) = &def.self_ty {
                methods.names.insert(def.name.to_string());
                methods.by_owner.entry((owner.clone(), def.name.to_string())).or_insert(id);
            }
        }
        methods
    }
}

/// Methods of the scope that store a parameter in a field of `self`: (method
/// name, parameter index) to the `self` type and the field's path.
type StoringMethods = HashMap<(String, usize), (Option<String>, Vec<String>)>;

/// Every closure store of `scope`, with `registrars` the name patterns of
/// calls that register a callback on their receiver.
pub(crate) fn collect<'a>(scope: &Scope<'a>, registrars: &[String]) -> (Vec<Store>, Vec<FieldWrite<'a>>) {
    // Methods of the scope that store a parameter in a field of `self`:
    // (method name, parameter index) to the field path.
    let mut storing = StoringMethods::new();
    let methods = Methods::of(scope);
    for (id, def) in scope.fns.iter().enumerate() {
        // Only a method with parameters can store one.
        if def.self_ty.is_none() || !def.sig.inputs.iter().any(|input| matches!(input, syn::FnArg::Typed(_))) {
            continue;
        }
        let params: Vec<String> = def
            .sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                syn::FnArg::Typed(typed) => Some(pat_name(&typed.pat).unwrap_or_default()),
                syn::FnArg::Receiver(_) => None,
            })
            .collect();
        let mut walker = Flows::new(scope, id, registrars, None, &methods);
        walker.closure_params = params.iter().filter(|name| !name.is_empty()).cloned().collect();
        walker.visit_block(def.body);
        for store in walker.param_stores {
            let (param, place) = store;
            if place.root == "self" && !place.path.is_empty() {
                if let Some(index) = params.iter().position(|name| *name == param) {
                    storing.insert((def.name.to_string(), index), (def.self_ty.clone(), place.path));
                }
            }
        }
    }
    let (mut stores, mut writes) = (Vec::new(), Vec::new());
    for id in 0..scope.fns.len() {
        if !may_flow(scope.fns[id].body) {
            continue;
        }
        let mut walker = Flows::new(scope, id, registrars, Some(&storing), &methods);
        walker.visit_block(scope.fns[id].body);
        stores.extend(walker.stores);
        writes.extend(walker.writes);
    }
    (stores, writes)
}

/// Whether a body can store a closure or write a field: it holds a closure,
/// a `clone!` macro or an assignment. A cheap walk that lets the full one
/// skip most bodies.
fn may_flow(body: &syn::Block) -> bool {
    #[derive(Default)]
    struct Scan(bool);
    impl<'a> Visit<'a> for Scan {
        fn visit_item(&mut self, _item: &'a syn::Item) {}
        fn visit_expr_closure(&mut self, _closure: &'a syn::ExprClosure) {
            self.0 = true;
        }
        fn visit_expr_assign(&mut self, _assign: &'a syn::ExprAssign) {
            self.0 = true;
        }
        fn visit_macro(&mut self, mac: &'a syn::Macro) {
            self.0 |= is_clone_macro(mac);
        }
    }
    let mut scan = Scan::default();
    scan.visit_block(body);
    scan.0
}

/// What the fn knows of a local variable.
#[derive(Clone, Debug)]
struct Binding {
    hold: Hold,
    ty: Option<Type>,
}

struct Flows<'s, 'a> {
    scope: &'s Scope<'a>,
    fn_id: usize,
    registrars: &'s [String],
    storing: Option<&'s StoringMethods>,
    /// The methods the scope defines.
    methods: &'s Methods,
    vars: HashMap<String, Binding>,
    /// Locals bound to a closure value (`let cb = move || ..;`).
    closure_vars: HashMap<String, ClosureValue<'a>>,
    /// Parameters that stand for closures, while finding which methods
    /// store their parameters.
    closure_params: HashSet<String>,
    param_stores: Vec<(String, Place)>,
    stores: Vec<Store>,
    writes: Vec<FieldWrite<'a>>,
    /// Registration calls whose result the code keeps (bound to a name,
    /// assigned): the handle they return can remove the callback (a
    /// subscription guard, a handler id to disconnect).
    kept: HashSet<*const syn::ExprMethodCall>,
}

/// A closure value: the closure itself, or `clone!`'s tokens.
#[derive(Clone, Copy, Debug)]
enum ClosureValue<'a> {
    Closure(&'a syn::ExprClosure),
    CloneMacro(&'a syn::Macro),
}

impl<'s, 'a> Flows<'s, 'a> {
    fn new(
        scope: &'s Scope<'a>,
        fn_id: usize,
        registrars: &'s [String],
        storing: Option<&'s StoringMethods>,
        methods: &'s Methods,
    ) -> Self {
        let mut flows = Flows {
            scope,
            fn_id,
            registrars,
            storing,
            methods,
            vars: HashMap::new(),
            closure_vars: HashMap::new(),
            closure_params: HashSet::new(),
            param_stores: Vec::new(),
            stores: Vec::new(),
            writes: Vec::new(),
            kept: HashSet::new(),
        };
        for input in &scope.fns[fn_id].sig.inputs {
            match input {
                syn::FnArg::Typed(typed) => {
                    if let Some(name) = pat_name(&typed.pat) {
                        flows.vars.insert(name, Binding { hold: Hold::Own, ty: Some((*typed.ty).clone()) });
                    }
                }
                syn::FnArg::Receiver(receiver) => {
                    let ty = scope.fns[fn_id].self_ty.as_ref().map(|name| self_type(name, receiver));
                    flows.vars.insert("self".to_owned(), Binding { hold: Hold::Own, ty });
                }
            }
        }
        flows
    }

    /// The closure an expression evaluates to, through the wrappers a slot
    /// needs (`Box::new`, `Rc::new`, `Some`, `Closure::new`, `as Box<dyn Fn()>`).
    fn closure_of(&self, expr: &'a Expr) -> Option<ClosureValue<'a>> {
        match expr {
            Expr::Closure(closure) => Some(ClosureValue::Closure(closure)),
            Expr::Paren(inner) => self.closure_of(&inner.expr),
            Expr::Cast(cast) => self.closure_of(&cast.expr),
            // `Closure::new({ let a = a.clone(); move || .. })`: the block's value.
            Expr::Block(block) => match block.block.stmts.last() {
                Some(syn::Stmt::Expr(tail, None)) => self.closure_of(tail),
                _ => None,
            },
            Expr::Macro(mac) if is_clone_macro(&mac.mac) => Some(ClosureValue::CloneMacro(&mac.mac)),
            Expr::Call(call) => {
                let Expr::Path(path) = &*call.func else { return None };
                let last = path.path.segments.last()?.ident.to_string();
                if !symbol::CLOSURE_WRAPPERS.contains(&last.as_str()) {
                    return None;
                }
                call.args.iter().find_map(|arg| self.closure_of(arg))
            }
            Expr::MethodCall(call) if call.args.is_empty() && call.method == "into" => self.closure_of(&call.receiver),
            Expr::Path(path) => {
                let name = path.path.get_ident()?.to_string();
                self.closure_vars.get(&name).copied()
            }
            _ => None,
        }
    }

    /// The parameter an expression passes on as it is (maybe wrapped), when
    /// finding which methods store their parameters.
    fn param_of(&self, expr: &Expr) -> Option<String> {
        match expr {
            Expr::Path(path) => {
                let name = path.path.get_ident()?.to_string();
                self.closure_params.contains(&name).then_some(name)
            }
            Expr::Paren(inner) => self.param_of(&inner.expr),
            Expr::Cast(cast) => self.param_of(&cast.expr),
            Expr::Call(call) => {
                let Expr::Path(path) = &*call.func else { return None };
                let last = path.path.segments.last()?.ident.to_string();
                symbol::CLOSURE_WRAPPERS
                    .contains(&last.as_str())
                    .then(|| call.args.iter().find_map(|arg| self.param_of(arg)))?
            }
            Expr::MethodCall(call) if call.args.is_empty() && call.method == "into" => self.param_of(&call.receiver),
            _ => None,
        }
    }

    /// The place a slot expression is reached from, through borrows, locks,
    /// unwraps and derefs, with the clones of its root followed back.
    fn place_of(&self, expr: &Expr) -> Option<Place> {
        let place = self.raw_place(expr)?;
        Some(self.canonical(place))
    }

    fn raw_place(&self, expr: &Expr) -> Option<Place> {
        match expr {
            Expr::Path(path) => {
                let ident = path.path.get_ident()?;
                Some(Place { root: ident.to_string(), path: Vec::new() })
            }
            Expr::Field(field) => {
                let mut place = self.raw_place(&field.base)?;
                place.path.push(types::member_name(&field.member));
                Some(place)
            }
            Expr::Paren(inner) => self.raw_place(&inner.expr),
            Expr::Reference(inner) => self.raw_place(&inner.expr),
            Expr::Unary(unary) if matches!(unary.op, syn::UnOp::Deref(_)) => self.raw_place(&unary.expr),
            Expr::Try(inner) => self.raw_place(&inner.expr),
            Expr::MethodCall(call)
                if call.args.is_empty() && {
                    let method = call.method.to_string();
                    is(symbol::ACCESS_METHODS, &method) || matches!(method.as_str(), "as_ref" | "get_mut")
                } =>
            {
                self.raw_place(&call.receiver)
            }
            _ => None,
        }
    }

    /// `place` with its root replaced by what the root was cloned from.
    fn canonical(&self, mut place: Place) -> Place {
        for _ in 0..8 {
            match self.vars.get(&place.root).map(|binding| &binding.hold) {
                Some(Hold::CloneOf(origin)) => {
                    let mut path = origin.path.clone();
                    path.extend(place.path);
                    place = Place { root: origin.root.clone(), path };
                }
                _ => break,
            }
        }
        place
    }

    /// How a value bound to a new variable is held: `x.clone()`,
    /// `Rc::clone(&x)`, `Arc::clone(&x)`, `x.to_owned()` of a place are
    /// clones of it; `Rc::downgrade(&x)`, `x.downgrade()` are weak.
    fn hold_of(&self, expr: &Expr) -> Hold {
        match expr {
            Expr::MethodCall(call) if call.args.is_empty() => match call.method.to_string().as_str() {
                "clone" | "to_owned" => self.place_of(&call.receiver).map_or(Hold::Own, Hold::CloneOf),
                "downgrade" => Hold::Weak,
                _ => Hold::Own,
            },
            Expr::Call(call) if call.args.len() == 1 => {
                let Expr::Path(path) = &*call.func else { return Hold::Own };
                match path.path.segments.last().map(|segment| segment.ident.to_string()).as_deref() {
                    Some("clone") => self.place_of(&call.args[0]).map_or(Hold::Own, Hold::CloneOf),
                    Some("downgrade") => Hold::Weak,
                    _ => Hold::Own,
                }
            }
            Expr::Paren(inner) => self.hold_of(&inner.expr),
            _ => Hold::Own,
        }
    }

    /// The type of an expression, as far as the fn shows it.
    fn type_of(&self, expr: &Expr) -> Option<Type> {
        match expr {
            Expr::Path(path) => {
                let ident = path.path.get_ident()?;
                match self.vars.get(&ident.to_string()) {
                    Some(binding) => binding.ty.clone(),
                    None if ident == "None" => Some(syn::parse_quote!(Option<_>)),
                    None => None,
                }
            }
            Expr::Paren(inner) => self.type_of(&inner.expr),
            Expr::Reference(inner) => self.type_of(&inner.expr),
            Expr::MethodCall(call)
                if call.args.is_empty() && matches!(call.method.to_string().as_str(), "clone" | "to_owned") =>
            {
                self.type_of(&call.receiver).map(strip_reference)
            }
            // An accessor of the scope: `self.app_state.pool()`.
            Expr::MethodCall(call) if call.args.is_empty() => {
                let owner = self.scope_type(&self.type_of(&call.receiver)?)?;
                let owner = self.scope.types[owner].name.to_string();
                self.constructor_type(&owner, &call.method.to_string()).map(strip_reference)
            }
            Expr::Struct(literal) => {
                let path = &literal.path;
                Some(syn::parse_quote!(#path))
            }
            Expr::Field(field) => {
                let base = self.type_of(&field.base)?;
                let syn::Member::Named(name) = &field.member else { return None };
                let def = self.scope_type(&base)?;
                self.scope.types[def].fields.iter().find(|f| f.name.is_some_and(|n| n == name)).map(|f| f.ty.clone())
            }
            Expr::Call(call) => {
                let Expr::Path(path) = &*call.func else { return None };
                let segments: Vec<String> = path.path.segments.iter().map(|s| s.ident.to_string()).collect();
                let [.., owner, func] = segments.as_slice() else { return None };
                match (owner.as_str(), func.as_str()) {
                    ("Rc" | "Arc", "clone") => call.args.first().and_then(|arg| self.type_of(arg)).map(strip_reference),
                    // `Rc::new(RefCell::new(None))`: the wrappers are known even
                    // where what they wrap is not (`Rc<RefCell<_>>`).
                    (wrapper, "new") if is_std_wrapper(wrapper) => {
                        let inner =
                            call.args.first().and_then(|arg| self.type_of(arg)).unwrap_or_else(|| syn::parse_quote!(_));
                        let wrapper = syn::Ident::new(wrapper, Span::call_site());
                        Some(syn::parse_quote!(#wrapper<#inner>))
                    }
                    _ => self.constructor_type(owner, func),
                }
            }
            _ => None,
        }
    }

    /// The type `Owner::func(..)` returns, for a type of the scope: its
    /// declared return type with `Self` replaced.
    fn constructor_type(&self, owner: &str, func: &str) -> Option<Type> {
        let &id = self.methods.by_owner.get(&(owner.to_owned(), func.to_owned()))?;
        let def = &self.scope.fns[id];
        let syn::ReturnType::Type(_, ty) = &def.sig.output else { return None };
        let owner = syn::Ident::new(owner, Span::call_site());
        let text = quote::ToTokens::to_token_stream(&**ty).to_string().replace("Self", &owner.to_string());
        syn::parse_str(&text).ok()
    }

    /// The type of the scope a type is or wraps (`Rc<RefCell<Widget>>` is a `Widget`).
    fn scope_type(&self, ty: &Type) -> Option<usize> {
        let mut ty = strip_reference(ty.clone());
        for _ in 0..8 {
            let segment = types::segment(&ty)?;
            let def = &self.scope.fns[self.fn_id];
            if let Type::Path(path) = &ty {
                if let super::names::Resolved::Type { id, .. } =
                    self.scope.resolve_path(&path.path, &def.module, def.file)
                {
                    return Some(id);
                }
            }
            ty = strip_reference((*segment.args.first()?).clone());
        }
        None
    }

    /// The slot field of the type of the scope behind `place`, if the place
    /// names one (`self.handlers` in an impl of `Widget`).
    fn slot_field(&self, place: &Place) -> Option<(usize, usize)> {
        let (field, parents) = place.path.split_last()?;
        let mut ty = self.vars.get(&place.root)?.ty.clone()?;
        for parent in parents {
            let owner = self.scope_type(&ty)?;
            ty = self.scope.types[owner].fields.iter().find(|f| f.label == *parent)?.ty.clone();
        }
        let owner = self.scope_type(&ty)?;
        let index = self.scope.types[owner].fields.iter().position(|f| f.label == *field)?;
        Some((owner, index))
    }

    fn record(&mut self, value: ClosureValue<'a>, slot_expr: Place, verb: String, at: Span) {
        self.record_in(value, slot_expr, None, verb, at);
    }

    /// [`Flows::record`] with the slot's field when it is known from the
    /// method that stores the closure.
    fn record_in(
        &mut self,
        value: ClosureValue<'a>,
        slot_expr: Place,
        field: Option<(usize, usize)>,
        verb: String,
        at: Span,
    ) {
        let place = self.canonical(slot_expr.clone());
        let field = field.or_else(|| self.slot_field(&slot_expr));
        let captures = self.captures(value);
        self.stores.push(Store {
            fn_id: self.fn_id,
            verb,
            at,
            slot: Slot { written: slot_expr, place, field },
            captures,
        });
    }

    /// The variables of the fn that a closure value captures.
    fn captures(&self, value: ClosureValue<'a>) -> Vec<Capture> {
        let mut out = Vec::new();
        let parsed;
        let (closure, listed): (Option<&syn::ExprClosure>, Vec<(String, Span, bool)>) = match value {
            ClosureValue::Closure(closure) => (Some(closure), Vec::new()),
            ClosureValue::CloneMacro(mac) => {
                let (closure, listed) = parse_clone_macro(mac);
                parsed = closure;
                (parsed.as_ref(), listed)
            }
        };
        let mut seen = HashSet::new();
        for (name, span, strong) in listed {
            seen.insert(name.clone());
            let binding = self.vars.get(&name);
            let hold = if strong {
                Hold::CloneOf(self.canonical(Place { root: name.clone(), path: Vec::new() }))
            } else {
                Hold::Weak
            };
            out.push(Capture { name, span, hold, ty: binding.and_then(|b| b.ty.clone()) });
        }
        // A closure without `move` borrows what it uses (it could not be
        // kept past the call otherwise); `clone!` closures move their names in.
        let moves =
            closure.is_some_and(|closure| closure.capture.is_some()) || matches!(value, ClosureValue::CloneMacro(_));
        if let Some(closure) = closure.filter(|_| moves) {
            let mut free = FreeVars::default();
            for input in &closure.inputs {
                free.bind_pat(input);
            }
            free.visit_expr(&closure.body);
            for (name, span) in free.used {
                if seen.contains(&name) || free.bound.contains(&name) {
                    continue;
                }
                let Some(binding) = self.vars.get(&name) else { continue };
                seen.insert(name.clone());
                out.push(Capture { name, span, hold: binding.hold.clone(), ty: binding.ty.clone() });
            }
        }
        out
    }

    fn bind_local(&mut self, pat: &syn::Pat, init: &'a Expr) {
        let Some(name) = pat_name(pat) else { return };
        if let Some(value) = self.closure_of(init) {
            self.closure_vars.insert(name.clone(), value);
        } else {
            self.closure_vars.remove(&name);
        }
        let declared = match pat {
            syn::Pat::Type(typed) => Some((*typed.ty).clone()),
            _ => None,
        };
        let ty = declared.or_else(|| self.type_of(init));
        let hold = self.hold_of(init);
        self.vars.insert(name, Binding { hold, ty });
    }

    /// Notes the registration call `expr` stands for (through `?`, `.await`
    /// and `.unwrap()`) as one whose result is kept.
    fn keep(&mut self, expr: &'a Expr) {
        match expr {
            Expr::Try(inner) => self.keep(&inner.expr),
            Expr::Await(inner) => self.keep(&inner.base),
            Expr::Paren(inner) => self.keep(&inner.expr),
            Expr::MethodCall(call)
                if call.args.is_empty() && matches!(call.method.to_string().as_str(), "unwrap" | "expect") =>
            {
                self.keep(&call.receiver);
            }
            Expr::MethodCall(call) => {
                self.kept.insert(std::ptr::from_ref(call));
            }
            Expr::Call(call)
                if call.args.len() == 1
                    && matches!(&*call.func, Expr::Path(path) if path.path.is_ident("Some") || path.path.is_ident("Ok")) =>
            {
                self.keep(&call.args[0]);
            }
            _ => {}
        }
    }

    fn is_registrar(&self, method: &str) -> bool {
        self.registrars.iter().any(|pattern| matches_pattern(pattern, method))
    }
}

impl<'a> Visit<'a> for Flows<'_, 'a> {
    fn visit_item(&mut self, _item: &'a syn::Item) {
        // Nested items are analysed on their own.
    }

    fn visit_local(&mut self, local: &'a syn::Local) {
        if let (Some(init), false) = (&local.init, matches!(local.pat, syn::Pat::Wild(_))) {
            self.keep(&init.expr);
        }
        visit::visit_local(self, local);
        if let Some(init) = &local.init {
            self.bind_local(&local.pat, &init.expr);
        }
    }

    fn visit_expr_struct(&mut self, literal: &'a syn::ExprStruct) {
        // A handle given to a field of a new value is kept (`Self { listener: target.listen(cb) }`).
        for field in &literal.fields {
            self.keep(&field.expr);
        }
        visit::visit_expr_struct(self, literal);
    }

    fn visit_expr_assign(&mut self, assign: &'a syn::ExprAssign) {
        if !matches!(&*assign.left, Expr::Infer(_)) {
            self.keep(&assign.right);
        }
        if let Some(field) = self.raw_place(&assign.left).and_then(|place| self.slot_field(&place)) {
            self.writes.push(FieldWrite { field, value: &assign.right });
        }
        if let Some(place) = self.raw_place(&assign.left) {
            if let Some(param) = self.param_of(&assign.right) {
                self.param_stores.push((param, self.canonical(place.clone())));
            }
            if let Some(value) = self.closure_of(&assign.right) {
                self.record(value, place, "=".to_owned(), assign.eq_token.span());
            }
        }
        visit::visit_expr_assign(self, assign);
    }

    fn visit_expr_method_call(&mut self, call: &'a syn::ExprMethodCall) {
        let method = call.method.to_string();
        // A handle pushed into a collection is kept (`self.guards.push(target.listen(cb))`).
        if symbol::STORE_METHODS.contains(&method.as_str()) {
            for arg in &call.args {
                self.keep(arg);
            }
        }
        // A method the scope defines is followed instead of guessed from its name.
        let defined = self.methods.names.contains(&method);
        // A registration whose result is kept returns what removes the
        // callback again (`let listener = history.listen(cb);`).
        let kept = self.kept.contains(&std::ptr::from_ref(call));
        let stores_in_receiver =
            symbol::STORE_METHODS.contains(&method.as_str()) || (!defined && !kept && self.is_registrar(&method));
        for (index, arg) in call.args.iter().enumerate() {
            if let Some(param) = self.param_of(arg) {
                if stores_in_receiver {
                    if let Some(place) = self.raw_place(&call.receiver) {
                        self.param_stores.push((param, self.canonical(place)));
                    }
                }
            }
            let Some(value) = self.closure_of(arg) else { continue };
            let Some(receiver) = self.raw_place(&call.receiver) else { continue };
            let stored_by_method = self.storing.and_then(|storing| storing.get(&(method.clone(), index)));
            if let Some((self_ty, field_path)) = stored_by_method {
                let field = match (self_ty, field_path.as_slice()) {
                    (Some(self_ty), [field]) => self.scope.types_named(self_ty).iter().find_map(|&owner| {
                        let index = self.scope.types[owner].fields.iter().position(|f| f.label == *field)?;
                        Some((owner, index))
                    }),
                    _ => None,
                };
                let mut place = receiver;
                place.path.extend(field_path.iter().cloned());
                self.record_in(value, place, field, method.clone(), call.method.span());
            } else if stores_in_receiver {
                self.record(value, receiver, method.clone(), call.method.span());
            }
        }
        visit::visit_expr_method_call(self, call);
    }
}

/// The type `self` has in an impl of `self_ty`: `&self` is the type itself,
/// `self: &Rc<Self>` an `Rc` of it.
fn self_type(self_ty: &str, receiver: &syn::Receiver) -> Type {
    let ident = syn::Ident::new(self_ty, Span::call_site());
    let plain: Type = syn::parse_quote!(#ident);
    match &receiver.kind {
        syn::ReceiverKind::Typed(_, ty) => {
            let text = quote::ToTokens::to_token_stream(&**ty).to_string().replace("Self", self_ty);
            syn::parse_str(&text).map(strip_reference).unwrap_or(plain)
        }
        _ => plain,
    }
}

fn strip_reference(ty: Type) -> Type {
    match ty {
        Type::Reference(reference) => strip_reference(*reference.elem),
        Type::Paren(inner) => strip_reference(*inner.elem),
        other => other,
    }
}

fn is_std_wrapper(name: &str) -> bool {
    matches!(name, "Rc" | "Arc" | "RefCell" | "Cell" | "Mutex" | "RwLock" | "Box" | "OnceCell")
}

fn pat_name(pat: &syn::Pat) -> Option<String> {
    match pat {
        syn::Pat::Ident(ident) => Some(ident.ident.to_string()),
        syn::Pat::Type(typed) => pat_name(&typed.pat),
        syn::Pat::Reference(reference) => pat_name(&reference.pat),
        _ => None,
    }
}

fn is_clone_macro(mac: &syn::Macro) -> bool {
    mac.path.segments.last().is_some_and(|last| last.ident == "clone")
}

/// The closure of a `clone!(..)` call and the names it lists, strong or not:
/// `clone!(@strong a, @weak b => move || ..)` and `clone!(#[strong] a,
/// #[weak] b, move || ..)`. A name listed with no mode is cloned (strong).
fn parse_clone_macro(mac: &syn::Macro) -> (Option<syn::ExprClosure>, Vec<(String, Span, bool)>) {
    let mut segments: Vec<Vec<TokenTree>> = vec![Vec::new()];
    let tokens: Vec<TokenTree> = mac.tokens.clone().into_iter().collect();
    let mut index = 0;
    while index < tokens.len() {
        match &tokens[index] {
            TokenTree::Punct(punct) if punct.as_char() == ',' => segments.push(Vec::new()),
            TokenTree::Punct(punct)
                if punct.as_char() == '='
                    && matches!(tokens.get(index + 1), Some(TokenTree::Punct(next)) if next.as_char() == '>') =>
            {
                segments.push(Vec::new());
                index += 1;
            }
            token => segments.last_mut().map_or((), |segment| segment.push(token.clone())),
        }
        index += 1;
    }
    let mut closure = None;
    let mut listed = Vec::new();
    for segment in segments {
        if segment.is_empty() {
            continue;
        }
        let stream: TokenStream = segment.iter().cloned().collect();
        if let Ok(Expr::Closure(parsed)) = syn::parse2::<Expr>(stream) {
            closure = Some(parsed);
            continue;
        }
        // `@strong name`, `@weak-allow-none name as other`, `#[weak] name`, `name`.
        let mut mode = String::new();
        let mut name = None;
        let mut rest = segment.iter().peekable();
        while let Some(token) = rest.next() {
            match token {
                TokenTree::Punct(punct) if punct.as_char() == '@' => {
                    if let Some(TokenTree::Ident(ident)) = rest.next() {
                        mode = ident.to_string();
                    }
                    // `weak-allow-none`, `to-owned`.
                    while matches!(rest.peek(), Some(TokenTree::Punct(punct)) if punct.as_char() == '-') {
                        rest.next();
                        rest.next();
                    }
                }
                TokenTree::Punct(punct) if punct.as_char() == '#' => {
                    if let Some(TokenTree::Group(group)) = rest.next() {
                        mode = group.stream().into_iter().next().map(|token| token.to_string()).unwrap_or_default();
                    }
                }
                TokenTree::Ident(ident) if name.is_none() && ident != "as" => name = Some(ident.clone()),
                _ => {}
            }
        }
        if let Some(name) = name {
            if !mode.starts_with("default") {
                listed.push((name.to_string(), name.span(), !mode.starts_with("weak")));
            }
        }
    }
    (closure, listed)
}

/// Variables an expression uses, and the ones it binds itself.
#[derive(Default)]
struct FreeVars {
    used: Vec<(String, Span)>,
    bound: HashSet<String>,
}

impl FreeVars {
    fn bind_pat(&mut self, pat: &syn::Pat) {
        struct Names<'b>(&'b mut HashSet<String>);
        impl<'ast> Visit<'ast> for Names<'_> {
            fn visit_pat_ident(&mut self, ident: &'ast syn::PatIdent) {
                self.0.insert(ident.ident.to_string());
                visit::visit_pat_ident(self, ident);
            }
        }
        Names(&mut self.bound).visit_pat(pat);
    }
}

impl<'ast> Visit<'ast> for FreeVars {
    fn visit_expr_path(&mut self, path: &'ast syn::ExprPath) {
        if path.qself.is_none() {
            if let Some(ident) = path.path.get_ident() {
                let name = ident.to_string();
                if !self.used.iter().any(|(used, _)| *used == name) {
                    self.used.push((name, ident.span()));
                }
            }
        }
        visit::visit_expr_path(self, path);
    }

    fn visit_pat(&mut self, pat: &'ast syn::Pat) {
        self.bind_pat(pat);
        visit::visit_pat(self, pat);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        // `println!("{}", x)`, `format!(..)`: idents in macro tokens are uses.
        fn idents(tokens: TokenStream, out: &mut Vec<(String, Span)>) {
            for token in tokens {
                match token {
                    TokenTree::Ident(ident) => {
                        let name = ident.to_string();
                        if !out.iter().any(|(used, _)| *used == name) {
                            out.push((name, ident.span()));
                        }
                    }
                    TokenTree::Group(group) => idents(group.stream(), out),
                    _ => {}
                }
            }
        }
        idents(mac.tokens.clone(), &mut self.used);
    }

    fn visit_item(&mut self, _item: &'ast syn::Item) {}
}
