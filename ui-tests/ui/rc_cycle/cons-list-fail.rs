use std::{cell::RefCell, rc::Rc};

#[leak_audit::leak_audit(deny(rc_cycle))]
#[allow(dead_code)]
enum List {
    Cons(i32, RefCell<Rc<List>>),
    Nil,
}

fn main() {}
