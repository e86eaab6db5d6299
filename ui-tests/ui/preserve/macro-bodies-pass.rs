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

    pub struct Counted { pub x: u8 }
    pub fn counted() -> Counted { Counted { x: 1 } }

    pub fn t() -> u8 { T.with(|t| t.borrow().x) }
}

fn main() {
    assert_eq!(a::t() + a::m().x, 2);
    let value = a::counted();
    assert_eq!(leak_audit::count::<a::Counted>(), 1);
    drop(value);
}
