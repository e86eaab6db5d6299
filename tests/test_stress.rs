//! Several threads creating and dropping millions of counted values, some
//! handed over between threads, end with exact counts: every creation and
//! every drop is counted once, whatever thread does it.
//!
//! Its own test binary: it checks global counts.

use std::sync::mpsc;
use std::thread;

use leak_audit::{count, snapshot};

#[leak_audit::leak_audit]
mod model {
    pub struct Particle {
        pub id: u64,
    }

    pub fn particle(id: u64) -> Particle {
        Particle { id }
    }

    pub struct Spark {
        pub id: u64,
    }

    pub fn spark(id: u64) -> Spark {
        Spark { id }
    }
}

const THREADS: u64 = 4;
/// Debug builds are slower; the count still runs into the millions.
const PER_THREAD: u64 = if cfg!(debug_assertions) { 1_000_000 } else { 2_000_000 };

#[test]
fn should_end_exact_after_millions_of_concurrent_creations_and_drops() {
    let (send, receive) = mpsc::channel::<Vec<model::Particle>>();
    let workers: Vec<_> = (0..THREADS)
        .map(|thread| {
            let send = send.clone();
            thread::spawn(move || {
                let mut checksum = 0;
                let mut batch = Vec::with_capacity(64);
                for i in 0..PER_THREAD {
                    let particle = model::particle(thread * PER_THREAD + i);
                    checksum += particle.id % 7;
                    if i % 64 == 0 {
                        // Every 64th value is dropped on the receiving thread.
                        batch.push(particle);
                        if batch.len() == 64 {
                            send.send(std::mem::replace(&mut batch, Vec::with_capacity(64))).unwrap();
                        }
                    }
                }
                send.send(batch).unwrap();
                checksum
            })
        })
        .collect();
    drop(send);
    let receiver = thread::spawn(move || receive.into_iter().map(|batch| batch.len() as u64).sum::<u64>());
    let checksum: u64 = workers.into_iter().map(|worker| worker.join().unwrap()).sum();
    let handed_over = receiver.join().unwrap();

    assert!(checksum > 0);
    assert_eq!(handed_over, THREADS * PER_THREAD.div_ceil(64));
    let stats = snapshot();
    let particle = stats.get::<model::Particle>().unwrap();
    let total = usize::try_from(THREADS * PER_THREAD).unwrap();
    assert_eq!(particle.created, total);
    assert_eq!(particle.dropped, total);
    assert_eq!(particle.live, 0);
    assert_eq!(count::<model::Particle>(), 0);
    assert!(particle.peak >= 1);
}

#[test]
fn should_stay_exact_when_more_threads_than_shards_count_at_once() {
    // 40 live threads at once: more than the 32 owned shards, so some count
    // through the shared shard.
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(40));
    let threads: Vec<_> = (0..40)
        .map(|_| {
            let barrier = barrier.clone();
            thread::spawn(move || {
                let kept: Vec<_> = (0..1000).map(model::spark).collect();
                barrier.wait();
                let extra: Vec<_> = (0..1000).map(model::spark).collect();
                drop(extra);
                kept
            })
        })
        .collect();
    let kept: Vec<Vec<model::Spark>> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert_eq!(count::<model::Spark>(), 40_000);
    assert_eq!(kept.iter().flatten().map(|spark| spark.id).max(), Some(999));
    drop(kept);
    let spark = snapshot().get::<model::Spark>().cloned().unwrap();
    assert_eq!((spark.live, spark.created, spark.dropped), (0, 80_000, 80_000));
    assert!(spark.peak >= 40_000, "{spark:?}");
}
