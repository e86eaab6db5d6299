thread_local! { static SEEN: std::cell::RefCell<std::collections::HashSet<u32>> = Default::default(); }
lazy_static::lazy_static! { static ref REG: std::sync::Mutex<std::collections::HashMap<u32, String>> = Default::default(); }
fn f(k: u32) -> String { SEEN.with(|s| s.borrow_mut().insert(k)); REG.lock().unwrap().entry(k).or_insert_with(|| k.to_string()).clone() }
#[cached] fn fib(n: u64) -> u64 { n }
#[leak_audit(allow(rc_cycle), reason = "x")] mod m { struct A { b: std::rc::Rc<std::cell::RefCell<B>> } struct B { a: Option<std::rc::Rc<A>> } }