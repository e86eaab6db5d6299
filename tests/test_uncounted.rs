//! What is left uncounted, and keeps compiling exactly as before: tuple and
//! unit structs, enums, unions, `Copy` types, `repr(packed)`, structs built
//! at compile time (`const`, `static`,
//! `const fn`), a derive the rewrite does not know (`Debug` behind
//! `cfg_attr`), and `#[leak_audit(no_count)]` on a struct or a module.
//!
//! Each of these is built with a literal *outside* the annotated module below,
//! which only compiles because no hidden field was added.

#[allow(dead_code)]
#[leak_audit::leak_audit]
mod model {
    pub struct Tuple(pub u8, pub u8);
    pub struct Unit;
    pub enum Shape {
        Circle { radius: f32 },
        Square { side: f32 },
    }
    pub union Bits {
        pub int: u32,
        pub float: f32,
    }

    #[derive(Clone, Copy)]
    pub struct Derived {
        pub x: u8,
    }

    pub struct ManualCopy {
        pub x: u8,
    }
    // The manual impls are what this case is about.
    #[allow(clippy::expl_impl_clone_on_copy)]
    impl Clone for ManualCopy {
        fn clone(&self) -> Self {
            *self
        }
    }
    impl Copy for ManualCopy {}

    #[repr(C, packed)]
    pub struct Packed {
        pub a: u8,
        pub b: u32,
    }

    pub struct BuiltInConst {
        pub x: i32,
    }
    pub const ORIGIN: BuiltInConst = BuiltInConst { x: 0 };

    pub struct BuiltInStatic {
        pub name: &'static str,
    }
    pub static DEFAULT: BuiltInStatic = BuiltInStatic { name: "default" };

    pub struct ConstFn {
        pub x: u8,
    }
    impl ConstFn {
        pub const fn new(x: u8) -> Self {
            Self { x }
        }
    }

    pub struct TakenByConstFn {
        pub x: u8,
    }
    pub const fn take(value: TakenByConstFn) -> u8 {
        value.x
    }

    pub struct InTupleOfConstFn {
        pub x: u8,
    }
    pub struct InOptionOfConstFn {
        pub x: u8,
    }
    pub const fn first(pair: (InTupleOfConstFn, u8), maybe: Option<InOptionOfConstFn>) -> u8 {
        let (inner, _) = pair;
        match maybe {
            Some(other) => inner.x + other.x,
            None => inner.x,
        }
    }

    #[cfg_attr(not(any()), derive(Debug))]
    pub struct ConditionalDebug {
        pub x: u8,
    }

    #[leak_audit(no_count)]
    pub struct OptedOut {
        pub x: u8,
    }

    #[leak_audit(no_count)]
    pub mod quiet {
        pub struct Inside {
            pub x: u8,
        }
    }

    pub struct Counted {
        pub x: u8,
    }

    pub fn counted() -> Counted {
        Counted { x: 1 }
    }
}

#[test]
fn should_leave_uncountable_structs_as_they_were() {
    let _ = model::Tuple(1, 2);
    let _ = model::Unit;
    let _ = model::Shape::Circle { radius: 1.0 };
    let _ = model::Bits { int: 1 };
    let copy = model::Derived { x: 1 };
    let (a, b) = (copy, copy);
    let manual = model::ManualCopy { x: 2 };
    let (c, d) = (manual, manual);
    assert_eq!(a.x + b.x + c.x + d.x, 6);
    let packed = model::Packed { a: 1, b: 2 };
    assert_eq!(std::mem::size_of_val(&packed), 5);
    assert_eq!(model::ORIGIN.x, 0);
    assert_eq!(model::DEFAULT.name, "default");
    let built = const { model::ConstFn::new(3) };
    assert_eq!(built.x, 3);
    assert_eq!(model::take(model::TakenByConstFn { x: 4 }), 4);
    let pair = (model::InTupleOfConstFn { x: 1 }, 0);
    assert_eq!(model::first(pair, Some(model::InOptionOfConstFn { x: 2 })), 3);
    assert_eq!(format!("{:?}", model::ConditionalDebug { x: 5 }), "ConditionalDebug { x: 5 }");
    assert_eq!(model::OptedOut { x: 6 }.x, 6);
    assert_eq!(model::quiet::Inside { x: 7 }.x, 7);
}

#[test]
fn should_count_only_the_countable_struct() {
    let counted = model::counted();
    assert_eq!(counted.x, 1);
    let names: Vec<&str> = leak_audit::snapshot().types().iter().map(|stats| stats.name).collect();
    assert_eq!(names, ["Counted"]);
}
