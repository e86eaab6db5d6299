use std::collections::{HashMap, HashSet, VecDeque};

use syn::visit_mut::VisitMut;

use crate::finding::{Label, Location};
use crate::graph::{Edge, EdgeKind, TypeGraph};
use crate::lint::declare_lint;
use crate::lints::Cx;
use crate::model::cells::FieldUse;
use crate::model::classify::{self, Place};
use crate::model::flows::{self, Capture, Hold, Store};
use crate::model::names::Resolved;
use crate::model::uses::Op;
use crate::model::Scope;
use crate::symbol::{self, is};
use crate::types;

declare_lint! {
    /// ### What it does
    /// Finds types that can keep each other (or themselves) alive through strong
    /// `Rc`/`Arc` pointers: a cycle in the type graph that passes at least one
    /// strong pointer and can be closed after construction, because some slot on
    /// it sits behind interior mutability (`RefCell`, `Cell`, `Mutex`, `RwLock`,
    /// `OnceCell`, ...). It names the whole cycle, points at the field that should
    /// become `Weak` (preferring back-pointers such as `parent`, `owner` or `prev`)
    /// and gives its replacement type.
    ///
    /// ### Why is this bad?
    /// An `Rc` frees its value when the strong count reaches zero. Values that hold
    /// strong pointers to each other keep each other's count above zero forever:
    /// once the last outside handle is dropped, the cycle is unreachable and never
    /// freed. Rust has no cycle collector to reclaim it (Python's `gc` would).
    ///
    /// ### Example
    /// ```rust,no_run
    /// use std::{cell::RefCell, rc::Rc};
    ///
    /// pub struct Person { pub cars: RefCell<Vec<Rc<Car>>> }
    /// pub struct Car { pub owner: RefCell<Option<Rc<Person>>> }
    /// ```
    ///
    /// Use instead:
    /// ```rust,no_run
    /// use std::{cell::RefCell, rc::{Rc, Weak}};
    ///
    /// pub struct Person { pub cars: RefCell<Vec<Rc<Car>>> }
    /// pub struct Car { pub owner: RefCell<Weak<Person>> }
    /// ```
    ///
    /// **Closures that own their owner.** A closure stored in a slot (a field
    /// holding `Box<dyn Fn()>`, `Rc<dyn Fn(&Event)>`, wasm-bindgen's
    /// `Closure<dyn FnMut()>`, inside `Option`, `Vec`, maps and cells; a
    /// shared `Rc<RefCell<Option<..>>>`; or a callback registered on a
    /// receiver) that captures a strong clone of the value holding the slot
    /// is the leak callback-based code reports most:
    ///
    /// ```rust,no_run
    /// use std::{cell::RefCell, rc::Rc};
    ///
    /// pub struct Widget { on_click: RefCell<Option<Box<dyn Fn()>>>, clicks: RefCell<u32> }
    ///
    /// pub fn wire(widget: &Rc<Widget>) {
    ///     let w = widget.clone();
    ///     *widget.on_click.borrow_mut() = Some(Box::new(move || *w.clicks.borrow_mut() += 1));
    /// }
    /// ```
    ///
    /// Use instead:
    /// ```rust,no_run
    /// # use std::{cell::RefCell, rc::Rc};
    /// # pub struct Widget { on_click: RefCell<Option<Box<dyn Fn()>>>, clicks: RefCell<u32> }
    /// pub fn wire(widget: &Rc<Widget>) {
    ///     let weak = Rc::downgrade(widget);
    ///     *widget.on_click.borrow_mut() = Some(Box::new(move || {
    ///         if let Some(w) = weak.upgrade() {
    ///             *w.clicks.borrow_mut() += 1;
    ///         }
    ///     }));
    /// }
    /// ```
    ///
    /// The lint follows what the code shows: assignments, `push`, `insert`,
    /// `set`, `replace` and `Some(..)`/`Box::new(..)`/`Closure::new(..)`
    /// wrappers, a closure held in a local first, a method of the scope whose
    /// body stores its parameter in a field of `self` (one level of calls),
    /// and calls whose name registers a callback on a receiver the scope does
    /// not define (`connect_*`, `on_*`, `add_*listener`, `subscribe*`,
    /// `set_on_*`, `register*`, ...; more with `--callback-registrar` or
    /// `callback-registrars` in `[package.metadata.leak-audit]`). A capture
    /// closes the cycle when it is a clone (`x.clone()`, `Rc::clone(&x)`,
    /// glib's `@strong x`/`#[strong] x`) of the value the slot is reached
    /// from, or when its type holds the slot's owner through strong pointers
    /// (`Emitter.listeners -> closure -> Rc<Subscriber> -> Subscriber.emitter
    /// -> Emitter`). `Weak` captures (`Rc::downgrade`, `@weak`, `#[weak]`)
    /// and closures without `move` (which borrow, so cannot be kept) close
    /// nothing.
    ///
    /// Self-cycles are reported too: a node type that holds mutable strong pointers
    /// to its own type (`enum List { Cons(i32, RefCell<Rc<List>>), Nil }`, a graph
    /// node with `RefCell<Vec<Rc<Node>>>` neighbours). A type that also holds a
    /// `Weak` pointer back to its own kind, as the tree of the Rust book does
    /// (`children: RefCell<Vec<Rc<Node>>>`, `parent: RefCell<Weak<Node>>`), has
    /// chosen its ownership direction and is not reported, unless another of
    /// its strong fields is itself named as a back-pointer (a strong
    /// `prev_sibling` beside a strong `next_sibling`).
    ///
    /// Not reported either, because the code shows the cycle cannot stay: a
    /// cycle that a `Drop` of a value outside it tears down (`impl Drop for
    /// Service { fn drop(&mut self) { self.pool.clear() } }` with the pool on
    /// the cycle); a link whose every write after construction stores a new
    /// value (`self.sub = Some(Arc::new(Self::new()))`) or `None`; a tree seen
    /// through types (a field named for children, the others single links not
    /// named for an owner); a link in a cell that the code sets only when its
    /// value is built (`Node { parent: RefCell::new(parent), .. }`, never
    /// `borrow_mut`, `set`, `lock` or handed elsewhere after): it points at
    /// a value older than its own, so only another link set later can close
    /// the cycle, and none if every struct literal gives it a new value or
    /// `None`.
    ///
    /// Not reported: `Weak` back-pointers, immutable `Rc` graphs (an `Rc` cycle
    /// cannot be closed without interior mutability, so `Rc` DAGs and persistent
    /// lists are fine), `Box` recursion, and `Rc`s to types that cannot reach back.
    ///
    /// ### Known problems
    /// - A tree whose code grafts a node under its own descendant, a `Drop`
    ///   that empties a value on the cycle only on some paths, and a link
    ///   named `child` that in fact points up are taken at their word.
    /// - The analysis reads types, not values: it reports cycles that the types
    ///   allow, even where the program never builds one (a doubly linked list that
    ///   is always unlinked before it is dropped, a graph cleared in `Drop`, a
    ///   self-referential chain kept acyclic by `Rc::ptr_eq` checks).
    ///   Silence those with `#[leak_audit(allow(rc_cycle), reason = "..")]`.
    /// - Types are resolved by their path and the `use` declarations of their
    ///   module: a path into std or another crate (`vk::Fence` after `use
    ///   ash::vk;`) is a foreign type, which holds no type of the scope unless
    ///   it is a container the analysis knows (`Vec`, `HashMap`, `Rc`, ...);
    ///   renames are followed (`use std::rc::Rc as Shared;`). A plain name that
    ///   no `use` declares (a glob import, the prelude) is the scope's type of
    ///   that name if there is one, preferring the same module; a pointer, cell
    ///   or lazy wrapper named without an import (`Rc`, `RefCell`, `Lazy`) is
    ///   taken to be the std one even where the crate defines its own.
    /// - A trait object of a trait defined in the scope (`Rc<RefCell<dyn
    ///   Observer>>`) is taken to hold any type of the scope that implements
    ///   it; trait objects of other traits (`dyn Any`, std and dependency
    ///   traits), type parameters left generic and associated types are
    ///   opaque: cycles through them are not seen.
    /// - Closures: a closure slot that code in the scope empties by hand (`=
    ///   None`, `take()`, `clear()`, `remove(..)`) is taken to be emptied
    ///   before its owner is dropped, and is not reported. The type of a
    ///   captured variable is known only from what the fn shows (parameters,
    ///   `let` annotations, `Rc::new`/`RefCell::new`/struct literals,
    ///   constructors of the scope, clones); a clone of a value of another
    ///   crate is taken to share it (toolkit objects are reference-counted),
    ///   a clone of a plain struct of the scope to copy it. Captures through
    ///   a second level of calls, closures returned from fns, and callbacks
    ///   registered through names that match no pattern are not seen.
    /// - A registration whose result the code keeps (`let listener =
    ///   history.listen(cb);`, `self.id = Some(button.connect_clicked(..))`)
    ///   is taken to be undone through it: a subscription guard removes the
    ///   callback when dropped, a handler id lets the code disconnect it. A
    ///   kept handle that is then forgotten or never used is not seen.
    /// - Whether a link in a cell is set after its value is built is read from
    ///   the code that can use the field: for a private field of a type whose
    ///   whole module is analysed (an inline module under the attribute, a
    ///   crate under `cargo leak-audit`) and that the code builds, a field
    ///   that no code uses except through `borrow()`, `get()`, `read()` and
    ///   the like is taken to be set once. `pub` fields (users may set them),
    ///   fields of the one struct an attribute is on (the rest of its module
    ///   is not shown), fields of types the scope never builds and cells
    ///   inside a shared pointer (`Rc<RefCell<T>>`, replaceable through any
    ///   handle) are taken to be set at any time. Fields are matched by name,
    ///   so a same-named field written on another type counts as written.
    /// - Only types in the analysed scope are known: the attribute sees the item
    ///   it is on; `cargo leak-audit` sees the whole crate but not dependencies.
    pub RC_CYCLE, rc_cycle, Warn, "types that can keep each other alive through strong `Rc`/`Arc` pointers"
}

