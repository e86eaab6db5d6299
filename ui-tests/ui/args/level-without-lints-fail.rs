#[leak_audit::leak_audit(allow)]
pub struct Person {
    pub name: String,
}

#[leak_audit::leak_audit(deny())]
pub struct Car {
    pub model: String,
}

fn main() {}
