//! `segment` end to end: features from columns (numbers, one-hot
//! categories, missing values), automatic k, profiles and labels, the 2-D
//! map; rule-based tiers, the strategy table, survey results by segment;
//! and labels attached as a column that a trend can follow.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use hrlens::engine::dataset::{Column, ColumnKind, Dataset, Interned, Source};
use hrlens::engine::ingest::{load, LoadOptions};
use hrlens::engine::sample::{sample, SampleOptions};
use hrlens::engine::segment::{
    self, label_column, segment, strategy, survey, tier, EditedRow, Groups, KChoice, MissingPolicy, SegmentOptions,
    SurveyKind, SurveyOptions, TierRules, UNASSIGNED,
};
use hrlens::engine::trend::{trend, TrendOptions};
use rand_core::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

fn opts(features: &[&str], k: KChoice) -> SegmentOptions {
    SegmentOptions { features: features.iter().map(|s| s.to_string()).collect(), k, ..SegmentOptions::default() }
}

/// `groups` well-separated groups of `per` rows in 2-D, plus a category that
/// follows the group, and a noise column.
fn grouped(groups: usize, per: usize, seed: u64) -> Dataset {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut u = move || (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
    let (mut x, mut y, mut cat, mut noise) = (vec![], vec![], vec![], vec![]);
    for i in 0..groups * per {
        let g = i % groups;
        x.push((g % 3) as f64 * 10.0 + u());
        y.push((g / 3) as f64 * 10.0 + u());
        cat.push(Some(["甲", "乙", "丙", "丁", "戊", "己"][g % 6]));
        noise.push(u());
    }
    Dataset::new(
        vec![
            Column::number("x", x),
            Column::number("y", y),
            Column::strings("类别", Interned::from_strings(cat), ColumnKind::Category),
            Column::number("noise", noise),
        ],
        Source::default(),
    )
    .unwrap()
}

#[test]
fn automatic_k_finds_the_groups_and_says_why() {
    let ds = grouped(4, 150, 1);
    let s = segment(&ds, &SegmentOptions { k_max: 7, ..opts(&["x", "y"], KChoice::Auto) }).unwrap();
    assert_eq!(s.k, 4);
    let scan = s.k_scan.as_ref().unwrap();
    assert_eq!(scan.iter().map(|e| e.k).collect::<Vec<_>>(), vec![2, 3, 4, 5, 6, 7]);
    let best = scan.iter().map(|e| e.silhouette).fold(f64::NEG_INFINITY, f64::max);
    assert_eq!(scan[2].silhouette, best);
    assert!(s.k_reason.as_ref().unwrap().en.contains("highest silhouette"));
    assert!(s.k_reason.as_ref().unwrap().zh.contains("轮廓系数"));
    assert!(s.silhouette > 0.8 && s.davies_bouldin < 0.3, "{} {}", s.silhouette, s.davies_bouldin);
    // Each segment is one group: 150 rows each.
    assert_eq!(s.sizes, vec![150; 4]);
    assert_eq!(s.silhouette_rows, 600);
}

#[test]
fn profiles_describe_segments_in_both_languages() {
    let ds = sample(&SampleOptions { employees: 600, months: 1, seed: 3 }).unwrap();
    let o = SegmentOptions {
        describe: vec!["部门".into(), "客户满意度".into()],
        ..opts(&["登录次数", "满意度", "职位族"], KChoice::Fixed(4))
    };
    let s = segment(&ds, &o).unwrap();
    assert_eq!(s.labels.len(), 600);
    assert_eq!(s.sizes.iter().sum::<usize>(), 600);
    assert!(s.labels.iter().all(|&l| l < 4));
    assert_eq!(s.numeric_features, vec!["登录次数", "满意度"]);
    let mut labels = std::collections::HashSet::new();
    for p in &s.profiles {
        assert_eq!(p.size, s.sizes[p.segment as usize]);
        assert!((p.share - p.size as f64 / 600.0).abs() < 1e-12);
        assert_eq!(p.centroid.len(), 2);
        assert!(labels.insert(p.label.zh.clone()), "labels are unique: {}", p.label.zh);
        assert!(!p.label.en.is_empty());
        // Traits cover the numbers (features and described), strongest first.
        let names: Vec<&str> = p.traits.iter().map(|t| t.feature.as_str()).collect();
        assert_eq!(names.len(), 3);
        assert!(names.contains(&"客户满意度"));
        assert!(p.traits.windows(2).all(|w| w[0].z.abs() >= w[1].z.abs()));
        // z-scores against the population, recomputed by hand for one trait.
        let t = &p.traits[0];
        let col = ds.numbers(&t.feature).unwrap();
        let all: Vec<f64> = col.iter().copied().filter(|v| v.is_finite()).collect();
        let mean = all.iter().sum::<f64>() / all.len() as f64;
        let sd = (all.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / all.len() as f64).sqrt();
        let mine: Vec<f64> =
            col.iter().zip(&s.labels).filter(|(v, &l)| l == p.segment && v.is_finite()).map(|(v, _)| *v).collect();
        let z = (mine.iter().sum::<f64>() / mine.len() as f64 - mean) / sd;
        assert!((z - t.z).abs() < 1e-9, "{} vs {}", z, t.z);
        // Category shares sum to at most 1 per column, each level against the population.
        let shares: f64 = p.categories.iter().filter(|c| c.feature == "职位族").map(|c| c.share).sum();
        assert!(shares <= 1.0 + 1e-12 && shares > 0.5);
    }
    // A segment that is strong on usage reads as such in both languages.
    let usage = s.profiles.iter().find(|p| p.traits[0].feature == "登录次数" && p.traits[0].z.abs() >= 0.5);
    if let Some(p) = usage {
        assert!(p.label.zh.contains("频使用"), "{}", p.label.zh);
        assert!(p.label.en.contains("frequent users"), "{}", p.label.en);
    }
    // The projection: two values per row, centred.
    assert_eq!(s.projection.len(), 1200);
    let mx: f64 = s.projection.chunks(2).map(|c| c[0] as f64).sum::<f64>() / 600.0;
    assert!(mx.abs() < 1e-4);
    assert!(s.projection_explained[0] >= s.projection_explained[1]);
}

#[test]
fn missing_values_are_imputed_or_excluded_never_silently() {
    let mut ds = grouped(2, 50, 2);
    let mut x = ds.numbers("x").unwrap().to_vec();
    x[3] = f64::NAN;
    x[7] = f64::NAN;
    ds.set_column(Column::number("x", x), true).unwrap();
    let imputed = segment(&ds, &opts(&["x", "y"], KChoice::Fixed(2))).unwrap();
    assert_eq!(imputed.unassigned, 0);
    assert!(imputed.labels.iter().all(|&l| l < 2));
    let w: Vec<&str> = imputed.warnings.iter().map(|w| w.message.en.as_str()).collect();
    assert!(w.iter().any(|m| m.contains("2 rows miss \"x\"") && m.contains("mean")), "{w:?}");
    let excluded =
        segment(&ds, &SegmentOptions { missing: MissingPolicy::Exclude, ..opts(&["x", "y"], KChoice::Fixed(2)) })
            .unwrap();
    assert_eq!(excluded.unassigned, 2);
    assert_eq!(excluded.labels[3], UNASSIGNED);
    assert_eq!(excluded.labels[7], UNASSIGNED);
    assert!(excluded.projection[6].is_nan() && excluded.projection[7].is_nan());
    assert_eq!(excluded.sizes.iter().sum::<usize>(), 98);
    assert!(excluded.warnings.iter().any(|w| w.message.zh.contains("未参与分群")));
}

#[test]
fn categories_are_one_hot_and_their_weight_matters() {
    // A noise number and a category that splits the rows in two halves.
    let ds = grouped(2, 80, 3);
    let cats = ds.column("类别").unwrap();
    let by_category = |labels: &[u32]| {
        let first = |c: &str| labels[(0..160).find(|&i| cats.display(i).as_deref() == Some(c)).unwrap()];
        (0..160).all(|i| labels[i] == first(cats.display(i).as_deref().unwrap()))
    };
    // A mismatch costs categoricalWeight² in squared distance. With weight 3
    // (cost 9) the category dominates the z-scored noise (within-segment
    // variance 1 against 2.5 for a split on the noise) ...
    let heavy = SegmentOptions { categorical_weight: 3.0, ..opts(&["noise", "类别"], KChoice::Fixed(2)) };
    let s = segment(&ds, &heavy).unwrap();
    assert!(by_category(&s.labels));
    assert_eq!(s.features[1].levels, vec!["甲", "乙"]);
    // Only the noise's variance is left within the segments (at most n · 1).
    assert!(s.inertia > 150.0 && s.inertia <= 160.0 + 1e-6, "{}", s.inertia);
    for p in &s.profiles {
        let c = p.categories.iter().find(|c| c.feature == "类别").unwrap();
        assert_eq!(c.share, 1.0);
        assert!((c.lift - 2.0).abs() < 1e-12);
        assert!(p.label.zh.contains("为主"), "{}", p.label.zh);
    }
    // ... with weight 1 (cost 1) the noise wins: a split of a uniform variable
    // leaves 1/4 of its variance, and the category's 1/4 (0.5 · 0.5) stays.
    let light = segment(&ds, &opts(&["noise", "类别"], KChoice::Fixed(2))).unwrap();
    assert!(!by_category(&light.labels));
    assert!(light.inertia < 0.6 * 160.0, "{}", light.inertia);
    // The category alone: two pure segments, nothing left within them.
    let only = segment(&ds, &opts(&["类别"], KChoice::Fixed(2))).unwrap();
    assert_eq!(only.inertia, 0.0);
    assert!(by_category(&only.labels));
    // A text column is refused with its name.
    let ds2 = sample(&SampleOptions { employees: 20, months: 1, seed: 1 }).unwrap();
    let e = segment(&ds2, &opts(&["姓名", "登录次数"], KChoice::Fixed(2))).unwrap_err();
    assert_eq!(e.column.as_deref(), Some("姓名"));
    assert!(e.to_zh().contains("文本"));
}

#[test]
fn same_seed_same_segments() {
    let ds = sample(&SampleOptions { employees: 300, months: 2, seed: 5 }).unwrap();
    let o = opts(&["登录次数", "满意度", "绩效模块", "职位族"], KChoice::Auto);
    let a = segment(&ds, &o).unwrap();
    let b = segment(&ds, &o).unwrap();
    // (Debug text: the result holds NaN, which is never == itself.)
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
    assert_eq!(a.labels, b.labels);
    assert_eq!(a.projection, b.projection);
}

#[test]
fn init_in_original_units_is_honoured() {
    let ds = grouped(2, 40, 4);
    // Centroids given in original units: the segments come out in that order.
    let o =
        SegmentOptions { init: Some(vec![vec![10.5, 0.5], vec![0.5, 0.5]]), ..opts(&["x", "y"], KChoice::Fixed(2)) };
    let s = segment(&ds, &o).unwrap();
    assert!(s.centroids[0][0] > 9.0 && s.centroids[1][0] < 2.0, "{:?}", s.centroids);
    assert_eq!(s.labels[0], 1);
    assert_eq!(s.labels[1], 0);
    let bad = SegmentOptions { init: Some(vec![vec![1.0]]), ..opts(&["x", "y"], KChoice::Fixed(2)) };
    assert!(segment(&ds, &bad).is_err());
}

#[test]
fn labels_become_a_column_that_a_trend_can_follow() {
    let mut ds = sample(&SampleOptions { employees: 120, months: 6, seed: 2 }).unwrap();
    let s = segment(&ds, &opts(&["登录次数", "满意度"], KChoice::Fixed(3))).unwrap();
    let names: Vec<String> = s.profiles.iter().map(|p| p.label.zh.clone()).collect();
    ds.set_column(label_column("分群", &s.labels, &names), false).unwrap();
    let col = ds.column("分群").unwrap();
    assert_eq!(col.kind(), ColumnKind::Category);
    assert_eq!(col.display(0).as_deref(), Some(names[s.labels[0] as usize].as_str()));
    let series =
        trend(&ds, &TrendOptions { metric: "满意度".into(), by: Some("分群".into()), ..TrendOptions::default() })
            .unwrap();
    assert_eq!(series.len(), 3);
    assert_eq!(series[0].periods.len(), 6);
    // Default names and unassigned rows.
    let c = label_column("s", &[0, 2, UNASSIGNED], &[]);
    assert_eq!(c.display(1).as_deref(), Some("S3"));
    assert_eq!(c.display(2), None);
}

const RULES: &str = r#"{
  "name": "用户分层",
  "dimensions": [
    { "name": "岗位层级", "column": "职位族", "levels": [
      { "label": "管理层", "values": ["管理层", "客服经理"] },
      { "label": "技术层", "values": ["技术支持"] },
      { "label": "基层", "otherwise": true } ] },
    { "name": "使用频率", "column": "登录次数", "levels": [
      { "label": "高频", "minQuantile": 0.5 },
      { "label": "低频", "otherwise": true } ] }
  ]
}"#;

