//! The exact diagnostics of `#[leak_audit]`, as rustc renders them.
//!
//! `ui/**/*-fail.rs` must fail to compile with the `.stderr` beside them (lint
//! cases use deny mode so the rendered text is captured); `ui/**/*-pass.rs` must
//! compile. The snapshots are for the toolchain pinned in `rust-toolchain.toml`;
//! regenerate them with `TRYBUILD=overwrite cargo test -p leak_audit_ui_tests`
//! and review the diff like code.

#[test]
#[cfg_attr(miri, ignore)]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/**/*-pass.rs");
    cases.compile_fail("ui/**/*-fail.rs");
}
