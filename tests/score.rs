//! Native integration tests of the appraisal engine (`engine::score`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;

use hrlens::engine::ingest::{load, LoadOptions};
use hrlens::engine::sample::{sample, SampleOptions};
use hrlens::engine::score::{
    calibrate, compare, nine_box, score, template, template_csv, CalibrationOptions, ScoreOptions, Scorecard, WhatIf,
};
use hrlens::engine::Dataset;
use serde_json::Value;

fn data(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/score/{rel}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn panel() -> Dataset {
    load(&data("panel.csv"), &LoadOptions { filename: Some("panel.csv".into()), ..LoadOptions::default() }).unwrap()
}

fn close(a: f64, b: Option<f64>, what: &str) {
    match b {
        None => assert!(a.is_nan(), "{what}: expected NaN, got {a}"),
        Some(b) => assert!((a - b).abs() <= 1e-9, "{what}: {a} vs {b}"),
    }
}

#[test]
fn matches_the_numpy_reference_for_every_normalisation_and_missing_policy() {
    let ds = panel();
    let expected: Value = serde_json::from_slice(&data("expected.json")).unwrap();
    let cases = expected["cases"].as_array().unwrap();
    assert!(cases.len() >= 30);
    for case in cases {
        let card = Scorecard::from_json(&case["card"].to_string()).unwrap();
        let opts = ScoreOptions {
            period: case["period"].as_str().map(str::to_owned),
            group_by: case["groupBy"].as_str().map(str::to_owned),
        };
        let s = score(&ds, std::slice::from_ref(&card), &opts).unwrap();
        let name = &card.name;
        let ids: Vec<&str> = case["ids"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(s.ids, ids, "{name}");
        assert_eq!(s.period.as_deref(), Some("2024-06"));
        if opts.period.is_none() {
            assert!(s.warnings.iter().any(|w| w.en.contains("latest month")), "{name}");
        }
        for (i, t) in case["total"].as_array().unwrap().iter().enumerate() {
            close(s.total[i], t.as_f64(), &format!("{name} total[{i}]"));
        }
        for d in &s.dimensions {
            for (i, v) in case["dimensions"][&d.name].as_array().unwrap().iter().enumerate() {
                close(d.values[i], v.as_f64(), &format!("{name} {}[{i}]", d.name));
            }
        }
        let rank: Vec<u32> = case["rank"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u32).collect();
        assert_eq!(s.rank, rank, "{name} rank");
        let grank: Vec<u32> =
            case["groupRank"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u32).collect();
        assert_eq!(s.group_rank.as_ref().unwrap(), &grank, "{name} group rank");
        let band: Vec<&str> = case["band"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(s.band_strings(), band, "{name} band");
        // E018 has no values in the main card: unscored, ranked last, reported.
        if !name.starts_with("constant") && name.contains("exclude") {
            assert_eq!(s.unscored, ["E018"], "{name}");
            assert!(s.warnings.iter().any(|w| w.en.contains("re-weighted")), "{name}");
        }
    }
}

#[test]
fn scorecard_validation_errors_name_card_dimension_and_indicator() {
    let ds = sample(&SampleOptions { employees: 60, months: 2, seed: 3 }).unwrap();
    let table: Value = serde_json::from_slice(&data("invalid_cards.json")).unwrap();
    for case in table.as_array().unwrap() {
        let why = case["why"].as_str().unwrap();
        let err = Scorecard::from_json(case["card"].as_str().unwrap()).and_then(|c| c.validate(&ds)).unwrap_err();
        assert_eq!(err.kind.js_name(), "ParamError", "{why}");
        let (en, zh) = (err.to_en(), err.to_zh());
        assert!(en.contains(case["en"].as_str().unwrap()), "{why}: {en}");
        assert!(zh.contains(case["zh"].as_str().unwrap()), "{why}: {zh}");
    }
}

#[test]
fn english_aliases_and_bilingual_headers_resolve() {
    let ds = sample(&SampleOptions { employees: 60, months: 2, seed: 3 }).unwrap();
    let card = Scorecard::from_json(
        r#"{"name":"t","dimensions":[{"name":"d","weight":1,"indicators":[
            {"column":"csat","weight":1},{"column":"complaint_rate","weight":1,"direction":"lower"}]}]}"#,
    )
    .unwrap();
    let r = card.resolve(&ds).unwrap();
    assert_eq!(r.indicators[0].column, "客户满意度");
    assert_eq!(r.indicators[1].key, "d/complaint_rate");
    // A file whose headers are "客户满意度 (csat)" (the import template) works with either name.
    let csv = "工号,月份,客户满意度 (csat)\nE1,2024-01,80\nE2,2024-01,90\n";
    let ds2 = load(csv.as_bytes(), &LoadOptions::default()).unwrap();
    let s = score(&ds2, &[card_with(&["客户满意度"])], &ScoreOptions::default()).unwrap();
    assert_eq!(s.total, [0.0, 100.0]);
    let s = score(&ds2, &[card_with(&["csat"])], &ScoreOptions::default()).unwrap();
    assert_eq!(s.rank, [2, 1]);
}

