// A literal in a `const` context cannot call the counting field's constructor:
// its struct stays uncounted.

#[leak_audit::leak_audit]
pub mod c {
    pub struct S { pub x: u8 }
    const _: () = assert!(S { x: 1 }.x > 0);
    pub const fn make() -> S { S { x: 2 } }
}

fn main() {
    assert_eq!(c::make().x, 2);
}
