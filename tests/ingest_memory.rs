//! Memory: a streamed CSV is held as columns (peak at most about three times
//! its numeric payload), and a file too big for the memory budget fails early
//! with a `LimitError` that says how big is too big; compact storage holds
//! the same values in about half the memory, and starts by itself for big files.
//!
//! The peak is the process's resident high-water mark (Linux `VmHWM`, reset
//! through `/proc/self/clear_refs`), so this file holds one test that
//! measures it, run alone in its own binary; elsewhere it prints SKIPPED.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod ingest_support;

use hrlens::engine::ingest::{load, LimitOptions, LoadOptions, StreamLoader};
use hrlens::engine::sample::bench_table;
use hrlens::engine::{Dataset, ErrorKind};

/// The benchmark shape (`hrlens bench-data ROWS 16 0 7`): id, department, level, month, 16 features.
fn bench_csv(rows: usize) -> Vec<u8> {
    let ds = bench_table(rows, 16, 0, 7).unwrap();
    let mut w = csv::Writer::from_writer(Vec::with_capacity(rows * 120));
    w.write_record(ds.columns().iter().map(|c| c.name.as_str())).unwrap();
    let mut rec: Vec<String> = Vec::new();
    for r in 0..ds.row_count() {
        rec.clear();
        rec.extend(ds.columns().iter().map(|c| c.display(r).map(|s| s.into_owned()).unwrap_or_default()));
        w.write_record(&rec).unwrap();
    }
    w.into_inner().unwrap()
}

fn stream(bytes: &[u8], opts: &LoadOptions) -> Result<Dataset, hrlens::engine::Error> {
    let mut s = StreamLoader::new(opts)?;
    for c in bytes.chunks(1 << 20) {
        s.push(c)?;
    }
    s.finish()
}

#[test]
fn streaming_keeps_memory_columnar_and_the_budget_fails_early() {
    let rows = 100_000;
    let bytes = bench_csv(rows);
    let payload = (rows * 20 * 8) as u64;
    let opts = LoadOptions { size: Some(bytes.len() as u64), ..LoadOptions::default() };

    // 1. Peak memory while streaming, over what was resident before.
    if ingest_support::reset_peak() {
        let base = ingest_support::rss().unwrap();
        let ds = stream(&bytes, &opts).unwrap();
        let peak = ingest_support::peak_rss().unwrap();
        let grew = peak.saturating_sub(base);
        eprintln!(
            "{} MB CSV, numeric payload {} MB: peak grew {} MB ({:.2}×), columns hold {} MB",
            bytes.len() >> 20,
            payload >> 20,
            grew >> 20,
            grew as f64 / payload as f64,
            ds.heap_bytes() >> 20
        );
        assert_eq!(ds.row_count(), rows);
        assert!(grew <= 3 * payload, "peak grew {grew} bytes for a numeric payload of {payload}");
        assert!((ds.heap_bytes() as u64) < payload * 11 / 10, "columns hold {} bytes", ds.heap_bytes());
        // The whole-file load gives the same dataset.
        assert!(load(&bytes, &LoadOptions::default()).unwrap() == ds);
    } else {
        eprintln!("SKIPPED: peak memory needs Linux /proc/self/clear_refs");
    }

    // 2. A declared size far beyond the budget fails with the first chunk, saying how big is too big.
    let huge = LoadOptions { size: Some(400 << 30), ..LoadOptions::default() };
    let mut s = StreamLoader::new(&huge).unwrap();
    let e = s.push(&bytes[..1 << 20]).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Limit);
    let msg = e.to_string();
    assert!(msg.contains("memory budget") && msg.contains("up to about"), "{msg}");
    assert!(e.to_zh().contains("内存预算"), "{}", e.to_zh());

    // 3. A small budget: with the size known, early; without it, at the line where it runs out.
    let limits = Some(LimitOptions { memory_budget: Some(4 << 20), ..LimitOptions::default() });
    let e = stream(
        &bytes,
        &LoadOptions { size: Some(bytes.len() as u64), limits: limits.clone(), ..LoadOptions::default() },
    )
    .unwrap_err();
    assert_eq!(e.kind, ErrorKind::Limit);
    assert!(e.to_string().contains("MB"), "{e}");
    let e = stream(&bytes, &LoadOptions { limits, ..LoadOptions::default() }).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Limit);
    assert!(e.line.is_some_and(|l| l > 1000 && l < rows as u64), "{e}");
    assert!(e.to_string().contains("stopped at line"), "{e}");

    // 4. Compact storage: the same values in about half the memory, so a
    // budget the f64 columns overrun holds the compact ones.
    let plain = stream(&bytes, &opts).unwrap();
    let compact = stream(&bytes, &LoadOptions { compact: Some(true), ..opts.clone() }).unwrap();
    assert!(compact == plain);
    let (p, c) = (plain.heap_bytes() as u64, compact.heap_bytes() as u64);
    eprintln!("columns: {} MB as f64, {} MB compact", p >> 20, c >> 20);
    assert!(c * 10 < p * 6, "compact columns hold {c} bytes, f64 ones {p}");
    let tight = Some(LimitOptions { memory_budget: Some(p * 8 / 10), ..LimitOptions::default() });
    let tight_opts = |compact| LoadOptions { compact: Some(compact), limits: tight.clone(), ..LoadOptions::default() };
    assert_eq!(stream(&bytes, &tight_opts(false)).unwrap_err().kind, ErrorKind::Limit);
    assert!(stream(&bytes, &tight_opts(true)).unwrap() == plain);

    // 5. Without the option, compact storage starts where the size says about 32M number cells.
    let scaled = |ds: &Dataset| ds.columns().iter().filter(|c| c.as_numbers().is_some_and(|n| n.is_scaled())).count();
    assert_eq!(scaled(&plain), 0);
    let big = LoadOptions { size: Some(bytes.len() as u64 * 20), ..LoadOptions::default() };
    let auto = stream(&bytes, &big).unwrap();
    assert!(auto == plain);
    assert!(scaled(&auto) >= 18, "{} columns scaled", scaled(&auto));
}
