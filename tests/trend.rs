//! Trends, comparisons, forecasts and alerts against hand-computed fixtures,
//! crafted alert data and the built-in sample.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;
use std::time::Instant;

use hrlens::engine::dataset::{Column, ColumnKind, Dataset, DateUnit, Interned, Role, Source};
use hrlens::engine::dates;
use hrlens::engine::sample::{sample, SampleOptions};
use hrlens::engine::trend::{alerts, explain, trend, Agg, AlertRule, ExplainOptions, Severity, TrendOptions};
use serde::Deserialize;

fn month_days(p: &str) -> f64 {
    dates::month_start(dates::parse_month(p).unwrap())
}

fn cat(name: &str, v: &[&str]) -> Column {
    Column::strings(name, Interned::from_strings(v.iter().map(|s| Some(*s))), ColumnKind::Category)
}

/// A panel from (key, member, month, value) rows.
fn panel_ds(rows: &[(&str, &str, &str, Option<f64>)]) -> Dataset {
    let keys: Vec<&str> = rows.iter().map(|r| r.0).collect();
    let ids: Vec<&str> = rows.iter().map(|r| r.1).collect();
    Dataset::new(
        vec![
            cat("key", &keys),
            cat("id", &ids).with_role(Some(Role::EmployeeId)),
            Column::date("month", rows.iter().map(|r| month_days(r.2)).collect(), DateUnit::Month)
                .with_role(Some(Role::Period)),
            Column::number("value", rows.iter().map(|r| r.3.unwrap_or(f64::NAN)).collect()),
        ],
        Source::default(),
    )
    .unwrap()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Expected {
    periods: Vec<String>,
    values: Vec<Option<f64>>,
    count: Vec<u32>,
    moving_avg: Vec<Option<f64>>,
    mom: Vec<Option<f64>>,
    yoy: Vec<Option<f64>>,
    slope: Option<f64>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    agg: Agg,
    window: usize,
    rows: Vec<(String, String, Option<f64>)>,
    expect: std::collections::BTreeMap<String, Expected>,
}

fn close(name: &str, what: &str, got: &[f64], want: &[Option<f64>]) {
    assert_eq!(got.len(), want.len(), "{name}: {what} length");
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        match w {
            None => assert!(g.is_nan(), "{name}: {what}[{k}] = {g}, expected NaN"),
            Some(w) => assert!((g - w).abs() <= 1e-9 * w.abs().max(1.0), "{name}: {what}[{k}] = {g}, expected {w}"),
        }
    }
}

/// Data-driven: tests/testdata/trend_cases.json holds rows and the expected
/// series, computed independently (by a plain Python transcription of the
/// definitions in DESIGN.md).
#[test]
fn series_match_hand_computed_fixtures() {
    let cases: Vec<Case> =
        serde_json::from_str(include_str!("testdata/trend_cases.json")).expect("trend_cases.json parses");
    assert!(cases.len() >= 5);
    for c in &cases {
        let rows: Vec<(&str, &str, &str, Option<f64>)> =
            c.rows.iter().map(|(k, p, v)| (k.as_str(), "x", p.as_str(), *v)).collect();
        let ds = panel_ds(&rows);
        let opts = TrendOptions {
            metric: "value".into(),
            by: Some("key".into()),
            agg: c.agg,
            window: Some(c.window),
            ..TrendOptions::default()
        };
        let got = trend(&ds, &opts).unwrap();
        assert_eq!(got.len(), c.expect.len(), "{}: series count", c.name);
        for s in &got {
            let e = &c.expect[&s.key];
            assert_eq!(s.periods, e.periods, "{}", c.name);
            assert_eq!(s.count, e.count, "{}: count", c.name);
            close(&c.name, "values", &s.values, &e.values);
            close(&c.name, "movingAvg", &s.moving_avg, &e.moving_avg);
            close(&c.name, "mom", &s.mom, &e.mom);
            close(&c.name, "yoy", &s.yoy, &e.yoy);
            close(&c.name, "slope", &[s.slope], &[e.slope]);
        }
    }
}

