//! Compile preservation of `#[leak_audit]`.
//!
//! - [`strategy`] generates modules ([`model::Case`]) with proptest,
//!   [`render`] writes them as Rust, and [`check`] builds them in scratch
//!   packages ([`scratch`]), plain and annotated: whenever the plain crate
//!   compiles, the annotated one must too, and the uses outside the annotated
//!   module that the documentation says fail must fail with exactly the
//!   documented error.
//! - `tests/corpus_modules.rs` (ignored; `preservation/run_corpus.sh`) wraps
//!   real crates in `#[leak_audit]` and runs their own unit tests.
//! - `tests/counting_stress.rs` checks exact counts under threads, moves and
//!   panics.

pub mod check;
pub mod model;
pub mod render;
pub mod scratch;
pub mod strategy;
