#[leak_audit::leak_audit(deny)]
fn fib(n: u64) -> u64 {
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex};
    static MEMO: LazyLock<Mutex<HashMap<u64, u64>>> = LazyLock::new(|| Mutex::new(HashMap::new()));
    if let Some(value) = MEMO.lock().unwrap().get(&n) {
        return *value;
    }
    let value = if n < 2 { n } else { fib(n - 1) + fib(n - 2) };
    MEMO.lock().unwrap().insert(n, value);
    value
}

fn main() {
    assert_eq!(fib(10), 55);
}
