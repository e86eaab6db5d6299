#![deny(deprecated)]

#[leak_audit::leak_audit]
mod jobs {
    use std::sync::{Arc, Mutex};
    pub struct Scheduler { pub jobs: Mutex<Vec<Arc<Job>>> }
    pub struct Job { pub scheduler: Mutex<Option<Arc<Scheduler>>> }
}

fn main() {}
