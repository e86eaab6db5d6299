// Macro invocations the engine parses the tokens of, with tokens that are not
// what it expects, and helper attributes with wrong arguments.
thread_local! { static ; }
thread_local!(pub static A: = 1);
thread_local! { static B: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(Vec::new()) static C }
lazy_static::lazy_static! { static ref ; pub static ref X: u8 = ; }
lazy_static! { static ref Y: std::sync::Mutex<Vec<u8>> = std::sync::Mutex::new(vec![]); static ref Y: u8 = 0; }
#[leak_audit(allow(nonexistent), reason = 3)]
struct S { #[leak_audit(deny(rc_cycle, rc_cycle), allow(rc_cycle))] f: std::rc::Rc<std::cell::RefCell<S>> }
#[leak_audit(allow)]
static Z: std::sync::Mutex<Vec<u8>> = std::sync::Mutex::new(Vec::new());
#[cached(size = "x", time = -1)]
fn f(x: u8) -> u8 { Z.lock().unwrap().push(x); x }
#[cached::proc_macro::cached(size)]
fn g(x: u8) -> u8 { x }
#[memoize(Capacity: )]
fn h(x: u8) -> u8 { x }
fn uses() { Y.lock().unwrap().push(1); B.with(|b| b.borrow_mut().push(1)); }