/// How many fields of a cycle a finding names (and labels) at most.
const MAX_SHOWN: usize = 8;

/// Reports the leaking cycles of the scope's type graph, and the closures
/// that keep their owner alive.
pub(crate) fn check(cx: &mut Cx<'_, '_>) {
    check_types(cx);
    check_closures(cx);
}

/// Reports the leaking cycles of the scope's type graph.
fn check_types(cx: &mut Cx<'_, '_>) {
    let graph = cx.graph;
    let n = graph.nodes.len();
    let links = links(cx.scope, graph);
    let mutable = &links.replaceable;
    // Closure slots are checked from the code that fills them (`check_closures`).
    let mut active: Vec<bool> = graph
        .edges
        .iter()
        .zip(&links.fresh_only)
        .map(|(edge, &fresh_only)| {
            edge.kind != EdgeKind::Weak
                && !fresh_only
                && !graph.nodes[edge.from].closure
                && !graph.nodes[edge.to].closure
        })
        .collect();
    let mut weak_pairs: HashSet<(usize, usize)> =
        graph.edges.iter().filter(|edge| edge.kind == EdgeKind::Weak).map(|edge| (edge.from, edge.to)).collect();

    let adjacency = Adjacency::new(graph);
    let teardowns = flows::emptied_by_drop(cx.scope);
    let mut holders = Holders::default();

    // Each round takes the strongly connected components of the remaining
    // strong and owning edges. In each, edges that are the chosen ownership
    // direction are accepted, then strong edges are tried best fix first: one
    // that still closes a cycle is reported and taken out (it becomes the
    // `Weak` the help suggests), so a component with two independent cycles
    // gives two findings and one cycle gives one, however many types it passes.
    // Rounds repeat while they change anything.
    loop {
        let mut progress = false;
        let comps = components(n, &graph.edges, &active);
        let mut component_of = vec![usize::MAX; n];
        for (index, component) in comps.iter().enumerate() {
            for &node in component {
                component_of[node] = index;
            }
        }
        let mut inside: Vec<Vec<usize>> = vec![Vec::new(); comps.len()];
        for (e, edge) in graph.edges.iter().enumerate() {
            if active[e] && component_of[edge.from] == component_of[edge.to] {
                inside[component_of[edge.from]].push(e);
            }
        }
        for (index, edges) in inside.iter().enumerate() {
            let strong: Vec<usize> =
                edges.iter().copied().filter(|&e| graph.edges[e].kind == EdgeKind::Strong).collect();
            if strong.is_empty() || !edges.iter().any(|&e| mutable[e]) {
                continue;
            }
            // A strong edge into a type that points back at its holder through
            // `Weak` is the chosen ownership direction (the Rust book's tree).
            // The holder may be the type the edge leaves from or any type that
            // contains it by value (`Node { data: NodeData }` where `NodeData`
            // holds `Rc<Node>` children and `Node` a `Weak<Node>` parent).
            let mut candidates = strong;
            candidates.sort_by_key(|&e| std::cmp::Reverse((score(graph, e), e)));
            for e in candidates {
                let edge = &graph.edges[e];
                // Checked as each edge comes up: a fix reported just before
                // (now a `Weak` back-pointer) can make this edge the intended
                // direction.
                // A field named as a back-pointer (`prev_sibling`, `owner`)
                // is never the chosen direction: with a `Weak` parent, a
                // strong `prev` beside a strong `next` still closes a cycle.
                let intended = !is_back_edge(&edge.field_label)
                    && holders.of(&adjacency, edge.from).iter().any(|&holder| weak_pairs.contains(&(edge.to, holder)));
                if intended {
                    active[e] = false;
                    progress = true;
                    continue;
                }
                let Some(path) = cycle_through(graph, &adjacency, &active, mutable, &component_of, index, e) else {
                    continue;
                };
                if only_fresh_values(cx.scope, edge) || torn_down(graph, &path, &teardowns) || is_tree(graph, &path) {
                    // A `Drop` on a value outside the cycle unlinks it.
                    active[e] = false;
                    progress = true;
                    continue;
                }
                cx.mark_cycle(&path);
                // Other fields of the same type that hold the same target
                // the same way close the same cycle: one finding names them
                // all, since each needs the fix.
                // Only where the pointer sits in a wrapper type the fields
                // share (`Option<Timer<Self>>`): fields that hold the
                // pointer themselves are separate links, one of which may be
                // the ownership direction (a list's `next` beside `prev`).
                let wrapped = |p: usize| {
                    let other = &graph.edges[p];
                    !pointer_in_field(cx.scope, other.from, cx.scope.types[other.from].fields[other.field].ty)
                };
                let parallel: Vec<usize> = if is_back_edge(&edge.field_label) || !wrapped(e) {
                    Vec::new()
                } else {
                    adjacency.out[edge.from]
                        .iter()
                        .copied()
                        .filter(|&p| {
                            let other = &graph.edges[p];
                            p != e
                                && active[p]
                                && other.kind == EdgeKind::Strong
                                && (other.from, other.to) == (edge.from, edge.to)
                                && wrapped(p)
                        })
                        .collect()
                };
                report(cx, e, &path, &parallel);
                for &p in &parallel {
                    active[p] = false;
                }
                active[e] = false;
                weak_pairs.insert((graph.edges[e].from, graph.edges[e].to));
                progress = true;
            }
        }
        if !progress {
            break;
        }
    }
}

