//! Fixes the checksums the wasm tests compare against, so native and wasm
//! must agree bit for bit (regenerate with `HRLENS_BLESS=1 cargo test --test native_checksums`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
use hrlens::engine::sample::{sample, SampleOptions};

fn csat_checksum() -> u64 {
    let ds = sample(&SampleOptions { employees: 200, months: 12, seed: 5 }).unwrap();
    ds.numbers("客户满意度").unwrap().iter().fold(0u64, |h, x| h.rotate_left(5) ^ x.to_bits())
}

#[test]
fn wasm_checksums_match_native() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/common/wasm_checksums.rs");
    let expected = format!("pub const CSAT_200_12_5: u64 = {};\n", csat_checksum());
    if std::env::var_os("HRLENS_BLESS").is_some() {
        std::fs::write(path, &expected).unwrap();
    }
    let stored = std::fs::read_to_string(path).unwrap();
    assert_eq!(stored, expected, "native results changed: re-bless and check the wasm tests still pass");
}
