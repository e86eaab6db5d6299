#[leak_audit::leak_audit(forbid(rc_cycle))]
pub struct Person {
    pub name: String,
}

#[leak_audit::leak_audit(max_entries = 10)]
pub struct Car {
    pub model: String,
}

fn main() {}
