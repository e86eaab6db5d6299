//! `leak_per_call`: cases that must warn and cases that must not.

mod support;

use leak_audit_engine::{analyze_str, Config, Finding, Level};
use support::{line, pointed_text};

/// The lint's findings, with the lint turned on (it is `allow` by default).
fn leaks(source: &str) -> Vec<Finding> {
    let mut config = Config::default();
    config.levels.insert("leak_per_call", Level::Warn);
    let findings = analyze_str(source, &config).unwrap_or_else(|err| panic!("test source does not parse: {err}"));
    findings.into_iter().filter(|finding| finding.lint.name == "leak_per_call").collect()
}

// === must warn ===

#[test]
fn should_warn_box_leak_per_request() {
    let source = "
pub struct Request { pub path: String }
pub fn handle(request: &Request) -> &'static str {
    Box::leak(request.path.clone().into_boxed_str())
}
";
    let found = leaks(source);
    assert_eq!(found.len(), 1);
    assert_eq!(pointed_text(source, &found[0]), "leak");
    assert_eq!(found[0].message, "`Box::leak` leaks a `Box` on every call of `handle`");
    assert!(found[0].notes[0].contains("request, event or render handler"), "{}", found[0].notes[0]);
    assert!(found[0].help.as_deref().unwrap().contains("`Arc<str>`"));
}

#[test]
fn should_warn_box_leak_in_a_loop_of_main() {
    let source = "
fn main() {
    let config: &'static str = Box::leak(String::from(\"once\").into_boxed_str());
    let listener = std::net::TcpListener::bind(config).unwrap();
    for stream in listener.incoming() {
        let peer: &'static mut std::net::TcpStream = Box::leak(Box::new(stream.unwrap()));
        let _ = peer;
    }
}
";
    let found = leaks(source);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(line(&found[0]), 6);
    assert!(found[0].message.contains("on every iteration of a `for` loop in `main`"), "{}", found[0].message);
    assert_eq!(found[0].labels.len(), 1);
    assert_eq!(pointed_text(source, &found[0]), "leak");
}

#[test]
fn should_warn_string_leak_in_a_method() {
    let source = "
pub struct Names { prefix: String }
impl Names {
    pub fn name(&self, id: u32) -> &'static str {
        format!(\"{}-{id}\", self.prefix).leak()
    }
}
";
    let found = leaks(source);
    assert_eq!(found.len(), 1);
    assert_eq!(pointed_text(source, &found[0]), "leak");
    assert!(
        found[0].message.starts_with("`leak()` leaks a `String` on every call of `Names::name`"),
        "{}",
        found[0].message
    );
    assert!(found[0].notes[0].contains("is a method"));
}

#[test]
fn should_warn_forget_of_a_vec_in_an_async_fn() {
    let source = "
pub async fn fetch(len: usize) {
    let buffer: Vec<u8> = vec![0; len];
    std::mem::forget(buffer);
}
";
    let found = leaks(source);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].message, "`mem::forget` leaks `buffer` on every call of `fetch`");
    assert!(found[0].notes[0].contains("`async fn`"));
}

#[test]
fn should_warn_forget_of_a_struct_that_owns_a_box() {
    let source = "
use std::mem;
pub struct Session { pub state: Box<[u8]> }
impl Session { pub fn new() -> Self { Session { state: Box::new([0; 64]) } } }
pub fn open_session() {
    let session = Session::new();
    mem::forget(session);
}
";
    assert_eq!(leaks(source).len(), 1);
}

#[test]
fn should_warn_forget_of_a_value_whose_type_is_unknown() {
    let source = "
pub fn keep_alive<T>(value: T) {
    core::mem::forget(value);
}
";
    let found = leaks(source);
    assert_eq!(found.len(), 1);
    assert!(found[0].notes[0].contains("may be called again and again"));
}

