//! Lint levels and known-bounded cache types from `Cargo.toml` and the
//! command line.
//!
//! ```toml
//! [workspace.metadata.leak-audit]     # or [package.metadata.leak-audit]
//! lints = { rc_cycle = "deny", cache_without_eviction = "allow" }
//! bounded-cache-types = ["BoundedMap", "my_crate::cache::Lru"]
//! callback-registrars = ["watch_*", "bind"]
//! ```
//!
//! Settings are applied in this order, the last one winning: the lint's
//! default, the workspace table, the package table, then `-W`/`-A`/`-D` flags in
//! the order given.

use std::collections::BTreeMap;

use leak_audit_engine::{Config, Level, Lint};
use serde_json::Value;

/// The keys of a `[*.metadata.leak-audit]` table.
const KEYS: [&str; 3] = ["lints", "bounded-cache-types", "callback-registrars"];

/// Where a lint's level was set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The lint's default level.
    Default,
    /// A `[package.metadata.leak-audit]` or `[workspace.metadata.leak-audit]` table.
    Manifest {
        /// The table, as written in `Cargo.toml`.
        table: &'static str,
    },
    /// A `-W`/`-A`/`-D` flag, as written.
    CommandLine(String),
}

/// The settings one crate is analysed with.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    /// Levels set explicitly, with where they were set.
    levels: BTreeMap<&'static str, (Level, Origin)>,
    /// Extra cache types that bound themselves (last path segments).
    bounded_cache_types: Vec<String>,
    callback_registrars: Vec<String>,
    /// `-D warnings`: every warning becomes an error.
    pub deny_warnings: bool,
}

impl Settings {
    /// Applies a `[<table>.metadata.leak-audit]` table (`value` is the whole
    /// `metadata` value of the package or workspace).
    ///
    /// # Errors
    ///
    /// A message naming the bad key or value, with a suggestion where one fits.
    pub fn apply_metadata(&mut self, metadata: &Value, table: &'static str) -> Result<(), String> {
        let Some(section) = metadata.get("leak-audit") else { return Ok(()) };
        let Some(section) = section.as_object() else {
            return Err(format!("`{table}` must be a table"));
        };
        for (key, value) in section {
            match key.as_str() {
                "lints" => {
                    let Some(lints) = value.as_object() else {
                        return Err(format!("`{table}.lints` must be a table of lint names and levels"));
                    };
                    for (name, level) in lints {
                        let lint = lookup_lint(name).map_err(|error| format!("in `{table}.lints`: {error}"))?;
                        let level = level.as_str().and_then(Level::from_name).ok_or_else(|| {
                            format!("in `{table}.lints`: the level of `{name}` must be \"allow\", \"warn\" or \"deny\", not {level}")
                        })?;
                        self.levels.insert(lint.name, (level, Origin::Manifest { table }));
                    }
                }
                "bounded-cache-types" => {
                    let names = value.as_array().filter(|names| names.iter().all(Value::is_string)).ok_or_else(|| {
                        format!("`{table}.bounded-cache-types` must be an array of type names, such as [\"BoundedMap\"]")
                    })?;
                    for name in names.iter().filter_map(Value::as_str) {
                        let last = name.rsplit("::").next().unwrap_or(name).trim().to_owned();
                        if !self.bounded_cache_types.contains(&last) {
                            self.bounded_cache_types.push(last);
                        }
                    }
                }
                "callback-registrars" => {
                    let patterns = value.as_array().filter(|names| names.iter().all(Value::is_string)).ok_or_else(|| {
                        format!("`{table}.callback-registrars` must be an array of method-name patterns, such as [\"watch_*\"]")
                    })?;
                    self.add_callback_registrars(patterns.iter().filter_map(Value::as_str));
                }
                other => {
                    let hint = leak_audit_engine::lint::suggest(other, KEYS)
                        .map(|key| format!("; did you mean `{key}`?"))
                        .unwrap_or_default();
                    return Err(format!(
                        "unknown key `{other}` in `{table}`{hint} (the keys are {})",
                        KEYS.map(|key| format!("`{key}`")).join(", ")
                    ));
                }
            }
        }
        Ok(())
    }

    /// Applies `-W`/`-A`/`-D` flags, in order.
    ///
    /// # Errors
    ///
    /// The first unknown lint name, with a suggestion.
    pub fn apply_flags(&mut self, flags: &[(Level, String)]) -> Result<(), String> {
        for (level, name) in flags {
            let flag = match level {
                Level::Allow => "-A",
                Level::Warn => "-W",
                Level::Deny => "-D",
            };
            if name == "warnings" {
                if *level == Level::Deny {
                    self.deny_warnings = true;
                    continue;
                }
                return Err(format!("`{flag} warnings` is not supported; only `-D warnings` is"));
            }
            let lint = lookup_lint(name).map_err(|error| format!("in `{flag} {name}`: {error}"))?;
            self.levels.insert(lint.name, (*level, Origin::CommandLine(format!("{flag} {name}"))));
        }
        Ok(())
    }

    /// The engine's configuration.
    #[must_use]
    pub fn engine_config(&self) -> Config {
        Config {
            levels: self.levels.iter().map(|(&name, &(level, _))| (name, level)).collect(),
            bounded_cache_types: self.bounded_cache_types.clone(),
            callback_registrars: self.callback_registrars.clone(),
            test_code: false,
        }
    }

