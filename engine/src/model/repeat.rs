//! Whether code runs once per process or again and again, and why.
//!
//! A walk over a fn body keeps a [`Repeat`]: a stack of the contexts it is
//! inside, from the fn's own body (a bin's `main` runs once, any other fn may
//! be called again and again) to the innermost loop, initialiser or callback.
//! The innermost context that decides is the answer: a `loop` inside `main`
//! repeats, a `get_or_init` closure inside a loop runs once (per cell), a
//! closure registered as a callback runs on every event. The walks of the
//! model (`uses`) and the lints that ask the question (`leak_per_call`) drive
//! the same stack, so they agree on what runs once.
//!
//! Static initialisers and test code never reach these walks: the items pass
//! leaves test code out, and a static's initialiser is not a fn body.

use proc_macro2::Span;
use syn::Expr;

use crate::symbol::{self, is};

/// Why code runs at most once per process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Once {
    /// A bin's `main`, outside its loops.
    Main,
    /// A closure given to `Once::call_once`, `OnceLock::get_or_init`,
    /// `LazyLock::new` and the like.
    Initialiser,
    /// A fn marked to run once at start-up (`#[wasm_bindgen(start)]`,
    /// `#[ctor]`), or called only from code that runs once.
    StartUp,
}

/// Why code may run again and again.
#[derive(Clone, Debug)]
pub(crate) enum Again {
    /// A `loop`, a `while`, or a `for` over anything but a fixed set.
    Loop { keyword: &'static str, span: Span },
    /// A closure handed to a call that may call it many times: a callback
    /// (`on_click(move |_| ..)`, `route("/", get(|| ..))`) or an iterator
    /// adaptor over an open source (`lines().for_each(..)`).
    Callback { callee: String, span: Span },
    /// A spawned thread or task: it may loop for as long as the program runs.
    /// (The spawn itself happens as often as its own context runs.)
    Spawned,
    /// The fn's own body: the fn can be called again and again.
    Fn(FnKind),
}

/// What kind of fn a body belongs to, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FnKind {
    /// An `async fn`: each call is a new future.
    Async,
    /// A request, event or render handler: a route attribute (`#[get("/")]`),
    /// `#[handler]`, an exported `#[wasm_bindgen]` fn, a component, or a
    /// handler's name (`handle*`, `on_*`, `call`, `poll*`, `render`, `view`, `update`).
    Handler,
    /// A method: it runs for each call on each value.
    Method,
    /// Any other fn that nothing shows to run once.
    Plain,
}

/// One context of the stack.
#[derive(Clone, Debug)]
pub(crate) enum Run {
    Once(Once),
    Again(Again),
}

/// The contexts a walk is inside; see the module docs.
#[derive(Clone, Debug)]
pub(crate) struct Repeat {
    frames: Vec<Run>,
}

/// The depth to return to with [`Repeat::leave`].
#[derive(Clone, Copy, Debug)]
#[must_use = "a context entered is left with `Repeat::leave`"]
pub(crate) struct Depth(usize);

impl Repeat {
    /// The stack at the start of a fn body whose own context is `base`.
    pub(crate) fn new(base: Run) -> Self {
        Repeat { frames: vec![base] }
    }

    /// The context of a fn's body: once for a bin's `main` (a fn named `main`
    /// with no parameters, not a method and not nested in another fn),
    /// again for any other fn, by its kind.
    pub(crate) fn of_fn(def: &super::items::FnDef<'_>) -> Run {
        if is_main(def) {
            Run::Once(Once::Main)
        } else if is_start_up(def.attrs) {
            Run::Once(Once::StartUp)
        } else {
            Run::Again(Again::Fn(fn_kind(def)))
        }
    }

    /// The innermost context, looking through spawned threads and tasks: a
    /// value leaked at the start of a thread is leaked once per spawn.
    pub(crate) fn innermost_through_spawns(&self) -> &Run {
        self.frames
            .iter()
            .rev()
            .find(|run| !matches!(run, Run::Again(Again::Spawned)))
            .expect("the fn's own context is never a spawn")
    }

    /// Whether the fn's own context is a bin's `main`.
    pub(crate) fn in_main(&self) -> bool {
        matches!(self.frames[0], Run::Once(Once::Main))
    }

