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
mod config;
mod finding;
pub mod graph;
pub mod lint;
pub mod lints;
pub mod model;
mod source;
mod symbol;
mod types;

pub use config::Config;
pub use finding::{FileId, Finding, Label, Location};
pub use graph::TypeGraph;
pub use lint::{Level, Lint};
pub use lints::{find_lint, lookup_lint, parse_attribute, LINTS};
pub use model::flows::CALLBACK_REGISTRARS;
pub use source::{module_path_of_file, Source};

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
    let scope = model::Scope::build(sources, &LINTS, &config.callback_registrars);
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
