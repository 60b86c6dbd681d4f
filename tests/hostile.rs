//! The hostile-inputs gallery: each input gives a clear error or a correct
//! result, never a panic or a hang, and never loses rows without saying so.
//! (Org trees with million-long chains and cycles are in `tests/org.rs`;
//! invalid scorecards in `tests/score.rs`.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use hrlens::engine::ingest::{load, LoadOptions};
use hrlens::engine::sample::{sample, SampleOptions};
use hrlens::engine::score::{score, ScoreOptions, Scorecard};
use hrlens::engine::trend::{alerts, trend, AlertRule, TrendOptions};
use hrlens::engine::{Dataset, Error, ErrorKind};

fn opts(name: &str) -> LoadOptions {
    LoadOptions { filename: Some(name.into()), ..LoadOptions::default() }
}

fn load_named(bytes: &[u8], name: &str) -> Result<Dataset, Error> {
    load(bytes, &opts(name))
}

/// An error a user can act on: it names the file and says something.
fn assert_clear(e: &Error, kind: ErrorKind, file: &str) {
    assert_eq!(e.kind, kind, "{e:?}");
    assert_eq!(e.file.as_deref(), Some(file), "{e:?}");
    assert!(e.message.en.len() > 10 && !e.message.zh.is_empty(), "{e:?}");
}

/// Rows kept plus rows reported must cover every non-header line with data.
fn assert_nothing_lost(ds: &Dataset, data_lines: usize) {
    let reported = ds.warnings().iter().filter(|w| w.row.is_some() && w.column.is_none()).count();
    assert!(ds.row_count() + reported >= data_lines, "{} rows + {reported} reported < {data_lines}", ds.row_count());
}

#[test]
fn empty_file() {
    let e = load_named(b"", "empty.csv").unwrap_err();
    assert_clear(&e, ErrorKind::Format, "empty.csv");
}

#[test]
fn header_only() {
    match load_named("工号,部门,得分\n".as_bytes(), "h.csv") {
        Ok(ds) => {
            assert_eq!(ds.row_count(), 0);
            assert_eq!(ds.columns().len(), 3);
        }
        Err(e) => assert_clear(&e, ErrorKind::Format, "h.csv"),
    }
}

#[test]
fn one_column() {
    let ds = load_named(b"score\n1\n2\n3\n", "one.csv").unwrap();
    assert_eq!(ds.columns().len(), 1);
    assert_eq!(&*ds.numbers("score").unwrap(), &[1.0, 2.0, 3.0]);
}

#[test]
fn a_hundred_thousand_columns() {
    let n = 100_000;
    let header: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
    let row: Vec<String> = (0..n).map(|i| (i % 97).to_string()).collect();
    let csv = format!("{}\n{}\n{}\n", header.join(","), row.join(","), row.join(","));
    match load_named(csv.as_bytes(), "wide.csv") {
        Ok(ds) => {
            assert_eq!(ds.columns().len(), n);
            assert_eq!(ds.row_count(), 2);
            assert_eq!(&*ds.numbers("c99999").unwrap(), &[(99_999 % 97) as f64; 2]);
        }
        Err(e) => assert_clear(&e, ErrorKind::Limit, "wide.csv"),
    }
}

#[test]
fn a_ten_megabyte_field() {
    let big = "x".repeat(10 << 20);
    let csv = format!("id,note\n1,{big}\n2,short\n");
    match load_named(csv.as_bytes(), "big.csv") {
        Ok(ds) => {
            assert_eq!(ds.row_count(), 2);
            assert_eq!(ds.column("note").unwrap().display(0).unwrap().len(), 10 << 20);
        }
        Err(e) => assert_clear(&e, ErrorKind::Limit, "big.csv"),
    }
}

#[test]
fn nul_bytes() {
    let ds = load_named(b"a,b\n1,x\0y\n2,\0\n", "nul.csv");
    match ds {
        Ok(ds) => {
            assert_eq!(ds.row_count(), 2);
            assert_eq!(&*ds.numbers("a").unwrap(), &[1.0, 2.0]);
        }
        Err(e) => assert!(matches!(e.kind, ErrorKind::Format | ErrorKind::Encoding), "{e:?}"),
    }
}

