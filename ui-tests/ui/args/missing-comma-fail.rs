#[leak_audit::leak_audit(deny(rc_cycle) allow(unbounded_static))]
pub struct Person {
    pub name: String,
}

fn main() {}
