//! `unbounded_static`: cases that must warn and cases that must not.

mod support;

use support::{findings, findings_of, pointed_text};

fn unbounded(source: &str) -> Vec<leak_audit_engine::Finding> {
    findings_of("unbounded_static", source)
}

#[test]
fn should_warn_ever_growing_global_list() {
    let source = "
use std::sync::Mutex;
static HISTORY: Mutex<Vec<String>> = Mutex::new(Vec::new());
pub fn handle(request: &str) { HISTORY.lock().unwrap().push(request.to_owned()); }
";
    let found = unbounded(source);
    assert_eq!(found.len(), 1);
    assert_eq!(pointed_text(source, &found[0]), "HISTORY");
    assert!(found[0].message.contains("`push` adds to its `Vec` in `handle`"), "{}", found[0].message);
    assert_eq!(found[0].labels.len(), 1);
}

#[test]
fn should_warn_lazy_lock_mutex_map_grown_through_a_guard() {
    let source = "
use std::{collections::HashMap, sync::{LazyLock, Mutex}};
static SESSIONS: LazyLock<Mutex<HashMap<u64, String>>> = LazyLock::new(|| Mutex::new(HashMap::new()));
fn login(id: u64, name: String) {
    let mut sessions = SESSIONS.lock().unwrap();
    sessions.insert(id, name);
}
";
    let found = unbounded(source);
    assert_eq!(found.len(), 1);
    assert!(found[0].message.contains("`insert`"));
}

#[test]
fn should_warn_thread_local_refcell_vec() {
    let source = "
use std::cell::RefCell;
thread_local! {
    static SEEN: RefCell<Vec<u32>> = RefCell::new(Vec::new());
}
fn see(id: u32) { SEEN.with(|seen| seen.borrow_mut().push(id)); }
";
    let found = unbounded(source);
    assert_eq!(found.len(), 1);
    assert_eq!(pointed_text(source, &found[0]), "SEEN");
    assert!(found[0].message.starts_with("thread-local `SEEN`"));
    assert!(found[0].notes[0].contains("as long as its thread"));
}

#[test]
fn should_warn_thread_local_with_borrow_mut_and_const_init() {
    let source = "
use std::cell::RefCell;
thread_local!(static BUF: RefCell<String> = const { RefCell::new(String::new()) });
fn log(line: &str) { BUF.with_borrow_mut(|buf| buf.push_str(line)); }
";
    assert_eq!(unbounded(source).len(), 1);
}

#[test]
fn should_warn_lazy_static_macro() {
    let source = "
lazy_static::lazy_static! {
    pub static ref EVENTS: std::sync::RwLock<std::collections::VecDeque<String>> = Default::default();
}
fn record(event: String) { EVENTS.write().unwrap().push_back(event); }
";
    let found = unbounded(source);
    assert_eq!(found.len(), 1);
    assert!(found[0].message.starts_with("lazy static `EVENTS`"));
}

#[test]
fn should_warn_once_cell_lazy_parking_lot_mutex() {
    let source = "
use once_cell::sync::Lazy;
use parking_lot::Mutex;
static IDS: Lazy<Mutex<std::collections::HashSet<u64>>> = Lazy::new(Default::default);
fn remember(id: u64) { IDS.lock().insert(id); }
";
    assert_eq!(unbounded(source).len(), 1);
}

#[test]
fn should_warn_static_mut_vec() {
    let source = "
static mut HANDLES: Vec<u32> = Vec::new();
unsafe fn open(handle: u32) { HANDLES.push(handle); }
";
    assert_eq!(unbounded(source).len(), 1);
}

#[test]
fn should_warn_dash_map_without_lock() {
    let source = "
use dashmap::DashMap;
static SEEN: std::sync::LazyLock<DashMap<String, u64>> = std::sync::LazyLock::new(DashMap::new);
fn seen(key: String, at: u64) { SEEN.insert(key, at); }
";
    assert_eq!(unbounded(source).len(), 1);
}

#[test]
fn should_warn_static_declared_inside_a_fn() {
    let source = "
fn trace(step: &'static str) {
    static STEPS: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
    STEPS.lock().unwrap().push(step);
}
";
    let found = unbounded(source);
    assert_eq!(found.len(), 1);
    assert_eq!(pointed_text(source, &found[0]), "STEPS");
}

#[test]
fn should_warn_string_grown_with_add_assign_and_write() {
    let source = "
use std::{fmt::Write, sync::Mutex};
static OUT: Mutex<String> = Mutex::new(String::new());
fn emit(line: &str) { *OUT.lock().unwrap() += line; }
fn emitf(n: u32) { let mut out = OUT.lock().unwrap(); write!(out, \"{n}\").unwrap(); }
";
    let found = unbounded(source);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].labels.len(), 2);
}

#[test]
fn should_warn_through_accessor_fn() {
    let source = "
use std::sync::{Mutex, OnceLock};
fn registry() -> &'static Mutex<Vec<String>> {
    static REGISTRY: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    REGISTRY.get_or_init(|| Mutex::new(Vec::new()))
}
pub fn register(name: String) { registry().lock().unwrap().push(name); }
";
    let found = unbounded(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].message.contains("in `register`"));
}

#[test]
fn should_warn_untouched_pub_static_with_note() {
    let source = "
pub static PLUGINS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
";
    let found = unbounded(source);
    assert_eq!(found.len(), 1);
    assert!(found[0].notes.iter().any(|note| note.contains("its growth is elsewhere")));
}

