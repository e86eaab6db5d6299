#![deny(deprecated)]

#[leak_audit::leak_audit]
mod list {
    use std::{cell::RefCell, rc::Rc};
    pub struct Node {
        pub next: RefCell<Option<Rc<Node>>>,
        #[leak_audit(allow(rc_cycle), reason = "`List::drop` unlinks every node")]
        pub prev: RefCell<Option<Rc<Node>>>,
    }
}

fn main() {
    let node = list::Node { next: Default::default(), prev: Default::default() };
    assert!(node.next.borrow().is_none() && node.prev.borrow().is_none());
}
