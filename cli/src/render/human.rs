//! rustc's text format, rendered by annotate-snippets (the renderer rustc
//! itself is moving to).

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::diagnostic::{ChildLevel, Diagnostic, DiagnosticSpan, Severity};

/// Renders `diagnostic` as rustc does, without a trailing newline; with ANSI
/// colors when `color` is set.
#[must_use]
pub fn render(diagnostic: &Diagnostic, color: bool) -> String {
    let renderer = renderer(color);
    let title = level(diagnostic.severity).primary_title(diagnostic.message.as_str());
    let mut group = Group::with_title(title);

    // One snippet per file, in the order the files first appear.
    let mut files: Vec<Vec<&DiagnosticSpan>> = Vec::new();
    for span in &diagnostic.spans {
        match files.iter_mut().find(|spans| std::sync::Arc::ptr_eq(&spans[0].file, &span.file)) {
            Some(spans) => spans.push(span),
            None => files.push(vec![span]),
        }
    }
    for spans in &files {
        let file = &spans[0].file;
        let first_line = spans.iter().map(|span| span.start.line).min().unwrap_or(1);
        let last_line = spans.iter().map(|span| span.end.line).max().unwrap_or(first_line);
        let excerpt_start = file.line_start(first_line);
        let excerpt_end = file.line_end(last_line);
        let mut snippet = Snippet::source(&file.text[excerpt_start..excerpt_end])
            .line_start(first_line)
            .path(file.display_path.as_str());
        for span in spans {
            let start = file.text_offset(span.start) - excerpt_start;
            let end = (file.text_offset(span.end) - excerpt_start).min(excerpt_end - excerpt_start);
            let kind = if span.is_primary { AnnotationKind::Primary } else { AnnotationKind::Context };
            snippet = snippet.annotation(kind.span(start..end.max(start)).label(span.label.as_deref()));
        }
        group = group.element(snippet);
    }
    for child in &diagnostic.children {
        let level = match child.level {
            ChildLevel::Note => Level::NOTE,
            ChildLevel::Help => Level::HELP,
        };
        group = group.element(level.message(child.message.as_str()));
    }
    renderer.render(&[group])
}

/// A one-line `warning: ..`/`error: ..` message with no source, like cargo's summaries.
#[must_use]
pub fn render_title(severity: Severity, message: &str, color: bool) -> String {
    renderer(color).render(&[Group::with_title(level(severity).primary_title(message))])
}

fn renderer(color: bool) -> Renderer {
    if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Warning => Level::WARNING,
        Severity::Error => Level::ERROR,
    }
}
