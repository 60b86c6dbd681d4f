//! Every analysis of the sample gives the fingerprints stored in
//! `tests/common/digests.txt`; `tests/wasm.rs` checks the same file in wasm,
//! so native and wasm results agree bit for bit. Re-bless after an intended
//! change with `HRLENS_BLESS=1 cargo test --test determinism`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "common/digest.rs"]
mod digest;

#[test]
fn analyses_match_the_stored_digests() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/common/digests.txt");
    let now = digest::digests_text();
    if std::env::var_os("HRLENS_BLESS").is_some() {
        std::fs::write(path, &now).unwrap();
    }
    let stored = std::fs::read_to_string(path).unwrap();
    assert_eq!(stored, now, "results changed: check why, then re-bless and run the wasm tests");
}

#[test]
fn analyses_are_repeatable_in_one_process() {
    assert_eq!(digest::digests(), digest::digests());
}

#[test]
fn numbers_stored_as_scaled_decimals_give_the_same_results() {
    let mut ds = digest::sample_dataset();
    for c in ds.columns_mut() {
        *c = c.clone().compacted();
    }
    let scaled = ds.columns().iter().filter(|c| c.as_numbers().is_some_and(|n| n.is_scaled())).count();
    assert!(scaled >= 5, "only {scaled} columns of the sample are stored scaled");
    assert_eq!(digest::digests_of(&ds), digest::digests());
}
