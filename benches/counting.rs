//! Counted versus plain, measured in the same run.
//!
//! Each workload runs over an identical counted and uncounted type (see
//! `lib.rs`). criterion reports both; after it, an interleaved A/B loop prints
//! the ratio counted/plain (median over rounds that alternate the two, so
//! that drift on a shared machine hits both sides alike).
//!
//! Run with `cargo bench -p leak_audit_benches`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, BenchmarkId, Criterion};
use leak_audit_benches::{counted, floor, plain};

const TREE_DEPTH: u32 = 20; // 2^20 - 1 = 1,048,575 nodes
const POINTS: u32 = 1_000_000;
const MESSAGES: u64 = 1_000_000;

fn rc_tree_counted() -> u64 {
    let tree = counted::tree(TREE_DEPTH, 1);
    counted::sum(&tree)
}

fn rc_tree_plain() -> u64 {
    let tree = plain::tree(TREE_DEPTH, 1);
    plain::sum(&tree)
}

fn two_threads(churn: fn(u64) -> u64) -> u64 {
    std::thread::scope(|scope| {
        let other = scope.spawn(move || churn(black_box(MESSAGES)));
        churn(black_box(MESSAGES)) + other.join().unwrap()
    })
}

fn benches(c: &mut Criterion) {
    let mut group = c.benchmark_group("rc_tree_1m_build_drop");
    group.sample_size(20);
    group.bench_function(BenchmarkId::new("plain", TREE_DEPTH), |b| b.iter(rc_tree_plain));
    group.bench_function(BenchmarkId::new("counted", TREE_DEPTH), |b| b.iter(rc_tree_counted));
    group.finish();

    let mut group = c.benchmark_group("stack_values_1m");
    group.bench_function("plain", |b| b.iter(|| plain::points(black_box(POINTS))));
    group.bench_function("counted", |b| b.iter(|| counted::points(black_box(POINTS))));
    group.finish();

    let mut group = c.benchmark_group("two_threads_boxed_1m_each");
    group.sample_size(20);
    group.bench_function("plain", |b| b.iter(|| two_threads(plain::churn)));
    group.bench_function("counted", |b| b.iter(|| two_threads(counted::churn)));
    group.finish();
}

criterion_group!(group, benches);

/// Median of counted/plain time over `rounds` alternating runs.
fn ratio<A: FnMut() -> u64, B: FnMut() -> u64>(
    rounds: usize,
    mut plain: A,
    mut counted: B,
) -> (f64, Duration, Duration) {
    let mut ratios = Vec::with_capacity(rounds);
    let (mut plain_total, mut counted_total) = (Duration::ZERO, Duration::ZERO);
    for round in 0..rounds {
        let time = |f: &mut dyn FnMut() -> u64| {
            let start = Instant::now();
            black_box(f());
            start.elapsed()
        };
        // Alternate which side goes first.
        let (p, c) = if round % 2 == 0 {
            let p = time(&mut plain);
            (p, time(&mut counted))
        } else {
            let c = time(&mut counted);
            (time(&mut plain), c)
        };
        plain_total += p;
        counted_total += c;
        ratios.push(c.as_secs_f64() / p.as_secs_f64());
    }
    ratios.sort_by(f64::total_cmp);
    let rounds = u32::try_from(rounds).unwrap_or(u32::MAX);
    (ratios[ratios.len() / 2], plain_total / rounds, counted_total / rounds)
}

fn main() {
    group();
    Criterion::default().configure_from_args().final_summary();

    // `cargo test --benches` runs this binary with `--test`: keep it short.
    let quick = std::env::args().any(|arg| arg == "--test");
    let rounds = if quick { 1 } else { 41 };
    println!("\ncounted / plain, median of {rounds} interleaved rounds:");
    let report = |name: &str, goal: f64, (ratio, plain, counted): (f64, Duration, Duration)| {
        println!(
            "{name:<32} plain {:>9.3} ms  counted {:>9.3} ms  ratio {ratio:.3}x  (goal <= {goal:.2}x)",
            plain.as_secs_f64() * 1e3,
            counted.as_secs_f64() * 1e3
        );
    };
    report("rc_tree_1m_build_drop", 1.03, ratio(rounds, rc_tree_plain, rc_tree_counted));
    report(
        "stack_values_1m",
        1.5,
        ratio(rounds, || plain::points(black_box(POINTS)), || counted::points(black_box(POINTS))),
    );
    let (ratio_floor, plain_floor, floor_time) =
        ratio(rounds, || plain::points(black_box(POINTS)), || floor::points(black_box(POINTS)));
    println!(
        "{:<32} plain {:>9.3} ms  floor   {:>9.3} ms  ratio {ratio_floor:.3}x  (floor: two static counters, see `floor`)",
        "stack_values_1m (floor)",
        plain_floor.as_secs_f64() * 1e3,
        floor_time.as_secs_f64() * 1e3
    );
    report(
        "two_threads_boxed_1m_each",
        1.10,
        ratio(rounds, || two_threads(plain::churn), || two_threads(counted::churn)),
    );
}
