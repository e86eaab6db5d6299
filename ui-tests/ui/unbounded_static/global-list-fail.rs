#[leak_audit::leak_audit(deny(unbounded_static))]
mod history {
    use std::sync::Mutex;

    static REQUESTS: Mutex<Vec<String>> = Mutex::new(Vec::new());

    pub fn handle(request: &str) {
        REQUESTS.lock().unwrap().push(request.to_owned());
    }
}

fn main() {
    history::handle("GET /");
}
