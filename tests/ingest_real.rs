//! Ingest on real public files in `../shared/data` (each test prints SKIPPED
//! and passes when the folder is absent): csv-spectrum against its expected
//! JSON, the IBM attrition CSV and XLSX (same values), HRDataset_v14 (BOM,
//! CRLF, quoted commas, trailing spaces, two-digit years, leading-zero ZIPs,
//! an org tree) and its Excel re-save (date ambiguity reported), HR_comma_sep
//! (3,008 duplicate rows). Each also streams in uneven chunks to the same
//! dataset, and loads with `compact: true` to the same values.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use hrlens::engine::ingest::{join, load, JoinOn, JoinOptions, LoadOptions, StreamLoader};
use hrlens::engine::{ColumnKind, Dataset, DateOrder, Role, WarningKind};

fn open(rel: &str) -> Option<(Vec<u8>, Dataset)> {
    let bytes = common::shared_bytes(rel)?;
    let name = rel.rsplit('/').next().map(str::to_owned);
    let opts = LoadOptions { filename: name, ..LoadOptions::default() };
    let ds = load(&bytes, &opts).unwrap_or_else(|e| panic!("{rel}: {e}"));
    // Numbers kept as scaled decimals are the same values, to the bit.
    let compact = load(&bytes, &LoadOptions { compact: Some(true), ..opts }).unwrap_or_else(|e| panic!("{rel}: {e}"));
    assert!(compact == ds, "{rel}: compact storage changed the dataset");
    let scaled = compact.columns().iter().filter(|c| c.as_numbers().is_some_and(|n| n.is_scaled())).count();
    assert!(scaled > 0, "{rel}: no column was stored scaled");
    Some((bytes, ds))
}

/// Stream in chunks of varying size (a fixed pseudo-random sequence).
fn streamed(bytes: &[u8], filename: Option<&str>) -> Dataset {
    let opts =
        LoadOptions { filename: filename.map(str::to_owned), size: Some(bytes.len() as u64), ..LoadOptions::default() };
    let mut s = StreamLoader::new(&opts).unwrap();
    let (mut at, mut x) = (0usize, 0x2545_f491_u32);
    while at < bytes.len() {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        let n = 1 + (x as usize % 9000);
        let end = (at + n).min(bytes.len());
        s.push(&bytes[at..end]).unwrap();
        at = end;
    }
    s.finish().unwrap()
}

fn kind(ds: &Dataset, c: &str) -> ColumnKind {
    ds.column(c).unwrap_or_else(|| panic!("no column {c}")).kind()
}

fn shown(ds: &Dataset, c: &str, row: usize) -> Option<String> {
    ds.column(c).unwrap().display(row).map(|s| s.into_owned())
}

#[test]
fn csv_spectrum_parses_to_its_expected_json() {
    let Some(dir) = common::shared_file("csv-spectrum/csvs") else { return };
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let expected: Vec<serde_json::Map<String, serde_json::Value>> =
            serde_json::from_str(&std::fs::read_to_string(dir.join(format!("../json/{stem}.json"))).unwrap()).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        // The stored *_crlf files have lost their CRs; check them as stored and rebuilt with CRLF.
        let mut inputs = vec![(bytes.clone(), false)];
        if stem.ends_with("_crlf") && !bytes.contains(&b'\r') {
            let crlf: Vec<u8> =
                bytes.iter().flat_map(|&b| if b == b'\n' { vec![b'\r', b'\n'] } else { vec![b] }).collect();
            inputs.push((crlf, true));
        }
        for (bytes, crlf) in inputs {
            let ds = load(&bytes, &LoadOptions::default()).unwrap_or_else(|e| panic!("{stem}: {e}"));
            assert_eq!(ds.row_count(), expected.len(), "{stem}");
            for (r, row) in expected.iter().enumerate() {
                for (k, v) in row {
                    let mut want = v.as_str().unwrap().to_owned();
                    if !crlf {
                        want = want.replace("\r\n", "\n");
                    }
                    let got = shown(&ds, k, r).unwrap_or_default();
                    assert_eq!(got, want, "{stem} row {r} column {k}");
                }
            }
            assert!(streamed(&bytes, None) == ds, "{stem}: streamed");
        }
        n += 1;
    }
    assert_eq!(n, 11, "the 11 csv-spectrum files");
}

