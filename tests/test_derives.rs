//! Derives keep working on counted structs: `Clone` and `Default` count the
//! new value; `Debug`, `PartialEq`, `Eq`, `Hash`, `PartialOrd` and `Ord`
//! behave as if the hidden field were not there.

use std::collections::hash_map::DefaultHasher;
use std::collections::{BTreeSet, HashSet};
use std::hash::{Hash, Hasher};

use leak_audit::count;

// Fields read only by `Debug` are dead code to rustc, as with the derive.
#[allow(dead_code)]
#[leak_audit::leak_audit]
mod model {
    #[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct Version {
        pub major: u32,
        pub minor: u32,
        pub r#type: String,
    }

    pub fn version(major: u32, minor: u32) -> Version {
        Version { major, minor, r#type: "release".into() }
    }

    /// The same fields without counting, to compare derive output with.
    #[leak_audit(no_count)]
    #[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct Plain {
        pub major: u32,
        pub minor: u32,
        pub r#type: String,
    }

    pub fn plain(major: u32, minor: u32) -> Plain {
        Plain { major, minor, r#type: "release".into() }
    }

    #[derive(std::fmt::Debug, core::clone::Clone)]
    pub struct Generic<T: Clone, U = u8>
    where
        U: Copy,
    {
        pub value: T,
        pub extra: U,
    }

    pub fn generic<T: Clone>(value: T) -> Generic<T> {
        Generic { value, extra: 7 }
    }

    pub trait Shape {
        type Side: Clone;
    }

    pub struct Square;

    impl Shape for Square {
        type Side = u16;
    }

    #[derive(Debug)]
    pub struct Projected<S: Shape> {
        pub side: S::Side,
    }

    pub fn projected(side: u16) -> Projected<Square> {
        Projected { side }
    }

    #[derive(Debug, Default)]
    pub struct Empty {}

    #[derive(Debug)]
    pub struct WithCfg {
        pub always: u8,
        #[cfg(any())]
        pub never: u8,
        #[cfg(not(any()))]
        pub present: u8,
    }

    pub fn with_cfg() -> WithCfg {
        WithCfg {
            always: 1,
            #[cfg(any())]
            never: 2,
            #[cfg(not(any()))]
            present: 3,
        }
    }
}

impl std::fmt::Debug for model::Square {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Square")
    }
}

/// The tests of this binary take this lock, so that the exact counts of one
/// test see only its own values (the counters are global and the tests run on
/// parallel threads).
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn hash_of(value: &impl Hash) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

#[test]
fn should_count_clones_and_defaults() {
    let _serial = serial();
    let a = model::version(1, 2);
    let b = a.clone();
    let c = model::Version::default();
    assert_eq!(count::<model::Version>(), 3);
    drop((a, b, c));
    assert_eq!(count::<model::Version>(), 0);
}

#[test]
fn should_derive_debug_without_the_hidden_field() {
    let _serial = serial();
    let same = |text: String| text.replace("Plain", "Version");
    assert_eq!(format!("{:?}", model::version(1, 2)), same(format!("{:?}", model::plain(1, 2))));
    assert_eq!(format!("{:#?}", model::version(1, 2)), same(format!("{:#?}", model::plain(1, 2))));
    assert_eq!(format!("{:?}", model::version(1, 2)), r#"Version { major: 1, minor: 2, type: "release" }"#);
    assert_eq!(format!("{:?}", model::generic("x")), r#"Generic { value: "x", extra: 7 }"#);
    assert_eq!(format!("{:?}", model::projected(4)), "Projected { side: 4 }");
    assert_eq!(format!("{:?}", model::Empty::default()), "Empty");
    assert_eq!(format!("{:?}", model::with_cfg()), "WithCfg { always: 1, present: 3 }");
}

#[test]
fn should_compare_and_hash_as_if_the_field_were_not_there() {
    let _serial = serial();
    let (a, b, c) = (model::version(1, 2), model::version(1, 2), model::version(1, 3));
    assert_eq!(a, b);
    assert_ne!(a, c);
    assert!(a < c);
    assert_eq!(a.cmp(&b), std::cmp::Ordering::Equal);
    assert_eq!(hash_of(&a), hash_of(&b));
    assert_eq!(hash_of(&a), hash_of(&model::plain(1, 2)));
    let set: HashSet<model::Version> = [a.clone(), b.clone(), c.clone()].into_iter().collect();
    assert_eq!(set.len(), 2);
    let ordered: BTreeSet<model::Version> = [c, a, b].into_iter().collect();
    assert_eq!(ordered.iter().map(|v| v.minor).collect::<Vec<_>>(), [2, 3]);
}

#[test]
fn should_count_generic_clones_under_one_name() {
    let _serial = serial();
    let a = model::generic(String::from("a"));
    let b = a.clone();
    let c = model::generic(1u64);
    assert_eq!(count::<model::Generic<String>>(), 3);
    assert_eq!(count::<model::Generic<()>>(), 3);
    assert_eq!(leak_audit::snapshot().get::<model::Generic<u64>>().unwrap().name, "Generic");
    drop((a, b, c));
    assert_eq!(count::<model::Generic<u64>>(), 0);
}
