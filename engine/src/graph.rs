//! The type reference graph: which types can hold which, and how.
//!
//! It is the static counterpart of objgraph's back-reference graph: nodes are
//! the types of the scope, edges the fields that can hold another type, marked
//! strong (`Rc`/`Arc`), weak (`Weak`) or owning (by value, `Box`, `Vec`, ...).
//! [`TypeGraph::to_dot`] renders it for Graphviz, cycles in red.

use std::fmt::Write as _;

use crate::finding::Location;

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

/// A type of the scope.
#[derive(Clone, Debug)]
pub struct Node {
    /// The type's name as written in its definition.
    pub name: String,
    /// Where the type is defined.
    pub location: Location,
}

/// A field through which one type can hold another.
#[derive(Clone, Debug)]
pub struct Edge {
    /// Index of the holding type in [`TypeGraph::nodes`].
    pub from: usize,
    /// Index of the held type in [`TypeGraph::nodes`].
    pub to: usize,
    /// The field, as `Type.field` (or `Type::Variant.0` for enum variants).
    pub field: String,
    /// How the field holds the target.
    pub kind: EdgeKind,
    /// Whether the target can be replaced after construction (interior
    /// mutability on the way, such as `RefCell` or `Mutex`).
    pub mutable: bool,
    /// Whether the target is held in a collection (many targets, not one pointer).
    pub collection: bool,
    /// Whether the edge is part of a reported `rc_cycle`.
    pub in_cycle: bool,
    /// Where the field is declared.
    pub location: Location,
}

/// The type reference graph of an analysed scope.
#[derive(Clone, Debug, Default)]
pub struct TypeGraph {
    /// The types, in the order they were found.
    pub nodes: Vec<Node>,
    /// The fields that reference other types of the scope.
    pub edges: Vec<Edge>,
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
        let mut out =
            String::from("digraph leak_audit {\n    rankdir=LR;\n    node [shape=box, fontname=\"monospace\"];\n");
        for (index, node) in self.nodes.iter().enumerate() {
            let _ = writeln!(out, "    n{index} [label=\"{}\"];", escape(&node.name));
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
            let kind = match edge.kind {
                EdgeKind::Strong => "strong",
                EdgeKind::Weak => "weak",
                EdgeKind::Owns => "owns",
            };
            let field = edge.field.rsplit('.').next().unwrap_or(&edge.field);
            let _ = writeln!(
                out,
                "    n{} -> n{} [label=\"{} ({kind}{})\", style={style}, color={color}];",
                edge.from,
                edge.to,
                escape(field),
                if edge.mutable { ", mut" } else { "" },
            );
        }
        out.push_str("}\n");
        out
    }
}

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}
