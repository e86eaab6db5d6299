#[leak_audit::leak_audit(deny(rc_cycles))]
pub struct Person {
    pub name: String,
}

fn main() {}
