//! The type reference graph: which types can hold which, and how.
//!
//! It is the static counterpart of objgraph's back-reference graph: nodes are
//! the types of the scope, edges the fields that can hold another type, marked
//! strong (`Rc`/`Arc`), weak (`Weak`) or owning (by value, `Box`, `Vec`, ...).
//! [`TypeGraph::to_dot`] renders it for Graphviz, cycles in red.

use std::fmt::Write as _;

use syn::Type;

use crate::model::classify::{self, Place, Seen, State, Walker};
use crate::model::Scope;

/// How a field holds the type it points to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeKind {
    /// By value or through a unique owner (`Box`, `Vec`, `Option`, ...).
    Owns,
    /// Through a strong shared pointer (`Rc`, `Arc`).
    Strong,
    /// Through a `Weak` pointer; never keeps the target alive.
    Weak,
}

impl EdgeKind {
    fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Strong => "strong",
            EdgeKind::Weak => "weak",
            EdgeKind::Owns => "owns",
        }
    }
}

/// A type of the scope, or a closure slot of one.
#[derive(Clone, Debug)]
pub struct Node {
    /// The type's name as written in its definition; for a closure slot,
    /// `Type.field (closure)`.
    pub name: String,
    /// A field that holds closures (`Box<dyn Fn()>`, `Closure<dyn FnMut()>`):
    /// its edges are what the closures stored in it capture strongly.
    pub closure: bool,
}

/// A field through which one type can hold another.
#[derive(Clone, Debug)]
pub struct Edge {
    /// Index of the holding type in [`TypeGraph::nodes`].
    pub from: usize,
    /// Index of the held type in [`TypeGraph::nodes`].
    pub to: usize,
    /// The index of the field among the holding type's fields (an enum's
    /// fields are those of its variants, in order); for an edge out of a
    /// closure slot, the slot's own field.
    pub field: usize,
    /// The field: `cars` for a named field, `0` for a tuple field, `Cons.1`
    /// for a field of an enum variant; for an edge out of a closure slot,
    /// the captured variable.
    pub field_label: String,
    /// How the field holds the target.
    pub kind: EdgeKind,
    /// Whether the target can be replaced after construction (interior
    /// mutability on the way, such as `RefCell` or `Mutex`).
    pub mutable: bool,
    /// Whether a cell on the way sits inside a shared pointer (`Rc<RefCell<T>>`),
    /// so code can replace the target through any handle to that pointer,
    /// not only through this field.
    pub shared_cell: bool,
    /// Whether the target is held in a collection (many targets, not one pointer).
    pub collection: bool,
    /// Whether the edge is part of a reported `rc_cycle`.
    pub in_cycle: bool,
}

/// The type reference graph of an analysed scope.
///
/// It holds names and indices only (no spans), so it can be kept and sent
/// between threads after the syntax trees are gone.
#[derive(Clone, Debug, Default)]
pub struct TypeGraph {
    /// The types, in the order they were found.
    pub nodes: Vec<Node>,
    /// The fields that reference other types of the scope.
    pub edges: Vec<Edge>,
}

/// Builds the graph of `scope`: a node per type, an edge per type of the
/// scope that a field can hold.
pub(crate) fn build(scope: &Scope<'_>) -> TypeGraph {
    let mut graph = TypeGraph::default();
    for def in &scope.types {
        graph.nodes.push(Node { name: def.name.to_string(), closure: false });
    }
    // Closure slots: a node each, after the types, held by their type.
    let mut slots = std::collections::HashMap::new();
    for (owner, def) in scope.types.iter().enumerate() {
        for (field_index, field) in def.fields.iter().enumerate() {
            let Some(state) = classify::closure_slot(scope, owner, field.ty) else { continue };
            slots.insert((owner, field_index), graph.nodes.len());
            graph.nodes.push(Node { name: format!("{}.{} (closure)", def.name, field.label), closure: true });
            graph.edges.push(Edge {
                from: owner,
                to: graph.nodes.len() - 1,
                field: field_index,
                field_label: field.label.clone(),
                kind: if state.strong { EdgeKind::Strong } else { EdgeKind::Owns },
                mutable: state.mutable,
                shared_cell: state.shared_cell,
                collection: state.collection,
                in_cycle: false,
            });
        }
    }
    for (owner, def) in scope.types.iter().enumerate() {
        for (field_index, field) in def.fields.iter().enumerate() {
            for reach in reaches(scope, owner, field.ty) {
                graph.edges.push(Edge {
                    from: owner,
                    to: reach.target,
                    field: field_index,
                    field_label: field.label.clone(),
                    kind: reach.kind,
                    mutable: reach.mutable,
                    shared_cell: reach.shared_cell,
                    collection: reach.collection,
                    in_cycle: false,
                });
            }
        }
    }
    // What the closures stored in each slot capture strongly.
    for store in &scope.stores {
        let Some(&slot) = store.slot.field.as_ref().and_then(|field| slots.get(field)) else { continue };
        let def = &scope.fns[store.fn_id];
        let place = Place { module: &def.module, file: def.file, self_type: None };
        for capture in &store.captures {
            let (Some(ty), false) = (&capture.ty, capture.hold == crate::model::flows::Hold::Weak) else { continue };
            Walker::walk(scope, place, &[], ty, |seen: Seen<'_, '_>, state: State| match seen {
                Seen::Local { id, generic_args } => {
                    if !state.inside_generic && !state.weak {
                        let edge = Edge {
                            from: slot,
                            to: id,
                            field: store.slot.field.map_or(0, |(_, field)| field),
                            field_label: capture.name.clone(),
                            kind: if state.strong { EdgeKind::Strong } else { EdgeKind::Owns },
                            mutable: state.mutable,
                            shared_cell: state.shared_cell,
                            collection: state.collection,
                            in_cycle: false,
                        };
                        if !graph.edges.iter().any(|known| known.from == edge.from && known.to == edge.to) {
                            graph.edges.push(edge);
                        }
                    }
                    generic_args
                }
                Seen::Ctor { ctor, elsewhere, .. } => !ctor.non_owning && !ctor.weak && (ctor.is_known() || !elsewhere),
                Seen::Sequence | Seen::Tuple { .. } => true,
                Seen::Reference | Seen::Callable => false,
            });
        }
    }
    graph
}

