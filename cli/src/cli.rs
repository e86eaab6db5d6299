//! Command-line arguments.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, ValueEnum};
use leak_audit_engine::Level;

/// Find memory leaks in a whole crate: strong `Rc`/`Arc` cycles, statics that
/// only grow and caches without eviction.
///
/// Analyses every file of the selected packages' targets (following `mod`
/// declarations) as one scope, and reports findings the way rustc does.
/// Exit status: 0 when nothing is denied, 1 when a finding is at the `deny`
/// level, 2 on errors (bad manifest, missing or unparsable file).
#[derive(Debug, Parser)]
#[command(name = "cargo-leak-audit", bin_name = "cargo leak-audit", version)]
pub struct Cli {
    /// Path to Cargo.toml.
    #[arg(long, value_name = "PATH")]
    pub manifest_path: Option<PathBuf>,

    /// Package(s) to audit.
    #[arg(short, long = "package", value_name = "SPEC")]
    pub packages: Vec<String>,

    /// Audit all packages in the workspace.
    #[arg(long, alias = "all")]
    pub workspace: bool,

    /// Exclude packages from the audit (with `--workspace`).
    #[arg(long, value_name = "SPEC", requires = "workspace")]
    pub exclude: Vec<String>,

    /// Audit all targets (tests, examples, benches and build scripts too);
    /// by default the library and binaries are audited, as `cargo check` does.
    #[arg(long)]
    pub all_targets: bool,

    /// Output format of the findings.
    #[arg(long, value_enum, value_name = "FMT", default_value_t = MessageFormat::Human)]
    pub message_format: MessageFormat,

    /// Print the type reference graph instead of findings (strong, weak and
    /// owning edges; cycles in red). Render it with `dot -Tsvg`.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub graph: Option<GraphFormat>,

    /// A method-name pattern (`*` for any text, such as `watch_*`) of calls
    /// that register a callback on their receiver, besides the built-in
    /// `connect_*`, `on_*`, `subscribe*`, ...; repeatable.
    #[arg(long = "callback-registrar", value_name = "PATTERN")]
    pub callback_registrars: Vec<String>,

    /// Set a lint to `warn`.
    #[arg(short = 'W', long = "warn", value_name = "LINT")]
    pub warn: Vec<String>,

    /// Set a lint to `allow` (not reported).
    #[arg(short = 'A', long = "allow", value_name = "LINT")]
    pub allow: Vec<String>,

    /// Set a lint to `deny` (an error; the exit status is 1).
    /// `-D warnings` denies every warning.
    #[arg(short = 'D', long = "deny", value_name = "LINT")]
    pub deny: Vec<String>,

    /// Print the documentation of a lint and exit.
    #[arg(long, value_name = "LINT")]
    pub explain: Option<String>,

    /// Coloring of human-readable output.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Number of crates analysed in parallel (default: the number of CPUs).
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<usize>,

    /// Lint levels from `-W`, `-A` and `-D`, in the order given (the last wins).
    #[arg(skip)]
    pub levels: Vec<(Level, String)>,
}

/// How findings are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// rustc's text, on stderr.
    Human,
    /// cargo's `compiler-message` JSON lines, on stdout (for editors and rust-analyzer).
    Json,
    /// SARIF 2.1.0, on stdout (for code-scanning dashboards).
    Sarif,
}

/// The format of `--graph`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz's DOT language.
    Dot,
}

/// When to color human-readable output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Color when stderr is a terminal (and `NO_COLOR` is not set).
    Auto,
    /// Always color.
    Always,
    /// Never color.
    Never,
}

impl Cli {
    /// Parses arguments as given to the binary. When run as `cargo leak-audit`,
    /// cargo passes `leak-audit` as the first argument; it is skipped.
    ///
    /// # Errors
    ///
    /// clap's error for invalid arguments, and for `--help`/`--version`.
    pub fn parse_args<I, T>(args: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString>,
    {
        let mut args: Vec<OsString> = args.into_iter().map(Into::into).collect();
        if args.get(1).is_some_and(|arg| arg == "leak-audit") {
            args.remove(1);
        }
        let matches = Cli::command().try_get_matches_from(args)?;
        let mut cli = Cli::from_arg_matches(&matches)?;
        cli.levels = ordered_levels(&matches);
        Ok(cli)
    }
}

fn ordered_levels(matches: &ArgMatches) -> Vec<(Level, String)> {
    let mut levels = Vec::new();
    for (id, level) in [("warn", Level::Warn), ("allow", Level::Allow), ("deny", Level::Deny)] {
        let (Some(indices), Some(values)) = (matches.indices_of(id), matches.get_many::<String>(id)) else {
            continue;
        };
        levels.extend(indices.zip(values).map(|(index, value)| (index, level, value.clone())));
    }
    levels.sort_by_key(|&(index, ..)| index);
    levels.into_iter().map(|(_, level, name)| (level, name)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_skip_the_subcommand_name_cargo_passes() {
        let cli = Cli::parse_args(["cargo-leak-audit", "leak-audit", "--message-format", "json"]).unwrap();
        assert_eq!(cli.message_format, MessageFormat::Json);
        let cli = Cli::parse_args(["cargo-leak-audit", "--message-format=sarif"]).unwrap();
        assert_eq!(cli.message_format, MessageFormat::Sarif);
    }

    #[test]
    fn should_keep_level_flags_in_the_order_given() {
        let cli = Cli::parse_args(["cargo-leak-audit", "-D", "rc_cycle", "-A", "unbounded_static", "-W", "rc_cycle"])
            .unwrap();
        assert_eq!(
            cli.levels,
            vec![
                (Level::Deny, "rc_cycle".to_owned()),
                (Level::Allow, "unbounded_static".to_owned()),
                (Level::Warn, "rc_cycle".to_owned()),
            ]
        );
    }

    #[test]
    fn should_reject_unknown_formats() {
        let error = Cli::parse_args(["cargo-leak-audit", "--message-format", "xml"]).unwrap_err();
        assert_eq!(error.kind(), clap::error::ErrorKind::InvalidValue);
    }

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
