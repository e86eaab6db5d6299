//! leak_audit: find memory leaks in Rust.

pub use leak_audit_macros::leak_audit;
pub use leak_audit_macros::test;
