//! What a lint is: its name, level and documentation, and the macro that
//! declares one. The lints themselves, and their registry, are in
//! [`lints`](crate::lints).

use std::fmt;

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
        pub static $NAME: $crate::lint::Lint = $crate::lint::Lint {
            name: stringify!($name),
            default_level: $crate::lint::Level::$level,
            summary: $summary,
            docs: concat!($($doc, "\n"),*),
        };
    };
}
pub(crate) use declare_lint;

/// The lint of `lints` called `name`, or a message that says what to write
/// instead: the one lookup behind the attribute's lint names, the CLI's
/// `-W`/`-A`/`-D` flags and the `[package.metadata.leak-audit]` table.
///
/// `leak_audit::rc_cycle` (rustc's spelling of tool lints) is accepted. With
/// `hyphens`, so is `rc-cycle`, as rustc accepts `-W dead-code` on its
/// command line; inside an attribute, as in rustc's own, only underscores are.
///
/// ```
/// use leak_audit_engine::{lookup_lint, LINTS};
/// assert_eq!(lookup_lint("rc-cycle", true).unwrap().name, "rc_cycle");
/// let error = lookup_lint("rc_cycles", false).unwrap_err();
/// assert!(error.starts_with("unknown lint `rc_cycles`: did you mean `rc_cycle`?"));
/// ```
///
/// # Errors
///
/// "unknown lint `name`", with the closest lint name when there is one, and
/// the list of lints when the name is not just another spelling of one.
pub fn lookup(lints: &[&'static Lint], name: &str, hyphens: bool) -> Result<&'static Lint, String> {
    let bare = name.strip_prefix("leak_audit::").unwrap_or(name);
    let spelled = if hyphens { bare.replace('-', "_") } else { bare.to_owned() };
    if let Some(lint) = lints.iter().copied().find(|lint| lint.name == spelled) {
        return Ok(lint);
    }
    // `RC_CYCLE`, `Rc_Cycle`: the right name in another case.
    if let Some(lint) = lints.iter().copied().find(|lint| lint.name == spelled.to_ascii_lowercase()) {
        return Err(format!("unknown lint `{name}`: did you mean `{}`?", lint.name));
    }
    let hint = suggest(bare, lints.iter().map(|lint| lint.name))
        .map(|close| format!("did you mean `{close}`? "))
        .unwrap_or_default();
    Err(format!("unknown lint `{name}`: {hint}{}", list(lints)))
}

/// "the lints are `rc_cycle`, `unbounded_static`, ...".
pub(crate) fn list(lints: &[&Lint]) -> String {
    let names: Vec<String> = lints.iter().map(|lint| format!("`{}`", lint.name)).collect();
    format!("the lints are {}", names.join(", "))
}

/// The candidate closest to `name`, if it is close enough to be a typo: the
/// same word in another case or with `-` for `_`, else the nearest by edit
/// distance within half the word's length. The one "did you mean" of lint
/// names, attribute arguments and configuration keys.
///
/// ```
/// use leak_audit_engine::lint::suggest;
/// assert_eq!(suggest("rc_cycles", ["rc_cycle", "unbounded_static"]), Some("rc_cycle"));
/// assert_eq!(suggest("Bounded-Cache-Types", ["bounded-cache-types"]), Some("bounded-cache-types"));
/// assert_eq!(suggest("color", ["rc_cycle"]), None);
/// ```
pub fn suggest<'c>(name: &str, candidates: impl IntoIterator<Item = &'c str>) -> Option<&'c str> {
    let normalise = |text: &str| text.replace('-', "_").to_lowercase();
    let wanted = normalise(name);
    let mut best: Option<(usize, &'c str)> = None;
    for candidate in candidates {
        let distance = if normalise(candidate) == wanted { 0 } else { edit_distance(&wanted, &normalise(candidate)) };
        let limit = name.chars().count().max(candidate.chars().count()).max(3) / 2;
        if distance <= limit && best.is_none_or(|(closest, _)| distance < closest) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// Levenshtein distance between two strings, by characters.
fn edit_distance(a: &str, b: &str) -> usize {
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