fn card_with(cols: &[&str]) -> Scorecard {
    let inds: Vec<String> = cols.iter().map(|c| format!(r#"{{"column":"{c}","weight":1}}"#)).collect();
    Scorecard::from_json(&format!(
        r#"{{"name":"t","dimensions":[{{"name":"d","weight":1,"indicators":[{}]}}]}}"#,
        inds.join(",")
    ))
    .unwrap()
}

#[test]
fn period_and_duplicate_errors() {
    let ds = panel();
    let card = card_with(&["客户满意度"]);
    let e = score(&ds, std::slice::from_ref(&card), &ScoreOptions { period: Some("2024-13".into()), group_by: None })
        .unwrap_err();
    assert!(e.to_en().contains("not a month written YYYY-MM"), "{e}");
    let e = score(&ds, std::slice::from_ref(&card), &ScoreOptions { period: Some("2025-01".into()), group_by: None })
        .unwrap_err();
    assert!(e.to_en().contains("no rows in period 2025-01 (the data covers 2024-05 to 2024-06)"), "{e}");
    let s = score(&ds, std::slice::from_ref(&card), &ScoreOptions { period: Some("2024-05".into()), group_by: None })
        .unwrap();
    assert_eq!(s.len(), 6);
    assert_eq!(s.rows, [0, 1, 2, 3, 4, 5]);
    // Without a period role, two months of the same people are duplicates.
    let mut ds2 = ds.clone();
    ds2.set_role("月份", None).unwrap();
    let e = score(&ds2, &[card], &ScoreOptions::default()).unwrap_err();
    assert!(e.to_en().contains("employee \"E001\" appears twice (lines "), "{e}");
    assert!(e.to_zh().contains("员工“E001”出现两次"), "{}", e.to_zh());
}

#[test]
fn cs_manager_template_scores_the_sample_managers() {
    let ds = sample(&SampleOptions { employees: 2000, months: 3, seed: 42 }).unwrap();
    let card = template("cs-manager-monthly").unwrap();
    card.validate(&ds).unwrap();
    let s =
        score(&ds, std::slice::from_ref(&card), &ScoreOptions { period: None, group_by: Some("区域".into()) }).unwrap();
    assert_eq!(s.period.as_deref(), Some("2023-03"));
    let fam = ds.column("职位族").unwrap();
    assert!(s.rows.iter().all(|&r| fam.display(r as usize).as_deref() == Some("客服经理")));
    assert!(s.len() > 100, "{} managers", s.len());
    assert!(s.total.iter().all(|t| (0.0..=100.0).contains(t)));
    assert_eq!(
        s.dimensions.iter().map(|d| d.name.as_str()).collect::<Vec<_>>(),
        ["服务质量", "工作效率", "团队管理", "客户反馈"]
    );
    assert_eq!(
        s.band_counts.iter().map(|b| b.count).sum::<usize>() + s.band.iter().filter(|&&b| b == u16::MAX).count(),
        s.len()
    );
    assert!(s.rank.contains(&1));
    // Serialises for the facade.
    let v = serde_json::to_value(&s).unwrap();
    assert!(v["groupRank"].is_array() && v["bandLabels"][0] == "A");
    // Template CSV names what the card needs.
    let csv = template_csv(&card);
    assert!(csv.lines().next().unwrap().contains("团队流失率 (team_attrition)"));
}

#[test]
fn several_cards_split_the_population() {
    let ds = sample(&SampleOptions { employees: 400, months: 2, seed: 5 }).unwrap();
    let mut a = template("cs-manager-monthly").unwrap();
    a.name = "managers".into();
    let b = Scorecard::from_json(
        r#"{"name":"agents","dimensions":[{"name":"服务质量","weight":1,"indicators":[{"column":"csat","weight":2},
           {"column":"qa_score","weight":1}]}],"bands":{"distribution":[{"label":"A","share":0.3},{"label":"B","share":0.7}]}}"#,
    )
    .unwrap();
    let s = score(&ds, &[a.clone(), b.clone()], &ScoreOptions::default()).unwrap();
    let only_a = score(&ds, &[a], &ScoreOptions::default()).unwrap();
    assert_eq!(s.cards, ["managers", "agents"]);
    let fam = ds.column("职位族").unwrap();
    for (i, &r) in s.rows.iter().enumerate() {
        let is_mgr = fam.display(r as usize).as_deref() == Some("客服经理");
        assert_eq!(s.card[i] == 0, is_mgr);
        if is_mgr {
            let j = only_a.position(&s.ids[i]).unwrap();
            assert_eq!(s.total[i].to_bits(), only_a.total[j].to_bits());
        }
    }
    assert!(s.rows.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(s.band_labels, ["A", "B", "C", "D"]);
}

