//! Exports give the same bytes natively and in wasm: this test pins the
//! SHA-256 of a fixed CSV and XLSX export (regenerate with
//! `HRLENS_BLESS=1 cargo test --test export`), and tests/js/export.test.mjs
//! checks that the wasm facade writes exactly those bytes for the same table.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use hrlens::engine::export::{csv::write_csv, pseudonym::PseudonymOptions, xlsx::write_xlsx, ExportOptions, Table};
use hrlens::engine::sample::{sample, SampleOptions};
use sha2::{Digest, Sha256};

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/testdata/export_sha256.json");
const NOTES: [&str; 4] = ["张伟", "=cmd|' /C calc'!A0", "a,\"b\"\nc", ""];

/// The same table the JS test builds: sample CSAT (200 × 12, seed 5), ids, awkward notes.
fn table() -> Table {
    let ds = sample(&SampleOptions { employees: 200, months: 12, seed: 5 }).unwrap();
    let csat = ds.numbers("客户满意度").unwrap().to_vec();
    let n = csat.len();
    let mut t = Table::new("golden")
        .with_texts("工号", (0..n).map(|i| format!("E{:05}", i % 200)))
        .with_numbers("客户满意度", &csat)
        .with_texts(
            "备注",
            (0..n).map(|i| format!("{}{}", NOTES[i % 4], if i % 4 == 3 { String::new() } else { i.to_string() })),
        );
    t.columns[1].num_format = Some("0.0".into());
    t
}

fn sha(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn export_bytes_are_pinned() {
    let t = table();
    let pseudo = ExportOptions {
        pseudonymize: Some(PseudonymOptions {
            columns: vec!["工号".into()],
            secret: "golden-secret-0123456789".into(),
            prefix: None,
        }),
        ..ExportOptions::default()
    };
    let csv = write_csv(&t, &pseudo).unwrap();
    let xlsx = write_xlsx(std::slice::from_ref(&t), &ExportOptions::default()).unwrap();
    let expected = format!("{{\n  \"csv\": \"{}\",\n  \"xlsx\": \"{}\"\n}}\n", sha(&csv), sha(&xlsx));
    if std::env::var_os("HRLENS_BLESS").is_some() {
        std::fs::write(GOLDEN, &expected).unwrap();
    }
    let stored = std::fs::read_to_string(GOLDEN).unwrap();
    assert_eq!(stored, expected, "export bytes changed: re-bless and check the wasm test still passes");
}
