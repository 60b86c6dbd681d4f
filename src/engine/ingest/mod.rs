//! Bytes in, [`Dataset`] out: ingestion that survives real HR exports.
//!
//! [`load`] takes a whole file; [`StreamLoader`] takes it in chunks (the
//! browser reads a `File` with `file.stream()`) and gives the *same* dataset.
//! Both sniff the format from the content (the filename is only a hint):
//!
//! - **CSV/TSV** (`,` `;` tab `|`, or a `sep=;` line) through `csv-core`,
//!   in UTF-8, GB18030/GBK or UTF-16 ([`decode`]);
//! - **XLSX** through calamine's streaming cell reader, behind a zip guard
//!   that checks entry sizes, compression ratios and the declared sheet
//!   dimension *before* calamine opens the workbook ([`xlsx`]);
//! - **JSON**: an array of objects, or `{ "columns": [...], "rows": [[...]] }`.
//!
//! Then every format goes through the same table builder: title lines,
//! two-row headers, totals rows, blank and repeated-header lines are found
//! and skipped with a warning; each column is parsed straight into typed
//! storage (numbers with `1,234`, `85%`, `１２３`, `¥`; dates in every form
//! including Excel serials and day/month order decided per column; yes/no
//! as 1/0; identifiers keep leading zeros), every cleaning step is counted,
//! and every problem becomes a [`Warning`](crate::engine::Warning) naming
//! line, column, value and what was expected. Nothing is dropped silently.
//!
//! ```
//! use hrlens::engine::ingest::{load, LoadOptions};
//! let csv = "2024年3月考核表\n工号,部门,月份,得分\n001,客服一部,2024-03,85%\n002,客服二部,2024-03,90%\n合计,,,\n";
//! let ds = load(csv.as_bytes(), &LoadOptions::default()).unwrap();
//! assert_eq!(ds.row_count(), 2);
//! assert_eq!(ds.column("工号").unwrap().display(0).as_deref(), Some("001"));
//! assert_eq!(&*ds.numbers("得分").unwrap(), &[0.85, 0.9]);
//! assert_eq!(ds.source().header_row, Some(2));
//! ```
#![deny(clippy::indexing_slicing)]

mod cell;
mod column;
mod csv;
pub mod decode;
mod infer;
mod join;
mod json;
mod record;
mod shape;
mod stream;
mod table;
pub mod xlsx;

use serde::{Deserialize, Serialize};

use super::dataset::{Dataset, DateOrder};
use super::error::{Error, Result};

pub use self::cell::{is_na, parse_number};
pub use self::join::{
    join, ColumnComparison, Discrepancy, DiscrepancyKind, JoinOn, JoinOptions, JoinResult, JoinSummary,
};
pub use self::stream::{Progress, StreamLoader};

/// Options of `Dataset.load` and of the streaming loader.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct LoadOptions {
    /// A hint only; the content is sniffed.
    pub filename: Option<String>,
    /// `csv`, `xlsx` or `json` to skip sniffing.
    pub format: Option<String>,
    /// XLSX sheet name (default: the first non-empty one).
    pub sheet: Option<String>,
    /// `auto` (default): BOM, then UTF-8, else GB18030; or any WHATWG label.
    pub encoding: Option<String>,
    /// One of `,` `;` `\t` `|`; sniffed when absent.
    pub delimiter: Option<String>,
    /// Line of the header row (1-based, as in warnings); `0` = no header row.
    pub header_row: Option<u64>,
    /// Force a one- or two-row header (default: detected).
    pub header_rows: Option<u32>,
    /// Day/month order of slash dates (`mdy` or `dmy`; default: decided per column from the data).
    pub date_order: Option<DateOrder>,
    /// Total size in bytes, when streaming (sizes the columns and checks the memory budget early).
    pub size: Option<u64>,
    /// Keep number and date columns as 4-byte scaled decimals where that is
    /// exact (the values do not change; reading them costs a division).
    /// Default: only for big inputs, from about 32M number cells.
    pub compact: Option<bool>,
    pub limits: Option<LimitOptions>,
}

/// Caps on what a load may take; each has a default.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct LimitOptions {
    /// Bytes the dataset may use in memory (default 2 GiB in wasm, 16 GiB natively).
    pub memory_budget: Option<u64>,
    /// Data rows (default 50 million).
    pub max_rows: Option<u64>,
    /// Columns (default 16,384, Excel's maximum).
    pub max_columns: Option<u64>,
    /// XLSX cells, declared or counted (default 10 million).
    pub max_cells: Option<u64>,
    /// Declared uncompressed size of one XLSX part (default 512 MiB).
    pub max_entry_bytes: Option<u64>,
    /// Compression ratio of an XLSX part above 1 MiB (default 100).
    pub max_ratio: Option<u64>,
    /// Bytes of one CSV record (default 16 MiB).
    pub max_record_bytes: Option<u64>,
    /// Bytes of an XLSX or JSON file, which are read whole (default 1 GiB).
    pub max_file_bytes: Option<u64>,
}

