//! Properties of ingest on arbitrary input: any byte string loads or gives an
//! error, never a panic; every data record of the file is either a row of the
//! dataset or stands in a warning (nothing dropped silently); and streaming
//! the same bytes in any chunking gives the same result as loading them whole.
#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use proptest::prelude::*;

use hrlens::engine::ingest::{load, LoadOptions, StreamLoader};
use hrlens::engine::{Dataset, Error};

fn stream(bytes: &[u8], chunk: usize) -> Result<Dataset, Error> {
    let mut s = StreamLoader::new(&LoadOptions::default())?;
    for c in bytes.chunks(chunk.max(1)) {
        s.push(c)?;
    }
    s.finish()
}

/// Records a CSV reader finds (rust-csv, quotes respected, empty lines skipped).
fn records(bytes: &[u8], delimiter: u8) -> u64 {
    let mut r = csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(bytes);
    r.byte_records().filter(|r| r.is_ok()).count() as u64
}

fn check(bytes: &[u8], chunk: usize) -> Result<(), TestCaseError> {
    let whole = load(bytes, &LoadOptions::default());
    let streamed = stream(bytes, chunk);
    match (&whole, &streamed) {
        (Ok(a), Ok(b)) => prop_assert!(a == b, "streaming in {}-byte chunks differs", chunk),
        (Err(a), Err(b)) => prop_assert_eq!(a.kind, b.kind),
        (a, b) => prop_assert!(false, "load {:?} but stream {:?}", a.as_ref().err(), b.as_ref().err()),
    }
    let Ok(ds) = whole else { return Ok(()) };
    // Accounting, for text read as UTF-8 CSV (where rust-csv sees the same records).
    let s = ds.source();
    if s.format == "csv" && s.encoding.as_deref() == Some("utf-8") && !s.bom && std::str::from_utf8(bytes).is_ok() {
        let warned: u64 = ds.warnings().iter().filter(|w| w.kind.skips_rows()).map(|w| w.count).sum();
        let header = u64::from(s.header_rows);
        let sep = s.skipped.iter().filter(|k| k.reason == "sep").count() as u64;
        let delimiter = s.delimiter.as_deref().and_then(|d| d.bytes().next()).unwrap_or(b',');
        let data = records(bytes, delimiter).saturating_sub(header);
        prop_assert!(
            ds.row_count() as u64 + warned + sep >= data,
            "{} rows + {} warned + {} sep < {} data records",
            ds.row_count(),
            warned,
            sep,
            data
        );
    }
    for w in ds.warnings() {
        prop_assert!(!w.message.en.is_empty() && !w.message.zh.is_empty());
    }
    Ok(())
}

fn csvish() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(
        prop_oneof![
            Just("a".as_bytes()),
            Just("工号".as_bytes()),
            Just(",".as_bytes()),
            Just(";".as_bytes()),
            Just("\t".as_bytes()),
            Just("\"".as_bytes()),
            Just("\n".as_bytes()),
            Just("\r\n".as_bytes()),
            Just("\r".as_bytes()),
            Just(" ".as_bytes()),
            Just("12".as_bytes()),
            Just("-3.5".as_bytes()),
            Just("1,234".as_bytes()),
            Just("85%".as_bytes()),
            Just("2024-03".as_bytes()),
            Just("7/5/2011".as_bytes()),
            Just("13/1/2020".as_bytes()),
            Just("N/A".as_bytes()),
            Just("合计".as_bytes()),
            Just("是".as_bytes()),
            Just("sep=;".as_bytes()),
            Just("0012".as_bytes()),
            Just(&[0xC4u8, 0xE3][..]),
            Just(&[0xFFu8][..]),
        ],
        0..120,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    // 300 cases by default (seconds); PROPTEST_CASES=20000 for a long hunt.
    #![proptest_config(ProptestConfig::with_cases(std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(300)))]

    #[test]
    fn any_bytes_load_or_fail_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..400), chunk in 1usize..64) {
        check(&bytes, chunk)?;
    }

    #[test]
    fn csv_like_text_accounts_for_every_record(bytes in csvish(), chunk in 1usize..64) {
        check(&bytes, chunk)?;
    }

    #[test]
    fn workbook_and_json_lookalikes_fail_cleanly(tail in proptest::collection::vec(any::<u8>(), 0..300), head in 0usize..3) {
        let prefix: &[u8] = [&b"PK\x03\x04"[..], &b"[{\"a\": "[..], &b"{\"columns\": ["[..]][head];
        let bytes = [prefix, &tail].concat();
        check(&bytes, 17)?;
    }
}
