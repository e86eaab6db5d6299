//! The lints, one per file, and their registry.
//!
//! Each lint file declares its lint with `declare_lint!` (its doc comment is
//! at once the rustdoc of the lint's static, the text `cargo leak-audit
//! --explain` prints and the lint's page in the documentation) and one
//! `check` pass, `fn check(cx: &mut Cx)`: it reads the [model](crate::model)
//! and the [type graph](crate::graph) through the context `Cx` and reports
//! through `cx.report(location, message)`, a builder of the finding's notes,
//! help and anchors. Registering a lint is one line in [`LINTS`] and one in
//! `PASSES`.

pub(crate) mod cache_without_eviction;
pub(crate) mod leak_per_call;
pub(crate) mod rc_cycle;
pub(crate) mod unbounded_static;

pub use cache_without_eviction::CACHE_WITHOUT_EVICTION;
pub use leak_per_call::LEAK_PER_CALL;
pub use rc_cycle::RC_CYCLE;
pub use unbounded_static::UNBOUNDED_STATIC;

use crate::args::Args;
use crate::config::Config;
use crate::finding::{Finding, Label, Location};
use crate::graph::TypeGraph;
use crate::lint::{self, Level, Lint};
use crate::model::{Scope, SettingsId};

/// Every lint leak_audit has, in the order they are documented.
pub static LINTS: [&Lint; 4] = [&RC_CYCLE, &UNBOUNDED_STATIC, &CACHE_WITHOUT_EVICTION, &LEAK_PER_CALL];

/// A lint's check over one scope.
pub(crate) struct Pass {
    /// The lint it reports.
    pub(crate) lint: &'static Lint,
    /// Reads the scope and the graph from the context and reports findings.
    pub(crate) check: fn(&mut Cx<'_, '_>),
}

/// The passes of [`LINTS`], run in this order.
static PASSES: [Pass; 4] = [
    Pass { lint: &RC_CYCLE, check: rc_cycle::check },
    Pass { lint: &CACHE_WITHOUT_EVICTION, check: cache_without_eviction::check },
    Pass { lint: &UNBOUNDED_STATIC, check: unbounded_static::check },
    Pass { lint: &LEAK_PER_CALL, check: leak_per_call::check },
];

/// Looks a lint up by its exact name.
///
/// ```
/// let lint = leak_audit_engine::find_lint("rc_cycle").unwrap();
/// assert_eq!(lint.name, "rc_cycle");
/// assert!(leak_audit_engine::find_lint("rc_cycles").is_none());
/// ```
pub fn find_lint(name: &str) -> Option<&'static Lint> {
    LINTS.iter().copied().find(|lint| lint.name == name)
}

/// Looks a lint up by a name a user wrote, with [`lint::lookup`]'s rules and
/// messages, among [`LINTS`].
///
/// # Errors
///
/// "unknown lint `name`" with a suggestion and the list of lints.
pub fn lookup_lint(name: &str, hyphens: bool) -> Result<&'static Lint, String> {
    lint::lookup(&LINTS, name, hyphens)
}

impl syn::parse::Parse for Args {
    fn parse(input: syn::parse::ParseStream<'_>) -> syn::Result<Self> {
        Args::parse_with(input, &LINTS)
    }
}

/// Parses the arguments of `attr` if it is a `#[leak_audit(..)]` or
/// `#[leak_audit::leak_audit(..)]` attribute, against all of leak_audit's
/// lints; `None` for any other attribute.
///
/// ```
/// let attr: syn::Attribute = syn::parse_quote!(#[leak_audit(allow(rc_cycle))]);
/// let args = leak_audit_engine::parse_attribute(&attr).unwrap().unwrap();
/// assert_eq!(args.levels[0].lint.name, "rc_cycle");
/// ```
pub fn parse_attribute(attr: &syn::Attribute) -> Option<syn::Result<Args>> {
    crate::args::parse_attribute_with(attr, &LINTS)
}

/// What a pass reads, and where it reports.
pub(crate) struct Cx<'s, 'a> {
    pub(crate) scope: &'s Scope<'a>,
    pub(crate) graph: &'s TypeGraph,
    pub(crate) config: &'s Config,
    lint: &'static Lint,
    raw: Vec<Raw>,
    cycle_edges: Vec<usize>,
}

impl Cx<'_, '_> {
    /// Starts a finding of the running pass's lint at `location`. Its level
    /// is decided by the settings at its anchors ([`FindingBuilder::anchor`]).
    pub(crate) fn report(&mut self, location: Location, message: String) -> FindingBuilder<'_> {
        FindingBuilder {
            raw: &mut self.raw,
            finding: Finding {
                lint: self.lint,
                level: Level::Warn,
                location,
                message,
                labels: Vec::new(),
                notes: Vec::new(),
                help: None,
            },
            anchors: Vec::new(),
        }
    }

    /// Marks edges of the graph as part of a reported cycle (drawn in red).
    pub(crate) fn mark_cycle(&mut self, edges: &[usize]) {
        self.cycle_edges.extend_from_slice(edges);
    }
}

/// A finding being built; [`FindingBuilder::emit`] records it.
#[must_use = "a finding is only reported by `emit()`"]
pub(crate) struct FindingBuilder<'c> {
    raw: &'c mut Vec<Raw>,
    finding: Finding,
    anchors: Vec<SettingsId>,
}

impl FindingBuilder<'_> {
    /// Secondary places.
    pub(crate) fn labels(mut self, labels: impl IntoIterator<Item = Label>) -> Self {
        self.finding.labels.extend(labels);
        self
    }

    /// Why it leaks.
    pub(crate) fn note(mut self, note: impl Into<String>) -> Self {
        self.finding.notes.push(note.into());
        self
    }

    /// How to fix it.
    pub(crate) fn help(mut self, help: impl Into<String>) -> Self {
        self.finding.help = Some(help.into());
        self
    }

    /// A part of the model whose `#[leak_audit(..)]` settings decide the
    /// finding's level: the first anchor is where it is reported, and an
    /// `allow` at any anchor silences it.
    pub(crate) fn anchor(mut self, settings: SettingsId) -> Self {
        self.anchors.push(settings);
        self
    }

    /// Records the finding.
    pub(crate) fn emit(self) {
        self.raw.push(Raw { finding: self.finding, anchors: self.anchors });
    }
}

/// A finding before levels are applied, with its anchors.
struct Raw {
    finding: Finding,
    anchors: Vec<SettingsId>,
}

/// Runs every pass over `scope`; returns the findings whose level is not
/// `allow`, and the graph edges of the reported cycles.
pub(crate) fn run(scope: &Scope<'_>, graph: &TypeGraph, config: &Config) -> (Vec<Finding>, Vec<usize>) {
    let mut cx = Cx { scope, graph, config, lint: &RC_CYCLE, raw: Vec::new(), cycle_edges: Vec::new() };
    // A test or bench target is test code through and through, as `#[test]`
    // fns and `#[cfg(test)]` modules are: it runs for one test run and ends.
    if config.test_code {
        return (Vec::new(), Vec::new());
    }
    for pass in &PASSES {
        cx.lint = pass.lint;
        (pass.check)(&mut cx);
    }
    let findings = cx
        .raw
        .into_iter()
        .filter_map(|raw| {
            let level = scope.settings.level(raw.finding.lint, &raw.anchors, config);
            (level != Level::Allow).then_some(Finding { level, ..raw.finding })
        })
        .collect();
    (findings, cx.cycle_edges)
}
