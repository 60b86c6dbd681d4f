//! Arbitrary scorecard JSON: parsed, validated and scored on a small sample,
//! or rejected with a `ParamError`; totals always in 0..100.
#![no_main]
use std::sync::OnceLock;

use hrlens::engine::sample::{sample, SampleOptions};
use hrlens::engine::score::{score, ScoreOptions, Scorecard, WhatIf};
use hrlens::engine::{Dataset, ErrorKind};
use libfuzzer_sys::fuzz_target;

fn data() -> Option<&'static Dataset> {
    static DS: OnceLock<Option<Dataset>> = OnceLock::new();
    DS.get_or_init(|| sample(&SampleOptions { employees: 40, months: 3, seed: 1 }).ok()).as_ref()
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else { return };
    let Some(ds) = data() else { return };
    let card = match Scorecard::from_json(text) {
        Ok(c) => c,
        Err(e) => {
            assert_eq!(e.kind, ErrorKind::Param);
            return;
        }
    };
    for opts in
        [ScoreOptions::default(), ScoreOptions { period: Some("2023-02".into()), group_by: Some("区域".into()) }]
    {
        match score(ds, std::slice::from_ref(&card), &opts) {
            Ok(s) => assert!(s.total.iter().all(|t| t.is_nan() || (0.0..=100.0).contains(t)), "{:?}", s.total),
            Err(e) => assert!(matches!(e.kind, ErrorKind::Param | ErrorKind::Limit), "{e:?}"),
        }
        if let Ok(w) = WhatIf::new(ds, &card, &opts) {
            let _ = w.sensitivity();
        }
    }
});
