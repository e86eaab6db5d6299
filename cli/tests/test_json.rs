//! `--message-format json` read back the way cargo's consumers read it: with
//! `cargo_metadata::Message`, checking every span against the file it names.

mod common;

use cargo_metadata::diagnostic::{Diagnostic, DiagnosticLevel};
use cargo_metadata::Message;
use common::{fixture, manifest, run};

fn messages(fixture_name: &str, extra: &[&str]) -> (i32, Vec<Message>) {
    let manifest = manifest(fixture_name);
    let mut args = vec!["--manifest-path", manifest.as_str(), "--message-format", "json"];
    args.extend_from_slice(extra);
    let run = run(&args);
    let messages = Message::parse_stream(run.stdout.as_bytes()).collect::<Result<Vec<_>, _>>().unwrap();
    (run.status, messages)
}

fn diagnostics(messages: &[Message]) -> Vec<&Diagnostic> {
    messages
        .iter()
        .filter_map(|message| match message {
            Message::CompilerMessage(message) => Some(&message.message),
            _ => None,
        })
        .collect()
}

/// Every span's bytes, lines and columns point at the same text of the file.
fn assert_spans_match_files(root: &std::path::Path, diagnostic: &Diagnostic) {
    assert_eq!(diagnostic.spans.iter().filter(|span| span.is_primary).count(), 1, "{diagnostic:?}");
    for span in &diagnostic.spans {
        assert!(!span.file_name.starts_with('/'), "paths are relative to the workspace root: {}", span.file_name);
        let text = std::fs::read_to_string(root.join(&span.file_name)).unwrap();
        let by_bytes = &text[span.byte_start as usize..span.byte_end as usize];
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(span.line_start, span.line_end, "single-line spans in these fixtures");
        let line = lines[span.line_start - 1];
        let by_columns: String =
            line.chars().skip(span.column_start - 1).take(span.column_end - span.column_start).collect();
        assert_eq!(by_bytes, by_columns, "{span:?}");
        assert_eq!(span.text.len(), 1);
        assert_eq!(span.text[0].text, line);
        assert_eq!((span.text[0].highlight_start, span.text[0].highlight_end), (span.column_start, span.column_end));
    }
}

#[test]
fn should_parse_back_as_cargo_compiler_messages() {
    let (status, messages) = messages("cross_file", &[]);
    assert_eq!(status, 0);
    assert!(matches!(messages.last(), Some(Message::BuildFinished(finished)) if finished.success));
    let Message::CompilerMessage(first) = &messages[0] else { panic!("{:?}", messages[0]) };
    assert_eq!(first.target.name, "cross_file");
    assert_eq!(first.package_id.repr.rsplit('#').next(), Some("0.1.0"));

    let found = diagnostics(&messages);
    let mut codes: Vec<&str> = found.iter().map(|d| d.code.as_ref().unwrap().code.as_str()).collect();
    codes.sort_unstable();
    assert_eq!(codes, ["leak_audit::cache_without_eviction", "leak_audit::rc_cycle", "leak_audit::unbounded_static"]);
    for diagnostic in &found {
        assert_eq!(diagnostic.level, DiagnosticLevel::Warning);
        assert_spans_match_files(&fixture("cross_file"), diagnostic);
        let rendered = diagnostic.rendered.as_deref().unwrap();
        assert!(rendered.starts_with(&format!("warning: {}\n", diagnostic.message)), "{rendered}");
        assert!(!rendered.contains('\u{1b}'), "no colors in JSON");
        assert!(diagnostic.children.iter().any(|child| child.level == DiagnosticLevel::Help));
        assert!(diagnostic.children.iter().any(|child| child.level == DiagnosticLevel::Note));
    }
}

#[test]
fn should_point_at_the_field_to_edit_and_label_the_rest_of_the_cycle() {
    let (_, messages) = messages("cross_file", &[]);
    let found = diagnostics(&messages);
    let cycle = found.iter().find(|d| d.code.as_ref().unwrap().code == "leak_audit::rc_cycle").unwrap();
    let primary = cycle.spans.iter().find(|span| span.is_primary).unwrap();
    assert_eq!(
        (primary.file_name.as_str(), primary.text[0].text.trim()),
        ("src/car.rs", "pub owner: RefCell<Option<Rc<Person>>>,")
    );
    let other = cycle.spans.iter().find(|span| !span.is_primary).unwrap();
    assert_eq!(other.file_name, "src/person.rs");
    assert!(other.label.as_deref().unwrap().contains("Person.cars"));
}

#[test]
fn should_report_denied_findings_as_errors_and_fail_the_build() {
    let (status, messages) = messages("cross_file", &["-D", "rc_cycle"]);
    assert_eq!(status, 1);
    assert!(matches!(messages.last(), Some(Message::BuildFinished(finished)) if !finished.success));
    let found = diagnostics(&messages);
    let cycle = found.iter().find(|d| d.code.as_ref().unwrap().code == "leak_audit::rc_cycle").unwrap();
    assert_eq!(cycle.level, DiagnosticLevel::Error);
    assert!(cycle.rendered.as_deref().unwrap().starts_with("error: "));
    assert!(cycle.children.iter().any(|child| child.message == "requested on the command line with `-D rc_cycle`"));
    let others = found.iter().filter(|d| d.code.as_ref().unwrap().code != "leak_audit::rc_cycle");
    assert!(others.into_iter().all(|d| d.level == DiagnosticLevel::Warning));
}

#[test]
fn should_report_parse_errors_with_syn_locations_and_no_code() {
    let (status, messages) = messages("parse_error", &[]);
    assert_eq!(status, 2);
    let found = diagnostics(&messages);
    let errors: Vec<_> = found.iter().filter(|d| d.code.is_none()).collect();
    assert_eq!(errors.len(), 3, "{errors:#?}");
    let expected_identifier = errors.iter().find(|d| d.message == "expected identifier").unwrap();
    let span = &expected_identifier.spans[0];
    assert_eq!((span.file_name.as_str(), span.line_start, span.column_start), ("src/also_broken.rs", 5, 12));
    let text = std::fs::read_to_string(fixture("parse_error").join("src/also_broken.rs")).unwrap();
    assert_eq!(&text[span.byte_start as usize..span.byte_end as usize], "=");
    // The file that parses is still analysed.
    assert!(found.iter().any(|d| d.code.as_ref().is_some_and(|code| code.code == "leak_audit::unbounded_static")));
}
