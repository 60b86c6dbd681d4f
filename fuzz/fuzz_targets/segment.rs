//! Arbitrary segment options and tier rules (JSON) on a small sample, and a
//! fixed k-means on arbitrary small tables: labels in range, finite
//! centroids, or a `ParamError`/`LimitError` — never a panic or a hang.
#![no_main]
use std::sync::OnceLock;

use hrlens::engine::ingest::{load, LoadOptions};
use hrlens::engine::sample::{sample, SampleOptions};
use hrlens::engine::segment::{segment, tier, KChoice, SegmentOptions, TierRules};
use hrlens::engine::{ColumnKind, Dataset, ErrorKind};
use libfuzzer_sys::fuzz_target;

fn data() -> Option<&'static Dataset> {
    static DS: OnceLock<Option<Dataset>> = OnceLock::new();
    DS.get_or_init(|| sample(&SampleOptions { employees: 60, months: 1, seed: 3 }).ok()).as_ref()
}

fn check(ds: &Dataset, opts: &SegmentOptions) {
    match segment(ds, opts) {
        Ok(s) => {
            assert_eq!(s.labels.len(), ds.row_count());
            assert!(s.labels.iter().all(|&l| (l as usize) < s.k || l == u32::MAX));
            assert!(s.centroids.iter().flatten().all(|c| c.is_finite()), "{:?}", s.centroids);
            assert!(s.inertia.is_finite() && s.inertia >= 0.0);
        }
        Err(e) => assert!(matches!(e.kind, ErrorKind::Param | ErrorKind::Limit), "{e:?}"),
    }
}

fuzz_target!(|bytes: &[u8]| {
    if let Some(ds) = data() {
        if let Ok(mut opts) = serde_json::from_slice::<SegmentOptions>(bytes) {
            // Keep each run small: the fuzzer looks for wrong answers, not slow ones.
            opts.k_max = opts.k_max.min(6);
            opts.restarts = opts.restarts.map(|r| r.min(3));
            opts.max_iter = opts.max_iter.min(50);
            if let KChoice::Fixed(k) = opts.k {
                if k > 20 {
                    return;
                }
            }
            check(ds, &opts);
        }
        if let Ok(rules) = serde_json::from_slice::<TierRules>(bytes) {
            if let Err(e) = tier(ds, &rules, None) {
                assert!(matches!(e.kind, ErrorKind::Param | ErrorKind::Limit), "{e:?}");
            }
        }
    }
    // Any small table: k = 3 on every number and category column.
    if let Ok(ds) = load(bytes, &LoadOptions::default()) {
        if ds.row_count() > 500 {
            return;
        }
        let features: Vec<String> = ds
            .columns()
            .iter()
            .filter(|c| matches!(c.kind(), ColumnKind::Number | ColumnKind::Category))
            .take(8)
            .map(|c| c.name.clone())
            .collect();
        if !features.is_empty() {
            let opts = SegmentOptions { features, k: KChoice::Fixed(3), restarts: Some(2), ..SegmentOptions::default() };
            check(&ds, &opts);
        }
    }
});