#[test]
fn should_warn_manually_drop_never_taken_back() {
    let source = "
use std::mem::ManuallyDrop;
pub struct Worker;
impl Worker {
    pub fn run(&self, job: String) {
        let job = ManuallyDrop::new(job);
        println!(\"{}\", job.len());
    }
}
";
    let found = leaks(source);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].message, "`ManuallyDrop::new` leaks `job` on every call of `Worker::run`");
}

#[test]
fn should_warn_closure_forget_per_call() {
    let source = "
use wasm_bindgen::prelude::*;
pub fn set_interval(handler: Box<dyn Fn()>, timeout: i32) {
    let callback = Closure::wrap(handler as Box<dyn Fn()>);
    web_sys::window().unwrap()
        .set_interval_with_callback_and_timeout_and_arguments_0(callback.as_ref().unchecked_ref(), timeout)
        .unwrap();
    callback.forget();
}
";
    let found = leaks(source);
    assert_eq!(found.len(), 1);
    assert_eq!(pointed_text(source, &found[0]), "forget");
    assert_eq!(found[0].message, "`Closure::forget` leaks a wasm-bindgen `Closure` on every call of `set_interval`");
    assert!(found[0].help.as_deref().unwrap().contains("keep the `Closure` in the component"));
}

#[test]
fn should_warn_closure_into_js_value_in_a_component() {
    let source = "
use wasm_bindgen::prelude::*;
#[component]
pub fn Counter() -> View {
    let on_click = Closure::<dyn FnMut()>::new(move || {}).into_js_value();
    view(on_click)
}
";
    let found = leaks(source);
    assert_eq!(found.len(), 1);
    assert!(found[0].message.starts_with("`Closure::into_js_value`"));
}