/// What the code shows of when each edge's link is set.
struct Links {
    /// Whether the link can be replaced after its value is built.
    replaceable: Vec<bool>,
    /// Whether the link only ever holds a value made where it is set (or
    /// nothing): a new value cannot already hold the one it is stored in.
    fresh_only: Vec<bool>,
}

/// When each edge's link is set, as far as the code shows. A cell in a
/// private field of a type whose whole module is in the scope, which that
/// code builds and never writes after (no `borrow_mut`, `set`, `lock`,
/// `&self.field` handed elsewhere), is set once, when its value is built: it
/// can only close a cycle through another link set later, and if every
/// struct literal gives it a new value or none it never points at an
/// existing value at all. A cell inside a shared pointer (`Rc<RefCell<T>>`)
/// can be replaced through any handle, so it stays replaceable, as do `pub`
/// fields (their users' code is not shown) and fields of types the scope
/// never builds (judged by their types alone).
fn links(scope: &Scope<'_>, graph: &TypeGraph) -> Links {
    let mut uses: Option<FieldUse<'_>> = None;
    let mut links = Links { replaceable: Vec::new(), fresh_only: Vec::new() };
    for edge in &graph.edges {
        let sealed = scope.types.get(edge.from).filter(|_| edge.mutable && !edge.shared_cell).and_then(|def| {
            let field = &def.fields[edge.field];
            if !field.private || !def.whole_module {
                return None;
            }
            let uses = uses.get_or_insert_with(|| FieldUse::of(scope));
            let name = def.name.to_string();
            (uses.built(&name) && !uses.written(&field.label)).then(|| {
                uses.initial_values(&name, &field.label)
                    .is_some_and(|values| values.iter().all(|value| is_fresh(scope, value, edge.from, edge.to)))
            })
        });
        links.replaceable.push(edge.mutable && sealed.is_none());
        links.fresh_only.push(sealed == Some(true));
    }
    links
}

