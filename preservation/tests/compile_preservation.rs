//! Property: for generated modules (structs with generics, lifetimes, const
//! generics, where clauses, derives, serde, `cfg`'d fields, reprs, `Drop`
//! impls; enums; nested modules; literals and patterns of every form; statics),
//! whenever the plain crate compiles, the crate with `#[leak_audit]` on each
//! module compiles too, and the uses outside the module that the
//! documentation says fail (a literal, a pattern without `..`) fail with the
//! documented error, and nothing else does.
//!
//! Proc macros cannot be called as functions, so "the expansion parses" is
//! checked by compiling. Cases are batched: one crate holds many modules and
//! is checked once; a failing case is found from the error lines, then
//! minimised (greedily, by removing parts while it keeps failing) and printed.
//!
//! `PRESERVATION_CASES` (default 128) sets the number of cases,
//! `PRESERVATION_BATCH` (default 32) the cases per crate, `PRESERVATION_SEED`
//! the seed, and `PRESERVATION_KNOWN_BUGS=0` leaves out the forms that hit
//! the failures F1 to F7 of `preservation/RESULTS.md` (which the macro now
//! keeps compiling by leaving those structs uncounted).

use std::path::PathBuf;
use std::time::Instant;

use leak_audit_preservation::check::{report, Harness};
use leak_audit_preservation::model::Known;
use leak_audit_preservation::strategy;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|value| value.parse().ok()).unwrap_or(default)
}

#[test]
fn annotated_modules_compile_whenever_plain_ones_do() {
    let cases = env_usize("PRESERVATION_CASES", 128);
    let batch_size = env_usize("PRESERVATION_BATCH", 32).max(1);
    let seed = env_usize("PRESERVATION_SEED", 5) as u64;
    let known = Known::from_env();

    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("preservation");
    let target = root.join("target");
    let mut harness = Harness::new(&root, &target);
    let start = Instant::now();
    harness.warm_up();
    eprintln!("scratch packages built in {:.1?}", start.elapsed());

    let mut seed_bytes = [0u8; 32];
    seed_bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &seed_bytes));
    let strategy = strategy::case(known);
    let mut failures = Vec::new();
    let mut done = 0;
    while done < cases {
        let size = batch_size.min(cases - done);
        let batch: Vec<_> =
            (0..size).map(|_| strategy.new_tree(&mut runner).expect("generate a case").current()).collect();
        let batch_start = Instant::now();
        failures.extend(harness.run_batch(&batch));
        done += size;
        eprintln!("{done}/{cases} cases, batch checked in {:.1?}", batch_start.elapsed());
    }

    let totals = harness.totals.clone();
    eprintln!(
        "generated {}, rejected by the plain build {}, passed {}, outside uses failing as documented {}, outside uses compiling because the struct was left uncounted {}, builds {}, {:.1?}",
        totals.generated,
        totals.invalid,
        totals.passed,
        totals.documented,
        totals.left_uncounted,
        totals.builds,
        start.elapsed()
    );
    if !failures.is_empty() {
        let mut text = String::new();
        for failure in failures.iter().take(3) {
            let minimal = harness.minimise(failure, 150);
            text.push_str(&report(&minimal));
        }
        panic!("{} of {} cases break when annotated; the first, minimised:\n{text}", failures.len(), totals.generated);
    }
    // The generator must produce valid code, or the property says little.
    assert!(
        totals.invalid * 10 <= totals.generated,
        "the plain build rejected {} of {} generated cases: the generator is broken \
         (PRESERVATION_SHOW_INVALID=1 prints why)",
        totals.invalid,
        totals.generated
    );
    assert!(totals.documented > 0 || totals.generated < 8, "no outside use was checked");
}
