#![deny(deprecated)]

#[leak_audit::leak_audit]
pub struct A { pub x: u8 }

#[leak_audit::leak_audit(deny)]
pub struct B { pub x: u8 }

#[leak_audit::leak_audit(deny(rc_cycle, unbounded_static), warn(cache_without_eviction))]
pub struct C { pub x: u8 }

#[leak_audit::leak_audit(allow(rc_cycle), reason = "short-lived")]
pub struct D { pub x: u8 }

#[leak_audit::leak_audit(allow(r#rc_cycle),)]
pub struct E { pub x: u8 }

// Written the way rustc names tool lints.
#[leak_audit::leak_audit(deny(leak_audit::rc_cycle))]
pub struct F { pub x: u8 }

fn main() {}