fn weights_map(pairs: &[(&str, f64)]) -> HashMap<String, f64> {
    pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
}

#[test]
fn what_if_equals_a_fresh_score_and_reports_movers() {
    let ds = sample(&SampleOptions { employees: 2000, months: 2, seed: 9 }).unwrap();
    let card = template("cs-manager-monthly").unwrap();
    let opts = ScoreOptions { period: Some("2023-02".into()), group_by: Some("部门".into()) };
    let mut w = WhatIf::new(&ds, &card, &opts).unwrap();
    assert_eq!(w.scores(), &score(&ds, std::slice::from_ref(&card), &opts).unwrap());
    let change = weights_map(&[("服务质量", 10.0), ("团队管理", 50.0), ("团队管理/团队流失率", 90.0)]);
    let up = w.set_weights(&change).unwrap();
    let mut card2 = card.clone();
    card2.dimensions[0].weight = 10.0;
    card2.dimensions[2].weight = 50.0;
    card2.dimensions[2].indicators[0].weight = 90.0;
    let fresh = score(&ds, &[card2], &opts).unwrap();
    let got = w.scores();
    assert_eq!(got.rank, fresh.rank);
    assert_eq!(got.band, fresh.band);
    assert_eq!(got.group_rank, fresh.group_rank);
    for (a, b) in got.total.iter().zip(&fresh.total) {
        assert_eq!(a.to_bits(), b.to_bits());
    }
    assert!(up.rank_changes > 0 && up.band_changes > 0);
    assert!(!up.moved.is_empty());
    let m = &up.moved[0];
    assert_ne!(m.from_band, m.to_band, "band changes come first");
    // The contribution differences add up to the change of the total.
    let i = got.position(&m.id).unwrap();
    let mut back = w.clone();
    back.set_weights(&weights_map(&[("服务质量", 40.0), ("团队管理", 20.0), ("团队管理/团队流失率", 60.0)])).unwrap();
    let delta = got.total[i] - back.scores().total[i];
    assert!((m.why.iter().sum::<f64>() - delta).abs() < 1e-9);
    // Errors leave the state alone.
    assert!(w.set_weights(&weights_map(&[("nope", 1.0)])).unwrap_err().to_en().contains("unknown weight \"nope\""));
    assert!(w.set_weights(&weights_map(&[("服务质量", -1.0)])).is_err());
    assert_eq!(w.scores().rank, fresh.rank);
}

/// Band index of everyone after setting one weight.
fn bands_at(w: &WhatIf, name: &str, v: f64) -> Vec<u16> {
    let mut w = w.clone();
    w.set_weights(&weights_map(&[(name, v)])).unwrap();
    w.scores().band.clone()
}

