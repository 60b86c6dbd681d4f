//! Monthly trend aggregation natively: mean per department per month with
//! moving average, MoM, YoY, slope, comparison and forecast (`trend`), and
//! the alert rules the browser bench runs (`alerts`, without explanations
//! and with them). Run by `make bench`; results land in BENCHMARKS.md.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, Throughput};
use hrlens::engine::trend::{alerts, trend, AlertRule, TrendOptions};

mod common;

fn rules(explain: bool) -> Vec<AlertRule> {
    vec![AlertRule {
        metric: "k01".into(),
        by: Some("部门".into()),
        below: Some(65.0),
        consecutive_declines: Some(3),
        drop_pct: Some(5.0),
        explain: Some(explain),
        ..AlertRule::default()
    }]
}

fn monthly(c: &mut Criterion) {
    let mut g = c.benchmark_group("trend");
    g.sample_size(10).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    for employees in common::sizes(&[10_000, 100_000]) {
        let months = 12;
        let rows = employees * months;
        let ds = common::table(employees, months, 12);
        g.throughput(Throughput::Elements(rows as u64));
        let id = format!("{employees}x{months}");
        let opts = TrendOptions { metric: "k01".into(), by: Some("部门".into()), ..TrendOptions::default() };
        // The dataset keeps month offsets and panels for later calls: the
        // `_first` benches run each call on a fresh clone (the clone is not
        // timed), the others repeat the request on a warm dataset.
        g.bench_with_input(BenchmarkId::new("by_department_first", &id), &rows, |b, _| {
            b.iter_batched(|| ds.clone(), |d| black_box(trend(&d, &opts).unwrap().len()), BatchSize::LargeInput)
        });
        g.bench_with_input(BenchmarkId::new("by_department", &id), &rows, |b, _| {
            b.iter(|| black_box(trend(&ds, &opts).unwrap().len()))
        });
        let plain = rules(false);
        g.bench_with_input(BenchmarkId::new("trend_then_alerts_first", &id), &rows, |b, _| {
            b.iter_batched(
                || ds.clone(),
                |d| black_box(trend(&d, &opts).unwrap().len() + alerts(&d, &plain).unwrap().len()),
                BatchSize::LargeInput,
            )
        });
        g.bench_with_input(BenchmarkId::new("alerts", &id), &rows, |b, _| {
            b.iter(|| black_box(alerts(&ds, &plain).unwrap().len()))
        });
        let explained = rules(true);
        g.bench_with_input(BenchmarkId::new("alerts_explained", &id), &rows, |b, _| {
            b.iter(|| black_box(alerts(&ds, &explained).unwrap().len()))
        });
    }
    g.finish();
}

criterion_group!(benches, monthly);
criterion_main!(benches);
