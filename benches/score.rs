//! What-if re-scoring natively: new weights → weighted sum, rank, bands
//! (`WhatIf::set_weights`: two dimension weights, as the browser bench, and
//! one indicator weight), and a fresh `score` (normalise + all of that).
//! Run by `make bench`; results land in BENCHMARKS.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use hrlens::engine::score::{score, ScoreOptions, WhatIf};

mod common;

fn what_if(c: &mut Criterion) {
    let mut g = c.benchmark_group("score");
    g.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    for n in common::sizes(&[100_000, 1_000_000]) {
        let kpis = 12;
        let ds = common::table(n, 1, kpis);
        let card = common::card(kpis);
        let opts = ScoreOptions::default();
        g.throughput(Throughput::Elements(n as u64));
        let mut w = WhatIf::new(&ds, &card, &opts).unwrap();
        // Alternate two weightings so every call really moves people.
        let a: HashMap<String, f64> = [("D1".to_string(), 40.0), ("D4".to_string(), 10.0)].into();
        let b: HashMap<String, f64> = [("D1".to_string(), 10.0), ("D4".to_string(), 40.0)].into();
        let mut flip = false;
        g.bench_with_input(BenchmarkId::new("set_weights", format!("{n}x{kpis}")), &n, |bch, _| {
            bch.iter(|| {
                flip = !flip;
                black_box(w.set_weights(if flip { &a } else { &b }).unwrap().band_changes)
            })
        });
        // An indicator weight: its dimension's scores are recomputed too.
        let c: HashMap<String, f64> = [("D1/k01".to_string(), 5.0)].into();
        let d: HashMap<String, f64> = [("D1/k01".to_string(), 1.0)].into();
        g.bench_with_input(BenchmarkId::new("set_weights_indicator", format!("{n}x{kpis}")), &n, |bch, _| {
            bch.iter(|| {
                flip = !flip;
                black_box(w.set_weights(if flip { &c } else { &d }).unwrap().band_changes)
            })
        });
        g.bench_with_input(BenchmarkId::new("score", format!("{n}x{kpis}")), &n, |bch, _| {
            bch.iter(|| black_box(score(&ds, std::slice::from_ref(&card), &opts).unwrap().total.len()))
        });
    }
    g.finish();
}

criterion_group!(benches, what_if);
criterion_main!(benches);
