//! XLSX: workbooks written in code (typed cells, dates as serials with a date
//! style, title rows, sheet choice) and hostile ones (a huge declared
//! dimension, far-apart cells, a whitespace bomb, a lying zip directory,
//! too many cells), each a `LimitError` or `FormatError` in bounded memory.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod ingest_support;

use hrlens::engine::ingest::{load, LimitOptions, LoadOptions, StreamLoader};
use hrlens::engine::{ColumnKind, Dataset, Error, ErrorKind, Role, WarningKind};
use ingest_support::{declare_size, sheet_xml, workbook, workbook_streamed, workbook_with, X};

fn xlsx(bytes: &[u8]) -> Result<Dataset, Error> {
    load(bytes, &LoadOptions { filename: Some("t.xlsx".into()), ..LoadOptions::default() })
}

fn shown(ds: &Dataset, col: &str) -> Vec<Option<String>> {
    let c = ds.column(col).unwrap();
    (0..ds.row_count()).map(|r| c.display(r).map(|s| s.into_owned())).collect()
}

fn hr_sheet() -> Vec<Vec<X>> {
    vec![
        vec![X::S("2024年3月客服经理考核表")],
        vec![X::S("工号"), X::S("姓名"), X::S("入职日期"), X::S("得分"), X::S("在职"), X::S("备注")],
        vec![X::S("001"), X::S("张伟"), X::D(40729.0), X::N(88.5), X::B(true), X::S("")],
        vec![X::S("002"), X::S("李娜"), X::D(45366.0), X::E("#DIV/0!"), X::B(false), X::S("new")],
        vec![X::S("003"), X::S("王芳"), X::D(45367.0), X::N(91.0), X::B(true), X::Blank],
        vec![X::S("004"), X::S("刘洋"), X::D(45368.0), X::N(92.0), X::B(true), X::Blank],
        vec![X::S("005"), X::S("陈静"), X::D(45369.0), X::N(93.0), X::B(true), X::Blank],
        vec![X::S("006"), X::S("杨磊"), X::D(45370.0), X::N(94.0), X::B(true), X::Blank],
        vec![X::S("007"), X::S("赵敏"), X::D(45371.0), X::N(95.0), X::B(true), X::Blank],
        vec![X::S("008"), X::S("黄勇"), X::D(45372.0), X::N(96.0), X::B(true), X::Blank],
        vec![X::S("009"), X::S("周杰"), X::D(45373.0), X::N(97.0), X::B(true), X::Blank],
        vec![X::S("010"), X::S("吴霞"), X::D(45374.0), X::N(98.0), X::B(true), X::Blank],
        vec![X::S("合计"), X::Blank, X::Blank, X::N(1000.0)],
    ]
}

#[test]
fn typed_cells_dates_title_and_totals() {
    let bytes = workbook(&[("考核", sheet_xml(&hr_sheet(), Some("A1:F13")))]);
    let ds = xlsx(&bytes).unwrap();
    assert_eq!(ds.row_count(), 10);
    let s = ds.source();
    assert_eq!((s.format.as_str(), s.sheet.as_deref(), s.header_row), ("xlsx", Some("考核"), Some(2)));
    assert_eq!(s.sheets, vec!["考核"]);
    assert_eq!(ds.by_role(Role::EmployeeId).unwrap().name, "工号");
    assert_eq!(shown(&ds, "工号")[0].as_deref(), Some("001"));
    let hired = ds.column("入职日期").unwrap();
    assert_eq!(hired.kind(), ColumnKind::Date);
    assert_eq!(shown(&ds, "入职日期")[..2], [Some("2011-07-05".into()), Some("2024-03-15".into())]);
    assert_eq!(ds.column("得分").unwrap().kind(), ColumnKind::Number);
    assert!(ds.column("在职").unwrap().meta.boolean);
    let w = ds.warnings();
    let bad = w.iter().find(|w| w.kind == WarningKind::BadValue).unwrap();
    assert_eq!((bad.row, bad.column.as_deref(), bad.value.as_deref()), (Some(4), Some("得分"), Some("#DIV/0!")));
    assert!(w.iter().any(|w| w.kind == WarningKind::TitleLines && w.row == Some(1)));
    assert!(w.iter().any(|w| w.kind == WarningKind::TotalsRow && w.row == Some(13)));
}

