//! One fingerprint per analysis of the built-in sample, shared by the native
//! test (`tests/determinism.rs`, which keeps `tests/common/digests.txt`) and
//! the wasm test (`tests/wasm.rs`), so every analysis must give the same bits
//! natively and in wasm. Results are hashed through their JSON form: serde_json
//! writes a finite f64 as the shortest string that reads back to the same bits,
//! so equal text means equal bits (NaN is written as null).
//!
//! Add an analysis here when it lands; re-bless with
//! `HRLENS_BLESS=1 cargo test --test determinism`.

use std::collections::HashMap;

use hrlens::engine::org::{org_tree, OrgOptions};
use hrlens::engine::sample::{sample, SampleOptions};
use hrlens::engine::score::{calibrate, score, template, CalibrationOptions, ScoreOptions, WhatIf};
use hrlens::engine::segment::{segment, tier, KChoice, SegmentOptions, TierRules};
use hrlens::engine::trend::{alerts, trend, AlertRule, TrendOptions};
use hrlens::engine::weights::{critic, entropy};

fn fnv<T: serde::Serialize + ?Sized>(v: &T) -> u64 {
    let text = serde_json::to_string(v).unwrap_or_else(|e| format!("unserialisable: {e}"));
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// `(analysis, fingerprint)` for every analysis, in a fixed order.
pub fn digests() -> Vec<(&'static str, u64)> {
    digests_of(&sample_dataset())
}

/// The built-in sample the digests are taken on.
pub fn sample_dataset() -> hrlens::engine::Dataset {
    sample(&SampleOptions { employees: 300, months: 24, seed: 7 }).unwrap()
}

/// [`digests`] of another dataset with the sample's columns.
pub fn digests_of(ds: &hrlens::engine::Dataset) -> Vec<(&'static str, u64)> {
    let ds = ds.clone();
    let mut out = Vec::new();
    out.push(("sample", fnv(&ds.numbers("客户满意度").unwrap())));

    let card = template("cs-manager-monthly").unwrap();
    let opts = ScoreOptions { period: Some("2024-06".into()), group_by: Some("区域".into()) };
    let s = score(&ds, std::slice::from_ref(&card), &opts).unwrap();
    out.push(("score", fnv(&s)));
    let all_months = score(&ds, std::slice::from_ref(&card), &ScoreOptions::default()).unwrap();
    out.push(("score all months", fnv(&all_months)));

    let mut w = WhatIf::new(&ds, &card, &opts).unwrap();
    let first = card.dimensions.first().map(|d| d.name.clone()).unwrap();
    let update = w.set_weights(&HashMap::from([(first, 7.5)])).unwrap();
    out.push(("whatIf setWeights", fnv(&(w.scores(), &update.moved))));
    out.push(("whatIf sensitivity", fnv(&w.sensitivity())));

    let cols = ["客户满意度".to_owned(), "质检得分".to_owned(), "投诉率".to_owned(), "首次响应时长".to_owned()];
    out.push(("entropy weights", fnv(&entropy(&ds, &cols).unwrap().weights)));
    out.push(("critic weights", fnv(&critic(&ds, &cols).unwrap().weights)));
    out.push(("calibrate", fnv(&calibrate(&ds, "上级评分", &CalibrationOptions::default()).unwrap())));

    for by in ["部门", "团队", "org"] {
        let t =
            trend(&ds, &TrendOptions { metric: "客户满意度".into(), by: Some(by.into()), ..TrendOptions::default() })
                .unwrap();
        out.push((
            match by {
                "部门" => "trend by 部门",
                "团队" => "trend by 团队",
                _ => "trend by org",
            },
            fnv(&t),
        ));
    }
    let rules = [
        AlertRule {
            metric: "客户满意度".into(),
            by: Some("团队".into()),
            consecutive_declines: Some(3),
            ..AlertRule::default()
        },
        AlertRule { metric: "投诉率".into(), by: Some("部门".into()), above: Some(0.05), ..AlertRule::default() },
        AlertRule {
            metric: "质检得分".into(), by: Some("工号".into()), robust_z: Some(3.5), ..AlertRule::default()
        },
        AlertRule {
            metric: "客户满意度".into(), by: Some("org".into()), drop_pct: Some(3.0), ..AlertRule::default()
        },
    ];
    out.push(("alerts", fnv(&alerts(&ds, &rules).unwrap())));
    out.push(("orgTree", fnv(&org_tree(&ds, &OrgOptions::default()).unwrap())));

    let features = ["登录次数", "考勤模块", "薪酬模块", "满意度", "职位族"].map(str::to_owned).to_vec();
    let seg =
        segment(&ds, &SegmentOptions { features: features.clone(), k: KChoice::Fixed(4), ..SegmentOptions::default() })
            .unwrap();
    out.push(("segment k=4", fnv(&(&seg.labels, &seg.centroids, seg.inertia, &seg.projection, &seg))));
    let auto = segment(&ds, &SegmentOptions { features, k_max: 5, ..SegmentOptions::default() }).unwrap();
    out.push(("segment auto k", fnv(&(&auto.labels, &auto))));
    let rules = TierRules::from_json(
        r#"{"dimensions":[{"column":"职位族","levels":[{"label":"管理层","values":["管理层","客服经理"]},{"label":"基层","otherwise":true}]},
            {"column":"登录次数","levels":[{"label":"高频","minQuantile":0.5},{"label":"低频","otherwise":true}]}]}"#,
    )
    .unwrap();
    let names: Vec<String> = (0..seg.k).map(|i| i.to_string()).collect();
    out.push(("tier", fnv(&tier(&ds, &rules, Some((&seg.labels, &names))).unwrap())));
    out
}

/// The digests as the text stored in `tests/common/digests.txt`.
pub fn digests_text() -> String {
    digests().iter().map(|(name, h)| format!("{name}\t{h:016x}\n")).collect()
}
