//! The code `#[leak_audit]`, `#[leak_audit::test]` and
//! `#[leak_audit::tokio_test]` generate stays clean
//! under strict lints: a user crate that denies them still compiles.

#![deny(
    missing_docs,
    missing_debug_implementations,
    unreachable_pub,
    unused_qualifications,
    unused_results,
    trivial_casts,
    unsafe_code,
    warnings
)]

//! (The lints above apply to this whole test crate.)

#[leak_audit::leak_audit]
/// A documented module, as `missing_docs` wants.
pub mod model {
    use std::cell::RefCell;
    use std::rc::{Rc, Weak};

    /// A person.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub struct Person {
        /// Their name.
        pub name: String,
    }

    /// A car.
    #[derive(Debug)]
    pub struct Car<'a, T: Clone, const N: usize> {
        /// Its owner.
        pub owner: Weak<RefCell<Person>>,
        /// Labels.
        pub labels: [&'a T; N],
    }

    impl Person {
        /// Makes a person.
        #[must_use]
        pub fn new(name: &str) -> Self {
            Self { name: name.into() }
        }
    }

    /// Makes a car owned by `owner`.
    #[must_use]
    pub fn car<'a, T: Clone>(owner: &Rc<RefCell<Person>>, label: &'a T) -> Car<'a, T, 1> {
        Car { owner: Rc::downgrade(owner), labels: [label] }
    }

    /// Reads a person's name.
    #[must_use]
    pub fn name_of(person: &Person) -> &str {
        let Person { name } = person;
        name
    }
}

/// A documented fn with a call guard.
#[leak_audit::leak_audit]
#[must_use]
pub fn guarded() -> usize {
    model::name_of(&model::Person::new("Ada")).len()
}

#[leak_audit::test]
fn should_compile_generated_code_under_strict_lints() {
    let owner = std::rc::Rc::new(std::cell::RefCell::new(model::Person::new("Ada")));
    let label = 1u8;
    let car = model::car(&owner, &label);
    assert_eq!(model::name_of(&owner.borrow()), "Ada");
    assert!(format!("{car:?}").starts_with("Car { owner: "));
    assert_eq!(guarded(), 3);
}

#[leak_audit::tokio_test(flavor = "multi_thread", worker_threads = 1)]
async fn should_compile_tokio_test_code_under_strict_lints() -> Result<(), String> {
    let name = tokio::task::spawn_blocking(|| model::Person::new("Ada").name).await.map_err(|err| err.to_string())?;
    assert_eq!(name, "Ada");
    Ok(())
}

#[leak_audit::tokio_test(start_paused = true, allow_running_tasks)]
async fn should_compile_a_tokio_test_without_await_under_strict_lints() {
    assert_eq!(guarded(), 3);
}