/// Whether every write into the edge's field after construction (there is at
/// least one) stores a value made right there: a new value of the edge's
/// target type (`Self::new(pos)`, `Node { .. }`, in `Arc::new`, `Some`, a
/// tuple), built without `self` or a clone, or a value that names no
/// variable (`None`). A new value cannot already hold the one it is stored
/// in, so the field never closes the cycle.
fn only_fresh_values(scope: &Scope<'_>, edge: &Edge) -> bool {
    let mut writes = scope.writes.iter().filter(|write| write.field == (edge.from, edge.field)).peekable();
    writes.peek().is_some() && writes.all(|write| is_fresh(scope, write.value, edge.from, edge.to))
}

fn is_fresh(scope: &Scope<'_>, value: &syn::Expr, owner: usize, target: usize) -> bool {
    struct Check<'s> {
        target: &'s str,
        self_is_target: bool,
        builds_target: bool,
        shares: bool,
        variables: bool,
    }
    impl<'ast> syn::visit::Visit<'ast> for Check<'_> {
        fn visit_expr_path(&mut self, path: &'ast syn::ExprPath) {
            self.shares |= path.path.is_ident("self");
            self.variables |=
                path.path.get_ident().is_some_and(|ident| ident.to_string().starts_with(char::is_lowercase));
            syn::visit::visit_expr_path(self, path);
        }
        fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
            self.shares |= call.method == "clone";
            syn::visit::visit_expr_method_call(self, call);
        }
        fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
            if let syn::Expr::Path(path) = &*call.func {
                let names: Vec<String> = path.path.segments.iter().map(|s| s.ident.to_string()).collect();
                if let [.., owner, last] = names.as_slice() {
                    self.shares |= last == "clone";
                    self.builds_target |= owner == self.target || (owner == "Self" && self.self_is_target);
                }
            }
            syn::visit::visit_expr_call(self, call);
        }
        fn visit_expr_struct(&mut self, literal: &'ast syn::ExprStruct) {
            let name = literal.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
            self.builds_target |= name == self.target || (name == "Self" && self.self_is_target);
            syn::visit::visit_expr_struct(self, literal);
        }
        fn visit_macro(&mut self, _mac: &'ast syn::Macro) {
            // What a macro does with its tokens is not known.
            self.shares = true;
        }
    }
    let target_name = scope.types[target].name.to_string();
    let mut check = Check {
        target: &target_name,
        self_is_target: owner == target,
        builds_target: false,
        shares: false,
        variables: false,
    };
    syn::visit::Visit::visit_expr(&mut check, value);
    // `None`, `Vec::new()`: a value that names no variable empties the field.
    !check.shares && (check.builds_target || !check.variables)
}

/// Whether a field's type names a strong pointer itself, not only inside a
/// type of the scope it holds (`RefCell<Option<Rc<Node>>>`, not
/// `Option<Timer<Node>>`).
fn pointer_in_field<'a>(scope: &Scope<'a>, owner: usize, ty: &'a syn::Type) -> bool {
    let mut strong = false;
    classify::Walker::walk(
        scope,
        Place::of_type(scope, owner),
        &[],
        ty,
        |seen: classify::Seen<'_, 'a>, _| match seen {
            classify::Seen::Ctor { ctor, .. } if ctor.strong => {
                strong = true;
                false
            }
            classify::Seen::Local { .. } => false,
            _ => !strong,
        },
    );
    strong
}

/// Whether a `Drop` impl of a type that is not on the cycle empties a value
/// of a type that is (`impl Drop for Service { fn drop(&mut self) {
/// self.pool.clear() } }` with the pool on the cycle): the cycle is torn down
/// when the value users hold goes.
fn torn_down(graph: &TypeGraph, path: &[usize], teardowns: &[(usize, usize)]) -> bool {
    let members: HashSet<usize> = path.iter().map(|&e| graph.edges[e].from).collect();
    teardowns.iter().any(|(dropped, emptied)| !members.contains(dropped) && members.contains(emptied))
}

/// Outgoing edges of each node, and the nodes that contain each one by value.
struct Adjacency {
    out: Vec<Vec<usize>>,
    owned_by: Vec<Vec<usize>>,
}

impl Adjacency {
    fn new(graph: &TypeGraph) -> Self {
        let mut out = vec![Vec::new(); graph.nodes.len()];
        let mut owned_by = vec![Vec::new(); graph.nodes.len()];
        for (e, edge) in graph.edges.iter().enumerate() {
            out[edge.from].push(e);
            if edge.kind == EdgeKind::Owns {
                owned_by[edge.to].push(edge.from);
            }
        }
        Adjacency { out, owned_by }
    }
}

/// `node` and every type that contains it by value, directly or not, computed
/// once per node.
#[derive(Default)]
struct Holders {
    known: HashMap<usize, Vec<usize>>,
}

impl Holders {
    fn of(&mut self, adjacency: &Adjacency, node: usize) -> &[usize] {
        self.known.entry(node).or_insert_with(|| {
            let mut found = vec![node];
            let mut next = 0;
            while next < found.len() {
                for &holder in &adjacency.owned_by[found[next]] {
                    if !found.contains(&holder) {
                        found.push(holder);
                    }
                }
                next += 1;
            }
            found
        })
    }
}

/// Whether a cycle is a tree seen through types: one of its fields is named
/// for children (`children`, `child`, `kids`), and every other is a single
/// link (not a collection) whose name does not point back (`parent`,
/// `owner`). Values of a tree only form a cycle if code grafts a node under
/// its own descendant, which no type shows.
fn is_tree(graph: &TypeGraph, path: &[usize]) -> bool {
    let down = |e: usize| {
        let name = graph.edges[e].field_label.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
        name.split('_').any(|word| is(symbol::DOWN_EDGE_NAMES, word))
    };
    path.iter().any(|&e| down(e))
        && path.iter().all(|&e| {
            let edge = &graph.edges[e];
            down(e) || (!edge.collection && !is_back_edge(&edge.field_label))
        })
}

/// Whether a field's name (`Node.parent_node`) says it points back to an owner.
fn is_back_edge(field: &str) -> bool {
    let name = field.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    name.split('_').any(|word| is(symbol::BACK_EDGE_NAMES, word))
}