fn check_sensitivity(ds: &Dataset, card: &Scorecard) {
    let w = WhatIf::new(ds, card, &ScoreOptions::default()).unwrap();
    let base = w.scores().band.clone();
    let sens = w.sensitivity();
    assert_eq!(sens.len(), w.weights().len());
    let mut finite_ends = 0;
    for s in &sens {
        assert!(s.stable_min <= s.weight && s.weight <= s.stable_max, "{s:?}");
        if s.stable_min == s.stable_max {
            continue;
        }
        // Inside the interval nobody changes band.
        for f in [0.25, 0.5, 0.75] {
            let v = if s.stable_max.is_finite() {
                s.weight + f * (s.stable_max - s.weight)
            } else {
                s.weight * (1.0 + 4.0 * f)
            };
            assert_eq!(bands_at(&w, &s.name, v), base, "{} at {v} ({s:?})", s.name);
            let v = s.weight - f * (s.weight - s.stable_min);
            if v > 0.0 {
                assert_eq!(bands_at(&w, &s.name, v), base, "{} at {v} ({s:?})", s.name);
            }
        }
        // Just past a finite end, somebody does.
        if s.stable_max.is_finite() {
            finite_ends += 1;
            assert_eq!(bands_at(&w, &s.name, s.stable_max * (1.0 - 1e-7)), base, "{s:?}");
            assert_ne!(bands_at(&w, &s.name, s.stable_max * (1.0 + 1e-6)), base, "{s:?}");
        }
        if s.stable_min > 0.0 {
            finite_ends += 1;
            assert_eq!(bands_at(&w, &s.name, s.stable_min * (1.0 + 1e-7)), base, "{s:?}");
            assert_ne!(bands_at(&w, &s.name, s.stable_min * (1.0 - 1e-6)), base, "{s:?}");
        }
    }
    assert!(finite_ends > 0);
}

#[test]
fn sensitivity_endpoints_are_band_changes_thresholds() {
    let ds = sample(&SampleOptions { employees: 600, months: 1, seed: 11 }).unwrap();
    check_sensitivity(&ds, &template("cs-manager-monthly").unwrap());
}

#[test]
fn sensitivity_endpoints_are_band_changes_distribution() {
    let ds = sample(&SampleOptions { employees: 600, months: 1, seed: 11 }).unwrap();
    let mut card = template("cs-manager-monthly").unwrap();
    card.missing = hrlens::engine::score::MissingPolicy::Mean;
    card.bands = Some(
        serde_json::from_str(
            r#"{"distribution":[{"label":"A","share":0.2},{"label":"B","share":0.7},{"label":"C","share":0.1}]}"#,
        )
        .unwrap(),
    );
    check_sensitivity(&ds, &card);
}

#[test]
fn compare_two_versions() {
    let ds = sample(&SampleOptions { employees: 1000, months: 1, seed: 2 }).unwrap();
    let a = template("cs-manager-monthly").unwrap();
    let mut b = a.clone();
    b.name = "v2".into();
    b.dimensions[3].weight = 40.0;
    let c = compare(&ds, &a, &a, &ScoreOptions::default()).unwrap();
    assert!((c.spearman - 1.0).abs() < 1e-12 && (c.kendall - 1.0).abs() < 1e-12);
    assert!(c.movers.iter().all(|m| m.rank_a == m.rank_b));
    let c = compare(&ds, &a, &b, &ScoreOptions::default()).unwrap();
    assert!(c.spearman > 0.5 && c.spearman < 1.0, "{}", c.spearman);
    assert_eq!(c.band_matrix.iter().flatten().sum::<usize>(), c.common);
    assert!(c.movers[0].rank_a != c.movers[0].rank_b);
}

