//! A small program with the three kinds of leak leak_audit finds.
//!
//! `cargo build -p leak_audit_demo` prints one warning per leak.

#[leak_audit::leak_audit]
mod model {
    use std::{cell::RefCell, rc::Rc};

    pub struct Person { pub cars: RefCell<Vec<Rc<Car>>> }
    pub struct Car { pub owner: RefCell<Option<Rc<Person>>> }
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
    use std::{cell::RefCell, rc::Rc};

    let person = Rc::new(model::Person { cars: RefCell::new(Vec::new()) });
    let car = Rc::new(model::Car { owner: RefCell::new(Some(person.clone())) });
    person.cars.borrow_mut().push(car);
    println!("the person has {} car(s)", person.cars.borrow().len());

    println!("{} request(s) seen", history::handle("GET /"));
    println!("2 + 3 = {}", calculator::Calculator::default().add(2, 3));
}