/// A type of the scope that a field can hold, and how.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Reach {
    target: usize,
    kind: EdgeKind,
    mutable: bool,
    shared_cell: bool,
    collection: bool,
}

/// The types of the scope that a field of type `owner` with type `ty` can
/// hold: the edges of the type graph. Generic types of the scope are entered
/// with their parameters bound (`Handle<Node>` with `struct Handle<T>(Rc<RefCell<T>>)`
/// is a strong, mutable edge to `Node`); types it cannot see into
/// (references, raw pointers, other trait objects, associated types) give
/// no edge.
fn reaches<'a>(scope: &Scope<'a>, owner: usize, ty: &'a Type) -> Vec<Reach> {
    let mut out = Vec::new();
    Walker::walk(scope, Place::of_type(scope, owner), &[], ty, |seen: Seen<'_, 'a>, state: State| match seen {
        Seen::Local { id, generic_args } => {
            if !state.inside_generic {
                let kind = if state.weak {
                    EdgeKind::Weak
                } else if state.strong {
                    EdgeKind::Strong
                } else {
                    EdgeKind::Owns
                };
                let reach = Reach {
                    target: id,
                    kind,
                    mutable: state.mutable,
                    shared_cell: state.shared_cell,
                    collection: state.collection,
                };
                if !out.contains(&reach) {
                    out.push(reach);
                }
            }
            generic_args
        }
        // A type of std or another crate that the walk does not know holds
        // no type of the scope (a handle's type argument, as in
        // `QueueHandle<State>`, names what it dispatches to, not what it owns).
        Seen::Ctor { ctor, elsewhere, .. } => !ctor.non_owning && (ctor.is_known() || !elsewhere),
        Seen::Sequence | Seen::Tuple { .. } => true,
        // References borrow; closures are opaque to the type graph (their
        // captures are found in the code that stores them).
        Seen::Reference | Seen::Callable => false,
    });
    out
}

/// The shortest way a value of type `ty` (written at `place`) holds a value
/// of type `owner` of the scope, through owning and strong edges, passing at
/// least one strong pointer: the graph edges after the first hop (empty when
/// `ty` points to `owner` itself).
pub(crate) fn strong_path<'a>(
    scope: &Scope<'a>,
    graph: &TypeGraph,
    place: Place<'_>,
    ty: &'a Type,
    owner: usize,
) -> Option<Vec<usize>> {
    // The first hop: the types of the scope `ty` holds, and how.
    let mut starts: Vec<(usize, bool)> = Vec::new();
    Walker::walk(scope, place, &[], ty, |seen: Seen<'_, 'a>, state: State| match seen {
        Seen::Local { id, generic_args } => {
            if !state.inside_generic && !state.weak {
                starts.push((id, state.strong));
            }
            generic_args
        }
        Seen::Ctor { ctor, elsewhere, .. } => !ctor.non_owning && !ctor.weak && (ctor.is_known() || !elsewhere),
        Seen::Sequence | Seen::Tuple { .. } => true,
        Seen::Reference | Seen::Callable => false,
    });
    // Breadth first over (node, passed a strong pointer yet), with each
    // node's outgoing edges indexed once.
    let n = graph.nodes.len();
    let mut out = vec![Vec::new(); n];
    for (e, edge) in graph.edges.iter().enumerate() {
        out[edge.from].push(e);
    }
    let state = |node: usize, strong: bool| node * 2 + usize::from(strong);
    let mut came_by: Vec<Option<(usize, usize)>> = vec![None; n * 2];
    let mut seen = vec![false; n * 2];
    let mut queue = std::collections::VecDeque::new();
    for (node, strong) in starts {
        if node < n && !seen[state(node, strong)] {
            seen[state(node, strong)] = true;
            queue.push_back((node, strong));
        }
    }
    while let Some((node, strong)) = queue.pop_front() {
        if node == owner && strong {
            let mut path = Vec::new();
            let mut at = state(node, strong);
            while let Some((edge, previous)) = came_by[at] {
                path.push(edge);
                at = previous;
            }
            path.reverse();
            return Some(path);
        }
        for &e in &out[node] {
            let edge = &graph.edges[e];
            if edge.kind == EdgeKind::Weak || graph.nodes[edge.to].closure {
                continue;
            }
            let next = state(edge.to, strong || edge.kind == EdgeKind::Strong);
            if !seen[next] {
                seen[next] = true;
                came_by[next] = Some((e, state(node, strong)));
                queue.push_back((edge.to, strong || edge.kind == EdgeKind::Strong));
            }
        }
    }
    None
}