#[test]
fn invalid_utf8_in_a_declared_utf8_file_names_the_line() {
    let o = LoadOptions { filename: Some("bad.csv".into()), encoding: Some("utf-8".into()), ..LoadOptions::default() };
    let e = load(b"a,b\n1,2\n3,\xff\xfe\n", &o).unwrap_err();
    assert_clear(&e, ErrorKind::Encoding, "bad.csv");
    assert_eq!(e.line, Some(3));
}

#[test]
fn mixed_line_endings() {
    let ds = load_named(b"a,b\r\n1,2\n3,4\r\n5,6\r7,8\n", "mixed.csv").unwrap();
    assert_eq!(&*ds.numbers("a").unwrap(), &[1.0, 3.0, 5.0, 7.0]);
    assert_eq!(&*ds.numbers("b").unwrap(), &[2.0, 4.0, 6.0, 8.0]);
}

#[test]
fn unbalanced_quote_at_eof() {
    match load_named(b"a,b\n1,2\n3,\"unterminated\n4,5\n", "quote.csv") {
        Ok(ds) => {
            // The csv crate reads to EOF inside the quotes: the rows before are kept
            // and the quoted field keeps the rest of the file; nothing is dropped silently.
            assert!(ds.row_count() >= 2);
            assert_eq!(ds.numbers("a").unwrap().first(), Some(&1.0));
            assert_nothing_lost(&ds, 2);
        }
        Err(e) => {
            assert_clear(&e, ErrorKind::Format, "quote.csv");
            assert!(e.line.is_some());
        }
    }
}

#[test]
fn non_finite_and_huge_numbers_are_values_or_missing_never_poison() {
    let mut csv = String::from(
        "工号,月份,客户满意度\nE1,2024-01,NaN\nE2,2024-01,inf\nE3,2024-01,-Infinity\nE4,2024-01,1e308\nE5,2024-01,80\nE1,2024-02,1e308\nE99,2024-02,1e308\nE2,2024-02,-1e308\nE3,2024-02,70\n",
    );
    for i in 6..40 {
        csv.push_str(&format!("E{i},2024-01,{}\nE{i},2024-02,{}\n", 60 + i % 30, 61 + i % 29));
    }
    let ds = load_named(csv.as_bytes(), "inf.csv").unwrap();
    assert_eq!(ds.row_count(), 9 + 68);
    let warned: Vec<u64> = ds.warnings().iter().filter_map(|w| w.row).collect();
    assert!(warned.contains(&3) && warned.contains(&4), "inf and -Infinity are reported: {warned:?}");
    let v = ds.numbers("客户满意度").unwrap();
    assert!(v.iter().all(|x| x.is_finite() || x.is_nan()), "no infinities enter the dataset: {v:?}");
    let card = Scorecard::from_json(
        r#"{"name":"t","dimensions":[
            {"name":"m","weight":1,"indicators":[{"column":"客户满意度","weight":1,"normalize":"minmax"}]},
            {"name":"z","weight":1,"indicators":[{"column":"客户满意度","weight":1,"normalize":"zscore"}]},
            {"name":"p","weight":1,"indicators":[{"column":"客户满意度","weight":1,"normalize":"percentile"}]}]}"#,
    )
    .unwrap();
    for period in ["2024-01", "2024-02"] {
        let s = score(&ds, std::slice::from_ref(&card), &ScoreOptions { period: Some(period.into()), group_by: None })
            .unwrap();
        for (i, t) in s.total.iter().enumerate() {
            assert!(t.is_nan() || (0.0..=100.0).contains(t), "{period} total {t} of {}", s.ids[i]);
        }
    }
    let series = trend(&ds, &TrendOptions { metric: "客户满意度".into(), ..TrendOptions::default() }).unwrap();
    assert!(series.iter().all(|s| s.values.iter().all(|x| !x.is_infinite())));
    let a = alerts(&ds, &[AlertRule { metric: "客户满意度".into(), robust_z: Some(3.5), ..AlertRule::default() }]);
    assert!(a.is_ok());
}

