//! Ingest throughput natively: `cargo bench --bench ingest`.
//!
//! The data is the seeded HR-shaped table `hrlens bench-data ROWS 16 0 7`
//! writes (id, department, job level, month, 16 numeric features: 20
//! columns), built once outside the timed loop. Throughput is reported in
//! bytes of CSV per second. Set `HRLENS_BENCH_ROWS=1000000` for the 1M-row
//! (118 MB) size of BENCHMARKS.md; the default is 100k rows so a casual run
//! stays short.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use hrlens::engine::ingest::{load, LoadOptions, StreamLoader};
use hrlens::engine::sample::bench_table;
use hrlens::engine::Dataset;

fn to_csv(ds: &Dataset) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let cols = ds.columns();
    w.write_record(cols.iter().map(|c| c.name.as_str())).ok();
    for row in 0..ds.row_count() {
        let rec: Vec<String> =
            cols.iter().map(|c| c.display(row).map(|s| s.into_owned()).unwrap_or_default()).collect();
        w.write_record(&rec).ok();
    }
    w.into_inner().unwrap_or_default()
}

fn ingest(c: &mut Criterion) {
    let rows: usize = std::env::var("HRLENS_BENCH_ROWS").ok().and_then(|s| s.parse().ok()).unwrap_or(100_000);
    let Ok(table) = bench_table(rows, 16, 0, 7) else { return };
    let bytes = to_csv(&table);
    drop(table);
    let mut g = c.benchmark_group("ingest");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    let label = format!("{rows}x20");
    g.bench_with_input(BenchmarkId::new("load_csv", &label), &bytes, |b, bytes| {
        b.iter(|| load(bytes, &LoadOptions::default()).map(|d| d.row_count()).unwrap_or(0))
    });
    g.bench_with_input(BenchmarkId::new("stream_csv_1MiB_chunks", &label), &bytes, |b, bytes| {
        b.iter(|| {
            let opts = LoadOptions { size: Some(bytes.len() as u64), ..LoadOptions::default() };
            let Ok(mut s) = StreamLoader::new(&opts) else { return 0 };
            for chunk in bytes.chunks(1 << 20) {
                if s.push(chunk).is_err() {
                    return 0;
                }
            }
            s.finish().map(|d| d.row_count()).unwrap_or(0)
        })
    });
    g.bench_with_input(BenchmarkId::new("csv_crate_records_only", &label), &bytes, |b, bytes| {
        // The floor: rust-csv reading byte records, no typing, no columns.
        b.iter(|| {
            let mut r = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
            let mut rec = csv::ByteRecord::new();
            let mut n = 0usize;
            while r.read_byte_record(&mut rec).unwrap_or(false) {
                n += rec.len();
            }
            n
        })
    });
    g.finish();
}

criterion_group!(benches, ingest);
criterion_main!(benches);
