//! `cache_without_eviction`: cases that must warn and cases that must not.

mod support;

use support::{findings, findings_of, pointed_text};

fn caches(source: &str) -> Vec<leak_audit_engine::Finding> {
    findings_of("cache_without_eviction", source)
}

#[test]
fn should_warn_calculator_add_cache_field() {
    let source = "
use std::collections::HashMap;
pub struct Calculator { cache: HashMap<(i64, i64), i64> }
impl Calculator {
    pub fn add(&mut self, a: i64, b: i64) -> i64 {
        if let Some(sum) = self.cache.get(&(a, b)) { return *sum; }
        let sum = a + b;
        self.cache.insert((a, b), sum);
        sum
    }
}
";
    let found = caches(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(pointed_text(source, &found[0]), "cache");
    assert!(found[0].message.contains("`Calculator.cache` is a memo table that is never evicted: `add` fills"));
}

#[test]
fn should_warn_entry_or_insert_with() {
    let source = "
use std::collections::HashMap;
struct Resolver { memo: HashMap<String, String> }
impl Resolver {
    fn resolve(&mut self, name: &str) -> &String {
        self.memo.entry(name.to_owned()).or_insert_with(|| name.to_uppercase())
    }
}
";
    assert_eq!(caches(source).len(), 1);
}

#[test]
fn should_warn_contains_key_then_insert_in_refcell() {
    let source = "
use std::{cell::RefCell, collections::BTreeMap};
struct Parser { seen: RefCell<BTreeMap<u32, String>> }
impl Parser {
    fn name(&self, id: u32) -> String {
        if !self.seen.borrow().contains_key(&id) {
            self.seen.borrow_mut().insert(id, id.to_string());
        }
        self.seen.borrow()[&id].clone()
    }
}
";
    assert_eq!(caches(source).len(), 1);
}

#[test]
fn should_warn_fn_local_static_memo_and_not_unbounded_static() {
    let source = "
use std::{collections::HashMap, sync::{LazyLock, Mutex}};
fn fib(n: u64) -> u64 {
    static MEMO: LazyLock<Mutex<HashMap<u64, u64>>> = LazyLock::new(|| Mutex::new(HashMap::new()));
    if let Some(v) = MEMO.lock().unwrap().get(&n) { return *v; }
    let r = if n < 2 { n } else { fib(n - 1) + fib(n - 2) };
    MEMO.lock().unwrap().insert(n, r);
    r
}
";
    let all = findings(source);
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_eq!(all[0].lint.name, "cache_without_eviction");
    assert_eq!(pointed_text(source, &all[0]), "MEMO");
}

#[test]
fn should_warn_thread_local_memo() {
    let source = "
use std::{cell::RefCell, collections::HashMap};
thread_local! { static WIDTHS: RefCell<HashMap<String, usize>> = RefCell::new(HashMap::new()); }
fn width(text: &str) -> usize {
    WIDTHS.with(|w| *w.borrow_mut().entry(text.to_owned()).or_insert_with(|| text.chars().count()))
}
";
    let found = caches(source);
    assert_eq!(found.len(), 1);
    assert!(findings_of("unbounded_static", source).is_empty());
}

#[test]
fn should_warn_mutex_field_in_arc() {
    let source = "
use std::{collections::HashMap, sync::{Arc, Mutex}};
struct Client { responses: Arc<Mutex<HashMap<String, Vec<u8>>>> }
impl Client {
    fn fetch(&self, url: &str) -> Vec<u8> {
        let mut responses = self.responses.lock().unwrap();
        if let Some(body) = responses.get(url) { return body.clone(); }
        let body = url.as_bytes().to_vec();
        responses.insert(url.to_owned(), body.clone());
        body
    }
}
";
    assert_eq!(caches(source).len(), 1);
}

#[test]
fn should_warn_unbounded_cached_attribute() {
    let source = "
#[cached::proc_macro::cached]
fn slow(n: u64) -> u64 { n * 2 }
#[memoize::memoize]
fn slower(n: u64) -> u64 { n * 3 }
";
    let found = caches(source);
    assert_eq!(found.len(), 2);
    assert!(found[0].help.as_ref().unwrap().contains("size = 1000"));
}

#[test]
fn should_warn_fx_hash_map_with_or_default() {
    let source = "
use rustc_hash::FxHashMap;
struct Interner { ids: FxHashMap<String, u32> }
impl Interner {
    fn intern(&mut self, s: &str) -> u32 { *self.ids.entry(s.to_owned()).or_default() }
}
";
    assert_eq!(caches(source).len(), 1);
}

#[test]
fn should_warn_unbound_cache_type() {
    let source = "
use cached::{Cached, UnboundCache};
struct Memo { table: UnboundCache<u64, u64> }
impl Memo {
    fn get(&mut self, n: u64) -> u64 {
        if let Some(v) = self.table.cache_get(&n) { return *v; }
        self.table.cache_set(n, n * n);
        n * n
    }
}
";
    assert_eq!(caches(source).len(), 1);
}

#[test]
fn should_warn_static_memo_through_alias_type() {
    let source = "
use std::{collections::HashMap, sync::Mutex};
type Table = Mutex<HashMap<String, usize>>;
static LENGTHS: std::sync::LazyLock<Table> = std::sync::LazyLock::new(Default::default);
fn length(s: &str) -> usize {
    let mut table = LENGTHS.lock().unwrap();
    *table.entry(s.to_owned()).or_insert(s.len())
}
";
    assert_eq!(caches(source).len(), 1);
}

#[test]
fn should_not_warn_bounded_by_len_check_and_clear() {
    let source = "
use std::collections::HashMap;
const MAX: usize = 10_000;
pub struct Calculator { cache: HashMap<(i64, i64), i64> }
impl Calculator {
    pub fn add(&mut self, a: i64, b: i64) -> i64 {
        if self.cache.len() >= MAX { self.cache.clear(); }
        *self.cache.entry((a, b)).or_insert_with(|| a + b)
    }
}
";
    assert!(caches(source).is_empty());
}

#[test]
fn should_not_warn_lru_cache() {
    let source = "
use lru::LruCache;
struct Calculator { cache: LruCache<(i64, i64), i64> }
impl Calculator {
    fn add(&mut self, a: i64, b: i64) -> i64 {
        if let Some(v) = self.cache.get(&(a, b)) { return *v; }
        self.cache.put((a, b), a + b);
        a + b
    }
}
";
    assert!(findings(source).is_empty());
}

#[test]
fn should_not_warn_moka_or_quick_cache_in_static() {
    let source = "
static USERS: std::sync::LazyLock<moka::sync::Cache<u64, String>> = std::sync::LazyLock::new(|| moka::sync::Cache::new(10_000));
fn user(id: u64) -> String { USERS.get_with(id, || id.to_string()) }
";
    assert!(findings(source).is_empty());
}

#[test]
fn should_not_warn_bounded_cached_and_memoize_attributes() {
    let source = "
#[cached(size = 100)]
fn a(n: u64) -> u64 { n }
#[cached(time = 60, result = true)]
fn b(n: u64) -> Result<u64, ()> { Ok(n) }
#[memoize(Capacity: 123)]
fn c(n: u64) -> u64 { n }
#[cached(ty = \"SizedCache<u64, u64>\", create = \"{ SizedCache::with_size(10) }\")]
fn d(n: u64) -> u64 { n }
";
    assert!(caches(source).is_empty());
}

#[test]
fn should_not_warn_when_entries_are_removed_elsewhere() {
    let source = "
use std::collections::HashMap;
struct Sessions { by_id: HashMap<u64, String> }
impl Sessions {
    fn get_or_create(&mut self, id: u64) -> &String { self.by_id.entry(id).or_insert_with(String::new) }
    fn logout(&mut self, id: u64) { self.by_id.remove(&id); }
}
";
    assert!(caches(source).is_empty());
}

#[test]
fn should_not_warn_map_filled_without_lookup() {
    let source = "
use std::collections::HashMap;
struct Index { words: HashMap<String, usize> }
impl Index {
    fn build(lines: &[String]) -> Self {
        let mut words = HashMap::new();
        for (i, line) in lines.iter().enumerate() { words.insert(line.clone(), i); }
        Index { words }
    }
    fn find(&self, word: &str) -> Option<usize> { self.words.get(word).copied() }
}
";
    assert!(caches(source).is_empty());
}

#[test]
fn should_not_warn_vec_field_or_local_map() {
    let source = "
use std::collections::HashMap;
struct Log { lines: Vec<String> }
impl Log { fn add(&mut self, l: String) { if !self.lines.contains(&l) { self.lines.push(l); } } }
fn dedupe(items: &[u32]) -> usize {
    let mut seen = HashMap::new();
    for item in items { if seen.get(item).is_none() { seen.insert(*item, ()); } }
    seen.len()
}
";
    assert!(caches(source).is_empty());
}

#[test]
fn should_not_warn_static_memo_with_retain() {
    let source = "
use std::{collections::HashMap, sync::{LazyLock, Mutex}};
static CACHE: LazyLock<Mutex<HashMap<u64, (u64, u64)>>> = LazyLock::new(Default::default);
fn get(key: u64, now: u64) -> u64 {
    let mut cache = CACHE.lock().unwrap();
    cache.retain(|_, (_, at)| now - *at < 60);
    cache.entry(key).or_insert((key * 2, now)).0
}
";
    assert!(findings(source).is_empty());
}

#[test]
fn should_not_warn_when_cleared_by_assignment() {
    let source = "
use std::collections::HashMap;
struct Layout { cache: HashMap<u32, f32> }
impl Layout {
    fn width(&mut self, id: u32) -> f32 { *self.cache.entry(id).or_insert(1.0) }
    fn invalidate(&mut self) { self.cache = HashMap::new(); }
}
";
    assert!(caches(source).is_empty());
}

#[test]
fn should_not_warn_configured_bounded_type() {
    let source = "
struct Memo { table: BoundedMap<u32, u32> }
impl Memo { fn get(&mut self, k: u32) -> u32 { *self.table.entry(k).or_insert(k) } }
type BoundedMap<K, V> = std::collections::HashMap<K, V>;
";
    let config =
        leak_audit_engine::Config { bounded_cache_types: vec!["BoundedMap".to_string()], ..Default::default() };
    assert!(leak_audit_engine::analyze_str(source, &config).unwrap().is_empty());
    assert_eq!(caches(source).len(), 1);
}

#[test]
fn should_not_warn_when_allowed_on_the_impl_type() {
    let source = "
use std::collections::HashMap;
#[leak_audit(allow(cache_without_eviction))]
struct Keywords { table: HashMap<String, u32> }
impl Keywords { fn id(&mut self, k: &str) -> u32 { *self.table.entry(k.to_owned()).or_insert(0) } }
";
    assert!(caches(source).is_empty());
}

#[test]
fn should_not_warn_state_maps_whose_lookups_are_not_returned() {
    // A counter, ids assigned on first sight and a map of sets: they grow, but
    // nothing computed is handed back from them as a memo would be.
    let source = "
use std::collections::{BTreeMap, HashMap, HashSet};
struct Stats { counts: HashMap<String, u64>, numbers: HashMap<String, usize>, layers: BTreeMap<u32, HashSet<u32>> }
impl Stats {
    fn see(&mut self, word: &str) { *self.counts.entry(word.to_owned()).or_insert(0) += 1; }
    fn footnote(&mut self, name: &str, out: &mut String) {
        let next = self.numbers.len() + 1;
        let number = *self.numbers.entry(name.to_owned()).or_insert(next);
        out.push_str(&number.to_string());
    }
    fn nest(&mut self, parent: u32, child: u32) { self.layers.entry(parent).or_default().insert(child); }
}
";
    assert!(caches(source).is_empty(), "{:#?}", caches(source));
}

#[test]
fn should_warn_memo_returned_through_a_local_binding() {
    let source = "
use std::collections::HashMap;
struct Fonts { glyphs: HashMap<char, Vec<u8>> }
impl Fonts {
    fn glyph(&mut self, c: char) -> Vec<u8> {
        if let Some(found) = self.glyphs.get(&c) {
            return found.clone();
        }
        let rendered = vec![c as u8];
        self.glyphs.insert(c, rendered.clone());
        rendered
    }
}
";
    assert_eq!(caches(source).len(), 1);
}

#[test]
fn should_not_warn_cached_with_a_custom_store() {
    let source = "
#[cached(ty = \"MyCache<u32, ()>\", create = \"{ MyCache::with_capacity(50) }\")]
fn custom(n: u32) {}
#[cached(ty = \"UnboundCache<u32, u32>\", create = \"{ UnboundCache::with_capacity(50) }\")]
fn unbounded(n: u32) -> u32 { n }
";
    let found = caches(source);
    assert_eq!(found.len(), 1);
    assert!(found[0].message.contains("`unbounded`"));
}

#[test]
fn should_warn_memo_written_as_a_match_on_the_lookup() {
    let source = "
use std::{cell::RefCell, collections::HashMap};
struct Layout { widths: RefCell<HashMap<String, f32>> }
impl Layout {
    fn width(&self, text: &str) -> f32 {
        let hit = self.widths.borrow().get(text).copied();
        match hit {
            Some(width) => width,
            None => {
                let width = text.len() as f32;
                self.widths.borrow_mut().insert(text.to_owned(), width);
                width
            }
        }
    }
}
";
    assert_eq!(caches(source).len(), 1);
}

#[test]
fn should_warn_memo_filled_in_unwrap_or_else() {
    let source = "
use std::{collections::HashMap, sync::Mutex};
static SQUARES: Mutex<Option<HashMap<u64, u64>>> = Mutex::new(None);
fn square(n: u64) -> u64 {
    let mut guard = SQUARES.lock().unwrap();
    let table = guard.get_or_insert_with(HashMap::new);
    table.get(&n).copied().unwrap_or_else(|| {
        table.insert(n, n * n);
        n * n
    })
}
";
    let found = caches(source);
    assert_eq!(found.len(), 1, "{:#?}", findings(source));
}

#[test]
fn should_not_warn_map_cleared_through_a_destructured_self() {
    let source = "
use std::collections::HashMap;
struct Layers { layers: HashMap<u32, u32> }
impl Layers {
    fn layer(&mut self, id: u32) -> &mut u32 { self.layers.entry(id).or_default() }
    fn reset(&mut self) { let Self { layers } = self; layers.clear(); }
}
";
    assert!(caches(source).is_empty(), "{:#?}", caches(source));
}

#[test]
fn should_not_warn_memo_keyed_by_a_fieldless_enum() {
    let source = "
use std::collections::HashMap;
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub enum Theme { Light, Dark, Contrast }
pub struct Palette { cache: HashMap<Theme, Vec<u32>> }
impl Palette {
    pub fn colors(&mut self, theme: Theme) -> &Vec<u32> {
        self.cache.entry(theme).or_insert_with(|| vec![theme as u32; 16])
    }
}
";
    assert!(caches(source).is_empty(), "{:#?}", caches(source));
}

#[test]
fn should_warn_memo_split_across_two_with_closures() {
    let source = "
use std::{cell::RefCell, collections::HashMap};
thread_local! { static CACHE: RefCell<HashMap<String, u64>> = RefCell::new(HashMap::new()); }
pub fn load(key: &str) -> u64 {
    if let Some(v) = CACHE.with(|c| c.borrow().get(key).cloned()) { return v; }
    let v = key.len() as u64;
    CACHE.with(|c| { c.borrow_mut().insert(key.to_owned(), v); });
    v
}
";
    assert_eq!(caches(source).len(), 1, "{:#?}", findings(source));
    assert!(findings_of("unbounded_static", source).is_empty(), "{:#?}", findings(source));
}

#[test]
fn should_warn_memo_whose_hit_is_returned_through_any_call() {
    let source = "
use std::{collections::HashMap, rc::{Rc, Weak}, sync::Arc};
pub struct Interner { names: HashMap<String, Arc<str>> }
impl Interner {
    pub fn intern(&mut self, name: &str) -> Arc<str> {
        if let Some(known) = self.names.get(name) { return Arc::clone(known); }
        let fresh: Arc<str> = Arc::from(name);
        self.names.insert(name.to_owned(), Arc::clone(&fresh));
        fresh
    }
}
pub struct Tables { rows: HashMap<u32, Vec<u8>> }
impl Tables {
    pub fn row(&mut self, id: u32) -> Vec<u8> {
        if let Some(row) = self.rows.get(&id) { return row.to_vec(); }
        let row = vec![0; id as usize];
        self.rows.insert(id, row.clone());
        row
    }
}
pub struct Shared { live: HashMap<u32, Weak<String>> }
impl Shared {
    pub fn get(&mut self, id: u32) -> Rc<String> {
        if let Some(alive) = self.live.get(&id).and_then(Weak::upgrade) { return alive; }
        let fresh = Rc::new(id.to_string());
        self.live.insert(id, Rc::downgrade(&fresh));
        fresh
    }
}
";
    let found = caches(source);
    assert_eq!(found.len(), 3, "{found:#?}");
}

// === a memo is a read lookup and a fill under the same key, whatever the
// fn does with the hit ===

#[test]
fn should_warn_memo_whose_hit_is_transformed_before_it_is_returned() {
    let source = "
use std::collections::HashMap;
pub struct Router { compiled: HashMap<String, Vec<String>> }
impl Router {
    pub fn matches(&mut self, pattern: &str, path: &str) -> bool {
        if let Some(parts) = self.compiled.get(pattern) {
            return parts.iter().any(|part| part == path);
        }
        let parts: Vec<String> = pattern.split('/').map(str::to_owned).collect();
        let found = parts.iter().any(|part| part == path);
        self.compiled.insert(pattern.to_owned(), parts);
        found
    }
}
pub struct Labels { names: HashMap<u32, String> }
impl Labels {
    pub fn label(&mut self, id: u32) -> String {
        if let Some(hit) = self.names.get(&id) {
            return format!(\"<{hit}>\");
        }
        let name = id.to_string();
        self.names.insert(id, name.clone());
        format!(\"<{name}>\")
    }
}
";
    let found = caches(source);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(pointed_text(source, &found[0]), "compiled");
    assert_eq!(pointed_text(source, &found[1]), "names");
}

#[test]
fn should_not_warn_when_the_lookup_is_only_tested_and_the_fill_is_not_read_back() {
    // Insert-if-absent: nothing looked up is read, so nothing is memoised.
    let source = "
use std::collections::HashMap;
pub struct Seen { first: HashMap<String, u64> }
impl Seen {
    pub fn see(&mut self, name: &str, now: u64) -> bool {
        if self.first.contains_key(name) { return false; }
        if self.first.get(name).is_none() {
            self.first.insert(name.to_owned(), now * 2);
        }
        true
    }
}
";
    assert!(caches(source).is_empty(), "{:#?}", caches(source));
}

#[test]
fn should_warn_memo_through_the_entry_api_in_every_form() {
    let source = "
use std::collections::{hash_map::Entry, HashMap};
pub struct Shapes { by_font: HashMap<String, Vec<u8>> }
impl Shapes {
    pub fn shape(&mut self, font: String) -> &mut Vec<u8> {
        match self.by_font.entry(font) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(v) => { let made = v.key().as_bytes().to_vec(); v.insert(made) }
        }
    }
}
pub struct Widths { widths: HashMap<String, Vec<f32>> }
impl Widths {
    pub fn total(&mut self, text: &str) -> f32 {
        self.widths.entry(text.to_owned()).or_insert_with(|| text.chars().map(|c| c as u32 as f32).collect()).iter().sum()
    }
}
pub struct Glyph { advance: f32 }
pub struct Glyphs { glyphs: HashMap<char, Glyph> }
impl Glyphs {
    pub fn advance(&mut self, c: char) -> f32 {
        self.glyphs.entry(c).or_insert_with_key(|c| Glyph { advance: *c as u32 as f32 }).advance
    }
}
";
    let found = caches(source);
    assert_eq!(found.len(), 3, "{found:#?}");
}

#[test]
fn should_not_warn_entry_api_memo_evicted_through_an_occupied_entry() {
    let source = "
use std::collections::{hash_map::Entry, HashMap};
pub struct Shapes { by_font: HashMap<String, Vec<u8>> }
impl Shapes {
    pub fn shape(&mut self, font: &str) -> Vec<u8> {
        self.by_font.entry(font.to_owned()).or_insert_with(|| font.as_bytes().to_vec()).clone()
    }
    pub fn forget(&mut self, font: String) {
        if let Entry::Occupied(e) = self.by_font.entry(font) {
            e.remove();
        }
    }
}
";
    assert!(caches(source).is_empty(), "{:#?}", caches(source));
}

#[test]
fn should_warn_contains_key_then_insert_then_get_unwrap() {
    let source = "
use std::collections::HashMap;
pub struct Paths { canonical: HashMap<String, String> }
impl Paths {
    pub fn canonical(&mut self, path: &str) -> &str {
        if !self.canonical.contains_key(path) {
            let resolved = path.trim_end_matches('/').to_lowercase();
            self.canonical.insert(path.to_owned(), resolved);
        }
        self.canonical.get(path).unwrap()
    }
}
";
    assert_eq!(caches(source).len(), 1, "{:#?}", caches(source));
}

#[test]
fn should_not_warn_counters_and_group_by_tables_whose_hits_change_in_place() {
    let source = "
use std::collections::HashMap;
pub struct Stats { hits: HashMap<String, u64>, by_dir: HashMap<String, Vec<String>>, sizes: HashMap<String, Vec<u64>> }
impl Stats {
    pub fn hit(&mut self, path: &str) {
        if let Some(count) = self.hits.get_mut(path) { *count += 1; } else { self.hits.insert(path.to_owned(), 1); }
    }
    pub fn add(&mut self, dir: &str, file: String) {
        self.by_dir.entry(dir.to_owned()).or_insert_with(Vec::new).push(file);
    }
    pub fn size(&mut self, dir: &str, size: u64) -> usize {
        let sizes = self.sizes.entry(dir.to_owned()).or_default();
        sizes.push(size);
        sizes.len()
    }
}
";
    assert!(caches(source).is_empty(), "{:#?}", caches(source));
}

#[test]
fn should_not_warn_dedupe_index_into_what_the_owner_already_holds() {
    // The map gives each distinct value its index in `constants`, which holds
    // every value anyway: the map is bounded by its owner's own contents.
    let source = "
use std::collections::HashMap;
pub struct Constants { constants: Vec<String>, index: HashMap<String, u32>, next: u32, ids: HashMap<String, u32> }
impl Constants {
    pub fn intern(&mut self, value: &str) -> u32 {
        if let Some(index) = self.index.get(value) { return *index; }
        let index = self.constants.len() as u32;
        self.constants.push(value.to_owned());
        self.index.insert(value.to_owned(), index);
        index
    }
    pub fn id(&mut self, name: &str) -> u32 {
        if let Some(id) = self.ids.get(name) { return *id; }
        let id = self.next;
        self.next += 1;
        self.ids.insert(name.to_owned(), id);
        id
    }
}
";
    assert!(caches(source).is_empty(), "{:#?}", caches(source));
}

#[test]
fn should_not_warn_table_that_stores_the_items_it_is_given() {
    let source = "
use std::collections::HashMap;
pub struct Item { pub name: String }
pub struct Catalog { by_name: HashMap<String, Item> }
impl Catalog {
    pub fn add(&mut self, item: Item) -> &Item {
        if !self.by_name.contains_key(&item.name) {
            self.by_name.insert(item.name.clone(), item);
        }
        self.by_name.values().next().unwrap()
    }
}
";
    assert!(caches(source).is_empty(), "{:#?}", caches(source));
}

// === owners that do not live long ===

#[test]
fn should_not_warn_memo_in_an_owner_built_and_dropped_in_one_call() {
    let source = "
use std::collections::HashMap;
struct Writer { numbers: HashMap<String, usize> }
impl Writer {
    fn number(&mut self, name: &str) -> usize {
        if let Some(n) = self.numbers.get(name) { return *n; }
        let n = name.len() * 7;
        self.numbers.insert(name.to_owned(), n);
        n
    }
}
pub fn render(names: &[String]) -> usize {
    let mut writer = Writer { numbers: HashMap::new() };
    let mut total = 0;
    for name in names { total += writer.number(name); }
    total
}
";
    assert!(caches(source).is_empty(), "{:#?}", caches(source));
}

#[test]
fn should_not_warn_memo_in_a_builder_consumed_by_value() {
    let source = "
use std::collections::HashMap;
pub struct Code { pub ops: Vec<u32> }
pub struct Compiler { registers: HashMap<String, u32>, ops: Vec<u32> }
impl Compiler {
    pub fn register(&mut self, name: &str) -> u32 {
        *self.registers.entry(name.to_owned()).or_insert_with(|| name.len() as u32 * 3)
    }
    pub fn finish(self) -> Code { Code { ops: self.ops } }
}
";
    assert!(caches(source).is_empty(), "{:#?}", caches(source));
}

#[test]
fn should_warn_memo_in_an_owner_that_is_shared_or_returned() {
    let source = "
use std::{collections::HashMap, sync::Arc};
pub struct Resolver { memo: HashMap<String, String> }
impl Resolver {
    pub fn resolve(&mut self, name: &str) -> String {
        self.memo.entry(name.to_owned()).or_insert_with(|| name.to_uppercase()).clone()
    }
}
pub fn shared() -> Arc<std::sync::Mutex<Resolver>> {
    let resolver = Resolver { memo: HashMap::new() };
    Arc::new(std::sync::Mutex::new(resolver))
}
";
    assert_eq!(caches(source).len(), 1, "{:#?}", caches(source));
    let returned = "
use std::collections::HashMap;
pub struct Resolver { memo: HashMap<String, String> }
impl Resolver {
    pub fn resolve(&mut self, name: &str) -> String {
        self.memo.entry(name.to_owned()).or_insert_with(|| name.to_uppercase()).clone()
    }
}
pub fn make() -> Resolver { let r = Resolver { memo: HashMap::new() }; r }
";
    assert_eq!(caches(returned).len(), 1, "{:#?}", caches(returned));
}

#[test]
fn should_warn_memo_behind_a_cell_even_in_a_local_owner() {
    // Reached through `&self`: the shape of a shared cache, taken as long-lived.
    let source = "
use std::{cell::RefCell, collections::HashMap};
struct Layout { widths: RefCell<HashMap<String, f32>> }
impl Layout {
    fn width(&self, text: &str) -> f32 {
        *self.widths.borrow_mut().entry(text.to_owned()).or_insert_with(|| text.len() as f32)
    }
}
pub fn measure(text: &str) -> f32 { let layout = Layout { widths: RefCell::default() }; layout.width(text) }
";
    assert_eq!(caches(source).len(), 1, "{:#?}", caches(source));
}

// === bounds ===

#[test]
fn should_not_warn_insert_guarded_by_a_size_check() {
    let source = "
use std::collections::HashMap;
const MAX: usize = 1024;
pub struct Memo { table: HashMap<u64, u64> }
impl Memo {
    pub fn get(&mut self, n: u64) -> u64 {
        if let Some(v) = self.table.get(&n) { return *v; }
        let v = n * n;
        if self.table.len() < MAX { self.table.insert(n, v); }
        v
    }
}
";
    assert!(caches(source).is_empty(), "{:#?}", caches(source));
}

#[test]
fn should_not_warn_memo_keyed_by_what_the_code_names() {
    // Literals passed by every caller, call sites, fn pointers, keys formatted
    // from a fixed list or chosen by a `match` of literals.
    let source = "
use std::collections::HashMap;
use std::panic::Location;
pub struct Styles { by_name: HashMap<&'static str, String>, sites: HashMap<&'static Location<'static>, u32>, fns: HashMap<fn(u32) -> u32, u32>, names: HashMap<String, u32>, kinds: HashMap<&'static str, u32> }
impl Styles {
    fn style(&mut self, name: &'static str) -> String {
        self.by_name.entry(name).or_insert_with(|| name.to_uppercase()).clone()
    }
    pub fn title(&mut self) -> String { self.style(\"title\") }
    pub fn body(&mut self) -> String { self.style(\"body\") }
    #[track_caller]
    pub fn site(&mut self) -> u32 {
        *self.sites.entry(Location::caller()).or_insert_with(|| Location::caller().line() * 2)
    }
    pub fn apply(&mut self, f: fn(u32) -> u32) -> u32 { *self.fns.entry(f).or_insert_with(|| f(1)) }
    pub fn prefixed(&mut self) -> u32 {
        let mut total = 0;
        for name in [\"a\", \"b\"] {
            total += *self.names.entry(format!(\"PREFIX_{name}\")).or_insert_with(|| name.len() as u32 + 1);
        }
        total
    }
    pub fn kind(&mut self, code: u8) -> u32 {
        let key = match code { 0 => \"zero\", 1 => \"one\", _ => \"many\" };
        *self.kinds.entry(key).or_insert_with(|| key.len() as u32 + 1)
    }
}
";
    assert!(caches(source).is_empty(), "{:#?}", caches(source));
}

#[test]
fn should_warn_memo_whose_caller_passes_a_key_made_at_run_time() {
    let source = "
use std::collections::HashMap;
pub struct Styles { by_name: HashMap<&'static str, String> }
impl Styles {
    fn style(&mut self, name: &'static str) -> String {
        self.by_name.entry(name).or_insert_with(|| name.to_uppercase()).clone()
    }
    pub fn title(&mut self) -> String { self.style(\"title\") }
    pub fn named(&mut self, name: String) -> String { self.style(Box::leak(name.into_boxed_str())) }
}
";
    assert_eq!(caches(source).len(), 1, "{:#?}", caches(source));
}

#[test]
fn should_not_warn_memo_in_test_only_code() {
    let source = "
use std::collections::HashMap;
#[cfg(any(test, feature = \"test-utils\"))]
pub struct Fixture { memo: HashMap<String, String> }
#[cfg(any(test, feature = \"test-utils\"))]
impl Fixture {
    pub fn get(&mut self, k: &str) -> String { self.memo.entry(k.to_owned()).or_insert_with(|| k.repeat(2)).clone() }
}
";
    assert!(caches(source).is_empty(), "{:#?}", caches(source));
}

#[test]
fn should_warn_memo_compiled_outside_tests_too() {
    let source = "
use std::collections::HashMap;
#[cfg(any(test, feature = \"std\"))]
pub struct Fixture { memo: HashMap<String, String> }
#[cfg(any(test, feature = \"std\"))]
impl Fixture {
    pub fn get(&mut self, k: &str) -> String { self.memo.entry(k.to_owned()).or_insert_with(|| k.repeat(2)).clone() }
}
";
    assert_eq!(caches(source).len(), 1, "{:#?}", caches(source));
}

#[test]
fn should_warn_memo_returned_as_a_projection_of_the_borrow() {
    let source = "
use std::{cell::{Ref, RefCell}, collections::HashMap};
pub struct Names { resolved: RefCell<HashMap<u32, String>> }
impl Names {
    pub fn name(&self, id: u32) -> Ref<'_, str> {
        if !self.resolved.borrow().contains_key(&id) {
            self.resolved.borrow_mut().insert(id, format!(\"#{id}\"));
        }
        Ref::map(self.resolved.borrow(), |names| names[&id].as_str())
    }
}
";
    assert_eq!(caches(source).len(), 1, "{:#?}", caches(source));
}

#[test]
fn should_not_warn_a_container_library_s_own_storage() {
    // The crate's type is a general-purpose memoizing map offered to users:
    // its keys are theirs, and so is the decision to evict.
    let source = "
use std::{collections::HashMap, hash::Hash};
pub struct Memo<K, V> { map: HashMap<K, V> }
impl<K: Hash + Eq + Clone, V: Clone> Memo<K, V> {
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce(&K) -> V) -> V {
        if let Some(hit) = self.map.get(&key) { return hit.clone(); }
        let value = make(&key);
        self.map.insert(key, value.clone());
        value
    }
}
";
    assert!(caches(source).is_empty(), "{:#?}", caches(source));
}

#[test]
fn should_warn_a_generic_owner_whose_cache_keys_are_its_own() {
    let source = "
use std::collections::HashMap;
pub trait Backend { fn upload(&mut self, glyph: char) -> u32; }
pub struct Renderer<B: Backend> { backend: B, glyphs: HashMap<char, u32> }
impl<B: Backend> Renderer<B> {
    pub fn glyph(&mut self, c: char) -> u32 {
        if let Some(texture) = self.glyphs.get(&c) { return *texture; }
        let texture = self.backend.upload(c);
        self.glyphs.insert(c, texture);
        texture
    }
}
";
    assert_eq!(caches(source).len(), 1, "{:#?}", caches(source));
}

#[test]
fn should_not_warn_memo_evicted_by_a_method_in_another_file() {
    let memo = syn::parse_file(
        "
use std::collections::HashMap;
pub struct Fonts { faces: HashMap<String, Vec<u8>> }
impl Fonts {
    pub fn face(&mut self, name: &str) -> Vec<u8> {
        self.faces.entry(name.to_owned()).or_insert_with(|| name.as_bytes().to_vec()).clone()
    }
    pub fn end_frame(&mut self) { self.trim(); }
}
",
    )
    .unwrap();
    let eviction = syn::parse_file(
        "impl super::Fonts { pub(crate) fn trim(&mut self) { self.faces.retain(|k, _| k.len() < 8); } }",
    )
    .unwrap();
    let module = vec!["trim".to_string()];
    let sources = [
        leak_audit_engine::Source::new(leak_audit_engine::FileId(0), &memo.items),
        leak_audit_engine::Source::new(leak_audit_engine::FileId(1), &eviction.items).in_module(&module),
    ];
    let found = leak_audit_engine::analyze(&sources, &leak_audit_engine::Config::default()).findings;
    assert!(found.is_empty(), "{found:#?}");
    let alone = leak_audit_engine::analyze(&sources[..1], &leak_audit_engine::Config::default()).findings;
    assert_eq!(alone.len(), 1, "{alone:#?}");
}

#[test]
fn should_not_warn_index_of_handles_into_the_owner_s_own_arena() {
    let source = "
use std::collections::HashMap;
pub struct Handle(u32);
pub struct Arena { items: Vec<String> }
impl Arena { pub fn append(&mut self, item: String) -> u32 { self.items.push(item); self.items.len() as u32 - 1 } }
pub struct Module { types: Arena, by_name: HashMap<String, u32> }
impl Module {
    pub fn ty(&mut self, name: &str) -> u32 {
        if let Some(handle) = self.by_name.get(name) { return *handle; }
        let handle = self.types.append(name.to_uppercase());
        self.by_name.insert(name.to_owned(), handle);
        handle
    }
}
";
    assert!(caches(source).is_empty(), "{:#?}", caches(source));
}

#[test]
fn should_not_warn_merge_of_entries_the_fn_was_given() {
    let source = "
use std::collections::{hash_map::Entry, HashMap};
#[derive(Clone)]
pub struct Req { pub stages: u32 }
impl Req { pub fn merge(&mut self, other: &Req) { self.stages |= other.stages; } }
pub struct Binding { descriptors: HashMap<u32, Req> }
impl Binding {
    pub fn merge(&mut self, other: &Binding) {
        for (&index, req) in &other.descriptors {
            match self.descriptors.entry(index) {
                Entry::Vacant(entry) => { entry.insert(req.clone()); }
                Entry::Occupied(entry) => { entry.into_mut().merge(req); }
            }
        }
    }
}
";
    assert!(caches(source).is_empty(), "{:#?}", caches(source));
}

#[test]
fn should_warn_entry_match_memo_filled_with_a_computed_value() {
    let source = "
use std::collections::{hash_map::Entry, HashMap};
pub struct Req { pub stages: u32 }
pub struct Binding { descriptors: HashMap<u32, Req> }
impl Binding {
    pub fn stages(&mut self, indices: &[u32]) -> u32 {
        let mut total = 0;
        for &index in indices {
            total += match self.descriptors.entry(index) {
                Entry::Vacant(entry) => entry.insert(Req { stages: index * 3 }).stages,
                Entry::Occupied(entry) => entry.into_mut().stages,
            };
        }
        total
    }
}
";
    assert_eq!(caches(source).len(), 1, "{:#?}", caches(source));
}

#[test]
fn should_not_warn_empty_elements_handed_out_to_be_changed() {
    let source = "
use std::collections::HashMap;
#[derive(Default)]
pub struct Reqs { pub reads: u32 }
pub struct Binding { descriptors: HashMap<Option<u32>, Reqs> }
impl Binding {
    pub fn reqs(&mut self, index: Option<u32>) -> &mut Reqs { self.descriptors.entry(index).or_default() }
    pub fn maybe(&mut self, index: Option<u64>) -> Option<&'_ mut Reqs> {
        index.map(|index| self.descriptors.entry(Some(index as u32)).or_insert_with(Reqs::default))
    }
}
";
    assert!(caches(source).is_empty(), "{:#?}", caches(source));
}

#[test]
fn should_warn_memo_filled_through_get_or_insert_with_a_key() {
    let source = "
use std::collections::HashMap;
pub struct Table<K, V> { map: HashMap<K, V> }
impl<K, V> Table<K, V> { pub fn get_or_insert_with(&mut self, k: K, f: impl FnOnce() -> V) -> &V { unimplemented!() } }
pub struct Shaper { shapes: Table<String, Vec<u32>>, widths: HashMap<String, u32> }
impl Shaper {
    pub fn width(&mut self, text: &str) -> u32 {
        *self.widths.get_or_insert_with(text.to_owned(), || text.len() as u32 * 7)
    }
}
";
    let found = caches(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(pointed_text(source, &found[0]), "widths");
}

#[test]
fn should_not_warn_memo_keyed_by_static_names_or_their_addresses_from_literal_callers() {
    let source = "
use std::collections::HashMap;
pub struct Counters { by_name: HashMap<&'static str, u64>, by_addr: HashMap<usize, u64> }
impl Counters {
    pub fn get(&mut self, name: &'static str) -> u64 { *self.by_name.entry(name).or_insert_with(|| name.len() as u64 * 3) }
    fn addr(&mut self, name: &'static str) -> u64 {
        *self.by_addr.entry(name.as_ptr() as usize).or_insert_with(|| name.len() as u64 * 5)
    }
    pub fn reads(&mut self) -> u64 { self.get(\"reads\") + self.addr(\"reads\") }
    pub fn writes(&mut self) -> u64 { self.get(\"writes\") + self.addr(\"writes\") }
}
";
    assert!(caches(source).is_empty(), "{:#?}", caches(source));
}

#[test]
fn should_warn_memo_cleared_only_at_shutdown_and_not_when_cleared_while_running() {
    let source = "
use std::collections::HashMap;
pub struct Resolver { memo: HashMap<String, String> }
impl Resolver {
    pub fn resolve(&mut self, name: &str) -> &String {
        self.memo.entry(name.to_owned()).or_insert_with(|| name.to_uppercase())
    }
    pub fn teardown(&mut self) { self.memo.clear(); }
}
";
    assert_eq!(caches(source).len(), 1, "{:#?}", caches(source));
    let running = source.replace("fn teardown", "fn on_config_change");
    assert!(caches(&running).is_empty(), "{:#?}", caches(&running));
}

const INVALIDATED: &str = "
use std::collections::HashMap;
pub struct Database { faces: Vec<String> }
pub struct Fonts { db: Database, matches: HashMap<String, Vec<usize>> }
impl Fonts {
    pub fn db_mut(&mut self) -> &mut Database {
        self.matches.clear();
        &mut self.db
    }
    pub fn matches(&mut self, query: &str) -> &Vec<usize> {
        let db = &self.db;
        self.matches.entry(query.to_owned()).or_insert_with(|| {
            db.faces.iter().enumerate().filter(|(_, face)| face.contains(query)).map(|(i, _)| i).collect()
        })
    }
}
";

#[test]
fn should_warn_memo_emptied_only_when_its_inputs_change() {
    // `db_mut` empties the memo because the database may change: invalidation,
    // which does not bound what the memo holds between changes.
    let found = caches(INVALIDATED);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].notes.iter().any(|note| note == "`clear` in `db_mut` empties it only when what it is computed from changes: that invalidates it but does not bound it between changes"),
        "{:#?}",
        found[0].notes
    );
    let setter = INVALIDATED.replace(
        "    pub fn db_mut(&mut self) -> &mut Database {\n        self.matches.clear();\n        &mut self.db\n    }",
        "    pub fn set_db(&mut self, db: Database) {\n        self.matches.clear();\n        self.db = db;\n    }",
    );
    assert_eq!(caches(&setter).len(), 1, "{:#?}", caches(&setter));
}

#[test]
fn should_not_warn_memo_emptied_by_a_method_that_changes_nothing_else() {
    let source = INVALIDATED.replace(
        "    pub fn db_mut(&mut self) -> &mut Database {\n        self.matches.clear();\n        &mut self.db\n    }",
        "    pub fn trim(&mut self) -> &Database {\n        self.matches.clear();\n        &self.db\n    }",
    );
    assert!(caches(&source).is_empty(), "{:#?}", caches(&source));
}

#[test]
fn should_keep_same_named_types_of_sibling_modules_apart() {
    // Only `one::Inner` memoises; `two::Inner.m` is never filled.
    let source = "
pub mod one {
    use std::collections::HashMap;
    pub struct Inner { m: HashMap<String, u64> }
    impl Inner {
        pub fn get(&mut self, k: &str) -> u64 {
            if let Some(v) = self.m.get(k) { return *v; }
            let v = k.len() as u64;
            self.m.insert(k.to_owned(), v);
            v
        }
    }
}
pub mod two {
    use std::collections::HashMap;
    pub struct Inner { m: HashMap<String, u64> }
    impl Inner {
        pub fn len(&self) -> usize { self.m.len() }
    }
}
";
    let found = caches(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(support::line(&found[0]), 4);
}

#[test]
fn should_warn_memo_attribute_imported_from_its_own_crate() {
    let source = "
mod pricing {
    use memoize::memoize as remember;
    #[remember]
    pub fn quote(sku: u32, region: u8) -> u64 { u64::from(sku) * u64::from(region) }
}
mod lookups {
    use cached::proc_macro::cached;
    #[cached]
    pub fn city(zip: String) -> String { zip.to_uppercase() }
}
";
    let found = caches(source);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(pointed_text(source, &found[0]), "remember");
    assert!(found[0].message.contains("`#[memoize]` on `quote`"), "{}", found[0].message);
    assert_eq!(pointed_text(source, &found[1]), "cached");
}

#[test]
fn should_not_warn_memo_attribute_of_another_crate_or_of_the_crate_itself() {
    // Same names, other owners: an incremental-computation crate's attribute
    // (evicted by age on request) and the crate's own.
    let source = "
mod incremental {
    use tracked::memoize;
    #[memoize]
    pub fn layout(width: u32) -> u32 { width / 2 }
    #[tracked::cached]
    pub fn shape(width: u32) -> u32 { width * 3 }
}
mod own {
    use crate::attrs::cached;
    #[cached]
    pub fn area(w: u32, h: u32) -> u32 { w * h }
}
";
    assert!(caches(source).is_empty(), "{:#?}", caches(source));
}

#[test]
fn should_not_warn_memo_attribute_on_a_fn_without_a_key() {
    // Nothing varies between calls, so the cache holds one result at most.
    let source = "
use memoize::memoize;
use cached::proc_macro::cached;
#[memoize]
fn config_path() -> String { String::from(\"/etc/app\") }
#[cached]
fn cpu_count() -> usize { 8 }
#[memoize(Ignore: attempts)]
fn banner(attempts: &mut u32) -> String { *attempts += 1; String::from(\"hi\") }
";
    assert!(caches(source).is_empty(), "{:#?}", caches(source));
}

#[test]
fn should_warn_memo_attribute_whose_key_is_what_is_not_ignored() {
    let source = "
use memoize::memoize;
#[memoize(Ignore: log)]
fn distance(from: u32, to: u32, log: &mut Vec<String>) -> u32 { log.push(String::new()); to - from }
";
    let found = caches(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(found[0].message.contains("on `distance`"), "{}", found[0].message);
}

#[test]
fn should_not_warn_counter_written_on_hit_and_miss_alike() {
    // The insert runs on every call, hit or miss: a count of each label.
    let source = "
use std::{collections::HashMap, sync::Mutex};
pub struct Labels { uses: Mutex<HashMap<String, u32>> }
impl Labels {
    pub fn next_suffix(&self, label: &str) -> String {
        let mut uses = self.uses.lock().unwrap();
        let n = uses.get(label).copied().unwrap_or(0) + 1;
        let text = if n == 1 { label.to_owned() } else { format!(\"{label}-{n}\") };
        uses.insert(label.to_owned(), n);
        text
    }
}
";
    assert!(caches(source).is_empty(), "{:#?}", caches(source));
}

#[test]
fn should_not_warn_first_seen_and_declaration_tables_of_the_caller_s_values() {
    let source = "
use std::{collections::HashMap, sync::Mutex};
pub struct Registry {
    first_kind: Mutex<HashMap<String, bool>>,
    docs: Mutex<HashMap<String, (Option<u8>, &'static str)>>,
}
impl Registry {
    pub fn check(&self, name: &str) -> bool {
        let (base, is_async) = match name.strip_suffix(\"_async\") {
            Some(base) => (base, true),
            None => (name, false),
        };
        let mut first = self.first_kind.lock().unwrap();
        match first.get(base) {
            None => { first.insert(base.to_owned(), is_async); true }
            Some(&was_async) => was_async == is_async,
        }
    }
    pub fn describe(&self, name: String, unit: Option<u8>, text: &'static str) {
        let mut docs = self.docs.lock().unwrap();
        let (old_unit, old_text) = docs.entry(name).or_insert((None, text));
        if unit.is_some() { *old_unit = unit; }
        *old_text = text;
    }
}
";
    assert!(caches(source).is_empty(), "{:#?}", caches(source));
}

#[test]
fn should_warn_memo_whose_value_is_computed_on_the_miss_even_inside_a_tuple() {
    let source = "
use std::{collections::HashMap, sync::Mutex};
pub struct Shaper { runs: Mutex<HashMap<String, (Vec<u32>, usize)>> }
impl Shaper {
    pub fn shape(&self, text: &str) -> usize {
        let mut runs = self.runs.lock().unwrap();
        if let Some((_, width)) = runs.get(text) { return *width; }
        let glyphs: Vec<u32> = text.chars().map(u32::from).collect();
        let width = glyphs.len() * 7;
        runs.insert(text.to_owned(), (glyphs, width));
        width
    }
}
";
    let found = caches(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(pointed_text(source, &found[0]), "runs");
}

#[test]
fn should_warn_generic_keyed_owner_that_makes_its_values_on_a_miss() {
    // Keyed by a type parameter, but the owner builds each value itself: a
    // memo of its own (one gauge per tag set ever asked for), not storage
    // offered to users.
    let source = "
use std::{collections::HashMap, hash::Hash, sync::Mutex};
pub trait Make<G> { fn make(&self) -> G; }
pub struct Gauges<T, G, F> { by_tags: Mutex<HashMap<T, G>>, factory: F }
impl<T: Hash + Eq + Clone, G: Clone, F: Make<G>> Gauges<T, G, F> {
    pub fn gauge(&self, tags: &T) -> G {
        self.by_tags.lock().unwrap().entry(tags.clone()).or_insert_with(|| self.factory.make()).clone()
    }
}
";
    let found = caches(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(pointed_text(source, &found[0]), "by_tags");
}

#[test]
fn should_not_warn_generic_keyed_map_that_stores_what_its_caller_gives() {
    // The values, or the fn that makes them, come from the caller.
    let source = "
use std::{collections::HashMap, hash::Hash};
pub struct Table<K, V> { rows: HashMap<K, V> }
impl<K: Hash + Eq + Clone, V: Clone> Table<K, V> {
    pub fn put(&mut self, key: K, row: V) -> V {
        self.rows.entry(key).or_insert(row).clone()
    }
    pub fn fetch<F: FnOnce() -> V>(&mut self, key: &K, load: F) -> V {
        self.rows.entry(key.clone()).or_insert_with(load).clone()
    }
}
";
    assert!(caches(source).is_empty(), "{:#?}", caches(source));
}

#[test]
fn should_warn_memo_filled_into_an_inner_map_of_a_nested_entry_chain() {
    let source = "
use std::{collections::HashMap, sync::RwLock};
pub struct Sketches { by_name: RwLock<HashMap<String, HashMap<Vec<String>, Vec<f64>>>> }
impl Sketches {
    pub fn observe(&self, name: &str, tags: Vec<String>, value: f64) {
        let mut all = self.by_name.write().unwrap();
        let sketch = all
            .entry(name.to_owned())
            .or_insert_with(HashMap::new)
            .entry(tags)
            .or_insert_with(|| Vec::with_capacity(1024));
        sketch.push(value);
        let total: f64 = sketch.iter().sum();
        assert!(total.is_finite());
    }
    pub fn width(&self, name: &str, tags: Vec<String>) -> usize {
        let mut all = self.by_name.write().unwrap();
        let row = all.entry(name.to_owned()).or_default().entry(tags).or_insert_with(|| make_row(name));
        row.len()
    }
}
fn make_row(name: &str) -> Vec<f64> { vec![0.0; name.len()] }
";
    let found = caches(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(pointed_text(source, &found[0]), "by_name");
    assert!(found[0].message.contains("`width` fills"), "{}", found[0].message);
}

#[test]
fn should_not_warn_nested_group_by_table_whose_inner_values_change_in_place() {
    let source = "
use std::collections::HashMap;
pub struct Totals { by_day: HashMap<u32, HashMap<String, u64>> }
impl Totals {
    pub fn add(&mut self, day: u32, user: String, amount: u64) {
        *self.by_day.entry(day).or_default().entry(user).or_insert(0) += amount;
    }
}
";
    assert!(caches(source).is_empty(), "{:#?}", caches(source));
}

#[test]
fn should_warn_memo_looked_up_through_a_guard_projection() {
    let source = "
use std::collections::HashMap;
use parking_lot::{MappedRwLockReadGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
pub struct Handles { by_path: RwLock<HashMap<String, u64>> }
impl Handles {
    pub fn handle(&self, path: &str) -> MappedRwLockReadGuard<'_, u64> {
        if let Ok(found) = RwLockReadGuard::try_map(self.by_path.read(), |map| map.get(path)) {
            return found;
        }
        let mut write = self.by_path.write();
        write.insert(path.to_owned(), open(path));
        RwLockReadGuard::map(RwLockWriteGuard::downgrade(write), |map| &map[path])
    }
}
fn open(path: &str) -> u64 { path.len() as u64 }
";
    let found = caches(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(pointed_text(source, &found[0]), "by_path");
}

#[test]
fn should_warn_memo_whose_local_shares_its_name_with_one_changed_in_another_arm() {
    // `slot` is changed in place in the first arm only; the second arm's
    // `slot` is another local, a hit that is read.
    let source = "
use std::collections::HashMap;
pub enum Kind { Count, Shape }
pub struct Stats { shapes: HashMap<String, Vec<u8>> }
impl Stats {
    pub fn record(&mut self, kind: Kind, name: String, counts: &mut HashMap<String, u64>) -> usize {
        match kind {
            Kind::Count => {
                let slot = counts.entry(name).or_insert(0);
                *slot += 1;
                0
            }
            Kind::Shape => {
                let slot = self.shapes.entry(name.clone()).or_insert_with(|| name.bytes().rev().collect());
                slot.len()
            }
        }
    }
}
";
    let found = caches(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(pointed_text(source, &found[0]), "shapes");
}

#[test]
fn should_warn_entry_match_memo_whose_value_is_bound_in_the_vacant_arm() {
    // The `match` on the entry is the lookup: what the vacant arm binds is
    // computed on a miss, even though no `get` came before it.
    let source = "
use std::collections::btree_map::{BTreeMap, Entry};
pub struct Tables { built: BTreeMap<Vec<u8>, Vec<u32>> }
impl Tables {
    pub fn table(&mut self, keys: Vec<u8>) -> Result<&[u32], String> {
        let table = match self.built.entry(keys) {
            Entry::Vacant(slot) => {
                let fresh = build(slot.key())?;
                slot.insert(fresh)
            }
            Entry::Occupied(slot) => slot.into_mut(),
        };
        Ok(table.as_slice())
    }
}
fn build(keys: &[u8]) -> Result<Vec<u32>, String> { Ok(keys.iter().map(|&k| u32::from(k)).collect()) }
";
    let found = caches(source);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(pointed_text(source, &found[0]), "built");
}

#[test]
fn should_warn_id_stored_after_work_done_with_the_key() {
    // The id names what the miss did with the key (a plan compiled and sent
    // away, a program built from it): the map is a memo of that work.
    let source = "
use std::collections::HashMap;
pub struct Session { plans: HashMap<String, u32>, next_plan: u32, programs: Vec<Program>, by_source: HashMap<String, usize> }
pub struct Program(usize);
impl Session {
    pub fn plan(&mut self, sql: &str) -> u32 {
        if let Some(&id) = self.plans.get(sql) { return id; }
        let id = self.next_plan;
        self.next_plan += 1;
        self.send(Message::Compile { id, sql });
        self.plans.insert(sql.to_owned(), id);
        id
    }
    pub fn program(&mut self, source: &str) -> usize {
        if let Some(index) = self.by_source.get(source) { return *index; }
        let program = compile(source);
        let index = self.programs.len();
        self.programs.push(program);
        self.by_source.insert(source.to_owned(), index);
        index
    }
    fn send(&mut self, message: Message<'_>) { drop(message); }
}
pub enum Message<'a> { Compile { id: u32, sql: &'a str } }
fn compile(source: &str) -> Program { Program(source.len()) }
";
    let found = caches(source);
    assert_eq!(found.len(), 2, "{found:#?}");
    assert_eq!(pointed_text(source, &found[0]), "plans");
    assert_eq!(pointed_text(source, &found[1]), "by_source");
}

#[test]
fn should_not_warn_id_index_whose_key_is_only_held_or_stored() {
    // Wrapping the key (`Rc::from`) or pushing it into the owner's own list
    // does no work with it: a dedupe index of what the owner holds.
    let source = "
use std::{collections::HashMap, rc::Rc};
pub struct Symbols { names: Vec<Rc<str>>, ids: HashMap<Rc<str>, usize> }
impl Symbols {
    pub fn intern(&mut self, name: &str) -> usize {
        if let Some(&id) = self.ids.get(name) { return id; }
        let id = self.names.len();
        self.names.push(Rc::from(name));
        self.ids.insert(name.into(), id);
        id
    }
}
";
    assert!(caches(source).is_empty(), "{:#?}", caches(source));
}