    /// Enters the context, if any, that `expr` sets for what is inside it:
    /// the body of a loop, the arguments of `spawn(..)`, `get_or_init(..)`,
    /// `call_once(..)`, `LazyLock::new(..)`. A `for` over a fixed set (an array,
    /// a range of literals, the process's arguments, or outside `main` a
    /// collection it was given) sets none: it repeats only as often as its
    /// context does.
    pub(crate) fn enter_expr(&mut self, expr: &Expr) -> Depth {
        let depth = Depth(self.frames.len());
        let run = match expr {
            Expr::While(looped) => Some(Run::Again(Again::Loop { keyword: "while", span: looped.while_token.span })),
            Expr::Loop(looped) => Some(Run::Again(Again::Loop { keyword: "loop", span: looped.loop_token.span })),
            Expr::ForLoop(looped) => (!finite_source(&looped.expr, !self.in_main()))
                .then_some(Run::Again(Again::Loop { keyword: "for", span: looped.for_token.span })),
            Expr::MethodCall(call) if call.method == "spawn" => Some(Run::Again(Again::Spawned)),
            Expr::MethodCall(call) if is(symbol::RUN_ONCE_METHODS, &call.method.to_string()) => {
                Some(Run::Once(Once::Initialiser))
            }
            Expr::Call(call) => match &*call.func {
                Expr::Path(path) if path.path.segments.last().is_some_and(|last| last.ident == "spawn") => {
                    Some(Run::Again(Again::Spawned))
                }
                Expr::Path(path) if is_lazy_new(&path.path) => Some(Run::Once(Once::Initialiser)),
                _ => None,
            },
            _ => None,
        };
        if let Some(run) = run {
            self.frames.push(run);
        }
        depth
    }

    /// Enters the context of a closure (or `async` block) given to `call` (a
    /// call or a method call): a callback repeats, unless the callee runs it
    /// once where it is called (`unwrap_or_else`, `with`, `block_on`, `scope`,
    /// `Option::map`, ...), is an initialiser (`get_or_init`, `LazyLock::new`,
    /// whose context [`Repeat::enter_expr`] set) or is an iterator adaptor
    /// over a fixed set.
    pub(crate) fn enter_closure(&mut self, call: &Expr) -> Depth {
        let depth = Depth(self.frames.len());
        let (callee, receiver) = match call {
            Expr::MethodCall(call) => (&call.method, Some(&*call.receiver)),
            Expr::Call(call) => match &*call.func {
                Expr::Path(path) if is_lazy_new(&path.path) => return depth,
                Expr::Path(path) => match path.path.segments.last() {
                    Some(last) => (&last.ident, None),
                    None => return depth,
                },
                _ => return depth,
            },
            _ => return depth,
        };
        let name = callee.to_string();
        if is(symbol::RUN_ONCE_METHODS, &name) || name == "spawn" || is(symbol::CALLS_ONCE, &name) {
            return depth;
        }
        let iterates = is(symbol::ITERATOR_ADAPTORS, &name)
            || (is(symbol::WITH_METHODS, &name) && receiver.is_some_and(is_iterator));
        if iterates {
            if receiver.is_some_and(|receiver| finite_source(iterated(receiver), !self.in_main())) {
                return depth;
            }
        } else if is(symbol::WITH_METHODS, &name) {
            // `Option::map`, `Result::and_then`: run once, where called.
            return depth;
        }
        self.frames.push(Run::Again(Again::Callback { callee: name, span: callee.span() }));
        depth
    }

    /// Returns to the context entered at `depth`.
    pub(crate) fn leave(&mut self, depth: Depth) {
        self.frames.truncate(depth.0.max(1));
    }
}

/// A bin's `main`: a fn named `main` with no parameters, not a method, not
/// nested in another fn.
fn is_main(def: &super::items::FnDef<'_>) -> bool {
    def.name == "main" && def.sig.inputs.is_empty() && def.self_ty.is_none() && def.parent_fn.is_none()
}

/// `#[wasm_bindgen(start)]`, `#[ctor]`: run once when the program starts.
fn is_start_up(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        let last = attr.path().segments.last().map(|segment| segment.ident.to_string()).unwrap_or_default();
        match last.as_str() {
            "ctor" => true,
            "wasm_bindgen" => attr.parse_args::<syn::Ident>().is_ok_and(|arg| arg == "start"),
            _ => false,
        }
    })
}

fn fn_kind(def: &super::items::FnDef<'_>) -> FnKind {
    let name = def.name.to_string();
    let handler_attr = def.attrs.iter().any(|attr| {
        let last = attr.path().segments.last().map(|segment| segment.ident.to_string()).unwrap_or_default();
        is(symbol::HANDLER_ATTRIBUTES, &last)
    });
    let handler_name = is(symbol::HANDLER_NAMES, &name)
        || ["handle", "on_", "poll_", "serve"].iter().any(|prefix| name.starts_with(prefix));
    if handler_attr || handler_name {
        FnKind::Handler
    } else if def.sig.asyncness.is_some() {
        FnKind::Async
    } else if def.self_ty.is_some() || def.sig.receiver().is_some() {
        FnKind::Method
    } else {
        FnKind::Plain
    }
}