#[test]
fn tiers_follow_the_rules_and_cross_tab_with_segments() {
    let ds = sample(&SampleOptions { employees: 500, months: 1, seed: 7 }).unwrap();
    let rules = TierRules::from_json(RULES).unwrap();
    let s = segment(&ds, &opts(&["登录次数", "满意度"], KChoice::Fixed(3))).unwrap();
    let names: Vec<String> = s.profiles.iter().map(|p| p.label.zh.clone()).collect();
    let t = tier(&ds, &rules, Some((&s.labels, &names))).unwrap();
    assert_eq!(t.tiers.len(), 6);
    assert_eq!(t.tiers[0].label, "管理层·高频");
    assert_eq!(t.tiers[5].label, "基层·低频");
    assert_eq!(t.tiers.iter().map(|x| x.count).sum::<usize>() + t.untiered, 500);
    // Check every row against the rules by hand.
    let fam = ds.column("职位族").unwrap();
    let logins = ds.numbers("登录次数").unwrap();
    let mut sorted: Vec<f64> = logins.iter().copied().filter(|v| v.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let median = segment::scaling::quantile(&sorted, 0.5);
    for (r, label) in t.labels().iter().enumerate() {
        let f = fam.display(r).unwrap();
        let a = match f.as_ref() {
            "管理层" | "客服经理" => "管理层",
            "技术支持" => "技术层",
            _ => "基层",
        };
        let b = if logins[r] >= median { "高频" } else { "低频" };
        assert_eq!(*label, format!("{a}·{b}"), "row {r}");
    }
    // The seed's matrix and the cross-tab add up.
    let m = t.matrix.as_ref().unwrap();
    assert_eq!(m.rows, vec!["管理层", "技术层", "基层"]);
    assert_eq!(m.columns, vec!["高频", "低频"]);
    assert_eq!(m.counts.iter().flatten().sum::<usize>(), 500);
    let ct = t.cross_tab.as_ref().unwrap();
    assert_eq!(ct.segments, names);
    for (i, row) in ct.counts.iter().enumerate() {
        assert_eq!(row.iter().sum::<usize>(), t.tiers[i].count);
    }
    for (j, &size) in s.sizes.iter().enumerate() {
        assert_eq!(ct.counts.iter().map(|r| r[j]).sum::<usize>(), size);
    }
}

#[test]
fn tier_rules_are_checked_and_missing_cells_reported() {
    let ds = sample(&SampleOptions { employees: 300, months: 1, seed: 9 }).unwrap();
    let bad = |json: &str| TierRules::from_json(json).and_then(|r| tier(&ds, &r, None)).unwrap_err();
    let e = bad(r#"{"dimensions":[{"column":"职位族","levels":[{"label":"A","values":["x"],"min":1}]}]}"#);
    assert!(e.to_string().contains("exactly one of"), "{e}");
    let e = bad(r#"{"dimensions":[{"column":"职位族","levels":[{"label":"A","min":1}]}]}"#);
    assert!(e.to_string().contains("number column"), "{e}");
    let e = bad(r#"{"dimensions":[{"column":"nope","levels":[{"label":"A","otherwise":true}]}]}"#);
    assert_eq!(e.column.as_deref(), Some("nope"));
    let e = bad(r#"{"dimensions":[{"column":"职位族","levels":[{"label":"A","otherwise":true}]}],"extra":1}"#);
    assert!(e.to_string().contains("unknown field"), "{e}");
    // 满意度 has missing cells in the sample: untiered with a warning, or labelled.
    let sat =
        r#"{"dimensions":[{"column":"满意度","levels":[{"label":"满意","min":4},{"label":"一般","otherwise":true}]}]}"#;
    let t = tier(&ds, &TierRules::from_json(sat).unwrap(), None).unwrap();
    let missing = ds.column("满意度").unwrap().missing();
    assert!(missing > 0);
    assert_eq!(t.untiered, missing);
    assert!(t.warnings[0].message.en.contains(&format!("{missing} rows miss")));
    let labelled = format!("{}, \"missing\": \"未填写\"}}", sat.trim_end_matches('}'));
    let t = tier(&ds, &TierRules::from_json(&labelled).unwrap(), None).unwrap();
    assert_eq!(t.untiered, 0);
    assert_eq!(t.tiers.iter().find(|x| x.label == "未填写").unwrap().count, missing);
}

#[test]
fn strategy_rows_follow_the_traits() {
    // Two groups: frequent but dissatisfied users, and infrequent satisfied ones.
    let n = 200;
    let logins: Vec<f64> =
        (0..n).map(|i| if i % 2 == 0 { 40.0 + (i % 7) as f64 } else { 3.0 + (i % 5) as f64 }).collect();
    let sat: Vec<f64> =
        (0..n).map(|i| if i % 2 == 0 { 1.0 + (i % 3) as f64 * 0.5 } else { 4.0 + (i % 3) as f64 * 0.5 }).collect();
    let ds = Dataset::new(vec![Column::number("登录次数", logins), Column::number("满意度", sat)], Source::default())
        .unwrap();
    let s = segment(&ds, &opts(&["登录次数", "满意度"], KChoice::Fixed(2))).unwrap();
    let names: Vec<String> = s.profiles.iter().map(|p| p.label.zh.clone()).collect();
    let groups = Groups::from_labels(&ds, &s.labels, &names).unwrap();
    let rows = strategy(&ds, &groups, &["登录次数".into(), "满意度".into()]).unwrap();
    assert_eq!(rows.len(), 2);
    let frustrated = rows.iter().find(|r| r.group.contains("高频使用")).unwrap();
    assert_eq!(frustrated.group, "高频使用·低满意度");
    assert!(frustrated.need.zh.contains("高频使用但体验不佳"), "{}", frustrated.need.zh);
    assert!(frustrated.strategy.en.contains("dedicated support"), "{}", frustrated.strategy.en);
    assert!(!frustrated.effect.zh.is_empty() && frustrated.basis.len() == 2);
    assert_eq!(frustrated.size, 100);
    // Tiers named after roles get that role's needs.
    let tiers =
        Groups { labels: (0..n as u32).map(|i| i % 2).collect(), names: vec!["管理层".into(), "基层".into()] };
    let rows = strategy(&ds, &tiers, &["登录次数".into()]).unwrap();
    assert!(rows[0].strategy.zh.contains("管理驾驶舱"), "{}", rows[0].strategy.zh);
    assert!(rows[1].need.zh.contains("移动端"), "{}", rows[1].need.zh);
    // Export: UTF-8 with BOM, Chinese headers, quoting.
    let edited = vec![EditedRow {
        group: "高频使用·低满意度".into(),
        size: Some(100.0),
        share: Some(0.5),
        need: "快, 稳".into(),
        strategy: "专属通道".into(),
        effect: "满意度\"回升\"".into(),
    }];
    let csv = segment::strategy::csv(&edited, true).unwrap();
    assert_eq!(&csv[..3], &[0xEF, 0xBB, 0xBF]);
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    assert_eq!(text, "群体,人数,占比,主要需求,服务策略,预期效果\n高频使用·低满意度,100,50.0%,\"快, 稳\",专属通道,\"满意度\"\"回升\"\"\"\n");
}

#[test]
fn survey_results_by_segment() {
    let ds = sample(&SampleOptions { employees: 400, months: 1, seed: 11 }).unwrap();
    let s = segment(&ds, &opts(&["登录次数", "满意度"], KChoice::Fixed(3))).unwrap();
    let groups = Groups::from_labels(&ds, &s.labels, &[]).unwrap();
    let sv = survey(&ds, &groups, &SurveyOptions { column: "满意度".into(), ..SurveyOptions::default() }).unwrap();
    assert_eq!(sv.kind, SurveyKind::Likert);
    assert_eq!(sv.levels, vec!["1", "2", "3", "4", "5"]);
    let col = ds.numbers("满意度").unwrap();
    for (g, r) in sv.groups.iter().enumerate() {
        let mine: Vec<f64> = col.iter().zip(&s.labels).filter(|(_, &l)| l as usize == g).map(|(v, _)| *v).collect();
        let present: Vec<f64> = mine.iter().copied().filter(|v| v.is_finite()).collect();
        assert_eq!(r.n, present.len());
        assert_eq!(r.missing, mine.len() - present.len());
        assert!((r.mean - present.iter().sum::<f64>() / present.len() as f64).abs() < 1e-12);
        assert_eq!(r.counts.iter().sum::<usize>(), r.n);
        assert!((r.shares.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!((r.top_box - (r.shares[3] + r.shares[4])).abs() < 1e-12);
        assert_eq!(r.group, format!("S{}", g + 1));
    }
    assert_eq!(sv.overall.n, sv.groups.iter().map(|g| g.n).sum::<usize>());
    // A continuous column is binned; a category column takes an order.
    let csat =
        survey(&ds, &groups, &SurveyOptions { column: "客户满意度".into(), bins: Some(4), ..SurveyOptions::default() })
            .unwrap();
    assert_eq!(csat.kind, SurveyKind::Binned);
    assert_eq!(csat.levels.len(), 4);
    let fam = survey(
        &ds,
        &groups,
        &SurveyOptions {
            column: "职位族".into(),
            order: Some(vec!["客服专员".into(), "技术支持".into(), "客服经理".into(), "管理层".into()]),
            ..SurveyOptions::default()
        },
    )
    .unwrap();
    assert_eq!(fam.kind, SurveyKind::Category);
    assert!(fam.overall.mean >= 1.0 && fam.overall.mean <= 4.0);
    let e = survey(
        &ds,
        &groups,
        &SurveyOptions {
            column: "职位族".into(), order: Some(vec!["管理层".into()]), ..SurveyOptions::default()
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("is not in order"), "{e}");
    // Groups from a column (e.g. tiers attached with addLabels).
    let by_family = Groups::from_column(&ds, "职位族").unwrap();
    let sv = survey(&ds, &by_family, &SurveyOptions { column: "满意度".into(), ..SurveyOptions::default() }).unwrap();
    assert_eq!(sv.groups.len(), by_family.names.len());
    assert!(Groups::from_column(&ds, "满意度").is_err());
}

/// Kaggle's HR analytics data: k-means on the classic features finds the
/// groups of leavers the data is known for.
#[test]
fn hr_analytics_segments_find_the_leavers() {
    let Some(bytes) = common::shared_bytes("HR_comma_sep.csv") else { return };
    let ds =
        load(&bytes, &LoadOptions { filename: Some("HR_comma_sep.csv".into()), ..LoadOptions::default() }).unwrap();
    // A smaller silhouette sample and k range keep the test quick.
    let o = SegmentOptions {
        describe: vec!["left".into(), "department".into()],
        silhouette_sample: 3000,
        k_max: 6,
        ..opts(
            &[
                "satisfaction_level",
                "last_evaluation",
                "number_project",
                "average_montly_hours",
                "time_spend_company",
                "salary",
            ],
            KChoice::Auto,
        )
    };
    let s = segment(&ds, &o).unwrap();
    assert_eq!(s.labels.len(), 14_999);
    assert!((2..=10).contains(&s.k));
    // Some segment is mostly leavers, and its label names a trait.
    let left = |p: &hrlens::engine::segment::Profile| p.traits.iter().find(|t| t.feature == "left").unwrap().mean;
    let worst = s.profiles.iter().max_by(|a, b| left(a).total_cmp(&left(b))).unwrap();
    assert!(left(worst) > 0.5, "a segment of leavers: {}", left(worst));
    assert!(
        worst.label.en.contains("satisfaction")
            || worst.label.en.contains("hours")
            || worst.label.en.contains("high")
            || worst.label.en.contains("low"),
        "{}",
        worst.label.en
    );
    println!(
        "k = {} ({}), leavers' segment: {} / {}",
        s.k,
        s.k_reason.as_ref().unwrap().en,
        worst.label.zh,
        worst.label.en
    );
}