/// The limits in force for one load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    pub memory_budget: u64,
    pub max_rows: u64,
    pub max_columns: u64,
    pub max_cells: u64,
    pub max_entry_bytes: u64,
    pub max_ratio: u64,
    pub max_record_bytes: u64,
    pub max_file_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            memory_budget: if cfg!(target_arch = "wasm32") { 2 << 30 } else { 16 << 30 },
            max_rows: 50_000_000,
            max_columns: 16_384,
            max_cells: 10_000_000,
            max_entry_bytes: 512 << 20,
            max_ratio: 100,
            max_record_bytes: 16 << 20,
            max_file_bytes: 1 << 30,
        }
    }
}

impl Limits {
    fn from_options(o: Option<&LimitOptions>) -> Result<Limits> {
        let d = Limits::default();
        let Some(o) = o else { return Ok(d) };
        let pick = |v: Option<u64>, dv: u64, name: &str| -> Result<u64> {
            match v {
                Some(0) => {
                    Err(Error::param(format!("limits.{name} must be at least 1"), format!("limits.{name} 至少为 1")))
                }
                Some(x) => Ok(x),
                None => Ok(dv),
            }
        };
        Ok(Limits {
            memory_budget: pick(o.memory_budget, d.memory_budget, "memoryBudget")?,
            max_rows: pick(o.max_rows, d.max_rows, "maxRows")?.min(u64::from(u32::MAX) - 1),
            max_columns: pick(o.max_columns, d.max_columns, "maxColumns")?,
            max_cells: pick(o.max_cells, d.max_cells, "maxCells")?,
            max_entry_bytes: pick(o.max_entry_bytes, d.max_entry_bytes, "maxEntryBytes")?,
            max_ratio: pick(o.max_ratio, d.max_ratio, "maxRatio")?,
            max_record_bytes: pick(o.max_record_bytes, d.max_record_bytes, "maxRecordBytes")?,
            max_file_bytes: pick(o.max_file_bytes, d.max_file_bytes, "maxFileBytes")?,
        })
    }
}

/// The formats `load` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    Json,
}

impl Format {
    fn parse(s: &str) -> Result<Format> {
        match s.to_ascii_lowercase().as_str() {
            "csv" | "tsv" | "txt" | "text" => Ok(Format::Csv),
            "xlsx" | "xlsm" => Ok(Format::Xlsx),
            "json" => Ok(Format::Json),
            other => Err(Error::param(
                format!("format \"{other}\" is not supported; expected csv, xlsx or json"),
                format!("不支持格式“{other}”；应为 csv、xlsx 或 json"),
            )),
        }
    }
}

fn extension(filename: Option<&str>) -> Option<String> {
    let f = filename?;
    let (_, ext) = f.rsplit_once('.')?;
    Some(ext.to_ascii_lowercase())
}

/// Sniff the format from the first bytes (the filename only breaks ties).
///
/// # Errors
/// `FormatError` for legacy `.xls`, password-protected workbooks and other binary files we cannot read.
pub fn sniff_format(head: &[u8], filename: Option<&str>) -> Result<Format> {
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Ok(Format::Xlsx);
    }
    if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(Error::format(
            "this is a legacy Excel .xls file or a password-protected workbook; save it as .xlsx (without a password) or as CSV",
            "这是旧版 Excel .xls 文件或加密的工作簿；请另存为 .xlsx（不设密码）或 CSV",
        ));
    }
    let ext = extension(filename);
    let text_ext = matches!(ext.as_deref(), Some("csv" | "tsv" | "txt"));
    let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if matches!(first, Some(b'[' | b'{')) && !text_ext {
        return Ok(Format::Json);
    }
    if ext.as_deref() == Some("json") && first.is_some() && !matches!(first, Some(b'[' | b'{')) {
        return Err(Error::format(
            "the file is named .json but does not start with [ or {",
            "文件名为 .json，但内容不是以 [ 或 { 开头",
        ));
    }
    Ok(Format::Csv)
}

/// Load a file's bytes into a dataset.
///
/// # Errors
/// `FormatError` when the bytes are not a table we can read, `EncodingError`
/// when they are not valid text in the chosen (or any detected) encoding,
/// `LimitError` past a limit (sizes, rows, columns, cells, memory budget),
/// `ParamError` for bad options. Each names the file and, where known, line
/// and column.
pub fn load(bytes: &[u8], opts: &LoadOptions) -> Result<Dataset> {
    let file = opts.filename.as_deref();
    load_inner(bytes, opts).map_err(|e| e.in_file(file))
}

