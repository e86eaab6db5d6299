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

fn main() {
    let _ = (A { x: 1 }.x, B { x: 1 }.x, C { x: 1 }.x, D { x: 1 }.x, E { x: 1 }.x);
}
