//! The lints, one per file, and their registry.
//!
//! Each lint is declared with `declare_lint!`: its doc comment is at once the
//! rustdoc of the lint's static, the text `cargo leak-audit --explain` prints
//! and the lint's page in the documentation.

use std::fmt;

pub(crate) mod cache_without_eviction;
pub(crate) mod rc_cycle;
pub(crate) mod unbounded_static;

pub use cache_without_eviction::CACHE_WITHOUT_EVICTION;
pub use rc_cycle::RC_CYCLE;
pub use unbounded_static::UNBOUNDED_STATIC;

/// How a finding is reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Not reported.
    Allow,
    /// Reported as a warning; the build goes on.
    Warn,
    /// Reported as an error; the build fails.
    Deny,
}

impl Level {
    /// The level's name as written in `allow(..)`, `warn(..)` and `deny(..)`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }

    /// Parses `allow`, `warn` or `deny`.
    ///
    /// ```
    /// use leak_audit_engine::Level;
    /// assert_eq!(Level::from_name("deny"), Some(Level::Deny));
    /// assert_eq!(Level::from_name("forbid"), None);
    /// ```
    pub fn from_name(name: &str) -> Option<Level> {
        match name {
            "allow" => Some(Level::Allow),
            "warn" => Some(Level::Warn),
            "deny" => Some(Level::Deny),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A lint: its name, default level, summary and documentation.
#[derive(Debug)]
pub struct Lint {
    /// The name used in `allow(..)`/`deny(..)`, snake_case.
    pub name: &'static str,
    /// The level the lint has unless configured otherwise.
    pub default_level: Level,
    /// One lowercase line saying what the lint finds.
    pub summary: &'static str,
    /// The lint's page in Markdown: what it does, why it leaks, an example, the fix
    /// and its known problems.
    pub docs: &'static str,
}

impl Lint {
    /// The documentation with the leading space of each doc-comment line removed.
    pub fn docs_markdown(&self) -> String {
        let mut out = String::new();
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }
}

/// Declares a lint; the doc comment becomes its documentation.
macro_rules! declare_lint {
    ($(#[doc = $doc:expr])* pub $NAME:ident, $name:ident, $level:ident, $summary:expr) => {
        $(#[doc = $doc])*
        pub static $NAME: $crate::lints::Lint = $crate::lints::Lint {
            name: stringify!($name),
            default_level: $crate::lints::Level::$level,
            summary: $summary,
            docs: concat!($($doc, "\n"),*),
        };
    };
}
pub(crate) use declare_lint;

/// Every lint leak_audit has, in the order they are documented.
pub static LINTS: [&Lint; 3] = [&RC_CYCLE, &UNBOUNDED_STATIC, &CACHE_WITHOUT_EVICTION];

/// Looks a lint up by its name.
///
/// ```
/// let lint = leak_audit_engine::find_lint("rc_cycle").unwrap();
/// assert_eq!(lint.name, "rc_cycle");
/// assert!(leak_audit_engine::find_lint("rc_cycles").is_none());
/// ```
pub fn find_lint(name: &str) -> Option<&'static Lint> {
    LINTS.iter().copied().find(|lint| lint.name == name)
}

/// The known lint name closest to `name`, for "did you mean" suggestions.
pub fn suggest_lint(name: &str) -> Option<&'static str> {
    LINTS
        .iter()
        .map(|lint| (edit_distance(name, lint.name), lint.name))
        .filter(|&(distance, _)| distance <= name.len().max(3) / 2)
        .min()
        .map(|(_, name)| name)
}

pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = if ca == cb { diagonal } else { 1 + diagonal.min(above).min(row[j]) };
            diagonal = above;
        }
    }
    row[b.len()]
}

/// A finding before levels are applied, with the parts of the model whose
/// `#[leak_audit(allow/deny(..))]` settings decide its level: the first anchor
/// is where it is reported; an `allow` on any anchor silences it.
#[derive(Debug)]
pub(crate) struct Raw {
    pub(crate) finding: Finding,
    pub(crate) anchors: Vec<crate::model::SettingsId>,
}

use crate::finding::Finding;