#[test]
fn should_warn_box_leak_in_a_callback_registered_in_main() {
    let source = "
fn main() {
    let button = Button::new();
    button.on_click(move |event| {
        let label: &'static str = Box::leak(event.name().into_boxed_str());
        println!(\"{label}\");
    });
    button.run();
}
";
    let found = leaks(source);
    assert_eq!(found.len(), 1);
    assert!(
        found[0].message.contains("each time the closure given to `on_click` runs (in `main`)"),
        "{}",
        found[0].message
    );
    assert_eq!(pointed_text(source, &found[0]), "leak");
}

#[test]
fn should_warn_helper_called_from_a_loop_of_main() {
    let source = "
fn intern(name: String) -> &'static str { Box::leak(name.into_boxed_str()) }
fn main() {
    let _first = intern(String::from(\"start\"));
    loop {
        let line = read_line();
        let _name = intern(line);
    }
}
";
    let found = leaks(source);
    assert_eq!(found.len(), 1);
    assert!(found[0].message.contains("on every call of `intern`"));
}

#[test]
fn should_warn_in_a_route_handler_handed_to_the_router() {
    let source = "
async fn main() {
    let app = Router::new().route(\"/\", get(index));
    serve(app).await;
}
fn index() -> &'static str { Box::leak(Box::new(String::from(\"hello\"))) }
";
    let found = leaks(source);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].message, "`Box::leak` leaks a `Box<String>` on every call of `index`");
}

#[test]
fn should_warn_per_element_of_an_open_iterator() {
    let source = "
fn main() {
    let stdin = std::io::stdin();
    stdin.lines().for_each(|line| {
        let line: &'static str = line.unwrap().leak();
        println!(\"{line}\");
    });
}
";
    let found = leaks(source);
    assert_eq!(found.len(), 1);
    assert!(found[0].message.contains("closure given to `for_each`"));
}

// === must not warn ===

#[test]
fn should_not_warn_leak_in_main_before_its_loop() {
    let source = "
fn main() {
    let config: &'static Config = Box::leak(Box::new(Config::load()));
    let names: Vec<&'static str> = [\"a\", \"b\"].iter().map(|name| &*String::from(*name).leak()).collect();
    for flag in [\"-v\", \"-q\"] { let _ = Box::leak(flag.to_string().into_boxed_str()); }
    loop { serve(config, &names); }
}
pub struct Config { pub name: String }
";
    assert!(leaks(source).is_empty(), "{:?}", leaks(source));
}

#[test]
fn should_not_warn_in_once_lock_get_or_init() {
    let source = "
use std::sync::OnceLock;
pub struct App { name: OnceLock<&'static str> }
impl App {
    pub fn name(&self) -> &'static str {
        self.name.get_or_init(|| Box::leak(String::from(\"app\").into_boxed_str()))
    }
}
";
    assert!(leaks(source).is_empty());
}

#[test]
fn should_not_warn_in_static_initialisers_and_call_once() {
    let source = "
use std::sync::{LazyLock, Once};
static NAME: LazyLock<&'static str> = LazyLock::new(|| Box::leak(String::from(\"n\").into_boxed_str()));
static INIT: Once = Once::new();
pub fn init() {
    INIT.call_once(|| { let _ = Box::leak(Box::new(5_u64)); });
    let lazy = LazyLock::new(|| Box::leak(Box::new(String::new())));
    let _ = lazy;
}
";
    assert!(leaks(source).is_empty());
}

#[test]
fn should_not_warn_in_test_code() {
    let source = "
#[test]
fn leaks_in_a_test() { let _ = Box::leak(Box::new(String::new())); }
#[cfg(test)]
mod tests {
    fn helper() -> &'static str { Box::leak(String::new().into_boxed_str()) }
}
";
    assert!(leaks(source).is_empty());
}

#[test]
fn should_not_warn_forget_of_values_that_own_no_memory() {
    let source = "
use std::mem;
pub struct Token { id: u64, name: &'static str }
pub fn defuse(token: Token, count: u32, name: &String, file: std::fs::File) {
    mem::forget(token);
    mem::forget(count);
    mem::forget(name);
    mem::forget(file);
    mem::forget(Token { id: 1, name: \"x\" });
}
";
    assert!(leaks(source).is_empty(), "{:?}", leaks(source));
}

#[test]
fn should_not_warn_forget_that_hands_ownership_to_a_raw_pointer() {
    let source = "
use std::mem;
pub struct Buffer { ptr: *mut u8, len: usize }
pub fn into_parts(mut bytes: Vec<u8>) -> (*mut u8, usize, usize) {
    let parts = (bytes.as_mut_ptr(), bytes.len(), bytes.capacity());
    mem::forget(bytes);
    parts
}
pub struct Owned { inner: Box<u32> }
impl Owned {
    pub fn into_raw(self) -> *mut u32 {
        let raw = &*self.inner as *const u32 as *mut u32;
        mem::forget(self);
        raw
    }
}
";
    assert!(leaks(source).is_empty(), "{:?}", leaks(source));
}

#[test]
fn should_not_warn_manually_drop_taken_back() {
    let source = "
use std::mem::ManuallyDrop;
pub fn with_guard(value: String) -> String {
    let kept = ManuallyDrop::new(value);
    ManuallyDrop::into_inner(kept)
}
pub fn dropped_later(value: Vec<u8>) {
    let mut slot = ManuallyDrop::new(value);
    unsafe { ManuallyDrop::drop(&mut slot) };
}
pub struct Holder { value: ManuallyDrop<String> }
pub fn hold(value: String) -> Holder { Holder { value: ManuallyDrop::new(value) } }
";
    assert!(leaks(source).is_empty(), "{:?}", leaks(source));
}

#[test]
fn should_not_warn_interner_reported_by_unbounded_static() {
    let source = "
use std::{collections::HashSet, sync::Mutex};
static NAMES: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
pub fn intern(name: &str) -> &'static str {
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    NAMES.lock().unwrap().push(leaked);
    leaked
}
";
    let all = support::findings(source);
    assert!(leaks(source).is_empty());
    assert!(all.iter().any(|finding| finding.lint.name == "unbounded_static"));
}

#[test]
fn should_not_warn_interner_through_a_guard_of_a_static_set() {
    let source = "
use std::{collections::HashSet, sync::{LazyLock, Mutex}};
static NAMES: LazyLock<Mutex<HashSet<&'static str>>> = LazyLock::new(|| Mutex::new(HashSet::new()));
pub fn intern(name: &str) -> &'static str {
    let mut names = NAMES.lock().unwrap();
    if let Some(&known) = names.get(name) {
        return known;
    }
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(leaked);
    leaked
}
";
    assert!(leaks(source).is_empty(), "{:?}", leaks(source));
    let others: Vec<&str> = support::findings(source).iter().map(|finding| finding.lint.name).collect();
    assert_eq!(others.len(), 1, "{others:?}");
}

#[test]
fn should_warn_leaks_kept_in_a_collection_of_the_call() {
    let source = "
pub fn names(count: usize) -> Vec<&'static str> {
    let mut names = Vec::new();
    for index in 0..count {
        names.push(&*format!(\"name-{index}\").leak());
    }
    names
}
";
    let found = leaks(source);
    assert_eq!(found.len(), 1);
    assert!(found[0].message.contains("on every iteration of a `for` loop in `names`"), "{}", found[0].message);
}

#[test]
fn should_not_warn_value_leaked_into_set_logger() {
    let source = "
pub fn init(level: Level) {
    log::set_logger(Box::leak(Box::new(Logger { level }))).unwrap();
}
";
    assert!(leaks(source).is_empty());
}

#[test]
fn should_not_warn_helper_called_only_from_main_and_initialisers() {
    let source = "
fn load_config() -> &'static Config { Box::leak(Box::new(Config { name: String::new() })) }
fn greeting() -> &'static str { Box::leak(String::from(\"hi\").into_boxed_str()) }
fn main() {
    let config = load_config();
    let cell = std::sync::OnceLock::new();
    let text = cell.get_or_init(greeting);
    loop { run(config, text); }
}
pub struct Config { name: String }
";
    assert!(leaks(source).is_empty(), "{:?}", leaks(source));
}

#[test]
fn should_not_warn_in_wasm_start_fn() {
    let source = "
use wasm_bindgen::prelude::*;
#[wasm_bindgen(start)]
pub fn start() {
    let on_resize = Closure::<dyn FnMut()>::new(move || {});
    window().set_onresize(Some(on_resize.as_ref().unchecked_ref()));
    on_resize.forget();
}
";
    assert!(leaks(source).is_empty());
}

#[test]
fn should_not_warn_leak_run_once_where_called() {
    let source = "
fn main() {
    let name: &'static str = std::env::var(\"NAME\").ok().map(|name| &*name.leak()).unwrap_or_else(|| Box::leak(Box::new(String::new())));
    std::thread::spawn(move || { let _ = Box::leak(Box::new(name.len())); });
    run(name);
}
";
    assert!(leaks(source).is_empty(), "{:?}", leaks(source));
}

#[test]
fn should_not_warn_forget_of_a_gloo_timer_or_other_forget_methods() {
    let source = "
pub fn schedule(timeout: gloo_timers::callback::Timeout, handle: Handle) {
    timeout.forget();
    handle.forget();
}
";
    assert!(leaks(source).is_empty());
}

#[test]
fn should_not_warn_where_allowed_or_by_default() {
    let source = "
#[leak_audit(allow(leak_per_call), reason = \"one per plugin\")]
pub fn load_plugin(name: String) -> &'static str { Box::leak(name.into_boxed_str()) }
pub fn load_theme(name: String) -> &'static str { Box::leak(name.into_boxed_str()) }
";
    let found = leaks(source);
    assert_eq!(found.len(), 1);
    assert!(found[0].message.contains("`load_theme`"));
    // Off by default.
    assert!(support::findings_of("leak_per_call", source).is_empty());
}