/// How good a fix making edge `e` weak would be: back-pointers first, then
/// single pointers (not collections), then edges to a type defined earlier.
fn score(graph: &TypeGraph, e: usize) -> u32 {
    let edge = &graph.edges[e];
    let mut score = 0;
    if is_back_edge(&edge.field_label) {
        score += 8;
    }
    if !edge.collection {
        score += 2;
    }
    if edge.to < edge.from {
        score += 1;
    }
    score
}

/// Strongly connected components of the active edges (Tarjan, iterative).
fn components(n: usize, edges: &[Edge], active: &[bool]) -> Vec<Vec<usize>> {
    let mut adjacency = vec![Vec::new(); n];
    for (e, edge) in edges.iter().enumerate() {
        if active[e] {
            adjacency[edge.from].push(edge.to);
        }
    }
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut result = Vec::new();
    for start in 0..n {
        if index[start] != usize::MAX {
            continue;
        }
        let mut call_stack = vec![(start, 0usize)];
        index[start] = next_index;
        low[start] = next_index;
        next_index += 1;
        stack.push(start);
        on_stack[start] = true;
        while let Some(&mut (node, ref mut child)) = call_stack.last_mut() {
            if *child < adjacency[node].len() {
                let next = adjacency[node][*child];
                *child += 1;
                if index[next] == usize::MAX {
                    index[next] = next_index;
                    low[next] = next_index;
                    next_index += 1;
                    stack.push(next);
                    on_stack[next] = true;
                    call_stack.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
            } else {
                call_stack.pop();
                if let Some(&(parent, _)) = call_stack.last() {
                    low[parent] = low[parent].min(low[node]);
                }
                if low[node] == index[node] {
                    let mut component = Vec::new();
                    while let Some(member) = stack.pop() {
                        on_stack[member] = false;
                        component.push(member);
                        if member == node {
                            break;
                        }
                    }
                    component.sort_unstable();
                    result.push(component);
                }
            }
        }
    }
    result.sort();
    result
}

/// A shortest cycle through edge `e` that can be closed after construction:
/// `e`, then a path back to its start inside its component, passing at least
/// one mutable edge (found by a breadth-first search over (node, passed a
/// mutable edge yet) states, so it costs one pass over the graph). The edges
/// are returned starting with the one after `e`, so `e` comes last.
fn cycle_through(
    graph: &TypeGraph,
    adjacency: &Adjacency,
    active: &[bool],
    mutable: &[bool],
    component_of: &[usize],
    component: usize,
    e: usize,
) -> Option<Vec<usize>> {
    let edge = &graph.edges[e];
    if !active[e] {
        return None;
    }
    let n = graph.nodes.len();
    let state = |node: usize, mutable: bool| node * 2 + usize::from(mutable);
    let start = state(edge.to, mutable[e]);
    let mut came_by: Vec<Option<(usize, usize)>> = vec![None; n * 2];
    let mut seen = vec![false; n * 2];
    seen[start] = true;
    let mut queue = VecDeque::from([(edge.to, mutable[e])]);
    while let Some((node, passed)) = queue.pop_front() {
        if node == edge.from && passed {
            let mut path = vec![e];
            let mut at = state(node, passed);
            while let Some((step, previous)) = came_by[at] {
                path.push(step);
                at = previous;
            }
            // `path` is `e` then the way back in reverse: put `e` last.
            path[1..].reverse();
            path.rotate_left(1);
            return Some(path);
        }
        for &next in &adjacency.out[node] {
            let step = &graph.edges[next];
            if !active[next] || component_of[step.to] != component {
                continue;
            }
            let reached = state(step.to, passed || mutable[next]);
            if !seen[reached] {
                seen[reached] = true;
                came_by[reached] = Some((next, state(node, passed)));
                queue.push_back((step.to, passed || mutable[next]));
            }
        }
    }
    None
}

fn report(cx: &mut Cx<'_, '_>, e: usize, path: &[usize], parallel: &[usize]) {
    let (scope, graph) = (cx.scope, cx.graph);
    let locate = |edge: usize| {
        let owner = graph.edges[edge].from;
        (owner, &scope.types[owner].fields[graph.edges[edge].field])
    };
    let location_of = |edge: usize| {
        let (owner, field) = locate(edge);
        Location { file: scope.types[owner].file, span: field.span }
    };
    let edge = &graph.edges[e];
    let (owner, field) = locate(e);
    let pointer = path
        .iter()
        .filter(|&&p| graph.edges[p].kind == EdgeKind::Strong)
        .find_map(|&p| {
            let (holder, field) = locate(p);
            classify::first_ctor(scope, holder, field.ty, |ctor| ctor.strong)
        })
        .unwrap_or_else(|| "Rc".to_string());
    let cycle_names: HashSet<String> = path.iter().map(|&p| graph.nodes[graph.edges[p].from].name.clone()).collect();
    let replacement = weaken(scope, owner, field.ty, &cycle_names);
    let field_display = format!("`{}`", graph.field_path(e));
    let target = &graph.nodes[edge.to].name;
    // The cell that lets the cycle be closed, as written on the cycle or in
    // an alias it names (`type Link = Rc<RefCell<Node>>`); a cell inside a
    // wrapper struct is not named.
    let mutable_via = path
        .iter()
        .find_map(|&p| {
            let (holder, field) = locate(p);
            classify::first_ctor(scope, holder, field.ty, |ctor| ctor.cell)
        })
        .map_or_else(|| "interior mutability".to_string(), |cell| format!("`{cell}`"));
    let field_ident = field.name.map(|name| format!("{name}: ")).unwrap_or_default();
    // The original type when no pointer in it could be made `Weak` in place
    // (the strong pointer is inside a wrapper struct such as `Shared<T>`).
    let weak_fix = if replacement == types::display(field.ty) {
        format!("hold a `Weak` here instead of `{field_ident}{replacement}` (from `{pointer}::downgrade` on the pointer it wraps)")
    } else {
        format!("`{field_ident}{replacement}`")
    };
    let a_target = with_article(target);
    // `<T>` of a generic node type, for the arena's element type.
    let params = {
        let (_, ty_generics, _) = scope.types[edge.to].generics.split_for_impl();
        types::tidy(&quote::ToTokens::to_token_stream(&ty_generics).to_string())
    };

    let (message, notes, help) = if path.len() == 1 {
        let message = format!(
            "{field_display} lets {a_target} hold a strong `{pointer}` to another `{target}`, so `{target}` values can form a cycle that is never dropped"
        );
        let notes = vec![format!(
            "{a_target} that becomes reachable from itself (through {mutable_via}, which lets the pointer be set after construction) keeps its own strong count above zero"
        )];
        let help = if is_back_edge(&edge.field_label) {
            format!("hold the back-pointer weakly: {weak_fix}, and `upgrade()` it when it is used")
        } else {
            format!(
                "if it points back to an owner, hold it weakly: {weak_fix}; for a graph with cycles, keep the nodes in an arena (`Vec<{target}{params}>`) and link them by index, or clear the links before dropping the graph"
            )
        };
        (message, notes, help)
    } else {
        let cycle = cycle_text(graph, path.iter().copied());
        let message = format!("{field_display} closes a strong `{pointer}` cycle: `{cycle}`");
        let members: Vec<String> = {
            let mut seen = Vec::new();
            for &p in path {
                let name = format!("`{}`", graph.nodes[graph.edges[p].from].name);
                if !seen.contains(&name) {
                    seen.push(name);
                }
            }
            if seen.len() > MAX_SHOWN {
                let more = seen.len() - MAX_SHOWN;
                seen.truncate(MAX_SHOWN);
                seen.push(format!("{more} more types"));
            }
            seen
        };
        // One type linked to itself through several fields: its values keep
        // each other alive.
        let who = match members.as_slice() {
            [one] => format!("{one} values"),
            _ => join_and(&members),
        };
        let notes = vec![format!(
            "once linked ({mutable_via} lets the link be set after construction), {who} keep each other's strong counts above zero, so none of them is ever dropped"
        )];
        let help = format!("make the back-pointer weak: {weak_fix}, and `upgrade()` it when it is used");
        (message, notes, help)
    };

    // A handle type (`struct Ctx { inner: Rc<RefCell<CtxInner>> }`) held by
    // value on the cycle (`ChildComp.ctx: Ctx`): that field is the one to
    // change (to a weak handle), not the handle's `Rc`, which every other
    // owner of a `Ctx` relies on.
    let handle = path.len() >= 2 && !is_back_edge(&edge.field_label) && {
        let into = &graph.edges[path[path.len() - 2]];
        let handle_type = &scope.types[edge.from];
        // A one-field struct held as a single value (not in a collection)
        // by a type other than the one it points to: a shared handle
        // (`struct RpcClient { inner: Arc<Inner> }` in `PendingCall.client`),
        // not a back-pointer of its own.
        let lone_handle = handle_type.fields.len() == 1 && !into.collection && into.from != edge.to;
        into.kind == EdgeKind::Owns && into.to == edge.from && (is_back_edge(&into.field_label) || lone_handle)
    };
    let (blame, location, message, help) = if handle {
        let back = path[path.len() - 2];
        let (_, back_field) = locate(back);
        let back_ident = back_field.name.map(|name| format!("{name}: ")).unwrap_or_default();
        let handle_name = &graph.nodes[edge.from].name;
        let cycle = cycle_text(graph, std::iter::once(e).chain(path[..path.len() - 1].iter().copied()));
        (
            back,
            location_of(back),
            format!("`{}` closes a strong `{pointer}` cycle: `{cycle}`", graph.field_path(back)),
            format!(
                "hold a weak handle here instead of `{back_ident}{}`: `{handle_name}` keeps a strong `{pointer}` in `{}`; give this field a handle that holds `{replacement}` (made with `{pointer}::downgrade`) and `upgrade()` it when it is used",
                types::display(back_field.ty),
                graph.field_path(e)
            ),
        )
    } else {
        (e, location_of(e), message, help)
    };

    let mut labels = path
        .iter()
        .filter(|&&p| p != blame)
        .take(MAX_SHOWN)
        .map(|&p| Label {
            location: location_of(p),
            message: format!("`{}` is part of the cycle", graph.field_path(p)),
        })
        .collect::<Vec<_>>();
    labels.extend(parallel.iter().take(MAX_SHOWN).map(|&p| Label {
        location: location_of(p),
        message: format!("`{}` holds it the same way", graph.field_path(p)),
    }));
    let mut finding = cx.report(location, message).labels(labels).help(help).anchor(field.settings);
    for note in notes {
        finding = finding.note(note);
    }
    if !parallel.is_empty() {
        let fields: Vec<String> = parallel.iter().map(|&p| format!("`{}`", graph.field_path(p))).collect();
        let count =
            if parallel.len() == 1 { "1 more field".to_owned() } else { format!("{} more fields", parallel.len()) };
        finding = finding.note(format!(
            "`{}` holds `{target}` the same way through {count}, {}: each needs the same fix",
            graph.nodes[edge.from].name,
            join_and(&fields)
        ));
    }
    finding = finding.anchor(scope.types[owner].settings);
    for &p in path {
        let (other_owner, other) = locate(p);
        finding = finding.anchor(other.settings).anchor(scope.types[other_owner].settings);
    }
    finding.emit();
}

fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `Person.cars -> Car.owner -> Person`: the fields of a cycle's edges, in
/// order, then the type the last one leads to. A long cycle is shown by its
/// ends, so output stays linear in the size of the graph.
fn cycle_text(graph: &TypeGraph, edges: impl Iterator<Item = usize>) -> String {
    let mut names = Vec::new();
    let mut end = None;
    for e in edges {
        names.push(graph.field_path(e));
        end = Some(graph.edges[e].to);
    }
    names.extend(end.map(|node| graph.nodes[node].name.clone()));
    if names.len() > MAX_SHOWN {
        let hidden = names.len() - MAX_SHOWN;
        names.splice(MAX_SHOWN / 2..names.len() - MAX_SHOWN / 2, [format!("({hidden} more)")]);
    }
    names.join(" -> ")
}

/// "a `Car`", "an `Actor`": the article by how the name starts (`Unexpected`,
/// `Update` take "an"; `User`, `Unit`, `Url`, `Uuid` sound like "you" and take "a").
fn with_article(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let vowel = match lower.as_bytes().first() {
        Some(b'a' | b'e' | b'i' | b'o') => true,
        Some(b'u') => !["uni", "us", "ur", "ut", "uu"].iter().any(|prefix| lower.starts_with(prefix)),
        _ => false,
    };
    format!("{} `{name}`", if vowel { "an" } else { "a" })
}

fn first_named(ty: &syn::Type, names: &[&str]) -> Option<String> {
    let mut found = None;
    let mut finder = |segment: &syn::PathSegment| {
        let name = segment.ident.to_string();
        if found.is_none() && is(names, &name) {
            found = Some(name);
        }
    };
    for_each_segment(ty, &mut finder);
    found
}

fn for_each_segment(ty: &syn::Type, f: &mut dyn FnMut(&syn::PathSegment)) {
    struct Segments<'f>(&'f mut dyn FnMut(&syn::PathSegment));
    impl<'ast> syn::visit::Visit<'ast> for Segments<'_> {
        fn visit_path_segment(&mut self, segment: &'ast syn::PathSegment) {
            (self.0)(segment);
            syn::visit::visit_path_segment(self, segment);
        }
    }
    syn::visit::Visit::visit_type(&mut Segments(f), ty);
}

