//! Struct forms that keep compiling and are counted: generics (one counter for
//! every instantiation), lifetimes, const generics, where clauses, `?Sized`
//! parameters behind a pointer, an unsized last field, user `Drop` impls,
//! `cfg`'d fields and structs, deprecated structs, raw identifiers, and
//! structs that borrow each other (drop check unchanged).

use std::cell::Cell;

use leak_audit::count;

#[leak_audit::leak_audit]
mod model {
    use std::cell::Cell;
    use std::fmt::Display;

    pub struct Wrapper<T> {
        pub value: T,
    }

    pub fn wrap<T>(value: T) -> Wrapper<T> {
        Wrapper { value }
    }

    /// A possibly unsized last field: the hidden field goes first.
    pub struct Tail<T: ?Sized> {
        pub len: usize,
        pub tail: T,
    }

    pub fn boxed_tail() -> Box<Tail<[u8]>> {
        Box::new(Tail { len: 3, tail: [1, 2, 3] })
    }

    /// Only declared: unsized structs are made by unsizing a sized one.
    #[allow(dead_code)]
    pub struct SliceTail {
        pub len: usize,
        pub data: [u8],
    }

    /// Compiled out: the items that go with it must be too.
    #[cfg(any())]
    pub struct Absent {
        pub missing: NoSuchType,
    }

    /// Using a deprecated type in the items that go with it warns nobody.
    #[deprecated = "use Wrapper"]
    pub struct Old {
        pub x: u8,
    }

    #[allow(deprecated)]
    pub fn old() -> Old {
        Old { x: 1 }
    }

    pub struct Borrowed<'a, T: ?Sized + 'a> {
        pub inner: &'a T,
    }

    pub fn borrow<T: ?Sized>(inner: &T) -> Borrowed<'_, T> {
        Borrowed { inner }
    }

    pub struct Buffer<const N: usize, T = u8>
    where
        T: Copy + Default,
    {
        pub data: [T; N],
    }

    impl<const N: usize, T: Copy + Default> Buffer<N, T> {
        pub fn new() -> Self {
            Self { data: [T::default(); N] }
        }
    }

    pub struct Shown<T>
    where
        T: Display,
    {
        pub shown: T,
    }

    pub fn shown<T: Display>(shown: T) -> Shown<T> {
        Shown { shown }
    }

    pub struct Noisy<'a> {
        pub drops: &'a Cell<u32>,
    }

    impl Drop for Noisy<'_> {
        fn drop(&mut self) {
            self.drops.set(self.drops.get() + 1);
        }
    }

    pub fn noisy(drops: &Cell<u32>) -> Noisy<'_> {
        Noisy { drops }
    }

    pub struct Conditional {
        pub kept: u8,
        #[cfg(any())]
        pub removed: String,
    }

    pub fn conditional() -> Conditional {
        Conditional {
            kept: 1,
            #[cfg(any())]
            removed: String::new(),
        }
    }

    #[allow(non_camel_case_types)]
    pub struct r#match {
        pub r#in: u8,
    }

    pub fn raw() -> r#match {
        r#match { r#in: 3 }
    }

    /// Two values that point at each other through `Cell`s, dropped together:
    /// compiles only if the hidden field adds no drop-check constraint.
    pub struct Node<'a> {
        pub peer: Cell<Option<&'a Node<'a>>>,
    }

    pub fn linked_pair() -> usize {
        let (a, b);
        a = Node { peer: Cell::new(None) };
        b = Node { peer: Cell::new(None) };
        a.peer.set(Some(&b));
        b.peer.set(Some(&a));
        leak_audit::count::<Node<'_>>()
    }
}

#[test]
fn should_count_all_instantiations_of_a_generic_type_together() {
    let a = model::wrap(1u8);
    let b = model::wrap(String::from("b"));
    let c = model::wrap(vec![1.0f32]);
    assert_eq!(count::<model::Wrapper<u8>>(), 3);
    assert_eq!(count::<model::Wrapper<String>>(), 3);
    let stats = leak_audit::snapshot();
    assert_eq!(stats.types().iter().filter(|stats| stats.name == "Wrapper").count(), 1);
    assert_eq!((a.value, b.value.as_str(), c.value.len()), (1, "b", 1));
}

#[test]
fn should_count_types_with_lifetimes_and_unsized_parameters() {
    let text = String::from("text");
    let borrowed = model::borrow(text.as_str());
    let slice = model::borrow(&[1, 2, 3][..]);
    assert_eq!(count::<model::Borrowed<'_, str>>(), 2);
    assert_eq!((borrowed.inner, slice.inner.len()), ("text", 3));
}

#[test]
fn should_count_structs_with_an_unsized_last_field() {
    let tail = model::boxed_tail();
    assert_eq!(count::<model::Tail<[u8]>>(), 1);
    assert_eq!((tail.len, tail.tail.len()), (3, 3));
    drop(tail);
    assert_eq!(count::<model::Tail<[u8]>>(), 0);
    assert_eq!(std::mem::size_of::<&model::SliceTail>(), 2 * std::mem::size_of::<usize>());
}

#[test]
#[allow(deprecated)]
fn should_count_deprecated_structs_without_warnings_of_its_own() {
    let old = model::old();
    assert_eq!((old.x, count::<model::Old>()), (1, 1));
}

#[test]
fn should_count_const_generic_and_where_clause_types() {
    let small = model::Buffer::<4>::new();
    let big = model::Buffer::<16, u32>::new();
    assert_eq!(count::<model::Buffer<1>>(), 2);
    assert_eq!((small.data.len(), big.data.len()), (4, 16));
    let shown = model::shown(5);
    assert_eq!(shown.shown.to_string(), "5");
    assert_eq!(count::<model::Shown<i32>>(), 1);
}

#[test]
fn should_run_user_drop_and_count_the_drop() {
    let drops = Cell::new(0);
    let value = model::noisy(&drops);
    assert_eq!(count::<model::Noisy<'_>>(), 1);
    drop(value);
    assert_eq!(drops.get(), 1);
    assert_eq!(count::<model::Noisy<'_>>(), 0);
}

#[test]
fn should_keep_cfg_fields_and_raw_identifiers() {
    assert_eq!(model::conditional().kept, 1);
    assert_eq!(model::raw().r#in, 3);
    assert_eq!(leak_audit::snapshot().get::<model::r#match>().unwrap().name, "match");
}

#[test]
fn should_keep_drop_check_for_structs_that_borrow_each_other() {
    assert_eq!(model::linked_pair(), 2);
    assert_eq!(count::<model::Node<'_>>(), 0);
}
