//! A large, realistic module for the benchmarks: types that hold each other
//! through `Rc`, `Weak`, `RefCell`, `Vec` and maps, impls that grow and shrink
//! fields, and statics, about 20 lines per type.

use std::fmt::Write as _;

/// Rust source of an inline module body with `types` type definitions.
pub fn module_body(types: usize) -> String {
    let mut out = String::from("use std::{cell::RefCell, collections::HashMap, rc::{Rc, Weak}, sync::Mutex};\n\n");
    for i in 0..types {
        // Types form rings of ten (rustc's drop check overflows on one ring of
        // hundreds), each holding the next strongly and an earlier one weakly.
        let ring = i - i % 10;
        let next = (ring + (i + 1) % 10).min(types - 1);
        let back = ring + (i + 7) % 10;
        let back = back.min(types - 1);
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

pub fn register_{i}(id: u64) {{ REGISTRY_{i}.lock().unwrap().push(id); }}

"
        );
    }
    out
}

/// The number of lines of `source`.
pub fn lines(source: &str) -> usize {
    source.lines().count()
}