/// The field's type with the strong pointers that lead into the cycle made
/// `Weak` (an `Option<Weak<T>>` collapses to `Weak<T>`, whose `Weak::new()` is
/// already the empty case). Aliases that hide such a pointer (`type Handle =
/// Rc<Node>`) are expanded, so the replacement shows the `Weak`.
fn weaken(scope: &Scope<'_>, owner: usize, ty: &syn::Type, cycle: &HashSet<String>) -> String {
    struct Weaken<'c, 's, 'a> {
        scope: &'s Scope<'a>,
        owner: usize,
        cycle: &'c HashSet<String>,
        self_name: &'c str,
        expansions: usize,
    }
    impl Weaken<'_, '_, '_> {
        fn mentions_cycle(&self, ty: &syn::Type) -> bool {
            let mut hit = false;
            for_each_segment(ty, &mut |segment| {
                let name = segment.ident.to_string();
                if self.cycle.contains(&name) || (name == "Self" && self.cycle.contains(self.self_name)) {
                    hit = true;
                }
            });
            hit
        }

        /// `ty` with the alias it names expanded, if that alias hides a strong
        /// pointer into the cycle.
        fn expand_alias(&self, ty: &syn::Type) -> Option<syn::Type> {
            let segment = types::segment(ty)?;
            let syn::Type::Path(path) = types::peel(ty) else { return None };
            let owner = &self.scope.types[self.owner];
            let Resolved::Alias { id, .. } = self.scope.resolve_path(&path.path, &owner.module, owner.file) else {
                return None;
            };
            let alias = &self.scope.aliases[id];
            let mut expanded = alias.ty.clone();
            let params: Vec<String> = alias.generics.type_params().map(|param| param.ident.to_string()).collect();
            Substitute { params: &params, args: &segment.args }.visit_type_mut(&mut expanded);
            let strong = first_named(&expanded, symbol::STRONG_POINTERS).is_some();
            (strong && self.mentions_cycle(&expanded)).then_some(expanded)
        }
    }
    impl VisitMut for Weaken<'_, '_, '_> {
        fn visit_type_mut(&mut self, ty: &mut syn::Type) {
            // Aliases cannot be recursive in valid code; the bound keeps
            // invalid code from looping.
            while self.expansions < 16 {
                let Some(expanded) = self.expand_alias(ty) else { break };
                *ty = expanded;
                self.expansions += 1;
            }
            // The outermost strong pointer into the cycle becomes `Weak`;
            // pointers inside it stay (`Arc<Mutex<Vec<Arc<Peer>>>>` becomes
            // `Weak<Mutex<Vec<Arc<Peer>>>>`: the list still owns its peers).
            if let syn::Type::Path(path) = ty {
                if let Some(last) = path.path.segments.last_mut() {
                    if is(symbol::STRONG_POINTERS, &last.ident.to_string())
                        && types::type_args(&last.arguments).iter().any(|arg| self.mentions_cycle(arg))
                    {
                        last.ident = syn::Ident::new("Weak", last.ident.span());
                        return;
                    }
                }
            }
            syn::visit_mut::visit_type_mut(self, ty);
            let syn::Type::Path(path) = ty else { return };
            let Some(last) = path.path.segments.last_mut() else { return };
            let name = last.ident.to_string();
            if name == "Option" {
                let inner: Vec<syn::Type> = types::type_args(&last.arguments).into_iter().cloned().collect();
                if let [only] = inner.as_slice() {
                    if types::segment(only).is_some_and(|segment| segment.name == "Weak") {
                        *ty = only.clone();
                    }
                }
            }
        }
    }
    /// Replaces an alias's type parameters with the arguments it was used with.
    struct Substitute<'p> {
        params: &'p [String],
        args: &'p [&'p syn::Type],
    }
    impl VisitMut for Substitute<'_> {
        fn visit_type_mut(&mut self, ty: &mut syn::Type) {
            if let syn::Type::Path(path) = ty {
                if let Some(ident) = path.path.get_ident() {
                    let name = ident.to_string();
                    if let Some(position) = self.params.iter().position(|param| *param == name) {
                        if let Some(arg) = self.args.get(position) {
                            *ty = (*arg).clone();
                            return;
                        }
                    }
                }
            }
            syn::visit_mut::visit_type_mut(self, ty);
        }
    }
    let mut weakened = ty.clone();
    let self_name = &scope.types[owner].name.to_string();
    Weaken { scope, owner, cycle, self_name, expansions: 0 }.visit_type_mut(&mut weakened);
    types::display(&weakened)
}