#[test]
fn one_row() {
    let ds = load_named("工号,月份,客户满意度\nE1,2024-01,80\n".as_bytes(), "one.csv").unwrap();
    let series = trend(&ds, &TrendOptions { metric: "客户满意度".into(), ..TrendOptions::default() }).unwrap();
    assert_eq!(series.len(), 1);
    assert_eq!(series[0].values, vec![80.0]);
    assert!(series[0].slope.is_nan() || series[0].slope == 0.0);
}

#[test]
fn zero_variance_columns_score_one_hundred() {
    let csv = "工号,月份,a,b\nE1,2024-01,5,1\nE2,2024-01,5,2\nE3,2024-01,5,3\n";
    let ds = load_named(csv.as_bytes(), "flat.csv").unwrap();
    let card = Scorecard::from_json(
        r#"{"name":"t","dimensions":[{"name":"d","weight":1,"indicators":[{"column":"a","weight":1,"normalize":"zscore"}]}]}"#,
    )
    .unwrap();
    let s = score(&ds, &[card], &ScoreOptions::default()).unwrap();
    assert_eq!(s.total, vec![100.0; 3]);
    assert_eq!(s.rank, vec![1; 3]);
}

#[test]
fn all_zero_weights_are_a_param_error() {
    let ds = sample(&SampleOptions { employees: 20, months: 2, seed: 1 }).unwrap();
    let card = Scorecard::from_json(
        r#"{"name":"t","dimensions":[{"name":"d","weight":0,"indicators":[{"column":"客户满意度","weight":0}]}]}"#,
    );
    let e = card.and_then(|c| score(&ds, &[c], &ScoreOptions::default())).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Param);
    assert!(e.message.en.contains("zero"), "{}", e.message.en);
}

#[test]
fn scorecard_on_missing_columns_names_them() {
    let ds = sample(&SampleOptions { employees: 20, months: 2, seed: 1 }).unwrap();
    let card = Scorecard::from_json(
        r#"{"name":"t","dimensions":[{"name":"d","weight":1,"indicators":[{"column":"不存在","weight":1}]}]}"#,
    )
    .unwrap();
    let e = score(&ds, &[card], &ScoreOptions::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Param);
    assert!(e.message.en.contains("不存在") && e.message.zh.contains("不存在"));
}

