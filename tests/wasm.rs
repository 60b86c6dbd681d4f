//! The facade in headless Chromium (wasm-bindgen-test): typed arrays out,
//! bad input arrives as a JS `Error` with a `name`, a message and a position.
#![cfg(target_arch = "wasm32")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use hrlens::wasm::Dataset;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn opts(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

fn error_of(v: JsValue) -> js_sys::Error {
    v.dyn_into::<js_sys::Error>().expect("a JS Error")
}

fn prop(v: &JsValue, k: &str) -> JsValue {
    js_sys::Reflect::get(v, &JsValue::from_str(k)).unwrap()
}

#[wasm_bindgen_test]
fn sample_numbers_come_out_as_float64_arrays() {
    let ds = Dataset::sample(opts(r#"{"employees": 50, "months": 6, "seed": 3}"#)).unwrap();
    assert_eq!(ds.row_count(), 300.0);
    let csat = ds.column("客户满意度").unwrap();
    let arr: js_sys::Float64Array = csat.dyn_into().expect("Float64Array");
    assert_eq!(arr.length(), 300);
    let months: js_sys::Array = ds.column("月份").unwrap().dyn_into().expect("string[]");
    assert_eq!(months.get(1).as_string().as_deref(), Some("2023-02"));
}

#[wasm_bindgen_test]
fn same_seed_same_data_in_the_browser() {
    let a = Dataset::sample(opts(r#"{"employees": 40, "months": 4, "seed": 11}"#)).unwrap();
    let b = Dataset::sample(opts(r#"{"employees": 40, "months": 4, "seed": 11}"#)).unwrap();
    let x: js_sys::Float64Array = a.column("质检得分").unwrap().dyn_into().unwrap();
    let y: js_sys::Float64Array = b.column("质检得分").unwrap().dyn_into().unwrap();
    let (x, y) = (x.to_vec(), y.to_vec());
    assert!(x.iter().zip(&y).all(|(p, q)| p.to_bits() == q.to_bits()));
}

#[wasm_bindgen_test]
fn native_and_wasm_agree_bit_for_bit() {
    // The checksum was computed natively (tests/native_checksums.rs keeps it
    // current); here the same engine call runs in wasm and must match it.
    let ds =
        hrlens::engine::sample::sample(&hrlens::engine::sample::SampleOptions { employees: 200, months: 12, seed: 5 })
            .unwrap();
    let sum: u64 = ds.numbers("客户满意度").unwrap().iter().fold(0u64, |h, x| h.rotate_left(5) ^ x.to_bits());
    assert_eq!(sum, hrlens_checksum::CSAT_200_12_5);
}

mod hrlens_checksum {
    include!("common/wasm_checksums.rs");
}

#[wasm_bindgen_test]
fn bad_csv_throws_a_named_error_with_position() {
    let err = Dataset::load(b"a,b\n1,2\n\xff\xfe,3\n", opts(r#"{"filename": "bad.csv", "encoding": "utf-8"}"#))
        .err()
        .expect("an error");
    let e = error_of(err);
    assert_eq!(e.name().as_string().as_deref(), Some("EncodingError"));
    let msg = e.message().as_string().unwrap();
    assert!(msg.contains("bad.csv") && msg.contains("line 3"), "{msg}");
    let v: JsValue = e.into();
    assert_eq!(prop(&v, "file").as_string().as_deref(), Some("bad.csv"));
    assert_eq!(prop(&v, "line").as_f64(), Some(3.0));
    assert!(prop(&v, "messageZh").as_string().unwrap().contains("UTF-8"));
}

#[wasm_bindgen_test]
fn bad_options_are_param_errors() {
    let e = error_of(Dataset::sample(opts(r#"{"employees": "many"}"#)).err().expect("an error"));
    assert_eq!(e.name().as_string().as_deref(), Some("ParamError"));
    let e = error_of(Dataset::sample(opts(r#"{"employees": 100000000}"#)).err().expect("an error"));
    assert_eq!(e.name().as_string().as_deref(), Some("LimitError"));
    let ds = Dataset::sample(opts(r#"{"employees": 5, "months": 1}"#)).unwrap();
    let e = error_of(ds.column("nope").expect_err("an error"));
    assert_eq!(e.name().as_string().as_deref(), Some("ParamError"));
}

#[path = "common/digest.rs"]
mod digest;

#[wasm_bindgen_test]
fn every_analysis_matches_native_bit_for_bit() {
    // tests/determinism.rs computes the same digests natively and keeps this file.
    let native = include_str!("common/digests.txt");
    let wasm = digest::digests_text();
    for (n, w) in native.lines().zip(wasm.lines()) {
        assert_eq!(n, w, "native (left) and wasm (right) differ");
    }
    assert_eq!(native.lines().count(), wasm.lines().count());
}