#[test]
fn ibm_attrition_csv_and_xlsx_hold_the_same_values() {
    let Some((bytes, csv)) = open("WA_Fn-UseC_-HR-Employee-Attrition.csv") else { return };
    let Some((xbytes, xlsx)) = open("xlsx/WA_Fn-UseC_-HR-Employee-Attrition.xlsx") else { return };
    for ds in [&csv, &xlsx] {
        assert_eq!(ds.row_count(), 1470);
        assert_eq!(ds.columns().len(), 35);
        assert_eq!(ds.by_role(Role::EmployeeId).unwrap().name, "EmployeeNumber");
        assert_eq!(ds.by_role(Role::Department).unwrap().name, "Department");
        assert_eq!(ds.by_role(Role::JobLevel).unwrap().name, "JobLevel");
        assert_eq!(kind(ds, "MonthlyIncome"), ColumnKind::Number);
        assert_eq!(kind(ds, "Department"), ColumnKind::Category);
        let attrition = ds.column("Attrition").unwrap();
        assert!(attrition.meta.boolean);
        assert_eq!(ds.numbers("Attrition").unwrap().iter().sum::<f64>(), 237.0, "237 Yes");
        assert!(ds.warnings().is_empty(), "{:?}", ds.warnings());
    }
    assert_eq!(csv.source().encoding.as_deref(), Some("utf-8"));
    assert!(csv.source().bom);
    assert_eq!(csv.source().line_ending.as_deref(), Some("crlf"));
    assert_eq!(xlsx.source().sheet.as_deref(), Some(xlsx.source().sheets[0].as_str()));
    assert!(xlsx.source().sheets.iter().any(|s| s == "Data Definitions"));
    // Same names, kinds and values, column by column.
    for (a, b) in csv.columns().iter().zip(xlsx.columns()) {
        assert_eq!(a.name, b.name);
        assert_eq!(a.kind(), b.kind(), "{}", a.name);
        assert!(a.data == b.data, "column {} differs between the CSV and the XLSX", a.name);
    }
    assert!(streamed(&bytes, Some("WA_Fn-UseC_-HR-Employee-Attrition.csv")) == csv);
    assert!(streamed(&xbytes, Some("WA_Fn-UseC_-HR-Employee-Attrition.xlsx")) == xlsx);
}

#[test]
fn hr_dataset_v14_csv() {
    let Some((bytes, ds)) = open("HRDataset_v14.csv") else { return };
    assert_eq!(ds.row_count(), 311);
    assert_eq!(ds.columns().len(), 36);
    assert!(ds.source().bom);
    for (c, r) in [
        ("Employee_Name", Role::Name),
        ("EmpID", Role::EmployeeId),
        ("ManagerID", Role::ManagerId),
        ("Department", Role::Department),
    ] {
        assert_eq!(ds.by_role(r).unwrap().name, c);
    }
    assert_eq!(
        shown(&ds, "Employee_Name", 0).as_deref(),
        Some("Adinolfi, Wilson  K"),
        "quoted comma, inner spaces kept"
    );
    assert_eq!(shown(&ds, "Zip", 0).as_deref(), Some("01960"), "leading zero kept");
    assert_eq!(kind(&ds, "Zip"), ColumnKind::Text);
    // `Production       ` and `M ` are trimmed.
    let dept = ds.column("Department").unwrap();
    assert!(dept.as_strings().unwrap().dict.iter().all(|d| d.trim() == d));
    assert_eq!(ds.column("Sex").unwrap().distinct(), 2);
    assert!(dept.meta.cleaning.iter().any(|s| s.step == hrlens::engine::CleaningKind::Trimmed));
    // Mixed date forms: 07/10/83 (two-digit year) and 7/5/2011, month/day/year by evidence.
    for c in ["DOB", "DateofHire", "LastPerformanceReview_Date"] {
        let col = ds.column(c).unwrap();
        assert_eq!(col.kind(), ColumnKind::Date, "{c}");
        assert_eq!(col.meta.date_order, Some(DateOrder::Mdy), "{c}");
        assert!(!col.meta.date_ambiguous, "{c}");
        assert_eq!(col.missing(), 0, "{c}");
    }
    assert_eq!(shown(&ds, "DOB", 0).as_deref(), Some("1983-07-10"));
    assert_eq!(shown(&ds, "DateofHire", 0).as_deref(), Some("2011-07-05"));
    assert_eq!(ds.column("DateofTermination").unwrap().missing(), 207);
    assert_eq!(ds.column("ManagerID").unwrap().missing(), 8);
    assert!(ds.column("HispanicLatino").unwrap().meta.boolean, "Yes/No/yes/no");
    assert!(ds.warnings().is_empty(), "{:?}", ds.warnings());
    assert!(streamed(&bytes, Some("HRDataset_v14.csv")) == ds);
}