/// Found by `make fuzz` (target `analyses`): equal weights over many
/// indicators summed to 1 + ε and a perfect scorer got 100.00000000000001.
#[test]
fn fuzz_regression_totals_never_exceed_100() {
    let bytes = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/fuzz/score-above-100.csv")).unwrap();
    let ds = load(&bytes, &LoadOptions::default()).unwrap();
    let numeric: Vec<String> = ds
        .columns()
        .iter()
        .filter(|c| c.kind() == hrlens::engine::ColumnKind::Number)
        .map(|c| c.name.clone())
        .collect();
    let indicators: Vec<String> = numeric
        .iter()
        .zip(["minmax", "zscore", "percentile", "minmax"].iter().cycle())
        .map(|(c, n)| format!(r#"{{"column":{},"weight":1,"normalize":"{n}"}}"#, serde_json::json!(c)))
        .collect();
    let card = Scorecard::from_json(&format!(
        r#"{{"name":"f","dimensions":[{{"name":"d","weight":1,"indicators":[{}]}}]}}"#,
        indicators.join(",")
    ))
    .unwrap();
    let s = score(&ds, &[card], &ScoreOptions::default()).unwrap();
    assert!(s.total.iter().all(|t| t.is_nan() || (0.0..=100.0).contains(t)), "{:?}", s.total);
    assert!(s.total.contains(&100.0));
}

/// Found by `make fuzz` (target `analyses`, a timeout): a mistyped year
/// (`7294-03`) stretched every series over 63,255 months. A placeholder such
/// as `9999-12` would make a large panel allocate tens of gigabytes.
#[test]
fn fuzz_regression_a_mistyped_year_is_a_clear_limit_error() {
    let mut csv = String::from("工号,月份,客户满意度\n");
    for i in 0..30 {
        csv.push_str(&format!("E{i},2024-{:02},{}\n", 1 + i % 12, 70 + i));
    }
    csv.push_str("E7,9999-12,80\n");
    // Loading: the placeholder is not a date the engine keeps; the cell is
    // left empty and the warning names line and column, so the trend spans 2024.
    let ds = load_named(csv.as_bytes(), "typo.csv").unwrap();
    assert!(ds.warnings().iter().any(|w| w.row == Some(32) && w.column.as_deref() == Some("月份")));
    let t = trend(&ds, &TrendOptions { metric: "客户满意度".into(), ..TrendOptions::default() }).unwrap();
    assert_eq!(t[0].periods.len(), 12);
    // A period column that holds month text (as a fuzzed table can) is refused before allocating.
    let mut ds = ds;
    let text: Vec<Option<&str>> =
        (0..ds.row_count()).map(|i| Some(if i == 30 { "9999-12" } else { "2024-03" })).collect();
    let col = hrlens::engine::Column::strings(
        "月份文本",
        hrlens::engine::Interned::from_strings(text),
        hrlens::engine::ColumnKind::Category,
    );
    ds.add_column(col).unwrap();
    let o =
        TrendOptions {
            metric: "客户满意度".into(), period_column: Some("月份文本".into()), ..TrendOptions::default()
        };
    let e = trend(&ds, &o).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Limit);
    assert_eq!(e.column.as_deref(), Some("月份文本"));
    assert!(e.message.en.contains("9999-12") && e.message.zh.contains("9999-12"), "{}", e.message.en);
    let rule = AlertRule {
        metric: "客户满意度".into(),
        below: Some(75.0),
        period_column: Some("月份文本".into()),
        ..AlertRule::default()
    };
    assert_eq!(alerts(&ds, &[rule]).unwrap_err().kind, ErrorKind::Limit);
}

#[test]
fn a_trend_too_big_for_memory_is_a_limit_error_before_allocating() {
    // 200,000 employees × 400 months = 80M cells > the 64M cap.
    let mut ds = sample(&SampleOptions { employees: 200_000, months: 1, seed: 1 }).unwrap();
    let n = ds.row_count();
    let days: Vec<f64> = (0..n).map(|i| if i == 0 { 0.0 } else { 12_145.0 }).collect();
    ds.add_column(hrlens::engine::Column::date("月份 2", days, hrlens::engine::DateUnit::Day)).unwrap();
    let o = TrendOptions {
        metric: "客户满意度".into(),
        by: Some("工号".into()),
        period_column: Some("月份 2".into()),
        ..TrendOptions::default()
    };
    let e = trend(&ds, &o).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Limit, "{e:?}");
    assert!(e.message.en.contains("cells"), "{}", e.message.en);
}

/// Many repeats of the same employee-month, and many identical rows with no
/// id: each repeat is reported against the first row of its run, in time
/// linear in the rows (this once scanned every earlier key per repeat: a
/// 300k-row export with 240k repeats took a minute and froze the page).
#[test]
fn many_duplicates_are_reported_against_their_first_row_without_a_quadratic_scan() {
    use hrlens::engine::WarningKind;
    let n = 300_000usize;
    let mut csv = String::from("工号,月份,得分\n");
    for i in 0..n {
        csv.push_str(&format!("E{:05},2024-{:02},{}\n", i % 20_000, i % 12 + 1, i % 97));
    }
    let ds = load_named(csv.as_bytes(), "dups.csv").unwrap();
    assert_eq!(ds.row_count(), n);
    let dups: Vec<_> = ds.warnings().iter().filter(|w| w.kind == WarningKind::DuplicateKey).collect();
    // lcm(20000, 12) = 60000: each (id, month) occurs 5 times, 4 of them repeats.
    let listed: u64 = dups.iter().map(|w| w.count).sum();
    assert_eq!(listed, 240_000);
    // Line 120002 (row 120000) is E00000 in 2024-01 for the third time: first on line 2.
    assert!(dups.iter().any(|w| w.row == Some(120_002)
        && w.message.en.contains("E00000 in 2024-01")
        && w.message.en.contains("first on line 2")));

    let same = "a,b\n1,2\n".to_owned() + &"1,2\n".repeat(200_000);
    let ds = load_named(same.as_bytes(), "same.csv").unwrap();
    assert_eq!(ds.row_count(), 200_001);
    let copies = ds.warnings().iter().find(|w| w.kind == WarningKind::DuplicateRow).unwrap();
    assert_eq!(copies.count, 200_000);
    assert!(copies.message.en.contains("line 3 repeats line 2"), "{}", copies.message.en);
}
