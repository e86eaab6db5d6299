//! Runs the `leak_audit` engine over a corpus of real crates pinned in
//! `corpus/crates.toml`, to show that it never panics, stays fast on every
//! file, and to count what each lint reports on code nobody here wrote.
//!
//! # Pipeline
//!
//! 1. [`manifest`] reads the pinned list.
//! 2. [`fetch`] gets the sources with cargo (only if not already unpacked).
//! 3. [`scan`] parses every `.rs` file with syn and runs the engine on each file
//!    alone and on each crate's `src/` as one scope, catching panics and timing
//!    every analysis.
//! 4. [`report`] prints the table and says what failed.
//! 5. [`snapshot`] compares the findings with the checked-in snapshot
//!    (`corpus/findings.txt`), and [`labels`] scores each lint against the
//!    checked-in verdicts (`corpus/labels.tsv`).

#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]

pub mod fetch;
pub mod labels;
pub mod manifest;
pub mod report;
pub mod scan;
pub mod snapshot;
