//! The type reference graph: which types can hold which, and how.
//!
//! It is the static counterpart of objgraph's back-reference graph: nodes are
//! the types of the scope, edges the fields that can hold another type, marked
//! strong (`Rc`/`Arc`), weak (`Weak`) or owning (by value, `Box`, `Vec`, ...).
//! [`TypeGraph::to_dot`] renders it for Graphviz, cycles in red.

use std::fmt::Write as _;

use syn::Type;

use crate::model::classify::{Place, Seen, State, Walker};
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

/// A type of the scope.
#[derive(Clone, Debug)]
pub struct Node {
    /// The type's name as written in its definition.
    pub name: String,
}

/// A field through which one type can hold another.
#[derive(Clone, Debug)]
pub struct Edge {
    /// Index of the holding type in [`TypeGraph::nodes`].
    pub from: usize,
    /// Index of the held type in [`TypeGraph::nodes`].
    pub to: usize,
    /// The index of the field among the holding type's fields (an enum's
    /// fields are those of its variants, in order).
    pub field: usize,
    /// The field: `cars` for a named field, `0` for a tuple field, `Cons.1`
    /// for a field of an enum variant.
    pub field_label: String,
    /// How the field holds the target.
    pub kind: EdgeKind,
    /// Whether the target can be replaced after construction (interior
    /// mutability on the way, such as `RefCell` or `Mutex`).
    pub mutable: bool,
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
        graph.nodes.push(Node { name: def.name.to_string() });
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
                    collection: reach.collection,
                    in_cycle: false,
                });
            }
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
                let reach = Reach { target: id, kind, mutable: state.mutable, collection: state.collection };
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
        // References borrow.
        Seen::Reference => false,
    });
    out
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
            let _ = writeln!(out, "{indent}{prefix}n{index} [label=\"{}\"];", escape(&node.name));
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
