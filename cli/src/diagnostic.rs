//! The diagnostics the CLI prints, as plain data.
//!
//! Findings and syn errors hold `proc_macro2::Span`s, which are bound to the
//! thread that parsed the file. Each crate is converted into [`Diagnostic`]s
//! on that thread; the renderers then work on these alone.

use std::sync::Arc;

use leak_audit_engine::{Finding, Level, Lint};
use proc_macro2::Span;

use crate::source::{Position, SourceText};

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// A finding at the `warn` level.
    Warning,
    /// A finding at the `deny` level, or a problem with the crate itself (a
    /// file that does not parse, a module file that is missing).
    Error,
}

impl Severity {
    /// The word rustc uses: `warning` or `error`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// The level of a sub-diagnostic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChildLevel {
    /// Why it is a problem.
    Note,
    /// How to fix it.
    Help,
}

impl ChildLevel {
    /// The word rustc uses: `note` or `help`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ChildLevel::Note => "note",
            ChildLevel::Help => "help",
        }
    }
}

/// A `note:` or `help:` line under a diagnostic.
#[derive(Clone, Debug)]
pub struct Child {
    /// `note` or `help`.
    pub level: ChildLevel,
    /// The text, lowercase, no trailing period.
    pub message: String,
}

/// A range of a source file that a diagnostic points at.
#[derive(Clone, Debug)]
pub struct DiagnosticSpan {
    /// The file.
    pub file: Arc<SourceText>,
    /// Where the range starts.
    pub start: Position,
    /// Where the range ends (exclusive).
    pub end: Position,
    /// Whether this is the place to edit (the caret `^` in rustc's output).
    pub is_primary: bool,
    /// A short text shown next to the range.
    pub label: Option<String>,
}

impl DiagnosticSpan {
    /// The range of `span`, a span of a syntax tree parsed from `file` on this thread.
    #[must_use]
    pub fn from_span(file: &Arc<SourceText>, span: Span, is_primary: bool, label: Option<String>) -> DiagnosticSpan {
        let (start, end) = (span.start(), span.end());
        let start = file.position(start.line, start.column);
        let end = file.position(end.line, end.column).max(start);
        DiagnosticSpan { file: Arc::clone(file), start, end, is_primary, label }
    }
}

/// One diagnostic: a finding, or a problem with the sources themselves.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// Warning or error.
    pub severity: Severity,
    /// The lint that found it; `None` for problems with the sources.
    pub lint: Option<&'static Lint>,
    /// One line saying what is wrong.
    pub message: String,
    /// The places it points at; the primary one first.
    pub spans: Vec<DiagnosticSpan>,
    /// Notes and help, in display order.
    pub children: Vec<Child>,
}

impl Diagnostic {
    /// An error about the sources, at `span` (if any).
    pub fn error(message: impl Into<String>, span: Option<DiagnosticSpan>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            lint: None,
            message: message.into(),
            spans: span.into_iter().collect(),
            children: Vec::new(),
        }
    }

    /// Adds a `note:` line.
    #[must_use]
    pub fn note(mut self, message: impl Into<String>) -> Diagnostic {
        self.children.push(Child { level: ChildLevel::Note, message: message.into() });
        self
    }

    /// Adds a `help:` line.
    #[must_use]
    pub fn help(mut self, message: impl Into<String>) -> Diagnostic {
        self.children.push(Child { level: ChildLevel::Help, message: message.into() });
        self
    }

    /// Converts an engine finding; `files[i]` is the file of `FileId(i)` and
    /// `level_note` says where the lint's level comes from.
    #[must_use]
    pub fn from_finding(finding: &Finding, files: &[Arc<SourceText>], level_note: String) -> Diagnostic {
        let primary = DiagnosticSpan::from_span(&files[finding.location.file.0], finding.location.span, true, None);
        let mut spans = vec![primary];
        for label in &finding.labels {
            let file = &files[label.location.file.0];
            spans.push(DiagnosticSpan::from_span(file, label.location.span, false, Some(label.message.clone())));
        }
        let mut children: Vec<Child> =
            finding.notes.iter().map(|note| Child { level: ChildLevel::Note, message: note.clone() }).collect();
        if let Some(help) = &finding.help {
            children.push(Child { level: ChildLevel::Help, message: help.clone() });
        }
        children.push(Child { level: ChildLevel::Note, message: level_note });
        Diagnostic {
            severity: if finding.level == Level::Deny { Severity::Error } else { Severity::Warning },
            lint: Some(finding.lint),
            message: finding.message.clone(),
            spans,
            children,
        }
    }

    /// Converts every message of a syn error about `file`.
    #[must_use]
    pub fn from_syn_error(error: &syn::Error, file: &Arc<SourceText>) -> Vec<Diagnostic> {
        error
            .clone()
            .into_iter()
            .map(|error| {
                let message = error.to_string();
                let mut span = DiagnosticSpan::from_span(file, error.span(), true, None);
                // syn reports a missing token at the end of the file with the
                // call-site span, which proc-macro2 places at 1:1 of no file.
                if span.start == span.end && span.start.line == 1 && message.contains("end of input") {
                    let end = file.end_position();
                    span.start = end;
                    span.end = end;
                }
                if message == LEX_ERROR {
                    // syn's wording is about its own API; say what is wrong.
                    Diagnostic::error("this file cannot be split into tokens", Some(span))
                        .note("look for an unbalanced delimiter or a malformed literal at or before this point")
                } else {
                    Diagnostic::error(message, Some(span))
                }
            })
            .collect()
    }

    /// The primary span, if the diagnostic has one.
    #[must_use]
    pub fn primary(&self) -> Option<&DiagnosticSpan> {
        self.spans.iter().find(|span| span.is_primary)
    }

    /// The lint's code as written in JSON and SARIF: `leak_audit::<lint>`.
    pub fn code(&self) -> Option<String> {
        self.lint.map(lint_code)
    }
}

/// syn's message when proc-macro2 cannot tokenize a file.
const LEX_ERROR: &str = "cannot parse string into token stream";

/// The code of `lint` in machine-readable output: `leak_audit::<lint>`.
#[must_use]
pub fn lint_code(lint: &Lint) -> String {
    format!("leak_audit::{}", lint.name)
}
