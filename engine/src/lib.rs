//! The analysis engine behind [leak_audit](https://docs.rs/leak_audit): finds
//! strong `Rc`/`Arc` cycles, ever-growing statics and caches without eviction
//! in Rust syntax trees.
//!
//! The engine is a plain library over [`syn`], so the `#[leak_audit]` attribute
//! macro and `cargo leak-audit` run the very same analysis, and it is tested
//! without a compiler in the loop.
//!
//! # Pipeline
//!
//! 1. [`model`] builds one borrowed model of the scope in passes: the items
//!    (type definitions and their fields, aliases, statics, including the
//!    tokens of `thread_local!` and `lazy_static!`, traits, fn bodies) with
//!    the `#[leak_audit(..)]` settings in force at each; the names the paths
//!    of the scope resolve to; and every place a field or static is grown,
//!    shrunk or looked up, as a typed operation. Each part keeps the span of
//!    the user's tokens.
//! 2. [`graph`] builds the type reference graph (strong, weak and owning
//!    edges) with the model's one walk over types.
//! 3. Each lint of the registry in [`lints`] is one pass over the model and
//!    the graph, reporting [`Finding`]s.
//! 4. Levels from the [`Config`] and from `#[leak_audit(allow(..)/deny(..))]`
//!    attributes in the source decide which findings are kept and how loud
//!    they are.
//!
//! # Example
//!
//! ```
//! use leak_audit_engine::{analyze_str, Config};
//!
//! let source = r#"
//!     use std::{cell::RefCell, rc::Rc};
//!     pub struct Person { pub cars: RefCell<Vec<Rc<Car>>> }
//!     pub struct Car { pub owner: RefCell<Option<Rc<Person>>> }
//! "#;
//! let findings = analyze_str(source, &Config::default()).unwrap();
//! assert_eq!(findings.len(), 1);
//! assert_eq!(findings[0].lint.name, "rc_cycle");
//! assert!(findings[0].message.contains("`Person.cars -> Car.owner -> Person`"));
//! ```

#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]

pub mod args;
mod finding;
pub mod graph;
pub mod lint;
pub mod lints;
pub mod model;
mod symbol;
mod types;

use std::collections::BTreeMap;

pub use finding::{FileId, Finding, Label, Location};
pub use graph::TypeGraph;
pub use lint::{Level, Lint};
pub use lints::{find_lint, lookup_lint, parse_attribute, LINTS};

/// Settings that apply to a whole analysis, before any attribute in the source.
///
/// The attribute macro builds it from its own arguments; the CLI from its
/// flags and `[package.metadata.leak-audit]`.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Levels that replace a lint's default level, by lint name.
    pub levels: BTreeMap<&'static str, Level>,
    /// More type names (last path segment, such as `BoundedMap`) to treat as
    /// caches that bound themselves, besides the built-in list.
    pub bounded_cache_types: Vec<String>,
}

impl Config {
    /// The level of `lint` before attributes in the source are applied.
    pub fn level(&self, lint: &Lint) -> Level {
        self.levels.get(lint.name).copied().unwrap_or(lint.default_level)
    }
}

/// The items of one source file (or of one macro invocation) to analyse.
///
/// ```
/// use leak_audit_engine::{FileId, Source};
/// let file = syn::parse_file("pub struct Rx { inner: u8 }").unwrap();
/// let module = vec!["sync".to_string(), "mpsc".to_string(), "list".to_string()];
/// let source = Source::new(FileId(3), &file.items).in_module(&module);
/// assert_eq!(source.module, ["sync", "mpsc", "list"]);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// The file the items come from; findings point back at it.
    pub file: FileId,
    /// The items, in source order.
    pub items: &'a [syn::Item],
    /// The file's module path in its crate (`["sync", "mpsc", "list"]` for
    /// `src/sync/mpsc/list.rs`); empty for a crate root or a macro input. Types
    /// with the same name in different files are told apart by it.
    pub module: &'a [String],
}

impl<'a> Source<'a> {
    /// Items of `file` at the crate root.
    pub fn new(file: FileId, items: &'a [syn::Item]) -> Self {
        Source { file, items, module: &[] }
    }

    /// The same items, declared in module `module` of their crate.
    #[must_use]
    pub fn in_module(self, module: &'a [String]) -> Self {
        Source { module, ..self }
    }
}

/// The module path a file of a crate stands for, from the file paths alone:
/// `src/sync/mpsc/list.rs` under the root `src/lib.rs` is `["sync", "mpsc",
/// "list"]`, `src/net/mod.rs` is `["net"]`. Files outside the root's folder
/// (`#[path]` elsewhere) get the path they can be given from their own name.
///
/// ```
/// use std::path::Path;
/// use leak_audit_engine::module_path_of_file;
/// let root = Path::new("src/lib.rs");
/// assert_eq!(module_path_of_file(root, Path::new("src/sync/mpsc/list.rs")), ["sync", "mpsc", "list"]);
/// assert_eq!(module_path_of_file(root, Path::new("src/net/mod.rs")), ["net"]);
/// assert!(module_path_of_file(root, root).is_empty());
/// ```
pub fn module_path_of_file(root: &std::path::Path, file: &std::path::Path) -> Vec<String> {
    if file == root {
        return Vec::new();
    }
    let base = root.parent().unwrap_or(root);
    let relative = file.strip_prefix(base).unwrap_or(file);
    let mut parts: Vec<String> = relative.iter().map(|part| part.to_string_lossy().into_owned()).collect();
    if let Some(last) = parts.pop() {
        let stem = last.strip_suffix(".rs").unwrap_or(&last).to_string();
        if stem != "mod" {
            parts.push(stem);
        }
    }
    parts.retain(|part| !part.is_empty() && part != "..");
    parts
}

/// Everything one analysis produced.
#[derive(Debug, Default)]
pub struct Analysis {
    /// Problems found, in source order, with levels already applied (findings at
    /// [`Level::Allow`] are dropped).
    pub findings: Vec<Finding>,
    /// Errors in `#[leak_audit(..)]` attributes found inside the sources.
    pub errors: Vec<(FileId, syn::Error)>,
    /// The type reference graph of the scope (strong, weak and owning edges).
    pub graph: TypeGraph,
}

/// Analyses the given sources together, as one scope: a cycle between types in
/// two files is found.
pub fn analyze(sources: &[Source<'_>], config: &Config) -> Analysis {
    let scope = model::Scope::build(sources, &LINTS);
    let mut graph = graph::build(&scope);
    let (mut findings, cycle_edges) = lints::run(&scope, &graph, config);
    for edge in cycle_edges {
        graph.edges[edge].in_cycle = true;
    }
    findings.sort_by_key(|finding| {
        let start = finding.location.span.start();
        (finding.location.file, start.line, start.column)
    });
    Analysis { findings, errors: scope.errors, graph }
}

/// Parses `source` as a file and analyses it with `config`; a convenience for
/// tests and examples.
///
/// # Errors
///
/// Returns syn's error if `source` is not valid Rust.
pub fn analyze_str(source: &str, config: &Config) -> syn::Result<Vec<Finding>> {
    let file = syn::parse_file(source)?;
    let sources = [Source::new(FileId(0), &file.items)];
    Ok(analyze(&sources, config).findings)
}