#[test]
fn should_not_warn_when_drained() {
    let source = "
use std::sync::Mutex;
static QUEUE: Mutex<Vec<u32>> = Mutex::new(Vec::new());
fn push(job: u32) { QUEUE.lock().unwrap().push(job); }
fn run() { for job in QUEUE.lock().unwrap().drain(..) { let _ = job; } }
";
    assert!(unbounded(source).is_empty());
}

#[test]
fn should_not_warn_len_guarded_growth() {
    let source = "
use std::sync::Mutex;
const MAX: usize = 100;
static RECENT: Mutex<Vec<String>> = Mutex::new(Vec::new());
fn note(item: String) {
    let mut recent = RECENT.lock().unwrap();
    if recent.len() < MAX { recent.push(item); }
}
";
    assert!(unbounded(source).is_empty());
}

#[test]
fn should_not_warn_ring_buffer_with_pop_front() {
    let source = "
use std::{collections::VecDeque, sync::Mutex};
static LAST: Mutex<VecDeque<u64>> = Mutex::new(VecDeque::new());
fn sample(value: u64) {
    let mut last = LAST.lock().unwrap();
    if last.len() == 64 { last.pop_front(); }
    last.push_back(value);
}
";
    assert!(unbounded(source).is_empty());
}

#[test]
fn should_not_warn_immutable_lazy_table() {
    let source = "
use std::{collections::HashMap, sync::LazyLock};
pub static KEYWORDS: LazyLock<HashMap<&'static str, u32>> = LazyLock::new(|| HashMap::from([(\"fn\", 1)]));
fn lookup(word: &str) -> Option<u32> { KEYWORDS.get(word).copied() }
";
    assert!(unbounded(source).is_empty());
}

