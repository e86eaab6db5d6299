#[leak_audit::leak_audit]
mod model {
    pub struct Person {
        #[leak_audit(alow(rc_cycle))]
        pub name: String,
    }

    pub fn name(person: &Person) -> &str {
        &person.name
    }
}

fn main() {
    // The item is still emitted: only the attribute error is reported.
    let person = model::Person { name: String::new() };
    assert!(model::name(&person).is_empty());
}
