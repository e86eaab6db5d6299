//! End-to-end runs of the binary on fixture crates: module layouts, levels,
//! configuration, workspaces, errors and exit statuses.

mod common;

use common::{fixture, manifest, run, run_in};

/// The `file:line` of each finding's `-->` line, in output order.
fn locations(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("--> "))
        .map(|location| location.rsplit_once(':').unwrap().0.to_owned())
        .collect()
}

#[test]
fn should_find_a_cycle_between_types_in_two_files() {
    let run = run(&["--manifest-path", &manifest("cross_file")]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert!(run.stderr.contains("warning: `Car.owner` closes a strong `Rc` cycle: `Person.cars -> Car.owner -> Person`\n --> src/car.rs:8:9\n"), "{}", run.stderr);
    assert!(run.stderr.contains(" ::: src/person.rs:8:9\n"), "{}", run.stderr);
    assert!(run.stderr.ends_with("warning: `cross_file` (lib) generated 3 warnings\n"), "{}", run.stderr);
}

#[test]
fn should_honour_allow_attributes_in_the_sources() {
    let run = run(&["--manifest-path", &manifest("cross_file")]);
    // `LOG` and `EXPORT_QUEUE` are the same pattern; only the second is allowed.
    assert!(run.stderr.contains("static `LOG` only ever grows"), "{}", run.stderr);
    assert!(!run.stderr.contains("EXPORT_QUEUE"), "{}", run.stderr);
}

#[test]
fn should_follow_every_module_layout_rustc_knows() {
    let run = run(&["--manifest-path", &manifest("layouts")]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(
        locations(&run.stderr),
        [
            "src/lib.rs:21",
            "src/a.rs:6",
            "src/a/b.rs:1",
            "src/a/inner/c.rs:1",
            "src/deep/mod.rs:3",
            "src/deep/er.rs:1",
            "src/type.rs:1",
            "src/inl/p.rs:1",
            "src/thread_files/tls.rs:1",
            "src/platform/unix.rs:1",
            "src/cli.rs:1",
        ]
    );
    assert!(run.stderr.contains("warning: `layouts` (lib) generated 10 warnings\n"));
    assert!(run.stderr.contains("warning: `layouts` (bin \"layouts\") generated 1 warning\n"));
    // `#[cfg(windows)] mod windows_only;` has no file and is skipped quietly.
    assert!(!run.stderr.contains("windows_only"));
    // `src/a/b.rs` is also the binary's `shared` module: reported once.
    assert_eq!(run.stderr.matches("static `IN_A_B` only ever grows").count(), 1);
}

#[test]
fn should_strip_the_subcommand_name_cargo_passes() {
    let run = run(&["leak-audit", "--manifest-path", &manifest("cross_file"), "-D", "rc_cycle"]);
    assert_eq!(run.status, 1, "{}", run.stderr);
}

#[test]
fn should_apply_level_flags_in_order() {
    let cross_file = manifest("cross_file");
    let denied = run(&["--manifest-path", &cross_file, "-D", "rc_cycle"]);
    assert_eq!(denied.status, 1);
    assert!(denied.stderr.contains("error: `Car.owner` closes a strong `Rc` cycle"));
    assert!(denied.stderr.contains("= note: requested on the command line with `-D rc_cycle`"));
    assert!(denied
        .stderr
        .contains("error: could not audit `cross_file` (lib) due to 1 previous error; 2 warnings emitted\n"));

    let allowed = run(&["--manifest-path", &cross_file, "-A", "leak_audit::rc_cycle"]);
    assert_eq!(allowed.status, 0);
    assert!(!allowed.stderr.contains("rc_cycle"), "{}", allowed.stderr);

    let last_wins = run(&["--manifest-path", &cross_file, "-D", "rc_cycle", "-W", "rc_cycle"]);
    assert_eq!(last_wins.status, 0);

    let all_denied = run(&["--manifest-path", &cross_file, "-D", "warnings"]);
    assert_eq!(all_denied.status, 1);
    assert!(all_denied.stderr.contains("error: could not audit `cross_file` (lib) due to 3 previous errors\n"));
    assert!(all_denied.stderr.contains("= note: `leak_audit::unbounded_static` implied by `-D warnings`"));
}

#[test]
fn should_reject_unknown_lints_with_a_suggestion() {
    let run = run(&["--manifest-path", &manifest("cross_file"), "-D", "rc_cycles"]);
    assert_eq!(run.status, 2);
    assert!(
        run.stderr.starts_with("error: in `-D rc_cycles`: unknown lint `rc_cycles`: did you mean `rc_cycle`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn should_audit_every_member_of_a_workspace_from_its_root() {
    let run = run(&["--manifest-path", &manifest("workspace")]);
    // `cache_without_eviction` is denied in `[workspace.metadata.leak-audit]`.
    assert_eq!(run.status, 1, "{}", run.stderr);
    assert_eq!(locations(&run.stderr), ["a/src/lib.rs:10", "b/src/lib.rs:5"]);
    // `Quotes.quotes` is a `BoundedCache`, declared bounded in b's metadata.
    assert!(!run.stderr.contains("Quotes"), "{}", run.stderr);
}

#[test]
fn should_audit_only_the_package_of_the_current_directory() {
    let run = run_in(&fixture("workspace/a"), &[]);
    assert_eq!(run.status, 0, "{}", run.stderr);
    assert_eq!(locations(&run.stderr), ["a/src/lib.rs:10"]);
}

#[test]
fn should_select_packages_like_cargo() {
    let workspace = manifest("workspace");
    let only_b = run(&["--manifest-path", &workspace, "-p", "b"]);
    assert_eq!(locations(&only_b.stderr), ["b/src/lib.rs:5"]);
    let without_b = run(&["--manifest-path", &workspace, "--workspace", "--exclude", "b"]);
    assert_eq!(without_b.status, 0);
    assert_eq!(locations(&without_b.stderr), ["a/src/lib.rs:10"]);
    let unknown = run(&["--manifest-path", &workspace, "-p", "c"]);
    assert_eq!(unknown.status, 2);
    assert!(unknown.stderr.contains("package `c` is not a member of the workspace; the members are `a`, `b`"));
}

#[test]
fn should_still_analyse_the_rest_of_a_crate_when_a_file_does_not_parse() {
    let run = run(&["--manifest-path", &manifest("parse_error")]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("error: expected identifier\n --> src/also_broken.rs:5:12\n"), "{}", run.stderr);
    assert!(run.stderr.contains("error: this file cannot be split into tokens\n --> src/broken.rs:5:1\n"));
    assert!(run.stderr.contains("error: file not found for module `gone`\n --> src/lib.rs:4:1\n"));
    assert!(run.stderr.contains("warning: static `LOG` only ever grows"));
}

#[test]
fn should_exit_2_with_a_clear_message_for_a_bad_manifest() {
    let run = run(&["--manifest-path", &manifest("bad_manifest")]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.starts_with("error: `cargo metadata` could not read the workspace\n"), "{}", run.stderr);
    assert!(run.stderr.contains("bad_manifest/Cargo.toml"), "{}", run.stderr);

    let missing = run_in(&fixture(""), &["--manifest-path", "no/such/Cargo.toml"]);
    assert_eq!(missing.status, 2);
    assert_eq!(missing.stderr, "error: manifest path `no/such/Cargo.toml` does not exist\n");
}

#[test]
fn should_exit_2_for_a_bad_metadata_table() {
    let run = run(&["--manifest-path", &manifest("bad_config")]);
    assert_eq!(run.status, 2);
    assert_eq!(
        run.stderr,
        "error: in `package.metadata.leak-audit.lints`: unknown lint `rc_cycles`: did you mean `rc_cycle`? \
         the lints are `rc_cycle`, `unbounded_static`, `cache_without_eviction`, `leak_per_call`\n  --> Cargo.toml\n"
    );
}

#[test]
fn should_explain_every_lint_of_the_registry() {
    for lint in leak_audit_engine::LINTS {
        let explained = run(&["--explain", lint.name]);
        assert_eq!(explained.status, 0, "{}", lint.name);
        assert_eq!(explained.stdout, lint.docs_markdown());
    }
    let explained = run(&["--explain", "leak-per-call"]);
    assert!(explained.stdout.starts_with("### What it does\n"), "{}", explained.stdout);
}

#[test]
fn should_explain_a_lint() {
    let explained = run(&["--explain", "unbounded_static"]);
    assert_eq!(explained.status, 0);
    assert_eq!(explained.stdout, leak_audit_engine::find_lint("unbounded_static").unwrap().docs_markdown());
    let unknown = run(&["--explain", "unbounded_statics"]);
    assert_eq!(unknown.status, 2);
    assert!(unknown.stderr.contains("did you mean `unbounded_static`?"));
}

#[test]
fn should_color_only_when_asked_or_on_a_terminal() {
    let cross_file = manifest("cross_file");
    let plain = run(&["--manifest-path", &cross_file]);
    assert!(!plain.stderr.contains('\u{1b}'));
    let colored = run(&["--manifest-path", &cross_file, "--color", "always"]);
    assert!(colored.stderr.contains("\u{1b}["));
}

#[test]
fn should_refuse_graph_with_a_machine_format() {
    let run = run(&["--manifest-path", &manifest("cross_file"), "--graph", "dot", "--message-format", "json"]);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("cannot be combined"));
}

#[test]
fn should_give_the_same_findings_with_one_job_or_many() {
    let workspace = manifest("workspace");
    let serial = run(&["--manifest-path", &workspace, "--all-targets", "-j", "1"]);
    let parallel = run(&["--manifest-path", &workspace, "--all-targets", "-j", "4"]);
    assert_eq!(serial.stderr, parallel.stderr);
    assert_eq!(serial.status, parallel.status);
}

#[test]
fn should_not_overflow_the_stack_on_deeply_nested_code() {
    // Written at test time: 5,000 nested parentheses overflow an 8 MiB stack
    // in syn's recursive descent; the analysis threads have a larger one.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("deeply_nested");
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"deeply_nested\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )
    .unwrap();
    let depth = 5_000;
    let body = format!("{}1{}", "(".repeat(depth), ")".repeat(depth));
    std::fs::write(dir.join("src/lib.rs"), format!("pub fn f() -> i32 {{ {body} }}\n")).unwrap();
    let manifest = dir.join("Cargo.toml");
    let run = run(&["--manifest-path", manifest.to_str().unwrap()]);
    assert_eq!(run.status, 0, "{}", run.stderr);
}
