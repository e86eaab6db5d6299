//! `--message-format sarif` read back as JSON: the parts code-scanning
//! dashboards rely on. (The snapshots in `tests/snapshots/*.sarif.json` were
//! also checked against the SARIF 2.1.0 JSON schema.)

mod common;

use common::{fixture, manifest, run};
use serde_json::Value;

fn sarif(fixture_name: &str) -> (i32, Value) {
    let run = run(&["--manifest-path", &manifest(fixture_name), "--message-format", "sarif"]);
    (run.status, serde_json::from_str(&run.stdout).expect("SARIF is JSON"))
}

#[test]
fn should_describe_every_lint_as_a_rule_and_every_finding_as_a_result() {
    let (status, log) = sarif("cross_file");
    assert_eq!(status, 0);
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"].as_str().unwrap();
    assert!(root.starts_with("file:///") && root.ends_with("/cross_file/"), "{root}");

    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let rule_ids: Vec<&str> = rules.iter().map(|rule| rule["id"].as_str().unwrap()).collect();
    assert_eq!(
        rule_ids,
        [
            "leak_audit::rc_cycle",
            "leak_audit::unbounded_static",
            "leak_audit::cache_without_eviction",
            "leak_audit::leak_per_call"
        ]
    );
    for rule in rules {
        let name = rule["name"].as_str().unwrap();
        let docs = leak_audit_engine::find_lint(name).unwrap().docs_markdown();
        assert_eq!(rule["help"]["markdown"], docs.as_str());
    }

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    for result in results {
        let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(result["ruleId"], rules[index]["id"]);
        assert_eq!(result["level"], "warning");
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let path = location["artifactLocation"]["uri"].as_str().unwrap();
        let text = std::fs::read_to_string(fixture("cross_file").join(path)).unwrap();
        let region = &location["region"];
        let offset = usize::try_from(region["byteOffset"].as_u64().unwrap()).unwrap();
        let length = usize::try_from(region["byteLength"].as_u64().unwrap()).unwrap();
        let line = text.lines().nth(usize::try_from(region["startLine"].as_u64().unwrap()).unwrap() - 1).unwrap();
        let column = usize::try_from(region["startColumn"].as_u64().unwrap()).unwrap();
        assert_eq!(&text[offset..offset + length], &line[column - 1..column - 1 + length]);
    }
    let cycle = results.iter().find(|result| result["ruleId"] == "leak_audit::rc_cycle").unwrap();
    let related = &cycle["relatedLocations"][0];
    assert_eq!(related["physicalLocation"]["artifactLocation"]["uri"], "src/person.rs");
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
}

#[test]
fn should_report_files_that_do_not_parse_as_failed_execution() {
    let (status, log) = sarif("parse_error");
    assert_eq!(status, 2);
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notifications = invocation["toolExecutionNotifications"].as_array().unwrap();
    let uris: Vec<&str> = notifications
        .iter()
        .map(|notification| {
            notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap()
        })
        .collect();
    assert_eq!(uris, ["src/lib.rs", "src/broken.rs", "src/also_broken.rs"]);
    // The file that parses is still analysed.
    assert_eq!(log["runs"][0]["results"].as_array().unwrap().len(), 1);
}

#[test]
fn should_write_a_failed_log_when_the_run_cannot_start() {
    let run = run(&["--manifest-path", "no/such/Cargo.toml", "--message-format", "sarif"]);
    assert_eq!(run.status, 2);
    let log: Value = serde_json::from_str(&run.stdout).expect("SARIF is JSON even when nothing was analysed");
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let message = invocation["toolExecutionNotifications"][0]["message"]["text"].as_str().unwrap();
    assert!(message.contains("no/such/Cargo.toml"), "{message}");
    assert!(log["runs"][0]["results"].as_array().unwrap().is_empty());
}