// === closures that own their owner ===

/// Reports each stored closure that captures a strong pointer to what keeps
/// the closure: a clone of the value the slot is reached from, or a value
/// whose type holds the slot's owner through strong pointers.
fn check_closures(cx: &mut Cx<'_, '_>) {
    let scope = cx.scope;
    for store in &scope.stores {
        if emptied(scope, store) {
            continue;
        }
        let Some((capture, (cycle, pointer))) =
            store.captures.iter().find_map(|capture| closes(cx, store, capture).map(|found| (capture, found)))
        else {
            continue;
        };
        let def = &scope.fns[store.fn_id];
        let slot = format!("`{}`", slot_name(scope, store));
        let name = &capture.name;
        let (weak_help, upgrade) = if pointer == "Arc" {
            (format!("let weak = Arc::downgrade(&{name});"), "weak.upgrade()")
        } else {
            (format!("let weak = Rc::downgrade(&{name});"), "weak.upgrade()")
        };
        let mut finding = cx
            .report(
                Location { file: def.file, span: capture.span },
                format!("closure stored in {slot} captures `{name}` strongly, and `{name}` keeps {slot} alive: `{cycle}`"),
            )
            .labels([Label {
                location: Location { file: def.file, span: store.at },
                message: format!("the closure is stored here (`{}`)", store.verb),
            }])
            .note(format!(
                "the closure keeps a strong `{pointer}` in `{name}`, and through it the value that holds the closure: neither is ever dropped, however many other handles are"
            ))
            .help(format!(
                "capture a `Weak` instead: `{weak_help}` before the closure, and `if let Some({name}) = {upgrade} {{ .. }}` inside it (with glib's `clone!`, `#[weak] {name}`)"
            ))
            .anchor(def.settings);
        if let Some((owner, field)) = store.slot.field {
            finding = finding.anchor(scope.types[owner].fields[field].settings).anchor(scope.types[owner].settings);
        }
        finding.emit();
    }
}

