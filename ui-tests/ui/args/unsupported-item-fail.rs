#[leak_audit::leak_audit]
use std::rc::Rc;

fn main() {
    let _ = Rc::new(1);
}
