#[leak_audit::leak_audit(allow(rc_cycle), reason)]
pub struct Person {
    pub name: String,
}

#[leak_audit::leak_audit(allow(rc_cycle), reason = 5)]
pub struct Car {
    pub model: String,
}

fn main() {}
