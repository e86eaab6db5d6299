//! A loom model of the lock-free steps counting relies on: the CAS that
//! publishes a counter's counts on its first creation, the push onto the
//! registry and the walk over it, and the claim and hand-over of owned lane
//! indices. It runs the crate's own `src/lockfree.rs`, with loom's atomics in
//! place of `core`'s:
//!
//! ```console
//! RUSTFLAGS="--cfg loom" cargo test -p leak_audit --test loom --release
//! ```
//!
//! Without `--cfg loom` this file is empty (normal `cargo test` runs skip it).
// `loom` is a cfg set by RUSTFLAGS, unknown to cargo's cfg checking.
#![allow(unexpected_cfgs)]
#![cfg(loom)]

mod sync {
    pub(crate) use loom::sync::atomic::{AtomicPtr, AtomicU64, Ordering};
}

#[allow(dead_code, unreachable_pub)]
#[path = "../src/lockfree.rs"]
mod lockfree;

use std::ptr;

use loom::cell::UnsafeCell;
use loom::sync::atomic::{AtomicUsize, Ordering};
use loom::thread;

use lockfree::Linked;
use sync::AtomicPtr;

/// A counter, as far as registration goes: its counts (placeholder until the
/// first creation) and its link in the registry.
struct Counter {
    id: usize,
    shards: AtomicPtr<Counts>,
    next: AtomicPtr<Counter>,
}

/// Counts, written (non-atomically, checked by loom) before publication.
struct Counts {
    zeroed: UnsafeCell<usize>,
}

impl Linked for Counter {
    fn next(&self) -> &AtomicPtr<Counter> {
        &self.next
    }
}

fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

/// `Counter::register`: allocate, initialise, publish; the winner pushes.
/// Returns the counts everyone must use, after reading their contents.
fn register(counter: &'static Counter, head: &'static AtomicPtr<Counter>, placeholder: *mut Counts) -> *mut Counts {
    let fresh = Box::into_raw(Box::new(Counts { zeroed: UnsafeCell::new(0) }));
    // SAFETY: not yet published, ours alone.
    unsafe { (*fresh).zeroed.with_mut(|value| *value = 7) };
    let counts = match lockfree::publish(&counter.shards, placeholder, fresh) {
        Ok(()) => {
            lockfree::push(head, counter);
            fresh
        }
        Err(winner) => {
            // SAFETY: `fresh` was not published.
            drop(unsafe { Box::from_raw(fresh) });
            assert!(!ptr::eq(winner, placeholder));
            winner
        }
    };
    // The winner's initialisation is visible (loom reports a data race if not).
    // SAFETY: published counts are never freed; only read after publication.
    assert_eq!(unsafe { (*counts).zeroed.with(|value| *value) }, 7);
    counts
}

fn ids(head: &AtomicPtr<Counter>) -> Vec<usize> {
    let mut ids = Vec::new();
    lockfree::for_each(head, |counter| ids.push(counter.id));
    ids
}

/// Two threads race to register the same counter while a third registers
/// another and a reader walks the registry: one allocation wins, both
/// racers use it, each counter is in the list exactly once, and a concurrent
/// walk sees a consistent list.
#[test]
fn registration_publishes_once_and_pushes_once() {
    loom::model(|| {
        let placeholder = Box::into_raw(Box::new(Counts { zeroed: UnsafeCell::new(0) }));
        let head: &'static AtomicPtr<Counter> = leak(AtomicPtr::new(ptr::null_mut()));
        let first = leak(Counter { id: 1, shards: AtomicPtr::new(placeholder), next: AtomicPtr::new(ptr::null_mut()) });
        let second =
            leak(Counter { id: 2, shards: AtomicPtr::new(placeholder), next: AtomicPtr::new(ptr::null_mut()) });

        let racer = thread::spawn(move || register(first, head, placeholder) as usize);
        let other = thread::spawn(move || register(second, head, placeholder) as usize);
        let reader = thread::spawn(move || {
            let seen = ids(head);
            assert!(seen.len() <= 2 && seen.iter().all(|id| [1, 2].contains(id)), "{seen:?}");
            let mut sorted = seen.clone();
            sorted.dedup();
            assert_eq!(sorted.len(), seen.len(), "{seen:?}");
        });
        let mine = register(first, head, placeholder) as usize;
        assert_eq!(racer.join().unwrap(), mine, "both racers count into the winner's counts");
        other.join().unwrap();
        reader.join().unwrap();

        let mut all = ids(head);
        all.sort_unstable();
        assert_eq!(all, [1, 2]);
    });
}

/// Owned lanes: threads claim an index from a pool of one, count into its
/// lane with a plain load and store (the single-writer update of the hot
/// path), and give it back; threads that find it taken count into the shared
/// lane atomically. No update is lost, whichever thread held the index.
#[test]
fn lane_claims_hand_over_every_count() {
    loom::model(|| {
        let pool: &'static sync::AtomicU64 = leak(sync::AtomicU64::new(0));
        let owned: &'static AtomicUsize = leak(AtomicUsize::new(0));
        let shared: &'static AtomicUsize = leak(AtomicUsize::new(0));

        let count = move || {
            if let Some(index) = lockfree::claim(pool, 1) {
                assert_eq!(index, 0);
                // Relaxed load and store: the owner is the only writer.
                let before = owned.load(Ordering::Relaxed);
                owned.store(before + 1, Ordering::Relaxed);
                lockfree::give_back(pool, index);
            } else {
                shared.fetch_add(1, Ordering::Relaxed);
            }
        };
        let threads: Vec<_> = (0..2).map(|_| thread::spawn(count)).collect();
        count();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(owned.load(Ordering::Relaxed) + shared.load(Ordering::Relaxed), 3);
        assert_eq!(pool.load(Ordering::Relaxed), 0);
    });
}
