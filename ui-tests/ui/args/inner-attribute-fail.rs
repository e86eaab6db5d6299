#[leak_audit::leak_audit]
mod model {
    pub struct Person {
        #[leak_audit(alow(rc_cycle))]
        pub name: String,
    }

    pub fn anonymous() -> Person {
        Person { name: String::new() }
    }
}

fn main() {
    // The item is still emitted: only the attribute error is reported.
    assert!(model::anonymous().name.is_empty());
}
