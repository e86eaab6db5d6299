pub trait Shape {
    #[leak_audit::leak_audit]
    fn area(&self) -> f64;
}

fn main() {}
