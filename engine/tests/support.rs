//! Shared helpers for the engine's lint tests.

use leak_audit_engine::{analyze_str, Config, Finding};

/// Findings of `source`.
pub fn findings(source: &str) -> Vec<Finding> {
    analyze_str(source, &Config::default()).unwrap_or_else(|err| panic!("test source does not parse: {err}"))
}

/// The findings of one lint.
#[allow(dead_code)] // not every test file uses it
pub fn findings_of(lint: &str, source: &str) -> Vec<Finding> {
    findings(source).into_iter().filter(|finding| finding.lint.name == lint).collect()
}

/// The source line a finding points at (1-based).
#[allow(dead_code)] // not every test file uses it
pub fn line(finding: &Finding) -> usize {
    finding.location.span.start().line
}

/// The text of the user's token the finding points at.
#[allow(dead_code)] // not every test file uses it
pub fn pointed_text(source: &str, finding: &Finding) -> String {
    let start = finding.location.span.start();
    let end = finding.location.span.end();
    let line = source.lines().nth(start.line - 1).unwrap();
    assert_eq!(start.line, end.line, "multi-line span");
    line.chars().skip(start.column).take(end.column - start.column).collect()
}
