use std::{cell::RefCell, rc::Rc};
pub struct Person { pub cars: RefCell<Vec<Rc<Car>>> }
pub struct Car { pub owner: RefCell<Option<Rc<Person>>> }