//! Helpers shared by the test binaries (each includes this file as a module
//! and uses what it needs).

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// Waits until `n` threads have arrived (or two seconds passed, so that the
/// ignored workers still finish when run on their own).
pub fn rendezvous(arrived: &AtomicUsize, n: usize) {
    arrived.fetch_add(1, Ordering::SeqCst);
    let deadline = Instant::now() + Duration::from_secs(2);
    while arrived.load(Ordering::SeqCst) < n && Instant::now() < deadline {
        thread::yield_now();
    }
}

/// The message of a caught panic.
pub fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|text| (*text).to_owned()))
        .unwrap_or_default()
}
