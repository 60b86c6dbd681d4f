//! Arbitrary small tables (CSV text) through every analysis with fixed
//! options: the org tree, a trend, alerts and a score over whatever columns
//! the table has. Never a panic.
#![no_main]
use hrlens::engine::ingest::{load, LoadOptions};
use hrlens::engine::org::{org_tree, OrgOptions};
use hrlens::engine::score::{score, ScoreOptions, Scorecard};
use hrlens::engine::trend::{alerts, trend, AlertRule, TrendOptions};
use hrlens::engine::{ColumnKind, Role};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(mut ds) = load(bytes, &LoadOptions::default()) else { return };
    if ds.row_count() > 2_000 {
        return;
    }
    let names: Vec<(String, ColumnKind)> = ds.columns().iter().map(|c| (c.name.clone(), c.kind())).collect();
    // Give roles by position too, so analyses that need them run.
    if let Some((first, _)) = names.first() {
        let _ = ds.set_role(first, Some(Role::EmployeeId));
    }
    if let Some((second, _)) = names.get(1) {
        let _ = ds.set_role(second, Some(Role::ManagerId));
    }
    let _ = org_tree(&ds, &OrgOptions::default());
    let numeric: Vec<&str> = names.iter().filter(|(_, k)| *k == ColumnKind::Number).map(|(n, _)| n.as_str()).collect();
    let category = names.iter().find(|(_, k)| *k == ColumnKind::Category).map(|(n, _)| n.clone());
    for by in [None, category.clone(), Some("org".to_owned())] {
        for &metric in numeric.iter().take(2) {
            let _ = trend(&ds, &TrendOptions { metric: metric.into(), by: by.clone(), ..TrendOptions::default() });
            let rule = AlertRule {
                metric: metric.into(),
                by: by.clone(),
                below: Some(1.0),
                consecutive_declines: Some(2),
                drop_pct: Some(5.0),
                robust_z: Some(3.0),
                slope_below: Some(0.0),
                ..AlertRule::default()
            };
            let _ = alerts(&ds, &[rule]);
        }
    }
    if !numeric.is_empty() {
        let indicators: Vec<String> = numeric
            .iter()
            .zip(["minmax", "zscore", "percentile", "minmax"].iter().cycle())
            .map(|(c, n)| format!(r#"{{"column":{},"weight":1,"normalize":"{n}"}}"#, serde_json::json!(c)))
            .collect();
        let card = format!(
            r#"{{"name":"f","dimensions":[{{"name":"d","weight":1,"indicators":[{}]}}]}}"#,
            indicators.join(",")
        );
        if let Ok(card) = Scorecard::from_json(&card) {
            if let Ok(s) = score(&ds, &[card], &ScoreOptions { period: None, group_by: category }) {
                assert!(s.total.iter().all(|t| t.is_nan() || (0.0..=100.0).contains(t)), "{:?}", s.total);
            }
        }
    }
});
