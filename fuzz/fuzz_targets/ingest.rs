//! Any bytes, any load options: `Ok` or a clear `Err`, never a panic; when it
//! loads, every column has one value per row.
#![no_main]
use hrlens::engine::ingest::{load, LoadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the options, so the fuzzer explores them too.
    let (pick, bytes) = data.split_first().map_or((0, data), |(p, rest)| (*p, rest));
    let opts = LoadOptions {
        filename: Some(["f.csv", "f.xlsx", "f.json", "f.txt"][usize::from(pick & 3)].into()),
        encoding: [None, Some("utf-8"), Some("gb18030"), Some("auto")][usize::from((pick >> 2) & 3)].map(str::to_owned),
        delimiter: [None, Some(","), Some(";"), Some("\t")][usize::from((pick >> 4) & 3)].map(str::to_owned),
        ..LoadOptions::default()
    };
    if let Ok(ds) = load(bytes, &opts) {
        for c in ds.columns() {
            assert_eq!(c.len(), ds.row_count(), "column {} has a wrong length", c.name);
        }
        let _ = ds.summary();
    }
});
