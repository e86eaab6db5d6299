//! The atomics [`lockfree`](crate::lockfree) is written against: `core`'s
//! here, loom's in the loom model (`runtime/tests/loom.rs`).

pub(crate) use core::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
