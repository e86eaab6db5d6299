//! Engine speed on a large generated module (500 types, about 10k lines).
//!
//! The baseline measured in the same run is `syn::parse_file` of the same
//! source: the cost every syn-based tool pays. The figures to read are the
//! analysis time per 1,000 lines and its ratio to parsing.
//!
//! `cargo bench -p leak_audit_engine --bench analyze`

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use leak_audit_engine::{analyze, Config, FileId, Source};

#[path = "support/generate.rs"]
mod generate;

fn bench(c: &mut Criterion) {
    let source = generate::module_body(500);
    let lines = generate::lines(&source);
    let file = syn::parse_file(&source).expect("generated source parses");
    let config = Config::default();

    let mut group = c.benchmark_group(format!("engine/500 types, {lines} lines"));
    group.sample_size(20).measurement_time(Duration::from_secs(8));
    group.bench_function("parse (baseline)", |b| b.iter(|| syn::parse_file(black_box(&source)).unwrap()));
    group.bench_function("analyze", |b| b.iter(|| analyze(&[Source::new(FileId(0), black_box(&file.items))], &config)));
    group.finish();

    let dense = syn::parse_file(&generate::dense_graph(600)).expect("generated source parses");
    let mut group = c.benchmark_group("engine/600 types in one strongly connected component");
    group.sample_size(10).measurement_time(Duration::from_secs(8));
    group
        .bench_function("analyze", |b| b.iter(|| analyze(&[Source::new(FileId(0), black_box(&dense.items))], &config)));
    group.finish();

    // A plain summary with the ratio, from medians of repeated runs.
    let parse = median(|| {
        black_box(syn::parse_file(&source).unwrap());
    });
    let analysis = median(|| {
        black_box(analyze(&[Source::new(FileId(0), &file.items)], &config));
    });
    let findings = analyze(&[Source::new(FileId(0), &file.items)], &config).findings.len();
    println!(
        "summary: {lines} lines, {findings} findings; parse {:.2} ms, analyze {:.2} ms = {:.3} ms per 1,000 lines, {:.2}x parse",
        ms(parse),
        ms(analysis),
        ms(analysis) * 1000.0 / lines as f64,
        analysis.as_secs_f64() / parse.as_secs_f64(),
    );
}

fn median(mut run: impl FnMut()) -> Duration {
    let mut times: Vec<Duration> = (0..15)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .collect();
    times.sort();
    times[times.len() / 2]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

criterion_group!(benches, bench);
criterion_main!(benches);
