// Literals the counting rewrite cannot reach (inside `thread_local!` and a
// local `macro_rules!`) leave their struct uncounted instead of breaking the
// build; the other struct of the module is still counted.

#[leak_audit::leak_audit]
pub mod a {
    use std::cell::RefCell;

    pub struct S { pub x: u8 }
    thread_local! { static T: RefCell<S> = RefCell::new(S { x: 1 }); }

    pub struct M { pub x: u8 }
    macro_rules! mk { ($e:expr) => { M { x: $e } } }
    pub fn m() -> M { mk!(1) }

    // `match $e {` is not a struct literal: an `expr` cannot name a struct.
    macro_rules! pick { ($e:expr) => { match $e { 0 => 1, _ => 2 } } }
    pub fn p() -> u8 { pick!(0) }

    pub struct Counted { pub x: u8 }
    pub fn counted() -> Counted { Counted { x: 1 } }

    pub fn t() -> u8 { T.with(|t| t.borrow().x) }
}

// A struct named by a macro's parameter (`$t { .. }`) or by `Self` inside a
// macro could be any struct of the module: none of them is counted.
#[leak_audit::leak_audit]
pub mod b {
    pub struct Named { pub n: u8 }
    macro_rules! build { ($t:ident, $v:expr) => { $t { n: $v } } }
    pub fn named() -> Named { build!(Named, 1) }

    pub struct Selfy { pub q: u8 }
    impl Selfy {
        pub fn new(v: u8) -> Self {
            macro_rules! me { ($v:expr) => { Self { q: $v } } }
            me!(v)
        }
    }
}

fn main() {
    assert_eq!(a::t() + a::m().x + a::p(), 3);
    let value = a::counted();
    assert_eq!(leak_audit::count::<a::Counted>(), 1);
    drop(value);
    assert_eq!(b::named().n + b::Selfy::new(2).q, 3);
}
