#[leak_audit::leak_audit(deny)]
pub static PLUGINS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn main() {}
