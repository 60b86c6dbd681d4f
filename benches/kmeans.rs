//! k-means benchmarks (criterion, native). `cargo bench --bench kmeans`.
//!
//! Data: `hrlens bench-data 100000 16 0 7` (the same seeded table the browser
//! benchmark uses): 16 features around 8 centres. "Same start": the first 8
//! rows as initial centroids (all from one employee, so one true cluster:
//! a hard start that takes tens of iterations, as in the peers' comparison).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use hrlens::engine::sample::bench_table;
use hrlens::engine::segment::{
    fit, init, metrics, pca, segment, Algorithm, KChoice, KMeansParams, Points, SegmentOptions, Shard, Spec,
};

fn matrix(rows: usize) -> Vec<f64> {
    let ds = bench_table(rows, 16, 0, 7).unwrap();
    let cols: Vec<std::borrow::Cow<[f64]>> = (1..=16).map(|j| ds.numbers(&format!("f{j:02}")).unwrap()).collect();
    (0..rows).flat_map(|i| cols.iter().map(move |c| c[i])).collect()
}

fn kmeans(c: &mut Criterion) {
    let data = matrix(100_000);
    let start = data[..8 * 16].to_vec();
    let mut g = c.benchmark_group("kmeans 100k×16 k=8 same start");
    g.sample_size(10);
    for alg in [Algorithm::Hamerly, Algorithm::Lloyd] {
        let p = KMeansParams::new(8).init(start.clone()).algorithm(alg);
        g.bench_with_input(BenchmarkId::new("fit", alg.as_str()), &p, |b, p| b.iter(|| fit(&data, 16, p).unwrap()));
    }
    g.finish();

    // The browser benchmark's start (rows spread evenly through the data,
    // bench/shared.js kmeansInit) and tol 0: 98 iterations to convergence,
    // the run `make bench` times in wasm against ml-kmeans and scikit-learn.
    let n = data.len() / 16;
    let spread: Vec<f64> = (0..8).flat_map(|c| data[(c * 2 + 1) * n / 16 * 16..][..16].to_vec()).collect();
    let mut g = c.benchmark_group("kmeans 100k×16 k=8 browser-bench start, tol 0");
    g.sample_size(10);
    let p = KMeansParams::new(8).init(spread).tolerance(0.0).max_n_iterations(300).algorithm(Algorithm::Hamerly);
    g.bench_with_input(BenchmarkId::new("fit", "hamerly"), &p, |b, p| b.iter(|| fit(&data, 16, p).unwrap()));
    g.finish();

    let spec = Spec::of(&data, 16).unwrap();
    let points = Points::new(&data, &spec).unwrap();
    let mut g = c.benchmark_group("kmeans parts 100k×16 k=8");
    g.sample_size(20);
    g.bench_function("points (centre, f32)", |b| b.iter(|| Points::new(&data, &spec).unwrap()));
    g.bench_function("k-means++", |b| b.iter(|| init::kmeans_plus_plus(&points, 8, &mut init::run_rng(1, 0))));
    let centred: Vec<f64> = start.chunks(16).flat_map(|r| r.iter().zip(&spec.offset).map(|(v, o)| v - o)).collect();
    let mut shard = Shard::new(points.clone(), 0, &spec, 8, Algorithm::Hamerly).unwrap();
    g.bench_function("first assignment (full scan)", |b| {
        b.iter(|| {
            shard.reset();
            shard.step(&centred).unwrap()
        })
    });
    let fitted = fit(&data, 16, &KMeansParams::new(8).seed(1).n_runs(1)).unwrap();
    let labels = fitted.labels().to_vec();
    let sample = metrics::sample_rows(100_000, metrics::SILHOUETTE_SAMPLE, 1);
    g.bench_function("silhouette (10k sample)", |b| b.iter(|| metrics::silhouette(&points, &labels, 8, &sample)));
    g.bench_function("pca 2-D", |b| b.iter(|| pca::project(&points)));
    g.finish();

    let ds = bench_table(100_000, 16, 0, 7).unwrap();
    let features: Vec<String> = (1..=16).map(|j| format!("f{j:02}")).collect();
    let mut g = c.benchmark_group("segment 100k×16");
    g.sample_size(10);
    for k in [KChoice::Fixed(8), KChoice::Auto] {
        let opts = SegmentOptions { features: features.clone(), k, ..SegmentOptions::default() };
        let id = match k {
            KChoice::Fixed(k) => format!("k={k}, 10 restarts"),
            KChoice::Auto => "auto k=2..10, 3 restarts".into(),
        };
        g.bench_with_input(BenchmarkId::new("segment", id), &opts, |b, o| b.iter(|| segment(&ds, o).unwrap()));
    }
    g.finish();
}

criterion_group!(benches, kmeans);
criterion_main!(benches);
