//! cargo's JSON messages (`--message-format json`): one `compiler-message`
//! object per line with rustc's diagnostic JSON inside, then `build-finished`.
//!
//! This is what rust-analyzer reads from `check.overrideCommand`, so findings
//! show inline in editors. The fields follow rustc's `json.rs` emitter: byte
//! offsets are 0-based, lines and columns 1-based, columns in characters.

use serde_json::{json, Value};

use crate::diagnostic::{Diagnostic, DiagnosticSpan};
use crate::project::CrateJob;
use crate::render::human;

/// The `compiler-message` line for `diagnostic`, found in `job`'s crate.
#[must_use]
pub fn compiler_message(diagnostic: &Diagnostic, job: &CrateJob) -> String {
    let message = json!({
        "reason": "compiler-message",
        "package_id": job.package.id,
        "manifest_path": job.package.manifest_path,
        "target": job.target,
        "message": diagnostic_json(diagnostic),
    });
    message.to_string()
}

/// The `build-finished` line cargo ends its output with.
#[must_use]
pub fn build_finished(success: bool) -> String {
    json!({ "reason": "build-finished", "success": success }).to_string()
}

/// rustc's JSON for one diagnostic.
pub fn diagnostic_json(diagnostic: &Diagnostic) -> Value {
    let children: Vec<Value> = diagnostic
        .children
        .iter()
        .map(|child| {
            json!({
                "message": child.message,
                "code": null,
                "level": child.level.as_str(),
                "spans": [],
                "children": [],
                "rendered": null,
            })
        })
        .collect();
    json!({
        "$message_type": "diagnostic",
        "message": diagnostic.message,
        "code": diagnostic.code().map(|code| json!({ "code": code, "explanation": null })),
        "level": diagnostic.severity.as_str(),
        "spans": diagnostic.spans.iter().map(span_json).collect::<Vec<_>>(),
        "children": children,
        "rendered": format!("{}\n", human::render(diagnostic, false)),
    })
}

fn span_json(span: &DiagnosticSpan) -> Value {
    let text: Vec<Value> = (span.start.line..=span.end.line)
        .map(|line| {
            let text = span.file.line(line);
            let highlight_start = if line == span.start.line { span.start.column } else { 1 };
            let highlight_end = if line == span.end.line { span.end.column } else { text.chars().count() + 1 };
            json!({ "text": text, "highlight_start": highlight_start, "highlight_end": highlight_end })
        })
        .collect();
    json!({
        "file_name": span.file.display_path,
        "byte_start": span.start.byte,
        "byte_end": span.end.byte,
        "line_start": span.start.line,
        "line_end": span.end.line,
        "column_start": span.start.column,
        "column_end": span.end.column,
        "is_primary": span.is_primary,
        "text": text,
        "label": span.label,
        "suggested_replacement": null,
        "suggestion_applicability": null,
        "expansion": null,
    })
}
