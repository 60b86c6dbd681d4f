//! Shared by the criterion benches: the seeded benchmark tables and the
//! scorecard the browser bench page uses (bench/bench.js builds the same).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use hrlens::engine::sample::bench_panel;
use hrlens::engine::score::Scorecard;
use hrlens::engine::Dataset;

/// Sizes; `HRLENS_BENCH_QUICK=1` (make bench --quick) keeps only the smallest.
pub fn sizes(full: &[usize]) -> Vec<usize> {
    if std::env::var_os("HRLENS_BENCH_QUICK").is_some() {
        full.iter().copied().take(1).collect()
    } else {
        full.to_vec()
    }
}

/// `employees` × `months` rows with `kpis` KPI columns k01…, seed 7 (as `make bench`).
pub fn table(employees: usize, months: usize, kpis: usize) -> Dataset {
    bench_panel(employees * months, 0, kpis, months, 7).unwrap()
}

/// Four dimensions over k01…k12 (min-max; every third indicator lower-is-better),
/// bands A ≥ 80, B ≥ 70, C ≥ 60, D ≥ 0.
pub fn card(kpis: usize) -> Scorecard {
    let dims: Vec<String> = (0..4)
        .map(|d| {
            let inds: Vec<String> = (0..kpis)
                .filter(|j| j % 4 == d)
                .map(|j| {
                    let dir = if j % 3 == 2 { "lower" } else { "higher" };
                    format!(
                        r#"{{"column":"k{:02}","weight":{},"direction":"{dir}","normalize":"minmax"}}"#,
                        j + 1,
                        1 + j % 5
                    )
                })
                .collect();
            format!(r#"{{"name":"D{}","weight":{},"indicators":[{}]}}"#, d + 1, 10 * (d + 1), inds.join(","))
        })
        .collect();
    let json = format!(
        r#"{{"name":"bench","dimensions":[{}],"bands":{{"thresholds":[{{"label":"A","min":80}},{{"label":"B","min":70}},{{"label":"C","min":60}},{{"label":"D","min":0}}]}}}}"#,
        dims.join(",")
    );
    Scorecard::from_json(&json).unwrap()
}
