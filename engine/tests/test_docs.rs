//! Each lint's page in `docs/lints/` is its declaration's doc comment: this test
//! keeps the two the same. Regenerate the pages with
//! `LEAK_AUDIT_BLESS=1 cargo test -p leak_audit_engine --test test_docs`.

use std::path::PathBuf;

use leak_audit_engine::LINTS;

fn page(lint: &leak_audit_engine::Lint) -> String {
    let name = lint.name;
    let levels = if lint.default_level == leak_audit_engine::Level::Allow {
        format!("Turn it on for an item with `#[leak_audit(warn({name}))]`; make it an error with `#[leak_audit(deny({name}))]`.")
    } else {
        format!(
            "Silence it on an item with `#[leak_audit(allow({name}), reason = \"..\")]`; make it an error with `#[leak_audit(deny({name}))]`."
        )
    };
    format!(
        "# `{name}`\n\n{}.\n\nDefault level: `{}`. {levels}\n\n{}",
        capitalize(lint.summary),
        lint.default_level,
        lint.docs_markdown().replace("```rust,no_run", "```rust"),
    )
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[test]
fn lint_pages_match_the_lint_declarations() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/lints");
    let bless = std::env::var_os("LEAK_AUDIT_BLESS").is_some();
    for lint in LINTS {
        let path = dir.join(format!("{}.md", lint.name));
        let expected = page(lint);
        if bless {
            std::fs::write(&path, &expected).unwrap();
            continue;
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            actual == expected,
            "{} is out of date: run `LEAK_AUDIT_BLESS=1 cargo test -p leak_audit_engine --test test_docs`",
            path.display()
        );
    }
}

#[test]
fn every_lint_page_has_the_documented_sections() {
    for lint in LINTS {
        let docs = lint.docs_markdown();
        for section in ["### What it does", "### Why is this bad?", "### Example", "Use instead:", "### Known problems"]
        {
            assert!(docs.contains(section), "`{}` has no `{section}` section", lint.name);
        }
        assert!(lint.summary.chars().next().is_some_and(char::is_lowercase), "summary of `{}`", lint.name);
        assert!(!lint.summary.ends_with('.'), "summary of `{}`", lint.name);
    }
}
