//! A small program with the three kinds of leak leak_audit finds.
//!
//! `cargo run -p leak_audit_demo` prints one compile-time warning per leak, then
//! runs the code and shows, with the runtime's growth report, that the
//! `Person`/`Car` cycle really leaks.

// Only leak_audit's warnings are of interest here. `cargo build` shows them;
// under clippy (run with `-D warnings`) they are the expected output, not news.
#![allow(dead_code)]
#![cfg_attr(clippy, allow(deprecated))]

#[leak_audit::leak_audit]
#[rustfmt::skip] // the README quotes these lines and their line numbers
mod model {
    use std::{cell::RefCell, rc::Rc};
    pub struct Person { pub cars: RefCell<Vec<Rc<Car>>> }
    pub struct Car { pub owner: RefCell<Option<Rc<Person>>> }

    /// Counted structs are built inside the annotated module.
    pub fn person_with_car() -> Rc<Person> {
        let person = Rc::new(Person { cars: RefCell::new(Vec::new()) });
        let car = Rc::new(Car { owner: RefCell::new(Some(person.clone())) });
        person.cars.borrow_mut().push(car);
        person
    }
}

#[leak_audit::leak_audit]
mod history {
    use std::sync::Mutex;

    static REQUESTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

    pub fn handle(request: &str) -> usize {
        let mut requests = REQUESTS.lock().unwrap();
        requests.push(request.to_owned());
        requests.len()
    }
}

#[leak_audit::leak_audit]
mod calculator {
    use std::collections::HashMap;

    #[derive(Default)]
    pub struct Calculator {
        cache: HashMap<(i64, i64), i64>,
    }

    impl Calculator {
        pub fn add(&mut self, a: i64, b: i64) -> i64 {
            *self.cache.entry((a, b)).or_insert_with(|| a + b)
        }
    }
}

fn main() {
    leak_audit::show_growth();
    for _ in 0..3 {
        let person = model::person_with_car();
        assert_eq!(person.cars.borrow().len(), 1);
        // `person` is dropped here, but the cycle keeps it and its car alive.
    }
    println!("after building and dropping three people with a car each:");
    leak_audit::show_growth();
    println!("live `Person` values: {}", leak_audit::count::<model::Person>());

    println!("{} request(s) seen", history::handle("GET /"));
    println!("2 + 3 = {}", calculator::Calculator::default().add(2, 3));

    // Does it grow every time? Five measured runs after two warm-up runs.
    println!("\ngrowth over repeated runs of `person_with_car`:");
    print!("{}", leak_audit::growth_per_run(2, 5, || drop(model::person_with_car())));

    // What keeps a dropped person alive?
    let person = model::person_with_car();
    let watch = leak_audit::watch(&person);
    if let Some(cycle) = leak_audit::find_cycle(&person) {
        println!("\nthe cycle that keeps a person alive: {cycle}");
    }
    drop(person);
    println!("\nwhat `Watch::assert_dropped` says about the dropped person:");
    println!("{}", assert_dropped_message(&watch));
}

/// The message `watch.assert_dropped()` panics with, printed instead of
/// ending the demo.
fn assert_dropped_message(watch: &leak_audit::Watch) -> String {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| watch.assert_dropped()));
    std::panic::set_hook(hook);
    match result {
        Ok(()) => "the person was dropped".to_owned(),
        Err(payload) => payload.downcast_ref::<String>().cloned().unwrap_or_default(),
    }
}