/// `LazyLock::new`, `Lazy::new`, ...: its closure runs once.
fn is_lazy_new(path: &syn::Path) -> bool {
    let mut segments = path.segments.iter().rev();
    segments.next().is_some_and(|last| last.ident == "new")
        && segments.next().is_some_and(|wrapper| is(symbol::LAZY_WRAPPERS, &wrapper.ident.to_string()))
}

/// Whether a method chain goes through an iterator (`iter()`, `lines()`, ...).
fn is_iterator(expr: &Expr) -> bool {
    match expr {
        Expr::MethodCall(call) => {
            is(symbol::ITERATOR_SOURCES, &call.method.to_string())
                || is(symbol::ITERATOR_ADAPTORS, &call.method.to_string())
                || is_iterator(&call.receiver)
        }
        Expr::Paren(inner) => is_iterator(&inner.expr),
        Expr::Range(_) => true,
        _ => false,
    }
}

/// What an iterator chain iterates: the receiver below its adaptors.
fn iterated(expr: &Expr) -> &Expr {
    match expr {
        Expr::MethodCall(call)
            if is(symbol::ITERATOR_ADAPTORS, &call.method.to_string())
                || is(symbol::WITH_METHODS, &call.method.to_string()) =>
        {
            iterated(&call.receiver)
        }
        other => other,
    }
}

/// Whether a `for` loop's iterable is fixed in size: an array or slice
/// literal, a range between literals, the process's arguments, or (with
/// `variables`) a collection held in a variable.
pub(crate) fn finite_source(expr: &Expr, variables: bool) -> bool {
    match expr {
        Expr::Array(_) => true,
        Expr::Path(_) => variables,
        Expr::Reference(inner) => finite_source(&inner.expr, variables),
        Expr::Paren(inner) => finite_source(&inner.expr, variables),
        Expr::Range(range) => {
            [&range.start, &range.end].iter().all(|end| end.as_deref().is_some_and(|end| matches!(end, Expr::Lit(_))))
        }
        Expr::MethodCall(call)
            if matches!(call.method.to_string().as_str(), "iter" | "into_iter" | "skip" | "enumerate") =>
        {
            finite_source(&call.receiver, variables)
        }
        Expr::Call(call) => {
            matches!(&*call.func, Expr::Path(path) if path.path.segments.last().is_some_and(|segment| segment.ident == "args" || segment.ident == "args_os"))
        }
        _ => false,
    }
}

/// Where a fn of the scope is named, as far as repetition goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Reach {
    /// Called from code that runs once (a `get_or_init` closure, `main`
    /// outside its loops).
    Once,
    /// Called from the body of fn `caller`, outside any loop or closure: it
    /// runs as often as `caller` does.
    AsCaller(usize),
    /// Called in a loop or callback, or handed on as a value (`get(handler)`):
    /// it may run again and again.
    Again,
}

impl Repeat {
    /// How a fn called here, from the body of fn `caller`, is reached (see
    /// [`Reach`]); spawns are looked through, as for a leak.
    pub(crate) fn reach(&self, caller: usize) -> Reach {
        match self.innermost_through_spawns() {
            Run::Once(_) => Reach::Once,
            Run::Again(Again::Fn(_)) => Reach::AsCaller(caller),
            Run::Again(_) => Reach::Again,
        }
    }

    /// How a fn handed on here as a value (`get(handler)`,
    /// `get_or_init(make)`) is reached: once when given to an initialiser,
    /// otherwise it may be called again and again.
    pub(crate) fn reach_as_value(&self) -> Reach {
        match self.innermost_through_spawns() {
            Run::Once(Once::Initialiser) => Reach::Once,
            _ => Reach::Again,
        }
    }
}

/// Which fns of the scope run once per process: those whose own context is
/// once (`main`, `#[wasm_bindgen(start)]`), and those named somewhere in the
/// scope, only ever from code that runs once (`reached`: by fn name, every
/// place the name is called or handed on). A fn named nowhere may be called
/// from outside, and a recursive one runs again: neither runs once.
pub(crate) fn run_once_fns(
    fns: &[super::items::FnDef<'_>],
    reached: &std::collections::HashMap<String, Vec<Reach>>,
) -> Vec<bool> {
    let mut once: Vec<bool> = fns.iter().map(|def| matches!(Repeat::of_fn(def), Run::Once(_))).collect();
    loop {
        let mut changed = false;
        for (id, def) in fns.iter().enumerate() {
            if once[id] {
                continue;
            }
            let Some(places) = reached.get(&def.name.to_string()) else { continue };
            let all_once = !places.is_empty()
                && places.iter().all(|reach| match *reach {
                    Reach::Once => true,
                    Reach::AsCaller(caller) => once[caller],
                    Reach::Again => false,
                });
            if all_once {
                once[id] = true;
                changed = true;
            }
        }
        if !changed {
            return once;
        }
    }
}