#[test]
fn streaming_an_xlsx_gives_the_same_dataset() {
    let bytes = workbook(&[("考核", sheet_xml(&hr_sheet(), None))]);
    let whole = xlsx(&bytes).unwrap();
    for chunk in [1, 100, 4096] {
        let opts = LoadOptions { filename: Some("t.xlsx".into()), ..LoadOptions::default() };
        let mut s = StreamLoader::new(&opts).unwrap();
        for c in bytes.chunks(chunk) {
            s.push(c).unwrap();
        }
        assert!(s.finish().unwrap() == whole, "chunk {chunk}");
    }
}

#[test]
fn sheet_choice() {
    let empty = sheet_xml(&[], None);
    let data = sheet_xml(&[vec![X::S("a"), X::S("b")], vec![X::N(1.0), X::N(2.0)]], None);
    let other = sheet_xml(&[vec![X::S("x")], vec![X::N(9.0)]], None);
    let bytes = workbook(&[("Cover", empty), ("Data", data), ("Codes", other)]);
    let ds = xlsx(&bytes).unwrap();
    assert_eq!(ds.source().sheet.as_deref(), Some("Data"), "the first non-empty sheet");
    assert_eq!(ds.source().sheets, vec!["Cover", "Data", "Codes"]);
    let ds = load(&bytes, &LoadOptions { sheet: Some("Codes".into()), ..LoadOptions::default() }).unwrap();
    assert_eq!(&*ds.numbers("x").unwrap(), &[9.0]);
    let e = load(&bytes, &LoadOptions { sheet: Some("Nope".into()), ..LoadOptions::default() }).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Param);
    assert!(e.to_string().contains("Cover, Data, Codes"), "{e}");
}

#[test]
fn rows_that_skip_lines_keep_their_sheet_row_numbers() {
    let xml = r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="3"><c r="B3" t="inlineStr"><is><t>id</t></is></c><c r="C3" t="inlineStr"><is><t>v</t></is></c></row><row r="4"><c r="B4" t="inlineStr"><is><t>E1</t></is></c><c r="C4"><v>1</v></c></row><row r="7"><c r="B7" t="inlineStr"><is><t>E2</t></is></c><c r="C7" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>"#;
    let ds = xlsx(&workbook(&[("S", xml.into())])).unwrap();
    assert_eq!(ds.source().header_row, Some(3));
    assert_eq!(ds.row_count(), 2);
    assert_eq!(ds.line_of(1), 7);
    let names: Vec<&str> = ds.columns().iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "v"], "the empty column A is dropped");
    assert!(ds.warnings().iter().any(|w| w.kind == WarningKind::BlankLines && w.row == Some(5) && w.count == 2));
}

// ---- hostile workbooks -------------------------------------------------------

/// Bounded: the process's resident memory grows by less than this while a hostile file is rejected.
const BOUND: u64 = 64 << 20;

fn rejected_within_bounds(bytes: &[u8], kind: ErrorKind) -> Error {
    let before = ingest_support::rss().unwrap_or(0);
    let e = xlsx(bytes).expect_err("a hostile workbook must not load");
    let after = ingest_support::rss().unwrap_or(0);
    assert_eq!(e.kind, kind, "{e}");
    assert!(after.saturating_sub(before) < BOUND, "memory grew by {} MB", (after - before) >> 20);
    assert!(!e.to_zh().is_empty());
    e
}

#[test]
fn a_huge_declared_dimension_is_refused_before_any_cell_is_read() {
    // 1.5 KB: A1 and XFD1048576, with the dimension saying so.
    let xml = r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row></sheetData></worksheet>"#;
    let bytes = workbook(&[("S", xml.into())]);
    assert!(bytes.len() < 2000, "{} bytes", bytes.len());
    let e = rejected_within_bounds(&bytes, ErrorKind::Limit);
    assert!(e.to_string().contains("A1:XFD1048576"), "{e}");
    assert!(e.to_string().contains("limits.max"), "{e}");
}

#[test]
fn far_apart_cells_without_a_dimension_hit_the_range_cap() {
    let xml = r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>2</v></c></row></sheetData></worksheet>"#;
    let e = rejected_within_bounds(&workbook(&[("S", xml.into())]), ErrorKind::Limit);
    assert!(e.to_string().contains("XFD1048576"), "{e}");
}

