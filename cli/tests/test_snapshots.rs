//! The three output formats (and the DOT graph) on fixture crates, compared
//! with the files in `tests/snapshots/`. Run with `BLESS=1` to rewrite them.

mod common;

use common::{assert_snapshot, manifest, normalize, run};

/// The SARIF log with each rule's help (the lint's whole documentation,
/// checked in `test_sarif.rs`) replaced by a marker, so that editing a lint's
/// docs does not change these snapshots.
fn sarif_snapshot(stdout: &str) -> String {
    let mut log: serde_json::Value = serde_json::from_str(stdout).unwrap();
    for rule in log["runs"][0]["tool"]["driver"]["rules"].as_array_mut().unwrap() {
        let marker = format!("[docs of {}]", rule["name"].as_str().unwrap());
        rule["help"] = serde_json::json!({ "text": marker, "markdown": marker });
    }
    normalize(&format!("{}\n", serde_json::to_string_pretty(&log).unwrap()))
}

#[test]
fn human_output_of_a_crate_with_findings_in_several_files() {
    let run = run(&["--manifest-path", &manifest("cross_file"), "--color", "never"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert_snapshot("cross_file.human.stderr", &normalize(&run.stderr));
}

#[test]
fn json_output_of_a_crate_with_findings_in_several_files() {
    let run = run(&["--manifest-path", &manifest("cross_file"), "--message-format", "json"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert_snapshot("cross_file.json", &normalize(&run.stdout));
}

#[test]
fn sarif_output_of_a_crate_with_findings_in_several_files() {
    let run = run(&["--manifest-path", &manifest("cross_file"), "--message-format", "sarif"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert_snapshot("cross_file.sarif.json", &sarif_snapshot(&run.stdout));
}

#[test]
fn human_output_of_a_workspace_with_a_denied_lint() {
    let run = run(&["--manifest-path", &manifest("workspace"), "--color", "never"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_snapshot("workspace.human.stderr", &normalize(&run.stderr));
}

#[test]
fn human_output_of_a_crate_with_files_that_do_not_parse() {
    let run = run(&["--manifest-path", &manifest("parse_error"), "--color", "never"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert_snapshot("parse_error.human.stderr", &normalize(&run.stderr));
}

#[test]
fn json_output_of_a_crate_with_files_that_do_not_parse() {
    let run = run(&["--manifest-path", &manifest("parse_error"), "--message-format", "json"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert_snapshot("parse_error.json", &normalize(&run.stdout));
}

#[test]
fn sarif_output_of_a_crate_with_files_that_do_not_parse() {
    let run = run(&["--manifest-path", &manifest("parse_error"), "--message-format", "sarif"]);
    assert_eq!(run.status, 2, "{}", run.stderr);
    assert_snapshot("parse_error.sarif.json", &sarif_snapshot(&run.stdout));
}

#[test]
fn dot_graph_of_one_crate() {
    let run = run(&["--manifest-path", &manifest("cross_file"), "--graph", "dot"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert_snapshot("cross_file.dot", &run.stdout);
}

#[test]
fn dot_graph_of_a_workspace() {
    let run = run(&["--manifest-path", &manifest("workspace"), "--graph", "dot"]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_snapshot("workspace.dot", &run.stdout);
}
