// Paths the counting rewrite does not resolve: a glob from a grandparent, two
// structs of one name, a full `crate::` path from a module below the root, an
// enum variant named like a struct, a same-named struct outside the item
// (through `super::`), a glob import in a block that brings in another struct
// of the same name. Each leaves the struct uncounted.

#[leak_audit::leak_audit]
pub mod b {
    pub struct S { pub x: u8 }
    pub mod inner {
        pub mod deeper {
            use super::super::*;
            pub fn f() -> S { S { x: 1 } }
        }
    }
}

#[leak_audit::leak_audit]
pub mod d {
    pub mod one { pub struct S { pub x: u8 } }
    pub mod two { #[derive(Clone, Copy)] pub struct S { pub x: u8 } }
    pub fn f() -> one::S { one::S { x: 1 } }
}

pub mod outer {
    #[leak_audit::leak_audit]
    pub mod m {
        pub struct S { pub x: u8 }
        pub fn f() -> S { crate::outer::m::S { x: 1 } }
    }
}

#[leak_audit::leak_audit]
pub mod e {
    pub struct S { pub y: u32 }
    pub enum E { S { z: u32 } }
    pub fn f() -> E {
        use self::E::*;
        S { z: 1 }
    }
    pub fn g() -> S { S { y: 2 } }
}

pub struct Options { pub verbose: bool }

#[leak_audit::leak_audit]
pub mod f {
    pub struct Options { pub level: u8 }
    pub fn outer() -> super::Options { super::Options { verbose: true } }
    pub mod inner {
        use super::super::Options as Outer;
        pub fn outer() -> Outer { Outer { verbose: false } }
    }
    pub fn inner() -> Options { Options { level: 1 } }
}

pub mod ext {
    pub struct Point { pub x: i32, pub y: i32 }
}

#[leak_audit::leak_audit]
pub mod g {
    pub struct Point { pub x: i32 }
    pub fn theirs() -> crate::ext::Point {
        use crate::ext::*;
        Point { x: 1, y: 2 }
    }
    pub fn ours() -> Point { Point { x: 3 } }
}

fn main() {
    assert_eq!(g::theirs().y + g::ours().x, 5);
    assert!(f::outer().verbose && !f::inner::outer().verbose);
    assert_eq!(f::inner().level, 1);
    assert_eq!(b::inner::deeper::f().x + d::f().x + outer::m::f().x, 3);
    assert!(matches!(e::f(), e::E::S { z: 1 }));
    assert_eq!(e::g().y, 2);
}