fn load_inner(bytes: &[u8], opts: &LoadOptions) -> Result<Dataset> {
    let format = match opts.format.as_deref() {
        Some(f) => Format::parse(f)?,
        None => sniff_format(bytes.get(..bytes.len().min(4096)).unwrap_or(bytes), opts.filename.as_deref())?,
    };
    let limits = Limits::from_options(opts.limits.as_ref())?;
    match format {
        // Read whole (CSV goes through the stream loader, which indexes the period column).
        Format::Xlsx => xlsx::load(bytes, opts, &limits).map(indexed),
        Format::Json => json::load(bytes, opts, &limits).map(indexed),
        Format::Csv => {
            let mut opts = opts.clone();
            opts.size = Some(bytes.len() as u64);
            opts.format = Some("csv".into());
            let mut s = StreamLoader::with_resident(&opts, bytes.len() as u64)?;
            s.push(bytes)?;
            s.finish()
        }
    }
}

/// The dataset with its period column's months indexed (see `index_period`).
fn indexed(ds: Dataset) -> Dataset {
    super::trend::months::index_period(&ds);
    ds
}

/// The first rows of a file as written, with what was detected (for a
/// "which line is the header?" picker).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    pub format: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    pub sheets: Vec<String>,
    /// The header row detected (or chosen), 1-based; `None` = no header row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header_row: Option<u64>,
    pub header_rows: u32,
    pub rows: Vec<PreviewRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PreviewRow {
    pub line: u64,
    pub cells: Vec<String>,
}

/// The first `rows` rows (at most 200) and the detected shape, without loading the whole file.
///
/// # Errors
/// As [`load`].
pub fn preview(bytes: &[u8], opts: &LoadOptions, rows: usize) -> Result<Preview> {
    let file = opts.filename.as_deref();
    stream::preview(bytes, opts, rows.clamp(1, 200)).map_err(|e| e.in_file(file))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::dataset::{ColumnKind, Role};

    fn load_str(s: &str) -> Result<Dataset> {
        load(s.as_bytes(), &LoadOptions { filename: Some("t.csv".into()), ..LoadOptions::default() })
    }

    #[test]
    fn loads_kinds_and_roles() {
        let d = load_str("工号,部门,月份,得分\nE01,客服一部,2024-01,88.5\nE02,客服二部,2024-02,\n").unwrap();
        assert_eq!(d.row_count(), 2);
        let s = d.summary();
        assert_eq!(s[0].role, Some(Role::EmployeeId));
        assert_eq!(s[1].role, Some(Role::Department));
        assert_eq!(s[2].kind, ColumnKind::Date);
        assert_eq!(s[2].role, Some(Role::Period));
        assert_eq!(s[3].kind, ColumnKind::Number);
        assert_eq!(s[3].missing, 1);
        assert_eq!(d.source().delimiter.as_deref(), Some(","));
    }

    #[test]
    fn sniffs_semicolons_and_strips_bom() {
        let d = load("\u{FEFF}a;b\n1;2\n3;4\n".as_bytes(), &LoadOptions::default()).unwrap();
        assert_eq!(d.columns()[0].name, "a");
        assert_eq!(&*d.numbers("b").unwrap(), &[2.0, 4.0]);
        assert_eq!(d.source().delimiter.as_deref(), Some(";"));
        assert!(d.source().bom);
    }

    #[test]
    fn ragged_rows_are_kept_and_reported() {
        let d = load_str("a,b,c\n1,2,3\n4,5\n6,7,8,9\n").unwrap();
        assert_eq!(d.row_count(), 3);
        let w = d.warnings();
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].row, Some(3));
        assert!(w[0].message.en.contains("found 2 fields, expected 3"));
        assert_eq!(w[1].row, Some(4));
        assert_eq!(w[1].value.as_deref(), Some("9"));
        assert!(d.columns()[2].is_missing(1));
    }

    #[test]
    fn errors_name_the_problem() {
        let e = load_str("").unwrap_err();
        assert_eq!(e.kind.js_name(), "FormatError");
        assert_eq!(e.file.as_deref(), Some("t.csv"));
        let e = load(b"a,b\n1,\xff\n", &LoadOptions::default()).unwrap_err();
        assert_eq!(e.kind.js_name(), "EncodingError");
        assert_eq!(e.line, Some(2));
        let e = load(b"a\n", &LoadOptions { encoding: Some("nope".into()), ..LoadOptions::default() }).unwrap_err();
        assert_eq!(e.kind.js_name(), "ParamError");
        let e = load(&[0xD0, 0xCF, 0x11, 0xE0, 0, 0], &LoadOptions::default()).unwrap_err();
        assert!(e.to_string().contains(".xls"));
    }

    #[test]
    fn sniffs_formats() {
        assert_eq!(sniff_format(b"PK\x03\x04rest", None).unwrap(), Format::Xlsx);
        assert_eq!(sniff_format(b" [{\"a\":1}]", None).unwrap(), Format::Json);
        assert_eq!(sniff_format(b"[a],b\n", Some("x.csv")).unwrap(), Format::Csv);
        assert_eq!(sniff_format(b"a,b\n", Some("x.xlsx")).unwrap(), Format::Csv);
        assert!(sniff_format(b"a,b", Some("x.json")).is_err());
    }
}
