#[leak_audit::leak_audit(allow(rc_cycle), reason = "a", reason = "b")]
pub struct Person {
    pub name: String,
}

fn main() {}
