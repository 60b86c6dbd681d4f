//! Native tests of `engine::weights` against pymcdm/numpy fixtures.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use hrlens::engine::ingest::{load, LoadOptions};
use hrlens::engine::sample::{sample, SampleOptions};
use hrlens::engine::score::{score, template, ScoreOptions, WhatIf};
use hrlens::engine::weights::{ahp, combine, critic, entropy, kendall_tau_b, spearman, Combination};
use serde_json::Value;

fn data(rel: &str) -> Vec<u8> {
    std::fs::read(format!("{}/tests/data/weights/{rel}", env!("CARGO_MANIFEST_DIR"))).unwrap()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array().unwrap().iter().map(|x| x.as_f64().unwrap()).collect()
}

#[test]
fn ahp_matches_numpy_eigenvectors_of_worked_examples() {
    let expected: Value = serde_json::from_slice(&data("expected.json")).unwrap();
    for case in expected["ahp"].as_array().unwrap() {
        let m: Vec<Vec<f64>> = case["matrix"].as_array().unwrap().iter().map(floats).collect();
        let r = ahp(&m).unwrap();
        let name = case["name"].as_str().unwrap();
        for (a, b) in r.weights.iter().zip(floats(&case["weights"])) {
            assert!((a - b).abs() < 1e-9, "{name}: {a} vs {b}");
        }
        for (got, key) in [(r.lambda_max, "lambdaMax"), (r.ci, "ci"), (r.cr, "cr")] {
            let want = case[key].as_f64().unwrap();
            assert!((got - want).abs() < 1e-9, "{name} {key}: {got} vs {want}");
        }
    }
}

#[test]
fn entropy_and_critic_match_pymcdm() {
    let expected: Value = serde_json::from_slice(&data("expected.json")).unwrap();
    let ds = load(&data("matrix.csv"), &LoadOptions::default()).unwrap();
    let cols: Vec<String> =
        expected["columns"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect();
    let e = entropy(&ds, &cols).unwrap();
    let c = critic(&ds, &cols).unwrap();
    assert_eq!(e.rows_used, 15);
    for (got, key) in [(&e.weights, "entropy"), (&c.weights, "critic")] {
        for (a, b) in got.iter().zip(floats(&expected[key])) {
            assert!((a - b).abs() < 1e-9, "{key}: {a} vs {b}");
        }
    }
    assert!(entropy(&ds, &["工号".to_owned(), "投诉率".to_owned()]).unwrap_err().to_en().contains("not numeric"));
    assert!(critic(&ds, &["投诉率".to_owned()]).is_err());
}

#[test]
fn objective_weights_skip_rows_with_gaps_and_say_so() {
    let ds = sample(&SampleOptions { employees: 200, months: 1, seed: 1 }).unwrap();
    let cols = vec!["客户满意度".to_owned(), "团队流失率".to_owned(), "培训完成率".to_owned()];
    let e = entropy(&ds, &cols).unwrap();
    assert!(e.rows_skipped > 150 && e.rows_used > 5, "{e:?}");
    assert!((e.weights.iter().sum::<f64>() - 1.0).abs() < 1e-12);
}

#[test]
fn combined_weights_drive_a_what_if_and_rank_correlations_compare_them() {
    let ds = sample(&SampleOptions { employees: 2000, months: 1, seed: 8 }).unwrap();
    let card = template("cs-manager-monthly").unwrap();
    // Subjective: AHP over the four dimensions; objective: CRITIC over one indicator per dimension.
    let a = ahp(&[
        vec![1.0, 2.0, 3.0, 3.0],
        vec![0.5, 1.0, 2.0, 2.0],
        vec![1.0 / 3.0, 0.5, 1.0, 1.0],
        vec![1.0 / 3.0, 0.5, 1.0, 1.0],
    ])
    .unwrap();
    assert!(a.cr < 0.1);
    let managers_only =
        hrlens::engine::score::score(&ds, std::slice::from_ref(&card), &ScoreOptions::default()).unwrap();
    let o = critic(&ds, &["客户满意度".into(), "工单解决量".into(), "团队流失率".into(), "净推荐值".into()]).unwrap();
    let w = combine(&a.weights, &o.weights, Combination::Linear { alpha: 0.6 }).unwrap();
    let mut wi = WhatIf::new(&ds, &card, &ScoreOptions::default()).unwrap();
    let names: Vec<String> = card.dimensions.iter().map(|d| d.name.clone()).collect();
    wi.set_weights(&names.iter().cloned().zip(w.iter().copied()).collect()).unwrap();
    let rho = spearman(&managers_only.total, &wi.scores().total);
    let tau = kendall_tau_b(&managers_only.total, &wi.scores().total);
    assert!(rho > 0.8 && rho < 1.0, "{rho}");
    assert!(tau > 0.6 && tau < rho, "{tau}");
    // Ranks give the same Spearman as totals (ties aside).
    let ranks_a: Vec<f64> = managers_only.rank.iter().map(|&r| -f64::from(r)).collect();
    let ranks_b: Vec<f64> = wi.scores().rank.iter().map(|&r| -f64::from(r)).collect();
    assert!((spearman(&ranks_a, &ranks_b) - rho).abs() < 1e-9);
    let m = combine(&a.weights, &o.weights, Combination::Multiplicative).unwrap();
    assert!((m.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    let _ = score;
}
