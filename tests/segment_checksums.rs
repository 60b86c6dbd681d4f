//! Fixes checksums of segment results that the Node test of the npm package
//! (tests/js/segment.test.mjs) recomputes in wasm: native and wasm must
//! agree bit for bit. Regenerate with
//! `HRLENS_BLESS=1 cargo test --test segment_checksums` (then check the Node test still passes).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::collections::BTreeMap;

use hrlens::engine::sample::{sample, SampleOptions};
use hrlens::engine::segment::{fit, segment, tier, KChoice, KMeansParams, SegmentOptions, TierRules};

/// FNV-1a, 64 bits, over bytes (the Node test has the same function).
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn bytes(&mut self, b: &[u8]) {
        for &x in b {
            self.0 ^= x as u64;
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    fn u32s(&mut self, v: &[u32]) {
        v.iter().for_each(|x| self.bytes(&x.to_le_bytes()));
    }
    fn f64s(&mut self, v: &[f64]) {
        v.iter().for_each(|x| self.bytes(&x.to_le_bytes()));
    }
    fn f32s(&mut self, v: &[f32]) {
        v.iter().for_each(|x| self.bytes(&x.to_le_bytes()));
    }
    fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

pub const TIER_RULES: &str = r#"{"dimensions":[{"column":"职位族","levels":[{"label":"管理层","values":["管理层","客服经理"]},{"label":"技术层","values":["技术支持"]},{"label":"基层","otherwise":true}]},{"column":"登录次数","levels":[{"label":"高频","minQuantile":0.5},{"label":"低频","otherwise":true}]}]}"#;

fn checksums() -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let ds = sample(&SampleOptions { employees: 300, months: 1, seed: 7 }).unwrap();
    let features: Vec<String> = ["登录次数", "满意度", "职位族"].iter().map(|s| s.to_string()).collect();

    // segment, fixed k: labels, inertia, centroids, silhouette, projection.
    let s = segment(
        &ds,
        &SegmentOptions { features: features.clone(), k: KChoice::Fixed(3), seed: 7, ..SegmentOptions::default() },
    )
    .unwrap();
    let mut h = Fnv::new();
    h.u32s(&s.labels);
    h.f64s(&[s.inertia, s.silhouette, s.calinski_harabasz, s.davies_bouldin]);
    h.f64s(&s.centroids.concat());
    h.f32s(&s.projection);
    out.insert("segment-k3".into(), h.hex());

    // segment, automatic k: k, labels, the scan's silhouettes.
    let s = segment(
        &ds,
        &SegmentOptions {
            features: features.clone(),
            k: KChoice::Auto,
            k_max: 6,
            seed: 7,
            ..SegmentOptions::default()
        },
    )
    .unwrap();
    let mut h = Fnv::new();
    h.u32s(&[s.k as u32]);
    h.u32s(&s.labels);
    h.f64s(&s.k_scan.unwrap().iter().map(|e| e.silhouette).collect::<Vec<_>>());
    out.insert("segment-auto".into(), h.hex());

    // kmeans on a plain matrix (row-major f64), 4 restarts.
    let ds2 = sample(&SampleOptions { employees: 500, months: 2, seed: 3 }).unwrap();
    let cols = ["登录次数", "考勤模块", "薪酬模块", "培训模块", "绩效模块", "月薪"];
    let data: Vec<f64> = (0..ds2.row_count())
        .flat_map(|r| cols.iter().map(|c| ds2.numbers(c).unwrap()[r]).collect::<Vec<_>>())
        .collect();
    assert!(data.iter().all(|v| v.is_finite()));
    let m = fit(&data, cols.len(), &KMeansParams::new(5).n_runs(4).seed(11)).unwrap();
    let mut h = Fnv::new();
    h.u32s(m.labels());
    h.f64s(m.centroids());
    h.f64s(&[m.inertia()]);
    out.insert("kmeans-matrix".into(), h.hex());

    // tiers.
    let t = tier(&ds, &TierRules::from_json(TIER_RULES).unwrap(), Some((&s.labels, &[]))).unwrap();
    let mut h = Fnv::new();
    h.u32s(&t.codes);
    h.u32s(&t.cross_tab.unwrap().counts.concat().iter().map(|&c| c as u32).collect::<Vec<_>>());
    out.insert("tier".into(), h.hex());
    out
}

#[test]
fn segment_checksums_match_the_stored_ones() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/segment/checksums.json");
    let got = checksums();
    let text = serde_json::to_string_pretty(&got).unwrap() + "\n";
    if std::env::var_os("HRLENS_BLESS").is_some() {
        std::fs::write(path, &text).unwrap();
    }
    let stored = std::fs::read_to_string(path).unwrap();
    assert_eq!(stored, text, "native results changed: re-bless and check that the Node test still passes");
}
