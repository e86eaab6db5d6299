// `assert` reports growth across calls, so it only goes on a fn.

#[leak_audit::leak_audit(assert)]
pub struct Counted {
    pub value: u8,
}

fn main() {}