impl TypeGraph {
    /// Renders the graph in Graphviz's DOT language.
    ///
    /// Strong edges are solid, weak edges dashed, owning edges grey; edges of a
    /// reported cycle are red.
    ///
    /// ```
    /// let source = "use std::rc::{Rc, Weak}; use std::cell::RefCell;
    ///     struct Node { children: RefCell<Vec<Rc<Node>>>, parent: RefCell<Weak<Node>> }";
    /// let file = syn::parse_file(source).unwrap();
    /// let sources = [leak_audit_engine::Source::new(Default::default(), &file.items)];
    /// let analysis = leak_audit_engine::analyze(&sources, &Default::default());
    /// let dot = analysis.graph.to_dot();
    /// assert!(dot.starts_with("digraph leak_audit {"));
    /// assert!(dot.contains("style=dashed"));
    /// ```
    pub fn to_dot(&self) -> String {
        let mut out = String::from(DOT_HEADER);
        self.write_dot_body(&mut out, "", "    ");
        out.push_str("}\n");
        out
    }

    /// `Car.owner`, or `List::Cons.1` for a field of an enum variant: the
    /// field of edge `e` with the type that holds it.
    #[must_use]
    pub fn field_path(&self, e: usize) -> String {
        let edge = &self.edges[e];
        let type_name = &self.nodes[edge.from].name;
        match edge.field_label.split_once('.') {
            Some((variant, field)) => format!("{type_name}::{variant}.{field}"),
            None => format!("{type_name}.{}", edge.field_label),
        }
    }

    /// The nodes and edges in DOT, node ids prefixed with `prefix`, each line
    /// indented by `indent`.
    fn write_dot_body(&self, out: &mut String, prefix: &str, indent: &str) {
        for (index, node) in self.nodes.iter().enumerate() {
            let shape = if node.closure { ", shape=ellipse" } else { "" };
            let _ = writeln!(out, "{indent}{prefix}n{index} [label=\"{}\"{shape}];", escape(&node.name));
        }
        for edge in &self.edges {
            let style = match edge.kind {
                EdgeKind::Strong => "solid",
                EdgeKind::Weak => "dashed",
                EdgeKind::Owns => "dotted",
            };
            let color = if edge.in_cycle {
                "red"
            } else if edge.kind == EdgeKind::Owns {
                "grey40"
            } else {
                "black"
            };
            let field = edge.field_label.rsplit('.').next().unwrap_or(&edge.field_label);
            let _ = writeln!(
                out,
                "{indent}{prefix}n{} -> {prefix}n{} [label=\"{} ({}{})\", style={style}, color={color}];",
                edge.from,
                edge.to,
                escape(field),
                edge.kind.as_str(),
                if edge.mutable { ", mut" } else { "" },
            );
        }
    }
}

const DOT_HEADER: &str = "digraph leak_audit {\n    rankdir=LR;\n    node [shape=box, fontname=\"monospace\"];\n";

/// Several graphs in one DOT document (one per crate of a workspace): each
/// a `subgraph cluster_<n>` labelled with its name, so `dot -Tsvg` draws
/// them side by side. One graph is written as [`TypeGraph::to_dot`] writes it.
///
/// ```
/// use leak_audit_engine::{analyze, graph, Config, FileId, Source};
/// let file = syn::parse_file("struct A { b: std::rc::Rc<B> } struct B;").unwrap();
/// let one = analyze(&[Source::new(FileId(0), &file.items)], &Config::default()).graph;
/// let dot = graph::to_dot_many(&[("app".to_string(), one.clone()), ("lib".to_string(), one)]);
/// assert!(dot.contains("subgraph cluster_1"));
/// assert!(dot.contains("c1_n0 -> c1_n1"));
/// ```
#[must_use]
pub fn to_dot_many(graphs: &[(String, TypeGraph)]) -> String {
    if let [(_, graph)] = graphs {
        return graph.to_dot();
    }
    let mut out = String::from(DOT_HEADER);
    for (index, (label, graph)) in graphs.iter().enumerate() {
        let _ = writeln!(out, "    subgraph cluster_{index} {{\n        label=\"{}\";", escape(label));
        graph.write_dot_body(&mut out, &format!("c{index}_"), "        ");
        out.push_str("    }\n");
    }
    out.push_str("}\n");
    out
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}