#[test]
fn calibration_finds_the_lenient_and_severe_managers() {
    let ds = sample(&SampleOptions::default()).unwrap();
    let cal = calibrate(&ds, "上级评分", &CalibrationOptions::default()).unwrap();
    assert_eq!(cal.by, "上级工号");
    assert_eq!(cal.period.as_deref(), Some("2024-12"));
    let lenient: Vec<_> = cal.groups.iter().filter(|g| g.flag.as_deref() == Some("lenient")).collect();
    let severe: Vec<_> = cal.groups.iter().filter(|g| g.flag.as_deref() == Some("severe")).collect();
    assert!(lenient.len() >= 3, "{lenient:?}");
    assert!(!severe.is_empty());
    assert!(lenient.iter().all(|g| g.cohens_d >= 0.5 && g.n >= 5 && g.mean > g.rest_mean));
    // Raw ratings also reflect real team differences; controlling for
    // customer satisfaction isolates the managers' own bias.
    let ctl = calibrate(
        &ds,
        "上级评分",
        &CalibrationOptions { control: Some("csat".into()), ..CalibrationOptions::default() },
    )
    .unwrap();
    let lenient_c: Vec<_> = ctl.groups.iter().filter(|g| g.flag.as_deref() == Some("lenient")).collect();
    let severe_c: Vec<_> = ctl.groups.iter().filter(|g| g.flag.as_deref() == Some("severe")).collect();
    assert!(lenient_c.len() >= 5 && severe_c.len() >= 5, "{} lenient, {} severe", lenient_c.len(), severe_c.len());
    // A real bias persists: the strongly lenient (d ≥ 1) of December are
    // lenient again in June, on other people's ratings in another month.
    let june = calibrate(
        &ds,
        "上级评分",
        &CalibrationOptions {
            control: Some("csat".into()),
            period: Some("2024-06".into()),
            ..CalibrationOptions::default()
        },
    )
    .unwrap();
    let d_june: HashMap<&str, f64> = june.groups.iter().map(|g| (g.group.as_str(), g.cohens_d)).collect();
    for strong in [
        lenient_c.iter().filter(|g| g.cohens_d >= 1.0).collect::<Vec<_>>(),
        severe_c.iter().filter(|g| g.cohens_d <= -1.0).collect(),
    ] {
        assert!(strong.len() >= 5);
        let again = strong
            .iter()
            .filter(|g| {
                d_june.get(g.group.as_str()).is_some_and(|d| d.signum() == g.cohens_d.signum() && d.abs() >= 0.5)
            })
            .count();
        assert!(again * 10 >= strong.len() * 8, "{again} of {} persist", strong.len());
    }
    // Calibrated ratings remove the manager effect.
    let mut by: HashMap<u32, (f64, f64)> = HashMap::new();
    let mgr = ds.column("上级工号").unwrap().as_strings().unwrap();
    for (&r, &c) in cal.rows.iter().zip(&cal.calibrated) {
        let e = by.entry(mgr.codes[r as usize]).or_default();
        e.0 += c;
        e.1 += 1.0;
    }
    assert!(by.values().all(|(s, n)| (s / n - cal.org_mean).abs() < 1e-9));
}

#[test]
fn nine_box_counts_add_up() {
    let ds = sample(&SampleOptions { employees: 2000, months: 1, seed: 4 }).unwrap();
    let s = score(&ds, &[template("cs-manager-monthly").unwrap()], &ScoreOptions::default()).unwrap();
    let nb = nine_box(&ds, &s, "training_rate").unwrap();
    assert_eq!(nb.column, "培训完成率");
    assert_eq!(nb.counts.iter().flatten().sum::<usize>() + nb.unplaced, s.len());
    for (i, &b) in nb.boxes.iter().enumerate() {
        if b > 0 {
            assert_eq!(b, 3 * nb.other[i] + nb.performance[i] + 1);
        }
    }
    // Roughly a third of people per performance tercile.
    let high = nb.performance.iter().filter(|&&p| p == 2).count();
    assert!((high as f64 / s.len() as f64 - 1.0 / 3.0).abs() < 0.05);
}

/// Set `w` on a card copy: `"dim"` or `"dim/column"` as in weight maps.
fn reweighted(card: &Scorecard, changes: &[(&str, f64)]) -> Scorecard {
    let mut c = card.clone();
    for (k, v) in changes {
        let (dim, ind) = k.split_once('/').map_or((*k, None), |(d, i)| (d, Some(i)));
        let d = c.dimensions.iter_mut().find(|d| d.name == dim).unwrap();
        match ind {
            None => d.weight = *v,
            Some(i) => d.indicators.iter_mut().find(|x| x.column == i).unwrap().weight = *v,
        }
    }
    c
}

