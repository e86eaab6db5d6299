#![deny(deprecated)]

#[leak_audit::leak_audit]
mod list {
    use std::{cell::RefCell, rc::Rc};
    pub struct Node {
        pub next: RefCell<Option<Rc<Node>>>,
        #[leak_audit(allow(rc_cycle), reason = "`List::drop` unlinks every node")]
        pub prev: RefCell<Option<Rc<Node>>>,
    }

    pub fn node() -> Node {
        Node { next: RefCell::new(None), prev: RefCell::new(None) }
    }
}

fn main() {
    let node = list::node();
    assert!(node.next.borrow().is_none() && node.prev.borrow().is_none());
}