#[test]
fn months_from_to_cut_the_view_but_keep_history() {
    let rows: Vec<(&str, &str, String, Option<f64>)> =
        (0..14).map(|k| ("A", "x", dates::format_month(2023 * 12 + k), Some(100.0 + f64::from(k)))).collect();
    let rows: Vec<(&str, &str, &str, Option<f64>)> = rows.iter().map(|r| (r.0, r.1, r.2.as_str(), r.3)).collect();
    let ds = panel_ds(&rows);
    let s =
        &trend(&ds, &TrendOptions { metric: "value".into(), months: Some(2), ..TrendOptions::default() }).unwrap()[0];
    assert_eq!(s.key, "all");
    assert_eq!(s.periods, vec!["2024-01", "2024-02"]);
    assert!((s.mom[0] - (112.0 / 111.0 - 1.0)).abs() < 1e-12, "MoM of the first month shown uses the month before");
    assert!((s.yoy[0] - 0.12).abs() < 1e-12);
    assert_eq!(s.moving_avg[0], 111.0);
    let c = &s.comparison;
    assert_eq!(c.period.as_deref(), Some("2024-02"));
    assert_eq!((c.previous.base, c.last_year.base, c.trailing.base), (112.0, 101.0, 111.0));
    let f = s.forecast.as_ref().unwrap();
    assert_eq!(f.points[0].period, "2024-03");
    assert!((f.points[0].value - 114.0).abs() < 1e-9);

    let s = &trend(
        &ds,
        &TrendOptions {
            metric: "value".into(),
            from: Some("2023-03".into()),
            to: Some("2023-05".into()),
            period: Some("2023-04".into()),
            horizon: Some(0),
            ..TrendOptions::default()
        },
    )
    .unwrap()[0];
    assert_eq!(s.periods, vec!["2023-03", "2023-04", "2023-05"]);
    assert_eq!(s.comparison.period.as_deref(), Some("2023-04"));
    assert!((s.slope - 1.0).abs() < 1e-12);
    assert!(s.forecast.is_none());
}

