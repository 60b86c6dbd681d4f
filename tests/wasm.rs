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

#[wasm_bindgen_test]
fn compact_columns_give_the_same_results_in_wasm() {
    let mut ds = digest::sample_dataset();
    for c in ds.columns_mut() {
        *c = c.clone().compacted();
    }
    assert!(ds.columns().iter().filter(|c| c.as_numbers().is_some_and(|n| n.is_scaled())).count() >= 5);
    assert_eq!(digest::digests_of(&ds), digest::digests());
}

#[wasm_bindgen_test]
fn many_strings_cross_intact_ascii_chinese_and_astral() {
    // Text columns and score ids leave in bulk (one text cut at UTF-16
    // offsets); every string must come back exactly, whatever its script.
    let names = ["E0001", "张伟", "Zoë", "𠮷野家", "Ωμέγα", "a,b", "x😀y", "李 娜"];
    let mut csv = String::from("工号,姓名,得分\n");
    let mut want = Vec::new();
    for i in 0..500 {
        let name = names[i % names.len()];
        let name = format!("{name}{i}");
        csv.push_str(&format!("E{i:04},\"{name}\",{}\n", i % 97));
        want.push(name);
    }
    let ds = Dataset::load(csv.as_bytes(), opts(r#"{"filename": "names.csv"}"#)).unwrap();
    let got: js_sys::Array = ds.column("姓名").unwrap().dyn_into().expect("string[]");
    assert_eq!(got.length(), 500);
    for (i, w) in want.iter().enumerate() {
        assert_eq!(got.get(i as u32).as_string().as_deref(), Some(w.as_str()), "row {i}");
    }
    let ids: js_sys::Array = ds.column("工号").unwrap().dyn_into().unwrap();
    assert_eq!(ids.get(499).as_string().as_deref(), Some("E0499"));
}

#[wasm_bindgen_test]
fn what_if_bands_and_ids_match_the_engine() {
    // setWeights builds bands from codes and reuses one ids array; each entry
    // must be the engine's own answer for the same weights.
    use hrlens::engine::score::{template, ScoreOptions, WhatIf};
    use std::collections::HashMap;
    let ds = Dataset::sample(opts(r#"{"employees": 300, "months": 3, "seed": 9}"#)).unwrap();
    let mut w = ds.what_if(JsValue::from_str("cs-manager-monthly"), JsValue::UNDEFINED).unwrap();
    let first = w.scores().unwrap();
    let r = w.set_weights(opts(r#"{"服务质量": 10, "客户反馈": 60}"#)).unwrap();
    assert!(prop(&r, "ids").loose_eq(&prop(&first, "ids")), "the same ids array within a session");

    let native =
        hrlens::engine::sample::sample(&hrlens::engine::sample::SampleOptions { employees: 300, months: 3, seed: 9 })
            .unwrap();
    let mut e = WhatIf::new(&native, &template("cs-manager-monthly").unwrap(), &ScoreOptions::default()).unwrap();
    let weights: HashMap<String, f64> = [("服务质量".to_owned(), 10.0), ("客户反馈".to_owned(), 60.0)].into();
    e.set_weights(&weights).unwrap();
    let s = e.scores();
    let (ids, band): (js_sys::Array, js_sys::Array) =
        (prop(&r, "ids").dyn_into().unwrap(), prop(&r, "band").dyn_into().unwrap());
    assert_eq!(band.length() as usize, s.len());
    let mut by_label = HashMap::<String, usize>::new();
    for i in 0..s.len() {
        assert_eq!(ids.get(i as u32).as_string().as_deref(), Some(s.ids[i].as_str()));
        let label = band.get(i as u32).as_string().expect("every band is a string");
        assert_eq!(label, s.band_of(i), "person {i}");
        *by_label.entry(label).or_default() += 1;
    }
    assert!(by_label.len() > 1, "several bands in use: {by_label:?}");
    for c in &s.band_counts {
        assert_eq!(by_label.get(&c.label).copied().unwrap_or(0), c.count, "band {}", c.label);
    }
}
