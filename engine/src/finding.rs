//! What an analysis reports.

use proc_macro2::Span;

use crate::lint::{Level, Lint};

/// Index of a source file in the slice passed to [`analyze`](crate::analyze).
///
/// The attribute macro analyses one token stream and always uses `FileId(0)`;
/// the CLI gives each file of a crate its own id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(pub usize);

/// A place in the user's source: a file and a span inside it.
#[derive(Clone, Copy, Debug)]
pub struct Location {
    /// The file the span belongs to.
    pub file: FileId,
    /// The span of the user's tokens.
    pub span: Span,
}

/// A secondary location with its own short label, such as the other fields of a cycle.
#[derive(Clone, Debug)]
pub struct Label {
    /// Where the label points.
    pub location: Location,
    /// What the label says, lowercase, no trailing period.
    pub message: String,
}

/// One problem found by a lint.
///
/// Messages follow rustc's conventions: lowercase, no trailing period, code in
/// backticks. `message` says what is wrong, `notes` why it leaks, `help` what
/// to write instead.
#[derive(Clone, Debug)]
pub struct Finding {
    /// The lint that found the problem.
    pub lint: &'static Lint,
    /// The level in force where the problem is (after `allow`/`deny` settings).
    pub level: Level,
    /// The span the user must edit.
    pub location: Location,
    /// One-line description of the problem.
    pub message: String,
    /// Other places that take part in the problem (for example the other fields of a cycle).
    pub labels: Vec<Label>,
    /// Why this leaks.
    pub notes: Vec<String>,
    /// How to fix it.
    pub help: Option<String>,
}

impl Finding {
    /// The whole finding as one paragraph, for places that show a single line of
    /// text, such as the note of a compiler warning.
    ///
    /// ```
    /// # use leak_audit_engine::{analyze_str, Config};
    /// let findings = analyze_str(
    ///     "static LOG: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    ///      fn log(s: String) { LOG.lock().unwrap().push(s); }",
    ///     &Config::default(),
    /// ).unwrap();
    /// assert!(findings[0].one_line().contains("`LOG`"));
    /// ```
    pub fn one_line(&self) -> String {
        self.joined("; ", "; help: ")
    }

    /// The message, then each note after `before_note` and the help after
    /// `before_help`: `joined("\nnote: ", "\nhelp: ")` lays a finding out on
    /// lines as rustc does.
    ///
    /// ```
    /// # use leak_audit_engine::{analyze_str, Config};
    /// let findings = analyze_str(
    ///     "static LOG: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    ///      fn log(s: String) { LOG.lock().unwrap().push(s); }",
    ///     &Config::default(),
    /// ).unwrap();
    /// let text = findings[0].joined("\nnote: ", "\nhelp: ");
    /// assert_eq!(text.lines().count(), 3);
    /// ```
    pub fn joined(&self, before_note: &str, before_help: &str) -> String {
        let mut text = self.message.clone();
        for note in &self.notes {
            text.push_str(before_note);
            text.push_str(note);
        }
        if let Some(help) = &self.help {
            text.push_str(before_help);
            text.push_str(help);
        }
        text
    }
}
