//! Checking batches of generated cases: plain, annotated, and annotated with
//! the documented-to-fail uses; finding the failing cases and minimising them.

use std::path::Path;

use crate::model::Case;
use crate::render::{self, Batch};
use crate::scratch::{Diag, Outcome, Scratch};

/// A failure of the property: a case the plain build accepts and the
/// annotated build does not (or does not reject as documented).
#[derive(Clone, Debug)]
pub struct Failure {
    /// What went wrong.
    pub what: &'static str,
    /// The case.
    pub case: Case,
    /// The errors.
    pub errors: Vec<Diag>,
}

/// Totals over a run.
#[derive(Clone, Debug, Default)]
pub struct Totals {
    /// Cases generated.
    pub generated: usize,
    /// Cases the plain build rejected (generator slips, left out).
    pub invalid: usize,
    /// Cases that passed every check.
    pub passed: usize,
    /// Uses outside the annotated module that failed exactly as documented.
    pub documented: usize,
    /// Uses outside the annotated module that compiled because the macro left
    /// the struct uncounted (its safety net found a use inside the module it
    /// could not rewrite).
    pub left_uncounted: usize,
    /// Builds run.
    pub builds: usize,
}

/// The two scratch packages.
#[derive(Debug)]
pub struct Harness {
    plain: Scratch,
    annotated: Scratch,
    /// Totals so far.
    pub totals: Totals,
}

impl Harness {
    /// Scratch packages under `root`, sharing `target`.
    #[must_use]
    pub fn new(root: &Path, target: &Path) -> Self {
        Harness {
            plain: Scratch::generated(&root.join("gen_plain"), target, "gen_plain"),
            annotated: Scratch::generated(&root.join("gen_annotated"), target, "gen_annotated"),
            totals: Totals::default(),
        }
    }

    fn build(&mut self, scratch_plain: bool, batch: &Batch, features: &[&str]) -> Outcome {
        self.totals.builds += 1;
        let scratch = if scratch_plain { &self.plain } else { &self.annotated };
        scratch.write_lib(&batch.source);
        scratch.check(features)
    }

    /// Builds the scratch packages once, so later timings are per batch.
    ///
    /// # Panics
    /// When the dependencies do not build.
    pub fn warm_up(&mut self) {
        let batch = render::batch(&[], false);
        let plain = self.build(true, &batch, &["outside"]);
        assert!(plain.ok, "the empty scratch package does not build:\n{}", plain.error_summary());
        let batch = render::batch(&[], true);
        let annotated = self.build(false, &batch, &[]);
        assert!(annotated.ok, "the empty annotated scratch package does not build:\n{}", annotated.error_summary());
    }