    /// Adds method-name patterns of calls that register a callback on their
    /// receiver (`--callback-registrar`, `callback-registrars`).
    pub fn add_callback_registrars<'p>(&mut self, patterns: impl IntoIterator<Item = &'p str>) {
        for pattern in patterns {
            if !self.callback_registrars.iter().any(|known| known == pattern) {
                self.callback_registrars.push(pattern.to_owned());
            }
        }
    }

    /// The level configured for `lint` and where it comes from.
    #[must_use]
    pub fn level(&self, lint: &Lint) -> (Level, Origin) {
        self.levels.get(lint.name).cloned().unwrap_or((lint.default_level, Origin::Default))
    }

    /// The note that explains why a finding of `lint` has `level`, in rustc's words.
    #[must_use]
    pub fn level_note(&self, lint: &Lint, level: Level) -> String {
        let code = format!("leak_audit::{}", lint.name);
        if self.deny_warnings && level == Level::Warn {
            return format!("`{code}` implied by `-D warnings`");
        }
        let (configured, origin) = self.level(lint);
        if configured != level {
            return format!("the level of `{code}` is set to `{level}` by a `#[leak_audit(..)]` attribute");
        }
        match origin {
            Origin::Default => format!("`{code}` is on by default"),
            Origin::Manifest { table } => format!("`{code}` is set to `{level}` in `[{table}]` of Cargo.toml"),
            Origin::CommandLine(flag) => format!("requested on the command line with `{flag}`"),
        }
    }
}

/// Finds a lint by name (`rc_cycle`, `rc-cycle` or `leak_audit::rc_cycle`).
///
/// # Errors
///
/// An "unknown lint" message with a suggestion and the list of lints.
pub fn lookup_lint(name: &str) -> Result<&'static Lint, String> {
    leak_audit_engine::lookup_lint(name, true)
}

#[cfg(test)]
mod tests {
    use leak_audit_engine::find_lint;
    use serde_json::json;

    use super::*;

    #[test]
    fn should_layer_workspace_package_and_flags() {
        let mut settings = Settings::default();
        let workspace = json!({ "leak-audit": { "lints": { "rc_cycle": "deny", "unbounded_static": "allow" } } });
        settings.apply_metadata(&workspace, "workspace.metadata.leak-audit").unwrap();
        let package =
            json!({ "leak-audit": { "lints": { "rc_cycle": "warn" }, "bounded-cache-types": ["a::BoundedMap"] } });
        settings.apply_metadata(&package, "package.metadata.leak-audit").unwrap();
        settings.apply_flags(&[(Level::Deny, "leak_audit::unbounded_static".into())]).unwrap();

        let config = settings.engine_config();
        assert_eq!(config.levels["rc_cycle"], Level::Warn);
        assert_eq!(config.levels["unbounded_static"], Level::Deny);
        assert_eq!(config.bounded_cache_types, ["BoundedMap"]);
        assert!(config.callback_registrars.is_empty());
        let mut with_registrars = Settings::default();
        let table = json!({ "leak-audit": { "callback-registrars": ["watch_*"] } });
        with_registrars.apply_metadata(&table, "package.metadata.leak-audit").unwrap();
        with_registrars.add_callback_registrars(["bind", "watch_*"]);
        assert_eq!(with_registrars.engine_config().callback_registrars, ["watch_*", "bind"]);
        let rc_cycle = find_lint("rc_cycle").unwrap();
        assert_eq!(
            settings.level_note(rc_cycle, Level::Warn),
            "`leak_audit::rc_cycle` is set to `warn` in `[package.metadata.leak-audit]` of Cargo.toml"
        );
        assert_eq!(
            settings.level_note(find_lint("unbounded_static").unwrap(), Level::Deny),
            "requested on the command line with `-D leak_audit::unbounded_static`"
        );
        assert_eq!(
            settings.level_note(rc_cycle, Level::Deny),
            "the level of `leak_audit::rc_cycle` is set to `deny` by a `#[leak_audit(..)]` attribute"
        );
    }

    #[test]
    fn should_reject_unknown_keys_lints_and_levels() {
        let mut settings = Settings::default();
        let error = settings
            .apply_metadata(&json!({ "leak-audit": { "bounded_cache_types": [] } }), "package.metadata.leak-audit")
            .unwrap_err();
        assert!(error.contains("did you mean `bounded-cache-types`?"), "{error}");
        let error = settings
            .apply_metadata(
                &json!({ "leak-audit": { "lints": { "rc_cycles": "deny" } } }),
                "package.metadata.leak-audit",
            )
            .unwrap_err();
        assert!(error.contains("unknown lint `rc_cycles`: did you mean `rc_cycle`?"), "{error}");
        let error = settings
            .apply_metadata(
                &json!({ "leak-audit": { "lints": { "rc_cycle": "forbid" } } }),
                "package.metadata.leak-audit",
            )
            .unwrap_err();
        assert!(error.contains("must be \"allow\", \"warn\" or \"deny\""), "{error}");
        assert!(settings.apply_flags(&[(Level::Allow, "warnings".into())]).is_err());
    }

    #[test]
    fn should_turn_warnings_into_errors_with_deny_warnings() {
        let mut settings = Settings::default();
        settings.apply_flags(&[(Level::Deny, "warnings".into())]).unwrap();
        assert!(settings.deny_warnings);
        let lint = find_lint("cache_without_eviction").unwrap();
        assert_eq!(
            settings.level_note(lint, Level::Warn),
            "`leak_audit::cache_without_eviction` implied by `-D warnings`"
        );
    }
}
