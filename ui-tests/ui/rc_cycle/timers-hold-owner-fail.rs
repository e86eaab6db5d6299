#[leak_audit::leak_audit(deny(rc_cycle))]
mod association {
    use std::sync::{Arc, Mutex};

    pub struct Timer<T> {
        observer: Arc<Mutex<T>>,
    }

    #[derive(Default)]
    pub struct Association {
        retransmit: Option<Timer<Association>>,
        ack: Option<Timer<Association>>,
    }

    pub fn arm(this: &Arc<Mutex<Association>>) {
        let mut me = this.lock().unwrap();
        me.retransmit = Some(Timer { observer: this.clone() });
        me.ack = Some(Timer { observer: this.clone() });
    }
}

fn main() {
    let association = std::sync::Arc::new(std::sync::Mutex::new(association::Association::default()));
    association::arm(&association);
}
