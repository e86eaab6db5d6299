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

    pub fn demo() -> usize {
        let person = Rc::new(Person { cars: RefCell::new(Vec::new()) });
        let car = Rc::new(Car { owner: RefCell::new(Rc::downgrade(&person)) });
        person.cars.borrow_mut().push(car);
        let leaf = Rc::new(Node { value: 3, parent: RefCell::new(Weak::new()), children: RefCell::new(vec![]) });
        let _ = Persistent::Cons(1, Rc::new(Persistent::Nil));
        let cars = person.cars.borrow().len();
        cars + leaf.value as usize
    }
}

fn main() {
    assert_eq!(model::demo(), 4);
}