/// Where `store` puts its closure: `Widget.on_click` for a field of a type of
/// the scope, else the place as the code writes it (`g`, `window.button`).
fn slot_name(scope: &Scope<'_>, store: &Store) -> String {
    match store.slot.field {
        Some((owner, field)) => format!("{}.{}", scope.types[owner].name, scope.types[owner].fields[field].label),
        None => store.slot.written.text(),
    }
}

/// Whether code in the scope empties the field `store` puts its closure in
/// (`= None`, `take()`, `clear()`, `remove(..)`), other than by storing
/// another closure: the cycle is then broken by hand, as the crate intends.
fn emptied(scope: &Scope<'_>, store: &Store) -> bool {
    let Some((owner, field)) = store.slot.field else { return false };
    let position = |span: proc_macro2::Span| (span.start().line, span.start().column);
    let stored_at: HashSet<(usize, usize)> = scope
        .stores
        .iter()
        .filter(|other| other.slot.field == store.slot.field)
        .map(|other| position(other.at))
        .collect();
    let def = &scope.types[owner];
    scope
        .uses_of_field(owner, &def.fields[field].label)
        .iter()
        .any(|u| matches!(u.op, Op::Shrink) && !stored_at.contains(&position(u.span)))
}

/// Whether `capture` closes a cycle through the closure of `store`: the
/// cycle's text and the strong pointer's name.
fn closes(cx: &Cx<'_, '_>, store: &Store, capture: &Capture) -> Option<(String, String)> {
    let scope = cx.scope;
    let def = &scope.fns[store.fn_id];
    let place = Place { module: &def.module, file: def.file, self_type: None };
    let shares = capture.ty.as_ref().map(|ty| classify::shares(scope, place, ty));
    let pointer = capture
        .ty
        .as_ref()
        .and_then(|ty| classify::first_ctor_at(scope, place, ty, |ctor| ctor.strong))
        .unwrap_or_else(|| "Rc".to_owned());
    // The value the capture holds: a clone of a place, or the variable itself.
    let held = match &capture.hold {
        Hold::Weak => return None,
        Hold::CloneOf(origin) => Some(origin.clone()),
        Hold::Own => Some(flows::Place { root: capture.name.clone(), path: Vec::new() }),
    };
    // The closure holds (a clone of) a shared value its slot is reached from.
    let same_value = held.as_ref().is_some_and(|held| {
        store.slot.place.starts_with(held)
            && shares != Some(false)
            && (capture.hold != Hold::Own || shares == Some(true))
    });
    // Its type holds the slot's owner through strong pointers.
    let typed = match (store.slot.field, &capture.ty) {
        (Some((owner, _)), Some(ty)) => crate::graph::strong_path(scope, cx.graph, place, ty, owner),
        _ => None,
    };
    if !same_value && typed.is_none() {
        return None;
    }
    let captured = capture.ty.as_ref().map_or_else(|| capture.name.clone(), types::display);
    let mut text = slot_name(scope, store);
    text.push_str(&format!(" -> closure -> {captured}"));
    for e in typed.iter().flatten() {
        text.push_str(&format!(" -> {}", cx.graph.field_path(*e)));
    }
    match (store.slot.field, held) {
        (Some((owner, _)), _) => text.push_str(&format!(" -> {}", scope.types[owner].name)),
        (None, Some(held)) => text.push_str(&format!(" -> {}", held.text())),
        (None, None) => {}
    }
    Some((text, pointer))
}
