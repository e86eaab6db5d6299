use std::cell::RefCell; use std::rc::{Rc, Weak};
enum List { Cons(i32, RefCell<Rc<List>>), Nil }
struct Node { value: i32, parent: RefCell<Weak<Node>>, children: RefCell<Vec<Rc<Node>>> }