#[test]
fn what_if_after_a_series_of_changes_equals_fresh_scores_to_the_bit() {
    // With gaps (the sample: missing CSAT, attrition only for managers) and complete (bench table).
    let gaps = sample(&SampleOptions { employees: 1500, months: 1, seed: 4 }).unwrap();
    let complete = hrlens::engine::sample::bench_panel(3000, 0, 4, 1, 5).unwrap();
    let bench_card = Scorecard::from_json(
        r#"{"name":"b","dimensions":[
          {"name":"X","weight":30,"indicators":[{"column":"k01","weight":2},{"column":"k02","weight":1,"direction":"lower"}]},
          {"name":"Y","weight":70,"indicators":[{"column":"k03","weight":1},{"column":"k04","weight":3,"normalize":"zscore"}]}],
          "bands":{"distribution":[{"label":"A","share":0.2},{"label":"B","share":0.7},{"label":"C","share":0.1}]}}"#,
    )
    .unwrap();
    type Steps<'a> = Vec<Vec<(&'a str, f64)>>;
    let cases: Vec<(&Dataset, Scorecard, ScoreOptions, Steps)> = vec![
        (
            &gaps,
            template("cs-manager-monthly").unwrap(),
            ScoreOptions { period: None, group_by: Some("部门".into()) },
            vec![
                vec![("服务质量", 10.0)],                               // a dimension weight only
                vec![("团队管理/团队流失率", 5.0)],                     // an indicator weight only
                vec![("客户反馈", 70.0), ("服务质量/客户满意度", 1.0)], // both
                vec![("服务质量", 10.0)],                               // nothing changes
            ],
        ),
        (
            &complete,
            bench_card,
            ScoreOptions::default(),
            vec![
                vec![("X", 90.0)],
                vec![("Y/k04", 0.5)],
                vec![("X", 30.0), ("Y/k04", 3.0)],
                vec![("Y", 1.0), ("X/k01", 7.0)],
            ],
        ),
    ];
    for (ds, card, opts, steps) in cases {
        let mut w = WhatIf::new(ds, &card, &opts).unwrap();
        let mut now = card.clone();
        for step in steps {
            let before = w.scores().clone();
            let up = w.set_weights(&weights_map(&step)).unwrap();
            now = reweighted(&now, &step);
            let fresh = score(ds, std::slice::from_ref(&now), &opts).unwrap();
            let got = w.scores();
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&got.total), bits(&fresh.total), "{step:?}");
            for (a, b) in got.dimensions.iter().zip(&fresh.dimensions) {
                assert_eq!(bits(&a.values), bits(&b.values), "{step:?} {}", a.name);
            }
            assert_eq!(got.rank, fresh.rank, "{step:?}");
            assert_eq!(got.group_rank, fresh.group_rank, "{step:?}");
            assert_eq!(got.band, fresh.band, "{step:?}");
            assert_eq!(got.band_counts, fresh.band_counts, "{step:?}");
            // The movers' reasons add up to their change of total, unchanged dimensions included.
            let rank_changes = got
                .rank
                .iter()
                .zip(&before.rank)
                .zip(got.band.iter().zip(&before.band))
                .filter(|((a, b), (c, d))| a != b || c != d)
                .count();
            assert_eq!(up.rank_changes, rank_changes, "{step:?}");
            let order: Vec<(bool, u32)> = up
                .moved
                .iter()
                .map(|m| (m.from_band == m.to_band, u32::MAX - m.from_rank.abs_diff(m.to_rank)))
                .collect();
            assert!(order.windows(2).all(|p| p[0] <= p[1]), "band changes first, then the biggest moves");
            assert_eq!(up.moved.len(), rank_changes.min(100));
            for m in &up.moved {
                let i = got.position(&m.id).unwrap();
                assert_eq!((m.from_rank, m.to_rank), (before.rank[i], got.rank[i]));
                let delta = got.total[i] - before.total[i];
                assert!((m.why.iter().sum::<f64>() - delta).abs() < 1e-9, "{step:?} {}", m.id);
            }
        }
    }
}
