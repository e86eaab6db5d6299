//! SARIF 2.1.0 (`--message-format sarif`), the format code-scanning
//! dashboards import.
//!
//! One run; one rule per lint (with its docs as help); one result per finding,
//! with the other places of the finding as related locations. Problems with
//! the sources themselves (a file that does not parse) are tool execution
//! notifications, not results. URIs are relative to `%SRCROOT%`, the
//! workspace root; columns count Unicode code points.

use std::fmt::Write as _;
use std::path::Path;

use leak_audit_engine::{Level, LINTS};
use serde_json::{json, Value};

use crate::diagnostic::{lint_code, Diagnostic, DiagnosticSpan};

/// The whole SARIF log for `diagnostics`, found under `workspace_root`.
pub fn log(diagnostics: &[&Diagnostic], workspace_root: &Path) -> Value {
    let rules: Vec<Value> = LINTS
        .iter()
        .map(|lint| {
            let docs = lint.docs_markdown();
            json!({
                "id": lint_code(lint),
                "name": lint.name,
                "shortDescription": { "text": lint.summary },
                "fullDescription": { "text": lint.summary },
                "help": { "text": docs, "markdown": docs },
                "defaultConfiguration": { "level": sarif_level(lint.default_level) },
                "properties": { "tags": ["memory-leak", "reliability"] },
            })
        })
        .collect();

    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for diagnostic in diagnostics {
        let Some(lint) = diagnostic.lint else {
            notifications.push(json!({
                "level": "error",
                "message": { "text": text_with_children(diagnostic) },
                "locations": diagnostic.primary().map(location).into_iter().collect::<Vec<_>>(),
            }));
            continue;
        };
        let rule_index = LINTS.iter().position(|known| std::ptr::eq(*known, lint));
        let related: Vec<Value> = diagnostic
            .spans
            .iter()
            .filter(|span| !span.is_primary)
            .enumerate()
            .map(|(id, span)| {
                let mut related = location(span);
                related["id"] = json!(id);
                related["message"] = json!({ "text": span.label.clone().unwrap_or_default() });
                related
            })
            .collect();
        results.push(json!({
            "ruleId": lint_code(lint),
            "ruleIndex": rule_index,
            "level": diagnostic.severity.as_str(),
            "message": { "text": text_with_children(diagnostic) },
            "locations": diagnostic.primary().map(location).into_iter().collect::<Vec<_>>(),
            "relatedLocations": related,
        }));
    }

    let root_uri = format!("file://{}/", percent_encode(&root_path(workspace_root)));
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "cargo-leak-audit",
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "informationUri": env!("CARGO_PKG_REPOSITORY"),
                    "rules": rules,
                }
            },
            "originalUriBaseIds": { "%SRCROOT%": { "uri": root_uri } },
            "columnKind": "unicodeCodePoints",
            "invocations": [{
                "executionSuccessful": notifications.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }]
    })
}

fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Allow => "none",
        Level::Warn => "warning",
        Level::Deny => "error",
    }
}

/// The message followed by its notes and help, one per line.
fn text_with_children(diagnostic: &Diagnostic) -> String {
    let mut text = diagnostic.message.clone();
    for child in &diagnostic.children {
        let _ = write!(text, "\n{}: {}", child.level.as_str(), child.message);
    }
    text
}

fn location(span: &DiagnosticSpan) -> Value {
    let path = &span.file.display_path;
    let artifact = if path.starts_with('/') {
        json!({ "uri": format!("file://{}", percent_encode(path)) })
    } else {
        json!({ "uri": percent_encode(path), "uriBaseId": "%SRCROOT%" })
    };
    json!({
        "physicalLocation": {
            "artifactLocation": artifact,
            "region": {
                "startLine": span.start.line,
                "startColumn": span.start.column,
                "endLine": span.end.line,
                "endColumn": span.end.column,
                "byteOffset": span.start.byte,
                "byteLength": span.end.byte - span.start.byte,
            }
        }
    })
}

/// The workspace root as a `/`-separated path with a leading `/`.
fn root_path(root: &Path) -> String {
    let text = root.to_string_lossy().replace('\\', "/");
    let text = text.trim_end_matches('/');
    if text.starts_with('/') {
        text.to_owned()
    } else {
        format!("/{text}")
    }
}

/// Percent-encodes everything but unreserved characters and `/` (RFC 3986).
fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'/' | b':') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn should_percent_encode_uris() {
        assert_eq!(percent_encode("src/my file.rs"), "src/my%20file.rs");
        assert_eq!(percent_encode("src/é.rs"), "src/%C3%A9.rs");
        assert_eq!(root_path(Path::new("C:\\work\\crate\\")), "/C:/work/crate");
    }
}
