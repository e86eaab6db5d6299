#![deny(deprecated)]

#[leak_audit::leak_audit]
mod recent {
    use std::collections::VecDeque;
    use std::sync::{atomic::{AtomicUsize, Ordering}, LazyLock, Mutex};

    const MAX: usize = 4;
    static LAST: Mutex<VecDeque<u64>> = Mutex::new(VecDeque::new());
    static HITS: AtomicUsize = AtomicUsize::new(0);
    static NAMES: LazyLock<Vec<&'static str>> = LazyLock::new(|| vec!["a", "b"]);

    pub fn sample(value: u64) -> usize {
        let mut last = LAST.lock().unwrap();
        if last.len() == MAX {
            last.pop_front();
        }
        last.push_back(value);
        HITS.fetch_add(1, Ordering::Relaxed);
        NAMES.len() + last.len()
    }
}

fn main() {
    for value in 0..10 {
        assert!(recent::sample(value) <= 6);
    }
}
