// `#[leak_audit::test]` takes no arguments.

#[leak_audit::test(strict)]
fn checks() {}

fn main() {}
