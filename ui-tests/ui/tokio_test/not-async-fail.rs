// `#[leak_audit::tokio_test]` goes on an `async fn` without arguments.

#[leak_audit::tokio_test]
fn not_async() {}

#[leak_audit::tokio_test]
async fn with_arguments(port: u16) {
    let _ = port;
}

#[leak_audit::tokio_test]
struct NotAFn;

fn main() {}