#[test]
fn should_not_warn_atomics_and_slices() {
    let source = "
use std::sync::atomic::{AtomicUsize, Ordering};
static COUNT: AtomicUsize = AtomicUsize::new(0);
pub static NAMES: &[&str] = &[\"a\", \"b\"];
fn bump() { COUNT.fetch_add(1, Ordering::Relaxed); }
";
    assert!(findings(source).is_empty());
}

#[test]
fn should_not_warn_when_reset_with_mem_take_or_assignment() {
    let source = "
use std::{cell::RefCell, sync::Mutex};
static BATCH: Mutex<Vec<u32>> = Mutex::new(Vec::new());
thread_local! { static LINES: RefCell<Vec<String>> = RefCell::new(Vec::new()); }
fn add(x: u32) { BATCH.lock().unwrap().push(x); }
fn flush() -> Vec<u32> { std::mem::take(&mut *BATCH.lock().unwrap()) }
fn line(l: String) { LINES.with(|lines| lines.borrow_mut().push(l)); }
fn reset() { LINES.with(|lines| *lines.borrow_mut() = Vec::new()); }
";
    assert!(unbounded(source).is_empty());
}

#[test]
fn should_not_warn_when_handed_to_code_out_of_scope() {
    let source = "
use std::sync::Mutex;
static ITEMS: Mutex<Vec<u32>> = Mutex::new(Vec::new());
fn add(x: u32) { ITEMS.lock().unwrap().push(x); }
fn prune() { external::prune(&mut ITEMS.lock().unwrap()); }
";
    assert!(unbounded(source).is_empty());
}

#[test]
fn should_not_warn_private_untouched_static() {
    let source = "
static SPARE: std::sync::Mutex<Vec<u8>> = std::sync::Mutex::new(Vec::new());
";
    assert!(unbounded(source).is_empty());
}

#[test]
fn should_not_warn_when_allowed() {
    let source = "
#[leak_audit(allow(unbounded_static), reason = \"the process is short-lived\")]
static LOG: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
fn log(line: String) { LOG.lock().unwrap().push(line); }
";
    assert!(unbounded(source).is_empty());
}

#[test]
fn should_not_warn_thread_local_taken_with_replace() {
    let source = "
use std::cell::RefCell;
thread_local! { static PENDING: RefCell<Vec<u32>> = RefCell::new(Vec::new()); }
fn queue(x: u32) { PENDING.with(|p| p.borrow_mut().push(x)); }
fn take_all() -> Vec<u32> { PENDING.with(|p| p.replace(Vec::new())) }
";
    assert!(unbounded(source).is_empty());
}

#[test]
fn should_warn_thread_local_declared_inside_the_fn_that_grows_it() {
    let source = "
fn remember(id: u32) {
    thread_local! {
        static SEEN: std::cell::RefCell<Vec<u32>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    SEEN.with_borrow_mut(|seen| seen.push(id));
}
";
    let found = unbounded(source);
    assert_eq!(found.len(), 1);
    assert_eq!(pointed_text(source, &found[0]), "SEEN");
}

#[test]
fn should_warn_growth_inside_a_closure_on_the_lock_result() {
    let source = "
use std::sync::Mutex;
static EVENTS: Mutex<Vec<String>> = Mutex::new(Vec::new());
fn record(event: &str) { let _ = EVENTS.lock().map(|mut events| events.push(event.to_owned())); }
";
    assert_eq!(unbounded(source).len(), 1);
}

#[test]
fn should_warn_static_mut_reached_through_raw_pointers() {
    let source = "
use std::ptr::addr_of_mut;
static mut LOG: Vec<&'static str> = Vec::new();
static mut IDS: Vec<u32> = Vec::new();
fn log(line: &'static str) { unsafe { (*addr_of_mut!(LOG)).push(line) } }
fn id(id: u32) { unsafe { (*&raw mut IDS).push(id) } }
";
    let found = unbounded(source);
    assert_eq!(found.len(), 2, "{found:#?}");
}

#[test]
fn should_not_warn_maps_keyed_by_a_closed_set() {
    let source = "
use std::{any::TypeId, collections::HashMap, sync::{LazyLock, Mutex}};
static NAMES: LazyLock<Mutex<HashMap<u32, &'static str>>> = LazyLock::new(Default::default);
static BY_TYPE: LazyLock<Mutex<HashMap<TypeId, usize>>> = LazyLock::new(Default::default);
static BY_KIND: LazyLock<Mutex<HashMap<Kind, usize>>> = LazyLock::new(Default::default);
#[derive(PartialEq, Eq, Hash)]
enum Kind { Read, Write }
const LIMIT: u32 = 7;
fn setup() {
    let mut names = NAMES.lock().unwrap();
    names.insert(0, \"zero\");
    names.insert(LIMIT, \"limit\");
}
fn remember<T: 'static>(size: usize) { BY_TYPE.lock().unwrap().insert(TypeId::of::<T>(), size); }
fn count_read() { *BY_KIND.lock().unwrap().entry(Kind::Read).or_insert(0) += 1; }
";
    assert!(unbounded(source).is_empty(), "{:#?}", unbounded(source));
}

#[test]
fn should_warn_when_one_insert_has_an_open_key() {
    let source = "
use std::{collections::HashMap, sync::Mutex};
static SEEN: Mutex<Option<HashMap<String, u32>>> = Mutex::new(None);
fn seed() { SEEN.lock().unwrap().get_or_insert_with(HashMap::new).insert(\"root\".to_string(), 0); }
fn see(name: &str, id: u32) { SEEN.lock().unwrap().get_or_insert_with(HashMap::new).insert(name.to_owned(), id); }
";
    assert_eq!(unbounded(source).len(), 1);
}

#[test]
fn should_not_warn_maps_and_sets_whose_key_type_is_closed() {
    // The key is a parameter, but its type has a few values only.
    let source = "
use std::{collections::{HashMap, HashSet}, sync::Mutex};
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub enum Level { Error, Warn, Info }
static LEVEL_COUNTS: Mutex<Option<HashMap<Level, u64>>> = Mutex::new(None);
static SEEN: Mutex<Option<HashSet<(Level, bool)>>> = Mutex::new(None);
pub fn record(level: Level, fresh: bool) {
    *LEVEL_COUNTS.lock().unwrap().get_or_insert_with(HashMap::new).entry(level).or_insert(0) += 1;
    SEEN.lock().unwrap().get_or_insert_with(HashSet::new).insert((level, fresh));
}
";
    assert!(unbounded(source).is_empty(), "{:#?}", unbounded(source));
}

#[test]
fn should_warn_map_keyed_by_an_enum_that_carries_data() {
    let source = "
use std::{collections::HashMap, sync::Mutex};
#[derive(PartialEq, Eq, Hash)]
pub enum Key { Id(u64), Name(String) }
static BY_KEY: Mutex<Option<HashMap<Key, u64>>> = Mutex::new(None);
pub fn record(key: Key) { BY_KEY.lock().unwrap().get_or_insert_with(HashMap::new).insert(key, 1); }
";
    assert_eq!(unbounded(source).len(), 1, "{:#?}", unbounded(source));
}

#[test]
fn should_warn_collection_in_a_field_of_the_struct_a_static_holds() {
    let source = "
use std::sync::{Mutex, OnceLock};
pub struct MemLogger { pub lines: Mutex<Vec<String>>, pub level: u8 }
static LOGGER: OnceLock<MemLogger> = OnceLock::new();
pub fn log(s: &str) {
    LOGGER.get_or_init(|| MemLogger { lines: Mutex::new(Vec::new()), level: 0 }).lines.lock().unwrap().push(s.to_owned());
}
";
    let found = unbounded(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(pointed_text(source, &found[0]), "LOGGER");
    assert!(found[0].message.contains("`push` adds to `MemLogger.lines` (a `Vec`) in `log`"), "{}", found[0].message);
}

#[test]
fn should_warn_registry_struct_grown_by_its_own_methods() {
    let source = "
use std::{collections::HashMap, sync::{LazyLock, Mutex}};
pub struct Registry { names: HashMap<u64, String>, next: u64 }
impl Registry {
    fn add(&mut self, name: String) -> u64 { self.next += 1; self.names.insert(self.next, name); self.next }
}
static REGISTRY: LazyLock<Mutex<Registry>> = LazyLock::new(|| Mutex::new(Registry { names: HashMap::new(), next: 0 }));
pub fn register(name: &str) -> u64 { REGISTRY.lock().unwrap().add(name.to_owned()) }
";
    let found = unbounded(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].message.contains("`Registry.names`"), "{}", found[0].message);
}

#[test]
fn should_not_warn_struct_in_a_static_whose_field_is_drained_or_immutable() {
    let source = "
use std::sync::{LazyLock, Mutex, OnceLock};
pub struct Queue { items: Mutex<Vec<u32>> }
impl Queue {
    fn push(&self, x: u32) { self.items.lock().unwrap().push(x); }
    fn take_all(&self) -> Vec<u32> { std::mem::take(&mut *self.items.lock().unwrap()) }
}
static QUEUE: OnceLock<Queue> = OnceLock::new();
pub fn send(x: u32) { QUEUE.get().unwrap().push(x) }
pub fn receive() -> Vec<u32> { QUEUE.get().unwrap().take_all() }

// Filled once, before it is stored, and never changed after.
pub struct Config { names: Vec<String> }
static CONFIG: LazyLock<Config> = LazyLock::new(|| {
    let mut config = Config { names: Vec::new() };
    config.names.push(String::from(\"default\"));
    config
});
pub fn names() -> &'static [String] { &CONFIG.names }
";
    assert!(unbounded(source).is_empty(), "{:#?}", unbounded(source));
}

#[test]
fn should_warn_when_the_only_clear_is_in_test_code() {
    let source = "
use std::sync::Mutex;
static EVENTS: Mutex<Vec<String>> = Mutex::new(Vec::new());
pub fn record(event: &str) { EVENTS.lock().unwrap().push(event.to_owned()); }
#[cfg(test)]
fn reset() { EVENTS.lock().unwrap().clear(); }
#[cfg(test)]
mod tests {
    #[test]
    fn records() { super::record(\"a\"); super::EVENTS.lock().unwrap().clear(); }
}
";
    let found = unbounded(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(pointed_text(source, &found[0]), "EVENTS");
}

#[test]
fn should_not_warn_when_a_clear_is_compiled_outside_tests_too() {
    let source = "
use std::sync::Mutex;
static EVENTS: Mutex<Vec<String>> = Mutex::new(Vec::new());
pub fn record(event: &str) { EVENTS.lock().unwrap().push(event.to_owned()); }
#[cfg(any(test, feature = \"reset\"))]
pub fn reset() { EVENTS.lock().unwrap().clear(); }
";
    assert!(unbounded(source).is_empty(), "{:#?}", unbounded(source));
}

#[test]
fn should_warn_closed_keys_whose_values_grow() {
    let source = "
use std::{collections::HashMap, sync::{LazyLock, Mutex}};
#[derive(PartialEq, Eq, Hash)]
pub enum Chan { Stdout, Stderr }
static CAPTURED: LazyLock<Mutex<HashMap<Chan, Vec<String>>>> = LazyLock::new(Default::default);
pub fn out(line: &str) { CAPTURED.lock().unwrap().entry(Chan::Stdout).or_default().push(line.to_owned()); }
static BY_LEVEL: LazyLock<Mutex<HashMap<&'static str, Vec<String>>>> = LazyLock::new(Default::default);
pub fn warn(line: &str) { BY_LEVEL.lock().unwrap().entry(\"warn\").or_default().push(line.to_owned()); }
";
    let found = unbounded(source);
    assert_eq!(found.len(), 2, "{found:#?}");
}

#[test]
fn should_not_warn_closed_keys_whose_values_are_reached_mutably_elsewhere() {
    // `get_mut`, `values_mut` and `iter_mut` hand the values to code the
    // analysis does not follow (`if let Some(v) = .. { v.clear() }`).
    let source = "
use std::{collections::HashMap, sync::{LazyLock, Mutex}};
#[derive(Hash, PartialEq, Eq, Clone, Copy)] pub enum P { Hi, Lo }
static Q1: LazyLock<Mutex<HashMap<P, Vec<u32>>>> = LazyLock::new(|| Mutex::new(HashMap::new()));
pub fn enq1(p: P, x: u32) { Q1.lock().unwrap().entry(p).or_default().push(x); }
pub fn flush1(p: P) { if let Some(v) = Q1.lock().unwrap().get_mut(&p) { v.clear(); } }
static Q2: LazyLock<Mutex<HashMap<P, Vec<u32>>>> = LazyLock::new(|| Mutex::new(HashMap::new()));
pub fn enq2(p: P, x: u32) { Q2.lock().unwrap().entry(p).or_default().push(x); }
pub fn flush2() { for v in Q2.lock().unwrap().values_mut() { v.clear(); } }
";
    assert!(unbounded(source).is_empty(), "{:#?}", unbounded(source));
}

#[test]
fn should_not_warn_closed_keys_whose_values_are_emptied() {
    let source = "
use std::{collections::HashMap, sync::{LazyLock, Mutex}};
#[derive(PartialEq, Eq, Hash)]
pub enum Chan { Stdout, Stderr }
static CAPTURED: LazyLock<Mutex<HashMap<Chan, Vec<String>>>> = LazyLock::new(Default::default);
pub fn out(line: &str) { CAPTURED.lock().unwrap().entry(Chan::Stdout).or_default().push(line.to_owned()); }
pub fn flush() { CAPTURED.lock().unwrap().get_mut(&Chan::Stdout).unwrap().clear(); }
";
    assert!(unbounded(source).is_empty(), "{:#?}", unbounded(source));
}

#[test]
fn should_not_warn_map_keyed_by_a_type_id_parameter() {
    let source = "
use std::{any::TypeId, collections::HashMap, sync::Mutex};
static COUNTS: Mutex<Option<HashMap<TypeId, usize>>> = Mutex::new(None);
pub fn inc<T: 'static>() { do_inc(TypeId::of::<T>()) }
fn do_inc(key: TypeId) { COUNTS.lock().unwrap().get_or_insert_with(HashMap::new).insert(key, 1); }
";
    assert!(unbounded(source).is_empty(), "{:#?}", unbounded(source));
}

#[test]
fn should_see_a_shrink_through_a_closure_on_the_lock_result() {
    let source = "
use std::{collections::VecDeque, sync::Mutex};
static FREE: Mutex<VecDeque<usize>> = Mutex::new(VecDeque::new());
pub fn take_id() -> Option<usize> { FREE.lock().ok().and_then(|mut free| free.pop_front()) }
pub fn give_id(id: usize) { FREE.lock().unwrap().push_back(id); }
";
    assert!(unbounded(source).is_empty(), "{:#?}", unbounded(source));
}

#[test]
fn should_warn_growth_after_a_question_mark_on_the_lock_result() {
    let source = "
use std::{collections::HashMap, sync::{LazyLock, RwLock}};
static DATA: LazyLock<RwLock<HashMap<String, u64>>> = LazyLock::new(|| RwLock::new(HashMap::new()));
pub fn record(key: &str) -> Result<(), ()> { DATA.write().map_err(|_| ())?.insert(key.to_owned(), 1); Ok(()) }
";
    assert_eq!(unbounded(source).len(), 1, "{:#?}", unbounded(source));
}

#[test]
fn should_not_take_a_user_types_insert_for_growth_of_the_map_holding_it() {
    let source = "
use std::{collections::HashMap, sync::{LazyLock, RwLock}};
#[derive(Clone, Copy)]
pub enum Style { Normal, Bold }
pub struct StyleMap { map: HashMap<&'static str, u32> }
impl StyleMap {
    fn new() -> Self { Self { map: HashMap::new() } }
    fn insert(&mut self, _style: Style, v: u32) { self.map.insert(\"n\", v); }
}
static FONTS: LazyLock<RwLock<HashMap<&'static str, StyleMap>>> = LazyLock::new(|| RwLock::new(HashMap::new()));
pub fn register(style: Style, v: u32) { FONTS.write().unwrap().entry(\"default\").or_insert_with(StyleMap::new).insert(style, v); }
";
    assert!(unbounded(source).is_empty(), "{:#?}", unbounded(source));
}

#[test]
fn should_not_warn_growth_that_runs_once_per_process() {
    let source = "
use std::sync::{LazyLock, Mutex, Once};
static CODECS: Mutex<Vec<String>> = Mutex::new(Vec::new());
static INIT: Once = Once::new();
pub fn init(names: &[&str]) {
    INIT.call_once(|| {
        for name in names {
            CODECS.lock().unwrap().push((*name).to_owned());
        }
    });
}
static ARGS: Mutex<Vec<String>> = Mutex::new(Vec::new());
fn main() {
    for arg in std::env::args() {
        ARGS.lock().unwrap().push(arg);
    }
}
static DEFAULTS: LazyLock<Mutex<Vec<u32>>> = LazyLock::new(|| Mutex::new(Vec::new()));
static SEEDED: LazyLock<u32> = LazyLock::new(|| { DEFAULTS.lock().unwrap().push(1); 1 });
";
    assert!(unbounded(source).is_empty(), "{:#?}", unbounded(source));
}

#[test]
fn should_warn_growth_in_a_fn_called_many_times_even_near_a_once() {
    let source = "
use std::sync::{Mutex, Once};
static EVENTS: Mutex<Vec<String>> = Mutex::new(Vec::new());
static INIT: Once = Once::new();
pub fn record(event: &str) {
    INIT.call_once(|| {});
    EVENTS.lock().unwrap().push(event.to_owned());
}
";
    assert_eq!(unbounded(source).len(), 1, "{:#?}", unbounded(source));
}

#[test]
fn should_warn_growth_in_loops_and_spawned_threads_of_run_once_code() {
    let source = "
use std::io::BufRead;
use std::sync::{Mutex, Once, OnceLock};
static HISTORY: Mutex<Vec<String>> = Mutex::new(Vec::new());
static WORDS: Mutex<Vec<String>> = Mutex::new(Vec::new());
static SAMPLES: Mutex<Vec<u64>> = Mutex::new(Vec::new());
static TICKS: Mutex<Vec<u64>> = Mutex::new(Vec::new());
static STARTED: OnceLock<()> = OnceLock::new();
static INIT: Once = Once::new();
fn main() {
    loop {
        let line = String::new();
        HISTORY.lock().unwrap().push(line);
    }
}
pub fn read_all() {}
pub fn start() {
    STARTED.get_or_init(|| { std::thread::spawn(|| loop { SAMPLES.lock().unwrap().push(1); }); });
    INIT.call_once(|| { std::thread::spawn(|| loop { TICKS.lock().unwrap().push(0); }); });
}
";
    let mut names: Vec<String> = unbounded(source).iter().map(|found| pointed_text(source, found)).collect();
    names.sort();
    assert_eq!(names, ["HISTORY", "SAMPLES", "TICKS"], "{:#?}", unbounded(source));
}

#[test]
fn should_warn_a_loop_over_a_reader_in_main() {
    let source = "
use std::io::BufRead;
use std::sync::Mutex;
static WORDS: Mutex<Vec<String>> = Mutex::new(Vec::new());
fn main() {
    for line in std::io::stdin().lock().lines() {
        WORDS.lock().unwrap().push(line.unwrap());
    }
}
";
    assert_eq!(unbounded(source).len(), 1, "{:#?}", unbounded(source));
}

// === a static that only grows is reported by exactly one of the two lints ===

#[test]
fn should_warn_thread_local_filled_on_every_miss_by_exactly_one_lint() {
    // The hit is rebuilt into another value: still a memo.
    let memo = "
use std::{cell::RefCell, collections::HashMap};
thread_local! { static SHAPES: RefCell<HashMap<String, Vec<u32>>> = RefCell::new(HashMap::new()); }
pub fn width(text: &str) -> u32 {
    if let Some(shape) = SHAPES.with(|s| s.borrow().get(text).cloned()) {
        return shape.iter().sum();
    }
    let shape: Vec<u32> = text.chars().map(|c| c as u32).collect();
    let width = shape.iter().sum();
    SHAPES.with(|s| s.borrow_mut().insert(text.to_owned(), shape));
    width
}
";
    let all = findings(memo);
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0].lint.name, "cache_without_eviction");
    // Not a memo (what it stores is given), but it only grows.
    let store = "
use std::{cell::RefCell, collections::HashMap};
thread_local! { static LAST: RefCell<HashMap<String, u64>> = RefCell::new(HashMap::new()); }
pub fn seen(name: &str, at: u64) -> u64 {
    let before = LAST.with(|l| l.borrow().get(name).copied()).unwrap_or(at);
    LAST.with(|l| l.borrow_mut().insert(name.to_owned(), at));
    before
}
";
    let all = findings(store);
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0].lint.name, "unbounded_static");
}

#[test]
fn should_not_warn_static_memo_bounded_by_either_lint() {
    let source = "
use std::{collections::HashMap, sync::Mutex};
static MEMO: Mutex<Option<HashMap<u64, u64>>> = Mutex::new(None);
pub fn square(n: u64) -> u64 {
    let mut guard = MEMO.lock().unwrap();
    let table = guard.get_or_insert_with(HashMap::new);
    if let Some(v) = table.get(&n) { return *v; }
    if table.len() < 100 { table.insert(n, n * n); }
    n * n
}
";
    assert!(findings(source).is_empty(), "{:#?}", findings(source));
}

// === growth through other spellings ===

#[test]
fn should_warn_bytes_and_text_written_through_io_and_fmt_write() {
    let source = "
use std::{io::Write, sync::Mutex};
static LOG: Mutex<Vec<u8>> = Mutex::new(Vec::new());
static TEXT: Mutex<String> = Mutex::new(String::new());
pub fn log(line: &[u8]) { LOG.lock().unwrap().write_all(line).unwrap(); }
pub fn note(line: &str) {
    use std::fmt::Write;
    TEXT.lock().unwrap().write_str(line).unwrap();
}
";
    let found = unbounded(source);
    assert_eq!(found.len(), 2, "{found:#?}");
}

/// A writer that holds a reference to the static it appends to; `{}` is
/// where more methods go.
const WRITER: &str = "
use std::{io::Write, sync::Mutex};
static SINK: Mutex<Vec<u8>> = Mutex::new(Vec::new());
pub struct Writer { buf: &'static Mutex<Vec<u8>> }
impl Writer {
    pub fn new() -> Self { Writer { buf: &SINK } }
    pub fn line(&self, text: &str) { self.buf.lock().unwrap().extend_from_slice(text.as_bytes()); }
    {}
}
";

#[test]
fn should_warn_growth_through_a_struct_holding_a_reference_to_the_static() {
    let source = WRITER.replace("{}", "");
    let found = unbounded(&source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].message.contains("`SINK`"), "{found:#?}");
}

#[test]
fn should_not_warn_struct_holding_a_reference_to_a_static_it_drains() {
    let source =
        WRITER.replace("{}", "pub fn flush(&self) -> Vec<u8> { std::mem::take(&mut *self.buf.lock().unwrap()) }");
    assert!(unbounded(&source).is_empty(), "{:#?}", unbounded(&source));
}

#[test]
fn should_warn_growth_through_an_accessor_returning_the_guard_and_a_fn_local_once_lock() {
    let source = "
use std::sync::{Mutex, MutexGuard, OnceLock};
static EVENTS: Mutex<Vec<String>> = Mutex::new(Vec::new());
fn events() -> MutexGuard<'static, Vec<String>> { EVENTS.lock().unwrap() }
pub fn record(event: &str) { events().push(event.to_owned()); }
pub fn remember(line: &str) {
    static LINES: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    LINES.get_or_init(|| Mutex::new(Vec::new())).lock().unwrap().push(line.to_owned());
}
";
    let found = unbounded(source);
    assert_eq!(found.len(), 2, "{found:#?}");
}

#[test]
fn should_warn_interner_that_leaks_each_new_value_into_a_static_set() {
    let source = "
use std::{collections::HashSet, sync::Mutex};
static NAMES: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
pub fn intern(name: &str) -> &'static str {
    let mut guard = NAMES.lock().unwrap();
    let set = guard.get_or_insert_with(HashSet::new);
    if let Some(&known) = set.get(name) { return known; }
    let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
    set.insert(leaked);
    leaked
}
";
    let found = unbounded(source);
    assert_eq!(found.len(), 1, "{found:#?}");
}

// === growth once per item of the program ===

#[test]
fn should_not_warn_registry_of_static_items_and_load_time_constructors() {
    let source = "
use std::sync::Mutex;
pub trait Callsite: Sync {}
static CALLSITES: Mutex<Vec<&'static dyn Callsite>> = Mutex::new(Vec::new());
pub fn register(callsite: &'static dyn Callsite) { CALLSITES.lock().unwrap().push(callsite); }
static PLUGINS: Mutex<Vec<String>> = Mutex::new(Vec::new());
#[ctor::ctor]
fn load_plugins() { PLUGINS.lock().unwrap().push(String::from(\"builtin\")); }
";
    assert!(unbounded(source).is_empty(), "{:#?}", unbounded(source));
}

#[test]
fn should_warn_registry_of_static_strings_that_may_be_leaked_at_run_time() {
    let source = "
use std::sync::Mutex;
static NAMES: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
pub fn register(name: &'static str) { NAMES.lock().unwrap().push(name); }
";
    assert_eq!(unbounded(source).len(), 1, "{:#?}", unbounded(source));
}

// === keys from a closed set ===

#[test]
fn should_not_warn_static_keyed_by_call_sites_and_literal_arguments() {
    let source = "
use std::{collections::HashMap, sync::Mutex, panic::Location};
static HITS: Mutex<Option<HashMap<(&'static str, u32), u64>>> = Mutex::new(None);
static WARNED: Mutex<Option<HashMap<&'static Location<'static>, bool>>> = Mutex::new(None);
pub fn hit() { HITS.lock().unwrap().get_or_insert_with(HashMap::new).insert((file!(), line!()), 1); }
#[track_caller]
pub fn warn_once() { WARNED.lock().unwrap().get_or_insert_with(HashMap::new).insert(Location::caller(), true); }
static COUNTERS: Mutex<Option<HashMap<&'static str, u64>>> = Mutex::new(None);
fn count(name: &'static str, n: u64) { COUNTERS.lock().unwrap().get_or_insert_with(HashMap::new).insert(name, n); }
pub fn reads(n: u64) { count(\"reads\", n); }
pub fn writes(n: u64) { count(\"writes\", n); }
";
    assert!(unbounded(source).is_empty(), "{:#?}", unbounded(source));
}

#[test]
fn should_warn_static_keyed_by_a_parameter_of_a_public_fn() {
    // Callers outside the crate can pass any string, or a string leaked at
    // run time when the parameter is `&'static str` and a caller in scope
    // does so.
    let source = "
use std::{collections::HashMap, sync::Mutex};
static COUNTERS: Mutex<Option<HashMap<String, u64>>> = Mutex::new(None);
pub fn count(name: &str, n: u64) { COUNTERS.lock().unwrap().get_or_insert_with(HashMap::new).insert(name.to_owned(), n); }
pub fn reads(n: u64) { count(\"reads\", n); }
static NAMED: Mutex<Option<HashMap<&'static str, u64>>> = Mutex::new(None);
pub fn named(name: &'static str, n: u64) { NAMED.lock().unwrap().get_or_insert_with(HashMap::new).insert(name, n); }
pub fn user(name: String, n: u64) { named(Box::leak(name.into_boxed_str()), n); }
";
    assert_eq!(unbounded(source).len(), 2, "{:#?}", unbounded(source));
}

#[test]
fn should_not_warn_untouched_pub_static_in_a_private_module() {
    let source = "
mod registry {
    pub static HOOKS: std::sync::Mutex<Vec<fn()>> = std::sync::Mutex::new(Vec::new());
}
pub(crate) mod inner {
    pub mod deeper { pub static NAMES: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new()); }
}
";
    assert!(unbounded(source).is_empty(), "{:#?}", unbounded(source));
    let public = "
pub mod registry {
    pub static HOOKS: std::sync::Mutex<Vec<fn()>> = std::sync::Mutex::new(Vec::new());
}
";
    assert_eq!(unbounded(public).len(), 1, "{:#?}", unbounded(public));
}

#[test]
fn should_not_warn_statics_of_test_only_features() {
    let source = "
use std::sync::Mutex;
#[cfg(feature = \"test-utils\")]
pub static CALLS: Mutex<Vec<String>> = Mutex::new(Vec::new());
#[cfg(all(test, unix))]
static SEEN: Mutex<Vec<u32>> = Mutex::new(Vec::new());
#[cfg(any(test, feature = \"testing\"))]
pub fn record(call: &str) { CALLS.lock().unwrap().push(call.to_owned()); }
";
    assert!(unbounded(source).is_empty(), "{:#?}", unbounded(source));
}

#[test]
fn should_not_warn_registration_once_per_fn_or_type_of_the_program() {
    let source = "
use std::{any::TypeId, sync::Mutex};
static HOOKS: Mutex<Vec<fn(&str)>> = Mutex::new(Vec::new());
pub fn on_panic(hook: fn(&str)) { HOOKS.lock().unwrap().push(hook); }
static TYPES: Mutex<Vec<(TypeId, &'static str)>> = Mutex::new(Vec::new());
pub fn register<T: 'static>() { TYPES.lock().unwrap().push((TypeId::of::<T>(), std::any::type_name::<T>())); }
";
    assert!(unbounded(source).is_empty(), "{:#?}", unbounded(source));
}

#[test]
fn should_warn_registration_of_values_made_at_run_time() {
    let source = "
use std::sync::Mutex;
static HOOKS: Mutex<Vec<Box<dyn Fn(&str) + Send>>> = Mutex::new(Vec::new());
pub fn on_panic(hook: Box<dyn Fn(&str) + Send>) { HOOKS.lock().unwrap().push(hook); }
";
    assert_eq!(unbounded(source).len(), 1, "{:#?}", unbounded(source));
}

#[test]
fn should_not_warn_registration_of_named_exported_fns() {
    let source = "
use std::sync::Mutex;
static EXPORTS: Mutex<Vec<(&'static str, fn(i32) -> i32)>> = Mutex::new(Vec::new());
pub fn export(name: &'static str, f: fn(i32) -> i32) { EXPORTS.lock().unwrap().push((name, f)); }
";
    assert!(unbounded(source).is_empty(), "{:#?}", unbounded(source));
    let closures = "
use std::sync::Mutex;
static EXPORTS: Mutex<Vec<(&'static str, Box<dyn Fn(i32) -> i32 + Send>)>> = Mutex::new(Vec::new());
pub fn export(name: &'static str, f: Box<dyn Fn(i32) -> i32 + Send>) { EXPORTS.lock().unwrap().push((name, f)); }
";
    assert_eq!(unbounded(closures).len(), 1, "{:#?}", unbounded(closures));
}

// === emptied only at shutdown ===

const SHUTDOWN: &str = "
use std::sync::Mutex;
static SENDERS: Mutex<Vec<std::sync::mpsc::Sender<()>>> = Mutex::new(Vec::new());
pub fn spawn_component() -> std::sync::mpsc::Receiver<()> {
    let (tx, rx) = std::sync::mpsc::channel();
    SENDERS.lock().unwrap().push(tx);
    rx
}
pub(crate) fn shutdown_all() {
    for sender in SENDERS.lock().unwrap().drain(..) {
        let _ = sender.send(());
    }
}
";

#[test]
fn should_warn_static_emptied_only_when_the_program_shuts_down() {
    let found = findings_of("unbounded_static", SHUTDOWN);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0]
            .notes
            .iter()
            .any(|note| note.contains("`drain` in `shutdown_all` empties it only when the program shuts down")),
        "{:#?}",
        found[0].notes
    );
}

#[test]
fn should_not_warn_static_emptied_by_a_fn_that_runs_while_the_program_does() {
    let source = SHUTDOWN.replace("fn shutdown_all", "fn notify_all");
    assert!(findings_of("unbounded_static", &source).is_empty());
}

#[test]
fn should_not_warn_static_whose_shutdown_fn_removes_one_entry() {
    // A keyed removal in a `shutdown` method is that component's own eviction.
    let source = SHUTDOWN.replace(
        "    for sender in SENDERS.lock().unwrap().drain(..) {\n        let _ = sender.send(());\n    }",
        "    SENDERS.lock().unwrap().pop();",
    );
    assert!(findings_of("unbounded_static", &source).is_empty(), "{:#?}", findings_of("unbounded_static", &source));
}

#[test]
fn should_not_warn_anything_in_a_test_target() {
    // A file of `tests/` or `benches/` runs for one test run: no lint reports it.
    let source = "
use std::{cell::RefCell, collections::HashMap, rc::Rc, sync::Mutex};
static LOG: Mutex<Vec<String>> = Mutex::new(Vec::new());
pub fn record(line: &str) { LOG.lock().unwrap().push(line.to_owned()); }
pub struct Memo { table: HashMap<u64, u64> }
impl Memo {
    pub fn get(&mut self, n: u64) -> u64 {
        if let Some(hit) = self.table.get(&n) { return *hit; }
        self.table.insert(n, n * 2);
        n * 2
    }
}
pub struct Node { next: RefCell<Option<Rc<Node>>> }
pub fn serve(lines: Vec<String>) { for line in lines { let _: &'static str = Box::leak(line.into_boxed_str()); } }
";
    let file = syn::parse_file(source).unwrap();
    let sources = [leak_audit_engine::Source::new(leak_audit_engine::FileId(0), &file.items)];
    let mut config = leak_audit_engine::Config::default();
    for lint in leak_audit_engine::LINTS {
        config.levels.insert(lint.name, leak_audit_engine::Level::Warn);
    }
    let product = leak_audit_engine::analyze(&sources, &config);
    let names: Vec<&str> = product.findings.iter().map(|finding| finding.lint.name).collect();
    assert_eq!(names.len(), 4, "{names:?}");
    config.test_code = true;
    let test = leak_audit_engine::analyze(&sources, &config);
    assert!(test.findings.is_empty(), "{:#?}", test.findings);
    assert!(!test.graph.nodes.is_empty());
}

const REGISTRY_THROUGH_A_HANDLE: &str = "
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
#[derive(Default)]
struct Registry { styles: HashMap<String, String> }
static REGISTRY: LazyLock<Arc<Mutex<Registry>>> = LazyLock::new(Default::default);
pub fn register(name: String, css: String) {
    let handle = Arc::clone(&REGISTRY);
    let mut registry = match handle.lock() {
        Ok(guard) => guard,
        Err(poisoned) => poisoned.into_inner(),
    };
    (*registry).styles.insert(name, css);
}
";

#[test]
fn should_warn_static_grown_through_a_pointer_clone_and_a_poison_tolerant_lock() {
    let found = findings_of("unbounded_static", REGISTRY_THROUGH_A_HANDLE);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].message.contains("`Registry.styles`"), "{}", found[0].message);
}

#[test]
fn should_not_warn_static_shrunk_through_a_pointer_clone_and_a_poison_tolerant_lock() {
    let source = format!(
        "{REGISTRY_THROUGH_A_HANDLE}
pub fn unregister(name: &str) {{
    let handle = Arc::clone(&REGISTRY);
    let mut registry = match handle.lock() {{ Ok(guard) => guard, Err(poisoned) => poisoned.into_inner() }};
    registry.styles.remove(name);
}}
"
    );
    assert!(findings_of("unbounded_static", &source).is_empty(), "{:#?}", findings_of("unbounded_static", &source));
}

const EMITTER_IN_A_STATIC: &str = "
use std::sync::{LazyLock, Mutex};
pub struct Emitter { listeners: Vec<Box<dyn Fn() + Send>> }
impl Emitter {
    pub fn on(&mut self, f: impl Fn() + Send + 'static) { self.listeners.push(Box::new(f)); }
}
static GLOBAL: LazyLock<Mutex<Emitter>> = LazyLock::new(|| Mutex::new(Emitter { listeners: Vec::new() }));
#[test]
fn global_emitter() { GLOBAL.lock().unwrap().on(|| ()); }
";

#[test]
fn should_not_warn_private_static_that_only_tests_name() {
    let found = findings_of("unbounded_static", EMITTER_IN_A_STATIC);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn should_warn_private_static_whose_struct_grows_when_product_code_names_it() {
    let source = format!("{EMITTER_IN_A_STATIC}\npub fn subscribe(f: fn()) {{ GLOBAL.lock().unwrap().on(f); }}\n");
    let found = findings_of("unbounded_static", &source);
    assert_eq!(found.len(), 1, "{found:#?}");
}