#[test]
fn hr_dataset_v14_excel_resave_reports_its_date_ambiguity() {
    let Some((_, csv)) = open("HRDataset_v14.csv") else { return };
    let Some((_, ds)) = open("xlsx/HRDataset_v14.xlsx") else { return };
    assert_eq!(ds.row_count(), 311);
    assert_eq!(ds.source().format, "xlsx");
    // Dates with a day ≤ 12 were re-read day-first into real Excel dates; the
    // rest stayed text. Each such column says so.
    let mixed: Vec<&str> =
        ds.warnings().iter().filter(|w| w.kind == WarningKind::DateMixed).filter_map(|w| w.column.as_deref()).collect();
    for c in ["DOB", "DateofHire", "LastPerformanceReview_Date"] {
        assert!(mixed.contains(&c), "{c}: {mixed:?}");
        let w =
            ds.warnings().iter().find(|w| w.kind == WarningKind::DateMixed && w.column.as_deref() == Some(c)).unwrap();
        assert!(w.message.en.contains("day-first"), "{}", w.message.en);
    }
    // The ZIP codes lost their leading zeros in the re-save: a number column there.
    assert_eq!(kind(&ds, "Zip"), ColumnKind::Number);
    // Reconciling the two files: joined by EmpID, the swapped dates show as discrepancies.
    let j = join(&csv, &ds, &JoinOptions { on: Some(JoinOn::Same("EmpID".into())), ..JoinOptions::default() }).unwrap();
    assert_eq!(j.summary.matched, 311);
    assert_eq!((j.summary.left_only, j.summary.right_only), (0, 0));
    let dob = j.summary.columns.iter().find(|c| c.column == "DOB").unwrap();
    assert!(dob.differs > 50, "{dob:?}");
    let salary = j.summary.columns.iter().find(|c| c.column == "Salary").unwrap();
    assert_eq!((salary.compared, salary.differs), (311, 0));
    let d = j.discrepancies.iter().find(|d| d.column == "DOB").unwrap();
    assert_ne!(d.left, d.right);
}

#[test]
fn hr_comma_sep() {
    let Some((bytes, ds)) = open("HR_comma_sep.csv") else { return };
    assert_eq!(ds.row_count(), 14_999);
    assert_eq!(ds.by_role(Role::Department).unwrap().name, "department");
    assert_eq!(kind(&ds, "salary"), ColumnKind::Category);
    assert_eq!(kind(&ds, "satisfaction_level"), ColumnKind::Number);
    let dup = ds.warnings().iter().find(|w| w.kind == WarningKind::DuplicateRow).unwrap();
    assert_eq!(dup.count, 3008);
    assert!(streamed(&bytes, Some("HR_comma_sep.csv")) == ds);
}

#[test]
fn hr_dataset_org_roles_survive_for_the_org_tree() {
    let Some((_, ds)) = open("HRDataset_v14.csv") else { return };
    let mgr = ds.by_role(Role::ManagerId).unwrap();
    assert_eq!(mgr.kind(), ColumnKind::Text);
    assert_eq!(mgr.display(0).as_deref(), Some("22"));
}
