//! leak_audit's messages follow rustc's conventions: they start lowercase (or
//! with code in backticks) and do not end with a period. This scans every
//! `.stderr` snapshot, so a new message cannot slip past.

use std::path::Path;

const DEPRECATION_PREFIX: &str = "use of deprecated constant `_::leak_audit::";

fn stderr_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            stderr_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "stderr") {
            out.push(path);
        }
    }
}

/// Our parts of a snapshot: the text of `error:` lines (after rustc's
/// deprecation prefix) and the `note:`/`help:` lines leak_audit adds below it.
/// rustc's own `= note:` lines are not ours and are skipped.
fn our_messages(stderr: &str) -> Vec<String> {
    let mut messages = Vec::new();
    for line in stderr.lines() {
        if let Some(text) = line.strip_prefix("error: ").or_else(|| line.strip_prefix("warning: ")) {
            let text = match text.strip_prefix(DEPRECATION_PREFIX) {
                Some(rest) => rest.split_once("`: ").map_or(rest, |(_, message)| message),
                None => text,
            };
            messages.push(text.to_string());
        } else {
            let trimmed = line.trim_start();
            if line.starts_with("    ") && !trimmed.starts_with('=') && !trimmed.starts_with('|') {
                if let Some(text) = trimmed.strip_prefix("note: ").or_else(|| trimmed.strip_prefix("help: ")) {
                    messages.push(text.to_string());
                }
            }
        }
    }
    messages
}

#[test]
fn messages_start_lowercase_and_have_no_trailing_period() {
    let mut files = Vec::new();
    stderr_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("ui"), &mut files);
    assert!(files.len() >= 10, "expected the UI snapshots, found {}", files.len());
    let mut checked = 0;
    for file in files {
        let stderr = std::fs::read_to_string(&file).unwrap();
        for message in our_messages(&stderr) {
            let first = message.chars().next().unwrap();
            assert!(
                first.is_lowercase() || first == '`',
                "{}: message starts with a capital: {message}",
                file.display()
            );
            assert!(
                !message.ends_with('.') && !message.ends_with('!'),
                "{}: message ends with punctuation: {message}",
                file.display()
            );
            checked += 1;
        }
    }
    assert!(checked >= 30, "checked only {checked} messages");
}
