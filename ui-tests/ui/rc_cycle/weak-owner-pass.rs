#![deny(deprecated)]

#[leak_audit::leak_audit]
mod model {
    use std::{cell::RefCell, rc::{Rc, Weak}};
    pub struct Person { pub cars: RefCell<Vec<Rc<Car>>> }
    pub struct Car { pub owner: RefCell<Weak<Person>> }

    pub struct Node {
        pub value: i32,
        pub parent: RefCell<Weak<Node>>,
        pub children: RefCell<Vec<Rc<Node>>>,
    }

    pub enum Persistent { Cons(i32, Rc<Persistent>), Nil }
}

fn main() {
    use std::{cell::RefCell, rc::{Rc, Weak}};
    let person = Rc::new(model::Person { cars: RefCell::new(Vec::new()) });
    let car = Rc::new(model::Car { owner: RefCell::new(Rc::downgrade(&person)) });
    person.cars.borrow_mut().push(car);
    let leaf = Rc::new(model::Node { value: 3, parent: RefCell::new(Weak::new()), children: RefCell::new(vec![]) });
    assert_eq!(leaf.value, 3);
    let _ = model::Persistent::Cons(1, Rc::new(model::Persistent::Nil));
}