    /// Checks `cases` in one crate per build; returns the failures.
    pub fn run_batch(&mut self, cases: &[Case]) -> Vec<Failure> {
        self.totals.generated += cases.len();
        let mut cases = cases.to_vec();
        // 1. The plain build (with the outside uses): drop the cases it
        //    rejects.
        for _ in 0..3 {
            let plain = self.build(true, &render::batch(&cases, false), &["outside"]);
            if plain.ok {
                break;
            }
            let batch = render::batch(&cases, false);
            let mut bad: Vec<usize> =
                plain.errors.iter().filter_map(|diag| diag.line.and_then(|line| batch.case_of(line))).collect();
            bad.sort_unstable();
            bad.dedup();
            if bad.is_empty() {
                // Not attributable to a case: drop the whole batch.
                eprintln!("plain build failed outside any case:\n{}", plain.error_summary());
                self.totals.invalid += cases.len();
                return Vec::new();
            }
            if std::env::var_os("PRESERVATION_SHOW_INVALID").is_some() {
                for diag in &plain.errors {
                    eprintln!("invalid case: {}", diag.rendered);
                }
            }
            self.totals.invalid += bad.len();
            for index in bad.into_iter().rev() {
                cases.remove(index);
            }
        }

        // 2. The annotated build, without the outside uses: must compile.
        let mut failures = Vec::new();
        let batch = render::batch(&cases, true);
        let annotated = self.build(false, &batch, &[]);
        if !annotated.ok {
            let mut per_case: Vec<Vec<Diag>> = vec![Vec::new(); cases.len()];
            let mut unattributed = Vec::new();
            for diag in &annotated.errors {
                match diag.line.and_then(|line| batch.case_of(line)) {
                    Some(index) => per_case[index].push(diag.clone()),
                    None => unattributed.push(diag.clone()),
                }
            }
            if per_case.iter().all(Vec::is_empty) {
                // A macro panic or an error without a line: find the cases one
                // by one.
                for case in &cases {
                    let alone = self.build(false, &render::batch(std::slice::from_ref(case), true), &[]);
                    if !alone.ok {
                        failures.push(Failure {
                            what: "annotated build fails",
                            case: case.clone(),
                            errors: if alone.errors.is_empty() { unattributed.clone() } else { alone.errors },
                        });
                    }
                }
                if failures.is_empty() {
                    failures.push(Failure {
                        what: "annotated batch fails, no case alone does",
                        case: cases[0].clone(),
                        errors: unattributed,
                    });
                }
                return failures;
            }
            for index in (0..cases.len()).rev() {
                if !per_case[index].is_empty() {
                    failures.push(Failure {
                        what: "annotated build fails",
                        case: cases.remove(index),
                        errors: std::mem::take(&mut per_case[index]),
                    });
                }
            }
        }

        // 3. The annotated build with the outside uses: every error is the
        //    documented one, on a line of a documented-to-fail use, and every
        //    such use fails (the struct is counted, as documented).
        let batch = render::batch(&cases, true);
        let outside = self.build(false, &batch, &["outside"]);
        let mut bad_cases = vec![Vec::new(); cases.len()];
        let mut hit_lines = Vec::new();
        for diag in &outside.errors {
            let on_limit_line = diag.line.is_some_and(|line| batch.limit_lines.iter().any(|&(_, l)| l == line));
            if diag.is_documented_outside_error() && on_limit_line {
                hit_lines.push(diag.line.unwrap_or_default());
            } else if let Some(index) = diag.line.and_then(|line| batch.case_of(line)) {
                bad_cases[index].push(diag.clone());
            } else {
                bad_cases.iter_mut().for_each(|errors| errors.push(diag.clone()));
            }
        }
        for &(_, line) in &batch.limit_lines {
            if hit_lines.contains(&line) {
                self.totals.documented += 1;
            } else if outside.errors.len() < 100 {
                // rustc stops reporting after many errors; below that, a
                // silent line means the struct was left uncounted, which the
                // macro does when it cannot rewrite every use of it.
                self.totals.left_uncounted += 1;
            }
        }
        for (index, errors) in bad_cases.into_iter().enumerate() {
            if errors.is_empty() {
                self.totals.passed += 1;
            } else {
                failures.push(Failure {
                    what: "outside uses do not fail as documented",
                    case: cases[index].clone(),
                    errors,
                });
            }
        }
        failures
    }

    /// Whether `case` alone still shows "plain compiles, annotated does not".
    fn still_fails(&mut self, case: &Case) -> Option<Vec<Diag>> {
        let plain = self.build(true, &render::batch(std::slice::from_ref(case), false), &[]);
        if !plain.ok {
            return None;
        }
        let annotated = self.build(false, &render::batch(std::slice::from_ref(case), true), &[]);
        (!annotated.ok).then_some(annotated.errors)
    }

    /// Greedily removes parts of `failure.case` while it keeps failing, in at
    /// most `budget` builds.
    pub fn minimise(&mut self, failure: &Failure, budget: usize) -> Failure {
        if failure.what != "annotated build fails" {
            return failure.clone();
        }
        let mut best = failure.clone();
        let start = self.totals.builds;
        'outer: loop {
            for candidate in best.case.reductions() {
                if self.totals.builds - start >= budget {
                    break 'outer;
                }
                if let Some(errors) = self.still_fails(&candidate) {
                    best = Failure { what: failure.what, case: candidate, errors };
                    continue 'outer;
                }
            }
            break;
        }
        best
    }
}

/// A failure as text: the minimised annotated case and the errors.
#[must_use]
pub fn report(failure: &Failure) -> String {
    let errors: Vec<String> = failure.errors.iter().take(6).map(|diag| diag.rendered.trim_end().to_owned()).collect();
    format!(
        "=== {} ===\n--- source (annotated) ---\n{}--- errors ---\n{}\n--- model ---\n{:?}\n",
        failure.what,
        render::case_alone(&failure.case),
        errors.join("\n"),
        failure.case
    )
}
