// On a method, the findings are reported inside its body: an `impl` block has
// no room for the items that carry them.
pub struct Names;

impl Names {
    #[leak_audit::leak_audit(deny)]
    pub fn get(&self, id: u32) -> String {
        use std::collections::HashMap;
        use std::sync::{LazyLock, Mutex};
        static CACHE: LazyLock<Mutex<HashMap<u32, String>>> = LazyLock::new(Default::default);
        CACHE.lock().unwrap().entry(id).or_insert_with(|| id.to_string()).clone()
    }
}

fn main() {
    assert_eq!(Names.get(1), "1");
}
