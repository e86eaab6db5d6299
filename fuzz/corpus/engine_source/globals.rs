use std::sync::Mutex; use std::collections::HashMap;
static LOG: Mutex<Vec<String>> = Mutex::new(Vec::new());
fn log(s: String) { LOG.lock().unwrap().push(s); }
struct Calculator { cache: HashMap<(i64, i64), i64> }
impl Calculator { fn add(&mut self, a: i64, b: i64) -> i64 { if let Some(v) = self.cache.get(&(a, b)) { return *v; } let v = a + b; self.cache.insert((a, b), v); v } }