//! A large, realistic module for the benchmarks: types that hold each other
//! through `Rc`, `Weak`, `RefCell`, `Vec` and maps, impls that grow and shrink
//! fields, and statics, about 25 lines per type.
//!
//! Like real code it is mostly clean: one type in 50 has a static that only
//! grows, and one ring of ten types in five closes a strong cycle; the rest
//! point back to their holder through `Weak` and bound their statics.

use std::fmt::Write as _;

/// Rust source of an inline module body with `types` type definitions.
pub fn module_body(types: usize) -> String {
    let mut out = String::from("use std::{cell::RefCell, collections::HashMap, rc::{Rc, Weak}, sync::Mutex};\n\n");
    for i in 0..types {
        // Types form rings of ten (rustc's drop check overflows on one ring of
        // hundreds), each holding the next strongly. In a clean ring each type
        // points back to its holder through `Weak`; in a leaky one, elsewhere.
        let ring = i - i % 10;
        let leaky_ring = (i / 10) % 5 == 0;
        let next = (ring + (i + 1) % 10).min(types - 1);
        let back = if leaky_ring { ring + (i + 7) % 10 } else { ring + (i + 9) % 10 };
        let back = back.min(types - 1);
        let bound = if i % 50 == 0 { "" } else { "if registry.len() > 64 {\n        registry.remove(0);\n    }\n    " };
        let _ = write!(
            out,
            "\
#[derive(Default)]
pub struct Type{i} {{
    pub id: u64,
    pub name: String,
    pub children: RefCell<Vec<Rc<Type{next}>>>,
    pub parent: RefCell<Weak<Type{back}>>,
    pub index: HashMap<u64, String>,
    pub tags: Vec<String>,
}}

impl Type{i} {{
    pub fn add_tag(&mut self, tag: &str) -> usize {{
        if self.tags.len() > 16 {{
            self.tags.remove(0);
        }}
        self.tags.push(tag.to_owned());
        self.index.insert(self.id, tag.to_owned());
        self.tags.len()
    }}
}}

static REGISTRY_{i}: Mutex<Vec<u64>> = Mutex::new(Vec::new());

pub fn register_{i}(id: u64) {{
    let mut registry = REGISTRY_{i}.lock().unwrap();
    {bound}registry.push(id);
}}

"
        );
    }
    out
}

/// A worst case for `rc_cycle`: `types` types that all reach each other through
/// mutable `Rc`s, so the whole graph is one strongly connected component with
/// many independent cycles.
#[allow(dead_code)] // the build-time bench does not use it
pub fn dense_graph(types: usize) -> String {
    let mut out = String::from("use std::{cell::RefCell, rc::Rc};\n");
    for i in 0..types {
        let _ = writeln!(
            out,
            "pub struct T{i} {{ pub a: RefCell<Vec<Rc<T{}>>>, pub b: Option<Rc<T{}>> }}",
            (i + 1) % types,
            (i * 7 + 3) % types,
        );
    }
    out
}

/// The number of lines of `source`.
pub fn lines(source: &str) -> usize {
    source.lines().count()
}
