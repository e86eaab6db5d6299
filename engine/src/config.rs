//! The settings of a whole analysis.

use std::collections::BTreeMap;

use crate::lint::{Level, Lint};

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
    /// More method-name patterns (`*` for any text, such as `watch_*`) of
    /// calls that register a callback on their receiver and keep it there,
    /// besides the built-in list ([`CALLBACK_REGISTRARS`](crate::CALLBACK_REGISTRARS)).
    pub callback_registrars: Vec<String>,
    /// The sources are a test or bench target: all of it is test code, which
    /// runs for one test run and ends, so no lint reports it (as no lint
    /// reports `#[test]` fns and `#[cfg(test)]` modules); the type graph is
    /// still built.
    pub test_code: bool,
}

impl Config {
    /// The level of `lint` before attributes in the source are applied.
    pub fn level(&self, lint: &Lint) -> Level {
        self.levels.get(lint.name).copied().unwrap_or(lint.default_level)
    }
}
