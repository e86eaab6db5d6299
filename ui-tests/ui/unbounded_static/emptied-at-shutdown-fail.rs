#[leak_audit::leak_audit(deny(unbounded_static))]
mod components {
    use std::sync::mpsc::{channel, Receiver, Sender};
    use std::sync::Mutex;

    static SENDERS: Mutex<Vec<Sender<()>>> = Mutex::new(Vec::new());

    pub fn spawn_component() -> Receiver<()> {
        let (tx, rx) = channel();
        SENDERS.lock().unwrap().push(tx);
        rx
    }

    pub fn shutdown_all() {
        for sender in SENDERS.lock().unwrap().drain(..) {
            let _ = sender.send(());
        }
    }
}

fn main() {
    let _rx = components::spawn_component();
    components::shutdown_all();
}
