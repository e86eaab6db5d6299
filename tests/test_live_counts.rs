//! `count`, `snapshot` and `Snapshot::diff` through the real macro: live,
//! created, dropped and peak per type, and the net change between snapshots.
//!
//! The counters are process-global: this scenario has its own test binary and
//! runs as one test, so no other test creates values while it measures.

use std::rc::Rc;

use leak_audit::{count, snapshot};

#[leak_audit::leak_audit]
mod model {
    use std::cell::RefCell;
    use std::rc::{Rc, Weak};

    pub struct Person {
        pub name: String,
        pub cars: RefCell<Vec<Rc<Car>>>,
    }

    pub struct Car {
        pub model: String,
        #[leak_audit(allow(rc_cycle), reason = "the test builds this cycle on purpose")]
        pub owner: RefCell<Option<Rc<Person>>>,
        pub weak_owner: Weak<Person>,
    }

    pub fn person(name: &str) -> Rc<Person> {
        Rc::new(Person { name: name.into(), cars: RefCell::new(Vec::new()) })
    }

    pub fn car(model: &str) -> Rc<Car> {
        Rc::new(Car { model: model.into(), owner: RefCell::new(None), weak_owner: Weak::new() })
    }
}

#[test]
fn should_report_live_created_dropped_peak_and_diffs() {
    assert_eq!(count::<model::Person>(), 0);
    let start = snapshot();
    assert!(start.get::<model::Person>().is_none());

    // The articles' leak: a person and a car that own each other.
    let joden = model::person("Joden");
    let tesla = model::car("Tesla");
    joden.cars.borrow_mut().push(Rc::clone(&tesla));
    *tesla.owner.borrow_mut() = Some(Rc::clone(&joden));
    assert_eq!((joden.name.as_str(), tesla.model.as_str()), ("Joden", "Tesla"));
    assert!(tesla.weak_owner.upgrade().is_none());
    drop((joden, tesla));

    let leaked = snapshot();
    assert_eq!(leaked.live::<model::Person>(), 1);
    assert_eq!(leaked.live::<model::Car>(), 1);
    let diff = leaked.diff(&start);
    assert!(!diff.is_flat());
    let grown: Vec<(&str, isize)> = diff.grown().map(|d| (d.name, d.net)).collect();
    assert_eq!(grown, [("Car", 1), ("Person", 1)]);

    // Many short-lived values: created and dropped, peak kept.
    let batch: Vec<Rc<model::Person>> = (0..100).map(|i| model::person(&i.to_string())).collect();
    assert_eq!(count::<model::Person>(), 101);
    drop(batch);
    let after_batch = snapshot();
    let person = after_batch.get::<model::Person>().unwrap();
    assert_eq!((person.live, person.created, person.dropped, person.peak), (1, 101, 100, 101));
    let diff = after_batch.diff(&leaked);
    let person_diff = diff.get::<model::Person>().unwrap();
    assert_eq!((person_diff.created, person_diff.dropped, person_diff.net), (100, 100, 0));
    assert!(diff.get::<model::Car>().is_none(), "no car was created or dropped in between");
    assert!(diff.is_flat());

    let text = after_batch.to_string();
    assert!(text.lines().next().unwrap().starts_with("type"), "{text}");
    assert!(text.contains("Person"), "{text}");
    assert_eq!(after_batch.total_live(), 2);
}