#[test]
fn bad_options_are_param_errors() {
    let ds = panel_ds(&[("A", "x", "2024-01", Some(1.0))]);
    let t = |o: TrendOptions| trend(&ds, &o).unwrap_err().kind.js_name();
    let base = TrendOptions { metric: "value".into(), ..TrendOptions::default() };
    assert_eq!(t(TrendOptions { metric: "nope".into(), ..base.clone() }), "ParamError");
    assert_eq!(t(TrendOptions { metric: "key".into(), ..base.clone() }), "ParamError");
    assert_eq!(t(TrendOptions { window: Some(0), ..base.clone() }), "ParamError");
    assert_eq!(t(TrendOptions { by: Some("nope".into()), ..base.clone() }), "ParamError");
    assert_eq!(t(TrendOptions { from: Some("March".into()), ..base.clone() }), "ParamError");
    assert_eq!(t(TrendOptions { by: Some("org".into()), ..base.clone() }), "ParamError");
    let o: TrendOptions =
        serde_json::from_str(r#"{"metric":"value","by":"key","agg":"median","window":2,"months":6}"#).unwrap();
    assert_eq!(o.agg, Agg::Median);
    assert!(serde_json::from_str::<TrendOptions>(r#"{"metric":"value","windw":2}"#).is_err());
}

/// Five teams of three over 2024; every crafted story fires its rule exactly there.
fn crafted() -> Dataset {
    let base = 80.0;
    let mut rows: Vec<(String, String, String, Option<f64>)> = Vec::new();
    let t2 = [80.0, 80.0, 80.0, 80.0, 80.0, 80.0, 79.5, 79.0, 78.5, 79.0, 79.0, 79.0];
    let t5 = [80.0, 79.0, f64::NAN, 78.0, 77.0, 80.0, 81.0, 79.0, 80.0, 81.0, 79.0, 80.0];
    for team in ["T1", "T2", "T3", "T4", "T5"] {
        for m in 0..12 {
            let v = match (team, m) {
                ("T1", 4) => 60.0, // below 65, a 25% drop, an outlier
                ("T2", _) => t2[m],
                ("T3", 7) => 71.0,  // an 11% drop, an outlier
                ("T4", 9) => 95.0,  // above 90, an outlier
                ("T5", _) => t5[m], // noise, a gap that breaks a decline
                _ => base,
            };
            if v.is_nan() {
                continue;
            }
            for member in 1..=3 {
                rows.push((
                    team.into(),
                    format!("{team}-m{member}"),
                    dates::format_month(2024 * 12 + m as i32),
                    Some(v),
                ));
            }
        }
    }
    let r: Vec<(&str, &str, &str, Option<f64>)> =
        rows.iter().map(|r| (r.0.as_str(), r.1.as_str(), r.2.as_str(), r.3)).collect();
    panel_ds(&r)
}

fn fired(ds: &Dataset, rule: AlertRule) -> BTreeSet<(String, String)> {
    let rule = AlertRule { metric: "value".into(), by: Some("key".into()), ..rule };
    alerts(ds, &[rule]).unwrap().into_iter().map(|a| (a.key, a.period)).collect()
}

fn set(v: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    v.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
}

#[test]
fn each_rule_fires_exactly_where_crafted() {
    let ds = crafted();
    let d = AlertRule::default();
    assert_eq!(fired(&ds, AlertRule { below: Some(65.0), ..d.clone() }), set(&[("T1", "2024-05")]));
    assert_eq!(fired(&ds, AlertRule { above: Some(90.0), ..d.clone() }), set(&[("T4", "2024-10")]));
    assert_eq!(fired(&ds, AlertRule { consecutive_declines: Some(3), ..d.clone() }), set(&[("T2", "2024-09")]));
    assert_eq!(
        fired(&ds, AlertRule { consecutive_declines: Some(2), ..d.clone() }),
        set(&[("T2", "2024-08"), ("T2", "2024-09")])
    );
    assert_eq!(
        fired(&ds, AlertRule { drop_pct: Some(10.0), ..d.clone() }),
        set(&[("T1", "2024-05"), ("T3", "2024-08")])
    );
    assert_eq!(
        fired(&ds, AlertRule { drop_pct: Some(10.0), since: Some("2024-06".into()), ..d.clone() }),
        set(&[("T3", "2024-08")])
    );
    assert_eq!(
        fired(&ds, AlertRule { robust_z: Some(3.5), ..d.clone() }),
        set(&[("T1", "2024-05"), ("T3", "2024-08"), ("T4", "2024-10")])
    );
    // Several conditions in one rule each fire on their own, in order.
    let all = alerts(
        &ds,
        &[AlertRule {
            metric: "value".into(),
            by: Some("key".into()),
            below: Some(65.0),
            drop_pct: Some(10.0),
            ..d.clone()
        }],
    )
    .unwrap();
    let rules: Vec<&str> = all.iter().map(|a| a.rule.as_str()).collect();
    assert_eq!(rules, vec!["below", "dropPct", "dropPct"]);
    let a = &all[0];
    assert_eq!((a.value, a.threshold, a.severity), (60.0, 65.0, Severity::Warning));
    assert!(a.message.en.contains("below 65") && a.message.zh.contains("低于 65"), "{:?}", a.message);
    let drop = &all[1];
    assert_eq!(drop.threshold, 72.0);
    assert!((drop.score - 25.0).abs() < 1e-12);
    assert_eq!(drop.severity, Severity::Critical);
}

#[test]
fn slope_rules_fire_while_the_recent_slope_crosses() {
    // D falls 1 a month, U rises 2 a month from April, F is flat with a gap.
    let mut rows = Vec::new();
    for m in 0..8 {
        let p = dates::format_month(2024 * 12 + m);
        rows.push(("D".to_string(), p.clone(), Some(90.0 - f64::from(m))));
        rows.push(("U".to_string(), p.clone(), Some(if m < 3 { 10.0 } else { 10.0 + 2.0 * f64::from(m - 2) })));
        if m != 4 {
            rows.push(("F".to_string(), p, Some(50.0)));
        }
    }
    let r: Vec<(&str, &str, &str, Option<f64>)> = rows.iter().map(|r| (r.0.as_str(), "x", r.1.as_str(), r.2)).collect();
    let ds = panel_ds(&r);
    let d = AlertRule { slope_months: Some(3), ..AlertRule::default() };
    let months = |from: u32, to: u32, key: &str| -> Vec<(String, String)> {
        (from..=to).map(|m| (key.to_string(), dates::format_month(2024 * 12 + m as i32))).collect()
    };
    let want: BTreeSet<_> = months(2, 7, "D").into_iter().collect();
    assert_eq!(fired(&ds, AlertRule { slope_below: Some(-0.5), ..d.clone() }), want);
    // U's 3-month slope: 1 ending in April (10, 10, 12), then 2.
    let want: BTreeSet<_> = months(3, 7, "U").into_iter().collect();
    assert_eq!(fired(&ds, AlertRule { slope_above: Some(0.5), ..d.clone() }), want);
    let a = alerts(
        &ds,
        &[AlertRule { metric: "value".into(), by: Some("key".into()), slope_above: Some(0.5), ..d.clone() }],
    )
    .unwrap();
    assert_eq!((a[0].score, a[0].severity), (1.0, Severity::Critical));
    let want: BTreeSet<_> = months(4, 7, "U").into_iter().collect();
    assert_eq!(fired(&ds, AlertRule { slope_above: Some(1.5), ..d }), want);
}

#[test]
fn invalid_rules_are_param_errors() {
    let ds = crafted();
    let r = |rule: AlertRule| alerts(&ds, &[AlertRule { metric: "value".into(), ..rule }]).unwrap_err();
    let d = AlertRule::default();
    assert!(r(d.clone()).message.en.contains("needs one of"));
    assert_eq!(r(AlertRule { drop_pct: Some(0.0), ..d.clone() }).kind.js_name(), "ParamError");
    assert_eq!(r(AlertRule { consecutive_declines: Some(0), ..d.clone() }).kind.js_name(), "ParamError");
    assert_eq!(r(AlertRule { robust_z: Some(-1.0), ..d.clone() }).kind.js_name(), "ParamError");
    assert_eq!(r(AlertRule { below: Some(1.0), since: Some("x".into()), ..d.clone() }).kind.js_name(), "ParamError");
    let rule: AlertRule = serde_json::from_str(
        r#"{"metric":"value","by":"key","consecutiveDeclines":3,"dropPct":5,"window":6,"robustZ":3.5}"#,
    )
    .unwrap();
    assert_eq!(rule.window, Some(6));
}

#[test]
fn explanation_contributions_sum_to_the_group_change() {
    // G: a 10→12, b 20→15, c two rows 30,40 → one row 35, d 50 leaves, e 100 joins.
    let rows = [
        ("G", "a", "2024-01", Some(10.0)),
        ("G", "b", "2024-01", Some(20.0)),
        ("G", "c", "2024-01", Some(30.0)),
        ("G", "c", "2024-01", Some(40.0)),
        ("G", "d", "2024-01", Some(50.0)),
        ("G", "a", "2024-02", Some(12.0)),
        ("G", "b", "2024-02", Some(15.0)),
        ("G", "c", "2024-02", Some(35.0)),
        ("G", "e", "2024-02", Some(100.0)),
        ("H", "z", "2024-01", Some(1.0)),
    ];
    let mut ds = panel_ds(&rows);
    ds.add_column(Column::number("calls", vec![1.0, 1.0, 1.0, 1.0, 1.0, 9.0, 9.0, 9.0, 9.0, 5.0])).unwrap();
    ds.add_column(Column::number("steady", vec![1.0, 2.0, 1.0, 2.0, 1.5, 2.0, 1.0, 2.0, 1.0, 1.5])).unwrap();
    let opts = ExplainOptions {
        metric: "value".into(),
        by: Some("key".into()),
        key: "G".into(),
        period: "2024-02".into(),
        ..ExplainOptions::default()
    };
    let e = explain(&ds, &opts).unwrap();
    assert_eq!((e.before, e.after, e.method.as_str()), (30.0, 40.5, "mean"));
    let effects: Vec<(&str, &str, f64)> =
        e.contributors.iter().map(|c| (c.id.as_str(), c.status.as_str(), c.effect)).collect();
    assert_eq!(
        effects,
        vec![
            ("e", "joined", 17.5),
            ("a", "stayed", 0.5),
            ("b", "stayed", -1.25),
            ("c", "stayed", -1.25),
            ("d", "left", -5.0)
        ]
    );
    let total: f64 = e.contributors.iter().map(|c| c.effect).sum::<f64>() + e.rest;
    assert!((total - e.change).abs() < 1e-12 && e.rest == 0.0);
    assert_eq!(e.members, 5);
    assert_eq!(e.indicators[0].column, "calls");
    assert_eq!((e.indicators[0].before, e.indicators[0].after), (1.0, 9.0));

    let e = explain(&ds, &ExplainOptions { agg: Agg::Sum, top: Some(2), ..opts.clone() }).unwrap();
    assert_eq!((e.before, e.after, e.method.as_str()), (150.0, 162.0, "sum"));
    assert_eq!(e.contributors.iter().map(|c| c.effect).collect::<Vec<_>>(), vec![100.0, 2.0]);
    assert_eq!(e.rest, -90.0);

    assert!(explain(&ds, &ExplainOptions { period: "2024-01".into(), ..opts.clone() }).is_err());
    assert!(explain(&ds, &ExplainOptions { key: "nope".into(), ..opts.clone() }).is_err());
}

#[test]
fn sample_trend_by_department_has_24_periods() {
    let ds = sample(&SampleOptions::default()).unwrap();
    let s =
        trend(&ds, &TrendOptions { metric: "客户满意度".into(), by: Some("部门".into()), ..TrendOptions::default() })
            .unwrap();
    assert_eq!(s.len(), 15);
    for x in &s {
        assert_eq!(x.periods.len(), 24);
        assert_eq!(x.periods[23], "2024-12");
        assert!(x.values.iter().all(|v| (40.0..=100.0).contains(v)));
        assert!(x.forecast.is_some());
    }
    // Seasonality: February is below January in every department, on average.
    let feb_dips = s.iter().filter(|x| x.mom[1] < 0.0 && x.mom[13] < 0.0).count();
    assert!(feb_dips >= 12, "only {feb_dips} departments dip in February");
}

/// Ground truth from the rows: teams whose CSAT over the last three months
/// is far below the same months a year before (this cancels seasonality).
fn declining_teams(ds: &Dataset) -> BTreeSet<String> {
    let team = ds.require("团队").unwrap().as_strings().unwrap();
    let csat = ds.numbers("客户满意度").unwrap();
    let month = ds.numbers("月份").unwrap();
    let late = month_days("2024-10");
    let (early_lo, early_hi) = (month_days("2023-10"), month_days("2023-12"));
    let mut acc = vec![[0.0f64; 4]; team.dict.len()];
    for i in 0..ds.row_count() {
        let c = team.codes[i];
        if c == u32::MAX || csat[i].is_nan() {
            continue;
        }
        let a = &mut acc[c as usize];
        if month[i] >= late {
            a[0] += csat[i];
            a[1] += 1.0;
        } else if month[i] >= early_lo && month[i] <= early_hi {
            a[2] += csat[i];
            a[3] += 1.0;
        }
    }
    acc.iter().enumerate().filter(|(_, a)| a[2] / a[3] - a[0] / a[1] > 3.0).map(|(c, _)| team.dict[c].clone()).collect()
}

#[test]
fn sample_declining_teams_are_found_by_an_alert_rule() {
    let ds = sample(&SampleOptions::default()).unwrap();
    let truth = declining_teams(&ds);
    assert!(truth.len() >= 5, "expected about one team in twelve to decline, found {truth:?}");
    let rule = AlertRule {
        metric: "客户满意度".into(),
        by: Some("团队".into()),
        slope_below: Some(-0.5),
        since: Some("2024-07".into()),
        ..AlertRule::default()
    };
    let found = alerts(&ds, std::slice::from_ref(&rule)).unwrap();
    let teams: BTreeSet<String> = found.iter().map(|a| a.key.clone()).collect();
    let missed: Vec<&String> = truth.difference(&teams).collect();
    assert!(missed.is_empty(), "declining teams not alerted: {missed:?}");
    let extra = teams.difference(&truth).count();
    eprintln!("slopeBelow: declining teams {}, alerted {}, of which not declining {extra}", truth.len(), teams.len());
    assert!(extra * 4 <= truth.len(), "too many false alarms: {extra} for {} declining teams", truth.len());
    // Every explanation adds up, and names the people behind the fall.
    for a in &found {
        let e = a.explanation.as_ref().expect("team alerts are explained");
        let total: f64 = e.contributors.iter().map(|c| c.effect).sum::<f64>() + e.rest;
        assert!((total - e.change).abs() < 1e-9, "{}: {total} vs {}", a.key, e.change);
        assert!((e.after - a.value).abs() < 1e-9);
        assert!(!e.contributors.is_empty() && !e.indicators.is_empty());
        assert!(e.contributors[0].name.is_some());
    }
    // Month-over-month runs see most of them too, but noise breaks some runs
    // and the Double-11 dip adds false alarms: the slope rule is the one to use.
    let runs = alerts(&ds, &[AlertRule { slope_below: None, consecutive_declines: Some(3), ..rule }]).unwrap();
    let run_teams: BTreeSet<String> = runs.iter().map(|a| a.key.clone()).collect();
    let hit = truth.intersection(&run_teams).count();
    eprintln!("consecutiveDeclines 3: found {hit} of {}, alerted {}", truth.len(), run_teams.len());
    assert!(hit * 3 >= truth.len() * 2);
}

#[test]
fn trends_follow_added_segment_columns() {
    let mut ds = sample(&SampleOptions { employees: 300, months: 12, seed: 5 }).unwrap();
    let tiers: Vec<&str> = (0..ds.row_count()).map(|i| if i % 3 == 0 { "A" } else { "B" }).collect();
    ds.add_column(cat("tier", &tiers)).unwrap();
    let s = trend(&ds, &TrendOptions { metric: "质检得分".into(), by: Some("tier".into()), ..TrendOptions::default() })
        .unwrap();
    assert_eq!(s.iter().map(|x| x.key.as_str()).collect::<Vec<_>>(), vec!["A", "B"]);
    let total: u32 = s.iter().map(|x| x.count.iter().sum::<u32>()).sum();
    assert_eq!(total as usize, ds.numbers("质检得分").unwrap().iter().filter(|v| !v.is_nan()).count());
    // Number columns group by their values too.
    let s = trend(&ds, &TrendOptions { metric: "质检得分".into(), by: Some("职级".into()), ..TrendOptions::default() })
        .unwrap();
    assert!(s.len() >= 4);
}

#[test]
fn org_rollups_cover_whole_subtrees() {
    let ds = sample(&SampleOptions { employees: 400, months: 6, seed: 9 }).unwrap();
    let metric = || "工单解决量".to_string();
    let all = trend(&ds, &TrendOptions { metric: metric(), agg: Agg::Sum, ..TrendOptions::default() }).unwrap();
    let org = trend(
        &ds,
        &TrendOptions { metric: metric(), agg: Agg::Sum, by: Some("org".into()), ..TrendOptions::default() },
    )
    .unwrap();
    assert_eq!(org.len(), 400);
    assert_eq!(org[0].key, "E00001");
    assert_eq!(org[0].values, all[0].values);
    assert_eq!(org[0].count, all[0].count);
    // A node and its direct children: the node's sum is its own rows plus its children's subtrees.
    let drill = trend(
        &ds,
        &TrendOptions { metric: metric(), agg: Agg::Sum, by: Some("org:E00002".into()), ..TrendOptions::default() },
    )
    .unwrap();
    assert_eq!(drill[0].key, "E00002");
    assert!(drill.len() > 1);
    let own = trend(
        &ds,
        &TrendOptions { metric: metric(), agg: Agg::Sum, by: Some("工号".into()), ..TrendOptions::default() },
    )
    .unwrap();
    let own = own.iter().find(|s| s.key == "E00002").unwrap();
    for k in 0..6 {
        let kids: f64 = drill[1..].iter().map(|s| if s.values[k].is_nan() { 0.0 } else { s.values[k] }).sum();
        let mine = if own.values[k].is_nan() { 0.0 } else { own.values[k] };
        assert!((drill[0].values[k] - kids - mine).abs() < 1e-6);
    }
    // Means and medians roll up over the same rows.
    let mean =
        trend(&ds, &TrendOptions { metric: metric(), by: Some("org".into()), ..TrendOptions::default() }).unwrap();
    let all_mean = trend(&ds, &TrendOptions { metric: metric(), ..TrendOptions::default() }).unwrap();
    assert!((mean[0].values[3] - all_mean[0].values[3]).abs() < 1e-9);
    let med = trend(
        &ds,
        &TrendOptions { metric: metric(), by: Some("org".into()), agg: Agg::Median, ..TrendOptions::default() },
    )
    .unwrap();
    let all_med = trend(&ds, &TrendOptions { metric: metric(), agg: Agg::Median, ..TrendOptions::default() }).unwrap();
    assert_eq!(med[0].values, all_med[0].values);
    assert_eq!(med.len(), 400);
    // Org alerts are explained by the people in the subtree.
    let a = alerts(
        &ds,
        &[AlertRule { metric: metric(), by: Some("org".into()), robust_z: Some(0.5), ..AlertRule::default() }],
    )
    .unwrap();
    for x in a.iter().filter_map(|x| x.explanation.as_ref()) {
        let total: f64 = x.contributors.iter().map(|c| c.effect).sum::<f64>() + x.rest;
        assert!((total - x.change).abs() < 1e-6);
    }
    assert!(trend(&ds, &TrendOptions { metric: metric(), by: Some("org:nobody".into()), ..TrendOptions::default() })
        .is_err());
}

#[test]
fn deterministic() {
    let ds = sample(&SampleOptions { employees: 300, months: 24, seed: 3 }).unwrap();
    let o =
        TrendOptions {
            metric: "投诉率".into(), by: Some("团队".into()), agg: Agg::Median, ..TrendOptions::default()
        };
    let a = serde_json::to_string(&trend(&ds, &o).unwrap()).unwrap();
    let b = serde_json::to_string(&trend(&ds, &o).unwrap()).unwrap();
    assert_eq!(a, b);
}

/// `cargo test --release --test trend -- --ignored --nocapture` prints the timings.
#[test]
#[ignore = "timing; run in release"]
fn timing_trend_1_2m_rows() {
    let t = Instant::now();
    let ds = sample(&SampleOptions { employees: 100_000, months: 12, seed: 1 }).unwrap();
    eprintln!("sample 1.2M rows: {:?}", t.elapsed());
    let time = |label: &str, o: &TrendOptions| {
        let _ = trend(&ds, o).unwrap();
        let mut best = f64::INFINITY;
        for _ in 0..5 {
            let t = Instant::now();
            let s = trend(&ds, o).unwrap();
            best = best.min(t.elapsed().as_secs_f64() * 1e3);
            std::hint::black_box(s);
        }
        eprintln!("{label}: {best:.1} ms");
    };
    let o = |by: Option<&str>, agg| TrendOptions {
        metric: "客户满意度".into(),
        by: by.map(str::to_owned),
        agg,
        ..TrendOptions::default()
    };
    time("trend by 部门, mean", &o(Some("部门"), Agg::Mean));
    time("trend by 部门, median", &o(Some("部门"), Agg::Median));
    time("trend by 团队, mean", &o(Some("团队"), Agg::Mean));
    time("trend by 工号 (100k series), mean", &o(Some("工号"), Agg::Mean));
    time("trend by org (100k nodes), mean", &o(Some("org"), Agg::Mean));
    let t = Instant::now();
    let a = alerts(
        &ds,
        &[AlertRule {
            metric: "客户满意度".into(),
            by: Some("团队".into()),
            consecutive_declines: Some(3),
            drop_pct: Some(5.0),
            ..AlertRule::default()
        }],
    )
    .unwrap();
    eprintln!("alerts by 团队 (MA, declines, drops, {} explained): {:?}", a.len(), t.elapsed());
}

#[test]
fn cached_month_offsets_and_panels_never_go_stale() {
    // trend and alerts keep the period column's month offsets and each panel
    // for the next call; any change to the dataset must drop them.
    let rows =
        [("A", "e1", "2024-01", Some(10.0)), ("A", "e1", "2024-02", Some(20.0)), ("B", "e2", "2024-02", Some(5.0))];
    let mut ds = panel_ds(&rows);
    let opts = TrendOptions { metric: "value".into(), by: Some("key".into()), ..TrendOptions::default() };
    let first = trend(&ds, &opts).unwrap();
    assert_eq!(
        format!("{:?}", trend(&ds, &opts).unwrap()),
        format!("{first:?}"),
        "a second call (cached) gives the same series"
    );
    let a = first.iter().find(|s| s.key == "A").unwrap();
    assert_eq!(a.values, vec![10.0, 20.0]);

    // New values in the metric column.
    ds.set_column(Column::number("value", vec![1.0, 2.0, 3.0]), true).unwrap();
    let after = trend(&ds, &opts).unwrap();
    assert_eq!(after.iter().find(|s| s.key == "A").unwrap().values, vec![1.0, 2.0]);

    // New months in the period column: offsets recomputed (B moves to March).
    let march = [month_days("2024-01"), month_days("2024-02"), month_days("2024-03")];
    ds.set_column(Column::date("month", march.to_vec(), DateUnit::Month).with_role(Some(Role::Period)), true).unwrap();
    let moved = trend(&ds, &opts).unwrap();
    let b = moved.iter().find(|s| s.key == "B").unwrap();
    assert_eq!(b.periods, vec!["2024-01", "2024-02", "2024-03"]);
    assert!(b.values[0].is_nan() && b.values[1].is_nan());
    assert_eq!(b.values[2], 3.0);

    // Values changed in place through columns_mut.
    if let Some(c) = ds.columns_mut().iter_mut().find(|c| c.name == "value") {
        c.data = hrlens::engine::dataset::ColumnData::Number(vec![7.0, 8.0, 9.0].into());
    }
    let a = trend(&ds, &opts).unwrap().into_iter().find(|s| s.key == "A").unwrap();
    assert_eq!(a.values[..2], [7.0, 8.0]);
    assert!(a.values[2].is_nan());
    let rule = AlertRule { metric: "value".into(), by: Some("key".into()), above: Some(8.5), ..AlertRule::default() };
    let fired: Vec<_> = alerts(&ds, &[rule]).unwrap().into_iter().map(|a| (a.key, a.period)).collect();
    assert_eq!(fired, vec![("B".to_owned(), "2024-03".to_owned())]);
}

#[test]
fn cached_panels_equal_fresh_ones_on_the_sample() {
    // The same requests on a dataset with a warm cache and on a fresh clone
    // (clones start with an empty cache) give identical results.
    let ds = sample(&SampleOptions { employees: 120, months: 12, seed: 4 }).unwrap();
    let opts = TrendOptions {
        metric: "客户满意度".into(),
        by: Some("部门".into()),
        window: Some(3),
        ..TrendOptions::default()
    };
    let rule = AlertRule {
        metric: "客户满意度".into(),
        by: Some("部门".into()),
        drop_pct: Some(3.0),
        consecutive_declines: Some(2),
        ..AlertRule::default()
    };
    let warm = (trend(&ds, &opts).unwrap(), alerts(&ds, std::slice::from_ref(&rule)).unwrap());
    let again = (trend(&ds, &opts).unwrap(), alerts(&ds, std::slice::from_ref(&rule)).unwrap());
    let fresh = ds.clone();
    let cold = (trend(&fresh, &opts).unwrap(), alerts(&fresh, std::slice::from_ref(&rule)).unwrap());
    assert_eq!(format!("{warm:?}"), format!("{again:?}"));
    assert_eq!(format!("{warm:?}"), format!("{cold:?}"));
    assert!(!warm.1.is_empty(), "the rule fires on the sample");
}
