// An inner `#[leak_audit]` is handled by the outer one: the cycle is reported
// once, and the inner `deny` makes it an error.
#[leak_audit::leak_audit]
mod outer {
    #[leak_audit::leak_audit(deny(rc_cycle))]
    pub mod inner {
        use std::{cell::RefCell, rc::Rc};
        pub struct Node { pub next: RefCell<Option<Rc<Node>>> }
    }
}

fn main() {}
