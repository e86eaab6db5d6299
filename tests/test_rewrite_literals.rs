//! Struct literals inside the annotated code keep compiling and count: plain,
//! shorthand, `Self`, qualified paths, struct update syntax (also on a `Drop`
//! type), nested modules, structs in fn bodies, and literals inside std macros.
//!
//! Every test uses its own types, so the tests of this file can run in
//! parallel and still check exact counts.

use leak_audit::count;

#[leak_audit::leak_audit]
mod model {
    pub struct Plain {
        pub a: u32,
        pub b: String,
    }

    pub fn plain(a: u32) -> Plain {
        let b = a.to_string();
        Plain { a, b }
    }

    pub struct ViaSelf {
        pub x: u8,
    }

    impl ViaSelf {
        pub fn new(x: u8) -> Self {
            Self { x }
        }

        pub fn twin(&self) -> Self {
            Self { x: self.x }
        }
    }

    pub mod inner {
        pub struct Deep {
            pub depth: usize,
        }

        pub mod deeper {
            pub fn deep() -> super::Deep {
                super::Deep { depth: 2 }
            }

            pub fn via_crate_path() -> crate::model::inner::Deep {
                crate::model::inner::Deep { depth: 3 }
            }
        }
    }

    pub fn deep_from_parent() -> inner::Deep {
        inner::Deep { depth: 1 }
    }

    use self::inner::Deep as Renamed;

    pub fn deep_through_use() -> Renamed {
        Renamed { depth: 4 }
    }

    pub struct Aliased {
        pub a: u32,
    }

    pub type Alias = Aliased;

    pub fn through_alias() -> Alias {
        Alias { a: 9 }
    }

    #[derive(Clone)]
    pub struct Update {
        pub name: String,
        pub size: u32,
    }

    pub fn update_seed() -> Update {
        Update { name: "seed".into(), size: 1 }
    }

    pub fn update(base: Update) -> Update {
        Update { size: 2, ..base }
    }

    pub fn update_from_ref(base: &Update) -> Update {
        Update { name: base.name.clone(), ..base.clone() }
    }

    pub struct Dropping {
        pub id: u32,
        pub flag: bool,
    }

    impl Drop for Dropping {
        fn drop(&mut self) {}
    }

    pub fn dropping(id: u32) -> Dropping {
        Dropping { id, flag: false }
    }

    // Struct update from a `Drop` type whose other fields are `Copy`: allowed
    // before the rewrite, and still allowed because the literal gets a fresh
    // hidden field instead of moving the base's.
    pub fn dropping_update(base: &Dropping) -> Dropping {
        Dropping { id: base.id + 1, ..*base }
    }

    pub fn in_fn_body() -> usize {
        struct Local {
            n: usize,
        }
        let locals = [Local { n: 1 }, Local { n: 2 }];
        let live = leak_audit::count::<Local>();
        locals.iter().map(|local| local.n).sum::<usize>() + live * 100
    }

    pub struct InMacro {
        pub v: i32,
    }

    pub fn in_macros() -> Vec<InMacro> {
        let many = vec![InMacro { v: 1 }, InMacro { v: 2 }];
        assert_eq!(many[0].v, InMacro { v: 1 }.v);
        let text = format!("{}", InMacro { v: 3 }.v);
        assert_eq!(text, "3");
        let mut repeated = vec![1; usize::try_from(InMacro { v: 2 }.v).unwrap()];
        repeated.clear();
        many
    }

    pub struct InClosure {
        pub v: u8,
    }

    pub fn in_closure() -> Vec<InClosure> {
        (0..3).map(|v| InClosure { v }).collect()
    }
}

#[test]
fn should_count_plain_and_shorthand_literals() {
    let values: Vec<model::Plain> = (0..5).map(model::plain).collect();
    assert_eq!(count::<model::Plain>(), 5);
    assert_eq!((values[4].a, values[4].b.as_str()), (4, "4"));
    drop(values);
    assert_eq!(count::<model::Plain>(), 0);
}

#[test]
fn should_count_self_literals() {
    let one = model::ViaSelf::new(1);
    let two = one.twin();
    assert_eq!(count::<model::ViaSelf>(), 2);
    assert_eq!(two.x, 1);
    drop((one, two));
    assert_eq!(count::<model::ViaSelf>(), 0);
}

#[test]
fn should_count_literals_through_super_crate_use_and_module_paths() {
    let all = [
        model::deep_from_parent(),
        model::inner::deeper::deep(),
        model::inner::deeper::via_crate_path(),
        model::deep_through_use(),
    ];
    assert_eq!(all.iter().map(|deep| deep.depth).collect::<Vec<_>>(), [1, 2, 3, 4]);
    assert_eq!(count::<model::inner::Deep>(), 4);
    drop(all);
    assert_eq!(count::<model::inner::Deep>(), 0);
}

#[test]
fn should_count_literals_through_a_type_alias() {
    let value = model::through_alias();
    assert_eq!(value.a, 9);
    assert_eq!(count::<model::Aliased>(), 1);
    drop(value);
    assert_eq!(count::<model::Alias>(), 0);
}

#[test]
fn should_count_struct_update_as_a_new_value() {
    let seed = model::update_seed();
    assert_eq!(count::<model::Update>(), 1);
    // `Update { size: 2, ..base }`: a new value; the base's hidden field stays
    // behind in the partially moved base and is dropped with it.
    let updated = model::update(seed);
    assert_eq!(count::<model::Update>(), 1);
    // Outside the annotated module, struct update syntax that names no field
    // moves every field, the hidden one included: still one value.
    let moved = model::Update { ..updated };
    assert_eq!(count::<model::Update>(), 1);
    let copy = model::update_from_ref(&moved);
    assert_eq!(count::<model::Update>(), 2);
    assert_eq!((copy.name.as_str(), copy.size), ("seed", 2));
    drop((moved, copy));
    assert_eq!(count::<model::Update>(), 0);
}

#[test]
fn should_count_struct_update_on_drop_types_without_moving_the_base() {
    let base = model::dropping(1);
    let next = model::dropping_update(&base);
    assert_eq!((next.id, next.flag), (2, false));
    assert_eq!(count::<model::Dropping>(), 2);
    drop(base);
    assert_eq!(count::<model::Dropping>(), 1);
    drop(next);
    assert_eq!(count::<model::Dropping>(), 0);
}

#[test]
fn should_count_structs_defined_in_fn_bodies() {
    // Two locals alive when counted, n summing to 3.
    assert_eq!(model::in_fn_body(), 203);
}

#[test]
fn should_rewrite_literals_inside_std_macros() {
    let kept = model::in_macros();
    assert_eq!(count::<model::InMacro>(), 2);
    drop(kept);
    assert_eq!(count::<model::InMacro>(), 0);
}

#[test]
fn should_count_literals_in_closures() {
    let kept = model::in_closure();
    assert_eq!(kept.iter().map(|value| value.v).sum::<u8>(), 3);
    assert_eq!(count::<model::InClosure>(), 3);
    drop(kept);
    assert_eq!(count::<model::InClosure>(), 0);
}
