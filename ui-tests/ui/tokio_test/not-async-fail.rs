// `#[leak_audit::tokio_test]` goes on an `async fn` without arguments, and
// builds the runtime itself.

#[leak_audit::tokio_test]
fn not_async() {}

#[leak_audit::tokio_test]
async fn with_arguments(port: u16) {
    let _ = port;
}

#[leak_audit::tokio_test]
struct NotAFn;

#[leak_audit::tokio_test]
#[tokio::test]
async fn two_runtimes() {}

fn main() {}
