#[leak_audit::leak_audit(deny)]
fn remember(id: u32) {
    use std::cell::RefCell;
    thread_local! {
        static SEEN: RefCell<Vec<u32>> = const { RefCell::new(Vec::new()) };
    }
    SEEN.with_borrow_mut(|seen| seen.push(id));
}

fn main() {
    remember(1);
}