#[test]
fn a_whitespace_bomb_is_refused_from_the_zip_directory() {
    // 16 MB of spaces inside sheetData deflate to ~16 KB: a 1000:1 part.
    let head = br#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#.to_vec();
    let pieces = std::iter::once(head)
        .chain(std::iter::repeat_n(vec![b' '; 1 << 20], 16))
        .chain(std::iter::once(b"</sheetData></worksheet>".to_vec()));
    let bytes = workbook_streamed(pieces);
    assert!(bytes.len() < 1 << 20);
    let e = rejected_within_bounds(&bytes, ErrorKind::Limit);
    assert!(e.to_string().contains("zip bomb"), "{e}");
}

#[test]
fn a_lying_zip_directory_cannot_get_past_its_declared_size() {
    // The same bomb, but the directory declares 1 KB: the ratio check passes,
    // and the reader stops the part at 1 KB (a FormatError, not 16 MB of XML).
    let head = br#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#.to_vec();
    let pieces = std::iter::once(head)
        .chain(std::iter::repeat_n(vec![b' '; 1 << 20], 16))
        .chain(std::iter::once(b"</sheetData></worksheet>".to_vec()));
    let mut bytes = workbook_streamed(pieces);
    declare_size(&mut bytes, "xl/worksheets/sheet1.xml", 1024);
    rejected_within_bounds(&bytes, ErrorKind::Format);
}

#[test]
fn a_declared_range_of_twenty_million_cells_is_refused() {
    let xml = r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:T1000000"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>"#;
    let e = rejected_within_bounds(&workbook(&[("S", xml.into())]), ErrorKind::Limit);
    assert!(e.to_string().contains("20000000 cells"), "{e}");
}

#[test]
fn counted_cells_rows_and_columns_have_caps_too() {
    // No dimension: 3,000 cells counted against maxCells 1,000.
    let rows: Vec<Vec<X>> = (0..300).map(|r| (0..10).map(|c| X::N(f64::from(r * 10 + c))).collect()).collect();
    let bytes = workbook(&[("S", sheet_xml(&rows, None))]);
    let small = |l: LimitOptions| LoadOptions { limits: Some(l), ..LoadOptions::default() };
    let e = load(&bytes, &small(LimitOptions { max_cells: Some(1000), ..LimitOptions::default() })).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Limit);
    assert!(e.to_string().contains("maxCells"), "{e}");
    let e = load(&bytes, &small(LimitOptions { max_rows: Some(100), ..LimitOptions::default() })).unwrap_err();
    assert!(e.to_string().contains("maxRows"), "{e}");
    let e = load(&bytes, &small(LimitOptions { max_columns: Some(5), ..LimitOptions::default() })).unwrap_err();
    assert!(e.to_string().contains("maxColumns"), "{e}");
    let ds = load(&bytes, &LoadOptions::default()).unwrap();
    assert_eq!((ds.row_count(), ds.source().header_row), (300, None), "numbers only: no header row");
}

#[test]
fn an_oversized_part_is_refused() {
    let rows: Vec<Vec<X>> = (0..2000).map(|r| vec![X::Owned(format!("row {r}")), X::N(f64::from(r))]).collect();
    let bytes = workbook_with(&[("S", sheet_xml(&rows, None))], zip::CompressionMethod::Stored, &[]);
    let opts = LoadOptions {
        limits: Some(LimitOptions { max_entry_bytes: Some(10_000), ..LimitOptions::default() }),
        ..LoadOptions::default()
    };
    let e = load(&bytes, &opts).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Limit);
    assert!(e.to_string().contains("xl/worksheets/sheet1.xml"), "{e}");
}

#[test]
fn broken_and_protected_workbooks_are_format_errors() {
    let e = xlsx(b"PK\x03\x04 this is not a zip").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Format);
    assert_eq!(e.file.as_deref(), Some("t.xlsx"));
    let mut bytes = workbook(&[("S", sheet_xml(&[vec![X::S("a")]], None))]);
    let n = bytes.len();
    bytes.truncate(n - 30);
    assert_eq!(xlsx(&bytes).unwrap_err().kind, ErrorKind::Format);
    let e = load(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1], &LoadOptions::default()).unwrap_err();
    assert!(e.to_string().contains("password") && e.to_string().contains(".xls"), "{e}");
}
