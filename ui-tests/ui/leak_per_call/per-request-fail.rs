#[leak_audit::leak_audit(deny(leak_per_call))]
mod server {
    pub fn route(path: &str) -> &'static str {
        Box::leak(path.to_owned().into_boxed_str())
    }
}

fn main() {
    assert_eq!(server::route("/"), "/");
}
